"""Issuing refuses whom the block does not admit, whatever their progress: a learner enrolled in a mode the block
does not allow, and anyone before its "available from" moment. Checked where credentials are made (claim,
issue_for_users, the issue_credentials command), not only on the checklist.

Learners come from tests/sqlite/conftest.py: `ace()` has full marks (100%, eligible on progress alone).
"""
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from credential_admin.issuing import api, pipeline
from credential_admin.models import Credential
from credential_admin.standalone.loader import load_course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing", "fresh_rate_limits")]
TOMORROW = datetime(2026, 3, 5, tzinfo=UTC)  # the clock fixture stands at 2026-03-04 12:00:30 UTC


@pytest.fixture
def audit_ace(ace, demo_course):
    """Alice with full marks, enrolled in the audit track."""
    from credential_admin.standalone.models import Enrollment

    alice = ace()
    Enrollment.objects.filter(user=alice, course=demo_course).update(mode="audit")
    return alice


@pytest.fixture
def verified_only(achievement):
    achievement.allowed_modes = ["verified"]
    achievement.save()
    return achievement


def test_claim_refuses_a_mode_the_block_does_not_allow(verified_only, audit_ace):
    with pytest.raises(api.ClaimRefused, match=r'^This credential is not offered in the "audit" track\.$'):
        api.claim(audit_ace, verified_only.course_key, verified_only.usage_key)
    assert not Credential.objects.exists()


def test_issue_for_users_refuses_a_mode_the_block_does_not_allow(verified_only, audit_ace, ace):
    bob = ace("bob", "Bob Verified")
    result = pipeline.issue_for_users(verified_only, [audit_ace.pk, bob.pk])
    assert (result.issued, result.not_eligible, result.failed) == (1, 1, {})
    assert list(Credential.objects.values_list("user__username", flat=True)) == ["bob"]


def test_claim_refuses_before_available_from(achievement, ace, clock):
    achievement.available_from = TOMORROW
    achievement.save()
    with pytest.raises(api.ClaimRefused, match=r"^This credential becomes available on 2026-03-05\.$"):
        api.claim(ace(), achievement.course_key, achievement.usage_key)
    assert not Credential.objects.exists()


def test_issue_for_users_waits_for_available_from_to_the_second(achievement, ace, clock):
    achievement.available_from = TOMORROW
    achievement.save()
    alice = ace()
    clock.move_to(datetime(2026, 3, 4, 23, 59, 59, tzinfo=UTC))
    result = pipeline.issue_for_users(achievement, [alice.pk])
    assert (result.issued, result.not_eligible) == (0, 1) and not Credential.objects.exists()
    clock.move_to(TOMORROW)  # from this moment on
    assert pipeline.issue_for_users(achievement, [alice.pk]).issued == 1


BLOCK = ('<credential url_name="ach" display_name="Achievement" level="achievement" min_grade="80" '
         'min_type_grades=\'{{"Final Exam": "75"}}\' {extra}/>')


def publish_block(demo_course, extra: str) -> None:
    """Republish the demo course with the Achievement block in its exam unit (the command syncs from blocks)."""
    from tests.sqlite.conftest import COURSES

    unit = '<vertical url_name="u_exam" display_name="Exam">'
    olx = (COURSES / "demo" / "course.xml").read_text().replace(unit, unit + BLOCK.format(extra=extra))
    load_course(demo_course.course_key, olx, demo_course.grading_policy)


def run_command(course_key: str) -> str:
    out = StringIO()
    call_command("issue_credentials", "--course", course_key, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_refuses_a_mode_the_block_does_not_allow(achievement, demo_course, audit_ace, ace):
    publish_block(demo_course, "allowed_modes='[\"verified\"]'")
    ace("bob", "Bob Verified")
    assert "Issued 1, already held 0, not eligible 1, failed 0." in run_command(demo_course.course_key)
    assert list(Credential.objects.values_list("user__username", flat=True)) == ["bob"]


def test_command_refuses_everyone_before_available_from(achievement, demo_course, ace, clock):
    publish_block(demo_course, 'available_from="2026-03-05"')
    ace(), ace("bob", "Bob Builder")
    assert "Issued 0, already held 0, not eligible 2, failed 0." in run_command(demo_course.course_key)
    clock.move_to(TOMORROW)
    assert "Issued 2, already held 0, not eligible 0, failed 0." in run_command(demo_course.course_key)


def test_automatic_issue_refuses_the_mode_and_waits_for_available_from(verified_only, audit_ace, ace, settings,
                                                                      clock):
    from credential_admin import autoissue

    settings.CREDENTIAL_XBLOCK_FEATURES = {"AUTO_ISSUE": True}
    assert autoissue.evaluate(audit_ace.pk, verified_only.course_key, "grade") == 0
    verified_only.available_from = TOMORROW
    verified_only.save()
    bob = ace("bob", "Bob Verified")
    assert autoissue.evaluate(bob.pk, verified_only.course_key, "grade") == 0
    assert not Credential.objects.exists()
    clock.move_to(TOMORROW)
    assert autoissue.evaluate(bob.pk, verified_only.course_key, "grade") == 1
