"""Django admin actions on credentials: reissue, revoke (asks for a reason), reinstate and retry.

Each calls the lifecycle API (credential_admin.issuing.lifecycle) per selected credential, as the acting admin,
and reports what was done and what was refused, by code. The reissue action exists only while REISSUE is on.
"""
from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credential_admin.issuing import lifecycle, pipeline, storage


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=gettext_lazy("Kept in the audit log; shown on the verification page when "
                                                    "SHOW_REVOCATION_REASON is on."))


def _apply(modeladmin, request, queryset, operation: Callable, done_message: str) -> None:
    """Run `operation` on each selected credential; one message for what was done, one per refusal."""
    done = 0
    for credential in queryset.select_related("config", "user").order_by("pk"):
        try:
            result = operation(credential)
        except (lifecycle.LifecycleError, pipeline.RenderError, storage.StorageError) as exc:
            modeladmin.message_user(request, f"{credential.formatted_code}: {exc}", messages.ERROR)
            continue
        done += result is not None
    modeladmin.message_user(request, done_message.format(count=done), messages.SUCCESS)


def actor(request) -> lifecycle.Actor:
    return lifecycle.Actor.person(request.user)


@admin.action(description=gettext_lazy("Reissue with the learners' current names and facts"),
              permissions=["lifecycle"])
def reissue(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset,
           lambda c: lifecycle.reissue(c, actor=actor(request), reason=_("Django admin"), force=True),
           _("Reissued {count} credential(s)."))


@admin.action(description=gettext_lazy("Revoke (asks for a reason)"), permissions=["lifecycle"])
def revoke(modeladmin, request, queryset):
    """First an intermediate page asking for the reason; its submission revokes."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid() and form.cleaned_data["reason"].strip():
        _apply(modeladmin, request, queryset,
               lambda c: lifecycle.revoke(c, actor=actor(request), reason=form.cleaned_data["reason"]),
               _("Revoked {count} credential(s)."))
        return None
    if form.is_bound and not form.errors:
        form.add_error("reason", _("A reason is required to revoke a credential."))
    context = {**modeladmin.admin_site.each_context(request), "title": _("Revoke credentials"), "form": form,
               "credentials": queryset.select_related("user", "config"), "opts": modeladmin.model._meta,
               "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "media": modeladmin.media}
    return TemplateResponse(request, "credential_admin/admin/revoke_reason.html", context,
                            status=400 if form.is_bound else 200)


@admin.action(description=gettext_lazy("Reinstate (lets the learners receive it again)"), permissions=["lifecycle"])
def reinstate(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, lambda c: lifecycle.reinstate(c, actor=actor(request)),
           _("Reinstated {count} credential(s); the next claim or issuing run issues new ones."))


@admin.action(description=gettext_lazy("Retry failed credentials"), permissions=["lifecycle"])
def retry(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, lambda c: lifecycle.retry(c, actor=actor(request)),
           _("Issued {count} failed credential(s)."))


ACTIONS = (reissue, revoke, reinstate, retry)
