"""Credential records: configurations synced from published blocks, issued credentials, signing keys, audit log.

See DESIGN.md "Credential lifecycle". The database itself guarantees at most one active credential per learner and
configuration: `Credential.active` is True while a row is pending, issued or failed (a failed row is retried in
place) and NULL once superseded or revoked, inside a plain unique index on (user, config, active). NULLs never
collide in a unique index, and, unlike a conditional unique constraint, MySQL and MariaDB enforce it too.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import ExactCharField

__all__ = ["AuditLog", "Credential", "CredentialConfig", "SigningKey"]


class CredentialConfig(models.Model):
    """One published Credential block: who gets what, for which rules (drafts never land here)."""

    class Level(models.TextChoices):
        COMPLETION = "completion", _("Completion")
        ACHIEVEMENT = "achievement", _("Achievement")
        BADGE = "badge", _("Badge")

    course_key = models.CharField(_("course key"), max_length=255, db_index=True)
    usage_key = models.CharField(_("block"), max_length=255, unique=True)
    display_name = models.CharField(_("name"), max_length=255, blank=True)
    level = models.CharField(_("level"), max_length=32, choices=Level.choices, default=Level.COMPLETION)
    criteria = models.JSONField(_("rules"), default=dict, help_text=_("As credential_xblock.rules.Criteria.to_dict()."))
    template = models.CharField(_("template"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    allowed_modes = models.JSONField(_("allowed enrollment modes"), default=list, blank=True)
    badge_name = models.CharField(_("badge name"), max_length=255, blank=True)
    badge_description = models.CharField(_("badge description"), max_length=500, blank=True)
    badge_criteria = models.TextField(_("badge criteria"), blank=True)
    badge_image = models.TextField(_("badge image"), blank=True,
                                   help_text=_("A checked PNG or SVG as a data URI; empty for the generated default."))
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Credentials expire this many months after issue."))
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("A fixed last day of validity for every credential of this kind."))
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("False once the block is no longer in the published course.")
    )
    published_at = models.DateTimeField(_("last synced"), auto_now=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course_key", "usage_key"]
        verbose_name = _("credential configuration")
        verbose_name_plural = _("credential configurations")

    def __str__(self) -> str:
        return f"{self.display_name or self.usage_key} ({self.course_key})"


class Credential(models.Model):
    """One credential of one learner for one configuration, with what was printed on it and how it was signed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded")
        REVOKED = "revoked", _("Revoked")

    ACTIVE_STATUSES = (Status.PENDING, Status.ISSUED, Status.FAILED)
    #: A credential in one of these was issued: it is signed and public (verification pages show it).
    ISSUED_STATUSES = (Status.ISSUED, Status.SUPERSEDED, Status.REVOKED)

    verification_id = ExactCharField(_("verification id"), max_length=64, unique=True)
    short_code = ExactCharField(_("short code"), max_length=16, unique=True,
                                help_text=_("Stored upper-case without hyphens."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials")
    config = models.ForeignKey(CredentialConfig, on_delete=models.PROTECT, related_name="credentials")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    active = models.BooleanField(_("active marker"), null=True, default=True, editable=False,
                                 help_text=_("True while pending, issued or failed; empty otherwise."))
    snapshot = models.JSONField(_("printed facts"), default=dict, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    reissued_at = models.DateTimeField(_("reissued at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True,
                                      help_text=_("End of validity, from the configuration's period at issue."))
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="supersedes")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    reinstated_at = models.DateTimeField(_("reinstated at"), null=True, blank=True,
                                         help_text=_("Set when an admin lets a revoked learner receive it again."))
    storage_key = models.CharField(_("file"), max_length=512, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    payload = models.TextField(_("signed payload"), blank=True, help_text=_("RFC 8785 canonical JSON."))
    signature = models.CharField(_("signature"), max_length=128, blank=True)
    key_id = models.CharField(_("signing key"), max_length=64, blank=True)
    seal = models.CharField(_("signature seal"), max_length=64, blank=True, help_text=_(
        "A MAC of the signature made when it was signed, so pages check it without verifying it again."))
    failure_reason = models.TextField(_("failure reason"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "config", "active"], name="credential_one_active"),
        ]
        indexes = [models.Index(fields=["config", "status"], name="credential_config_status")]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"{self.short_code} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        """Keep the active marker in step with the status (the unique index relies on it)."""
        self.active = True if self.status in self.ACTIVE_STATUSES else None
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def is_expired(self, now=None) -> bool:
        """Issued and past its end of validity (expiry is computed, never stored as a status)."""
        return past_expiry(self.status, self.expires_at, now)

    @property
    def formatted_code(self) -> str:
        """The short code as printed: groups of four joined by hyphens."""
        code = self.short_code
        return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def past_expiry(status: str, expires_at, now=None) -> bool:
    """Whether a credential in `status` with end of validity `expires_at` is expired (for rows read as values)."""
    from django.utils import timezone

    return status == Credential.Status.ISSUED and expires_at is not None and (now or timezone.now()) >= expires_at


class SigningKey(models.Model):
    """A signing key's public half, recorded the first time it signs, so old credentials keep verifying.

    The private half never reaches the database: it lives in settings or in the keys file.
    """

    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=16, default="Ed25519")
    public_key = models.CharField(_("public key"), max_length=64, help_text=_("Raw 32 bytes, base64url."))
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return self.key_id


class AuditLog(models.Model):
    """Every change to a credential or configuration: what happened, to what, by whom (None = the system)."""

    action = models.CharField(_("action"), max_length=32, db_index=True)
    credential = models.ForeignKey(Credential, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="audit_log")
    config = models.ForeignKey(CredentialConfig, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="audit_log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(_("by"), max_length=64, blank=True, db_index=True,
                                   help_text=_('Who acted: "user:NAME", "command:NAME" or "system:TRIGGER".'))
    details = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"
