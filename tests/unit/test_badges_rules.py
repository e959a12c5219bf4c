"""The section completion rule: only the section's units count, with the course rule's rounding and units left."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credential_admin.backends.units import Unit, count_units, section_progress
from credential_xblock.records import Enrollment, LearnerRecord, SectionProgress
from credential_xblock.rules import (
    SECTION_COMPLETION,
    ConfigurationError,
    Criteria,
    CriteriaError,
    check_sections,
    evaluate,
    parse_criteria,
)

M1 = "block-v1:Demo+C+1+type@chapter+block@module1"
HW = "block-v1:Demo+C+1+type@sequential+block@homework"


def record(sections, completed=0, counted=10):
    return LearnerRecord(1, "ada", "Ada", completed, counted, 0.0, {}, Enrollment("audit", True), sections=sections)


def section_rule(threshold, completed, counted, key=M1):
    criteria = Criteria(min_section_completion={key: Decimal(threshold)})
    return evaluate(criteria, record({key: SectionProgress("Module 1", completed, counted)})).rules[0]


def test_just_below_the_threshold_is_not_met_and_says_one_more_unit():
    # 8 of 9 units is 88.9%, shown as 89%: below 90, and 9 of 9 is the next count that passes.
    rule = section_rule(90, 8, 9)
    assert (rule.kind, rule.current, rule.met, rule.remaining) == (SECTION_COMPLETION, 89, False, 1)
    assert (rule.section, rule.section_title, rule.completed_units, rule.total_units) == (M1, "Module 1", 8, 9)


def test_exactly_at_the_threshold_is_met():
    rule = section_rule(90, 9, 10)
    assert (rule.current, rule.met, rule.remaining) == (90, True, 0)


def test_rounding_half_up_as_for_the_course():
    # 17 of 19 = 89.47% shows 89 (fails 90); 179 of 200 = 89.5% shows 90 and passes.
    assert not section_rule(90, 17, 19).met
    assert section_rule(90, 179, 200).met
    # 178 of 200 = 89% shows 89: one more unit is enough, not the 2 that ceil(0.9 * 200) - 178 would ask.
    assert section_rule(90, 178, 200).remaining == 1


def test_only_the_sections_units_count_not_the_course():
    # The course is 100% complete, but the section's own 1 of 4 units is what the rule sees.
    criteria = Criteria(min_completion=Decimal(50), min_section_completion={HW: Decimal(100)})
    result = evaluate(criteria, record({HW: SectionProgress("Homework", 1, 4)}, completed=10, counted=10))
    course, section = result.rules
    assert course.met and not section.met and section.current == 25 and section.remaining == 3
    assert not result.eligible


def test_a_section_with_nothing_to_count_is_never_met():
    rule = section_rule(0, 0, 0)
    assert (rule.met, rule.current, rule.remaining) == (False, 0, 0)


def test_a_section_the_course_does_not_have_is_a_configuration_error():
    criteria = Criteria(min_section_completion={"block-v1:Demo+C+1+type@chapter+block@nope": Decimal(50)})
    with pytest.raises(ConfigurationError, match="is not a section or subsection of this course"):
        evaluate(criteria, record({M1: SectionProgress("Module 1", 1, 1)}))
    errors = check_sections(criteria, [M1, HW])
    assert list(errors) == ["min_section_completion.block-v1:Demo+C+1+type@chapter+block@nope"]


def test_parse_and_round_trip():
    criteria = parse_criteria({"min_section_completion": {f" {HW} ": "87.5"}})
    assert criteria.min_section_completion == {HW: Decimal("87.5")}
    assert not criteria.is_empty
    assert parse_criteria(criteria.to_dict()) == criteria


@pytest.mark.parametrize(("raw", "key", "fragment"), [
    ({HW: "abc"}, f"min_section_completion.{HW}", "is not a number"),
    ({HW: "101"}, f"min_section_completion.{HW}", "out of range"),
    ({" ": "50"}, "min_section_completion", "needs the section"),
    (["x"], "min_section_completion", "must map a section"),
])
def test_bad_section_rules_get_specific_messages(raw, key, fragment):
    with pytest.raises(CriteriaError) as caught:
        parse_criteria({"min_section_completion": raw})
    assert fragment in caught.value.errors[key].render()


def test_units_are_counted_per_section_and_subsection():
    units = [
        Unit("u1", frozenset({"a"}), sections=("ch1", "seq1")),
        Unit("u2", frozenset({"b"}), sections=("ch1", "seq1")),
        Unit("u3", frozenset(), sections=("ch1", "seq2")),  # nothing to count: out of every denominator
        Unit("u4", frozenset({"d"}), locked=True, sections=("ch1", "seq2")),
        Unit("u5", frozenset({"e"}), sections=("ch2", "seq3")),
    ]
    counts = count_units(units, {"a", "d", "e"})
    assert (counts.completed, counts.counted) == (2, 4)
    titles = {"ch1": "Module 1", "seq1": "Homework", "seq2": "Lab", "seq3": "Quiz", "seq4": "Empty"}
    progress = section_progress(titles, counts)
    assert progress == {
        "ch1": SectionProgress("Module 1", 1, 3), "seq1": SectionProgress("Homework", 1, 2),
        "seq2": SectionProgress("Lab", 0, 1), "seq3": SectionProgress("Quiz", 1, 1),
        "seq4": SectionProgress("Empty", 0, 0),
    }


@given(st.integers(0, 100), st.integers(1, 300), st.data())
def test_section_rule_matches_the_course_rule_on_the_same_counts(threshold, counted, data):
    completed = data.draw(st.integers(0, counted))
    criteria_course = Criteria(min_completion=Decimal(threshold))
    course = evaluate(criteria_course, record({}, completed, counted)).rules[0]
    section = section_rule(threshold, completed, counted)
    assert (section.current, section.met, section.remaining) == (course.current, course.met, course.remaining)


@given(st.integers(0, 100), st.integers(1, 300), st.data())
def test_units_left_are_the_fewest_that_pass(threshold, counted, data):
    completed = data.draw(st.integers(0, counted))
    rule = section_rule(threshold, completed, counted)
    if rule.met:
        assert rule.remaining == 0
        return
    assert section_rule(threshold, completed + rule.remaining, counted).met
    assert not section_rule(threshold, completed + rule.remaining - 1, counted).met


@given(st.integers(1, 300), st.data())
def test_a_count_exactly_at_the_threshold_passes(counted, data):
    completed = data.draw(st.integers(0, counted))
    shown = Fraction(completed * 100, counted)
    threshold = int(shown)  # the whole percent at or below the exact share always passes
    assert section_rule(threshold, completed, counted).met
