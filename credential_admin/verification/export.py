"""Signed Open Badges 3.0 documents served by the site: credentials, status lists, issuer profiles, key documents.

Every URL inside them is built from the configured base URL, so they resolve from the site: the issuer profile at
``/credentials/issuer/``, keys at ``/credentials/keys/<key id>/``, status lists at ``/credentials/status/<n>/``.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from credential_admin import conf
from credential_admin.issuing import signing
from credential_admin.models import Credential

from . import dataintegrity, openbadges, statuslist
from .jsonld import OB_V3, VC_V2
from .multibase import ed25519_multikey
from .records import PublicFacts


def issuer_url(org: str = "") -> str:
    return f"{conf.base_url()}/credentials/issuer/{quote(org, safe='') + '/' if org else ''}"


def key_url(key_id: str, org: str = "") -> str:
    """Where a key's Multikey document is served: under the issuer that controls it, so the two match."""
    if org:
        return f"{issuer_url(org)}keys/{quote(key_id, safe='')}/"
    return f"{conf.base_url()}/credentials/keys/{quote(key_id, safe='')}/"


def status_list_url(number: int) -> str:
    return f"{conf.base_url()}/credentials/status/{number}/"


def achievement_url(config_id: int) -> str:
    return f"{conf.base_url()}/credentials/achievements/{config_id}/"


def export_url(verification_id: str) -> str:
    return f"{conf.base_url()}/credentials/verify/{verification_id}/ob3/"


def organisation_of(course_key: str) -> str:
    """The organisation part of a course key (``course-v1:Org+Course+Run`` → ``Org``), or ''."""
    body = course_key.split(":", 1)[-1]
    return body.split("+", 1)[0] if "+" in body else ""


def issuing_org(course_key: str) -> str:
    """The course's organisation when ``ORGANISATION_ISSUERS`` gives it a profile of its own, else ''."""
    org = organisation_of(course_key)
    return org if org and org in conf.get("ORGANISATION_ISSUERS") else ""


def issuer_for(course_key: str) -> openbadges.Issuer:
    """The organisation's issuer profile when it has one, otherwise the platform's."""
    org = issuing_org(course_key)
    if not org:
        return platform_issuer()
    profile = conf.get("ORGANISATION_ISSUERS")[org]
    return openbadges.Issuer(issuer_url(org), str(profile.get("name") or org),
                             str(profile.get("url") or conf.base_url()))


def platform_issuer() -> openbadges.Issuer:
    """The platform's Profile (see `conf.issuer_name`)."""
    return openbadges.Issuer(issuer_url(), conf.issuer_name() or conf.base_url(), conf.base_url() or "/")


def issuer_profile(org: str = "") -> dict[str, Any] | None:
    """The resolvable Profile document of the platform (`org` empty) or of a configured organisation."""
    if org and org not in conf.get("ORGANISATION_ISSUERS"):
        return None
    issuer = issuer_for(f"course-v1:{org}+x+y") if org else platform_issuer()
    return {"@context": [VC_V2, OB_V3], **issuer.profile()}


def key_document(key_id: str, org: str = "") -> dict[str, Any] | None:
    """The Multikey document of a signing key (current or retired), or None for an unknown id."""
    public = signing.public_key(key_id)
    if public is None or (org and org not in conf.get("ORGANISATION_ISSUERS")):
        return None
    return {"@context": ["https://w3id.org/security/multikey/v1"], "id": key_url(key_id, org), "type": "Multikey",
            "controller": issuer_url(org),
            "publicKeyMultibase": ed25519_multikey(public.public_bytes(Encoding.Raw, PublicFormat.Raw))}


def criteria_narrative(rules_met: list[dict[str, Any]]) -> str:
    """What a learner must do, from the rules' required values (never this learner's own results)."""
    lines = []
    for rule in rules_met:
        if rule.get("kind") == "completion":
            lines.append(_("Complete at least {required}% of the course.").format(required=rule.get("required")))
        elif rule.get("kind") == "grade":
            lines.append(_("Reach an overall grade of at least {required}%.").format(required=rule.get("required")))
        elif rule.get("kind") == "section_completion":
            lines.append(_("Complete at least {required}% of {section}.").format(required=rule.get("required"),
                                                                              section=rule.get("section")))
        else:
            lines.append(_("Score at least {required}% on {type}.").format(required=rule.get("required"),
                                                                         type=rule.get("type")))
    return " ".join(lines) or _("Awarded by the issuer.")


def badge_facts(credential: Credential, facts: PublicFacts) -> openbadges.BadgeFacts:
    """The Open Badges facts of a credential: printed facts, status entry, and the recipient as privacy allows."""
    issued_on = facts.issued_on or date.today()
    printed_name = str(facts.payload.get("name") or credential.snapshot.get("name") or "")
    hidden = not conf.feature("PUBLIC_NAME_DISPLAY") or facts.name is None
    badge = facts.payload.get("badge") or {}
    name = badge.get("name") or facts.title or str(facts.level_label)
    return openbadges.BadgeFacts(
        credential_id=export_url(credential.verification_id),
        title=name if badge else f"{facts.title} — {facts.level_label}" if facts.title else str(facts.level_label),
        achievement_id=achievement_url(credential.config_id),
        achievement_name=name,
        achievement_description=badge.get("description") or _("{level} credential for {title}, issued by "
                                                               "{issuer}.").format(
            level=facts.level_label, title=facts.title, issuer=facts.issuer or platform_issuer().name),
        criteria=badge.get("criteria") or criteria_narrative(facts.rules_met),
        level=facts.level,
        learner_name=printed_name,
        valid_from=datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=UTC),
        issuer=issuer_for(facts.course_key),
        status=statuslist.entry(status_list_url(statuslist.locate(credential.pk)[0]), credential.pk),
        recipient_salt=salted_hmac("credential_admin.ob3.recipient", credential.verification_id).hexdigest()[:32]
        if hidden else None,
        image=f"{achievement_url(credential.config_id)}image/" if badge else "",
        valid_until=facts.expires_at,
        courses=tuple((c["key"], c["title"], course_url(c["key"])) for c in facts.courses),
    )


def course_url(course_key: str) -> str:
    """A course's public address, for a Learning Path credential's alignments."""
    return f"{conf.base_url()}/courses/{quote(course_key, safe=':+')}/about"


def sign_document(unsigned: dict[str, Any], created: datetime, org: str = "") -> dict[str, Any]:
    """Sign with the active key; its Multikey document is served at `key_url` (under the issuer `org`)."""
    pair = signing.active_key()
    signing.register_public_keys()
    return dataintegrity.sign(unsigned, pair.private, key_url(pair.key_id, org), openbadges.timestamp(created))


def signed_badge(credential: Credential, facts: PublicFacts) -> dict[str, Any]:
    """The signed OpenBadgeCredential (deterministic: the proof is dated at the issue date)."""
    badge = badge_facts(credential, facts)
    return sign_document(openbadges.build(badge), badge.valid_from, issuing_org(facts.course_key))


def last_list_number() -> int:
    """The highest status list number in use (credentials are indexed by their primary key)."""
    last = Credential.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return statuslist.locate(last)[0]


def revoked_in_list(number: int) -> list[int] | None:
    """The in-list indexes of the revoked credentials of status list `number` (one query on the status index),
    or None when there is no such list. The signed list depends on nothing else, so this is its cache version."""
    if number < 0 or number > last_list_number():
        return None
    start = number * statuslist.LIST_SIZE
    return [pk - start for pk in Credential.objects.filter(
        status=Credential.Status.REVOKED, pk__gte=start, pk__lt=start + statuslist.LIST_SIZE,
    ).order_by("pk").values_list("pk", flat=True)]


def signed_status_list(number: int, now: datetime, revoked: list[int] | None = None) -> dict[str, Any] | None:
    """Status list `number`, signed now, with the bit of every revoked credential in its range set (`revoked`:
    those in-list indexes when the caller has read them already)."""
    revoked = revoked_in_list(number) if revoked is None else revoked
    if revoked is None:
        return None
    moment = now.replace(microsecond=0)
    unsigned = statuslist.list_credential(status_list_url(number), issuer_url(), revoked, moment)
    return sign_document(unsigned, moment)
