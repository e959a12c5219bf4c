"""Bulk path evaluation: 1,000 learners on 5 courses with a constant number of queries per batch, whatever its size.

Data (tests.paths_support.seed_bulk_path): learner i completed i % 11 of the 10 units of every course; every tenth
learner left the path. With a global rule of 80% (8 units) a learner qualifies when i % 11 >= 8 and i % 10 != 0.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credential_admin.paths import configs as path_configs
from credential_admin.paths.evaluate import evaluate_batch
from credential_admin.paths.rules import rules_for
from tests.paths_support import seed_bulk_path

pytestmark = pytest.mark.django_db
LEARNERS = 1000


def queries_for(rules, user_ids) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        progress = evaluate_batch(rules, user_ids)
    return len(captured), progress


def test_a_thousand_learners_on_five_courses_in_constant_queries_per_batch():
    key, user_ids = seed_bulk_path(LEARNERS)
    config = path_configs.create(key, "completion", global_criteria={"min_completion": "80"}).config
    rules = rules_for(config)
    small, _ = queries_for(rules, user_ids[:10])
    middle, _ = queries_for(rules, user_ids[10:260])
    whole, progress = queries_for(rules, user_ids)
    assert small == middle == whole
    assert whole <= 1 + 5 * 6  # the path enrollments, then the backend's few queries per course
    expected = [i for i in range(LEARNERS) if i % 11 >= 8 and i % 10 != 0]
    assert [i for i, p in enumerate(progress) if p.eligible] == expected
    assert len(expected) == 245  # 272 with i % 11 >= 8, less the 27 of them with i % 10 == 0
    assert progress[8].done_count == 5 and progress[7].done_count == 0
    assert [m.render() for m in progress[7].reasons()] == [f"Course {c} needs 1 more unit" for c in range(1, 6)]
