"""Django admin for Learning Path credentials: one configuration per path and level, made here (paths have no
Studio); its page shows each course's rule and where it comes from, the overrides with a way back to the block's
rule, configuration errors, and a preview of who qualifies and why not.

Every change goes through `credential_admin.paths.configs`, which checks all input first and saves nothing on an
error.
"""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credential_admin.badges import images
from credential_admin.models import CredentialConfig, PathCredential
from credential_admin.paths import configs
from credential_admin.paths.preview import preview
from credential_xblock.checklist import rule_summary
from credential_xblock.rules import Criteria

CONFIG_FIELDS = ("display_name", "description", "template", "badge_name", "badge_description", "badge_criteria")


def type_grades(text: str) -> dict[str, str]:
    """'Final Exam: 75' lines (or a JSON object) as {type: threshold}; ValueError naming a bad line."""
    text = (text or "").strip()
    if text.startswith("{"):
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError(_("Write one rule per line, like: Final Exam: 75"))
        return {str(key): str(item) for key, item in value.items()}
    found = {}
    for line in filter(None, (line.strip() for line in text.splitlines())):
        name, sep, value = line.rpartition(":")
        if not sep or not name.strip():
            raise ValueError(_('"{line}" is not a rule: write it like "Final Exam: 75".').format(line=line[:80]))
        found[name.strip()] = value.strip()
    return found


class PathCredentialForm(forms.ModelForm):
    """The path side plus the configuration's printed fields and the global rule as three inputs."""

    path_key = forms.CharField(label=gettext_lazy("Learning path key"), max_length=255,
                               help_text=gettext_lazy("path-v1:ORG+NUMBER+RUN+GROUP"))
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=CredentialConfig.Level.choices)
    display_name = forms.CharField(label=gettext_lazy("Name"), max_length=255, required=False,
                                   help_text=gettext_lazy("Printed as the title; the path's name when empty."))
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)
    template = forms.CharField(label=gettext_lazy("Certificate template"), max_length=255, required=False)
    min_completion = forms.CharField(label=gettext_lazy("Global rule: minimum completion (%)"), required=False)
    min_grade = forms.CharField(label=gettext_lazy("Global rule: minimum course grade (%)"), required=False)
    min_type_grades = forms.CharField(
        label=gettext_lazy("Global rule: minimum grade per assignment type"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=gettext_lazy('One per line, like "Final Exam: 75".'))
    min_path_grade = forms.CharField(label=gettext_lazy("Path-wide grade (%)"), required=False, help_text=gettext_lazy(
        "Optional: the course grades weighted by the step weights must reach this percentage."))
    badge_name = forms.CharField(label=gettext_lazy("Badge name"), max_length=255, required=False,
                                 help_text=gettext_lazy("Badge level only; the credential's name when empty."))
    badge_description = forms.CharField(label=gettext_lazy("Badge description"), max_length=500, required=False)
    badge_criteria = forms.CharField(label=gettext_lazy("Badge criteria"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    badge_image = forms.FileField(label=gettext_lazy("Badge image"), required=False, help_text=gettext_lazy(
        "PNG or SVG; when none is uploaded, the image generated from the path's colours and the badge's name."))

    class Meta:
        model = PathCredential
        fields = ("mode",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            config, rule = self.instance.config, self.instance.global_criteria or {}
            for name in ("path_key", "level"):
                self.fields[name].disabled = True
            self.initial.update({"path_key": self.instance.path_key, "level": config.level,
                                 "min_completion": rule.get("min_completion") or "",
                                 "min_grade": rule.get("min_grade") or "",
                                 "min_type_grades": "\n".join(f"{k}: {v}" for k, v in
                                                              (rule.get("min_type_grades") or {}).items()),
                                 "min_path_grade": self.instance.min_path_grade or "",
                                 **{name: getattr(config, name) for name in CONFIG_FIELDS}})

    def clean_badge_image(self) -> str | None:
        """The upload, checked like the block's (type, size, dimensions, safe SVG), as a data URI; None to keep."""
        upload = self.cleaned_data.get("badge_image")
        if not upload:
            return None
        try:
            return images.check(upload.read(images.MAX_BYTES + 1), upload.content_type or "").data_uri()
        except images.ImageError as exc:
            raise forms.ValidationError(exc.message.render(_)) from None

    def clean(self):
        data = super().clean()
        try:
            types = type_grades(data.get("min_type_grades", ""))
        except ValueError as exc:
            self.add_error("min_type_grades", str(exc))
            return data
        data["global_criteria"] = {"min_completion": data.get("min_completion"), "min_grade": data.get("min_grade"),
                                   "min_type_grades": types}
        try:
            if not self.instance.pk:
                key, info = configs.check_path(data.get("path_key", ""))
                if CredentialConfig.objects.filter(usage_key=configs.usage_key_for(key, data.get("level"))).exists():
                    self.add_error("level", _("{path} already has a credential of this level.").format(
                        path=info.title))
            configs.clean_rules(data.get("mode", ""), data["global_criteria"], data.get("min_path_grade"))
        except configs.PathConfigError as exc:
            for key, message in exc.errors.items():
                field = key.removeprefix("global_criteria.").split(".", 1)[0]
                self.add_error(field if field in self.fields else None, message.render(_))
        return data


@admin.register(PathCredential)
class PathCredentialAdmin(admin.ModelAdmin):
    form = PathCredentialForm
    list_display = ("__str__", "path_key", "mode", "published")
    search_fields = ("path_key", "config__display_name")
    list_select_related = ("config",)
    change_form_template = "credential_admin/admin/path_credential_change.html"
    fieldsets = (
        (None, {"fields": ("path_key", "level", "display_name", "description", "template")}),
        (gettext_lazy("Rules"), {"fields": ("mode", "min_completion", "min_grade", "min_type_grades",
                                            "min_path_grade")}),
        (gettext_lazy("Badge"), {"fields": ("badge_name", "badge_description", "badge_criteria", "badge_image")}),
    )

    @admin.display(boolean=True, description=gettext_lazy("published"))
    def published(self, obj: PathCredential) -> bool:
        return obj.config.is_published

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        printed = {name: data.get(name, "") for name in CONFIG_FIELDS}
        if data.get("badge_image"):
            printed["badge_image"] = data["badge_image"]
        if change:
            configs.update(obj, mode=data["mode"], global_criteria=data["global_criteria"],
                           min_path_grade=data.get("min_path_grade"), actor=request.user, **printed)
            return
        made = configs.create(data["path_key"], data["level"], mode=data["mode"],
                              global_criteria=data["global_criteria"], min_path_grade=data.get("min_path_grade"),
                              actor=request.user, **printed)
        obj.pk, obj.config, obj.path_key = made.pk, made.config, made.path_key
        obj._state.adding = False

    def delete_model(self, request, obj):
        obj.config.is_published = False  # issued credentials keep their configuration (PROTECT): retire it instead
        obj.config.save(update_fields=["is_published", "published_at"])

    def get_urls(self):
        return [path("<int:pk>/override/", self.admin_site.admin_view(self.override_view),
                     name="credential_admin_pathcredential_override"), *super().get_urls()]

    def override_view(self, request, pk: int):
        """POST: set (action=set) or remove (action=clear) one course's override, then back to the page."""
        path_config = get_object_or_404(PathCredential, pk=pk)
        back = HttpResponseRedirect(reverse("admin:credential_admin_pathcredential_change", args=[pk]) + "#rules")
        if request.method != "POST" or not self.has_change_permission(request, path_config):
            messages.error(request, _("Overrides change only by the form on this page."))
            return back
        course_key = request.POST.get("course_key", "").strip()[:255]
        if request.POST.get("action") == "clear":
            if configs.clear_override(path_config, course_key, actor=request.user):
                messages.success(request, _("{course} follows its block's rule again.").format(course=course_key))
            return back
        try:
            criteria = {"min_completion": request.POST.get("min_completion"),
                        "min_grade": request.POST.get("min_grade"),
                        "min_type_grades": type_grades(request.POST.get("min_type_grades", ""))}
            configs.set_override(path_config, course_key, criteria, actor=request.user,
                                 reason=request.POST.get("reason", ""))
        except (ValueError, configs.PathConfigError) as exc:
            errors = getattr(exc, "errors", None)
            text = "; ".join(m.render(_) for m in errors.values()) if errors else str(exc)
            messages.error(request, _("Nothing was saved: {errors}").format(errors=text))
            return back
        messages.success(request, _("The rule of {course} is overridden.").format(course=course_key))
        return back

    def change_view(self, request, object_id, form_url="", extra_context=None):
        path_config = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if path_config is not None:
            extra.update(self.rules_context(path_config, request.GET.get("learner", "")))
        return super().change_view(request, object_id, form_url, extra)

    @staticmethod
    def rules_context(path_config: PathCredential, learner: str) -> dict:
        shown = preview(path_config.config, learner)
        rules = shown.rules

        def words(criteria: Criteria | None) -> str:
            return "; ".join(rule_summary(criteria, _translation())) if criteria else "—"

        return {
            "path_rules": rules,
            "course_rows": [{"course": course, "rule": words(course.criteria), "block": words(course.block_criteria),
                             "warning": course.warning.render(_) if course.warning else ""}
                            for course in rules.courses],
            "config_errors": [message.render(_) for message in rules.errors],
            "preview": shown,
            "override_url": reverse("admin:credential_admin_pathcredential_override", args=[path_config.pk]),
        }


def _translation():
    from django.utils import translation

    return translation
