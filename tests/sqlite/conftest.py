"""Shared fixtures of the SQLite suite: loaded courses and learners of the standalone runtime.

Courses (from tests/fixtures/courses/, loaded with the real loader):
- ``demo_course``: Credentials 101 (``course-v1:Demo+CRED101+2026``), 4 units, problems in two Homework
  subsections and a Final Exam; policy Homework (min_count 3, drop_count 1, weight 0.4) + Final Exam (weight 0.6).
- ``completion_course``: ``course-v1:Demo+COMP+2026``, units with optional content, an all-optional unit, a
  Credential block, a locked unit and a locked subsection (see the comments in its course.xml).

Factories (fixtures returning functions):
- ``make_learner(course, username="alice", name="Alice Example", mode="verified", active=True)`` → User, enrolled.
- ``make_learners(course, count, prefix="learner", mode="verified")`` → list of Users, created in bulk.
- ``complete_blocks(user_or_users, course, keys, completion=1.0)``: BlockCompletion rows, in bulk.
- ``record_scores(user, course, {key: (earned, possible)})``: rows of the local grade store.
- ``block_key(course, block_type, url_name)`` → the usage key string.
- ``staff_user``: a staff User (course staff in standalone mode).

Issuing (with tests/conftest.py's ``issuing_storage``, ``make_credential``, ``stored_bytes``, ``clock``):
- ``isolated_issuing``: own keys and storage folder (FlakyStorage, yielded), base URL https://lms.example.org,
  issuer "Example University"; modules that issue use it with ``pytestmark = pytest.mark.usefixtures(...)``.
- ``achievement``: an Achievement config on the demo course: 80% overall and 75% on the Final Exam.
- ``ace(username="alice", name="Alice Example")``: a learner with full marks everywhere (100%).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from completion.models import BlockCompletion
from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey, UsageKey

from credential_admin.models import CredentialConfig
from credential_admin.standalone.loader import load_course_folder
from credential_admin.standalone.models import Course, Enrollment, Profile, Score

DEMO_PROBLEMS = {"hw1_q1": (2, 2), "hw1_q2": (1, 1), "hw2_q1": (1, 1), "exam_q1": (4, 4)}
COURSES = Path(__file__).resolve().parent.parent / "fixtures" / "courses"


@pytest.fixture
def demo_course(db) -> Course:
    return load_course_folder(COURSES / "demo")


@pytest.fixture
def completion_course(db) -> Course:
    return load_course_folder(COURSES / "completion")


@pytest.fixture
def block_key():
    def make(course: Course, block_type: str, url_name: str) -> str:
        return str(CourseKey.from_string(course.course_key).make_usage_key(block_type, url_name))
    return make


@pytest.fixture
def make_learner(db):
    def make(course: Course | None = None, username: str = "alice", name: str = "Alice Example",
             mode: str = "verified", active: bool = True):
        user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com")
        Profile.objects.create(user=user, name=name)
        if course is not None:
            Enrollment.objects.create(user=user, course=course, mode=mode, is_active=active)
        return user
    return make


@pytest.fixture
def make_learners(db):
    def make(course: Course, count: int, prefix: str = "learner", mode: str = "verified") -> list:
        User = get_user_model()
        User.objects.bulk_create(User(username=f"{prefix}{i:05d}", email=f"{prefix}{i}@example.com")
                                 for i in range(count))
        users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
        Profile.objects.bulk_create(Profile(user=user, name=f"Learner {i}") for i, user in enumerate(users))
        Enrollment.objects.bulk_create(Enrollment(user=user, course=course, mode=mode) for user in users)
        return users
    return make


@pytest.fixture
def complete_blocks(db):
    def complete(users, course: Course, keys, completion: float = 1.0) -> None:
        users = users if isinstance(users, list | tuple) else [users]
        context = CourseKey.from_string(course.course_key)
        BlockCompletion.objects.bulk_create(
            BlockCompletion(user=user, context_key=context, block_key=UsageKey.from_string(key),
                            block_type=UsageKey.from_string(key).block_type, completion=completion)
            for user in users for key in keys
        )
    return complete


@pytest.fixture
def record_scores(db):
    def record(user, course: Course, scores: dict[str, tuple[float, float]]) -> None:
        for key, (earned, possible) in scores.items():
            Score.objects.update_or_create(user=user, course=course, block_key=key,
                                           defaults={"earned": earned, "possible": possible})
    return record


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(username="staff", email="staff@example.com", is_staff=True)


@pytest.fixture
def isolated_issuing(issuing_storage, settings):
    settings.CREDENTIAL_XBLOCK_BASE_URL = "https://lms.example.org"
    settings.CREDENTIAL_XBLOCK_ISSUER_NAME = "Example University"
    return issuing_storage


@pytest.fixture
def achievement(demo_course):
    return CredentialConfig.objects.create(
        course_key=demo_course.course_key, usage_key="block-v1:Demo+CRED101+2026+type@credential+block@ach",
        display_name="Achievement", level="achievement",
        criteria={"min_completion": None, "min_grade": "80", "min_type_grades": {"Final Exam": "75"}},
    )


@pytest.fixture
def ace(demo_course, make_learner, record_scores, block_key):
    def make(username="alice", name="Alice Example"):
        user = make_learner(demo_course, username=username, name=name)
        record_scores(user, demo_course, {block_key(demo_course, "problem", key): score
                                          for key, score in DEMO_PROBLEMS.items()})
        return user
    return make


@pytest.fixture(params=["standalone", "openedx"])
def side(request, db, monkeypatch):
    """Each backend of the contract in turn: standalone, then Open edX over the fake platform."""
    from credential_admin.backends.openedx import OpenEdxBackend
    from credential_admin.backends.standalone import StandaloneBackend
    from tests.backend_sides import Side
    from tests.openedx_fakes import FakePlatform

    if request.param == "openedx":
        return Side("openedx", OpenEdxBackend(), FakePlatform().install(monkeypatch))
    return Side("standalone", StandaloneBackend())


@pytest.fixture
def course(db) -> Course:
    """The demo course, loaded from its folder as demo_setup does (modules with a course of their own override it)."""
    from credential_admin.demo.seed import COURSE_FOLDER

    return load_course_folder(COURSE_FOLDER)
