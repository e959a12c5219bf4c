"""A learner's progress toward the credentials of one course: the block's own checklist, one per published
configuration, so the Credential block and the MFE widgets read the same data.

The checklist comes from `credential_xblock.checklist.build`, the function the block renders; its inputs come from
the published configuration (what issuing uses) instead of the block's fields. Path progress comes from
`credential_admin.paths.progress` when the paths app provides it.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import translation

from credential_admin import conf
from credential_admin.backends import get_backend
from credential_admin.badges.artefact import config_image
from credential_admin.issuing.api import credential_state
from credential_admin.models import CredentialConfig
from credential_admin.verification.records import level_label
from credential_xblock import checklist
from credential_xblock.records import EligibilityContext
from credential_xblock.rules import CriteriaError, parse_criteria


def course_configs(course_key: str) -> list[CredentialConfig]:
    """The course's published configurations, in course order (their usage keys)."""
    return list(CredentialConfig.objects.filter(course_key=course_key, is_published=True).order_by("usage_key"))


def course_progress(user, course_key: str) -> dict[str, Any]:
    """``{"course_key", "credentials": [...], "paths": [...]}`` for this learner; empty lists when the course has
    no credential configuration (the widgets then stay quiet)."""
    configs = course_configs(course_key)
    records = get_backend().records(course_key, [user.pk]) if configs else []
    record = records[0] if records else None
    return {
        "course_key": course_key,
        "credentials": [config_progress(config, user, record) for config in configs],
        "paths": path_progress(user, course_key),
    }


def config_progress(config: CredentialConfig, user, record) -> dict[str, Any]:
    """One configuration with the learner's checklist, as the block builds it."""
    try:
        criteria, errors = parse_criteria(config.criteria), ()
    except CriteriaError as exc:
        criteria, errors = None, tuple(exc.errors.values())
    inputs = checklist.Inputs(
        criteria=criteria, config_errors=errors, record=record,
        context=EligibilityContext(frozenset(config.allowed_modes or ()), config.available_from),
        now=datetime.now(UTC), credential=credential_state(user.pk, config.course_key, config.usage_key),
        signed_in=True,
    )
    data = checklist.build(inputs, translation)
    if data["credential"] and data["credential"]["download_url"].startswith("/"):
        data["credential"]["download_url"] = conf.base_url() + data["credential"]["download_url"]
    data["config_errors"] = []  # configuration details are for course staff, in Studio and the block
    checklist.add_badge(data, None if config.level != CredentialConfig.Level.BADGE else checklist.badge_item(
        config.badge_name or config.display_name, config.badge_description, config_image(config).data_uri()),
        translation.gettext)
    return {
        "usage_key": config.usage_key,
        "display_name": config.display_name,
        "level": config.level,
        "level_label": level_label(config.level),
        "description": config.description,
        "checklist": data,
    }


def path_progress(user, course_key: str) -> list[dict[str, Any]]:
    """The learner's progress in the Learning Paths that hold this course, when the paths app computes it."""
    try:
        from credential_admin.paths import progress
    except ImportError:
        return []
    return list(progress.course_paths(user, course_key))
