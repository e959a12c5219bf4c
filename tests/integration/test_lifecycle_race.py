"""Two processes reissue the same credential at the same moment, on MariaDB or PostgreSQL: exactly one succeeds,
the other is refused (the old row is locked, then found superseded), and exactly one credential stays active.

Each round starts both processes, lets them load Django, then has them call `lifecycle.reissue` at one agreed
wall-clock moment; the next round races on the credential the previous one left active.
"""
import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from credential_admin.issuing import pipeline
from credential_admin.models import AuditLog, Credential
from tests.integration.conftest import ROOT

pytestmark = [pytest.mark.integration]
ROUNDS = 3


def racers(credential_pk: int) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "CREDENTIAL_DB_NAME": connection.settings_dict["NAME"], "CREDENTIAL_TEST_DIR": settings.CREDENTIAL_DATA_DIR,
           "CREDENTIAL_BASE_URL": settings.CREDENTIAL_XBLOCK_BASE_URL}
    start_at = time.time() + 8  # time for both processes to start Django first
    processes = [subprocess.Popen([sys.executable, "-m", "tests.integration.race_reissue", str(credential_pk),
                                   str(start_at)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _side in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_racing_reissues_leave_exactly_one_active_credential(course_with_learners):
    config, [learner] = course_with_learners(1)
    assert pipeline.issue_for_users(config, [learner.pk]).issued == 1
    current = Credential.objects.get(user=learner, config=config)
    for _round in range(ROUNDS):
        results = racers(current.pk)
        winners = [r["new"] for r in results if "new" in r]
        refused = [r["refused"] for r in results if "refused" in r]
        assert len(winners) == 1 and len(refused) == 1, results
        assert refused[0] == f"{current.formatted_code} is Superseded: only an issued credential can be reissued."
        active = list(Credential.objects.filter(user=learner, config=config, active=True))
        assert [row.pk for row in active] == winners and active[0].status == "issued"
        previous = Credential.objects.get(pk=current.pk)
        assert (previous.status, previous.superseded_by_id) == ("superseded", winners[0])
        current = active[0]
    assert Credential.objects.filter(user=learner, config=config).count() == ROUNDS + 1
    assert AuditLog.objects.filter(action="reissued", actor_label="system:race").count() == ROUNDS
