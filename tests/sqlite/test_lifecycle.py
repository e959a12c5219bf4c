"""The lifecycle API (credential_admin/issuing/lifecycle.py) on SQLite: reissue, revoke, reinstate, grant, retry.

Learners come from the demo course (see test_issuing_pipeline): `ace()` scores 100% and is eligible for the
Achievement credential; a learner made with `make_learner` has answered nothing (0%) and is not.
"""
import json
from datetime import date

import pytest

from credential_admin.issuing import lifecycle, pipeline, signing
from credential_admin.issuing.lifecycle import Actor, LifecycleError
from credential_admin.issuing.pdf import read_embedded_payload
from credential_admin.models import AuditLog, Credential
from credential_admin.standalone.models import Profile
from tests.pdf_samples import pdftotext

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
ADMIN = Actor.command("test")


@pytest.fixture
def issued(achievement, ace):
    """Alice's issued Achievement credential, issued on 2026-01-15 (set on the row before it is made)."""
    alice = ace()
    row = pipeline.reserve(achievement, pipeline.decide(achievement, _records(achievement, [alice.pk])),
                           "Credentials 101")[0]
    Credential.objects.filter(pk=row.pk).update(issued_on=date(2026, 1, 15))
    pipeline.issue(row.pk)
    return Credential.objects.get(pk=row.pk)


def _records(config, user_ids):
    from credential_admin.backends import get_backend

    return get_backend().records(config.course_key, user_ids)


def rename(user, name: str) -> None:
    Profile.objects.filter(user=user).update(name=name)


def test_reissue_after_a_name_change_supersedes_with_a_link_and_keeps_the_issue_date(issued, stored_bytes):
    rename(issued.user, "Alice Corrected")
    new = lifecycle.reissue(issued, actor=ADMIN, reason="name correction")
    old = Credential.objects.get(pk=issued.pk)
    assert (old.status, old.active, old.superseded_by_id) == ("superseded", None, new.pk)
    assert (new.status, new.active, new.issued_on) == ("issued", True, date(2026, 1, 15))
    assert new.reissued_at is not None and new.verification_id != old.verification_id
    facts = json.loads(new.payload)
    assert facts["name"] == "Alice Corrected" and facts["issued_on"] == "2026-01-15"
    assert signing.verify(new.payload.encode(), new.signature, new.key_id)
    text = pdftotext(stored_bytes(new))
    assert "Alice Corrected" in text and "Issued on Jan. 15, 2026" in text and "Alice Example" not in text
    envelope = signing.open_envelope(read_embedded_payload(stored_bytes(new)))
    assert envelope.payload == new.payload.encode()
    log = list(AuditLog.objects.filter(action__in=["superseded", "reissued"]).order_by("id")
               .values_list("action", "credential_id", "actor_label", "details"))
    assert log == [("superseded", old.pk, "command:test", {"superseded_by": new.verification_id,
                                                            "reason": "name correction"}),
                   ("reissued", new.pk, "command:test", {"supersedes": old.verification_id,
                                                          "reason": "name correction"})]


def test_reissue_with_nothing_changed_is_a_no_op_unless_forced(issued):
    assert lifecycle.reissue(issued, actor=ADMIN) is None
    assert Credential.objects.count() == 1 and Credential.objects.get().status == "issued"
    new = lifecycle.reissue(issued, actor=ADMIN, force=True)
    assert Credential.objects.filter(active=True).get() == new
    assert json.loads(new.payload)["name"] == "Alice Example"


def test_reissue_of_a_superseded_credential_is_refused_and_changes_nothing(issued):
    rename(issued.user, "Alice Two")
    lifecycle.reissue(issued, actor=ADMIN)
    before = AuditLog.objects.count()
    with pytest.raises(LifecycleError, match="is Superseded: only an issued credential can be reissued"):
        lifecycle.reissue(issued, actor=ADMIN)
    assert Credential.objects.count() == 2 and AuditLog.objects.count() == before


def test_reissue_is_refused_while_the_switch_is_off(issued, settings):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"REISSUE": False}
    rename(issued.user, "Alice Two")
    with pytest.raises(lifecycle.ReissueDisabled, match="REISSUE"):
        lifecycle.reissue(issued, actor=ADMIN)
    assert list(Credential.objects.values_list("status", flat=True)) == ["issued"]
    assert lifecycle.reissue_for_user(issued.user_id, actor=Actor.system("name-change"))[0].error


def test_revoke_records_who_when_why_and_blocks_issuing_until_reinstated(issued, achievement, staff_user):
    with pytest.raises(LifecycleError, match="A reason is required"):
        lifecycle.revoke(issued, actor=ADMIN, reason="  ")
    assert Credential.objects.get().status == "issued"
    row = lifecycle.revoke(issued, actor=Actor.person(staff_user), reason="Academic misconduct")
    assert (row.status, row.active, row.revoked_by, row.revocation_reason) == (
        "revoked", None, staff_user, "Academic misconduct")
    assert AuditLog.objects.filter(action="revoked", actor=staff_user, actor_label="user:staff",
                                   details={"reason": "Academic misconduct"}).count() == 1
    result = pipeline.issue_for_users(achievement, [issued.user_id])
    assert (result.issued, result.not_eligible) == (0, 1) and Credential.objects.count() == 1
    with pytest.raises(LifecycleError, match="only an active credential can be revoked"):
        lifecycle.revoke(row, actor=ADMIN, reason="again")
    lifecycle.reinstate(issued.user, achievement, actor=ADMIN, reason="appeal upheld")
    assert Credential.objects.get(pk=row.pk).status == "revoked"  # the revoked one stays revoked
    result = pipeline.issue_for_users(achievement, [issued.user_id])
    assert result.issued == 1
    assert Credential.objects.filter(active=True).get().pk != row.pk
    with pytest.raises(LifecycleError, match="no revoked credential to reinstate"):
        lifecycle.reinstate(issued.user, achievement, actor=ADMIN)


def test_grant_by_hand_issues_to_a_learner_who_does_not_meet_the_rules(achievement, make_learner, demo_course,
                                                                      staff_user):
    bob = make_learner(demo_course, username="bob", name="Bob Builder")
    with pytest.raises(LifecycleError, match="A reason is required"):
        lifecycle.grant(bob, achievement, actor=Actor.person(staff_user), reason="")
    row = lifecycle.grant(bob, achievement, actor=Actor.person(staff_user), reason="Exam taken on paper")
    assert row.status == "issued" and json.loads(row.payload)["name"] == "Bob Builder"
    assert row.snapshot["granted"] is True and json.loads(row.payload)["rules_met"] == []
    assert AuditLog.objects.get(action="granted").details == {"reason": "Exam taken on paper"}
    with pytest.raises(LifecycleError, match="bob already holds this credential"):
        lifecycle.grant(bob, achievement, actor=ADMIN, reason="twice")
    lifecycle.revoke(row, actor=ADMIN, reason="mistake")
    with pytest.raises(LifecycleError, match="reinstate the learner first"):
        lifecycle.grant(bob, achievement, actor=ADMIN, reason="again")


def test_retry_issues_a_failed_credential_on_the_same_row(achievement, ace, isolated_issuing):
    alice = ace()
    isolated_issuing.down = True
    result = pipeline.issue_for_users(achievement, [alice.pk])
    failed = Credential.objects.get()
    assert result.failed and failed.status == "failed"
    with pytest.raises(LifecycleError, match=r"Issuing failed again: .*storage unreachable"):
        lifecycle.retry(failed, actor=ADMIN)
    isolated_issuing.down = False
    done = lifecycle.retry(Credential.objects.get(), actor=ADMIN)
    assert done.pk == failed.pk and done.status == "issued"
    with pytest.raises(LifecycleError, match="only a failed credential can be retried"):
        lifecycle.retry(done, actor=ADMIN)


def test_actor_labels():
    assert Actor.system("name-change") == Actor(None, "system:name-change")
    assert Actor.command("revoke_credentials").label == "command:revoke_credentials"
