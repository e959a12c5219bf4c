"""The standalone grading rules (credential_admin.standalone.grading), checked against values computed by hand."""
import pytest

from credential_admin.standalone.grading import (
    GradingPolicyError,
    SubsectionScore,
    course_percent,
    grade,
    parse_policy,
    type_percent,
)

POLICY = parse_policy({
    "GRADER": [
        {"type": "Homework", "min_count": 3, "drop_count": 1, "weight": 0.4},
        {"type": "Final Exam", "min_count": 1, "drop_count": 0, "weight": 0.6},
    ],
    "GRADE_CUTOFFS": {"A": 0.9, "B": 0.8, "C": 0.6},
})


def hw(earned, possible):
    return SubsectionScore("Homework", earned, possible)


def test_drop_lowest_differs_from_naive_sum():
    # Homework 9/10 = 0.90, 1/4 = 0.25, 30/40 = 0.75. Drop the lowest (0.25): (0.90 + 0.75) / 2 = 0.825.
    # Naive Σearned/Σpossible would be 40/54 = 0.7407..., so the platform's rule really differs here.
    subsections = [hw(9, 10), hw(1, 4), hw(30, 40), SubsectionScore("Final Exam", 8, 10)]
    result = grade(POLICY, subsections)
    assert result.type_percents["Homework"] == pytest.approx(0.825)
    assert result.type_percents["Homework"] != pytest.approx(40 / 54)
    assert result.type_percents["Final Exam"] == pytest.approx(0.8)
    # Course: 0.4 * 0.825 + 0.6 * 0.8 = 0.33 + 0.48 = 0.81 → 81%, letter B (0.8 ≤ 0.81 < 0.9), passed (≥ 0.6).
    assert result.percent == pytest.approx(0.81)
    assert result.letter_grade == "B"
    assert result.passed is True


def test_missing_assignments_are_padded_with_zeros_before_dropping():
    # Two of min_count 3 homeworks: 0.90 and 0.25, padded with one 0. Dropping the lowest drops the placeholder:
    # (0.90 + 0.25) / 2 = 0.575. Naive would be 10/14 = 0.714...
    result = grade(POLICY, [hw(9, 10), hw(1, 4)])
    assert result.type_percents["Homework"] == pytest.approx(0.575)
    # No final exam: padded to min_count 1 with a zero → 0.0.
    assert result.type_percents["Final Exam"] == 0.0
    # Course: 0.4 * 0.575 = 0.23 → 23%, no letter, not passed.
    assert result.percent == pytest.approx(0.23)
    assert result.letter_grade is None
    assert result.passed is False


def test_one_homework_is_two_placeholders_one_dropped():
    # One homework at 0.90 with min_count 3: [0.90, 0, 0], drop one 0 → (0.90 + 0) / 2 = 0.45.
    assert type_percent([0.9], min_count=3, drop_count=1) == pytest.approx(0.45)


def test_subsections_with_nothing_possible_are_left_out():
    # possible = 0 is skipped (not a zero): 8/10 alone → 0.8 for a min_count 1 type.
    policy = parse_policy({"GRADER": [{"type": "Lab", "min_count": 1, "drop_count": 0, "weight": 1.0}]})
    result = grade(policy, [SubsectionScore("Lab", 8, 10), SubsectionScore("Lab", 0, 0)])
    assert result.type_percents["Lab"] == pytest.approx(0.8)


def test_dropping_everything_gives_zero():
    assert type_percent([0.5], min_count=0, drop_count=1) == 0.0
    assert type_percent([], min_count=0, drop_count=0) == 0.0


def test_course_percent_rounds_to_a_whole_percent_with_the_platform_nudge():
    # 0.8449 → 84.49 + 0.05 = 84.54 → 85%; 0.8444 → 84.49 → 84%; 0.805 → 80.55 → 81%.
    assert course_percent(0.8449) == pytest.approx(0.85)
    assert course_percent(0.8444) == pytest.approx(0.84)
    assert course_percent(0.805) == pytest.approx(0.81)
    assert course_percent(0.0) == 0.0
    assert course_percent(1.0) == 1.0


def test_subsections_of_unknown_types_are_ignored():
    result = grade(POLICY, [SubsectionScore("Quiz", 10, 10)])
    assert result.type_percents == {"Homework": 0.0, "Final Exam": 0.0}
    assert result.percent == 0.0


@pytest.mark.parametrize("raw, message", [
    ([], "JSON object"),
    ({"GRADER": {}}, "GRADER must be a list"),
    ({"GRADER": [{"min_count": 1}]}, "needs a non-empty 'type'"),
    ({"GRADER": [{"type": "HW", "weight": "heavy"}]}, "must be numbers"),
    ({"GRADER": [{"type": "HW", "weight": 1.5}]}, "weight a fraction"),
    ({"GRADER": [{"type": "HW", "drop_count": -1}]}, "counts must be 0 or more"),
    ({"GRADER": [{"type": "HW"}, {"type": "HW"}]}, "twice"),
    ({"GRADER": [], "GRADE_CUTOFFS": {"Pass": 2}}, "GRADE_CUTOFFS"),
])
def test_bad_policies_are_rejected_with_a_specific_message(raw, message):
    with pytest.raises(GradingPolicyError, match=message):
        parse_policy(raw)


def test_default_cutoff_passes_at_half():
    policy = parse_policy({"GRADER": [{"type": "HW", "min_count": 1, "weight": 1.0}]})
    assert grade(policy, [hw(1, 2)]).passed is False  # the type is "HW", so "Homework" scores do not count
    assert grade(policy, [SubsectionScore("HW", 1, 2)]).passed is True
