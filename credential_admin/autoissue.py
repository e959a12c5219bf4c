"""Automatic issuing (the AUTO_ISSUE switch): one learner's event becomes at most one queued evaluation.

- `schedule` runs in the receiver: a cache key per (learner, course, kind of event) debounces, so the first event
  of a window queues and the others in it cost one cache call each; nothing touches the database until the
  platform's transaction commits.
- On commit, one or two queries find the configurations the event can still affect (published, with a rule of
  that kind, and not already held or revoked for this learner), and one the Learning Paths the course may
  complete; only if there are any is a Celery task queued, delayed by AUTO_ISSUE_DELAY so the evaluation sees the
  end of the window. This is the whole cost of the common case.
- `evaluate` (the task) releases the key, then issues through the pipeline, which is idempotent.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import caches
from django.db import transaction
from django.db.models import Q

from credential_admin import conf

log = logging.getLogger(__name__)
GRADE_RULES = frozenset({"min_grade", "min_type_grades"})


def delay() -> int:
    return max(1, int(conf.get("AUTO_ISSUE_DELAY") or 30))


def debounce_key(user_id: int, course_key: str, kind: str) -> str:
    return f"credential_xblock:auto_issue:{kind}:{user_id}:{course_key}"


def _cache():
    return caches[conf.get("CACHE") or "default"]


def schedule(user_id: int, course_key: str, kind: str) -> bool:
    """Claim the debounce window and arrange the evaluation for after commit; False when already claimed."""
    key = debounce_key(user_id, course_key, kind)
    if not _cache().add(key, 1, timeout=delay()):
        return False
    after_commit(lambda: queue_if_needed(user_id, course_key, kind))
    return True


def queue_if_needed(user_id: int, course_key: str, kind: str) -> bool:
    """Queue the evaluation task when some configuration may still be issued to this learner."""
    if not candidate_configs(user_id, course_key, kind) and not _path_candidates(user_id, course_key):
        return False
    from credential_admin import tasks

    tasks.queue_auto_issue(user_id, course_key, kind, countdown=delay())
    return True


def affected_by(criteria: dict, kind: str) -> bool:
    """Whether an event of `kind` can change the outcome of these criteria: grade events the grade rules,
    completion events every other rule (course, section and subsection completion); enrollment changes all."""
    rules = {name for name, value in (criteria or {}).items() if value not in (None, "", {}, [])}
    if kind == "grade":
        return bool(rules & GRADE_RULES)
    if kind == "completion":
        return bool(rules - GRADE_RULES)
    return True


def candidate_configs(user_id: int, course_key: str, kind: str) -> list:
    """The course's published configurations an event of `kind` can change and this learner neither holds nor was
    revoked from: one query for a course without such configurations, two otherwise."""
    from credential_admin.models import Credential, CredentialConfig

    configs = [config for config in CredentialConfig.objects.filter(course_key=course_key, is_published=True)
               if affected_by(config.criteria, kind)]
    if not configs:
        return []
    blocked = set(Credential.objects.filter(user_id=user_id, config_id__in=[config.pk for config in configs])
                  .filter(Q(active=True) | Q(status=Credential.Status.REVOKED, reinstated_at__isnull=True))
                  .values_list("config_id", flat=True))
    return [config for config in configs if config.pk not in blocked]


def evaluate(user_id: int, course_key: str, kind: str) -> int:
    """Issue what the learner now meets; returns how many credentials were issued."""
    from credential_admin.issuing import pipeline

    _cache().delete(debounce_key(user_id, course_key, kind))  # events from now on queue a fresh evaluation
    issued = 0
    for config in candidate_configs(user_id, course_key, kind):
        issued += pipeline.issue_for_users(config, [user_id]).issued
    from credential_admin.paths.issuing import issue_for_course_event

    return issued + issue_for_course_event(user_id, course_key)  # the paths this course completes


def _path_candidates(user_id: int, course_key: str) -> list:
    """Path credentials this learner's progress in the course may complete (credential_admin.paths)."""
    from credential_admin.paths.issuing import candidates

    return candidates(user_id, course_key)


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current transaction commits, logging (never raising) its errors: on Django 4.2
    an exception from an on_commit callback reaches the code that committed, here the platform's."""
    def safe() -> None:
        try:
            callback()
        except Exception:
            log.exception("credential-xblock: automatic issuing could not be queued")

    transaction.on_commit(safe)
