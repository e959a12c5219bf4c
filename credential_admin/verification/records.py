"""Reading credentials for public verification: the only place the verification views query the database.

A credential is public once issued (then possibly superseded or revoked); pending and failed rows do not exist as
far as the public is concerned. Malformed ids and codes are rejected before any query.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from credential_admin import conf
from credential_admin.issuing import signing
from credential_admin.issuing.pipeline import normalize_code, rule_lines
from credential_admin.models import Credential, CredentialConfig

PUBLIC_STATUSES = (Credential.Status.ISSUED, Credential.Status.SUPERSEDED, Credential.Status.REVOKED)
VERIFICATION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
SHORT_CODE = re.compile(r"[0-9A-Z]{8,16}")
# Only these columns are read for public pages: nothing else about the learner ever reaches a template.
PUBLIC_FIELDS = ("verification_id", "short_code", "status", "snapshot", "issued_on", "reissued_at",
                 "revoked_at", "revocation_reason", "payload", "signature", "key_id", "pdf_sha256",
                 "config__level", "config__course_key", "superseded_by__verification_id", "superseded_by__status",
                 "user__username", "user__email")  # the last two only to make sure neither is ever displayed


def base_url() -> str:
    """The site's configured root (never the request's Host header: it ends up inside signed documents)."""
    return (conf.get("BASE_URL") or getattr(settings, "LMS_ROOT_URL", "") or "").rstrip("/")


def find(verification_id: str) -> Credential | None:
    """The public credential with this verification id, or None (also for anything malformed)."""
    if not isinstance(verification_id, str) or not VERIFICATION_ID.fullmatch(verification_id):
        return None
    return _public().filter(verification_id=verification_id).first()


def find_by_code(typed: str) -> Credential | None:
    """The public credential whose short code was typed (any case, hyphens and spaces ignored), or None."""
    code = normalize_code(typed or "")[:64]
    if not SHORT_CODE.fullmatch(code):
        return None
    return _public().filter(short_code=code).first()


def _public():
    return (Credential.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("config", "superseded_by", "user").only(*PUBLIC_FIELDS))


@dataclass(frozen=True)
class PublicFacts:
    """Everything the verification page, its JSON and the exports may show, already filtered by the settings."""

    verification_id: str
    code: str
    status: str
    name: str | None
    title: str
    level: str
    level_label: str
    issued_on: date | None
    reissued_at: datetime | None
    rules: list[str]
    rules_met: list[dict[str, Any]]
    issuer: str
    course_key: str
    signature_valid: bool
    key_id: str
    superseded_by: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def signed_payload(credential: Credential) -> dict[str, Any] | None:
    """The signed facts if the stored signature verifies them and they belong to this row; otherwise None."""
    data = (credential.payload or "").encode("utf-8")
    if not data or not signing.verify(data, credential.signature, credential.key_id):
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) and payload.get("id") == credential.verification_id else None


def facts_of(credential: Credential) -> PublicFacts:
    """The public facts of a credential: the signed payload when it verifies, else the recorded snapshot."""
    payload = signed_payload(credential)
    facts = payload if payload is not None else {**credential.snapshot, "course": credential.config.course_key}
    level = str(facts.get("level") or credential.config.level)
    superseded = credential.superseded_by
    return PublicFacts(
        verification_id=credential.verification_id,
        code=credential.formatted_code,
        status=credential.status,
        name=displayed_name(credential, str(facts.get("name") or "")),
        title=str(facts.get("title") or ""),
        level=level,
        level_label=level_label(level),
        issued_on=credential.issued_on,
        reissued_at=credential.reissued_at,
        rules=rule_lines(facts.get("rules_met") or [], credential.snapshot.get("language", "")),
        rules_met=list(facts.get("rules_met") or []),
        issuer=str(facts.get("issuer") or conf.get("ISSUER_NAME") or ""),
        course_key=str(facts.get("course") or ""),
        signature_valid=payload is not None,
        key_id=credential.key_id,
        superseded_by=superseded.verification_id if superseded is not None and superseded.status in PUBLIC_STATUSES
        else None,
        revoked_at=credential.revoked_at if credential.status == Credential.Status.REVOKED else None,
        revocation_reason=(credential.revocation_reason or None)
        if credential.status == Credential.Status.REVOKED and conf.feature("SHOW_REVOCATION_REASON") else None,
        payload=payload or {},
    )


def displayed_name(credential: Credential, printed: str) -> str | None:
    """The printed name when public name display is on, never a username or an email address; else None."""
    if not conf.feature("PUBLIC_NAME_DISPLAY") or not printed.strip():
        return None
    private = {value.strip().casefold() for value in (credential.user.username, credential.user.email) if value}
    if printed.strip().casefold() in private or "@" in printed:
        return None
    return printed


def level_label(level: str) -> str:
    """The translated label of a level ("Completion", "Achievement"), or the raw value for an unknown one."""
    return str(CredentialConfig.Level(level).label) if level in CredentialConfig.Level.values else level


NAME_HIDDEN = _("Hidden by the issuer's privacy settings")
