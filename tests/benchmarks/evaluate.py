"""Benchmark: evaluate 10,000 learners in bulk through the standalone backend and the rules engine.

Data as DESIGN.md "Targets" says: a course of 100 units of 4 components, 10,000 enrolled learners, half of them
~90% complete (360 of 400 components), the other half ~10%. Learners are evaluated in batches of
``CREDENTIAL_XBLOCK_BATCH_SIZE`` (500) exactly as bulk issuing does: `records()` for the batch, then
`rules.evaluate` for each. Keys: ``evaluate_10k_s`` (wall time of the evaluation, setup excluded) and
``evaluate_queries_per_batch`` (the largest number of queries one batch ran; it must not grow with the batch) on
SQLite, then ``evaluate_10k_mariadb_s`` and ``evaluate_mariadb_queries_per_batch`` on MariaDB (database
``credentials_bench_evaluate``), each in a process of its own.
Run alone: ``.venv/bin/python -m tests.benchmarks.evaluate``; ``… evaluate --one`` measures CREDENTIAL_DB only.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

LEARNERS = 10_000
UNITS = 100
COMPONENTS = 4
CHAPTERS = 10
COURSE_KEY = "course-v1:Bench+EVAL+2026"
DB_NAME = "credentials_bench_evaluate"  # on MariaDB or PostgreSQL: created fresh, dropped at the end


def course_olx() -> str:
    """100 units of 4 HTML components in 10 chapters of one subsection each."""
    units_per_chapter = UNITS // CHAPTERS
    chapters = []
    for c in range(CHAPTERS):
        units = "".join(
            f'<vertical url_name="u{c}_{u}">'
            + "".join(f'<html url_name="h{c}_{u}_{k}">Part {k}</html>' for k in range(COMPONENTS))
            + "</vertical>"
            for u in range(units_per_chapter)
        )
        chapters.append(f'<chapter url_name="c{c}"><sequential url_name="s{c}">{units}</sequential></chapter>')
    return f'<course display_name="Bench">{"".join(chapters)}</course>'


def seed() -> list[int]:
    """Load the course, create the learners and their completions; return the learners' ids."""
    from django.db import transaction

    with transaction.atomic():  # one transaction: SQLite would otherwise sync the file after every batch
        return _seed_rows()


def _seed_rows() -> list[int]:
    from completion.models import BlockCompletion
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    from credential_admin.standalone.loader import load_course
    from credential_admin.standalone.models import Course, Enrollment, Profile

    course = load_course(COURSE_KEY, course_olx(), {"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}})
    course = Course.objects.get(pk=course.pk)
    user_model = get_user_model()
    user_model.objects.bulk_create((user_model(username=f"bench{i:05d}") for i in range(LEARNERS)), batch_size=5000)
    users = list(user_model.objects.filter(username__startswith="bench").order_by("pk"))
    Profile.objects.bulk_create((Profile(user=u, name=f"Learner {i}") for i, u in enumerate(users)), batch_size=5000)
    Enrollment.objects.bulk_create((Enrollment(user=u, course=course, mode="verified") for u in users),
                                   batch_size=5000)
    context = CourseKey.from_string(COURSE_KEY)
    components = [context.make_usage_key("html", f"h{c}_{u}_{k}") for c in range(CHAPTERS)
                  for u in range(UNITS // CHAPTERS) for k in range(COMPONENTS)]
    for index, user in enumerate(users):
        done = components[: 360 if index % 2 else 40]
        BlockCompletion.objects.bulk_create(
            (BlockCompletion(user=user, context_key=context, block_key=key, block_type="html", completion=1.0)
             for key in done), batch_size=5000)
    return [u.pk for u in users]


def evaluate_all(user_ids: list[int]) -> tuple[float, int, int]:
    """(seconds, most queries in one batch, eligible learners) for evaluating every learner in batches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credential_admin import conf
    from credential_admin.backends import get_backend
    from credential_xblock.rules import evaluate, parse_criteria

    backend, criteria, size = get_backend(), parse_criteria({"min_completion": "90"}), conf.get("BATCH_SIZE")
    most_queries = eligible = 0
    start = time.perf_counter()
    for first in range(0, len(user_ids), size):
        with CaptureQueriesContext(connection) as queries:
            records = backend.records(COURSE_KEY, user_ids[first:first + size])
        eligible += sum(evaluate(criteria, record).eligible for record in records)
        most_queries = max(most_queries, len(queries))
    return time.perf_counter() - start, most_queries, eligible


def measure() -> dict[str, float]:
    """Seed a fresh database (SQLite, or CREDENTIAL_DB's engine in database CREDENTIAL_DB_NAME) and evaluate."""
    os.environ.setdefault("CREDENTIAL_TEST_DIR", tempfile.mkdtemp(prefix="bench-evaluate-"))
    os.environ.setdefault("CREDENTIAL_DB_NAME", DB_NAME)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # this exact name, no test_ prefix
        settings.DATABASES["default"]["TEST"]["NAME"] = settings.DATABASES["default"]["NAME"]
    databases = setup_databases(verbosity=0, interactive=False)  # a fresh test database on any engine
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        user_ids = seed()
        print(f"seeded {LEARNERS} learners in {time.perf_counter() - started:.1f} s", flush=True)
        seconds, queries, eligible = evaluate_all(user_ids)
    finally:
        teardown_databases(databases, verbosity=0)
    # Half the learners completed 90 of 100 units (360 components); the check keeps the figure honest.
    assert eligible == LEARNERS // 2, f"expected {LEARNERS // 2} eligible learners, got {eligible}"
    print(f"evaluated {LEARNERS} learners in {seconds:.2f} s, at most {queries} queries per batch", flush=True)
    return {"seconds": round(seconds, 3), "queries": queries}


def _child(database: str) -> dict[str, float]:
    """`measure` on `database` in a process of its own (Django is set up once per process)."""
    env = {**os.environ, "CREDENTIAL_DB": database, "CREDENTIAL_DB_NAME": DB_NAME}
    env.pop("CREDENTIAL_TEST_DIR", None)
    output = subprocess.run([sys.executable, "-m", "tests.benchmarks.evaluate", "--one"], env=env, check=True,
                            capture_output=True, text=True).stdout
    print(output, end="", flush=True)
    return json.loads(output.strip().splitlines()[-1])


def run() -> dict[str, float]:
    sqlite, mariadb = _child("sqlite"), _child("mysql")
    return {"evaluate_10k_s": sqlite["seconds"], "evaluate_queries_per_batch": sqlite["queries"],
            "evaluate_10k_mariadb_s": mariadb["seconds"], "evaluate_mariadb_queries_per_batch": mariadb["queries"]}


if __name__ == "__main__":
    print(json.dumps(measure() if sys.argv[1:] == ["--one"] else run()))
