"""A learner's progress on their Learning Paths, as the Credential block and the learner API show it.

"Data Science path: 2 of 3 courses done — Statistics needs 12 more units and +5 points on Final Exam", with each
course linked and, once issued, the path credential's links. Only paths the learner is actively enrolled in are
shown. JSON-friendly dicts, texts in the active language.
"""
from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from credential_admin import conf
from credential_admin.issuing import pipeline
from credential_admin.models import Credential, CredentialConfig
from credential_admin.paths import rules as path_rules
from credential_admin.paths import source
from credential_admin.paths.evaluate import PathProgress, course_gap, evaluate_batch


def course_url(course_key: str) -> str:
    """Where a learner opens a course: the standalone course page, else the LMS's course URL."""
    try:
        return reverse("standalone:course", args=[course_key])
    except NoReverseMatch:
        return f"{conf.base_url()}/courses/{course_key}/course/"


def for_course(user_id: int, course_key: str, level: str | None = None) -> list[dict[str, Any]]:
    """Progress on each path credential (of `level`, if given) whose path includes this course."""
    configs = [c for c in path_rules.path_configs(course_key=str(course_key)) if level in (None, c.level)]
    return _for_configs(user_id, configs, current_course=str(course_key))


def for_learner(user_id: int, path_key: str | None = None) -> list[dict[str, Any]]:
    """Progress on every path credential of the learner's paths (or of one path), for the learner API."""
    return _for_configs(user_id, path_rules.path_configs(path_key=path_key))


def _for_configs(user_id: int, configs: list[CredentialConfig], current_course: str = "") -> list[dict[str, Any]]:
    enrolled = set(source.paths_of_learner(user_id, [c.course_key for c in configs])) if configs else set()
    return [one(user_id, config, current_course) for config in configs if config.course_key in enrolled]


def one(user_id: int, config: CredentialConfig, current_course: str = "") -> dict[str, Any]:
    """One learner's progress on one path credential."""
    rules = path_rules.rules_for(config)
    base = {"config_id": config.pk, "path_key": rules.path_key, "title": rules.title, "level": config.level,
            "level_label": str(config.get_level_display())}
    if rules.errors:
        return {**base, "status": "config_error", "headline": _("{path}: this credential is not set up yet.").format(
            path=rules.title), "done": 0, "total": len(rules.courses), "courses": [], "path_grade": None,
            "credential": None}
    progress = evaluate_batch(rules, [user_id])[0]
    credential = pipeline.current_credential(user_id, config)
    return {**base, "status": _status(progress, credential), "headline": headline(rules.title, progress),
            "done": progress.done_count, "total": len(progress.courses), "eligible": progress.eligible,
            "courses": [_course(course, current_course) for course in progress.courses],
            "path_grade": _grade(progress), "credential": _credential(credential)}


def headline(title: str, progress: PathProgress) -> str:
    """The one-line summary, with what is left in each course not done yet."""
    total = len(progress.courses)
    if progress.done_count == total:
        text = _("{path}: all {total} courses done").format(path=title, total=total)
    else:
        gaps = "; ".join(_("{course} needs {what}").format(course=c.rule.title, what=course_gap(c))
                         for c in progress.courses if not c.done)
        text = _("{path}: {done} of {total} courses done — {gaps}").format(
            path=title, done=progress.done_count, total=total, gaps=gaps)
    if progress.path_grade is not None and not progress.path_grade.met:
        text += " — " + _("path-wide grade {current}% of {required}% required").format(
            current=progress.path_grade.current, required=format(progress.path_grade.required.normalize(), "f"))
    return text


def _status(progress: PathProgress, credential: Credential | None) -> str:
    if credential is not None:
        return credential.status
    if not progress.enrolled:
        return "not_enrolled"
    return "eligible" if progress.eligible else "in_progress"


def _course(course, current_course: str) -> dict[str, Any]:
    return {"course_key": course.rule.course_key, "title": course.rule.title, "url": course_url(course.rule.course_key),
            "done": course.done, "current": course.rule.course_key == current_course,
            "left": _("Done") if course.done else course_gap(course)}


def _grade(progress: PathProgress) -> dict[str, Any] | None:
    grade = progress.path_grade
    if grade is None:
        return None
    return {"current": grade.current, "required": format(grade.required.normalize(), "f"), "met": grade.met,
            "remaining": grade.remaining}


def _credential(credential: Credential | None) -> dict[str, Any] | None:
    if credential is None or credential.status != Credential.Status.ISSUED:
        return None if credential is None else {"status": credential.status}
    return {"status": credential.status, "verify_url": pipeline.verify_url(credential.verification_id),
            "download_url": reverse("credential_admin:credential_download", args=[credential.verification_id]),
            "issued_on": credential.issued_on.isoformat() if credential.issued_on else "",
            "short_code": credential.formatted_code}


def course_paths(user, course_key: str) -> list[dict[str, Any]]:
    """For the learner API (credential_admin.api.progress): `for_course` with absolute download links."""
    return [_absolute(path) for path in for_course(user.pk, course_key)]


def learner_paths(user, path_key: str | None = None) -> list[dict[str, Any]]:
    """For the learner API: `for_learner` with absolute download links."""
    return [_absolute(path) for path in for_learner(user.pk, path_key)]


def _absolute(path: dict[str, Any]) -> dict[str, Any]:
    credential = path.get("credential") or {}
    if credential.get("download_url", "").startswith("/"):
        path = {**path, "credential": {**credential, "download_url": conf.base_url() + credential["download_url"]}}
    return path
