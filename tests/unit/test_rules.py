"""The rules engine: validation messages, rounding, unit arithmetic, and properties that must always hold."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from credential_xblock.records import EligibilityContext, Enrollment, LearnerRecord
from credential_xblock.rules import (
    COMPLETION,
    GRADE,
    TYPE_GRADE,
    ConfigurationError,
    Criteria,
    CriteriaError,
    Message,
    access_problems,
    check_assignment_types,
    displayed_percent,
    evaluate,
    parse_criteria,
    parse_threshold,
)

AUDIT = Enrollment("audit", True)


def record(completed=0, counted=10, grade=0.0, types=None, enrollment=AUDIT):
    return LearnerRecord(1, "ada", "Ada", completed, counted, grade, types or {}, enrollment)


# --- validation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("90", Decimal(90)), (" 75.5 ", Decimal("75.5")), (0, Decimal(0)), (100, Decimal(100)), (87.25, Decimal("87.25"))],
)
def test_threshold_accepts_percentages(raw, expected):
    assert parse_threshold(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_threshold_means_no_rule(raw):
    assert parse_threshold(raw) is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("abc", "is not a number"),
        ("-5", "out of range"),
        ("150", "out of range"),
        ("100.01", "out of range"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        (True, "is not a number"),
        ([], "is not a number"),
    ],
)
def test_threshold_rejects_with_a_specific_message(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_threshold(raw)


def test_parse_criteria_reports_every_bad_field_by_name():
    with pytest.raises(CriteriaError) as caught:
        parse_criteria({"min_completion": "abc", "min_grade": "150", "min_type_grades": {"Final Exam": "-5"}})
    errors = caught.value.errors
    assert set(errors) == {"min_completion", "min_grade", "min_type_grades.Final Exam"}
    assert errors["min_completion"].render() == '"abc" is not a number: enter a percentage from 0 to 100.'
    assert errors["min_grade"].render() == "150 is out of range: enter a percentage from 0 to 100."


def test_criteria_without_any_rule_is_an_error():
    with pytest.raises(CriteriaError) as caught:
        parse_criteria({"min_completion": "", "min_grade": None, "min_type_grades": {}})
    assert list(caught.value.errors) == ["criteria"]


def test_criteria_round_trip_through_dict():
    criteria = parse_criteria({"min_grade": "75.5", "min_type_grades": {"Final Exam": "80"}})
    assert criteria == Criteria(None, Decimal("75.5"), {"Final Exam": Decimal(80)})
    assert parse_criteria(criteria.to_dict()) == criteria
    assert criteria.to_dict() == {"min_completion": None, "min_grade": "75.5", "min_type_grades": {"Final Exam": "80"}}


def test_unknown_assignment_type_is_a_configuration_error():
    criteria = parse_criteria({"min_type_grades": {"Final Exam": "75", "Lab": "50"}})
    errors = check_assignment_types(criteria, ["Homework", "Final Exam"])
    assert list(errors) == ["min_type_grades.Lab"]
    assert "Homework" in errors["min_type_grades.Lab"].render()
    with pytest.raises(ConfigurationError, match="Lab"):
        evaluate(criteria, record(types={"Final Exam": 0.9}))


def test_messages_are_translated_before_formatting():
    message = Message("{n} units left", {"n": 3})
    assert message.render(lambda s: s.replace("units left", "unités restantes")) == "3 unités restantes"


# --- rounding and arithmetic -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.285, 29), (0.745, 75), (0.7449, 74), (0.005, 1), (0.0049, 0), (1.0, 100),
     (Fraction(2, 3), 67), (Fraction(1, 8), 13)],
)
def test_displayed_percent_rounds_half_up(value, shown):
    assert displayed_percent(value) == shown


def test_completion_rule_counts_units_left():
    # 90% of 21 counted units: ceil(18.9) = 19 needed; 15 done, so 4 more; 15/21 = 71.43% shows as 71.
    [rule] = evaluate(parse_criteria({"min_completion": "90"}), record(completed=15, counted=21)).rules
    assert (rule.kind, rule.current, rule.met, rule.remaining) == (COMPLETION, 71, False, 4)
    assert (rule.completed_units, rule.total_units) == (15, 21)


def test_completion_rule_met_when_rounded_value_reaches_threshold():
    # 180 of 201 units is 89.55%, which the learner sees as 90%: met, although ceil(0.9 * 201) = 181.
    [rule] = evaluate(parse_criteria({"min_completion": "90"}), record(completed=180, counted=201)).rules
    assert (rule.current, rule.met, rule.remaining) == (90, True, 0)
    # So at 170 of 201 (85%), 10 more units are enough, not the 11 that ceil(0.9 * 201) - 170 would claim.
    [rule] = evaluate(parse_criteria({"min_completion": "90"}), record(completed=170, counted=201)).rules
    assert (rule.current, rule.met, rule.remaining) == (85, False, 10)


def test_decimal_completion_threshold_counts_the_units_that_really_pass():
    # 63.01% of 71 units: 45 units show 63% (fails); 46 show 65%; ceil(0.6301 * 71) = 45 would be one short.
    [rule] = evaluate(parse_criteria({"min_completion": "63.01"}), record(completed=0, counted=71)).rules
    assert rule.remaining == 46


def test_grade_rules_report_points_left():
    criteria = parse_criteria({"min_grade": "75", "min_type_grades": {"Final Exam": "80"}})
    evaluation = evaluate(criteria, record(grade=0.76, types={"Final Exam": 0.74}))
    overall, final = evaluation.rules
    assert (overall.kind, overall.current, overall.met, overall.remaining) == (GRADE, 76, True, 0)
    assert (final.kind, final.assignment_type, final.current, final.remaining) == (TYPE_GRADE, "Final Exam", 74, 6)
    assert not evaluation.eligible
    assert evaluation.rules_met == (overall,)


def test_decimal_threshold_needs_the_next_whole_percent():
    [rule] = evaluate(parse_criteria({"min_grade": "75.5"}), record(grade=0.75)).rules
    assert (rule.current, rule.met, rule.remaining) == (75, False, 1)
    [rule] = evaluate(parse_criteria({"min_grade": "75.5"}), record(grade=0.755)).rules
    assert (rule.current, rule.met) == (76, True)


def test_empty_course_does_not_crash_and_is_never_complete():
    [rule] = evaluate(parse_criteria({"min_completion": "0"}), record(completed=0, counted=0)).rules
    assert (rule.current, rule.met, rule.remaining, rule.total_units) == (0, False, 0, 0)


def test_all_rules_met_is_eligible():
    criteria = parse_criteria({"min_completion": "90", "min_grade": "80", "min_type_grades": {"Final Exam": "75"}})
    assert evaluate(criteria, record(completed=9, counted=10, grade=0.8, types={"Final Exam": 0.75})).eligible


# --- access: enrollment and availability -----------------------------------------------------------------------

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def test_access_needs_an_active_enrollment_in_an_allowed_mode():
    context = EligibilityContext(allowed_modes=frozenset({"verified"}))
    assert access_problems(record(enrollment=Enrollment("verified", True)), context, NOW) == []
    [problem] = access_problems(record(enrollment=Enrollment("audit", True)), context, NOW)
    assert problem.render() == 'This credential is not offered in the "audit" track.'
    [problem] = access_problems(record(enrollment=Enrollment("verified", False)), context, NOW)
    assert problem.render() == "You are not enrolled in this course."
    assert len(access_problems(record(enrollment=None), EligibilityContext(), NOW)) == 1


def test_access_waits_for_available_from():
    context = EligibilityContext(available_from=NOW + timedelta(days=2))
    [problem] = access_problems(record(), context, NOW)
    assert problem.render() == "This credential becomes available on 2026-11-28."
    assert access_problems(record(), context, NOW + timedelta(days=2)) == []


# --- properties ------------------------------------------------------------------------------------------------

thresholds = st.one_of(
    st.none(),
    st.integers(0, 100).map(Decimal),
    st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False),
)
fractions01 = st.floats(0, 1, allow_nan=False)
TYPES = ("Homework", "Final Exam")


@st.composite
def criteria_and_record(draw):
    criteria = Criteria(draw(thresholds), draw(thresholds), {t: draw(thresholds) for t in TYPES if draw(st.booleans())})
    criteria = Criteria(criteria.min_completion, criteria.min_grade,
                        {k: v for k, v in criteria.min_type_grades.items() if v is not None})
    assume(not criteria.is_empty)
    counted = draw(st.integers(0, 300))
    learner = record(draw(st.integers(0, counted)), counted, draw(fractions01), {t: draw(fractions01) for t in TYPES})
    return criteria, learner


@given(criteria_and_record(), st.data())
def test_raising_any_score_never_makes_an_eligible_learner_ineligible(case, data):
    criteria, learner = case
    assume(evaluate(criteria, learner).eligible)
    raised = LearnerRecord(
        learner.user_id, learner.username, learner.full_name,
        data.draw(st.integers(learner.completed_units, learner.counted_units)), learner.counted_units,
        data.draw(st.floats(learner.grade_percent, 1)),
        {t: data.draw(st.floats(v, 1)) for t, v in learner.type_percents.items()},
        learner.enrollment,
    )
    assert evaluate(criteria, raised).eligible


@given(st.integers(0, 100), st.integers(1, 400))
def test_a_value_exactly_at_a_threshold_passes(threshold, counted):
    exact_grade = threshold / 100
    assert evaluate(parse_criteria({"min_grade": threshold}), record(grade=exact_grade)).eligible
    completed = -(-threshold * counted // 100)  # the fewest units reaching the threshold exactly or above
    assert evaluate(parse_criteria({"min_completion": threshold}), record(completed, counted)).eligible


@given(st.integers(0, 99), st.integers(0, 9))
def test_rounding_is_half_up_at_every_tenth(whole, tenth):
    value = Decimal(whole) + Decimal(tenth) / 10
    shown = displayed_percent(float(value / 100))
    assert shown == (whole + 1 if tenth >= 5 else whole)


@given(criteria_and_record())
def test_units_left_are_enough_and_grade_points_are_exact(case):
    criteria, learner = case
    for rule in evaluate(criteria, learner).rules:
        assert rule.met == (rule.remaining == 0) or (rule.kind == COMPLETION and learner.counted_units == 0)
        if rule.kind == COMPLETION and not rule.met and learner.counted_units:
            only_completion = Criteria(min_completion=criteria.min_completion)
            enough = record(learner.completed_units + rule.remaining, learner.counted_units)
            one_short = record(learner.completed_units + rule.remaining - 1, learner.counted_units)
            assert evaluate(only_completion, enough).eligible
            assert not evaluate(only_completion, one_short).eligible
        elif rule.kind != COMPLETION and not rule.met:
            assert rule.current + rule.remaining >= rule.required > rule.current + rule.remaining - 1
