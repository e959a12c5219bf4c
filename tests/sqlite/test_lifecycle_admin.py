"""Django admin lifecycle actions (reissue, revoke with a reason, reinstate, retry) and the audit log's filters."""
import re

import pytest
from django.contrib.auth import get_user_model

from credential_admin.issuing import lifecycle, pipeline
from credential_admin.models import AuditLog, Credential
from credential_admin.standalone.models import Profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
CHANGELIST = "/admin/credential_admin/credential/"


@pytest.fixture
def root(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def issued(achievement, ace):
    pipeline.issue_for_users(achievement, [ace().pk, ace("bruno", "Bruno Díaz").pk])
    return list(Credential.objects.order_by("pk"))


def act(client, action: str, credentials, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [c.pk for c in credentials], **extra},
                       follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_revoke_asks_for_a_reason_and_refuses_an_empty_one(client, root, issued):
    alice, bruno = issued
    form = act(client, "revoke", [alice])
    assert form.status_code == 200 and "Revoke this credential?" in form.content.decode()
    assert alice.formatted_code in form.content.decode()
    before = (list(Credential.objects.values_list("status", flat=True)), AuditLog.objects.count())
    refused = client.post(CHANGELIST, {"action": "revoke", "_selected_action": [alice.pk], "apply": "1",
                                       "reason": "   "})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert (list(Credential.objects.values_list("status", flat=True)), AuditLog.objects.count()) == before
    done = act(client, "revoke", [alice], apply="1", reason="Plagiarism")
    assert page_messages(done) == ["Revoked 1 credential(s)."]
    row = Credential.objects.get(pk=alice.pk)
    assert (row.status, row.revoked_by, row.revocation_reason) == ("revoked", root, "Plagiarism")
    assert AuditLog.objects.filter(action="revoked", credential=row, actor=root, actor_label="user:root").exists()
    assert Credential.objects.get(pk=bruno.pk).status == "issued"


def test_reissue_reinstate_and_refusals_by_code(client, root, issued):
    alice, bruno = issued
    Profile.objects.filter(user=alice.user).update(name="Alice Renamed")
    result = act(client, "reissue", [alice])
    assert page_messages(result) == ["Reissued 1 credential(s)."]
    old = Credential.objects.get(pk=alice.pk)
    assert old.status == "superseded" and old.superseded_by.snapshot["name"] == "Alice Renamed"
    again = act(client, "reissue", [old, bruno])  # the superseded one is refused by code, bruno's is reissued
    assert page_messages(again) == [
        f"{old.formatted_code}: {old.formatted_code} is Superseded: only an issued credential can be reissued.",
        "Reissued 1 credential(s)."]
    lifecycle.revoke(Credential.objects.get(user=bruno.user, active=True), actor=lifecycle.Actor.system("t"),
                     reason="x")
    revoked = Credential.objects.get(status="revoked")
    assert page_messages(act(client, "reinstate", [revoked])) == [
        "Reinstated 1 credential(s); the next claim or issuing run issues new ones."]
    assert Credential.objects.get(pk=revoked.pk).reinstated_at is not None


def test_retry_action_issues_a_failed_credential(client, root, achievement, ace, isolated_issuing):
    isolated_issuing.down = True
    pipeline.issue_for_users(achievement, [ace().pk])
    isolated_issuing.down = False
    failed = Credential.objects.get(status="failed")
    assert page_messages(act(client, "retry", [failed])) == ["Issued 1 failed credential(s)."]
    assert Credential.objects.get(pk=failed.pk).status == "issued"


def test_the_reissue_switch_removes_the_reissue_action(client, root, issued, settings):
    assert 'value="reissue"' in client.get(CHANGELIST).content.decode()
    settings.CREDENTIAL_XBLOCK_FEATURES = {"REISSUE": False}
    page = client.get(CHANGELIST).content.decode()
    assert 'value="reissue"' not in page and 'value="revoke"' in page
    Profile.objects.filter(user=issued[0].user).update(name="Alice Renamed")
    act(client, "reissue", [issued[0]])
    assert Credential.objects.count() == 2 and not Credential.objects.filter(status="superseded").exists()


def test_staff_without_the_change_permission_see_no_lifecycle_action(client, issued):
    staff = get_user_model().objects.create_user("viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_credential"))
    client.force_login(staff)
    page = client.get(CHANGELIST).content.decode()
    assert page.count('name="action"') == 0
    act(client, "revoke", issued, apply="1", reason="no")
    assert not Credential.objects.filter(status="revoked").exists()


def test_audit_log_filters_by_action_and_actor(client, root, issued):
    lifecycle.revoke(issued[0], actor=lifecycle.Actor.command("revoke_credentials"), reason="x")
    act(client, "revoke", [issued[1]], apply="1", reason="y")

    def count(**query) -> int:
        page = client.get("/admin/credential_admin/auditlog/", query).content.decode()
        return int(re.search(r"(\d+) (?:audit log entry|audit log entries)", page).group(1))

    assert count(action="revoked") == 2
    assert count(action="issued") == 2
    assert count(actor_label="command:revoke_credentials") == 1
    assert count(actor__id__exact=root.pk) == 1
    page = client.get("/admin/credential_admin/auditlog/").content.decode()
    assert "By who or what acted" in page and "By actor" in page and ">command:revoke_credentials</a>" in page
    assert client.get("/admin/credential_admin/auditlog/add/").status_code == 403
    entry = AuditLog.objects.first()
    assert client.post(f"/admin/credential_admin/auditlog/{entry.pk}/delete/").status_code == 403
