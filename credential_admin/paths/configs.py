"""Creating and changing path credential configurations: every input checked first, nothing saved on an error.

The admin, the demo and the tests go through these functions, so each gets the same specific messages: an unknown
or malformed path key, a path without courses, an override of a course the path does not hold, thresholds out of
range. Changes are audit-logged like the course configurations' syncs.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from credential_admin.issuing.audit import record
from credential_admin.models import CredentialConfig, PathCourseOverride, PathCredential
from credential_admin.paths import source
from credential_xblock.rules import N_, CriteriaError, Message, parse_criteria, parse_threshold


class PathConfigError(ValueError):
    """Invalid path configuration input: a message per field, as the rules engine's CriteriaError."""

    def __init__(self, errors: dict[str, Message]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message.render()}" for key, message in errors.items()))


def usage_key_for(path_key: str, level: str) -> str:
    """The configuration's id: one per path and level."""
    return f"{path_key}@{level}"


def check_path(path_key: str) -> tuple[str, source.PathInfo]:
    """The canonical key and the path; PathConfigError when malformed, unknown or without courses."""
    try:
        key = source.parse_key(path_key)
    except source.PathKeyError as exc:
        raise PathConfigError({"path_key": exc.message}) from None
    info = source.path_info(key)
    if info is None:
        raise PathConfigError({"path_key": Message(N_("No learning path has the key {key}."), {"key": key})})
    if not info.steps:
        raise PathConfigError({"path_key": Message(
            N_("The learning path {path} has no courses: add courses to it first."), {"path": info.title})})
    return key, info


def clean_rules(mode: str, global_criteria: dict | None, min_path_grade: Any) -> tuple[dict, Decimal | None]:
    """The global rule as stored (empty for none) and the path-wide grade; PathConfigError on any bad value."""
    errors: dict[str, Message] = {}
    if mode not in PathCredential.Mode.values:
        errors["mode"] = Message(N_('Unknown rule mode "{mode}": use "global" or "per_course".'), {"mode": mode})
    stored: dict = {}
    if global_criteria and any(value not in (None, "", {}) for value in global_criteria.values()):
        try:
            stored = parse_criteria(global_criteria).to_dict()
        except CriteriaError as exc:
            errors.update({f"global_criteria.{key}": message for key, message in exc.errors.items()})
    try:
        grade = parse_threshold(min_path_grade)
    except ValueError as exc:
        errors["min_path_grade"] = exc.args[0]
        grade = None
    if errors:
        raise PathConfigError(errors)
    return stored, grade


def create(path_key: str, level: str, *, display_name: str = "", mode: str = PathCredential.Mode.GLOBAL,
           global_criteria: dict | None = None, min_path_grade: Any = None, actor=None,
           **config_fields: Any) -> PathCredential:
    """A new path configuration (its CredentialConfig and path side), or PathConfigError saying what is wrong."""
    key, info = check_path(path_key)
    if level not in CredentialConfig.Level.values:
        raise PathConfigError({"level": Message(N_('Unknown level "{level}".'), {"level": level})})
    stored, grade = clean_rules(mode, global_criteria, min_path_grade)
    if CredentialConfig.objects.filter(usage_key=usage_key_for(key, level)).exists():
        raise PathConfigError({"level": Message(N_("{path} already has a credential of this level."),
                                                {"path": info.title})})
    with transaction.atomic():
        config = CredentialConfig.objects.create(course_key=key, usage_key=usage_key_for(key, level), level=level,
                                                 display_name=display_name or info.title, **config_fields)
        path = PathCredential.objects.create(config=config, path_key=key, mode=mode, global_criteria=stored,
                                             min_path_grade=grade)
        record("config_created", config=config, actor=actor, path=key, mode=mode, criteria=stored)
    return path


def set_override(path: PathCredential, course_key: str, criteria: dict, actor=None, reason: str = "") -> None:
    """Override one course's rule; the course must be in the path now. PathConfigError otherwise."""
    info = source.path_info(path.path_key)
    if info is None or course_key not in {step.course_key for step in info.steps}:
        raise PathConfigError({"course_key": Message(N_("{course} is not a course of the learning path {path}."),
                                                     {"course": course_key, "path": path.path_key})})
    try:
        stored = parse_criteria(criteria).to_dict()
    except CriteriaError as exc:
        raise PathConfigError(dict(exc.errors)) from None
    with transaction.atomic():
        PathCourseOverride.objects.update_or_create(path=path, course_key=course_key,
                                                    defaults={"criteria": stored, "reason": reason[:255]})
        record("path_override_set", config=path.config, actor=actor, course=course_key, criteria=stored)


def clear_override(path: PathCredential, course_key: str, actor=None) -> bool:
    """Return the course to its block's rule; True when there was an override to remove."""
    with transaction.atomic():
        removed, _ = PathCourseOverride.objects.filter(path=path, course_key=course_key).delete()
        if removed:
            record("path_override_cleared", config=path.config, actor=actor, course=course_key)
    return bool(removed)


def update(path: PathCredential, *, mode: str, global_criteria: dict | None, min_path_grade: Any, actor=None,
           **config_fields: Any) -> None:
    """Change a path configuration's rules and printed fields (display name, description, template, ...)."""
    stored, grade = clean_rules(mode, global_criteria, min_path_grade)
    with transaction.atomic():
        config = path.config
        for name, value in config_fields.items():
            setattr(config, name, value)
        config.save()
        path.mode, path.global_criteria, path.min_path_grade = mode, stored, grade
        path.save()
        record("config_updated", config=config, actor=actor, path=path.path_key, mode=mode, criteria=stored,
               min_path_grade=None if grade is None else str(grade))
