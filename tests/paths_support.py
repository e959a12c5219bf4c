"""Test helpers for Learning Path credentials: small courses of the standalone runtime, paths, learners.

A generated course has `units` units: each holds one HTML component except the last, which holds the Final Exam
problem (weight 100), so a learner's completion is completed/units and their grade the exam score in percent.
"""
from __future__ import annotations

from completion.models import BlockCompletion
from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from credential_admin.backends.standalone import outline_units
from credential_admin.standalone.loader import load_course
from credential_admin.standalone.models import Course, Enrollment, Profile, Score

POLICY = {"GRADER": [{"type": "Final Exam", "short_label": "Final", "min_count": 1, "drop_count": 0, "weight": 1.0}],
          "GRADE_CUTOFFS": {"Pass": 0.5}}


def course_olx(title: str, units: int, credential: str = "") -> str:
    """OLX of a course with `units` units (the last one the exam); `credential` is an optional <credential> tag."""
    pages = "".join(f'<vertical url_name="u{i}" display_name="Unit {i}"><html url_name="h{i}"><p>Page {i}</p></html>'
                    f"</vertical>" for i in range(1, units))
    return (f'<course url_name="run" display_name="{title}"><chapter url_name="c1" display_name="Lessons">'
            f'<sequential url_name="s1" display_name="Lessons">{pages}'
            f'<vertical url_name="cred" display_name="Credential">{credential}</vertical></sequential></chapter>'
            f'<chapter url_name="c2" display_name="Final"><sequential url_name="exam" display_name="Final Exam" '
            f'format="Final Exam" graded="true"><vertical url_name="u{units}" display_name="Exam">'
            f'<problem url_name="exam_q" display_name="Exam" weight="100"><question>2+2?</question>'
            f'<choice correct="true">4</choice><choice>5</choice></problem></vertical></sequential></chapter></course>')


def make_course(key: str, title: str, units: int = 20, credential: str = "") -> Course:
    return load_course(key, course_olx(title, units, credential), POLICY)


def html_key(course_key: str, index: int) -> str:
    return str(CourseKey.from_string(course_key).make_usage_key("html", f"h{index}"))


def exam_key(course_key: str) -> str:
    return str(CourseKey.from_string(course_key).make_usage_key("problem", "exam_q"))


def make_path(key: str, title: str, course_keys: list[str], weights: list[float] | None = None):
    """A learning-paths-plugin path with these courses as steps in this order."""
    from learning_paths.models import LearningPath, LearningPathStep

    path = LearningPath.objects.create(key=key, display_name=title)
    for order, course_key in enumerate(course_keys, 1):
        LearningPathStep.objects.create(learning_path=path, course_key=course_key, order=order,
                                        weight=(weights or [1.0] * len(course_keys))[order - 1])
    return path


def enroll_path(path, users, active: bool = True) -> None:
    from learning_paths.models import LearningPathEnrollment

    LearningPathEnrollment.objects.bulk_create(LearningPathEnrollment(user=user, learning_path=path,
                                                                      is_active=active) for user in users)


def make_user(username: str, name: str = ""):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com")
    Profile.objects.create(user=user, name=name or username.title())
    return user


def enroll(user, courses, mode: str = "verified") -> None:
    Enrollment.objects.bulk_create(Enrollment(user=user, course=course, mode=mode) for course in courses)


def progress(user, course: Course, units_done: int, exam_percent: float | None = None) -> None:
    """Complete the first `units_done` units (all of them includes the exam unit) and score the exam in percent."""
    context = CourseKey.from_string(course.course_key)
    total = sum(1 for unit in outline_units(course.structure) if unit.counted)
    blocks = [context.make_usage_key("html", f"h{i}") for i in range(1, min(units_done, total - 1) + 1)]
    if units_done >= total:
        blocks.append(context.make_usage_key("problem", "exam_q"))
    rows = [BlockCompletion(user=user, context_key=context, block_key=key, block_type=key.block_type, completion=1.0)
            for key in blocks]
    BlockCompletion.objects.bulk_create(rows, ignore_conflicts=True)  # a second call adds the units not done yet
    if exam_percent is not None:
        Score.objects.update_or_create(user=user, course=course, block_key=exam_key(course.course_key),
                                       defaults={"earned": exam_percent, "possible": 100})


def seed_bulk_path(learners: int, courses: int = 5, units: int = 10, key: str = "path-v1:Bench+PATH+2026+all"):
    """A path of `courses` courses of `units` units and `learners` learners enrolled in all of them, for bulk
    evaluation: learner i completes i % (units + 1) units of every course (so 80% is met when i % 11 >= 8 with 10
    units) and every tenth learner (i % 10 == 0) has left the path. Returns (path key, user ids in order)."""
    from learning_paths.models import LearningPathEnrollment

    User = get_user_model()
    made = [make_course(f"course-v1:Bench+P{c}+2026", f"Course {c}", units) for c in range(1, courses + 1)]
    path = make_path(key, "Bench path", [course.course_key for course in made])
    User.objects.bulk_create((User(username=f"pl{i:05d}") for i in range(learners)), batch_size=2000)
    users = list(User.objects.filter(username__startswith="pl").order_by("username"))
    Profile.objects.bulk_create((Profile(user=user, name=f"Learner {i}") for i, user in enumerate(users)),
                                batch_size=2000)
    Enrollment.objects.bulk_create((Enrollment(user=user, course=course, mode="verified") for user in users
                                    for course in made), batch_size=2000)
    LearningPathEnrollment.objects.bulk_create((LearningPathEnrollment(user=user, learning_path=path,
                                                                       is_active=bool(i % 10))
                                                for i, user in enumerate(users)), batch_size=2000)
    rows = []
    for course in made:
        context = CourseKey.from_string(course.course_key)
        for i, user in enumerate(users):
            done = i % (units + 1)
            keys = [context.make_usage_key("html", f"h{n}") for n in range(1, min(done, units - 1) + 1)]
            if done >= units:
                keys.append(context.make_usage_key("problem", "exam_q"))
            rows.extend(BlockCompletion(user=user, context_key=context, block_key=block, block_type=block.block_type,
                                        completion=1.0) for block in keys)
    BlockCompletion.objects.bulk_create(rows, batch_size=5000)
    return key, [user.pk for user in users]
