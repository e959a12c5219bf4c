"""Benchmark: the cost of one grade event on automatic issuing's no-op path (DESIGN.md "Targets": ≤ 5 ms and a
handful of queries in the receiver).

A course with one Credential block (an 80% grade), and two kinds of learners, alternating: one who already holds
the credential (nothing to queue) and one who is not eligible yet (one evaluation handed to Celery; the broker's
publish is replaced by a no-op, as it is not our code). Each event is a real ``COURSE_PASSING_STATUS_UPDATED``
sent inside a transaction, with its on-commit work run, and with the learner's debounce key cleared first, so every
event takes the full path (a debounced event costs one cache call). Keys: ``auto_issue_event_ms`` (mean wall time
per event: receiver plus its after-commit work) and ``auto_issue_event_queries`` (the most queries one event
ran, not counting the BEGIN and COMMIT of the platform's own transaction).
Run alone: ``.venv/bin/python -m tests.benchmarks.auto_issue`` (EVENTS=… to change the count).
"""
from __future__ import annotations

import os
import tempfile
import time

EVENTS = int(os.environ.get("EVENTS", "2000"))
COURSE_KEY = "course-v1:Bench+AUTO+2026"
OLX = """<course display_name="Auto-issue benchmark"><chapter url_name="c"><sequential url_name="s">
  <vertical url_name="u1"><html url_name="h1"><p>Read me.</p></html>
  <credential url_name="ace" display_name="Achievement" level="achievement" min_grade="80"/></vertical>
</sequential></chapter></course>"""


def seed():
    """The course, its configuration, a holder (with an issued credential) and a learner not eligible yet."""
    from django.contrib.auth import get_user_model

    from credential_admin.configs import sync_course
    from credential_admin.issuing import pipeline
    from credential_admin.models import Credential, CredentialConfig
    from credential_admin.standalone.loader import load_course
    from credential_admin.standalone.models import Enrollment

    course = load_course(COURSE_KEY, OLX, {"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}})
    sync_course(COURSE_KEY)
    config = CredentialConfig.objects.get(course_key=COURSE_KEY)
    holder, newcomer = (get_user_model().objects.create_user(username=name) for name in ("holder", "newcomer"))
    for user in (holder, newcomer):
        Enrollment.objects.create(user=user, course=course, mode="verified")
    Credential.objects.create(verification_id=pipeline.new_verification_id(), short_code=pipeline.new_short_code(),
                              user=holder, config=config, status=Credential.Status.ISSUED)
    return holder, newcomer


def events(learners, count_queries: bool) -> tuple[float, int]:
    """(mean ms per event, most queries of one event). Queries are counted in a separate pass: capturing them
    costs more than running them (SQLite quotes each parameter with a query of its own)."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from credential_admin import autoissue

    course = CourseData(course_key=CourseKey.from_string(COURSE_KEY))
    statuses = [CoursePassingStatusData(is_passing=False, course=course, user=UserData(
        id=user.pk, is_active=True, pii=UserPersonalData(username=user.username, email="", name="")))
        for user in learners]
    most, elapsed = 0, 0.0
    for index in range(EVENTS):
        status = statuses[index % len(statuses)]
        cache.delete(autoissue.debounce_key(status.user.id, COURSE_KEY, "grade"))
        if count_queries:
            with CaptureQueriesContext(connection) as queries, transaction.atomic():
                COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=status)
            most = max(most, sum(query["sql"] not in ("BEGIN", "COMMIT") for query in queries))
            continue
        start = time.perf_counter()
        with transaction.atomic():
            COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=status)
        elapsed += time.perf_counter() - start
    return elapsed * 1000 / EVENTS, most


def run() -> dict[str, float]:
    os.environ.setdefault("CREDENTIAL_TEST_DIR", tempfile.mkdtemp(prefix="bench-auto-issue-"))
    os.environ.setdefault("CREDENTIAL_DB_NAME", "bench_auto_issue")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    settings.CREDENTIAL_XBLOCK_FEATURES = {"AUTO_ISSUE": True}
    from credential_admin import tasks

    queued = []
    tasks.queue_auto_issue = lambda *args, **kwargs: queued.append(args)  # the broker publish: not ours to time
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("migrate", verbosity=0)
        learners = seed()
        ms, _ = events(learners, count_queries=False)
        _, queries = events(learners, count_queries=True)
    finally:
        teardown_databases(databases, verbosity=0)
    # Half the events were the newcomer's: each handed one evaluation to Celery; the holder's none.
    assert len(queued) == EVENTS, f"expected {EVENTS} queued evaluations (half of each pass), got {len(queued)}"
    print(f"{EVENTS} grade events: {ms:.3f} ms each, at most {queries} queries", flush=True)
    return {"auto_issue_event_ms": round(ms, 3), "auto_issue_event_queries": queries}


if __name__ == "__main__":
    print(run())
