"""Django admin for credentials, their configurations, signing keys and the audit log.

Read-only on purpose: credentials change only through the pipeline, the commands and the lifecycle actions
(credential_admin.admin.lifecycle), which keep the audit log and the one-active-credential rule; configurations
change only by publishing the course.
"""
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from credential_admin.admin import lifecycle as lifecycle_actions
from credential_admin.issuing import lifecycle, signing
from credential_admin.issuing.pipeline import normalize_code
from credential_admin.models import AuditLog, Credential, CredentialConfig, SigningKey


class CodeSearch:
    """Admin search that also finds a credential by its code as printed or typed ("K7QX-29MD-…", any case)."""

    code_field = "short_code"

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        code = normalize_code(search_term.strip())
        if 8 <= len(code) <= 16 and code.isalnum():
            results = results | queryset.filter(**{self.code_field: code})
        return results, duplicates


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CredentialConfig)
class CredentialConfigAdmin(ReadOnlyAdmin):
    list_display = ("display_name", "course_key", "level", "is_published", "published_at")
    list_filter = ("level", "is_published")
    search_fields = ("course_key", "usage_key", "display_name")


@admin.register(Credential)
class CredentialAdmin(CodeSearch, ReadOnlyAdmin):
    list_display = ("formatted_code", "user", "config", "status", "issued_on", "attempts", "modified")
    list_filter = ("status", "config__level")
    search_fields = ("verification_id", "short_code", "user__username", "user__first_name", "user__last_name",
                     "snapshot__name", "config__course_key", "config__display_name")
    search_help_text = _("Verification id, code (as printed), username, full name, course key or title.")
    list_select_related = ("user", "config")
    raw_id_fields = ("user", "config", "superseded_by", "revoked_by")
    exclude = ("storage_key", "seal")  # the file's private name is never shown, not even here; the seal says nothing
    actions = lifecycle_actions.ACTIONS

    def has_lifecycle_permission(self, request) -> bool:
        """Reissue, revoke, reinstate and retry: for admins who may change credentials (superusers)."""
        return request.user.has_perm("credential_admin.change_credential")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not lifecycle.reissue_enabled():  # the REISSUE switch removes every reissue path
            actions.pop("reissue", None)
        return actions


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "algorithm", "public_key", "state", "created", "retired_at")

    @admin.display(description=_("state"))
    def state(self, obj: SigningKey) -> str:
        """Active (signs new credentials), available (private key configured) or verify-only."""
        try:
            active = signing.active_key().key_id
            configured = {pair.key_id for pair in signing.private_keys()}
        except ImproperlyConfigured:
            active, configured = None, set()
        if obj.key_id == active:
            return _("active")
        return _("available") if obj.key_id in configured else _("verify only")

    def changelist_view(self, request, extra_context=None):
        try:
            signing.register_public_keys()  # list configured keys even before they have signed anything
        except ImproperlyConfigured as exc:
            self.message_user(request, str(exc), level="error")
        return super().changelist_view(request, extra_context)


class ActingFilter(admin.AllValuesFieldListFilter):
    """The audit log's actor labels: "user:…", "command:…" or "system:…"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("who or what acted")


@admin.register(AuditLog)
class AuditLogAdmin(CodeSearch, ReadOnlyAdmin):
    code_field = "credential__short_code"
    list_display = ("created", "action", "credential", "config", "who")
    list_filter = ("action", ("actor_label", ActingFilter), ("actor", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("credential", "config", "actor")
    search_fields = ("credential__verification_id", "credential__user__username", "credential__snapshot__name",
                     "actor__username", "actor_label", "config__course_key")
    search_help_text = _("Verification id, code (as printed), learner's username or full name, who acted, course key.")
    raw_id_fields = ("credential", "config", "actor")

    @admin.display(description=_("by"), ordering="actor__username")
    def who(self, obj: AuditLog) -> str:
        """The user who acted, else what did ("command:revoke_credentials", "system:name-change"), else the system."""
        if obj.actor is not None:
            return obj.actor.get_username()
        return obj.actor_label or _("system")
