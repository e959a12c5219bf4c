"""Learning Path rules: the issue's four examples, with learners just below and exactly at each threshold.

Courses have 20 units (5% each; the last unit is the Final Exam, worth the whole grade), so a completion of k units
is 5k% and the grade is the exam score. Expected values are computed by hand in each test.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from credential_admin.configs import sync_course
from credential_admin.paths import configs as path_configs
from credential_admin.paths.evaluate import evaluate_batch
from credential_admin.paths.rules import BLOCK, GLOBAL, OVERRIDE, rules_for
from tests.paths_support import enroll, enroll_path, make_course, make_path, make_user, progress

PATH = "path-v1:Demo+DS+2026+all"


def block(min_completion: str) -> str:
    return f'<credential url_name="cert" display_name="Cert" level="completion" min_completion="{min_completion}"/>'


@pytest.fixture
def courses(db):
    keys = [f"course-v1:Demo+C{i}+2026" for i in (1, 2, 3)]
    made = [make_course(key, f"Course {i}", 20, block(value)) for i, (key, value) in
            enumerate(zip(keys, ("80", "75", "50"), strict=True), 1)]
    for key in keys:
        sync_course(key)
    return made


def learner(name: str, courses, units, grades=None, path=None):
    user = make_user(name)
    enroll(user, courses)
    for course, done, grade in zip(courses, units, grades or [None] * len(courses), strict=True):
        progress(user, course, done, grade)
    if path is not None:
        enroll_path(path, [user])
    return user


def by_user(rules, users):
    return {p.user_id: p for p in evaluate_batch(rules, [u.pk for u in users])}


def test_global_90_percent_of_each_course(courses):
    path = make_path(PATH, "Data Science path", [c.course_key for c in courses])
    config = path_configs.create(PATH, "completion", global_criteria={"min_completion": "90"}).config
    at = learner("at", courses, (18, 18, 18), path=path)  # 90% everywhere
    below = learner("below", courses, (18, 18, 17), path=path)  # 85% in course 3
    rules = rules_for(config)
    assert [c.source for c in rules.courses] == [GLOBAL] * 3
    result = by_user(rules, [at, below])
    assert result[at.pk].eligible and result[at.pk].done_count == 3
    assert not result[below.pk].eligible and result[below.pk].done_count == 2
    assert [m.render() for m in result[below.pk].reasons()] == ["Course 3 needs 1 more unit"]


def test_per_course_completion_from_the_blocks(courses):
    path = make_path(PATH, "Data Science path", [c.course_key for c in courses])
    config = path_configs.create(PATH, "completion", mode="per_course").config
    at = learner("at", courses, (16, 15, 10), path=path)  # 80%, 75%, 50%: exactly at each block's threshold
    below1 = learner("below1", courses, (15, 15, 10), path=path)  # 75% < 80% in course 1
    below3 = learner("below3", courses, (16, 15, 9), path=path)  # 45% < 50% in course 3
    rules = rules_for(config)
    assert [(c.source, c.criteria.min_completion) for c in rules.courses] == [
        (BLOCK, Decimal(80)), (BLOCK, Decimal(75)), (BLOCK, Decimal(50))]
    result = by_user(rules, [at, below1, below3])
    assert result[at.pk].eligible
    assert [m.render() for m in result[below1.pk].reasons()] == ["Course 1 needs 1 more unit"]
    assert [m.render() for m in result[below3.pk].reasons()] == ["Course 3 needs 1 more unit"]


def test_per_course_completion_and_grade_overrides(courses):
    path = make_path(PATH, "Two courses", [c.course_key for c in courses[:2]])
    path_config = path_configs.create(PATH, "completion", mode="per_course")
    path_configs.set_override(path_config, courses[0].course_key, {"min_completion": "80", "min_grade": "75"})
    path_configs.set_override(path_config, courses[1].course_key, {"min_completion": "75", "min_grade": "85"})
    at = learner("at", courses[:2], (16, 15), (75, 85), path=path)
    low_grade = learner("lowgrade", courses[:2], (16, 15), (75, 84), path=path)
    low_both = learner("lowboth", courses[:2], (15, 15), (74, 85), path=path)
    rules = rules_for(path_config.config)
    assert [c.source for c in rules.courses] == [OVERRIDE, OVERRIDE]
    result = by_user(rules, [at, low_grade, low_both])
    assert result[at.pk].eligible
    assert [m.render() for m in result[low_grade.pk].reasons()] == ["Course 2 needs +1 point on the overall grade"]
    assert [m.render() for m in result[low_both.pk].reasons()] == [
        "Course 1 needs 1 more unit and +1 point on the overall grade"]


def test_global_90_percent_and_weighted_overall_80(courses):
    # weights 1, 0.5, 0.5: overall = (g1 + g2/2 + g3/2) / 2
    path = make_path(PATH, "Weighted", [c.course_key for c in courses], [1.0, 0.5, 0.5])
    config = path_configs.create(PATH, "achievement", global_criteria={"min_completion": "90"},
                                 min_path_grade="80").config
    at = learner("at", courses, (18, 18, 18), (70, 90, 90), path=path)  # (70 + 45 + 45) / 2 = 80
    below = learner("below", courses, (18, 18, 18), (70, 90, 86), path=path)  # (70 + 45 + 43) / 2 = 79
    rounds_up = learner("roundsup", courses, (18, 18, 18), (70, 90, 89), path=path)  # 79.5 shows as 80
    short = learner("short", courses, (18, 17, 18), (100, 100, 100), path=path)  # overall 100, course 2 at 85%
    result = by_user(rules_for(config), [at, below, rounds_up, short])
    assert result[at.pk].eligible and result[at.pk].path_grade.current == 80
    assert not result[below.pk].eligible
    assert [m.render() for m in result[below.pk].reasons()] == ["the path-wide grade is 79%, 80% required"]
    assert result[rounds_up.pk].eligible
    assert [m.render() for m in result[short.pk].reasons()] == ["Course 2 needs 1 more unit"]


def test_grading_criteria_of_the_plugin_seed_the_global_rule(courses):
    path = make_path(PATH, "Seeded", [c.course_key for c in courses[:2]])  # the plugin adds 80% / 75% criteria
    rules = rules_for(path_configs.create(PATH, "completion").config)
    assert [c.criteria.min_completion for c in rules.courses] == [Decimal(80), Decimal(80)]
    assert rules.min_path_grade == Decimal(75)
    at = learner("at", courses[:2], (16, 16), (75, 75), path=path)
    below = learner("below", courses[:2], (16, 16), (75, 74), path=path)  # overall 74.5 shows as 75: met
    lower = learner("lower", courses[:2], (16, 16), (75, 73), path=path)  # 74
    result = by_user(rules, [at, below, lower])
    assert result[at.pk].eligible and result[below.pk].eligible and not result[lower.pk].eligible
