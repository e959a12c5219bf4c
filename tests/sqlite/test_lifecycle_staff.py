"""The Credential block's staff actions (handler `staff_action`) on the demo: course staff grant by hand, revoke,
reinstate and retry; learners are refused; bad input is refused with a reason and changes nothing."""
import json

import pytest
from django.contrib.auth import get_user_model

from credential_admin.demo.seed import COURSE_KEY, setup_demo
from credential_admin.models import AuditLog, Credential
from tests.sqlite.test_demo_learners import COMPLETION

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
URL = f"/courses/{COURSE_KEY}/xblock/{COMPLETION}/handler/staff_action/"


@pytest.fixture
def demo(db):
    setup_demo(say=lambda _line: None)
    Credential.objects.all().delete()  # the demo's badges: not the subject here


def act(client, acting: str, **body):
    client.force_login(get_user_model().objects.get(username=acting))
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def state():
    return list(Credential.objects.values_list("pk", "status", "reinstated_at")), AuditLog.objects.count()


def test_grant_revoke_reinstate_from_the_staff_panel(demo, client):
    status, answer = act(client, "staff", action="grant", username="dana", reason="Exam taken on paper")
    granted = Credential.objects.get(user__username="dana")
    assert (status, answer["status"]) == (200, "issued")
    assert answer["message"] == f"Granted to dana: {granted.formatted_code}."
    log = AuditLog.objects.get(action="granted")
    assert (log.actor.username, log.actor_label, log.details) == ("staff", "user:staff",
                                                                  {"reason": "Exam taken on paper"})
    status, answer = act(client, "staff", action="revoke", username="dana", reason="Paper exam was void")
    assert status == 200 and answer["message"] == f"Revoked dana's credential {granted.formatted_code}."
    assert Credential.objects.get(pk=granted.pk).revocation_reason == "Paper exam was void"
    status, answer = act(client, "staff", action="reinstate", username="dana")
    assert status == 200 and answer["message"].startswith("Reinstated dana: they can receive this credential again")
    assert Credential.objects.get(pk=granted.pk).reinstated_at is not None


@pytest.mark.parametrize(("body", "message"), [
    ({"action": "grant", "username": "dana", "reason": " "}, "A reason is required to grant a credential by hand."),
    ({"action": "grant", "username": "ghost", "reason": "x"}, "No learner has the username ghost."),
    ({"action": "grant", "username": "", "reason": "x"}, "Enter the learner's username."),
    ({"action": "grant", "username": "admin", "reason": "x"}, "admin is not enrolled in this course."),
    ({"action": "revoke", "username": "dana", "reason": "x"}, "dana holds no active credential here."),
    ({"action": "reinstate", "username": "dana"}, "dana has no revoked credential to reinstate"),
    ({"action": "retry", "code": "0000-0000-0000"}, "No credential 0000-0000-0000 here."),
    ({"action": "explode"}, "Unknown action."),
])
def test_bad_staff_input_is_refused_and_changes_nothing(demo, client, body, message):
    before = state()
    status, answer = act(client, "staff", **body)
    assert status == 409 and answer["error"].startswith(message)
    assert state() == before


def test_learners_cannot_act(demo, client):
    before = state()
    status, _answer = act(client, "chen", action="grant", username="chen", reason="me")
    assert status == 403 and state() == before


def test_failed_list_and_retry(demo, client, isolated_issuing):
    isolated_issuing.down = True
    status, answer = act(client, "staff", action="grant", username="dana", reason="paper")
    assert status == 409 and "storage unreachable" in answer["error"]
    assert not Credential.objects.exists()  # a grant is one transaction: nothing half-made
    from credential_admin.issuing import pipeline
    from credential_admin.models import CredentialConfig

    pipeline.issue_for_users(CredentialConfig.objects.get(usage_key=COMPLETION),
                             list(get_user_model().objects.filter(username="chen").values_list("pk", flat=True)))
    failed = Credential.objects.get(status="failed")
    status, answer = act(client, "staff", action="failed")
    assert status == 200 and [(item["code"], item["username"], item["attempts"]) for item in answer["failed"]] == [
        (failed.formatted_code, "chen", 1)]
    status, answer = act(client, "staff", action="retry", code=failed.formatted_code.lower())
    assert status == 409 and "storage unreachable" in answer["error"]
    isolated_issuing.down = False
    status, answer = act(client, "staff", action="retry", code=failed.formatted_code)
    assert status == 200 and answer["message"] == f"{failed.formatted_code} issued to chen."
    assert act(client, "staff", action="failed")[1] == {"failed": []}
