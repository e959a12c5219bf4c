"""The standalone backend: learner records from the standalone runtime's tables and edx-completion.

Per `records()` call, whatever the number of learners: one query each for the course, the users (with their
profiles), the enrollments, the completed blocks and the scores. Grades follow the platform's documented rules
(credential_admin.standalone.grading); completion counts units (credential_admin.backends.units).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.contrib.auth import get_user_model

from credential_admin.backends.completion import IdList, completed_blocks, raw_rows
from credential_admin.backends.units import Outline, Unit
from credential_admin.standalone import grading
from credential_admin.standalone.models import Course, Enrollment, Profile, Score, is_course_staff
from credential_xblock.records import Enrollment as EnrollmentRecord
from credential_xblock.records import LearnerRecord


class CourseNotFound(LookupError):
    """No standalone course has this key."""


class StandaloneBackend:
    """LearnerDataBackend over the standalone runtime."""

    def _course(self, course_key: str) -> Course:
        course = Course.objects.filter(course_key=str(course_key)).first()
        if course is None:
            raise CourseNotFound(f"No course {course_key!r} is loaded.")
        return course

    def assignment_types(self, course_key: str) -> list[str]:
        return grading.parse_policy(self._course(course_key).grading_policy).type_names

    def course_title(self, course_key: str) -> str:
        return self._course(course_key).title

    def sections(self, course_key: str) -> dict[str, str]:
        """The course's sections and subsections in course order: usage key → title (for section rules)."""
        return section_titles(self._course(course_key).structure)

    def enrolled_user_ids(self, course_key: str) -> Iterator[int]:
        rows = Enrollment.objects.filter(course__course_key=str(course_key)).order_by("user_id")
        return rows.values_list("user_id", flat=True).iterator()

    # --- the platform (credential_admin.backends.Platform) -------------------------------------------------------
    def course_exists(self, course_key: str) -> bool:
        return Course.objects.filter(course_key=str(course_key)).exists()

    def listed_course_keys(self) -> list[str]:
        return list(Course.objects.values_list("course_key", flat=True))

    def published_credential_blocks(self, course_key: str) -> list:
        """In standalone mode a save is a publish: the blocks of the course's current outline."""
        from credential_admin.configs import BLOCK_TYPE, PublishedBlock, block_fields
        from credential_admin.standalone.runtime import StandaloneRuntime

        course = Course.objects.filter(course_key=str(course_key)).first()
        if course is None:
            return []
        runtime = StandaloneRuntime(course.course_key)
        usages = [usage for usage, kind in (course.structure or {}).get("blocks", {}).items() if kind == BLOCK_TYPE]
        return [PublishedBlock(usage, block_fields(runtime.get_block(usage))) for usage in usages]

    def is_course_staff(self, user, course_key: str) -> bool:
        return is_course_staff(user, course_key)

    def signals(self) -> dict[str, Sequence[tuple[Any, Any]]]:
        """The runtime's own publish signal and enrollment saves; nobody is retired here."""
        from django.db.models.signals import post_save

        from credential_admin.standalone.signals import course_published

        return {"publish": [(course_published, None)], "enrollment": [(post_save, Enrollment)], "retirement": [],
                "name_change": [(post_save, Profile)]}

    def records(self, course_key: str, user_ids: Sequence[int]) -> list[LearnerRecord]:
        course = self._course(course_key)
        ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
        if not ids:
            return []
        people = learner_names(ids)
        enrollments = {
            user_id: EnrollmentRecord(mode, active)
            for user_id, mode, active in Enrollment.objects.filter(course=course, user_id__in=IdList(ids))
            .values_list("user_id", "mode", "is_active")
        }
        done = completed_blocks(course.course_key, ids)
        scores = self._scores(course, ids)
        outline = Outline(outline_units(course.structure), section_titles(course.structure))
        grade = course_grader(course)
        records = []
        for user_id, username, name in people:
            counts, sections = outline.learner(done.get(user_id, ()))
            result = grade(scores.get(user_id, {}))
            records.append(LearnerRecord(
                user_id=user_id, username=username, full_name=name,
                completed_units=counts.completed, counted_units=counts.counted, locked_units=counts.locked,
                grade_percent=result.percent, type_percents=dict(result.type_percents),
                enrollment=enrollments.get(user_id), sections=sections,
            ))
        return records

    @staticmethod
    def _scores(course: Course, ids: list[int]) -> dict[int, dict[str, float]]:
        """Each learner's fraction (0..1) of each problem they answered."""
        rows = (Score.objects.filter(course=course, user_id__in=IdList(ids))
                .values_list("user_id", "block_key", "earned", "possible"))
        scores: dict[int, dict[str, float]] = defaultdict(dict)
        for user_id, key, earned, possible in raw_rows(rows):
            scores[user_id][key] = earned / possible if possible > 0 else 0.0
        return scores


def learner_names(ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, username, full name) of each user in id order, the name as `full_name` gives it (the profile name, else
    the first and last name), read as plain values: no user or profile model per learner."""
    users = get_user_model()
    rows = (users.objects.filter(pk__in=IdList(ids)).order_by("pk")
            .values_list("pk", users.USERNAME_FIELD, "standalone_profile__name", "first_name", "last_name"))
    return [(pk, username, profile_name or f"{first} {last}".strip())
            for pk, username, profile_name, first, last in rows]


def course_grader(course: Course) -> Callable[[dict[str, float]], grading.CourseGradeResult]:
    """A learner's course grade from their problem fractions; learners with the same subsection scores (all those
    who answered nothing, typically) share one computation."""
    policy = grading.parse_policy(course.grading_policy)
    subsections = graded_subsections(course.structure)
    results: dict[tuple[grading.SubsectionScore, ...], grading.CourseGradeResult] = {}

    def grade(fractions: dict[str, float]) -> grading.CourseGradeResult:
        scores = tuple(subsection_scores(subsections, fractions))
        if scores not in results:
            results[scores] = grading.grade(policy, scores)
        return results[scores]

    return grade


def outline_units(structure: dict) -> list[Unit]:
    """The units of a course outline (see credential_admin.standalone.loader)."""
    return [
        Unit(unit["id"], frozenset(unit["counted"]), unit["locked"], (chapter["id"], seq["id"]))
        for chapter in structure.get("chapters", []) for seq in chapter["sequentials"] for unit in seq["units"]
    ]


def section_titles(structure: dict) -> dict[str, str]:
    """Usage key → title of every section and subsection of a course outline, in course order."""
    titles: dict[str, str] = {}
    for chapter in structure.get("chapters", []):
        titles[chapter["id"]] = chapter["title"] or chapter["id"]
        titles.update((seq["id"], seq["title"] or seq["id"]) for seq in chapter["sequentials"])
    return titles


def graded_subsections(structure: dict) -> list[tuple[str, dict[str, float]]]:
    """(format, {problem: max score}) of each graded subsection."""
    return [
        (seq["format"], seq["problems"])
        for chapter in structure.get("chapters", []) for seq in chapter["sequentials"] if seq["graded"]
    ]


def subsection_scores(subsections, fractions: dict[str, float]) -> list[grading.SubsectionScore]:
    """A learner's score per graded subsection: each problem's fraction scaled to its current maximum (its weight,
    as the platform weights scores); unattempted problems count 0."""
    return [
        grading.SubsectionScore(fmt, sum(fractions.get(key, 0.0) * top for key, top in problems.items()),
                                sum(problems.values()))
        for fmt, problems in subsections
    ]
