"""A fake Open edX platform, written from the upstream code (openedx-platform master, edx-completion, XBlock), not
from ours: each fake names the upstream file and function it stands for. `FakePlatform.install(monkeypatch)` puts
the modules in sys.modules, the way the platform provides them; nothing of ours is patched.

The fakes keep their data in memory and make no database query, so a test that counts queries counts only the
backend's own (users, BlockCompletion). Each fake bulk API records its calls in `platform.calls`.

Course trees are `Block`s with the fields the platform's transformers read; grades are written out by hand per
learner and subsection (`platform.scores`), and the fake graders follow xmodule/graders.py, so a test's expected
numbers are computed by hand from the platform's documented rules.
"""
from __future__ import annotations

import math
import sys
import types
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.dispatch import Signal
from opaque_keys.edx.keys import CourseKey
from xblock.completable import XBlockCompletionMode

AGGREGATOR, COMPLETABLE, EXCLUDED = (XBlockCompletionMode.AGGREGATOR, XBlockCompletionMode.COMPLETABLE,
                                     XBlockCompletionMode.EXCLUDED)
DYNAMIC_TYPES = ("library_content", "itembank", "split_test")


class Block:
    """A modulestore block (xmodule/x_module.py) with the settings the transformers read: ``visible_to_staff_only``
    and ``group_access`` (lms/djangoapps/course_blocks/transformers/visibility.py, user_partitions.py),
    ``completion_mode`` (collected by BlockCompletionTransformer), and for item banks, library content and split
    tests ``has_dynamic_children()`` / ``get_child_blocks()`` (xmodule/item_bank_block.py ItemBankMixin,
    xmodule/split_test_block.py): the children selected for the bound learner; ``get_children()`` is all of them."""

    def __init__(self, course_key: CourseKey, block_type: str, name: str, children=(), mode=None, **fields):
        self.location = course_key.make_usage_key(block_type, name)
        self.scope_ids = types.SimpleNamespace(block_type=block_type, usage_id=self.location)
        self.category = block_type
        self.children_blocks = list(children)
        self.completion_mode = mode or (AGGREGATOR if children else COMPLETABLE)
        self.fields = {"display_name": name, "visible_to_staff_only": False, "group_access": {}, **fields}
        self.bound_user_id: int | None = None
        self.has_children = bool(children)

    def get_children(self):
        return self.children_blocks

    def has_dynamic_children(self) -> bool:
        return self.category in DYNAMIC_TYPES

    def get_child_blocks(self):
        """The bound learner's children: their selection (item bank / library content) or their group's child
        (split test, ``group_id_to_child``)."""
        if not self.has_dynamic_children():
            return self.children_blocks
        if self.category == "split_test":
            group = FakePlatform.current.user_groups.get((self.bound_user_id, self.fields["user_partition_id"]))
            wanted = {self.fields["group_id_to_child"].get(group)}
        else:
            wanted = set(self.fields["selected"].get(self.bound_user_id, ()))
        return [child for child in self.children_blocks if child.location.block_id in wanted]

    def __getattr__(self, name):
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None


class BlockStructure:
    """openedx/core/djangoapps/content/block_structure/block_structure.py BlockStructureBlockData: ``root_block_
    usage_key``, ``get_children(key)``, ``get_xblock_field(key, name, default)``, ``__getitem__``."""

    def __init__(self, root: Block, children: dict, blocks: dict):
        self.root_block_usage_key = root.location
        self._children, self._blocks = children, blocks
        self.fields: dict = defaultdict(dict)

    @classmethod
    def collect(cls, root: Block) -> BlockStructure:
        children, blocks = {}, {}

        def walk(block):
            blocks[block.location] = block
            children[block.location] = [child.location for child in block.children_blocks]
            for child in block.children_blocks:
                walk(child)
        walk(root)
        return cls(root, children, blocks)

    def get_children(self, key):
        return list(self._children.get(key, []))

    def get_xblock_field(self, key, name, default=None):
        if name in self.fields[key]:
            return self.fields[key][name]
        if name == "completion_mode":
            return self._blocks[key].completion_mode
        return self._blocks[key].fields.get(name, default)

    def __getitem__(self, key):
        return self._blocks[key]


def learner_structure(user, collected: BlockStructure) -> BlockStructure:
    """lms/djangoapps/course_blocks/api.py get_course_blocks with COURSE_BLOCK_ACCESS_TRANSFORMERS:
    ContentLibraryTransformer (the learner's selected children), UserPartitionTransformer (split-test group;
    ``group_access`` needs one of the learner's groups in every restricted partition), VisibilityTransformer
    (``visible_to_staff_only`` removed for learners); ContentTypeGateTransformer marks ``contains_gated_content``."""
    platform = FakePlatform.current
    staff = platform.is_staff(user)
    children: dict = {}

    def allowed(block: Block) -> bool:
        if block.fields["visible_to_staff_only"] and not staff:
            return False
        return staff or all(platform.user_groups.get((user.pk, partition)) in groups
                            for partition, groups in block.fields["group_access"].items())

    def walk(block: Block) -> None:
        block.bound_user_id = user.pk
        kept = [child for child in block.get_child_blocks() if allowed(child)]
        children[block.location] = [child.location for child in kept]
        for child in kept:
            walk(child)

    walk(collected[collected.root_block_usage_key])
    tree = BlockStructure(collected[collected.root_block_usage_key], children, collected._blocks)
    for key in platform.gated.get(user.pk, ()):
        tree.fields[key]["contains_gated_content"] = True
    return tree


# ----- grades: lms/djangoapps/grades and xmodule/graders.py ---------------------------------------------------------
@dataclass
class Subsection:
    """A subsection (sequential) of the grading fakes: location, assignment type, points possible, and
    ``show_correctness`` ("always", "never", "past_due") with its due date."""

    name: str
    format: str
    possible: float
    show_correctness: str = "always"
    due: datetime | None = None


class SubsectionGrade:
    """lms/djangoapps/grades/subsection_grade.py: ``graded_total.earned/.possible``, ``format``, ``graded``,
    ``location``, ``show_grades(has_staff_access)`` (xblock/scorable ShowCorrectness.correctness_available)."""

    def __init__(self, location, subsection: Subsection, earned: float):
        self.location, self.format, self.graded = location, subsection.format, True
        self.graded_total = types.SimpleNamespace(earned=earned, possible=subsection.possible)
        self._show, self._due = subsection.show_correctness, subsection.due

    def show_grades(self, has_staff_access: bool) -> bool:
        if self._show == "never":
            return False
        if self._show == "past_due":
            return has_staff_access or self._due is None or self._due < datetime.now(UTC)
        return True


class AssignmentFormatGrader:
    """xmodule/graders.py AssignmentFormatGrader.grade: each subsection's earned/possible, padded with zeros to
    ``min_count``, the ``drop_count`` lowest dropped, averaged; returns ``percent`` and ``section_breakdown``."""

    def __init__(self, type_: str, min_count: int, drop_count: int):
        self.type, self.min_count, self.drop_count = type_, min_count, drop_count

    def grade(self, grade_sheet, generate_random_scores=False):
        scores = [s.graded_total.earned / s.graded_total.possible for s in grade_sheet.get(self.type, {}).values()]
        scores += [0.0] * max(0, self.min_count - len(scores))
        kept = sorted(scores)[self.drop_count:] if self.drop_count else scores
        return {"percent": sum(kept) / len(kept) if kept else 0.0, "section_breakdown": []}


class WeightedSubsectionsGrader:
    """xmodule/graders.py WeightedSubsectionsGrader: ``subgraders`` are (grader, type, weight); ``grade`` sums
    weight * each type's percent."""

    def __init__(self, policy: dict):
        self.subgraders = [(AssignmentFormatGrader(entry["type"], entry.get("min_count", 0),
                                                   entry.get("drop_count", 0)), entry["type"], entry["weight"])
                           for entry in policy["GRADER"]]

    def grade(self, grade_sheet, generate_random_scores=False):
        return {"percent": sum(weight * grader.grade(grade_sheet)["percent"]
                               for grader, _type, weight in self.subgraders)}


class CourseGrade:
    """lms/djangoapps/grades/course_grade.py CourseGrade: the persisted ``percent`` as read;
    ``graded_subsections_by_format(visible_grades_only, has_staff_access)`` skips subsections with possible 0;
    ``update(visible_grades_only=...)`` recomputes ``percent`` with ``_compute_percent`` (round away from zero of
    percent * 100 + 0.05, over 100); ``get_subsection_type_graders`` reads ``course.grader.subgraders``."""

    def __init__(self, course, percent: float, earned: dict[str, float]):
        self.course, self.percent = course, percent
        self._grades = [SubsectionGrade(course.id.make_usage_key("sequential", sub.name), sub, earned.get(sub.name, 0))
                        for sub in course.subsections]

    def graded_subsections_by_format(self, visible_grades_only=False, has_staff_access=False):
        by_format = defaultdict(OrderedDict)
        for grade in self._grades:
            if (not visible_grades_only or grade.show_grades(has_staff_access)) and grade.graded_total.possible > 0:
                by_format[grade.format][grade.location] = grade
        return by_format

    def update(self, visible_grades_only=False, has_staff_access=False):
        result = self.course.grader.grade(self.graded_subsections_by_format(visible_grades_only, has_staff_access))
        self.percent = math.floor(result["percent"] * 100 + 0.05 + 0.5) / 100
        return self

    @classmethod
    def get_subsection_type_graders(cls, course):
        assert isinstance(course.id, CourseKey)
        return {type_: grader for grader, type_, _weight in course.grader.subgraders}


class FakeCourse:
    """The course block as ``modulestore().get_course(key, depth)`` returns it: ``id``, ``grading_policy``,
    ``grader``, ``display_name_with_default``, and its tree (children)."""

    def __init__(self, key: CourseKey, title: str, policy: dict, tree: Block, subsections: list[Subsection]):
        self.id, self.display_name_with_default, self.grading_policy = key, title, policy
        self.grader = WeightedSubsectionsGrader(policy)
        self.tree, self.subsections = tree, subsections
        self.location = tree.location


# ----- the platform ---------------------------------------------------------------------------------------------------
@dataclass
class FakePlatform:
    """The data of the fake platform and the modules serving it."""

    courses: dict = field(default_factory=dict)           # CourseKey → FakeCourse
    enrollments: dict = field(default_factory=dict)       # (user id, CourseKey) → (mode, is_active)
    names: dict = field(default_factory=dict)             # user id → UserProfile.name
    preferences: dict = field(default_factory=dict)       # user id → pref-lang
    percents: dict = field(default_factory=dict)          # (user id, CourseKey) → persisted percent
    scores: dict = field(default_factory=dict)            # (user id, CourseKey) → {subsection name: earned}
    grade_errors: dict = field(default_factory=dict)      # user id → exception raised reading their grade
    user_groups: dict = field(default_factory=dict)       # (user id, partition id) → group id
    gated: dict = field(default_factory=dict)             # user id → unit keys with gated content
    course_staff: set = field(default_factory=set)        # (user id, CourseKey)
    masquerading: set = field(default_factory=set)        # user ids viewing as someone else
    overviews_created: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    current = None  # the installed platform (class attribute), for the blocks and transformers

    def add_course(self, course: FakeCourse) -> FakeCourse:
        self.courses[course.id] = course
        return course

    def is_staff(self, user) -> bool:
        return bool(getattr(user, "is_staff", False))

    # lms/djangoapps/courseware/access.py has_access → AccessResponse (openedx/core/djangoapps/.../access_response)
    def has_access(self, user, action, obj, course_key=None):
        key = obj if isinstance(obj, CourseKey) else getattr(obj, "id", obj)
        granted = action == "staff" and user.pk not in self.masquerading and (
            bool(user.is_staff) or (user.pk, key) in self.course_staff)
        return AccessResponse(granted)

    def install(self, monkeypatch) -> FakePlatform:
        FakePlatform.current = self
        platform = self

        def module(path, **attrs):
            mod = types.ModuleType(path)
            mod.__dict__.update(attrs)
            monkeypatch.setitem(sys.modules, path, mod)
            return mod

        module("xmodule.modulestore", ModuleStoreEnum=types.SimpleNamespace(
            Branch=types.SimpleNamespace(published_only="published-only")))
        module("xmodule.modulestore.django", modulestore=lambda: Store(platform),
               SignalHandler=types.SimpleNamespace(course_published=Signal()))
        module("openedx.core.djangoapps.content.course_overviews.models", CourseOverview=overview_model(platform))
        module("openedx.core.djangoapps.content.block_structure.api",
               get_block_structure_manager=lambda key: types.SimpleNamespace(
                   get_collected=lambda: platform.collected(key)))
        module("lms.djangoapps.course_blocks.api", get_course_blocks=self.get_course_blocks)
        module("common.djangoapps.student.models",
               CourseEnrollment=types.SimpleNamespace(objects=Rows(self, "enrollments", lambda: [
                   {"user_id": u, "course_id": k, "mode": m, "is_active": a}
                   for (u, k), (m, a) in platform.enrollments.items()])),
               UserProfile=types.SimpleNamespace(objects=Rows(self, "profiles", lambda: [
                   {"user_id": u, "name": n} for u, n in platform.names.items()])))
        module("openedx.core.djangoapps.user_api.models",
               UserPreference=types.SimpleNamespace(objects=Rows(self, "preferences", lambda: [
                   {"user_id": u, "key": "pref-lang", "value": v} for u, v in platform.preferences.items()])))
        module("lms.djangoapps.grades.api", CourseGradeFactory=self.grade_factory(),
               prefetch_course_and_subsection_grades=lambda key, users: self.calls.append(("prefetch", key)),
               clear_prefetched_course_grades=lambda key: self.calls.append(("clear", key)),
               clear_prefetched_course_and_subsection_grades=lambda key: self.calls.append(("clear", key)))
        module("lms.djangoapps.grades.course_grade", CourseGrade=CourseGrade)
        module("lms.djangoapps.courseware.access", has_access=self.has_access)
        module("openedx.core.djangoapps.user_api.accounts.signals",
               USER_RETIRE_LMS_CRITICAL=Signal(), USER_RETIRE_LMS_MISC=Signal())
        module("common.djangoapps.util.model_utils", USER_FIELDS_CHANGED=Signal())
        # common/djangoapps/util/model_utils.py: emit_settings_changed_event sends USER_FIELDS_CHANGED(user, table,
        # changed_fields={field: (old, new)}) after a UserProfile save
        module("common.djangoapps.util.model_utils", USER_FIELDS_CHANGED=Signal())
        return self

    def collected(self, key) -> BlockStructure:
        self.calls.append(("collected", key))
        return BlockStructure.collect(self.courses[key].tree)

    def get_course_blocks(self, user, starting_block_usage_key, transformers=None, collected_block_structure=None,
                          allow_start_dates_in_future=False, include_completion=False):
        assert collected_block_structure is not None, "a per-learner modulestore load: pass the collected structure"
        assert starting_block_usage_key == collected_block_structure.root_block_usage_key
        return learner_structure(user, collected_block_structure)

    def grade_factory(self):
        platform = self

        class CourseGradeFactory:
            """lms/djangoapps/grades/course_grade_factory.py: ``iter`` yields GradeResult(student, course_grade,
            error); a grade that cannot be read yields (student, None, exception)."""

            def iter(self, users, course=None, collected_block_structure=None, course_key=None, force_update=False):
                platform.calls.append(("iter", course.id))
                for user in users:
                    error = platform.grade_errors.get(user.pk)
                    if error is not None:
                        yield types.SimpleNamespace(student=user, course_grade=None, error=error)
                        continue
                    key = (user.pk, course.id)
                    real = platform.courses[course.id]
                    grade = CourseGrade(real, platform.percents.get(key, 0.0), platform.scores.get(key, {}))
                    yield types.SimpleNamespace(student=user, course_grade=grade, error=None)

        return CourseGradeFactory


class AccessResponse:
    """lms/djangoapps/courseware/access_response.py AccessResponse: truthy when access is granted."""

    def __init__(self, has_access: bool):
        self.has_access = has_access

    def __bool__(self) -> bool:
        return self.has_access


class Store:
    """xmodule/modulestore/mixed.py MixedModuleStore: ``get_course(key, depth)``, ``has_course``,
    ``make_course_usage_key``, ``branch_setting`` and ``get_items`` (published-only branch: published blocks)."""

    def __init__(self, platform: FakePlatform):
        self.platform, self.branch = platform, None

    def get_course(self, course_key, depth=0, **kwargs):
        self.platform.calls.append(("get_course", course_key, depth))
        return self.platform.courses.get(course_key)

    def has_course(self, course_key, ignore_case=False, **kwargs):
        return course_key in self.platform.courses

    def make_course_usage_key(self, course_key):
        return self.platform.courses[course_key].location

    def branch_setting(self, branch, course_key=None):
        store = self

        class Setting:
            def __enter__(self):
                store.branch = branch

            def __exit__(self, *exc):
                store.branch = None
        return Setting()

    def get_items(self, course_key, qualifiers=None, **kwargs):
        course = self.platform.courses.get(course_key)
        if course is None:
            return []
        found, todo = [], [course.tree]
        while todo:
            block = todo.pop(0)
            todo.extend(block.children_blocks)
            published = self.branch == "published-only" and not block.fields.get("draft_only", False)
            if block.category == qualifiers["category"] and (published or self.branch != "published-only"):
                found.append(block)
        return found


def overview_model(platform: FakePlatform):
    """openedx/core/djangoapps/content/course_overviews/models.py CourseOverview: ``course_exists`` checks the
    table, then ``modulestore().has_course``, creating nothing; ``get_from_id`` creates a missing overview from
    the modulestore (recorded in ``platform.overviews_created``)."""
    rows: dict = {}

    class Overview:
        def __init__(self, course):
            self.id, self.display_name_with_default = course.id, course.display_name_with_default

    class Manager:
        def filter(self, id):
            found = rows.get(id)
            return types.SimpleNamespace(first=lambda: found, exists=lambda: found is not None)

    class CourseOverview:
        objects = Manager()
        DoesNotExist = type("DoesNotExist", (Exception,), {})

        @classmethod
        def course_exists(cls, course_id):
            return course_id in rows or Store(platform).has_course(course_id)

        @classmethod
        def get_from_id(cls, course_id):
            if course_id not in rows:
                if course_id not in platform.courses:
                    raise cls.DoesNotExist()
                rows[course_id] = Overview(platform.courses[course_id])
                platform.overviews_created.append(course_id)
            return rows[course_id]

    CourseOverview.rows = rows
    CourseOverview.Overview = Overview
    return CourseOverview


class Rows:
    """A Django manager over in-memory rows: ``filter(**lookups)`` (``__in`` and equality), ``order_by``,
    ``values_list(*names, flat=)``, ``iterator()``; each ``values_list`` is one recorded call."""

    def __init__(self, platform: FakePlatform, name: str, source, lookups=None):
        self.platform, self.name, self.source, self.lookups = platform, name, source, lookups or {}

    def filter(self, **lookups):
        return Rows(self.platform, self.name, self.source, {**self.lookups, **lookups})

    def order_by(self, *names):
        return self

    def values_list(self, *names, flat=False):
        self.platform.calls.append(("rows", self.name))
        rows = [row for row in self.source() if all(self._match(row, k, v) for k, v in self.lookups.items())]
        values = [tuple(row[name] for name in names) for row in rows]
        return ValuesList(value[0] for value in values) if flat else ValuesList(values)

    @staticmethod
    def _match(row, lookup, value):
        name, _, op = lookup.partition("__")
        return row[name] in list(value) if op == "in" else row[name] == value


class ValuesList(list):
    def iterator(self):
        return iter(self)


def course_tree(key: CourseKey, *chapters: Block) -> Block:
    return Block(key, "course", "course", chapters)


def chapter(key, name, *sequentials, **fields) -> Block:
    return Block(key, "chapter", name, sequentials, **fields)


def sequential(key, name, *units, **fields) -> Block:
    return Block(key, "sequential", name, units, **fields)


def unit(key, name, *components, **fields) -> Block:
    return Block(key, "vertical", name, components, **fields)


def leaf(key, block_type, name, mode=None, **fields) -> Block:
    return Block(key, block_type, name, (), mode, **fields)


def container(key, block_type, name, *children, mode=AGGREGATOR, **fields) -> Block:
    return Block(key, block_type, name, children, mode, **fields)

