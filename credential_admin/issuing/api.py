"""What the Credential block asks of the issuing app: a learner's credential state, and claiming it.

Both take plain ids (course and usage keys as strings) so the block needs no model imports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from credential_admin import conf, ratelimit
from credential_admin.issuing import pipeline
from credential_admin.models import Credential, CredentialConfig
from credential_admin.verification.linkedin import add_to_profile_url


class ClaimRefused(Exception):
    """A claim that cannot be honoured; str(exc) is a translated message for the learner."""


@dataclass(frozen=True)
class CredentialState:
    """A learner's credential as the block shows it; status is a `Credential.Status` value."""

    status: str
    verify_url: str
    download_url: str
    issued_on: date | None
    short_code: str
    linkedin_url: str = ""  # badges: LinkedIn's "Add to profile" for the issued badge
    expires_on: date | None = None  # the last day of validity; status "expired" after it


def _state(credential: Credential | None) -> CredentialState | None:
    if credential is None:
        return None
    issued = credential.status == Credential.Status.ISSUED
    badge = credential.snapshot.get("badge") if issued else None
    return CredentialState(
        linkedin_url=add_to_profile_url(badge["name"], credential.snapshot.get("issuer", ""), credential.issued_on,
                                        pipeline.verify_url(credential.verification_id),
                                        credential.formatted_code) if badge else "",
        status="expired" if credential.is_expired() else credential.status,
        expires_on=credential.expires_at.date() if credential.expires_at else None,
        verify_url=pipeline.verify_url(credential.verification_id) if issued else "",
        download_url=reverse("credential_admin:credential_download", args=[credential.verification_id])
        if issued else "",
        issued_on=credential.issued_on,
        short_code=credential.formatted_code,
    )


def published_config(course_key: str, usage_key: str) -> CredentialConfig | None:
    return CredentialConfig.objects.filter(usage_key=str(usage_key), course_key=str(course_key),
                                           is_published=True).first()


def _config_or_sync(course_key: str, usage_key: str) -> CredentialConfig | None:
    """The configuration, synced from the published course first when this block has never been seen (a publish
    whose signal this process missed); the sync reads published blocks only."""
    config = published_config(course_key, usage_key)
    if config is None and not CredentialConfig.objects.filter(usage_key=str(usage_key)).exists():
        from credential_admin.configs import sync_course

        sync_course(str(course_key))
        config = published_config(course_key, usage_key)
    return config


def credential_state(user_id: int, course_key: str, usage_key: str) -> CredentialState | None:
    """The learner's current credential for this block (active, else revoked), or None."""
    config = published_config(course_key, usage_key)
    return _state(pipeline.current_credential(user_id, config)) if config else None


def credential_statuses(course_key: str, usage_key: str, user_ids: list[int]) -> dict[int, str]:
    """The status of each of these learners' current credential, in one query (staff reports)."""
    return {user_id: summary["status"]
            for user_id, summary in credential_summaries(course_key, usage_key, user_ids).items()}


def credential_summaries(course_key: str, usage_key: str, user_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each of these learners' current credential (active, else the latest revoked) as the staff report shows
    it: status ("expired" once past its validity), issue date, printed code and verification URL; one query."""
    config = published_config(course_key, usage_key)
    if config is None:
        return {}
    rows = (Credential.objects.filter(config=config, user_id__in=user_ids)
            .exclude(status=Credential.Status.SUPERSEDED).order_by("created")
            .only("user_id", "status", "issued_on", "short_code", "verification_id", "expires_at"))
    current: dict[int, Credential] = {}
    for row in rows:
        if getattr(current.get(row.user_id), "status", None) not in Credential.ACTIVE_STATUSES:
            current[row.user_id] = row
    return {user_id: {"status": "expired" if row.is_expired() else row.status,
                      "issued_on": row.issued_on.isoformat() if row.issued_on else "",
                      "short_code": row.formatted_code,
                      "verify_url": pipeline.verify_url(row.verification_id) if row.issued_on else ""}
            for user_id, row in current.items()}


def claim(user, course_key: str, usage_key: str) -> CredentialState:
    """Issue this learner's credential when eligible (queued after commit; immediate with eager Celery).

    Idempotent: a learner who holds it gets it back. Raises ClaimRefused with the reason otherwise.
    """
    from credential_admin import tasks  # Celery loads only when something is queued
    from credential_admin.backends import get_backend

    config = _config_or_sync(course_key, usage_key)
    if config is None:
        raise ClaimRefused(_("This credential is not available: the course team has not published it yet."))
    current = pipeline.active_credential(user.pk, config)
    if current is not None and current.status == Credential.Status.ISSUED:
        return _state(current)
    if not ratelimit.allow("claim", str(user.pk), int(conf.get("CLAIMS_PER_MINUTE"))):
        raise ClaimRefused(_("Too many attempts. Wait a minute, then try again."))
    if current is None:
        backend = get_backend()
        records = backend.records(config.course_key, [user.pk])
        if not records:
            raise ClaimRefused(_("You are not enrolled in this course."))
        decision = pipeline.decide(config, records)[0]
        if decision.access:
            raise ClaimRefused(" ".join(message.render(_) for message in decision.access))
        if not decision.eligible:
            reasons = "; ".join(message.render(_) for message in decision.reasons)
            raise ClaimRefused(_("You cannot claim this credential yet: {reasons}.").format(reasons=reasons))
        with transaction.atomic():
            current = pipeline.reserve(config, [decision], backend.course_title(config.course_key), actor=user)[0]
            tasks.queue_credential(current.pk)
    else:
        tasks.queue_credential(current.pk)
    current.refresh_from_db()
    return _state(current)
