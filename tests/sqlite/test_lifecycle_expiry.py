"""Expiry: a validity period on the configuration (months, or a fixed last day) sets `expires_at` at issue; past it
the credential is "Expired" on its page, in its JSON and in the learner's view, its OB3 credential carries
`validUntil`, its PDF prints "Valid until", and a reissue keeps the original expiry unless the period changed.

Hand computation: issued 2026-01-15 with 1 month → valid through 2026-02-15 (until 23:59:59 UTC); viewed on
2026-02-24 (40 days after issue) it is expired.
"""
import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credential_admin import configs
from credential_admin.issuing import api, expiry, lifecycle, pipeline
from credential_admin.models import Credential
from credential_admin.standalone.models import Profile
from credential_admin.verification import multibase
from credential_xblock.settings_form import clean_settings
from tests.pdf_samples import pdftotext
from tests.unit.test_openbadges import independent_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
ISSUE_DAY = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
FORTY_DAYS_LATER = datetime(2026, 2, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def monthly(achievement, ace):
    achievement.validity_months = 1
    achievement.save()
    alice = ace()
    with time_machine.travel(ISSUE_DAY, tick=False):
        assert pipeline.issue_for_users(achievement, [alice.pk]).issued == 1
    return achievement.credentials.get()


def test_one_month_validity_viewed_40_days_later_is_expired(monthly, client, stored_bytes, settings):
    assert monthly.expires_at == datetime(2026, 2, 15, 23, 59, 59, tzinfo=UTC)
    assert json.loads(monthly.payload)["expires_at"] == "2026-02-15T23:59:59Z"
    assert "Valid until Feb. 15, 2026" in pdftotext(stored_bytes(monthly))
    page_url = f"/credentials/verify/{monthly.verification_id}/"
    with time_machine.travel(datetime(2026, 2, 15, 23, 0, tzinfo=UTC), tick=False):
        assert "Valid credential" in client.get(page_url).content.decode()
    with time_machine.travel(FORTY_DAYS_LATER, tick=False):
        page = client.get(page_url).content.decode()
        facts = client.get(f"{page_url}json/").json()
        badge = json.loads(client.get(f"{page_url}ob3/").content)
        state = api.credential_state(monthly.user_id, monthly.config.course_key, monthly.config.usage_key)
    assert "Expired on Feb. 15, 2026" in page and "Valid credential" not in page
    assert (facts["status"], facts["expires_at"]) == ("expired", "2026-02-15T23:59:59+00:00")
    assert (state.status, state.expires_on) == ("expired", date(2026, 2, 15))
    assert badge["validFrom"] == "2026-01-15T00:00:00Z" and badge["validUntil"] == "2026-02-15T23:59:59Z"
    key = client.get(badge["proof"]["verificationMethod"].removeprefix(settings.CREDENTIAL_XBLOCK_BASE_URL)).json()
    public = Ed25519PublicKey.from_public_bytes(multibase.ed25519_from_multikey(key["publicKeyMultibase"]))
    assert independent_verify(badge, public)


def test_the_learner_view_says_expired_plainly():
    from credential_xblock import checklist

    class Expired:
        status, expires_on = "expired", date(2026, 2, 15)

    inputs = checklist.Inputs(criteria=None, config_errors=(), record=None, context=None, now=FORTY_DAYS_LATER,
                              credential=Expired())
    status, messages = checklist._status(inputs, None, [])
    assert status == "expired" and checklist.HEADLINES[status] == "Your credential has expired."
    assert [message.render() for message in messages] == ["It was valid until 2026-02-15."]


def test_reissue_keeps_the_original_expiry_unless_the_period_changed(monthly):
    Profile.objects.filter(user=monthly.user).update(name="Alice Renamed")
    with time_machine.travel(datetime(2026, 1, 20, tzinfo=UTC), tick=False):
        new = lifecycle.reissue(monthly, actor=lifecycle.Actor.system("test"))
    assert (new.issued_on, new.expires_at) == (date(2026, 1, 15), monthly.expires_at)
    monthly.config.validity_months = 3
    monthly.config.save()
    new = Credential.objects.select_related("config").get(pk=new.pk)
    with time_machine.travel(datetime(2026, 1, 21, tzinfo=UTC), tick=False):
        [(_credential, changed)] = list(lifecycle.preview([new]))
        assert changed == {"validity": ({"months": 1}, {"months": 3})}
        third = lifecycle.reissue(new, actor=lifecycle.Actor.system("test"))
    assert third.expires_at == datetime(2026, 4, 15, 23, 59, 59, tzinfo=UTC)  # 3 months from the issue date
    assert json.loads(third.payload)["expires_at"] == "2026-04-15T23:59:59Z"


def test_a_fixed_last_day_and_month_arithmetic(achievement):
    achievement.valid_until = date(2027, 12, 31)
    assert expiry.expires_at(achievement, date(2026, 5, 1)) == datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert expiry.period(achievement) == {"until": "2027-12-31"}
    achievement.valid_until, achievement.validity_months = None, None
    assert expiry.expires_at(achievement, date(2026, 5, 1)) is None and expiry.period(achievement) == {}
    assert expiry.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert expiry.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert expiry.add_months(date(2026, 11, 30), 14) == date(2028, 1, 30)


@pytest.mark.parametrize(("months", "until", "errors"), [
    ("12", "", {}),
    ("", "2027-12-31", {}),
    ("0", "", {"validity_months": '"0" is not a number of months: use a whole number from 1 to 600.'}),
    ("1.5", "", {"validity_months": '"1.5" is not a number of months: use a whole number from 1 to 600.'}),
    ("", "31/12/2027", {"valid_until": '"31/12/2027" is not a date: use the form 2027-12-31.'}),
    ("6", "2027-12-31", {"valid_until": "Set a number of months or an end date, not both."}),
])
def test_studio_validates_the_validity_fields(months, until, errors):
    data = {"display_name": "C", "level": "completion", "min_completion": "50", "allowed_modes": "",
            "validity_months": months, "valid_until": until}
    clean, found = clean_settings(data, lambda: [])
    assert {key: message.render() for key, message in found.items()} == errors
    assert (clean["validity_months"], clean["valid_until"]) == (months, until)


def test_sync_copies_the_validity_from_the_published_block(demo_course):
    block = configs.PublishedBlock("block-v1:Demo+CRED101+2026+type@credential+block@v", {
        "display_name": "Valid", "level": "completion", "min_completion": "50", "validity_months": "24"})
    configs.sync_course(demo_course.course_key, [block])
    config = configs.CredentialConfig.objects.get(usage_key=block.usage_key)
    assert (config.validity_months, config.valid_until) == (24, None)
    bad = configs.PublishedBlock(block.usage_key, {**block.fields, "valid_until": "2027-12-31"})
    result = configs.sync_course(demo_course.course_key, [bad])
    assert result.invalid == {block.usage_key: "validity_months and valid_until: set one of them, not both."}
