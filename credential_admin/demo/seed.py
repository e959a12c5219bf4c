"""The demo's course and learners: load the course once, create the admin and the seeded learners.

Learners are seeded through the standalone runtime itself (units viewed, problems answered through the problem's
own handler), so their completions and grades come from the same code paths a browser exercises. A learner is
seeded when created; rerunning changes nothing unless `reset` recreates the demo learners.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from webob import Request

COURSE_FOLDER = Path(__file__).resolve().parent / "course"
COURSE_KEY = "course-v1:Demo+CX101+2026"
ADMIN = ("admin", "admin")
HTML_UNITS = ("welcome_unit", "how_it_works", "evidence_unit", "rules_unit", "practice_unit", "summary_unit")


@dataclass(frozen=True)
class DemoLearner:
    """A seeded learner: units viewed (text-only units) and problems answered (True: right, False: wrong)."""

    username: str
    name: str
    stage: str
    mode: str = "audit"
    viewed: tuple[str, ...] = ()
    answers: dict[str, bool] = field(default_factory=dict)
    staff: bool = False


def _all(prefix: str, right: tuple[bool, ...]) -> dict[str, bool]:
    return {f"{prefix}{number}": value for number, value in enumerate(right, start=1)}


LEARNERS = (
    DemoLearner("ana", "Ana Souza", "just started", viewed=("welcome_unit",)),
    DemoLearner(
        "ben", "Ben Okafor", "completion-eligible",
        viewed=HTML_UNITS[:5],
        answers={**_all("hw1_q", (True, True)), **_all("hw2_q", (True, False)), **_all("hw3_q", (False, True)),
                 **_all("final_q", (True, False, False, True))},
    ),
    DemoLearner(
        "chen", "陈静", "completion- and achievement-eligible", mode="verified",
        viewed=HTML_UNITS,
        answers={**_all("hw1_q", (True, True)), **_all("hw2_q", (True, True)), **_all("hw3_q", (True, False)),
                 **_all("final_q", (True, True, True, False))},
    ),
    DemoLearner(
        "dana", "Dana Kowalski", "just below: one unit short of completion, 5 points short on the Final Exam",
        mode="honor", viewed=HTML_UNITS[:4],
        answers={**_all("hw1_q", (True, True)), **_all("hw2_q", (True, True)), **_all("hw3_q", (True, True)),
                 **_all("final_q", (True, True, False, False))},
    ),
    DemoLearner(
        "nour", "نور الهدى", "half way", viewed=HTML_UNITS[:3],
        answers={**_all("hw1_q", (True, False)), **_all("hw2_q", (True, True))},
    ),
    DemoLearner("staff", "Sam Staff", "course staff (sees the staff panel and Studio)", mode="", staff=True),
)


def setup_demo(reset: bool = False, reload_course: bool = False, say: Callable[[str], None] = print) -> None:
    """Idempotent: migrate first (the caller does), then course, admin and learners."""
    from credential_admin.configs import sync_course
    from credential_admin.standalone.loader import load_course_folder
    from credential_admin.standalone.models import Course

    if reload_course or not Course.objects.filter(course_key=COURSE_KEY).exists():
        course = load_course_folder(COURSE_FOLDER)
        say(f"Loaded the demo course {course.course_key} ({course.title}).")
    # Publishing syncs configurations through a signal; sync here too so that a demo is claimable whatever ran.
    sync_course(COURSE_KEY)
    _ensure_completion_tracking()
    _ensure_admin(say)
    for learner in LEARNERS:
        _ensure_learner(learner, reset, say)
    from credential_admin.demo.paths import setup_path

    setup_path(COURSE_KEY, reload_course, say)  # the Data Science path (needs the [paths] extra)
    _award_badges(say)


def _award_badges(say: Callable[[str], None]) -> None:
    """Issue the demo's milestone badges to every seeded learner who has earned them (Homework hero: ben, chen and
    dana; First steps: those four and nour), so the demo shows earned and greyed badges side by side."""
    from credential_admin.issuing.pipeline import issue_for_users
    from credential_admin.models import CredentialConfig

    user_ids = list(get_user_model().objects.filter(username__in=[learner.username for learner in LEARNERS])
                    .values_list("pk", flat=True))
    for config in CredentialConfig.objects.filter(course_key=COURSE_KEY, level=CredentialConfig.Level.BADGE,
                                                  is_published=True):
        result = issue_for_users(config, user_ids)
        if result.issued:
            say(f"Awarded the badge {config.badge_name} to {result.issued} learners.")


def _ensure_completion_tracking() -> None:
    """edx-completion records nothing while its switch is off; a migration turns it on, but a flushed database
    (tests) or an admin may have turned it off, and the demo means nothing without completion."""
    from completion.waffle import ENABLE_COMPLETION_TRACKING_SWITCH
    from waffle.models import Switch

    Switch.objects.update_or_create(name=ENABLE_COMPLETION_TRACKING_SWITCH.name, defaults={"active": True})


def _ensure_admin(say: Callable[[str], None]) -> None:
    users = get_user_model()
    if not users.objects.filter(username=ADMIN[0]).exists():
        users.objects.create_superuser(ADMIN[0], "admin@example.com", ADMIN[1])
        say(f"Created the superuser {ADMIN[0]} (password {ADMIN[1]}).")


def _ensure_learner(learner: DemoLearner, reset: bool, say: Callable[[str], None]) -> None:
    from completion.models import BlockCompletion

    from credential_admin.standalone.models import BlockState, Course, Enrollment, Profile, Score

    users = get_user_model()
    existing = users.objects.filter(username=learner.username).first()
    if existing is not None and not reset:
        return
    with transaction.atomic():
        if existing is not None:
            BlockState.objects.filter(user_id=existing.pk).delete()
            BlockCompletion.objects.filter(user=existing).delete()
            Score.objects.filter(user=existing).delete()
            existing.delete()
        user = users.objects.create_user(learner.username, f"{learner.username}@example.com", is_staff=learner.staff)
        user.set_unusable_password()  # learners log in through the demo's learner switcher
        user.save()
        Profile.objects.create(user=user, name=learner.name)
        if learner.mode:
            Enrollment.objects.create(user=user, course=Course.objects.get(course_key=COURSE_KEY), mode=learner.mode)
        _seed_progress(user, learner)
    say(f"Created the learner {learner.username} ({learner.name}): {learner.stage}.")


def view_units(user, course_key: str, units):
    """View these units of the course as the learner, through the runtime; returns the learner's runtime."""
    from credential_admin.standalone.runtime import StandaloneRuntime

    runtime = StandaloneRuntime(course_key, user)
    service = runtime.service_for("completion")
    for unit in units:
        vertical = runtime.get_block(runtime.course_key.make_usage_key("vertical", unit))
        runtime.mark_viewed(service.get_completable_children(vertical))
    return runtime


def _seed_progress(user, learner: DemoLearner) -> None:
    """View the learner's units and answer their problems through the runtime, as the browser would."""

    runtime = view_units(user, COURSE_KEY, learner.viewed)
    course_key = runtime.course_key
    for name, right in learner.answers.items():
        problem = runtime.get_block(course_key.make_usage_key("problem", name))
        index = next(i for i, choice in enumerate(problem.choices) if bool(choice.get("correct")) == right)
        request = Request.blank("/", method="POST", body=json.dumps({"answer": str(index)}).encode())
        response = runtime.handle(problem, "submit", request)
        if not json.loads(response.body).get("ok"):
            raise RuntimeError(f"Seeding {learner.username}: problem {name} refused answer {index}.")
