"""Signal receivers: a course publish syncs its credential configurations; with the AUTO_ISSUE feature on, a
grade change queues issuing for that learner.

Grade events fire inside the platform's Celery grade tasks on every recalculation (OPENEDX.md Pitfalls 8), so
each receiver only queues idempotent work, after the surrounding transaction commits.
"""
from __future__ import annotations

import logging

from django.apps import apps
from django.db import transaction

from credential_admin import conf

log = logging.getLogger(__name__)


def sync_on_publish(sender, course_key=None, **kwargs) -> None:
    """Sync the published Credential blocks of `course_key` into configurations."""
    if course_key is None:
        return
    from credential_admin.configs import sync_course  # models are ready by signal time

    transaction.on_commit(lambda: sync_course(str(course_key)))


def issue_on_grade_change(sender, signal=None, **kwargs) -> None:
    """openedx-events grade receivers (`COURSE_PASSING_STATUS_UPDATED`, `PERSISTENT_GRADE_SUMMARY_CHANGED`):
    queue a one-learner batch for every published configuration of the course, when AUTO_ISSUE is on."""
    if not conf.feature("AUTO_ISSUE"):
        return
    user_id, course_key = _user_and_course(kwargs)
    if user_id is None or course_key is None:
        return
    from credential_admin import tasks
    from credential_admin.models import CredentialConfig

    for config in CredentialConfig.objects.filter(course_key=course_key, is_published=True):
        tasks.queue_batches(config, [user_id])


def _user_and_course(data: dict) -> tuple[int | None, str | None]:
    status = data.get("course_passing_status")
    if status is not None:
        return status.user.id, str(status.course.course_key)
    grade = data.get("grade")
    if grade is not None:
        return grade.user_id, str(grade.course.course_key)
    return None, None


def connect() -> None:
    """Connect the grade receivers (openedx-events), and the publish receiver to the standalone runtime's signal
    or to the platform's through compat."""
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED, PERSISTENT_GRADE_SUMMARY_CHANGED

    for event in (COURSE_PASSING_STATUS_UPDATED, PERSISTENT_GRADE_SUMMARY_CHANGED):
        event.connect(issue_on_grade_change, dispatch_uid=f"credential_admin.issue_on_grade.{event.event_type}")
    if apps.is_installed("credential_admin.standalone"):
        from credential_admin.standalone.signals import course_published

        course_published.connect(sync_on_publish, dispatch_uid="credential_admin.sync_on_publish")
        return
    try:
        from credential_admin import compat
        signal = compat.course_published_signal()
    except (ImportError, AttributeError):
        log.warning("No course publish signal: credential configurations sync only through the commands.")
        return
    if signal is not None:
        signal.connect(sync_on_publish, dispatch_uid="credential_admin.sync_on_publish")


connect()
