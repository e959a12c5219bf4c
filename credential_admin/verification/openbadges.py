"""Open Badges 3.0 ``OpenBadgeCredential`` from the printed facts of a credential: pure, no Django.

Signing (Data Integrity ``eddsa-rdfc-2022``) is separate: see `dataintegrity.sign`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .jsonld import OB_V3, VC_V2

# Open Badges 3.0 achievementType values for our levels.
ACHIEVEMENT_TYPES = {"completion": "CertificateOfCompletion", "achievement": "Certificate", "badge": "Badge"}


@dataclass(frozen=True)
class Issuer:
    """An issuer ``Profile``: the platform by default, or one organisation's profile."""

    id: str
    name: str
    url: str

    def profile(self) -> dict[str, Any]:
        """The embedded Profile object (also served, with contexts, at `id`)."""
        return {"id": self.id, "type": ["Profile"], "name": self.name, "url": self.url}


@dataclass(frozen=True)
class BadgeFacts:
    """What the certificate says, plus the ids that make it addressable.

    `recipient_salt` set means the recipient appears only as a salted hash of the printed name; `image` is the
    URL of the achievement's image (badges).
    """

    credential_id: str
    title: str
    achievement_id: str
    achievement_name: str
    achievement_description: str
    criteria: str
    level: str
    learner_name: str
    valid_from: datetime
    issuer: Issuer
    status: dict[str, Any]
    recipient_salt: str | None = None
    image: str = ""
    valid_until: datetime | None = None  # the end of validity, when the credential expires
    courses: tuple[tuple[str, str, str], ...] = ()  # a Learning Path's courses: (course key, title, URL)


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a 'Z', second precision (what validators expect)."""
    if moment.tzinfo is None:
        raise ValueError("Timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex SHA-256 of the value followed by the salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def recipient(facts: BadgeFacts) -> dict[str, Any]:
    """The recipient's IdentityObject: the printed name in clear, or its salted hash."""
    if facts.recipient_salt:
        return {"type": "IdentityObject", "identityType": "name", "hashed": True,
                "identityHash": identity_hash(facts.learner_name, facts.recipient_salt),
                "salt": facts.recipient_salt}
    return {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": facts.learner_name}


def achievement(facts: BadgeFacts) -> dict[str, Any]:
    """The Achievement: what was earned and by which criteria."""
    result = {"id": facts.achievement_id, "type": ["Achievement"], "name": facts.achievement_name,
              "description": facts.achievement_description, "criteria": {"narrative": facts.criteria}}
    if facts.level in ACHIEVEMENT_TYPES:
        result["achievementType"] = ACHIEVEMENT_TYPES[facts.level]
    if facts.courses:  # a Learning Path: a learning program (a badge stays a Badge), aligned to each course
        if facts.level != "badge":
            result["achievementType"] = "LearningProgram"
        result["alignment"] = [{"type": ["Alignment"], "targetCode": key, "targetName": title, "targetUrl": url}
                               for key, title, url in facts.courses]
    if facts.image:
        result["image"] = {"id": facts.image, "type": "Image", "caption": facts.achievement_name}
    return result


def build(facts: BadgeFacts) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for `facts`."""
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "identifier": [recipient(facts)],
                               "achievement": achievement(facts)}
    if not facts.recipient_salt:
        subject["name"] = facts.learner_name
    return {
        "@context": [VC_V2, OB_V3],
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": facts.issuer.profile(),
        "validFrom": timestamp(facts.valid_from),
        **({"validUntil": timestamp(facts.valid_until)} if facts.valid_until else {}),
        "name": facts.title,
        "credentialSubject": subject,
        "credentialStatus": facts.status,
    }
