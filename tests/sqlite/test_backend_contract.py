"""One contract, two backends: the standalone backend and the Open edX backend return the same learner records.

The Open edX backend runs against fake platform modules (installed in sys.modules, following the upstream
signatures of OPENEDX.md) that serve the same learners from the standalone tables: the modulestore hands out the
course tree, CourseEnrollment and UserProfile read the standalone enrollments and profiles, and the grades API
computes CourseGrades from the local grade store with the platform's documented rules. Completion is edx-completion's
real BlockCompletion for both.
"""
import sys
import types
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from credential_admin.backends import get_backend
from credential_admin.backends.openedx import OpenEdxBackend
from credential_admin.backends.standalone import (
    CourseNotFound,
    StandaloneBackend,
    graded_subsections,
    subsection_scores,
)
from credential_admin.standalone import grading
from credential_admin.standalone.models import Course, Enrollment, Profile, Score
from credential_admin.standalone.runtime import StandaloneRuntime
from credential_xblock.records import LearnerDataBackend


class FakeCourse:
    """What ``modulestore().get_course(key, depth=None)`` returns, for the fields we read."""

    def __init__(self, course: Course):
        self._root = StandaloneRuntime(course.course_key).get_block(course.structure["root"])
        self.id = CourseKey.from_string(course.course_key)
        self.grading_policy = course.grading_policy
        self.display_name_with_default = course.title
        self.has_children = True
        self.structure = course.structure

    def get_children(self):
        return self._root.get_children()


class FakeEnrollments:
    """``CourseEnrollment.objects``: filter(course_id=CourseKey, ...) over the standalone enrollments."""

    def filter(self, course_id, **kwargs):
        return Enrollment.objects.filter(course__course_key=str(course_id), **kwargs)


class FakeGrader:
    """An assignment type's grader: ``grade(grade_sheet)['percent']``, drops and min_count placeholders applied."""

    def __init__(self, entry: grading.AssignmentType):
        self.entry = entry

    def grade(self, grade_sheet, generate_random_scores=False):
        subs = grade_sheet.get(self.entry.type, {}).values()
        percents = [sub.graded_total.earned / sub.graded_total.possible for sub in subs]
        return {"percent": grading.type_percent(percents, self.entry.min_count, self.entry.drop_count)}


class FakeCourseGrade:
    """A CourseGrade: ``percent`` and ``graded_subsections_by_format()`` (subsections with possible > 0)."""

    def __init__(self, course: FakeCourse, fractions: dict[str, float]):
        policy = grading.parse_policy(course.grading_policy)
        subsections = subsection_scores(graded_subsections(course.structure), fractions)
        self.percent = grading.grade(policy, subsections).percent
        self._by_format = defaultdict(dict)
        for index, sub in enumerate(subsections):
            if sub.possible > 0:
                total = SimpleNamespace(earned=sub.earned, possible=sub.possible)
                self._by_format[sub.format][index] = SimpleNamespace(graded_total=total, format=sub.format)

    def graded_subsections_by_format(self, visible_grades_only=False, has_staff_access=False):
        return dict(self._by_format)

    @staticmethod
    def get_subsection_type_graders(course):
        return {entry.type: FakeGrader(entry) for entry in grading.parse_policy(course.grading_policy).assignment_types}


class FakeGradesApi:
    """``lms.djangoapps.grades.api``: prefetch loads every learner's scores in one query; iter reads them."""

    def __init__(self):
        self.prefetched: dict[str, dict[int, dict[str, float]]] = {}
        self.calls: list[str] = []

    def prefetch_course_and_subsection_grades(self, course_key, users):
        self.calls.append("prefetch")
        rows = Score.objects.filter(course__course_key=str(course_key), user__in=users)
        cache = self.prefetched.setdefault(str(course_key), defaultdict(dict))
        for user_id, key, earned, possible in rows.values_list("user_id", "block_key", "earned", "possible"):
            cache[user_id][key] = earned / possible if possible else 0.0

    def clear_prefetched_course_grades(self, course_key):
        self.calls.append("clear")
        self.prefetched.pop(str(course_key), None)

    def module(self) -> types.ModuleType:
        api = self

        class CourseGradeFactory:
            def iter(self, users, course=None, collected_block_structure=None, course_key=None,
                     force_update=False):
                cache = api.prefetched[str(course.id)]
                for user in users:
                    yield SimpleNamespace(student=user, course_grade=FakeCourseGrade(course, cache.get(user.pk, {})),
                                          error=None)

        module = types.ModuleType("lms.djangoapps.grades.api")
        module.CourseGradeFactory = CourseGradeFactory
        module.prefetch_course_and_subsection_grades = self.prefetch_course_and_subsection_grades
        module.clear_prefetched_course_grades = self.clear_prefetched_course_grades
        return module


@pytest.fixture
def fake_platform(monkeypatch):
    """Install the fake platform modules; returns the fake grades API (to inspect its calls)."""
    grades = FakeGradesApi()

    def module(path, **attrs):
        mod = types.ModuleType(path)
        mod.__dict__.update(attrs)
        monkeypatch.setitem(sys.modules, path, mod)

    def get_course(course_key, depth=0):
        course = Course.objects.filter(course_key=str(course_key)).first()
        return FakeCourse(course) if course else None

    def overview(course_key):
        course = Course.objects.filter(course_key=str(course_key)).first()
        return SimpleNamespace(display_name_with_default=course.title) if course else None

    module("xmodule.modulestore.django", modulestore=lambda: SimpleNamespace(get_course=get_course))
    module("openedx.core.djangoapps.content.course_overviews.api", get_course_overview_or_none=overview)
    module("common.djangoapps.student.models", CourseEnrollment=SimpleNamespace(objects=FakeEnrollments()),
           UserProfile=Profile)  # the standalone Profile has UserProfile's user_id and name
    monkeypatch.setitem(sys.modules, "openedx.core.djangoapps.user_api.models", None)
    monkeypatch.setitem(sys.modules, "lms.djangoapps.grades.api", grades.module())
    module("lms.djangoapps.grades.course_grade", CourseGrade=FakeCourseGrade)
    return grades


@pytest.fixture(params=["standalone", "openedx"])
def backend(request, db):
    if request.param == "openedx":
        request.getfixturevalue("fake_platform")
        return OpenEdxBackend()
    return StandaloneBackend()


def keys(block_key, course, block_type, *names):
    return [block_key(course, block_type, name) for name in names]


def test_backends_implement_the_protocol(backend, settings):
    assert isinstance(backend, LearnerDataBackend)
    settings.CREDENTIAL_XBLOCK_BACKEND = f"{type(backend).__module__}.{type(backend).__name__}"
    assert type(get_backend()) is type(backend)


def test_course_facts(backend, demo_course, make_learner):
    assert backend.assignment_types(demo_course.course_key) == ["Homework", "Final Exam"]
    assert backend.course_title(demo_course.course_key) == "Credentials 101"
    alice = make_learner(demo_course, "alice")
    bob = make_learner(demo_course, "bob", active=False)
    make_learner(None, "carol")  # not enrolled
    assert list(backend.enrolled_user_ids(demo_course.course_key)) == [alice.pk, bob.pk]


def test_records_hold_completion_grades_and_enrollment(backend, demo_course, make_learner, complete_blocks,
                                                       record_scores, block_key):
    alice = make_learner(demo_course, "alice", name="Alice Émilie Dupont", mode="verified")
    bob = make_learner(demo_course, "bob", name="Bob", mode="audit", active=False)
    # Alice: units "Introduction" (intro + hw1_q1) and "Numbers" (hw1_q2) complete; "Practice" and "Exam" not.
    complete_blocks(alice, demo_course, [*keys(block_key, demo_course, "html", "intro"),
                                         *keys(block_key, demo_course, "problem", "hw1_q1", "hw1_q2")])
    # Scores: hw1_q1 2/2, hw1_q2 0/1 → Homework 1 = 2/3; hw2_q1 1/1 → Homework 2 = 1; exam 2/4 → 0.5.
    record_scores(alice, demo_course, {
        block_key(demo_course, "problem", "hw1_q1"): (2, 2), block_key(demo_course, "problem", "hw1_q2"): (0, 1),
        block_key(demo_course, "problem", "hw2_q1"): (1, 1), block_key(demo_course, "problem", "exam_q1"): (2, 4),
    })
    alice_record, bob_record = backend.records(demo_course.course_key, [bob.pk, alice.pk, alice.pk])
    # Homework (min_count 3, drop 1): [1, 2/3, placeholder 0] → drop 0 → (1 + 2/3) / 2 = 0.8333...
    # Course: 0.4 * 0.8333 + 0.6 * 0.5 = 0.3333 + 0.3 = 0.6333 → 63%.
    assert alice_record.type_percents == pytest.approx({"Homework": 5 / 6, "Final Exam": 0.5})
    assert alice_record.grade_percent == pytest.approx(0.63)
    assert (alice_record.completed_units, alice_record.counted_units) == (2, 4)
    assert alice_record.full_name == "Alice Émilie Dupont"
    assert alice_record.username == "alice"
    assert (alice_record.enrollment.mode, alice_record.enrollment.is_active) == ("verified", True)
    assert (bob_record.user_id, bob_record.completed_units, bob_record.grade_percent) == (bob.pk, 0, 0.0)
    assert (bob_record.enrollment.mode, bob_record.enrollment.is_active) == ("audit", False)


def test_unknown_and_unenrolled_users(backend, demo_course, make_learner):
    carol = make_learner(None, "carol")
    assert backend.records(demo_course.course_key, []) == []
    (record,) = backend.records(demo_course.course_key, [carol.pk, 999999])
    assert record.user_id == carol.pk
    assert record.enrollment is None


def test_completion_counts_units_as_designed(backend, completion_course, make_learner, complete_blocks,
                                             block_key):
    course = completion_course
    html = lambda *names: keys(block_key, course, "html", *names)  # noqa: E731
    ann, ben, cat = (make_learner(course, name) for name in ("ann", "ben", "cat"))
    # Counted units (5): mixed {intro_html, mixed_problem}, with_credential {plain_html}, locked_unit {locked_html},
    # gated_unit {gated_html}, plain {plain2_html}. all_optional counts nothing and leaves the denominator.
    complete_blocks(ann, course, [*html("intro_html", "plain_html", "extra_html"),
                                  block_key(course, "problem", "mixed_problem")])
    complete_blocks(ben, course, [*html("intro_html", "extra_html", "bonus_html"),
                                  block_key(course, "problem", "extra_problem")])
    complete_blocks(cat, course, [*html("intro_html", "plain_html", "plain2_html"),
                                  block_key(course, "problem", "mixed_problem")])
    records = {r.username: r for r in backend.records(course.course_key, [ann.pk, ben.pk, cat.pk])}
    # ann: mixed + with_credential = 2/5 = 40% (the optional extra_html changes nothing).
    assert (records["ann"].completed_units, records["ann"].counted_units) == (2, 5)
    # ben: only optional content and intro_html: mixed lacks mixed_problem → 0/5 = 0%.
    assert (records["ben"].completed_units, records["ben"].counted_units) == (0, 5)
    # cat: everything that can be completed: mixed, with_credential, plain = 3/5 = 60%; the two locked units keep
    # the denominator at 5.
    assert (records["cat"].completed_units, records["cat"].counted_units) == (3, 5)


def test_records_use_a_constant_number_of_queries(backend, demo_course, make_learners, complete_blocks,
                                                  record_scores, block_key):
    learners = make_learners(demo_course, 1010)
    complete_blocks(learners, demo_course, keys(block_key, demo_course, "html", "intro"))
    scored = {learner.pk for learner in learners[::100]}  # 1 of the first 10, 10 of the other 1,000
    for learner in learners[::100]:
        record_scores(learner, demo_course, {block_key(demo_course, "problem", "exam_q1"): (4, 4)})
    counts = {}
    for size, batch in ((10, learners[:10]), (1000, learners[10:])):
        with CaptureQueriesContext(connection) as queries:
            records = backend.records(demo_course.course_key, [learner.pk for learner in batch])
        assert len(records) == size
        returned = {record.user_id for record in records}
        assert {r.user_id for r in records if r.type_percents["Final Exam"] == 1.0} == scored & returned
        counts[size] = len(queries)
    # The same number of queries for 10 and for 1,000 learners.
    assert counts[10] == counts[1000], counts
    if isinstance(backend, StandaloneBackend):
        # course, users (with profiles), enrollments, completed blocks, scores
        assert counts[10] == 5


def test_unknown_course(db):
    with pytest.raises(CourseNotFound):
        StandaloneBackend().records("course-v1:No+Such+Course", [1])


def test_open_edx_grades_are_prefetched_and_cleared(fake_platform, demo_course, make_learner):
    alice = make_learner(demo_course, "alice")
    OpenEdxBackend().records(demo_course.course_key, [alice.pk])
    assert fake_platform.calls == ["prefetch", "clear"]
    assert fake_platform.prefetched == {}


def test_standalone_locked_units_are_never_complete(demo_course, completion_course, make_learner, complete_blocks,
                                                   block_key):
    dan = make_learner(completion_course, "dan")
    # Completion rows inside locked units (say, from before they were locked) do not complete them.
    complete_blocks(dan, completion_course, keys(block_key, completion_course, "html", "locked_html", "gated_html"))
    (record,) = StandaloneBackend().records(completion_course.course_key, [dan.pk])
    assert (record.completed_units, record.counted_units, record.locked_units) == (0, 5, 2)
