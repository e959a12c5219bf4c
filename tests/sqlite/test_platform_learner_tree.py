"""The Open edX backend on courses the demo cannot show: each learner's own course tree (item banks, split tests,
staff-only and cohort-restricted units), hidden correctness, and course-staff downloads through the platform. The
platform is tests/openedx_fakes.py; every expected number is the Progress page's, worked out by hand."""
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from opaque_keys.edx.keys import CourseKey

from credential_admin.backends.openedx import OpenEdxBackend
from credential_admin.models import Credential
from tests.openedx_fakes import (
    FakeCourse,
    FakePlatform,
    Subsection,
    chapter,
    container,
    course_tree,
    leaf,
    sequential,
    unit,
)

KEY = CourseKey.from_string("course-v1:Plat+TREE+2026")
POLICY = {"GRADER": [{"type": "Homework", "min_count": 2, "drop_count": 0, "weight": 0.5},
                     {"type": "Final Exam", "min_count": 1, "drop_count": 0, "weight": 0.5}],
          "GRADE_CUTOFFS": {"Pass": 0.5}}
SPLIT_PARTITION, COHORTS = 50, 60


def course() -> FakeCourse:
    bank = container(KEY, "itembank", "bank", *(leaf(KEY, "problem", f"p{i}") for i in range(1, 6)),
                     selected={})
    split = container(KEY, "split_test", "ab", leaf(KEY, "html", "ga"), leaf(KEY, "html", "gb"),
                      user_partition_id=SPLIT_PARTITION, group_id_to_child={0: "ga", 1: "gb"})
    tree = course_tree(KEY, chapter(KEY, "ch", sequential(
        KEY, "hw1",
        unit(KEY, "u_bank", bank),
        unit(KEY, "u_split", split),
        unit(KEY, "u_staff", leaf(KEY, "html", "secret"), visible_to_staff_only=True),
        unit(KEY, "u_cohort", leaf(KEY, "html", "cohort_html"), group_access={COHORTS: [1]}),
        unit(KEY, "u_plain", leaf(KEY, "html", "plain")),
    ), sequential(KEY, "hw2"), sequential(KEY, "exam")))
    return FakeCourse(KEY, "Tree course", POLICY, tree, [
        Subsection("hw1", "Homework", 5), Subsection("hw2", "Homework", 2), Subsection("exam", "Final Exam", 10)])


@pytest.fixture
def platform(monkeypatch, db, settings):
    settings.CREDENTIAL_XBLOCK_BACKEND = "credential_admin.backends.openedx.OpenEdxBackend"
    platform = FakePlatform().install(monkeypatch)
    platform.add_course(course())
    return platform


@pytest.fixture
def learner(platform):
    def make(username, *, split_group=0, cohort=1, bank=("p1", "p3"), mode="verified", is_staff=False):
        user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com",
                                                    is_staff=is_staff)
        platform.names[user.pk] = username.title()
        platform.enrollments[(user.pk, KEY)] = (mode, True)
        platform.user_groups[(user.pk, SPLIT_PARTITION)] = split_group
        platform.user_groups[(user.pk, COHORTS)] = cohort
        platform.courses[KEY].tree.children_blocks[0].children_blocks[0].children_blocks[0] \
            .children_blocks[0].fields["selected"][user.pk] = list(bank)
        return user
    return make


@pytest.fixture
def complete(db):
    from completion.models import BlockCompletion
    from opaque_keys.edx.keys import UsageKey

    def complete(user, *blocks):
        BlockCompletion.objects.bulk_create(
            BlockCompletion(user=user, context_key=KEY, block_key=UsageKey.from_string(str(KEY.make_usage_key(t, n))),
                            block_type=t, completion=1.0) for t, n in blocks)
    return complete


def test_each_learner_counts_their_own_tree(platform, learner, complete):
    ann = learner("ann", split_group=0, cohort=1, bank=("p1", "p3"))
    bob = learner("bob", split_group=1, cohort=2, bank=("p2", "p5"))
    # ann: her 2 of the bank's 5 problems, her split-test child, the cohort unit; not the plain unit.
    complete(ann, ("problem", "p1"), ("problem", "p3"), ("html", "ga"), ("html", "cohort_html"))
    # bob: one of his two bank problems (and one he was never given), his group's child, the cohort unit's html
    # (not his cohort: the unit is not his to count).
    complete(bob, ("problem", "p1"), ("problem", "p2"), ("html", "gb"), ("html", "cohort_html"))
    records = {r.username: r for r in OpenEdxBackend().records(str(KEY), [ann.pk, bob.pk])}
    # ann sees bank, split, cohort, plain (the staff-only unit is gone): 3 complete of 4 → Progress 75%.
    assert (records["ann"].completed_units, records["ann"].counted_units) == (3, 4)
    # bob sees bank, split, plain (no cohort unit, no staff unit): only the split unit is complete → 1 of 3, 33%.
    assert (records["bob"].completed_units, records["bob"].counted_units) == (1, 3)


def test_the_item_bank_counts_only_the_selected_two_of_five(platform, learner, complete):
    ann = learner("ann", bank=("p2", "p4"))
    complete(ann, ("problem", "p2"))
    (before,) = OpenEdxBackend().records(str(KEY), [ann.pk])
    complete(ann, ("problem", "p4"))  # the other three are never shown to her
    (after,) = OpenEdxBackend().records(str(KEY), [ann.pk])
    assert (before.completed_units, after.completed_units, after.counted_units) == (0, 1, 4)


def test_staff_see_the_staff_only_unit(platform, learner, complete):
    sam = learner("sam", is_staff=True, cohort=2)
    complete(sam, ("html", "secret"), ("html", "plain"))
    (record,) = OpenEdxBackend().records(str(KEY), [sam.pk])
    # Staff keep every unit: bank, split, staff, cohort (staff pass group_access), plain → 2 complete of 5.
    assert (record.completed_units, record.counted_units) == (2, 5)


def test_hidden_correctness_shows_the_progress_page_numbers(platform, learner):
    ann = learner("ann")
    exam_due = datetime.now(UTC) + timedelta(days=7)
    platform.courses[KEY].subsections[2] = Subsection("exam", "Final Exam", 10, show_correctness="past_due",
                                                      due=exam_due)
    platform.courses[KEY].subsections[1] = Subsection("hw2", "Homework", 2, show_correctness="never")
    # Stored by the platform: hw1 4/5, hw2 2/2, exam 9/10 → Homework (0.8 + 1) / 2 = 0.9; course
    # 0.5 * 0.9 + 0.5 * 0.9 = 0.90.
    platform.scores[(ann.pk, KEY)] = {"hw1": 4, "hw2": 2, "exam": 9}
    platform.percents[(ann.pk, KEY)] = 0.9
    (record,) = OpenEdxBackend().records(str(KEY), [ann.pk])
    assert record.grade_percent == 0.9 and record.type_percents == pytest.approx({"Homework": 0.9,
                                                                                   "Final Exam": 0.9})
    shown = record.as_shown()
    # Progress page: Homework shows hw1 only, padded to min_count 2: (0.8 + 0) / 2 = 0.4; the exam is hidden until
    # its due date: 0. Course: 0.5 * 0.4 = 0.20.
    assert shown.type_percents == pytest.approx({"Homework": 0.4, "Final Exam": 0.0})
    assert shown.grade_percent == 0.2


def test_a_learner_whose_grade_cannot_be_read_gets_zero(platform, learner):
    ann, bob = learner("ann"), learner("bob")
    platform.percents[(bob.pk, KEY)] = 0.75
    platform.grade_errors[ann.pk] = RuntimeError("deadlock")
    records = {r.username: r for r in OpenEdxBackend().records(str(KEY), [ann.pk, bob.pk])}
    assert (records["ann"].grade_percent, records["ann"].type_percents) == (0.0, {"Homework": 0.0,
                                                                                   "Final Exam": 0.0})
    assert records["bob"].grade_percent == 0.75


def test_language_preference_reaches_the_record(platform, learner):
    ann = learner("ann")
    platform.preferences[ann.pk] = "ar"
    (record,) = OpenEdxBackend().records(str(KEY), [ann.pk])
    assert record.language == "ar"


def test_course_staff_download_through_the_platform(platform, learner, client, make_config, make_credential):
    ann, teacher, other = learner("ann"), learner("teacher"), learner("other")
    platform.course_staff.add((teacher.pk, KEY))
    config = make_config(course_key=str(KEY), usage_key=str(KEY.make_usage_key("credential", "c1")))
    credential = make_credential(ann, config)
    assert credential.status == Credential.Status.ISSUED
    url = reverse("credential_admin:credential_download", args=[credential.verification_id])
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    client.force_login(other)
    assert client.get(url).status_code == 404
    platform.masquerading.add(teacher.pk)  # staff viewing as a learner get what a learner gets
    client.force_login(teacher)
    assert client.get(url).status_code == 404
