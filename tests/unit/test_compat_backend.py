"""credential_admin.compat and the Open edX backend's course walk, against fake platform modules (no database).

The fakes follow the upstream signatures of OPENEDX.md §2-3 and are installed as modules in sys.modules, the way
the platform provides them; nothing of ours is patched.
"""
import sys
import types
from dataclasses import dataclass, field

import pytest
from opaque_keys.edx.keys import CourseKey
from xblock.completable import XBlockCompletionMode

from credential_admin import compat
from credential_admin.backends.openedx import course_units
from credential_admin.backends.units import Unit, count_units

KEY = CourseKey.from_string("course-v1:Org+Num+Run")


def install(monkeypatch, path: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(path)
    module.__dict__.update(attrs)
    monkeypatch.setitem(sys.modules, path, module)
    return module


@dataclass
class FakeValues:
    """Just enough of a QuerySet: filter() remembers, values_list() answers from rows."""

    rows: list[dict]
    filters: dict = field(default_factory=dict)

    def filter(self, **kwargs):
        return FakeValues(self.rows, {**self.filters, **kwargs})

    def order_by(self, *fields):
        return self

    def values_list(self, *names, flat=False):
        rows = [row for row in self.rows if all(self._match(row, k, v) for k, v in self.filters.items())]
        values = [tuple(row[name] for name in names) for row in rows]
        return FakeList(value[0] for value in values) if flat else values

    @staticmethod
    def _match(row, lookup, value):
        name, _, op = lookup.partition("__")
        return row[name] in value if op == "in" else row[name] == value


class FakeList(list):
    def iterator(self):
        return iter(self)


def test_missing_platform_module_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "xmodule.modulestore.django", None)
    with pytest.raises(compat.PlatformUnavailable, match=r"xmodule\.modulestore\.django"):
        compat.get_course(KEY)


def test_get_course_asks_the_modulestore_for_the_whole_tree(monkeypatch):
    calls = []

    class Store:
        def get_course(self, course_key, depth=0, **kwargs):
            calls.append((course_key, depth))
            return "the course" if course_key == KEY else None

    install(monkeypatch, "xmodule.modulestore.django", modulestore=Store)
    assert compat.get_course(str(KEY)) == "the course"
    assert calls == [(KEY, None)]
    with pytest.raises(LookupError, match="Other"):
        compat.get_course("course-v1:Other+Num+Run")


def test_course_title_from_the_overview(monkeypatch):
    overview = types.SimpleNamespace(display_name_with_default="Demo course")
    install(monkeypatch, "openedx.core.djangoapps.content.course_overviews.api",
            get_course_overview_or_none=lambda key: overview if key == KEY else None)
    assert compat.course_title(KEY) == "Demo course"
    assert compat.course_title("course-v1:Other+Num+Run") == ""


def test_enrollments_names_and_missing_preferences(monkeypatch):
    enrollment_rows = [
        {"user_id": 1, "course_id": KEY, "mode": "verified", "is_active": True},
        {"user_id": 2, "course_id": KEY, "mode": "audit", "is_active": False},
        {"user_id": 3, "course_id": CourseKey.from_string("course-v1:Other+Num+Run"), "mode": "audit",
         "is_active": True},
    ]
    install(monkeypatch, "common.djangoapps.student.models",
            CourseEnrollment=types.SimpleNamespace(objects=FakeValues(enrollment_rows)),
            UserProfile=types.SimpleNamespace(objects=FakeValues([{"user_id": 1, "name": "Zoë Ångström"}])))
    monkeypatch.setitem(sys.modules, "openedx.core.djangoapps.user_api.models", None)
    assert compat.enrollments(KEY, [1, 2, 3]) == {1: ("verified", True), 2: ("audit", False)}
    assert list(compat.enrolled_user_ids(KEY)) == [1, 2]
    assert compat.full_names([1, 2]) == {1: "Zoë Ångström"}
    assert compat.languages([1]) == {}  # releases without user_api preferences: no language, no error


def test_course_grades_prefetch_iterate_and_clear_both_caches(monkeypatch):
    calls = []
    result = types.SimpleNamespace

    class CourseGradeFactory:
        def iter(self, users, course=None, collected_block_structure=None, course_key=None, force_update=False):
            calls.append(("iter", tuple(users), course.id))
            yield result(student="u1", course_grade="grade1", error=None)
            yield result(student="u2", course_grade=None, error=ValueError("broken"))

    install(monkeypatch, "lms.djangoapps.grades.api",
            CourseGradeFactory=CourseGradeFactory,
            prefetch_course_and_subsection_grades=lambda key, users: calls.append(("prefetch", key, tuple(users))),
            clear_prefetched_course_grades=lambda key: calls.append(("clear1", key)),
            clear_prefetched_course_and_subsection_grades=lambda key: calls.append(("clear2", key)))
    course = types.SimpleNamespace(id=KEY)
    assert list(compat.course_grades(course, ["u1", "u2"])) == [("u1", "grade1"), ("u2", None)]
    assert calls == [("prefetch", KEY, ("u1", "u2")), ("iter", ("u1", "u2"), KEY), ("clear2", KEY), ("clear1", KEY)]


def test_type_percent_uses_the_course_graders_on_graded_subsections(monkeypatch):
    seen = {}

    class Grader:
        def grade(self, grade_sheet, generate_random_scores=False):
            seen["sheet"] = grade_sheet
            return {"percent": 0.825, "section_breakdown": [], "grade_breakdown": {}}

    class CourseGrade:
        @staticmethod
        def get_subsection_type_graders(course):
            return {"Homework": Grader()}

        def graded_subsections_by_format(self, visible_grades_only=False, has_staff_access=False):
            return {"Homework": {"loc": "subsection grade"}}

    install(monkeypatch, "lms.djangoapps.grades.course_grade", CourseGrade=CourseGrade)
    graders = compat.subsection_type_graders(object())
    assert list(graders) == ["Homework"]
    assert compat.type_percent(graders["Homework"], CourseGrade()) == 0.825
    assert seen["sheet"] == {"Homework": {"loc": "subsection grade"}}


class Node:
    """A block as the modulestore hands it out: type, location, completion mode, children."""

    def __init__(self, block_type, name, children=(), mode=XBlockCompletionMode.COMPLETABLE):
        self.location = KEY.make_usage_key(block_type, name)
        self.scope_ids = types.SimpleNamespace(block_type=block_type, usage_id=self.location)
        self.completion_mode = mode
        self.has_children = bool(children)
        self._children = list(children)

    def get_children(self):
        return self._children


def aggregator(block_type, name, children):
    return Node(block_type, name, children, XBlockCompletionMode.AGGREGATOR)


def test_course_walk_counts_units_as_designed():
    wrapper = Node("credential_optional", "opt", [Node("html", "opt_html")], XBlockCompletionMode.EXCLUDED)
    course = aggregator("course", "run", [aggregator("chapter", "ch", [aggregator("sequential", "seq", [
        aggregator("vertical", "mixed", [Node("html", "a"), wrapper]),
        aggregator("vertical", "only_optional", [
            Node("credential_optional", "opt2", [Node("html", "b")], XBlockCompletionMode.COMPLETABLE)]),
        aggregator("vertical", "cert", [Node("credential", "c"), Node("html", "d")]),
        aggregator("vertical", "excluded", [Node("discussion", "e", mode=XBlockCompletionMode.EXCLUDED)]),
        aggregator("vertical", "nested", [aggregator("library_content", "lib", [Node("problem", "f")])]),
    ])])])
    units = course_units(course)
    counted = {unit.id.split("@")[-1]: sorted(key.split("@")[-1] for key in unit.counted) for unit in units}
    # Optional content never counts (even if its class were not EXCLUDED), nor the Credential block, nor EXCLUDED
    # blocks; aggregators are walked into.
    assert counted == {"mixed": ["a"], "only_optional": [], "cert": ["d"], "excluded": [], "nested": ["f"]}
    done = {str(KEY.make_usage_key("html", "a")), str(KEY.make_usage_key("html", "b"))}
    # Three units count (mixed, cert, nested); only "mixed" is complete: 1 of 3.
    assert count_units(units, done).completed == 1
    assert count_units(units, done).counted == 3


def test_locked_units_stay_in_the_denominator_and_are_never_complete():
    units = [Unit("u1", frozenset({"a"})), Unit("u2", frozenset({"b"}), locked=True), Unit("u3", frozenset())]
    counts = count_units(units, {"a", "b"})
    # u3 counts nothing and leaves; u2 is locked: 1 complete of 2 counted, 1 locked.
    assert (counts.completed, counts.counted, counts.locked) == (1, 2, 1)


class FakeStore:
    """A modulestore answering get_items only inside the published-only branch, as drafts must never count."""

    def __init__(self, published, drafts):
        self.published, self.drafts, self.branch = published, drafts, None

    def branch_setting(self, branch, course_key):
        store = self

        class Setting:
            def __enter__(self):
                store.branch = branch

            def __exit__(self, *exc):
                store.branch = None

        return Setting()

    def get_items(self, course_key, qualifiers=None):
        blocks = self.published if self.branch == "published-only" else self.drafts
        return [b for b in blocks if b.category == qualifiers["category"] and b.course_key == course_key]


def test_published_blocks_come_from_the_published_branch(monkeypatch):
    block = types.SimpleNamespace(category="credential", course_key=KEY)
    draft = types.SimpleNamespace(category="credential", course_key=KEY)
    other = types.SimpleNamespace(category="html", course_key=KEY)
    store = FakeStore([block, other], [block, draft, other])
    enum = types.SimpleNamespace(Branch=types.SimpleNamespace(published_only="published-only"))
    install(monkeypatch, "xmodule.modulestore", ModuleStoreEnum=enum)
    install(monkeypatch, "xmodule.modulestore.django", modulestore=lambda: store,
            SignalHandler=types.SimpleNamespace(course_published="the signal"))
    assert compat.published_blocks_of_type(str(KEY), "credential") == [block]
    assert compat.course_published_signal() == "the signal"


def test_course_exists_and_course_staff(monkeypatch):
    overviews = {KEY: object()}
    install(monkeypatch, "openedx.core.djangoapps.content.course_overviews.api",
            get_course_overview_or_none=overviews.get)
    assert compat.course_exists("course-v1:Org+Num+Run")
    assert not compat.course_exists("course-v1:Org+Other+Run")
    staff = {("sam", KEY)}
    install(monkeypatch, "lms.djangoapps.courseware.access",
            has_access=lambda user, action, key: action == "staff" and (user, key) in staff)
    assert compat.is_course_staff("sam", str(KEY))
    assert not compat.is_course_staff("ana", str(KEY))
