"""Celery tasks of the issuing pipeline: one learner, and chunks of learners.

Both are idempotent (the pipeline skips what is already issued), acknowledged late (a worker killed mid-task gets
its message redelivered) and queued only once the surrounding transaction commits. A storage outage marks the
credential `failed` and retries with exponential backoff; a rendering problem is permanent and is not retried.
"""
from __future__ import annotations

import random
from collections.abc import Sequence

from celery import shared_task
from django.db import transaction
from django.utils.module_loading import import_string

from credential_admin import conf
from credential_admin.issuing import pipeline
from credential_admin.issuing.storage import StorageError
from credential_admin.models import CredentialConfig


def retry_policy() -> dict:
    """The RETRY setting over its defaults, so an operator may set only some of its keys."""
    return {**conf.DEFAULTS["CREDENTIAL_XBLOCK_RETRY"], **(conf.get("RETRY") or {})}


def retry_countdown(retries: int) -> float:
    """Exponential backoff with full jitter: spreads the retries of many learners after an outage."""
    policy = retry_policy()
    return random.uniform(0, min(policy["max"], policy["base"] * 2 ** retries))


def max_retries() -> int:
    return retry_policy()["attempts"]


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             name="credential_admin.issue_credential")
def issue_credential(self, credential_id: int) -> str:
    """Issue one reserved credential."""
    try:
        done = pipeline.issue(credential_id)
    except StorageError as exc:
        if self.request.is_eager or self.request.retries >= max_retries():
            return "failed"  # eager (demo): left `failed` for the next claim or command run to retry
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries), max_retries=None) from exc
    except pipeline.RenderError:
        return "failed"
    return "issued" if done else "skipped"


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             name="credential_admin.issue_batch")
def issue_batch(self, config_id: int, user_ids: Sequence[int]) -> dict:
    """Evaluate and issue a chunk of learners; retried whole after a storage error (issued ones are skipped)."""
    config = CredentialConfig.objects.filter(pk=config_id).first()
    if config is None:
        return {"missing_config": config_id}
    result = pipeline.issue_for_users(config, user_ids)
    if result.interrupted and not self.request.is_eager and self.request.retries < max_retries():
        raise self.retry(countdown=retry_countdown(self.request.retries), max_retries=None)
    return {"issued": result.issued, "already": result.already, "not_eligible": result.not_eligible,
            "failed": len(result.failed)}


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, name="credential_admin.sync_course")
def sync_course(course_key: str, actor_id: int | None = None) -> dict:
    """Sync a course's configurations from its published Credential blocks (queued by the publish receiver);
    `actor_id`: the user who published, for the audit log."""
    from django.contrib.auth import get_user_model

    from credential_admin import configs

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    result = configs.sync_course(course_key, actor=actor)
    return {"created": len(result.created), "updated": len(result.updated),
            "unpublished": len(result.unpublished), "invalid": len(result.invalid)}


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, name="credential_admin.auto_issue")
def auto_issue(user_id: int, course_key: str, kind: str) -> int:
    """Evaluate one learner after a grade, completion or enrollment event (credential_admin.autoissue)."""
    from credential_admin import autoissue

    return autoissue.evaluate(user_id, course_key, kind)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, name="credential_admin.send_emails")
def send_emails(credential_ids: Sequence[int], event: str) -> int:
    """Email learners their issued or reissued credentials (credential_admin.notifications)."""
    from credential_admin import notifications

    return notifications.send(credential_ids, event)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             name="credential_admin.reissue_after_name_change")
def reissue_after_name_change(self, user_id: int) -> dict:
    """Reissue the learner's issued credentials that print an old name (idempotent: the others are left alone);
    retried with backoff while some fail (a storage outage)."""
    from credential_admin.issuing import lifecycle

    outcomes = lifecycle.reissue_for_user(user_id, actor=lifecycle.Actor.system("name-change"),
                                          reason="name change")
    failed = [o for o in outcomes if o.error]
    if failed and lifecycle.reissue_enabled() and not self.request.is_eager \
            and self.request.retries < max_retries():
        raise self.retry(countdown=retry_countdown(self.request.retries), max_retries=None)
    return {"reissued": sum(o.new is not None for o in outcomes), "failed": len(failed)}


def _load_app() -> None:
    """Make the configured Celery app current (standalone); inside the LMS the platform's app already is."""
    name = conf.get("CELERY_APP")
    if name:
        import_string(name)


def queue_credential(credential_id: int) -> None:
    """Issue this credential once the current transaction commits (at once when there is none)."""
    _load_app()
    transaction.on_commit(lambda: issue_credential.delay(credential_id))


# A queued run is cut into at least QUEUE_SPREAD tasks when it has enough learners, so that up to that many workers
# all get a share (a few hundred learners in batches of 500 would be one task for one worker); never below
# QUEUE_MIN_BATCH learners a task, where a batch's fixed cost (its evaluation queries and commit) stays small.
QUEUE_SPREAD = 8
QUEUE_MIN_BATCH = 50


def queue_batches(config: CredentialConfig, user_ids: Sequence[int], chunk_size: int | None = None) -> int:
    """Queue chunked batch tasks for these learners after commit; returns how many tasks were queued."""
    _load_app()
    size = max(1, int(chunk_size or conf.get("BATCH_SIZE") or 500))
    size = min(size, max(QUEUE_MIN_BATCH, -(-len(user_ids) // QUEUE_SPREAD)))  # enough tasks for every worker
    chunks = [list(user_ids[start:start + size]) for start in range(0, len(user_ids), size)]
    for chunk in chunks:
        transaction.on_commit(lambda chunk=chunk: issue_batch.delay(config.pk, chunk))
    return len(chunks)


def queue_sync(course_key: str, actor_id: int | None = None) -> None:
    """Sync this course's configurations in a task, once the current transaction commits."""
    _load_app()
    transaction.on_commit(lambda: sync_course.delay(course_key, actor_id))


def queue_name_change(user_id: int) -> None:
    """Reissue this learner's credentials in a task, once the current transaction (the profile save) commits."""
    _load_app()
    transaction.on_commit(lambda: reissue_after_name_change.delay(user_id))


def queue_auto_issue(user_id: int, course_key: str, kind: str, countdown: int) -> None:
    """Evaluate this learner in `countdown` seconds (now: the caller runs after commit already)."""
    _load_app()
    auto_issue.apply_async((user_id, course_key, kind), countdown=countdown)


def queue_emails(credential_ids: Sequence[int], event: str) -> None:
    """Send the emails of these credentials from a task (the caller runs after commit already)."""
    _load_app()
    send_emails.delay(list(credential_ids), event)
