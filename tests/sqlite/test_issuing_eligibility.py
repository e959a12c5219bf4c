"""The pipeline's eligibility and reservation, case by case (written against the mutants mutmut found alive in
decide/_decide_one/reserve: see the closing note). Demo course hand computation in test_issuing_pipeline.py:
`ace()` scores 100% overall and 100% on the Final Exam; a learner made with `make_learner` has 0%."""
from datetime import UTC, datetime

import pytest

from credential_admin.backends import get_backend
from credential_admin.issuing import pipeline
from credential_admin.models import AuditLog, Credential

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


def decide(config, *users, now=None):
    return pipeline.decide(config, get_backend().records(config.course_key, [user.pk for user in users]), now)


def rendered(messages) -> list[str]:
    return [message.render() for message in messages]


def test_a_reservation_made_meanwhile_wins_and_its_row_is_returned(achievement, ace):
    """Two callers decided for Alice before either reserved: the second reservation finds the first one's row
    (no IntegrityError, no second row, one 'reserved' audit entry)."""
    alice = ace()
    stale, fresh = decide(achievement, alice)[0], decide(achievement, alice)[0]
    assert stale.credential is None and fresh.credential is None
    first = pipeline.reserve(achievement, [fresh], "Credentials 101")[0]
    second = pipeline.reserve(achievement, [stale], "Credentials 101")[0]
    assert second.pk == first.pk and second.verification_id == first.verification_id
    assert Credential.objects.count() == 1
    assert AuditLog.objects.filter(action="reserved").count() == 1


def test_reserve_skips_the_ineligible_and_keeps_the_order_of_the_eligible(achievement, ace, make_learner,
                                                                          demo_course):
    alice, nobody, carol = ace(), make_learner(demo_course, username="nobody"), ace("carol", "Carol Example")
    decisions = sorted(decide(achievement, alice, nobody, carol), key=lambda d: -d.user_id)  # carol first
    rows = pipeline.reserve(achievement, decisions, "Credentials 101")
    assert [row.user_id for row in rows] == [carol.pk, alice.pk]
    assert [row.snapshot["name"] for row in rows] == ["Carol Example", "Alice Example"]
    assert all(row.status == "pending" and row.config is achievement for row in rows)


def test_the_snapshot_freezes_what_will_be_printed(achievement, ace, settings):
    settings.CREDENTIAL_XBLOCK_ISSUER_NAME = "Example University"
    row = pipeline.reserve(achievement, decide(achievement, ace()), "Credentials 101")[0]
    assert row.snapshot == {
        "name": "Alice Example", "title": "Credentials 101", "level": "achievement",
        "course_key": "course-v1:Demo+CRED101+2026", "issuer": "Example University", "language": "",
        "rules_met": [{"kind": "grade", "type": None, "required": "80", "achieved": 100},
                      {"kind": "type_grade", "type": "Final Exam", "required": "75", "achieved": 100}]}


def test_a_held_credential_stays_eligible_after_a_grade_drop(achievement, ace):
    from credential_admin.standalone.models import Score

    alice = ace()
    row = pipeline.reserve(achievement, decide(achievement, alice), "Credentials 101")[0]
    Score.objects.filter(user=alice).update(earned=0)
    decision = decide(achievement, alice)[0]
    assert (decision.eligible, decision.reasons, decision.credential.pk, decision.evaluation) == (True, (), row.pk,
                                                                                                 None)


def test_enrollment_problems_come_first_then_each_unmet_rule(achievement, make_learner, demo_course):
    achievement.allowed_modes = ["verified"]
    achievement.save()
    auditor = make_learner(demo_course, username="auditor", mode="audit")
    decision = decide(achievement, auditor)[0]
    assert not decision.eligible
    assert rendered(decision.access) == ['This credential is not offered in the "audit" track.']
    assert rendered(decision.reasons) == ['This credential is not offered in the "audit" track.',
                                          "grade 0% < 80%", "Final Exam 0% < 75%"]
    assert decision.evaluation is not None and decision.credential is None


def test_availability_is_judged_at_the_moment_given(achievement, ace):
    achievement.available_from = datetime(2026, 3, 5, tzinfo=UTC)
    achievement.save()
    alice = ace()
    before = decide(achievement, alice, now=datetime(2026, 3, 4, 23, 59, 59, tzinfo=UTC))[0]
    assert not before.eligible and rendered(before.access) == ["This credential becomes available on 2026-03-05."]
    assert decide(achievement, alice, now=datetime(2026, 3, 5, tzinfo=UTC))[0].eligible


def test_invalid_criteria_make_nobody_eligible_and_say_why(achievement, ace):
    achievement.criteria = {"min_grade": "abc"}
    achievement.save()
    alice, bob = ace(), ace("bob", "Bob Builder")
    decisions = decide(achievement, alice, bob)
    assert [(d.user_id, d.eligible) for d in decisions] == [(alice.pk, False), (bob.pk, False)]
    assert rendered(decisions[1].reasons) == ['"abc" is not a number: enter a percentage from 0 to 100.']


def test_a_rule_on_a_type_the_course_does_not_grade_makes_nobody_eligible(achievement, ace):
    achievement.criteria = {"min_type_grades": {"Lab": "50"}}
    achievement.save()
    decision = decide(achievement, ace())[0]
    assert not decision.eligible
    assert rendered(decision.reasons) == ['"Lab" is not an assignment type of this course\'s grading policy.']


def test_only_a_revocation_not_reinstated_blocks(achievement, ace):
    alice, bob = ace(), ace("bob", "Bob Builder")
    for user in (alice, bob):
        row = pipeline.reserve(achievement, decide(achievement, user), "Credentials 101")[0]
        Credential.objects.filter(pk=row.pk).update(status="revoked", active=None)
    Credential.objects.filter(user=bob).update(reinstated_at=datetime(2026, 3, 4, tzinfo=UTC))
    alice_decision, bob_decision = decide(achievement, alice, bob)
    assert rendered(alice_decision.reasons) == rendered(alice_decision.access) == [
        "A credential for this learner was revoked."]
    assert bob_decision.eligible and bob_decision.credential is None


def test_the_eligibility_context_is_the_configs_modes_and_date(achievement):
    assert pipeline.eligibility_context(achievement) == pipeline.EligibilityContext(frozenset(), None)
    achievement.allowed_modes = ["verified", "professional"]
    achievement.available_from = datetime(2026, 3, 5, tzinfo=UTC)
    assert pipeline.eligibility_context(achievement) == pipeline.EligibilityContext(
        frozenset({"verified", "professional"}), datetime(2026, 3, 5, tzinfo=UTC))


def test_a_reservation_is_audited_under_its_actor_and_in_its_own_config(achievement, ace, demo_course, staff_user):
    from credential_admin.models import CredentialConfig

    alice = ace()
    other = CredentialConfig.objects.create(course_key=demo_course.course_key, usage_key="block-v1:Demo+CRED101+2026"
                                            "+type@credential+block@other", display_name="Other", level="completion",
                                            criteria={"min_grade": "50"})
    # Alice's active row in the other config, with a higher id than any new row (listed after it by the database).
    held = Credential.objects.create(pk=10**6, verification_id="other-row", short_code="OTHER0000000", user=alice,
                                     config=other)
    row = pipeline.reserve(achievement, decide(achievement, alice), "Credentials 101", actor=staff_user)[0]
    assert row.pk != held.pk and Credential.objects.get(pk=row.pk).config_id == achievement.pk
    entry = AuditLog.objects.get(action="reserved", credential_id=row.pk)
    assert entry.actor == staff_user
