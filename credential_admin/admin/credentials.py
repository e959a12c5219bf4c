"""Django admin for credentials, their configurations, signing keys and the audit log.

Read-only on purpose: credentials change only through the pipeline and the commands, which keep the audit log and
the one-active-credential rule; configurations change only by publishing the course.
"""
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from credential_admin.issuing import signing
from credential_admin.models import AuditLog, Credential, CredentialConfig, SigningKey


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
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ("formatted_code", "user", "config", "status", "issued_on", "attempts", "modified")
    list_filter = ("status", "config__level")
    search_fields = ("verification_id", "short_code", "user__username", "config__course_key")
    list_select_related = ("user", "config")
    raw_id_fields = ("user", "config", "superseded_by", "revoked_by")


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


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created", "action", "credential", "config", "actor")
    list_filter = ("action",)
    search_fields = ("credential__verification_id", "credential__user__username", "config__course_key")
    raw_id_fields = ("credential", "config", "actor")
