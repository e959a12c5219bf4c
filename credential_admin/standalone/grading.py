"""Course grades from scores, following the platform's documented grading rules. Pure Python, no Django.

The grading policy has the platform's format: ``GRADER`` is a list of assignment types (``type``, ``min_count``,
``drop_count``, ``weight``, optional ``short_label``) and ``GRADE_CUTOFFS`` maps letters to fractions.

- A graded subsection's percent is earned / possible over its problems (a subsection with nothing possible is
  left out, as the platform's ``graded_subsections_by_format`` does).
- An assignment type's percent: its subsections' percents, padded with zeros up to ``min_count`` (the placeholders
  for assignments not there yet), then the ``drop_count`` lowest dropped, then averaged.
- The course percent is the sum of weight * type percent, rounded to a whole percent with the platform's
  +0.05-point nudge (TNL-6972), so that what the Progress page shows and what passes agree.
- The letter is the highest cutoff reached; the course is passed at the lowest non-zero cutoff.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


class GradingPolicyError(ValueError):
    """A grading policy that is not in the platform's format."""


@dataclass(frozen=True)
class AssignmentType:
    """One entry of the policy's GRADER list."""

    type: str
    min_count: int
    drop_count: int
    weight: float
    short_label: str = ""


@dataclass(frozen=True)
class GradingPolicy:
    """A validated grading policy."""

    assignment_types: tuple[AssignmentType, ...]
    cutoffs: Mapping[str, float]

    @property
    def type_names(self) -> list[str]:
        return [entry.type for entry in self.assignment_types]


@dataclass(frozen=True)
class SubsectionScore:
    """The summed score of one graded subsection (sequential) for one learner."""

    format: str
    earned: float
    possible: float


@dataclass(frozen=True)
class CourseGradeResult:
    """A learner's course grade: the course percent, the letter, pass/fail and each type's percent (all 0..1)."""

    percent: float
    letter_grade: str | None
    passed: bool
    type_percents: Mapping[str, float] = field(default_factory=dict)


def parse_policy(raw: Mapping[str, Any]) -> GradingPolicy:
    """Validate a grading policy dict; raise GradingPolicyError naming the offending entry."""
    if not isinstance(raw, Mapping):
        raise GradingPolicyError("The grading policy must be a JSON object with GRADER and GRADE_CUTOFFS.")
    grader = raw.get("GRADER", [])
    if not isinstance(grader, list):
        raise GradingPolicyError("GRADER must be a list of assignment types.")
    types = tuple(_assignment_type(index, entry) for index, entry in enumerate(grader))
    names = [entry.type for entry in types]
    if len(set(names)) != len(names):
        raise GradingPolicyError(f"GRADER lists an assignment type twice: {sorted(names)}.")
    cutoffs = raw.get("GRADE_CUTOFFS", {"Pass": 0.5})
    if not isinstance(cutoffs, Mapping) or not all(_is_fraction(value) for value in cutoffs.values()):
        raise GradingPolicyError("GRADE_CUTOFFS must map letters to fractions from 0 to 1.")
    return GradingPolicy(types, {str(letter): float(value) for letter, value in cutoffs.items()})


def _assignment_type(index: int, entry: Any) -> AssignmentType:
    if not isinstance(entry, Mapping) or not str(entry.get("type", "")).strip():
        raise GradingPolicyError(f"GRADER entry {index + 1} needs a non-empty 'type'.")
    try:
        min_count, drop_count = int(entry.get("min_count", 0)), int(entry.get("drop_count", 0))
        weight = float(entry.get("weight", 0))
    except (TypeError, ValueError):
        message = f"GRADER entry {index + 1}: min_count, drop_count and weight must be numbers."
        raise GradingPolicyError(message) from None
    if min_count < 0 or drop_count < 0 or not 0 <= weight <= 1:
        raise GradingPolicyError(
            f"GRADER entry {index + 1}: counts must be 0 or more and the weight a fraction from 0 to 1."
        )
    return AssignmentType(str(entry["type"]).strip(), min_count, drop_count, weight, str(entry.get("short_label", "")))


def _is_fraction(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def type_percent(percents: Iterable[float], min_count: int, drop_count: int) -> float:
    """One assignment type's percent: pad to min_count with zeros, drop the drop_count lowest, average the rest."""
    scores = sorted(percents, reverse=True)
    scores += [0.0] * max(0, min_count - len(scores))
    kept = scores[: len(scores) - drop_count] if drop_count else scores
    return sum(kept) / len(kept) if kept else 0.0


def course_percent(weighted: float) -> float:
    """The course percent as the platform reports it: a whole percent, after its +0.05-point nudge."""
    nudged = Decimal(str(weighted)) * 100 + Decimal("0.05")
    return float(nudged.quantize(Decimal(1), rounding=ROUND_HALF_UP) / 100)


def grade(policy: GradingPolicy, subsections: Iterable[SubsectionScore]) -> CourseGradeResult:
    """The course grade of one learner from the scores of the course's graded subsections."""
    by_type: dict[str, list[float]] = {name: [] for name in policy.type_names}
    for sub in subsections:
        if sub.possible > 0 and sub.format in by_type:
            by_type[sub.format].append(sub.earned / sub.possible)
    percents = {
        entry.type: type_percent(by_type[entry.type], entry.min_count, entry.drop_count)
        for entry in policy.assignment_types
    }
    percent = course_percent(sum(entry.weight * percents[entry.type] for entry in policy.assignment_types))
    letter = letter_grade(policy.cutoffs, percent)
    return CourseGradeResult(percent, letter, passed(policy.cutoffs, percent), percents)


def letter_grade(cutoffs: Mapping[str, float], percent: float) -> str | None:
    """The letter of the highest cutoff reached, or None when none is."""
    for letter, cutoff in sorted(cutoffs.items(), key=lambda item: item[1], reverse=True):
        if percent >= cutoff:
            return letter
    return None


def passed(cutoffs: Mapping[str, float], percent: float) -> bool:
    """Passing means reaching the lowest non-zero cutoff."""
    nonzero = [cutoff for cutoff in cutoffs.values() if cutoff > 0]
    return bool(nonzero) and percent >= min(nonzero)
