"""What the rules module hands to its callers besides verdicts: the stored form of criteria and the errors'
messages (the pipeline shows ConfigurationError.message as a learner's reason; Studio shows CriteriaError per
field). Written to kill mutants that the verdict tests let live (see the closing note's mutation scores)."""
import pytest

from credential_xblock.records import LearnerRecord, SectionProgress
from credential_xblock.rules import ConfigurationError, CriteriaError, evaluate, parse_criteria

SECTION = "block-v1:Org+X+1+type@chapter+block@week1"


def record(**fields) -> LearnerRecord:
    return LearnerRecord(**{"user_id": 1, "username": "ada", "full_name": "Ada", "completed_units": 1,
                            "counted_units": 2, "grade_percent": 0.5, **fields})


def test_criteria_are_stored_as_exact_decimal_strings():
    criteria = parse_criteria({"min_completion": "90.5", "min_grade": 80, "min_type_grades": {"Final Exam": "75.00"}})
    assert criteria.to_dict() == {"min_completion": "90.5", "min_grade": "80",
                                  "min_type_grades": {"Final Exam": "75"}}
    assert parse_criteria(criteria.to_dict()) == criteria


def test_section_rules_are_stored_only_when_there_are_some():
    criteria = parse_criteria({"min_section_completion": {SECTION: "50"}})
    assert criteria.to_dict() == {"min_completion": None, "min_grade": None, "min_type_grades": {},
                                  "min_section_completion": {SECTION: "50"}}
    assert parse_criteria(criteria.to_dict()) == criteria


def test_an_assignment_type_the_course_does_not_grade_is_a_configuration_error_with_its_message():
    with pytest.raises(ConfigurationError) as raised:
        evaluate(parse_criteria({"min_type_grades": {"Lab": "50"}}), record(type_percents={"Homework": 0.9}))
    text = '"Lab" is not an assignment type of this course\'s grading policy.'
    assert raised.value.message.render() == text and str(raised.value) == text


def test_a_section_the_course_does_not_have_is_a_configuration_error_with_its_message():
    with pytest.raises(ConfigurationError) as raised:
        evaluate(parse_criteria({"min_section_completion": {SECTION: "50"}}),
                 record(sections={"other": SectionProgress("Week 2", 1, 2)}))
    assert raised.value.message.render() == f'"{SECTION}" is not a section or subsection of this course.'


def test_criteria_errors_name_every_field_in_one_message():
    with pytest.raises(CriteriaError) as raised:
        parse_criteria({"min_completion": "abc", "min_grade": "150"})
    assert set(raised.value.errors) == {"min_completion", "min_grade"}
    assert str(raised.value) == ('min_completion: "abc" is not a number: enter a percentage from 0 to 100.; '
                                 "min_grade: 150 is out of range: enter a percentage from 0 to 100.")


def errors_of(raw) -> dict[str, str]:
    with pytest.raises(CriteriaError) as raised:
        parse_criteria(raw)
    return {key: message.render() for key, message in raised.value.errors.items()}


def test_criteria_without_any_rule_ask_for_one():
    assert errors_of({"min_completion": "", "min_grade": None, "min_type_grades": {}}) == {
        "criteria": "Set at least one rule: completion, overall grade or an assignment type grade."}


@pytest.mark.parametrize(("key", "not_a_mapping", "blank_name"), [
    ("min_type_grades", "Assignment type rules must map a type name to a percentage.",
     "An assignment type rule needs the type's name."),
    ("min_section_completion", "Section rules must map a section to a percentage.",
     "A section rule needs the section."),
])
def test_named_rules_say_what_is_wrong_with_them(key, not_a_mapping, blank_name):
    assert errors_of({key: ["Final Exam", "75"]}) == {key: not_a_mapping}
    # A blank name does not stop the check: the entries after it are still read and reported.
    assert errors_of({key: {"  ": "50", "Lab": "abc"}}) == {
        key: blank_name, f"{key}.Lab": '"abc" is not a number: enter a percentage from 0 to 100.'}


@pytest.mark.parametrize(("value", "shown"), [(True, "True"), ("NaN", "NaN"), ("Infinity", "Infinity")])
def test_a_threshold_that_is_not_a_number_is_quoted_back(value, shown):
    assert errors_of({"min_grade": value}) == {
        "min_grade": f'"{shown}" is not a number: enter a percentage from 0 to 100.'}


def test_a_type_the_grading_policy_lacks_lists_the_known_types():
    from credential_xblock.rules import check_assignment_types

    criteria = parse_criteria({"min_type_grades": {"Lab": "50", "Homework": "60"}})
    assert {key: message.render() for key, message in check_assignment_types(
        criteria, ["Homework", "Final Exam"]).items()} == {
        "min_type_grades.Lab": '"Lab" is not an assignment type of this course\'s grading policy (known types: '
                               "Final Exam, Homework)."}
    assert check_assignment_types(criteria, [])["min_type_grades.Lab"].render().endswith("(known types: -).")


def test_a_completion_result_carries_its_threshold():
    rule = evaluate(parse_criteria({"min_completion": "90"}), record(completed_units=9, counted_units=10)).rules[0]
    assert (rule.current, str(rule.required), rule.met, rule.remaining) == (90, "90", True, 0)
