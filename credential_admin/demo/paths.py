"""The demo's Learning Path: "Data Science path", the demo course then Statistics and Machine Learning.

Its Completion credential is per course: each course's rule is its own Completion block's (90% in the demo course,
80% in the two small ones). Seeded learners, their units viewed through the runtime as in `seed`:
- chen: every unit of both new courses, so the path is met (she already completed the demo course);
- ben: all of Statistics, 3 of 5 units of Machine Learning: one unit short of its 80%;
- ana: enrolled in the path, nothing done in the new courses yet.
Idempotent: a learner already enrolled in the path is left as they are. Needs the [paths] extra.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PATH_KEY = "path-v1:Demo+DS+2026+path"
PATH_TITLE = "Data Science path"
FOLDER = Path(__file__).resolve().parent / "path_courses"
STATISTICS = "course-v1:Demo+STAT101+2026"
MACHINE_LEARNING = "course-v1:Demo+ML101+2026"
COURSE_FOLDERS = {STATISTICS: "statistics", MACHINE_LEARNING: "machine_learning"}
# username → {course key: units viewed}
PATH_LEARNERS = {
    "chen": {STATISTICS: ("stat_u1", "stat_u2", "stat_u3", "stat_u4", "stat_u5"),
             MACHINE_LEARNING: ("ml_u1", "ml_u2", "ml_u3", "ml_u4", "ml_u5")},
    "ben": {STATISTICS: ("stat_u1", "stat_u2", "stat_u3", "stat_u4", "stat_u5"),
            MACHINE_LEARNING: ("ml_u1", "ml_u2", "ml_u3")},
    "ana": {STATISTICS: (), MACHINE_LEARNING: ()},
}


def setup_path(demo_course_key: str, reload_course: bool, say: Callable[[str], None]) -> None:
    """Load the two courses, make the path and its credential, and seed the path learners (each step once)."""
    from credential_admin.paths import source

    if not source.installed():
        say("Learning paths are not installed (the [paths] extra): the demo has no Data Science path.")
        return
    _ensure_courses(reload_course, say)
    _ensure_path(demo_course_key, say)
    for username, progress in PATH_LEARNERS.items():
        _ensure_learner(username, progress, say)


def _ensure_courses(reload_course: bool, say: Callable[[str], None]) -> None:
    from credential_admin.configs import sync_course
    from credential_admin.standalone.loader import load_course_folder
    from credential_admin.standalone.models import Course

    for key, folder in COURSE_FOLDERS.items():
        if reload_course or not Course.objects.filter(course_key=key).exists():
            course = load_course_folder(FOLDER / folder)
            say(f"Loaded the demo course {course.course_key} ({course.title}).")
        sync_course(key)


def _ensure_path(demo_course_key: str, say: Callable[[str], None]) -> None:
    from learning_paths.models import LearningPath, LearningPathStep

    from credential_admin.models import PathCredential
    from credential_admin.paths import configs

    path, created = LearningPath.objects.get_or_create(key=PATH_KEY, defaults={
        "display_name": PATH_TITLE, "subtitle": "Statistics and machine learning, from first principles"})
    for order, course_key in enumerate((demo_course_key, STATISTICS, MACHINE_LEARNING), start=1):
        LearningPathStep.objects.get_or_create(learning_path=path, course_key=course_key,
                                               defaults={"order": order, "weight": 1.0})
    if created:
        say(f"Created the learning path {PATH_KEY} ({PATH_TITLE}) with three courses.")
    if not PathCredential.objects.filter(path_key=PATH_KEY).exists():
        configs.create(PATH_KEY, "completion", display_name=f"{PATH_TITLE}: Certificate of Completion",
                       mode=PathCredential.Mode.PER_COURSE,
                       description="Complete each course of the path as its own Completion credential asks.")
        say("Created the path's Completion credential (per-course rules from each course's block).")


def _ensure_learner(username: str, progress: dict[str, tuple[str, ...]], say: Callable[[str], None]) -> None:
    from django.contrib.auth import get_user_model
    from learning_paths.models import LearningPath, LearningPathEnrollment

    from credential_admin.demo.seed import view_units
    from credential_admin.standalone.models import Course, Enrollment

    user = get_user_model().objects.filter(username=username).first()
    path = LearningPath.objects.get(key=PATH_KEY)
    if user is None or LearningPathEnrollment.objects.filter(user=user, learning_path=path).exists():
        return
    LearningPathEnrollment.objects.create(user=user, learning_path=path, is_active=True)
    for course_key, units in progress.items():
        Enrollment.objects.get_or_create(user=user, course=Course.objects.get(course_key=course_key),
                                         defaults={"mode": "verified"})
        view_units(user, course_key, units)
    say(f"Enrolled {username} in the {PATH_TITLE}: " + ", ".join(
        f"{len(units)} unit(s) of {key}" for key, units in progress.items()) + ".")
