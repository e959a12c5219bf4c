"""Credential configurations, synced from the published Credential blocks of a course (drafts never drive issuing).

A sync runs on every publish (the platform's course_published signal in the CMS, the standalone runtime's own
signal in the demo), from `sync_credential_configs`, and before `issue_credentials` works on a course. A block
whose settings are invalid (bad threshold, no rule, an assignment type the course does not grade, a bad date or
level) does not drive issuing: its configuration is set unpublished and the reason is reported.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from credential_admin.issuing.audit import record
from credential_admin.models import CredentialConfig
from credential_admin.paths import is_path_key
from credential_xblock.rules import CriteriaError, check_assignment_types, check_sections, parse_criteria
from credential_xblock.settings_form import parse_available_from as form_available_from
from credential_xblock.settings_form import parse_valid_until as form_valid_until
from credential_xblock.settings_form import parse_validity_months as form_validity_months

log = logging.getLogger(__name__)
BLOCK_TYPE = "credential"
RULE_FIELDS = ("min_completion", "min_grade", "min_type_grades", "min_section_completion")
BADGE_FIELDS = ("badge_name", "badge_description", "badge_criteria", "badge_image")
FIELDS = ("display_name", "level", *RULE_FIELDS, *BADGE_FIELDS, "template", "description",
          "allowed_modes", "available_from", "validity_months", "valid_until")


@dataclass(frozen=True)
class PublishedBlock:
    """A published Credential block: its usage key, the values of its settings and who published it (a user id,
    where the platform records it: the modulestore's `published_by`)."""

    usage_key: str
    fields: Mapping[str, Any]
    published_by: int | None = None


@dataclass
class SyncResult:
    """What one course's sync changed; `invalid` maps a block to why it cannot drive issuing."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)


def block_fields(block) -> dict[str, Any]:
    """The settings of a Credential block object (any runtime)."""
    return {name: getattr(block, name, None) for name in FIELDS}


def published_blocks(course_key: str) -> list[PublishedBlock]:
    """The course's published Credential blocks, as the backend's platform holds them."""
    from credential_admin.backends import get_backend

    return get_backend().published_credential_blocks(course_key)


def known_course_keys() -> list[str]:
    """Every course that holds or held a configuration, plus the courses the backend lists (standalone: all)."""
    from credential_admin.backends import get_backend

    keys = set(CredentialConfig.objects.values_list("course_key", flat=True).distinct())
    keys.update(get_backend().listed_course_keys())
    return sorted(key for key in keys if not is_path_key(key))  # path configurations come from no block


def config_values(block: PublishedBlock, assignment_types: Iterable[str] | None,
                  sections: Iterable[str] | None = None) -> dict[str, Any]:
    """The configuration a block describes; raise ValueError saying what is wrong with it. Per-type and section
    rules are checked against the course when its types and sections are given."""
    values = block.fields
    try:
        criteria = parse_criteria({key: values.get(key) for key in RULE_FIELDS})
    except CriteriaError as exc:
        raise ValueError(str(exc)) from None
    errors = {**(check_assignment_types(criteria, assignment_types) if assignment_types is not None else {}),
              **(check_sections(criteria, sections) if sections is not None else {})}
    if errors:
        raise ValueError("; ".join(message.render() for message in errors.values()))
    level = values.get("level") or CredentialConfig.Level.COMPLETION
    if level not in CredentialConfig.Level.values:
        raise ValueError(f"Unknown level {level!r}.")
    modes = values.get("allowed_modes") or []
    if not isinstance(modes, list | tuple) or not all(isinstance(mode, str) for mode in modes):
        raise ValueError("allowed_modes must be a list of enrollment mode names.")
    return {
        "display_name": str(values.get("display_name") or "")[:255], "level": level,
        "criteria": criteria.to_dict(), "template": str(values.get("template") or ""),
        "description": str(values.get("description") or ""), "allowed_modes": sorted(modes),
        "available_from": parse_available_from(values.get("available_from")), "is_published": True,
        **badge_values(values, level), **validity_values(values),
    }


def validity_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The validity period: months after issue or a fixed last day (Studio refuses both at once)."""
    result = {}
    for key, parse in (("validity_months", form_validity_months), ("valid_until", form_valid_until)):
        try:
            result[key] = parse(values.get(key))
        except ValueError as exc:
            raise ValueError(f"{key}: {exc.args[0].render()}") from None
    if result["validity_months"] and result["valid_until"]:
        raise ValueError("validity_months and valid_until: set one of them, not both.")
    return result


def badge_values(values: Mapping[str, Any], level: str) -> dict[str, str]:
    """The badge's name, description, criteria and checked image (a Badge needs a name; an image that fails its
    checks makes the block invalid, with the reason)."""
    from credential_admin.badges.images import ImageError, from_data_uri

    image = str(values.get("badge_image") or "")
    if image:
        try:
            from_data_uri(image)
        except ImageError as exc:
            raise ValueError(f"badge_image: {exc}") from None
    name = str(values.get("badge_name") or "").strip()[:255]
    if level == CredentialConfig.Level.BADGE and not name:
        raise ValueError("badge_name: a badge needs a name.")
    return {"badge_name": name, "badge_description": str(values.get("badge_description") or "").strip()[:500],
            "badge_criteria": str(values.get("badge_criteria") or "").strip(), "badge_image": image}


def parse_available_from(value: Any) -> datetime | None:
    """An ISO date or date-time ("" for none), in UTC (naive values are UTC), within the years Studio accepts."""
    if isinstance(value, datetime):
        value = value.isoformat() if value.tzinfo else value.replace(tzinfo=UTC).isoformat()
    try:
        return form_available_from("" if value is None else str(value))
    except ValueError as exc:
        raise ValueError(f"available_from: {exc.args[0].render()}") from None


def _assignment_types(course_key: str) -> list[str] | None:
    from credential_admin.backends import get_backend

    try:
        return list(get_backend().assignment_types(course_key))
    except Exception:  # a course the backend cannot read yet: per-type rules are checked at evaluation instead
        log.warning("No grading policy for %s; per-type rules not checked at sync", course_key, exc_info=True)
        return None


def _sections(course_key: str) -> list[str] | None:
    """The course's section and subsection keys, where the backend can list them (else checked at evaluation)."""
    from credential_admin.backends import get_backend

    lister = getattr(get_backend(), "sections", None)
    try:
        return list(lister(course_key)) if lister is not None else None
    except Exception:  # as for the grading policy: a course the backend cannot read yet
        log.warning("No sections for %s; section rules not checked at sync", course_key, exc_info=True)
        return None


def sync_course(course_key: str, blocks: Iterable[PublishedBlock] | None = None, actor=None) -> SyncResult:
    """Make the course's configurations match its published Credential blocks (audit-logged)."""
    course_key = str(course_key)
    if is_path_key(course_key):  # a Learning Path's configurations are made in Django admin, not by blocks
        return SyncResult()
    blocks = published_blocks(course_key) if blocks is None else list(blocks)
    types = _assignment_types(course_key) if blocks else None
    sections = _sections(course_key) if blocks else None
    result = SyncResult()
    with transaction.atomic():
        existing = {c.usage_key: c for c in CredentialConfig.objects.select_for_update().filter(course_key=course_key)}
        valid = set()
        for block in blocks:
            try:
                values = config_values(block, types, sections)
            except ValueError as exc:
                result.invalid[block.usage_key] = str(exc)
                continue
            valid.add(block.usage_key)
            _upsert(course_key, block.usage_key, values, existing.get(block.usage_key), result,
                    actor or _publisher(block))
        for usage_key, config in existing.items():
            if usage_key not in valid and config.is_published:
                config.is_published = False
                config.save(update_fields=["is_published", "published_at"])
                record("config_unpublished", config=config, actor=actor,
                       reason=result.invalid.get(usage_key, "removed from the published course"))
                result.unpublished.append(usage_key)
    return result


def _publisher(block: PublishedBlock):
    """The user who published `block`, for the audit log (None: unknown, the system)."""
    if not isinstance(block.published_by, int):
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=block.published_by).first()


def _upsert(course_key: str, usage_key: str, values: dict[str, Any], config: CredentialConfig | None,
            result: SyncResult, actor) -> None:
    if config is None:
        config = CredentialConfig.objects.create(course_key=course_key, usage_key=usage_key, **values)
        record("config_created", config=config, actor=actor, criteria=values["criteria"])
        result.created.append(usage_key)
        return
    changed = {name: value for name, value in values.items() if getattr(config, name) != value}
    if not changed:
        return
    for name, value in changed.items():
        setattr(config, name, value)
    config.save()
    record("config_updated", config=config, actor=actor, fields=sorted(changed))
    result.updated.append(usage_key)
