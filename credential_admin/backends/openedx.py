"""The Open edX backend: learner records from the platform (all platform access through credential_admin.compat).

Per `records()` call: the course tree once (modulestore), then in bulk for all the learners: users, profile names,
language preferences, enrollments, completed blocks (edx-completion's BlockCompletion) and course grades (the
grades API's prefetch + ``CourseGradeFactory().iter``).

- Completion counts units from the course structure (credential_admin.backends.units). Locked (gated) units stay in
  the denominator: they are in the structure, and a learner cannot complete what they cannot open; telling them
  apart per learner would need the block-transformer pipeline per learner (OPENEDX.md Pitfall 4), so
  `locked_units` is 0 here.
- The overall grade is ``CourseGrade.percent``, what the Progress page shows; per-type grades come from the
  course's own type graders over ``graded_subsections_by_format()`` (drops and min_count placeholders included).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.auth import get_user_model

from credential_admin import compat
from credential_admin.backends.completion import completed_blocks
from credential_admin.backends.units import Unit, children, count_units, unit_counted_keys
from credential_xblock.records import Enrollment, LearnerRecord

log = logging.getLogger(__name__)

class OpenEdxBackend:
    """LearnerDataBackend over the platform's modulestore, completion, grades and enrollments."""

    def assignment_types(self, course_key: str) -> list[str]:
        policy = compat.get_course(course_key, depth=0).grading_policy
        return [str(entry["type"]) for entry in policy.get("GRADER", [])]

    def course_title(self, course_key: str) -> str:
        return compat.course_title(course_key) or str(compat.get_course(course_key, depth=0).display_name_with_default)

    def enrolled_user_ids(self, course_key: str) -> Iterator[int]:
        return compat.enrolled_user_ids(course_key)

    # --- the platform (credential_admin.backends.Platform) -------------------------------------------------------
    def course_exists(self, course_key: str) -> bool:
        return compat.course_exists(course_key)

    def listed_course_keys(self) -> list[str]:
        return []  # a platform's courses are many: "all courses" means those holding configurations

    def published_credential_blocks(self, course_key: str) -> list:
        from credential_admin.configs import BLOCK_TYPE, PublishedBlock, block_fields

        return [PublishedBlock(str(block.location), block_fields(block), getattr(block, "published_by", None))
                for block in compat.published_blocks_of_type(course_key, BLOCK_TYPE)]

    def is_course_staff(self, user, course_key: str) -> bool:
        return bool(user.is_authenticated) and compat.is_course_staff(user, course_key)

    def signals(self) -> dict[str, Sequence[tuple[Any, Any]]]:
        """The modulestore's publish signal, openedx-events' enrollment change, and the retirement signals; a
        service without some of them (the CMS has no user retirement) leaves that purpose empty."""
        from openedx_events.learning.signals import COURSE_ENROLLMENT_CHANGED

        found: dict[str, Sequence[tuple[Any, Any]]] = {"enrollment": [(COURSE_ENROLLMENT_CHANGED, None)]}
        for purpose, read in (("publish", lambda: [compat.course_published_signal()]),
                              ("retirement", compat.retirement_signals)):
            try:
                found[purpose] = [(signal, None) for signal in read()]
            except (ImportError, AttributeError):
                log.warning("No %s signal here: credential-xblock does not listen for it.", purpose)
                found[purpose] = []
        return found

    def records(self, course_key: str, user_ids: Sequence[int]) -> list[LearnerRecord]:
        ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
        if not ids:
            return []
        course = compat.get_course(course_key)
        units = course_units(course)
        users = list(get_user_model().objects.filter(pk__in=ids).order_by("pk"))
        names, langs = compat.full_names(ids), compat.languages(ids)
        enrollments = compat.enrollments(course_key, ids)
        done = completed_blocks(str(course.id), ids)
        graders = compat.subsection_type_graders(course)
        records = []
        for user, grade in compat.course_grades(course, users):
            counts = count_units(units, done.get(user.pk, set()))
            mode_active = enrollments.get(user.pk)
            records.append(LearnerRecord(
                user_id=user.pk, username=user.get_username(), full_name=names.get(user.pk, ""),
                completed_units=counts.completed, counted_units=counts.counted, locked_units=counts.locked,
                grade_percent=float(grade.percent) if grade is not None else 0.0,
                type_percents={name: compat.type_percent(grader, grade) if grade is not None else 0.0
                               for name, grader in graders.items()},
                enrollment=Enrollment(*mode_active) if mode_active else None,
                language=langs.get(user.pk, ""),
            ))
        return sorted(records, key=lambda record: record.user_id)


def course_units(course) -> list[Unit]:
    """The course's units and what counts in each, walked once from the course block."""
    return [
        Unit(str(vertical.location), frozenset(unit_counted_keys(vertical)))
        for chapter in children(course) for sequential in children(chapter) for vertical in children(sequential)
    ]

