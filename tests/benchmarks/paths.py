"""Benchmark: evaluate a Learning Path of 5 courses for 1,000 learners in batches, as bulk path issuing does.

Data from tests.paths_support.seed_bulk_path (10 units per course; learner i completed i % 11 of them; every tenth
left the path); a global rule of 80%. Keys: ``path_evaluate_1k_s`` (wall time of reading the rules once and
evaluating every batch of ``CREDENTIAL_XBLOCK_BATCH_SIZE``; setup excluded) and ``path_evaluate_queries_per_batch``
(the most queries one batch ran: it must not grow with the batch). Run alone: ``python -m tests.benchmarks paths``.
"""
from __future__ import annotations

import os
import tempfile
import time

LEARNERS = 1000


def evaluate_all(key: str, user_ids: list[int]) -> tuple[float, int, int]:
    """(seconds, most queries in one batch, learners who qualify)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credential_admin import conf
    from credential_admin.paths import configs
    from credential_admin.paths.evaluate import evaluate_batch
    from credential_admin.paths.rules import rules_for

    config = configs.create(key, "completion", global_criteria={"min_completion": "80"}).config
    size, most, qualified = conf.get("BATCH_SIZE"), 0, 0
    start = time.perf_counter()
    rules = rules_for(config)
    for first in range(0, len(user_ids), size):
        with CaptureQueriesContext(connection) as queries:
            qualified += sum(p.eligible for p in evaluate_batch(rules, user_ids[first:first + size]))
        most = max(most, len(queries))
    return time.perf_counter() - start, most, qualified


def run() -> dict[str, float]:
    os.environ.setdefault("CREDENTIAL_TEST_DIR", tempfile.mkdtemp(prefix="bench-paths-"))
    os.environ.setdefault("CREDENTIAL_DB_NAME", "bench_paths")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import setup_databases, teardown_databases

    django.setup()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("migrate", verbosity=0)
        from tests.paths_support import seed_bulk_path

        with transaction.atomic():
            key, user_ids = seed_bulk_path(LEARNERS)
        seconds, queries, qualified = evaluate_all(key, user_ids)
    finally:
        teardown_databases(databases, verbosity=0)
    assert qualified == 245, f"expected 245 learners to qualify, got {qualified}"  # see tests/sqlite/test_paths_bulk
    print(f"evaluated {LEARNERS} learners on 5 courses in {seconds:.2f} s, at most {queries} queries per batch")
    return {"path_evaluate_1k_s": round(seconds, 3), "path_evaluate_queries_per_batch": queries}


if __name__ == "__main__":
    print(run())
