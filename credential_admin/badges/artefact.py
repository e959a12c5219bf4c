"""A badge's issued artefact: its image with the signed OpenBadgeCredential baked in (no PDF).

The baked document is exactly what the verification site exports for the credential (`export.signed_badge`, whose
proof is dated at the issue date), so a wallet that reads the image and one that fetches the export see the same
credential.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from credential_admin import conf
from credential_admin.badges import baking, images
from credential_admin.models import Credential, CredentialConfig


def badge_facts(config: CredentialConfig) -> dict[str, str]:
    """What the badge says, frozen on the credential when it is reserved (later edits make a reissue differ)."""
    return {"name": config.badge_name or config.display_name, "description": config.badge_description,
            "criteria": config.badge_criteria}


def config_image(config: CredentialConfig) -> images.BadgeImage:
    """The configuration's uploaded image (checked again: it comes from the database), or the generated default
    in the course's colours."""
    if config.badge_image:
        return images.from_data_uri(config.badge_image)
    colours = images.course_colours(config.course_key, conf.get("BADGE_COLOURS"))
    return images.default_image(config.badge_name or config.display_name, *colours)


def baked_image(credential: Credential, payload: dict[str, Any]) -> tuple[bytes, str]:
    """(the baked image, its content type) for a credential being issued with this freshly signed `payload`."""
    from credential_admin.verification import export, records

    facts = replace(records.facts_of(records.annotate(credential), payload),
                    issued_on=date.fromisoformat(payload["issued_on"]))
    document = export.signed_badge(credential, facts)
    image = config_image(credential.config)
    return baking.bake(image.data, image.content_type, document), image.content_type


def extension(content_type: str) -> str:
    """The stored file's extension: a certificate's pdf, a badge's png or svg."""
    return {images.PNG: "png", images.SVG: "svg"}.get(content_type, "pdf")
