"""The Open edX backend: learner records from the platform (all platform access through credential_admin.compat).

Per `records()` call: the course block (grading policy) and the course's collected block structure once, then in
bulk for all the learners: users, profile names, language preferences, enrollments, completed blocks
(edx-completion's BlockCompletion) and course grades (the grades API's prefetch + ``CourseGradeFactory().iter``
over the same collected structure).

- Completion counts units from each learner's own course tree: ``get_course_blocks`` transforms the collected
  structure per learner (no modulestore load), so item banks and library content count the children selected
  for that learner, split tests their group, and staff-only or group-restricted content is gone — what the
  Progress page counts. A unit with gated content (``contains_gated_content``) is locked and stays in the
  denominator.
- The overall grade is ``CourseGrade.percent``; per-type grades come from the course's own type graders over
  ``graded_subsections_by_format()`` (drops and min_count placeholders included). Where a subsection hides its
  scores (``show_correctness``), the record also carries the Progress page's visible numbers for display.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from xblock.completable import XBlockCompletionMode

from credential_admin import compat
from credential_admin.backends.completion import completed_blocks
from credential_admin.backends.units import NOT_COUNTED_TYPES, Unit, count_units, section_progress
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
                              ("retirement", compat.retirement_signals),
                              ("name_change", compat.name_change_signals)):
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
        course = compat.get_course(course_key, depth=0)
        collected = compat.collected_course_blocks(course_key)
        titles = section_titles(collected)
        users = list(get_user_model().objects.filter(pk__in=ids).order_by("pk"))
        names, langs = compat.full_names(ids), compat.languages(ids)
        enrollments = compat.enrollments(course_key, ids)
        done = completed_blocks(str(course.id), ids)
        graders = compat.subsection_type_graders(course)
        records = []
        for user, grade in compat.course_grades(course, users, collected):
            counts = count_units(learner_units(compat.learner_course_blocks(user, collected)), done.get(user.pk, set()))
            mode_active = enrollments.get(user.pk)
            records.append(LearnerRecord(
                user_id=user.pk, username=user.get_username(), full_name=names.get(user.pk, ""),
                completed_units=counts.completed, counted_units=counts.counted, locked_units=counts.locked,
                enrollment=Enrollment(*mode_active) if mode_active else None, language=langs.get(user.pk, ""),
                sections=section_progress(titles, counts), **grade_fields(grade, graders),
            ))
        return records


def grade_fields(grade, graders: dict[str, Any]) -> dict[str, Any]:
    """The record's grades: the real ones (issuing), and the visible ones when some subsection hides its scores
    (what the Progress page shows: it recomputes from visible grades). A grade that failed to load is 0."""
    if grade is None:
        return {"grade_percent": 0.0, "type_percents": dict.fromkeys(graders, 0.0)}
    fields: dict[str, Any] = {
        "grade_percent": float(grade.percent),
        "type_percents": {name: compat.type_percent(grader, grade) for name, grader in graders.items()},
    }
    if compat.hides_scores(grade):
        fields["shown_type_percents"] = {name: compat.type_percent(grader, grade, visible_only=True)
                                         for name, grader in graders.items()}
        fields["shown_grade_percent"] = compat.visible_percent(grade)
    return fields


def section_titles(tree) -> dict[str, str]:
    """Usage key → display name of every section and subsection of a block structure, in course order."""
    root = tree.root_block_usage_key
    titles = {}
    for chapter in tree.get_children(root):
        titles[str(chapter)] = str(tree.get_xblock_field(chapter, "display_name") or "")
        for sequential in tree.get_children(chapter):
            titles[str(sequential)] = str(tree.get_xblock_field(sequential, "display_name") or "")
    return titles


def learner_units(tree) -> list[Unit]:
    """The units of a learner's own block structure and what counts in each, as the completion summary walks it:
    course → sections → subsections → units; a unit holding gated content is locked (``contains_gated_content``)."""
    root = tree.root_block_usage_key
    return [
        Unit(str(unit), frozenset(str(key) for child in tree.get_children(unit) for key in counted_keys(tree, child)),
             bool(tree.get_xblock_field(unit, "contains_gated_content", False)), (str(chapter), str(sequential)))
        for chapter in tree.get_children(root) for sequential in tree.get_children(chapter)
        for unit in tree.get_children(sequential)
    ]


def counted_keys(tree, key) -> list:
    """The completable leaves under `key` in the learner's tree, found as edx-completion's
    ``get_completable_children`` finds them (into AGGREGATORs, EXCLUDED dropped); Credential and Optional blocks and
    what they hold never count. The collected ``completion_mode`` field (BlockCompletionTransformer) says the mode;
    without it a block with children is an aggregator."""
    if key.block_type in NOT_COUNTED_TYPES:
        return []
    children = tree.get_children(key)
    mode = tree.get_xblock_field(key, "completion_mode") or (
        XBlockCompletionMode.AGGREGATOR if children else XBlockCompletionMode.COMPLETABLE)
    if mode == XBlockCompletionMode.AGGREGATOR:
        return [leaf for child in children for leaf in counted_keys(tree, child)]
    return [key] if mode == XBlockCompletionMode.COMPLETABLE else []
