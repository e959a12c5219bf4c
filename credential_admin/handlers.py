"""Signal receivers. They only queue work: a publish queues a configuration sync; with AUTO_ISSUE on, a grade,
completion or enrollment event queues one evaluation of that learner; a retirement erases the learner's data; a
name change queues the reissue of the learner's credentials (with REISSUE on).

Grade events fire inside the platform's Celery grade tasks on every recalculation, and completion is a plain
``post_save`` of the platform's own write (OPENEDX.md §10, Pitfall 8), so an event receiver:
- does no query and no course-tree load inside the platform's transaction: a cache key debounces (one evaluation
  per learner, course and kind of event within AUTO_ISSUE_DELAY seconds, however many events fire), and the rest
  runs on commit;
- never raises: its errors are logged, and the grade or completion write stands.
Which signals exist is the backend's answer (credential_admin.backends.Platform.signals); the grade events
(openedx-events) and edx-completion's ``BlockCompletion`` saves are the same everywhere.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_save

from credential_admin import conf

log = logging.getLogger(__name__)

#: Event kinds, and the rules an event of that kind can change (None: any configuration).
GRADE, COMPLETION, ENROLLMENT = "grade", "completion", "enrollment"


def sync_on_publish(sender, course_key=None, user=None, **kwargs) -> None:
    """Queue the sync of `course_key`'s published Credential blocks (a Celery task, on commit); `user`, who
    published, when the signal says (the standalone runtime's Studio saves; the platform's blocks carry it)."""
    if course_key is None:
        return
    from credential_admin import tasks

    tasks.queue_sync(str(course_key), getattr(user, "pk", None))


# --- automatic issuing -------------------------------------------------------------------------------------------
def learner_event(user_id: int | None, course_key: Any, kind: str) -> bool:
    """Queue one evaluation of this learner in this course for the configurations an event of `kind` can affect;
    False when nothing was queued (switch off, debounced, or bad data). Never raises."""
    try:
        if user_id is None or course_key is None or not conf.feature("AUTO_ISSUE"):
            return False
        from credential_admin import autoissue

        return autoissue.schedule(int(user_id), str(course_key), kind)
    except Exception:  # the platform's write must stand, whatever happens here
        log.exception("credential-xblock: could not queue automatic issuing for user %s in %s", user_id, course_key)
        return False


def on_grade_event(sender, signal=None, **kwargs) -> None:
    """openedx-events ``COURSE_PASSING_STATUS_UPDATED``, ``CCX_COURSE_PASSING_STATUS_UPDATED`` and
    ``PERSISTENT_GRADE_SUMMARY_CHANGED``: the learner's grade was recalculated."""
    status, grade = kwargs.get("course_passing_status"), kwargs.get("grade")
    if status is not None:
        course = status.course
        # A CCX's Credential blocks are its master course's: evaluate there.
        key = getattr(course, "master_course_key", None) or getattr(course, "course_key", None)
        learner_event(status.user.id, key, GRADE)
    elif grade is not None:
        learner_event(grade.user_id, grade.course.course_key, GRADE)


def on_completion_saved(sender, instance=None, **kwargs) -> None:
    """``post_save`` of edx-completion's ``BlockCompletion`` (the platform has no completion event): only a
    block completed in full can complete a unit."""
    if instance is not None and instance.completion >= 1.0:
        learner_event(instance.user_id, instance.context_key, COMPLETION)


def on_enrollment_changed(sender, enrollment=None, instance=None, created=False, **kwargs) -> None:
    """openedx-events ``COURSE_ENROLLMENT_CHANGED`` (platform), or a changed standalone ``Enrollment`` (a new one
    is not a change, as on the platform): a new mode or reactivation can make a learner eligible."""
    if enrollment is not None:
        learner_event(enrollment.user.id, enrollment.course.course_key, ENROLLMENT)
    elif instance is not None and not created:
        learner_event(instance.user_id, instance.course.course_key, ENROLLMENT)


def on_retirement(sender, user=None, **kwargs) -> None:
    """``USER_RETIRE_LMS_CRITICAL`` / ``USER_RETIRE_LMS_MISC``: erase the learner's names, files and signed payloads
    and revoke their credentials (both signals do the same, idempotent work)."""
    if user is None:
        return
    from credential_admin import retirement

    retirement.retire(user)


def on_name_changed(sender, user=None, table=None, changed_fields=None, instance=None, created=False,
                    **kwargs) -> None:
    """The learner's full name may have changed: the platform's ``USER_FIELDS_CHANGED`` for ``auth_userprofile``
    naming ``name``, or a saved standalone ``Profile``. With REISSUE on, queue (on commit) the reissue of their
    issued credentials; it is idempotent (credentials already printing the current name are left alone)."""
    try:
        if table is not None:
            user_id = user.id if table == "auth_userprofile" and "name" in (changed_fields or {}) else None
        else:
            user_id = instance.user_id if instance is not None and not created else None
        if user_id is None or not conf.feature("REISSUE"):
            return
        from credential_admin import tasks

        tasks.queue_name_change(user_id)
    except Exception:  # the profile write must stand, whatever happens here
        log.exception("credential-xblock: could not queue the reissue after a name change of user %s", user)


# --- wiring --------------------------------------------------------------------------------------------------------
RECEIVERS: dict[str, Callable[..., None]] = {
    "publish": sync_on_publish, "enrollment": on_enrollment_changed, "retirement": on_retirement,
    "name_change": on_name_changed,
}


def connect() -> None:
    """Connect every receiver: the grade events and completion saves (the same on every platform), then the
    signals the backend names for each purpose."""
    from completion.models import BlockCompletion
    from openedx_events.learning.signals import (
        CCX_COURSE_PASSING_STATUS_UPDATED,
        COURSE_PASSING_STATUS_UPDATED,
        PERSISTENT_GRADE_SUMMARY_CHANGED,
    )

    from credential_admin.backends import get_backend

    for event in (COURSE_PASSING_STATUS_UPDATED, CCX_COURSE_PASSING_STATUS_UPDATED, PERSISTENT_GRADE_SUMMARY_CHANGED):
        event.connect(on_grade_event, dispatch_uid=f"credential_admin.grade.{event.event_type}")
    post_save.connect(on_completion_saved, sender=BlockCompletion, dispatch_uid="credential_admin.completion")
    for purpose, hookups in get_backend().signals().items():
        receiver = RECEIVERS[purpose]
        for index, (signal, sender) in enumerate(hookups):
            suffix = f".{index}" if index else ""
            signal.connect(receiver, sender=sender, weak=False,
                           dispatch_uid=f"credential_admin.{receiver.__name__}{suffix}")


connect()
