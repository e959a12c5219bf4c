"""One contract, two backends: the standalone backend and the Open edX backend return the same learner records and
answer the same platform questions.

The Open edX backend runs against the fake platform of tests/openedx_fakes.py, written from the upstream code. Its
modulestore serves the same OLX course tree the standalone runtime loaded, but everything about the learners is
written out by hand for each side: the standalone side gets problem scores, the platform side the subsection
totals and the persisted percent the platform would have stored. Completion is edx-completion's real
BlockCompletion for both. Nothing on the platform side calls our grading code.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from credential_admin.backends import SIGNAL_PURPOSES, Platform, get_backend
from credential_admin.backends.standalone import CourseNotFound, StandaloneBackend
from credential_xblock.records import LearnerDataBackend
from tests.backend_sides import keys
from tests.openedx_fakes import Subsection

DEMO_SUBSECTIONS = [Subsection("hw1", "Homework", 3), Subsection("hw2", "Homework", 1),
                    Subsection("exam", "Final Exam", 4)]


def test_backends_implement_the_protocols(side, settings):
    assert isinstance(side.backend, LearnerDataBackend) and isinstance(side.backend, Platform)
    settings.CREDENTIAL_XBLOCK_BACKEND = f"{type(side.backend).__module__}.{type(side.backend).__name__}"
    assert type(get_backend()) is type(side.backend)


def test_course_facts(side, demo_course, make_learner):
    side.load(demo_course, DEMO_SUBSECTIONS)
    assert side.backend.assignment_types(demo_course.course_key) == ["Homework", "Final Exam"]
    assert side.backend.course_title(demo_course.course_key) == "Credentials 101"
    assert side.backend.course_exists(demo_course.course_key)
    assert not side.backend.course_exists("course-v1:No+Such+Course")
    alice = side.learner(make_learner, demo_course, "alice")
    bob = side.learner(make_learner, demo_course, "bob", active=False)
    side.learner(make_learner, None, "carol")  # not enrolled
    assert list(side.backend.enrolled_user_ids(demo_course.course_key)) == [alice.pk, bob.pk]
    if side.platform is not None:
        assert side.platform.overviews_created == []  # asking never creates a CourseOverview


def test_records_hold_completion_grades_and_enrollment(side, demo_course, make_learner, complete_blocks,
                                                       record_scores, block_key):
    side.load(demo_course, DEMO_SUBSECTIONS)
    alice = side.learner(make_learner, demo_course, "alice", name="Alice Émilie Dupont", mode="verified")
    bob = side.learner(make_learner, demo_course, "bob", name="Bob", mode="audit", active=False)
    # Alice: units "Introduction" (intro + hw1_q1) and "Numbers" (hw1_q2) complete; "Practice" and "Exam" not.
    complete_blocks(alice, demo_course, [*keys(block_key, demo_course, "html", "intro"),
                                         *keys(block_key, demo_course, "problem", "hw1_q1", "hw1_q2")])
    # Scores: hw1_q1 2/2, hw1_q2 0/1 → Homework 1 = 2/3; hw2_q1 1/1 → Homework 2 = 1; exam 2/4 → 0.5.
    if side.platform is None:
        record_scores(alice, demo_course, {
            block_key(demo_course, "problem", "hw1_q1"): (2, 2), block_key(demo_course, "problem", "hw1_q2"): (0, 1),
            block_key(demo_course, "problem", "hw2_q1"): (1, 1), block_key(demo_course, "problem", "exam_q1"): (2, 4),
        })
    else:  # what the platform stored: subsection totals and the course percent
        key = CourseKey.from_string(demo_course.course_key)
        side.platform.scores[(alice.pk, key)] = {"hw1": 2, "hw2": 1, "exam": 2}
        side.platform.percents[(alice.pk, key)] = 0.63
    alice_record, bob_record = side.backend.records(demo_course.course_key, [bob.pk, alice.pk, alice.pk])
    # Homework (min_count 3, drop 1): [1, 2/3, placeholder 0] → drop 0 → (1 + 2/3) / 2 = 0.8333...
    # Course: 0.4 * 0.8333 + 0.6 * 0.5 = 0.3333 + 0.3 = 0.6333 → 63%.
    assert alice_record.type_percents == pytest.approx({"Homework": 5 / 6, "Final Exam": 0.5})
    assert alice_record.grade_percent == pytest.approx(0.63)
    assert (alice_record.completed_units, alice_record.counted_units) == (2, 4)
    assert alice_record.full_name == "Alice Émilie Dupont"
    assert alice_record.username == "alice"
    assert (alice_record.enrollment.mode, alice_record.enrollment.is_active) == ("verified", True)
    assert alice_record.as_shown() == alice_record  # nothing hidden
    assert (bob_record.user_id, bob_record.completed_units, bob_record.grade_percent) == (bob.pk, 0, 0.0)
    assert (bob_record.enrollment.mode, bob_record.enrollment.is_active) == ("audit", False)


def test_unknown_and_unenrolled_users(side, demo_course, make_learner):
    side.load(demo_course, DEMO_SUBSECTIONS)
    carol = side.learner(make_learner, None, "carol")
    assert side.backend.records(demo_course.course_key, []) == []
    (record,) = side.backend.records(demo_course.course_key, [carol.pk, 999999])
    assert record.user_id == carol.pk
    assert record.enrollment is None


def test_completion_counts_units_as_designed(side, completion_course, make_learner, complete_blocks, block_key):
    course = side.load(completion_course)
    html = lambda *names: keys(block_key, course, "html", *names)  # noqa: E731
    ann, ben, cat = (side.learner(make_learner, course, name) for name in ("ann", "ben", "cat"))
    if side.platform is not None:  # the locked unit and the gated subsection's unit: contains_gated_content
        gated = {CourseKey.from_string(course.course_key).make_usage_key("vertical", name)
                 for name in ("locked_unit", "gated_unit")}
        side.platform.gated.update({user.pk: gated for user in (ann, ben, cat)})
    # Counted units (5): mixed {intro_html, mixed_problem}, with_credential {plain_html}, locked_unit {locked_html},
    # gated_unit {gated_html}, plain {plain2_html}. all_optional counts nothing and leaves the denominator.
    complete_blocks(ann, course, [*html("intro_html", "plain_html", "extra_html"),
                                  block_key(course, "problem", "mixed_problem")])
    complete_blocks(ben, course, [*html("intro_html", "extra_html", "bonus_html"),
                                  block_key(course, "problem", "extra_problem")])
    complete_blocks(cat, course, [*html("intro_html", "plain_html", "plain2_html", "locked_html", "gated_html"),
                                  block_key(course, "problem", "mixed_problem")])
    records = {r.username: r for r in side.backend.records(course.course_key, [ann.pk, ben.pk, cat.pk])}
    # ann: mixed + with_credential = 2/5 (the optional extra_html changes nothing).
    assert (records["ann"].completed_units, records["ann"].counted_units) == (2, 5)
    # ben: only optional content and intro_html: mixed lacks mixed_problem → 0/5.
    assert (records["ben"].completed_units, records["ben"].counted_units) == (0, 5)
    # cat: everything, but the two locked units are never complete and stay in the denominator: 3/5, 2 locked.
    assert (records["cat"].completed_units, records["cat"].counted_units, records["cat"].locked_units) == (3, 5, 2)


def test_records_use_a_constant_number_of_queries(side, demo_course, make_learners, complete_blocks,
                                                  record_scores, block_key):
    side.load(demo_course, DEMO_SUBSECTIONS)
    learners = make_learners(demo_course, 1010)
    key = CourseKey.from_string(demo_course.course_key)
    if side.platform is not None:
        side.platform.enrollments.update({(learner.pk, key): ("verified", True) for learner in learners})
    complete_blocks(learners, demo_course, keys(block_key, demo_course, "html", "intro"))
    scored = {learner.pk for learner in learners[::100]}  # 1 of the first 10, 10 of the other 1,000
    for learner in learners[::100]:
        if side.platform is None:
            record_scores(learner, demo_course, {block_key(demo_course, "problem", "exam_q1"): (4, 4)})
        else:
            side.platform.scores[(learner.pk, key)] = {"exam": 4}
    counts = {}
    for size, batch in ((10, learners[:10]), (1000, learners[10:])):
        calls_before = len(side.platform.calls) if side.platform else 0
        with CaptureQueriesContext(connection) as queries:
            records = side.backend.records(demo_course.course_key, [learner.pk for learner in batch])
        assert len(records) == size
        returned = {record.user_id for record in records}
        assert {r.user_id for r in records if r.type_percents["Final Exam"] == 1.0} == scored & returned
        counts[size] = len(queries)
        if side.platform is not None:  # each platform API once per batch, whatever its size
            calls = side.platform.calls[calls_before:]
            assert sorted(call[0] for call in calls) == [
                "clear", "clear", "collected", "get_course", "iter", "prefetch", "rows", "rows", "rows"], calls
    # Only the backend's own queries are counted (the fakes make none): the same for 10 and for 1,000 learners.
    assert counts[10] == counts[1000], counts
    # standalone: course, users (with profiles), enrollments, completed blocks, scores; Open edX: users, completions
    assert counts[10] == (5 if side.platform is None else 2)


def test_course_staff(side, demo_course, make_learner, staff_user):
    side.load(demo_course, DEMO_SUBSECTIONS)
    learner = side.learner(make_learner, demo_course, "alice")
    teacher = side.learner(make_learner, demo_course, "teacher")
    if side.platform is not None:
        side.platform.course_staff.add((teacher.pk, CourseKey.from_string(demo_course.course_key)))
    else:
        demo_course.staff.add(teacher)
    assert side.backend.is_course_staff(staff_user, demo_course.course_key)  # global staff
    assert side.backend.is_course_staff(teacher, demo_course.course_key)
    assert not side.backend.is_course_staff(teacher, "course-v1:Other+X+1")
    assert not side.backend.is_course_staff(learner, demo_course.course_key)
    assert not side.backend.is_course_staff(AnonymousUser(), demo_course.course_key)


def test_published_credential_blocks_and_signals(side, completion_course):
    side.load(completion_course)
    (block,) = side.backend.published_credential_blocks(completion_course.course_key)
    assert block.usage_key.endswith("type@credential+block@cert")
    assert block.fields["display_name"] == "Certificate of completion"
    signals = side.backend.signals()
    assert set(signals) == set(SIGNAL_PURPOSES)
    assert [len(signals[purpose]) for purpose in ("publish", "enrollment", "name_change")] == [1, 1, 1]
    assert len(signals["retirement"]) == (2 if side.platform is not None else 0)


def test_unknown_course(db):
    with pytest.raises(CourseNotFound):
        StandaloneBackend().records("course-v1:No+Such+Course", [1])
