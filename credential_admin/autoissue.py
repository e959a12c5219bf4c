"""Automatic issuing (the AUTO_ISSUE switch): one learner's event becomes at most one queued evaluation.

- `schedule` runs in the receiver: a cache key per (learner, course, kind of event) debounces, so the first event
  of a window queues and the others in it cost one cache call each; nothing touches the database until the
  platform's transaction commits.
- On commit, one query (compiled once per process) finds the configurations the event can still affect
  (published, with a rule of that kind, and not already held or revoked for this learner) and, when there are
  none, one the Learning Paths the course may complete; only if there are any is a Celery task queued, delayed by
  AUTO_ISSUE_DELAY so the evaluation sees the end of the window. This is the whole cost of the common case.
- `evaluate` (the task) releases the key, then issues through the pipeline, which is idempotent.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from django.core.cache import caches
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q

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
    if not open_config_ids(user_id, course_key, kind) and not _path_candidates(user_id, course_key):
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
    revoked from (for the task: the check is `open_config_ids`, the configurations are loaded only if any)."""
    from credential_admin.models import CredentialConfig

    ids = open_config_ids(user_id, course_key, kind)
    return list(CredentialConfig.objects.filter(pk__in=ids)) if ids else []


def open_config_ids(user_id: int, course_key: str, kind: str) -> list[int]:
    """The ids of `candidate_configs`, in one query whose SQL is compiled once per database: building a queryset
    costs more than running it, and this runs after every grade or completion event."""
    from credential_admin.models import CredentialConfig

    alias = router.db_for_read(CredentialConfig)
    sql, params = _open_configs_sql(alias)
    values = {_USER: user_id, _COURSE: course_key}
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(param, param) for param in params])
        rows = cursor.fetchall()
    criteria = CredentialConfig._meta.get_field("criteria")
    return [pk for pk, raw in rows if affected_by(criteria.from_db_value(raw, None, connection), kind)]


#: Stand-ins for the learner and the course in the compiled SQL of `open_config_ids` (no real id or key).
_USER, _COURSE = -73_570_001, "credential_xblock:auto_issue:course"


@lru_cache(maxsize=8)
def _open_configs_sql(alias: str) -> tuple[str, tuple]:
    """(SQL, params) of the published configurations of _COURSE that _USER neither holds nor was revoked from."""
    from credential_admin.models import Credential, CredentialConfig

    blocking = Credential.objects.filter(config=OuterRef("pk"), user_id=_USER).filter(
        Q(active=True) | Q(status=Credential.Status.REVOKED, reinstated_at__isnull=True))
    open_configs = (CredentialConfig.objects.filter(course_key=_COURSE, is_published=True)
                    .filter(~Exists(blocking)).order_by().values_list("pk", "criteria"))
    sql, params = open_configs.query.get_compiler(using=alias).as_sql()
    if list(params).count(_USER) != 1 or list(params).count(_COURSE) != 1:
        raise RuntimeError("The candidate configurations' SQL does not take the learner and the course once each.")
    return sql, tuple(params)


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
