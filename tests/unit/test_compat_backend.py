"""credential_admin.compat against the fake platform of tests/openedx_fakes.py (written from the upstream code, with
hand-computed values): every platform call the backends make, with no database."""
import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from opaque_keys.edx.keys import CourseKey

from credential_admin import compat
from tests.openedx_fakes import Block, FakeCourse, FakePlatform, Subsection, chapter, course_tree, sequential

KEY = CourseKey.from_string("course-v1:Org+Num+Run")
OTHER = CourseKey.from_string("course-v1:Org+Other+Run")
POLICY = {"GRADER": [{"type": "Homework", "min_count": 3, "drop_count": 1, "weight": 0.4},
                     {"type": "Final Exam", "min_count": 1, "drop_count": 0, "weight": 0.6}],
          "GRADE_CUTOFFS": {"Pass": 0.5}}


def user(pk, is_staff=False):
    return types.SimpleNamespace(pk=pk, id=pk, is_staff=is_staff, is_authenticated=True)


@pytest.fixture
def platform(monkeypatch):
    platform = FakePlatform().install(monkeypatch)
    tree = course_tree(KEY, chapter(KEY, "ch", sequential(KEY, "hw1"), sequential(KEY, "hw2"),
                                    sequential(KEY, "exam")))
    subsections = [Subsection("hw1", "Homework", 3), Subsection("hw2", "Homework", 1),
                   Subsection("exam", "Final Exam", 4)]
    platform.add_course(FakeCourse(KEY, "Demo course", POLICY, tree, subsections))
    return platform


def test_missing_platform_module_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "xmodule.modulestore.django", None)
    with pytest.raises(compat.PlatformUnavailable, match=r"xmodule\.modulestore\.django"):
        compat.get_course(KEY)


def test_course_exists_and_title_never_create_an_overview(platform):
    assert compat.course_exists(str(KEY))  # in the modulestore, no overview row yet
    assert not compat.course_exists(str(OTHER))
    assert compat.course_title(KEY) == ""  # no row: the backend falls back to the course block
    assert platform.overviews_created == []
    model = sys.modules["openedx.core.djangoapps.content.course_overviews.models"].CourseOverview
    model.get_from_id(KEY)  # what the platform's own pages do
    assert compat.course_title(KEY) == "Demo course"
    assert platform.overviews_created == [KEY]


def test_enrollments_names_and_language_preference(platform):
    platform.enrollments.update({(1, KEY): ("verified", True), (2, KEY): ("audit", False), (3, OTHER): ("audit", True)})
    platform.names.update({1: "Zoë Ångström"})
    platform.preferences.update({1: "fr", 3: "ar"})
    assert compat.enrollments(KEY, [1, 2, 3]) == {1: ("verified", True), 2: ("audit", False)}
    assert list(compat.enrolled_user_ids(KEY)) == [1, 2]
    assert compat.full_names([1, 2]) == {1: "Zoë Ångström"}
    assert compat.languages([1, 2]) == {1: "fr"}


def test_languages_on_a_release_without_preferences(monkeypatch):
    monkeypatch.setitem(sys.modules, "openedx.core.djangoapps.user_api.models", None)
    assert compat.languages([1]) == {}


def test_a_grade_that_cannot_be_read_is_none_and_the_prefetch_is_cleared(platform):
    course = platform.courses[KEY]
    platform.percents[(1, KEY)] = 0.63
    platform.grade_errors[2] = RuntimeError("grade table locked")
    results = list(compat.course_grades(course, [user(1), user(2)]))
    assert [(u.pk, grade.percent if grade else None) for u, grade in results] == [(1, 0.63), (2, None)]
    assert platform.calls[-1] == ("clear", KEY)  # both clear functions, whatever their (swapped) names mean
    assert [call for call in platform.calls if call[0] == "prefetch"] == [("prefetch", KEY)]


def test_type_percents_apply_drops_and_placeholders(platform):
    course = platform.courses[KEY]
    platform.scores[(1, KEY)] = {"hw1": 2, "hw2": 1, "exam": 2}
    (_, grade), = compat.course_grades(course, [user(1)])
    graders = compat.subsection_type_graders(course)
    # Homework: hw1 2/3, hw2 1/1, a placeholder 0 for min_count 3; drop the lowest (0): (2/3 + 1) / 2 = 5/6.
    assert compat.type_percent(graders["Homework"], grade) == pytest.approx(5 / 6)
    assert compat.type_percent(graders["Final Exam"], grade) == pytest.approx(0.5)


def test_hidden_correctness_is_left_out_of_the_visible_numbers(platform):
    course = platform.courses[KEY]
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    course.subsections[1] = Subsection("hw2", "Homework", 1, show_correctness="past_due", due=tomorrow)
    course.subsections[2] = Subsection("exam", "Final Exam", 4, show_correctness="never")
    platform.scores[(1, KEY)] = {"hw1": 2, "hw2": 1, "exam": 4}
    platform.percents[(1, KEY)] = 0.93  # persisted: 0.4 * 5/6 + 0.6 * 1 = 0.9333 → 0.93
    (_, grade), = compat.course_grades(course, [user(1)])
    graders = compat.subsection_type_graders(course)
    assert compat.hides_scores(grade)
    # Visible: Homework hw1 2/3 and two placeholders, lowest dropped: (2/3 + 0) / 2 = 1/3; no Final Exam shown.
    assert compat.type_percent(graders["Homework"], grade, visible_only=True) == pytest.approx(1 / 3)
    assert compat.type_percent(graders["Final Exam"], grade, visible_only=True) == 0.0
    assert compat.type_percent(graders["Final Exam"], grade) == 1.0  # the real grade is still there
    # The Progress page: 0.4 * 1/3 = 0.1333 → round_away_from_zero(13.33 + 0.05) / 100 = 0.13.
    assert compat.visible_percent(grade) == 0.13


def test_course_staff_through_has_access(platform):
    platform.course_staff.add((5, KEY))
    assert compat.is_course_staff(user(5), str(KEY))
    assert not compat.is_course_staff(user(5), str(OTHER))
    assert not compat.is_course_staff(user(6), str(KEY))
    assert compat.is_course_staff(user(7, is_staff=True), str(OTHER))  # global staff
    platform.masquerading.add(5)  # staff viewing the course as a learner are denied, as has_access does
    assert not compat.is_course_staff(user(5), str(KEY))


def test_published_blocks_come_from_the_published_branch(platform):
    published = Block(KEY, "credential", "done")
    draft = Block(KEY, "credential", "draft", draft_only=True)
    platform.courses[KEY].tree.children_blocks[0].children_blocks[0].children_blocks.extend([published, draft])
    assert compat.published_blocks_of_type(str(KEY), "credential") == [published]


def test_retirement_and_publish_signals_come_from_the_platform(platform):
    accounts = sys.modules["openedx.core.djangoapps.user_api.accounts.signals"]
    assert compat.retirement_signals() == [accounts.USER_RETIRE_LMS_CRITICAL, accounts.USER_RETIRE_LMS_MISC]
    assert compat.course_published_signal() is sys.modules["xmodule.modulestore.django"].SignalHandler.course_published
