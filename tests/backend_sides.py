"""The two sides of the backend contract (tests/sqlite/test_backend_contract.py and the tests that reuse it): the
standalone backend, and the Open edX backend over the fake platform of tests/openedx_fakes.py, each with how a
test writes a learner's situation on its side. The `side` fixture (tests/sqlite/conftest.py) gives one of each."""
from __future__ import annotations

from dataclasses import dataclass

from opaque_keys.edx.keys import CourseKey
from xblock.completable import XBlockCompletionMode

from credential_admin.standalone.models import Course
from credential_admin.standalone.runtime import StandaloneRuntime
from tests.openedx_fakes import Block, FakeCourse, FakePlatform


def fake_tree(course: Course) -> Block:
    """The course's OLX tree as the modulestore would hold it (block types, names, completion modes)."""
    key = CourseKey.from_string(course.course_key)

    def convert(xblock) -> Block:
        kids = [convert(child) for child in xblock.get_children()] if getattr(xblock, "has_children", False) else []
        fields = {"display_name": getattr(xblock, "display_name", "")}
        return Block(key, xblock.scope_ids.block_type, xblock.scope_ids.usage_id.block_id, kids,
                     XBlockCompletionMode.get_mode(xblock), **fields)

    return convert(StandaloneRuntime(course.course_key).get_block(course.structure["root"]))


@dataclass
class Side:
    """One backend and how a test writes a learner's situation on its side."""

    name: str
    backend: object
    platform: FakePlatform | None = None

    def load(self, course: Course, subsections=()):
        if self.platform is not None:
            key = CourseKey.from_string(course.course_key)
            self.platform.add_course(FakeCourse(key, course.title, course.grading_policy, fake_tree(course),
                                                list(subsections)))
        return course

    def learner(self, make_learner, course, username, name="Alice Example", mode="verified", active=True):
        user = make_learner(course, username, name=name, mode=mode, active=active)
        if self.platform is not None:
            self.platform.names[user.pk] = name
            if course is not None:
                self.platform.enrollments[(user.pk, CourseKey.from_string(course.course_key))] = (mode, active)
        return user


def keys(block_key, course, block_type, *names) -> list[str]:
    """Usage keys of these blocks of `course` (block_key is the conftest fixture of that name)."""
    return [block_key(course, block_type, name) for name in names]
