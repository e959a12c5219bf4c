"""Claiming through the Credential block's handler on the demo course: an eligible learner gets the issued state
(download and verification links), claiming again changes nothing, an ineligible learner gets the reason, and
the staff counts follow."""
from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from credential_admin.demo.seed import COURSE_KEY

ACHIEVEMENT = "block-v1:Demo+CX101+2026+type@credential+block@achievement_credential"
HANDLER = f"/courses/{COURSE_KEY}/xblock/{ACHIEVEMENT}/handler/"


@pytest.fixture
def demo(db):
    call_command("demo_setup", stdout=io.StringIO())


def post(client, username, handler):
    client.force_login(get_user_model().objects.get(username=username))
    return client.post(HANDLER + handler + "/", data="{}", content_type="application/json")


def test_eligible_learner_claims_once(demo, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # issuing is queued after commit (eager Celery)
        first = post(client, "chen", "claim")
    assert first.status_code == 200, first.content
    # Here the task runs when the test's transaction "commits", after the handler answered: pending, then issued.
    assert first.json()["checklist"]["status"] in ("pending", "issued")
    issued = post(client, "chen", "progress").json()
    checklist = issued["checklist"]
    assert checklist["status"] == "issued"
    verify, download = checklist["credential"]["verify_url"], checklist["credential"]["download_url"]
    assert "/credentials/verify/" in verify and download
    assert 'data-role="verify-link"' in issued["html"]
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, "chen", "claim")
    assert again.json()["checklist"]["credential"]["verify_url"] == verify  # the same credential
    counts = post(client, "staff", "staff_summary").json()
    assert counts == {"learners": 5, "eligible": 1, "issued": 1}


def test_ineligible_learner_is_told_why(demo, client):
    response = post(client, "dana", "claim")
    assert response.status_code == 409
    assert "You cannot claim this credential yet" in json.loads(response.content)["error"]
    assert post(client, "dana", "progress").json()["checklist"]["status"] == "in_progress"


def test_claim_needs_post(demo, client):
    client.force_login(get_user_model().objects.get(username="chen"))
    assert client.get(HANDLER + "claim/").status_code == 405
