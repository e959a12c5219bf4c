"""The learner record: what the rules need to know about one learner in one course, and who supplies it.

Backends (Open edX, standalone) fill these records in bulk; the rules engine and everything above it read them.
Pure Python: no Django, no platform imports.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Enrollment:
    """A learner's enrollment in a course, as far as credential eligibility cares."""

    mode: str
    is_active: bool


@dataclass(frozen=True)
class SectionProgress:
    """A learner's units in one section (chapter) or subsection (sequential), counted as for the whole course."""

    title: str
    completed_units: int
    counted_units: int


@dataclass(frozen=True)
class LearnerRecord:
    """Completion and grades of one learner in one course.

    `grade_percent` and `type_percents` are fractions 0..1 as the platform reports them; completion counts units
    (verticals), as DESIGN.md "Rules, precisely" describes. `sections` holds the same count for every section
    and subsection of the course, keyed by its usage key (for section completion rules).
    """

    user_id: int
    username: str
    full_name: str
    completed_units: int
    counted_units: int
    grade_percent: float
    type_percents: Mapping[str, float] = field(default_factory=dict)
    enrollment: Enrollment | None = None
    locked_units: int = 0
    language: str = ""
    sections: Mapping[str, SectionProgress] = field(default_factory=dict)
    # What the learner may see where a subsection hides its scores (show_correctness): the Progress page's
    # numbers; None when nothing is hidden. Issuing uses the real grades above; what is shown uses `as_shown()`.
    shown_grade_percent: float | None = None
    shown_type_percents: Mapping[str, float] | None = None

    def as_shown(self) -> LearnerRecord:
        """This record with the grades the learner may see in place of the real ones."""
        if self.shown_grade_percent is None and self.shown_type_percents is None:
            return self
        return replace(self, grade_percent=self.shown_grade_percent if self.shown_grade_percent is not None
                       else self.grade_percent,
                       type_percents=self.shown_type_percents if self.shown_type_percents is not None
                       else self.type_percents, shown_grade_percent=None, shown_type_percents=None)


@runtime_checkable
class LearnerDataBackend(Protocol):
    """Where learner records come from: the Open edX platform or the standalone runtime."""

    def assignment_types(self, course_key: str) -> list[str]:
        """The assignment types of the course's grading policy (for validating per-type rules)."""

    def course_title(self, course_key: str) -> str:
        """The course's display name."""

    def records(self, course_key: str, user_ids: Sequence[int]) -> list[LearnerRecord]:
        """Records for these learners, fetched with a constant number of queries per call."""

    def enrolled_user_ids(self, course_key: str) -> Iterator[int]:
        """Every learner with an enrollment (active or not) in the course, in a stable order."""


@dataclass(frozen=True)
class EligibilityContext:
    """Who may receive a credential: allowed enrollment modes and the block's "available from" date."""

    allowed_modes: frozenset[str] = frozenset()
    available_from: datetime | None = None
