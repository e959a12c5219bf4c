"""Path evaluation in bulk: every course of a path for many learners, through the backend and the rules engine.

Per batch, whatever its size: one query for the path enrollments, the backend's constant number per course (its
`records` call), and nothing per learner. A course counts as done when its rule is met and the learner is enrolled
in it (in an allowed mode); the path is met when the learner is actively enrolled in the path, every course is
done, and the optional path-wide grade (course grades weighted by the step weights) is reached.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from credential_admin.paths import source
from credential_admin.paths.rules import CourseRule, PathRules
from credential_xblock.checklist import threshold_text
from credential_xblock.records import EligibilityContext, LearnerRecord
from credential_xblock.rules import (
    COMPLETION,
    N_,
    ConfigurationError,
    Criteria,
    Evaluation,
    Message,
    RuleResult,
    access_problems,
    evaluate,
)


@dataclass(frozen=True)
class CourseProgress:
    """One learner in one course of the path: the course rule's evaluation and what keeps the course from counting."""

    rule: CourseRule
    record: LearnerRecord | None
    evaluation: Evaluation | None
    problems: tuple[Message, ...] = ()

    @property
    def done(self) -> bool:
        return not self.problems and self.evaluation is not None and self.evaluation.eligible


@dataclass(frozen=True)
class PathProgress:
    """One learner on one path: each course, the path-wide grade rule (if any), and path enrollment."""

    user_id: int
    enrolled: bool
    courses: tuple[CourseProgress, ...]
    path_grade: RuleResult | None = None

    @property
    def done_count(self) -> int:
        return sum(course.done for course in self.courses)

    @property
    def eligible(self) -> bool:
        return (self.enrolled and bool(self.courses) and self.done_count == len(self.courses)
                and (self.path_grade is None or self.path_grade.met))

    @property
    def record(self) -> LearnerRecord | None:
        """A record of the learner (for their name): the first course that has one."""
        return next((course.record for course in self.courses if course.record is not None), None)

    def reasons(self) -> tuple[Message, ...]:
        """Why the path is not met yet, in the checklist's words, one message per gap (empty when met)."""
        found = [] if self.enrolled else [Message(N_("You are not enrolled in this learning path."))]
        found.extend(Message(N_("{course} needs {what}"), {"course": course.rule.title, "what": course_gap(course)})
                     for course in self.courses if not course.done)
        if self.path_grade is not None and not self.path_grade.met:
            found.append(Message(N_("the path-wide grade is {current}%, {required}% required"),
                                 {"current": self.path_grade.current,
                                  "required": threshold_text(self.path_grade.required)}))
        return tuple(found)


def course_gap(course: CourseProgress) -> str:
    """What is left in a course, in the active language: "12 more units and +5 points on Final Exam"."""
    if course.problems:
        return "; ".join(message.render(_) for message in course.problems)
    parts = []
    for rule in course.evaluation.rules if course.evaluation else ():
        if rule.met:
            continue
        if rule.kind == COMPLETION:
            parts.append(ngettext("{count} more unit", "{count} more units", rule.remaining).format(
                count=rule.remaining) if rule.total_units else _("units to count (the course has none yet)"))
        else:
            topic = rule.assignment_type or _("the overall grade")
            parts.append(ngettext("+{count} point on {topic}", "+{count} points on {topic}", rule.remaining).format(
                count=rule.remaining, topic=topic))
    return _(" and ").join(parts)


def evaluate_batch(rules: PathRules, user_ids: Sequence[int], backend=None) -> list[PathProgress]:
    """The progress of each of these learners on the path, in the order given (no writes)."""
    from credential_admin.backends import get_backend

    if rules.errors:
        raise ConfigurationError(rules.errors[0])
    backend = backend or get_backend()
    ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
    enrolled = source.active_learners(rules.path_key, ids)
    context = EligibilityContext(frozenset(rules.config.allowed_modes or ()))
    by_course = [(rule, {r.user_id: r for r in backend.records(rule.course_key, ids)}) for rule in rules.courses]
    return [_progress(rules, user_id, user_id in enrolled, by_course, context) for user_id in ids]


def _progress(rules: PathRules, user_id: int, enrolled: bool, by_course, context) -> PathProgress:
    courses = tuple(_course(rule, records.get(user_id), context) for rule, records in by_course)
    grade = None
    if rules.min_path_grade is not None:
        total = sum(course.rule.weight for course in courses)
        weighted = sum(course.rule.weight * (course.record.grade_percent if course.record else 0.0)
                       for course in courses)
        overall = LearnerRecord(user_id, "", "", 0, 0, weighted / total if total else 0.0)
        grade = evaluate(Criteria(min_grade=rules.min_path_grade), overall).rules[0]
    return PathProgress(user_id, enrolled, courses, grade)


def _course(rule: CourseRule, record: LearnerRecord | None, context: EligibilityContext) -> CourseProgress:
    if record is None:
        return CourseProgress(rule, None, None, (Message(N_("You are not enrolled in this course.")),))
    problems = tuple(access_problems(record, context, datetime.now(UTC)))
    try:
        evaluation = evaluate(rule.criteria, record)
    except ConfigurationError as exc:
        return CourseProgress(rule, record, None, (*problems, exc.message))
    return CourseProgress(rule, record, evaluation, problems)
