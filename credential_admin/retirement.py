"""Account retirement (``USER_RETIRE_LMS_CRITICAL`` / ``USER_RETIRE_LMS_MISC``, OPENEDX.md §9).

The platform scrambles the user row but keeps it, so nothing cascades: every credential of the learner is revoked
with the reason "retired" (the verification page then says "Withdrawn", with no name), their certificate files
are deleted, and their name leaves every row we keep — the printed facts, the signed payload (dropped with its
signature: it cannot be re-signed without the name, and an unsigned copy would prove nothing), the PDF hash (it
would confirm a file bearing the name), failure reasons, and audit details. Safe to run again: the retirement
pipeline retries a failed step, and a storage error is raised so that it does.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from credential_admin.issuing import lifecycle, storage
from credential_admin.issuing.audit import entry
from credential_admin.models import AuditLog, Credential

RETIRED = "retired"
ACTOR = lifecycle.Actor.system("retirement")
SCRUBBED = {"payload": "", "signature": "", "seal": "", "pdf_sha256": "", "storage_key": "", "failure_reason": ""}


def is_withdrawn(credential: Credential) -> bool:
    """Revoked because its holder's account was retired."""
    return credential.status == Credential.Status.REVOKED and credential.revocation_reason == RETIRED


def retire(user) -> int:
    """Withdraw and scrub every credential of `user`; returns how many credentials they had."""
    credentials = list(Credential.objects.filter(user=user).order_by("pk"))
    for credential in credentials:
        if credential.is_active:
            lifecycle.revoke(credential, actor=ACTOR, reason=RETIRED)
    for key in {credential.storage_key for credential in credentials if credential.storage_key}:
        storage.delete(key)  # before the keys are forgotten: a failure leaves them to the retry
    names = {str(credential.snapshot.get("name") or "").strip() for credential in credentials} - {""}
    with transaction.atomic():
        for credential in Credential.objects.select_for_update().filter(user=user):
            _withdraw(credential)
        for log in AuditLog.objects.filter(credential__user=user):
            details = {key: value for key, value in log.details.items() if not _names_someone(key, value, names)}
            if details != log.details:
                log.details = details
                log.save(update_fields=["details"])
    return len(credentials)


def _names_someone(key: str, value, names: set[str]) -> bool:
    """An audit detail that is, or may contain, the learner's name."""
    return "name" in key or any(name.casefold() in str(value).casefold() for name in names)


def _withdraw(credential: Credential) -> None:
    """Revoke with the reason "retired" (superseded and earlier revocations too) and remove the name."""
    if not is_withdrawn(credential):
        credential.status = Credential.Status.REVOKED
        credential.revoked_at = credential.revoked_at or timezone.now()
        credential.revocation_reason = RETIRED
        entry("withdrawn", credential=credential, actor_label=ACTOR.label, reason=RETIRED).save()
    credential.snapshot = {key: value for key, value in credential.snapshot.items() if key != "name"}
    for name, value in SCRUBBED.items():
        setattr(credential, name, value)
    credential.save()
