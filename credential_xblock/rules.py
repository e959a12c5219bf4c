"""The rules engine: criteria in, evaluation out. Pure Python, deterministic, no Django.

Semantics are those of DESIGN.md "Rules, precisely": percentages are rounded half-up to the whole percent the
learner sees and pass when that number is at least the threshold; rules combine with AND. The block, the admin
preview, bulk issuance and Learning Paths all call `evaluate`.

Messages are English templates marked with `N_` so that the presentation layer translates them (the i18n service
in a block, Django's gettext on pages) and then fills in `params`.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from credential_xblock.records import EligibilityContext, LearnerRecord

COMPLETION = "completion"
GRADE = "grade"
TYPE_GRADE = "type_grade"
SECTION_COMPLETION = "section_completion"
HUNDRED = Decimal(100)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Message:
    """A translatable message: an English template and the values it names."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext=lambda s: s) -> str:
        """The message in the language `gettext` translates into."""
        return gettext(self.template).format(**self.params)


class CriteriaError(ValueError):
    """Invalid criteria: a message per offending field, so an editor can show each next to its input."""

    def __init__(self, errors: Mapping[str, Message]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {msg.render()}" for key, msg in self.errors.items()))


class ConfigurationError(ValueError):
    """Criteria that cannot be evaluated against this course (e.g. an assignment type it does not grade)."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.render())


@dataclass(frozen=True)
class Criteria:
    """Minimum completion %, overall grade %, per-assignment-type grade % and per-section completion % (keyed by
    the section's or subsection's usage key); `None` or empty means no such rule."""

    min_completion: Decimal | None = None
    min_grade: Decimal | None = None
    min_type_grades: Mapping[str, Decimal] = field(default_factory=dict)
    min_section_completion: Mapping[str, Decimal] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-friendly form (thresholds as strings, so decimals survive a round trip exactly); section rules
        only when there are some, so configurations without them read as before."""
        data = {
            "min_completion": _decimal_str(self.min_completion),
            "min_grade": _decimal_str(self.min_grade),
            "min_type_grades": {name: _decimal_str(value) for name, value in self.min_type_grades.items()},
        }
        if self.min_section_completion:
            data["min_section_completion"] = {key: _decimal_str(v) for key, v in self.min_section_completion.items()}
        return data

    @property
    def is_empty(self) -> bool:
        """True when the criteria hold no rule at all."""
        return (self.min_completion is None and self.min_grade is None and not self.min_type_grades
                and not self.min_section_completion)


def _decimal_str(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def parse_threshold(value: Any) -> Decimal | None:
    """A threshold as a Decimal in [0, 100], or None for "no rule"; raise ValueError with a Message otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _threshold_error(value)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise _threshold_error(value) from None
    if not number.is_finite():
        raise _threshold_error(value)
    if number < 0 or number > HUNDRED:
        raise ValueError(Message(N_("{value} is out of range: enter a percentage from 0 to 100."), {"value": value}))
    return number


def _threshold_error(value: Any) -> ValueError:
    return ValueError(Message(N_('"{value}" is not a number: enter a percentage from 0 to 100.'), {"value": value}))


def parse_criteria(raw: Mapping[str, Any]) -> Criteria:
    """Validate raw criteria (from a form, OLX or JSON) into `Criteria`; raise `CriteriaError` on any bad field.

    Field names in the error follow the raw keys; per-type errors use ``min_type_grades.<type>``, per-section
    errors ``min_section_completion.<usage key>``.
    """
    errors: dict[str, Message] = {}
    values: dict[str, Decimal | None] = {}
    for key in ("min_completion", "min_grade"):
        values[key] = _collect(errors, key, raw.get(key))
    type_grades = _named_thresholds(errors, raw, "min_type_grades", (
        N_("Assignment type rules must map a type name to a percentage."),
        N_("An assignment type rule needs the type's name.")))
    sections = _named_thresholds(errors, raw, "min_section_completion", (
        N_("Section rules must map a section to a percentage."), N_("A section rule needs the section.")))
    criteria = Criteria(values["min_completion"], values["min_grade"], type_grades, sections)
    if not errors and criteria.is_empty:
        errors["criteria"] = Message(
            N_("Set at least one rule: completion, overall grade or an assignment type grade.")
        )
    if errors:
        raise CriteriaError(errors)
    return criteria


def _named_thresholds(errors: dict[str, Message], raw: Mapping[str, Any], key: str,
                      messages: tuple[str, str]) -> dict[str, Decimal]:
    """A mapping of names (types, sections) to thresholds; `messages`: not a mapping, a blank name."""
    raw_map = raw.get(key) or {}
    if not isinstance(raw_map, Mapping):
        errors[key] = Message(messages[0])
        return {}
    thresholds: dict[str, Decimal] = {}
    for name, value in raw_map.items():
        clean_name = str(name).strip()
        if not clean_name:
            errors[key] = Message(messages[1])
            continue
        threshold = _collect(errors, f"{key}.{clean_name}", value)
        if threshold is not None:
            thresholds[clean_name] = threshold
    return thresholds


def _collect(errors: dict[str, Message], key: str, value: Any) -> Decimal | None:
    try:
        return parse_threshold(value)
    except ValueError as exc:
        errors[key] = exc.args[0]
        return None


def check_assignment_types(criteria: Criteria, assignment_types: Iterable[str]) -> dict[str, Message]:
    """Errors for per-type rules naming a type the course's grading policy lacks (a configuration error)."""
    known = set(assignment_types)
    return {
        f"min_type_grades.{name}": Message(
            N_('"{name}" is not an assignment type of this course\'s grading policy (known types: {known}).'),
            {"name": name, "known": ", ".join(sorted(known)) or "-"},
        )
        for name in criteria.min_type_grades
        if name not in known
    }


def check_sections(criteria: Criteria, sections: Iterable[str]) -> dict[str, Message]:
    """Errors for section rules naming a section or subsection the course does not have."""
    known = set(sections)
    return {
        f"min_section_completion.{key}": Message(
            N_('"{key}" is not a section or subsection of this course.'), {"key": key})
        for key in criteria.min_section_completion
        if key not in known
    }


def displayed_percent(fraction: float | Fraction) -> int:
    """The whole percent a learner sees for a 0..1 value, rounded half-up.

    Floats go through their shortest repr so that 0.285 shows as 29%, as a person reading it expects.
    """
    if isinstance(fraction, float):
        exact = Decimal(str(fraction))
    else:
        exact = Decimal(fraction.numerator) / fraction.denominator
    return int((exact * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RuleResult:
    """One rule for one learner: where they stand, the threshold, whether it is met and what is left.

    `remaining` is units still to complete for completion rules and percentage points for grade rules;
    0 when the rule is met. Section rules name their section (usage key and title).
    """

    kind: str
    current: int
    required: Decimal
    met: bool
    remaining: int
    assignment_type: str | None = None
    total_units: int | None = None
    completed_units: int | None = None
    section: str | None = None
    section_title: str | None = None


@dataclass(frozen=True)
class Evaluation:
    """The result of all rules for one learner; eligible when every rule is met."""

    rules: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return bool(self.rules) and all(rule.met for rule in self.rules)

    @property
    def rules_met(self) -> tuple[RuleResult, ...]:
        return tuple(rule for rule in self.rules if rule.met)


def evaluate(criteria: Criteria, record: LearnerRecord) -> Evaluation:
    """Evaluate every rule of `criteria` for the learner in `record`.

    Raises `ConfigurationError` for a per-type rule whose type the record's course does not grade, or a section
    rule whose section the course does not have.
    """
    results = []
    if criteria.min_completion is not None:
        results.append(_completion_rule(criteria.min_completion, record.completed_units, record.counted_units))
    if criteria.min_grade is not None:
        results.append(_grade_rule(GRADE, criteria.min_grade, record.grade_percent))
    for name, threshold in criteria.min_type_grades.items():
        if name not in record.type_percents:
            raise ConfigurationError(
                Message(N_('"{name}" is not an assignment type of this course\'s grading policy.'), {"name": name})
            )
        results.append(_grade_rule(TYPE_GRADE, threshold, record.type_percents[name], name))
    for key, threshold in criteria.min_section_completion.items():
        section = record.sections.get(key)
        if section is None:
            raise ConfigurationError(
                Message(N_('"{key}" is not a section or subsection of this course.'), {"key": key}))
        rule = _completion_rule(threshold, section.completed_units, section.counted_units)
        results.append(replace(rule, kind=SECTION_COMPLETION, section=key, section_title=section.title))
    return Evaluation(tuple(results))


def _completion_rule(threshold: Decimal, completed: int, counted: int) -> RuleResult:
    """Completion on units (of the course or of one section). Nothing to count is never met: nothing to recognise.

    Units left are the fewest that make the rule pass as the learner sees it: the shown percent rounds half-up,
    so c units pass when 100 * c / counted >= ceil(threshold) - 1/2. This is DESIGN.md's ceil(threshold * counted) -
    completed wherever rounding changes nothing, and stays truthful where it does (decimal thresholds, or large
    courses where one unit fewer already shows the threshold).
    """
    current = _units_percent(completed, counted)
    met = counted > 0 and current >= threshold
    remaining = 0 if met or not counted else _units_to_pass(threshold, counted) - completed
    return RuleResult(COMPLETION, current, threshold, met, remaining, total_units=counted, completed_units=completed)


@lru_cache(maxsize=4096)
def _units_percent(completed: int, counted: int) -> int:
    """The percent shown for `completed` of `counted` units (cached: bulk evaluation repeats the same few pairs)."""
    return displayed_percent(Fraction(completed, counted)) if counted else 0


@lru_cache(maxsize=4096)
def _units_to_pass(threshold: Decimal, counted: int) -> int:
    """The fewest complete units of `counted` whose shown percent reaches `threshold` (see `_completion_rule`)."""
    lowest_shown = Fraction(int(threshold.to_integral_value(rounding=ROUND_CEILING))) - Fraction(1, 2)
    return max(0, math.ceil(lowest_shown * counted / 100))


def _grade_rule(kind: str, threshold: Decimal, fraction: float, assignment_type: str | None = None) -> RuleResult:
    current = displayed_percent(fraction)
    met = current >= threshold
    points = int(threshold.to_integral_value(rounding=ROUND_CEILING)) - current
    return RuleResult(kind, current, threshold, met, 0 if met else points, assignment_type)


def unmet_reason(rule: RuleResult) -> Message:
    """Why an unmet rule fails, in a few words for staff reports and commands: "Final Exam 70% < 75%"."""
    values = {"current": rule.current, "required": _decimal_str(rule.required)}
    if rule.kind == COMPLETION:
        return Message(N_("completion {current}% < {required}%"), values)
    if rule.kind == GRADE:
        return Message(N_("grade {current}% < {required}%"), values)
    if rule.kind == SECTION_COMPLETION:
        return Message(N_("{section} {current}% < {required}%"), {**values, "section": rule.section_title})
    return Message(N_("{type} {current}% < {required}%"), {**values, "type": rule.assignment_type})


def access_problems(
    record: LearnerRecord, context: EligibilityContext, now: datetime
) -> list[Message]:
    """Why this learner may not receive the credential yet, whatever their progress (empty when they may)."""
    problems = []
    enrollment = record.enrollment
    if enrollment is None or not enrollment.is_active:
        problems.append(Message(N_("You are not enrolled in this course.")))
    elif context.allowed_modes and enrollment.mode not in context.allowed_modes:
        problems.append(
            Message(
                N_('This credential is not offered in the "{mode}" track.'),
                {"mode": enrollment.mode},
            )
        )
    if context.available_from is not None and now < context.available_from:
        problems.append(
            Message(N_("This credential becomes available on {date}."), {"date": context.available_from.date()})
        )
    return problems
