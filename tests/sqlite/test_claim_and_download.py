"""Claiming from the block's API (eager Celery, as in the demo) and the authorised download view."""
import hashlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from credential_admin.issuing import api
from credential_admin.models import Credential

# Real commits: claims queue their task with transaction.on_commit, as in the demo.
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("isolated_issuing", "fresh_rate_limits")]


def test_claim_issues_at_once_and_is_idempotent(achievement, ace):
    alice = ace()
    state = api.claim(alice, achievement.course_key, achievement.usage_key)
    credential = Credential.objects.get()
    assert state.status == "issued" and state.short_code == credential.formatted_code
    assert state.download_url == f"/credentials/download/{credential.verification_id}/"
    assert state.verify_url == f"https://lms.example.org/credentials/verify/{credential.verification_id}/"
    assert state.issued_on == credential.issued_on
    again = api.claim(alice, achievement.course_key, achievement.usage_key)
    assert again == state and Credential.objects.count() == 1
    assert api.credential_state(alice.pk, achievement.course_key, achievement.usage_key) == state


def test_claim_while_not_eligible_is_refused_with_the_reasons(achievement, demo_course, make_learner):
    bob = make_learner(demo_course, username="bob")
    with pytest.raises(api.ClaimRefused) as refused:
        api.claim(bob, achievement.course_key, achievement.usage_key)
    assert str(refused.value) == "You cannot claim this credential yet: grade 0% < 80%; Final Exam 0% < 75%."
    assert not Credential.objects.exists()
    assert api.credential_state(bob.pk, achievement.course_key, achievement.usage_key) is None


def test_claim_refusals_not_enrolled_unpublished_and_inactive_enrollment(achievement, demo_course, make_learner):
    outsider = make_learner(None, username="outsider")
    with pytest.raises(api.ClaimRefused, match=r"^You are not enrolled in this course\.$"):
        api.claim(outsider, achievement.course_key, achievement.usage_key)
    left = make_learner(demo_course, username="left", active=False)
    with pytest.raises(api.ClaimRefused, match="You are not enrolled in this course"):
        api.claim(left, achievement.course_key, achievement.usage_key)
    achievement.is_published = False
    achievement.save()
    with pytest.raises(api.ClaimRefused, match="has not published it yet"):
        api.claim(left, achievement.course_key, achievement.usage_key)


def test_claims_are_rate_limited_per_learner(achievement, demo_course, make_learner, settings, clock):
    """Three claims a minute (a fixed window): the clock stands at 12:00:30 until the test moves it."""
    settings.CREDENTIAL_XBLOCK_CLAIMS_PER_MINUTE = 3
    bob = make_learner(demo_course, username="bob")
    for _attempt in range(3):
        with pytest.raises(api.ClaimRefused, match="cannot claim this credential yet"):
            api.claim(bob, achievement.course_key, achievement.usage_key)
    with pytest.raises(api.ClaimRefused, match=r"^Too many attempts\. Wait a minute, then try again\.$"):
        api.claim(bob, achievement.course_key, achievement.usage_key)
    clock.shift(29)  # 12:00:59, still the same minute
    with pytest.raises(api.ClaimRefused, match=r"^Too many attempts"):
        api.claim(bob, achievement.course_key, achievement.usage_key)
    clock.shift(1)  # 12:01:00, a new window
    with pytest.raises(api.ClaimRefused, match="cannot claim this credential yet"):
        api.claim(bob, achievement.course_key, achievement.usage_key)


def test_failed_claim_is_retried_on_the_same_row_by_the_next_claim(achievement, ace, isolated_issuing):
    alice = ace()
    isolated_issuing.down = True
    state = api.claim(alice, achievement.course_key, achievement.usage_key)
    assert state.status == "failed" and state.download_url == "" and state.verify_url == ""
    isolated_issuing.down = False
    state = api.claim(alice, achievement.course_key, achievement.usage_key)
    assert state.status == "issued"
    credential = Credential.objects.get()
    assert credential.attempts == 2


def test_bulk_statuses_for_staff_reports(achievement, ace, demo_course, make_learner):
    alice, bob = ace(), make_learner(demo_course, username="bob")
    api.claim(alice, achievement.course_key, achievement.usage_key)
    statuses = api.credential_statuses(achievement.course_key, achievement.usage_key, [alice.pk, bob.pk])
    assert statuses == {alice.pk: "issued"}


def test_download_owner_and_staff_get_the_file_others_404(achievement, ace, demo_course, make_learner,
                                                         staff_user, client, stored_bytes):
    alice, bob = ace(), make_learner(demo_course, username="bob")
    state = api.claim(alice, achievement.course_key, achievement.usage_key)
    credential = Credential.objects.get()
    client.force_login(alice)
    response = client.get(state.download_url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == credential.pdf_sha256
    assert hashlib.sha256(stored_bytes(credential)).hexdigest() == credential.pdf_sha256
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="credentials-101-achievement.pdf"'
    client.force_login(bob)
    assert client.get(state.download_url).status_code == 404
    client.logout()
    assert client.get(state.download_url).status_code == 404
    client.force_login(staff_user)
    assert client.get(state.download_url).status_code == 200
    for bad in ("nope", "x" * 200, "%00", credential.verification_id.upper()):
        assert client.get(reverse("credential_admin:credential_download", args=[bad])).status_code == 404
    assert client.post(state.download_url).status_code == 405


def test_download_of_a_revoked_credential_is_404(achievement, ace, client):
    alice = ace()
    state = api.claim(alice, achievement.course_key, achievement.usage_key)
    credential = Credential.objects.get()
    credential.status = Credential.Status.REVOKED
    credential.save()
    client.force_login(alice)
    assert client.get(state.download_url).status_code == 404
    assert api.credential_state(alice.pk, achievement.course_key, achievement.usage_key).status == "revoked"


def test_a_revoked_learner_claiming_again_is_told_so(achievement, ace):
    alice = ace()
    api.claim(alice, achievement.course_key, achievement.usage_key)
    credential = Credential.objects.get()
    credential.status = Credential.Status.REVOKED
    credential.save()
    cache.clear()
    with pytest.raises(api.ClaimRefused, match=r"^A credential for this learner was revoked\.$"):
        api.claim(alice, achievement.course_key, achievement.usage_key)
    assert Credential.objects.count() == 1


def test_download_name_is_course_and_level_in_any_script(achievement, ace):
    from credential_admin.issuing.views import download_name

    api.claim(ace(), achievement.course_key, achievement.usage_key)
    credential = Credential.objects.get()
    credential.snapshot = {**credential.snapshot, "title": "Économie: l'essentiel / 经济学", "level": "completion"}
    assert download_name(credential, "pdf") == "économie-lessentiel-经济学-completion.pdf"
    credential.snapshot = {**credential.snapshot, "title": "///", "level": ""}
    credential.config.level = ""
    assert download_name(credential, "png") == "certificate.png"
