"""Automatic issuing (AUTO_ISSUE): grade, completion and enrollment events queue one debounced evaluation of that
learner, after commit; the common case costs a few queries after commit; a receiver's error never breaks the
platform's write.

The demo course and the standalone backend stand for the platform; the events are the real openedx-events signals
and edx-completion's real BlockCompletion saves. Celery is eager here, so where a test needs the queue itself it
records what `tasks.queue_auto_issue` is asked to queue (the Celery boundary) and runs the task by hand.
"""
from datetime import UTC, datetime

import pytest
from completion.models import BlockCompletion
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning.data import (
    CourseData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED, PERSISTENT_GRADE_SUMMARY_CHANGED

from credential_admin import autoissue, tasks
from credential_admin.models import Credential, CredentialConfig
from credential_admin.standalone.models import Enrollment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


@pytest.fixture(autouse=True)
def auto_issue_on(settings):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"AUTO_ISSUE": True}
    settings.CREDENTIAL_XBLOCK_AUTO_ISSUE_DELAY = 30
    cache.clear()  # debounce keys outlive a test's rolled-back users
    yield
    cache.clear()


@pytest.fixture
def queued(monkeypatch):
    """The evaluations handed to Celery, as (args, countdown), instead of running them."""
    calls = []
    monkeypatch.setattr(tasks, "queue_auto_issue",
                        lambda user_id, course_key, kind, countdown: calls.append(((user_id, course_key, kind),
                                                                                    countdown)))
    return calls


def passing_event(user, course_key):
    status = CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(course_key)),
        user=UserData(id=user.pk, is_active=True, pii=UserPersonalData(username=user.username, email="", name="")))
    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=status)


def grade_summary_event(user, course_key):
    grade = PersistentCourseGradeData(
        user_id=user.pk, course=CourseData(course_key=CourseKey.from_string(course_key)),
        course_edited_timestamp=datetime.now(UTC), course_version="v1", grading_policy_hash="h",
        percent_grade=1.0, letter_grade="Pass", passed_timestamp=datetime.now(UTC))
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(grade=grade)


def test_a_grade_event_over_the_threshold_issues_once(achievement, demo_course, make_learner, record_scores,
                                                      block_key, django_capture_on_commit_callbacks):
    alice = make_learner(demo_course, "alice")
    record_scores(alice, demo_course, {block_key(demo_course, "problem", "exam_q1"): (4, 4)})  # 60%: not yet
    with django_capture_on_commit_callbacks(execute=True):
        passing_event(alice, demo_course.course_key)
    assert not Credential.objects.exists()
    record_scores(alice, demo_course, {block_key(demo_course, "problem", key): score for key, score in
                                       {"hw1_q1": (2, 2), "hw1_q2": (1, 1), "hw2_q1": (1, 1)}.items()})
    for send in (passing_event, grade_summary_event, passing_event):  # every recalculation sends events
        with django_capture_on_commit_callbacks(execute=True):
            send(alice, demo_course.course_key)
    assert list(Credential.objects.values_list("user__username", "status", "config")) == [
        ("alice", "issued", achievement.pk)]


def test_fifty_events_in_the_window_evaluate_once(achievement, ace, demo_course, queued,
                                                  django_capture_on_commit_callbacks):
    alice = ace()
    for _ in range(50):  # fifty grade writes, each committed on its own
        with django_capture_on_commit_callbacks(execute=True):
            passing_event(alice, demo_course.course_key)
    assert queued == [((alice.pk, demo_course.course_key, "grade"), 30)]
    assert tasks.auto_issue(*queued[0][0]) == 1  # the evaluation, when Celery runs it
    assert Credential.objects.get().status == "issued"
    with django_capture_on_commit_callbacks(execute=True):  # after it ran, a new event is not swallowed...
        passing_event(alice, demo_course.course_key)
    assert len(queued) == 1  # ...but she holds it now: nothing left to queue
    assert tasks.auto_issue(*queued[0][0]) == 0  # and a second run of the task is harmless


def test_the_no_op_path_costs_two_queries_and_queues_nothing(achievement, ace, demo_course, queued,
                                                           django_capture_on_commit_callbacks):
    alice = ace()
    tasks.auto_issue(alice.pk, demo_course.course_key, "grade")
    assert Credential.objects.filter(user=alice, status="issued").count() == 1
    cache.clear()
    with CaptureQueriesContext(connection) as receiver, django_capture_on_commit_callbacks() as callbacks:
        passing_event(alice, demo_course.course_key)
    assert len(receiver) == 0  # nothing inside the platform's transaction
    with CaptureQueriesContext(connection) as after_commit:
        for callback in callbacks:
            callback()
    # the course's configurations she neither holds nor lost, then the learning paths with this course she follows
    assert len(after_commit) == 2 and queued == []


def test_candidates_leave_out_what_the_learner_holds_or_lost_until_reinstated(achievement, demo_course,
                                                                             make_learner):
    alice, bob = make_learner(demo_course, "alice"), make_learner(demo_course, "bob")
    other = CredentialConfig.objects.create(course_key=demo_course.course_key, usage_key="block-v1:Demo+CRED101+2026"
                                            "+type@credential+block@other", criteria={"min_grade": "50"})
    CredentialConfig.objects.create(course_key=demo_course.course_key, is_published=False, criteria={"min_grade": "1"},
                                    usage_key="block-v1:Demo+CRED101+2026+type@credential+block@draft")
    autoissue._open_configs_sql.cache_clear()
    candidates = lambda user, kind="grade": autoissue.candidate_configs(user.pk, demo_course.course_key, kind)  # noqa: E731
    assert candidates(alice) == [achievement, other] and candidates(alice, "completion") == []
    held = Credential.objects.create(verification_id="v1", short_code="S1", user=alice, config=achievement,
                                     status="issued")
    assert candidates(alice) == [other] and candidates(bob) == [achievement, other]
    held.status = "revoked"
    held.save()
    assert candidates(alice) == [other]  # revoked: never again, unless an admin reinstates her
    held.reinstated_at = datetime.now(UTC)
    held.save()
    assert candidates(alice) == [achievement, other]
    assert candidates(bob, "enrollment") == [achievement, other]
    # Compiled once for every learner, course and kind of event.
    assert autoissue._open_configs_sql.cache_info().misses == 1


def test_events_reach_only_the_configurations_they_can_change(demo_course, make_learner, queued,
                                                              django_capture_on_commit_callbacks, block_key):
    CredentialConfig.objects.create(course_key=demo_course.course_key, usage_key="block-v1:Demo+CRED101+2026+type"
                                    "@credential+block@done", criteria={"min_completion": "90"})
    alice = make_learner(demo_course, "alice")
    with django_capture_on_commit_callbacks(execute=True):
        passing_event(alice, demo_course.course_key)  # a grade cannot change a completion rule
        BlockCompletion.objects.create(user=alice, context_key=CourseKey.from_string(demo_course.course_key),
                                       block_key=UsageKey.from_string(block_key(demo_course, "html", "intro")),
                                       block_type="html", completion=0.5)  # not complete: cannot finish a unit
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        BlockCompletion.objects.filter(user=alice).update(completion=1.0)
        BlockCompletion.objects.get(user=alice).save()
        enrollment = Enrollment.objects.get(user=alice)
        enrollment.mode = "audit"
        enrollment.save()
    assert [args for args, _ in queued] == [(alice.pk, demo_course.course_key, "completion"),
                                           (alice.pk, demo_course.course_key, "enrollment")]


def test_nothing_happens_with_the_switch_off(achievement, ace, demo_course, queued, settings,
                                             django_capture_on_commit_callbacks):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"AUTO_ISSUE": False}
    alice = ace()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True) as callbacks:
        passing_event(alice, demo_course.course_key)
    assert (len(queries), callbacks, queued) == (0, [], [])


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_leaves_the_completion_write_committed(demo_course, make_learner, monkeypatch,
                                                                  block_key, achievement):
    alice = make_learner(demo_course, "alice")
    key = CourseKey.from_string(demo_course.course_key)

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks, "queue_auto_issue", broken)  # fails after commit
    with transaction.atomic():
        BlockCompletion.objects.create(user=alice, context_key=key, block_type="html", completion=1.0,
                                       block_key=UsageKey.from_string(block_key(demo_course, "html", "intro")))
    monkeypatch.setattr(autoissue, "schedule", broken)  # fails inside the platform's transaction
    with transaction.atomic():
        BlockCompletion.objects.create(user=alice, context_key=key, block_type="problem", completion=1.0,
                                       block_key=UsageKey.from_string(block_key(demo_course, "problem", "hw1_q1")))
    assert BlockCompletion.objects.filter(user=alice).count() == 2


def test_ccx_and_platform_enrollment_events(demo_course, make_learner, queued, django_capture_on_commit_callbacks):
    from ccx_keys.locator import CCXLocator
    from openedx_events.learning.data import CcxCourseData, CcxCoursePassingStatusData, CourseEnrollmentData
    from openedx_events.learning.signals import CCX_COURSE_PASSING_STATUS_UPDATED

    from credential_admin import handlers

    CredentialConfig.objects.create(course_key=demo_course.course_key, usage_key="block-v1:Demo+CRED101+2026+type"
                                    "@credential+block@any", criteria={"min_grade": "50", "min_completion": "50"})
    alice = make_learner(demo_course, "alice")
    master = CourseKey.from_string(demo_course.course_key)
    person = UserData(id=alice.pk, is_active=True, pii=UserPersonalData(username="alice", email="", name=""))
    ccx = CcxCourseData(ccx_course_key=CCXLocator.from_course_locator(master, "7"), master_course_key=master)
    with django_capture_on_commit_callbacks(execute=True):
        # A CCX's Credential blocks are its master course's: the learner is evaluated there.
        CCX_COURSE_PASSING_STATUS_UPDATED.send_event(
            course_passing_status=CcxCoursePassingStatusData(is_passing=True, course=ccx, user=person))
        # COURSE_ENROLLMENT_CHANGED, as the Open edX backend connects it.
        handlers.on_enrollment_changed(None, enrollment=CourseEnrollmentData(
            user=person, course=CourseData(course_key=master), mode="verified", is_active=True,
            creation_date=datetime.now(UTC)))
    assert [args for args, _ in queued] == [(alice.pk, str(master), "grade"), (alice.pk, str(master), "enrollment")]
