"""Email on issue and reissue (EMAIL_ON_ISSUE) through Django's configured backend, and tracking events through
the platform's tracker (eventtracking), both after commit and never failing what they announce."""
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from eventtracking import tracker

from credential_admin.issuing import lifecycle
from credential_admin.models import Credential
from credential_xblock.records import Enrollment, LearnerRecord

pytestmark = pytest.mark.usefixtures("isolated_issuing")


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


@pytest.fixture
def events(monkeypatch):
    """The platform's default tracker, with an in-memory backend: the events it received. The tracker that was
    registered before comes back afterwards (edx-completion emits through it in later tests)."""
    received = []
    backend = type("Memory", (), {"send": lambda self, event: received.append(event)})()
    monkeypatch.setitem(tracker.TRACKERS, "default", tracker.Tracker(backends={"memory": backend}))
    return received


@pytest.fixture
def issue(make_credential, config, django_capture_on_commit_callbacks):
    """Issue through the pipeline and run what waits for the commit."""
    def issue(user, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make_credential(user, config, **kwargs)
    return issue


def test_the_learner_gets_an_email_with_both_links(learner, issue):
    credential = issue(learner)
    (message,) = mail.outbox
    assert message.to == ["zoe.private@example.net"]
    assert message.subject == "Your credential for Intro to Botany"
    download = "https://lms.example.org" + reverse("credential_admin:credential_download",
                                                   args=[credential.verification_id])
    verify = f"https://lms.example.org/credentials/verify/{credential.verification_id}/"
    assert "Dear Zoë Ångström-Kowalski," in message.body
    assert download in message.body and verify in message.body and credential.formatted_code in message.body
    (html, kind), = message.alternatives
    assert kind == "text/html" and f'href="{download}"' in html and f'href="{verify}"' in html


def test_the_email_is_in_the_learners_language(learner, issue, monkeypatch):
    from credential_admin.issuing import pipeline

    original = pipeline.snapshot_for
    monkeypatch.setattr(pipeline, "snapshot_for", lambda *args, **kwargs: {**original(*args, **kwargs),
                                                                           "language": "ar"})
    issue(learner)
    (html, _kind), = mail.outbox[0].alternatives
    assert '<html lang="ar" dir="rtl">' in html


def test_who_gets_mail(db, issue):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    sso = users.create_user("sso", "sso@example.org")  # no usable password: signs in through the identity provider
    sso.set_unusable_password()
    sso.save()
    gone = users.create_user("gone", "gone@example.org", "pw", is_active=False)
    silent = users.create_user("silent", "", "pw")
    for user in (sso, gone, silent):
        issue(user)
    assert [message.to for message in mail.outbox] == [["sso@example.org"]]


def test_a_mail_failure_never_fails_the_issue(learner, issue, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    credential = issue(learner)
    assert Credential.objects.get(pk=credential.pk).status == "issued"
    assert "not sent" in caplog.text and mail.outbox == []


def test_switched_off_no_mail_but_still_tracked(learner, issue, settings, events):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"EMAIL_ON_ISSUE": False}
    issue(learner)
    assert mail.outbox == [] and [event["name"] for event in events] == ["edx.credential.issued"]


def test_every_change_is_tracked_and_reissues_are_mailed(learner, issue, events, client,
                                                         django_capture_on_commit_callbacks):
    credential = issue(learner)
    actor = lifecycle.Actor.system("test")
    record = LearnerRecord(user_id=learner.pk, username=learner.username, full_name="Zoë Kowalska", completed_units=1,
                           counted_units=1, grade_percent=1.0, enrollment=Enrollment("verified", True))
    with django_capture_on_commit_callbacks(execute=True):
        new = lifecycle.reissue(credential, actor=actor, record=record, title="Intro to Botany")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.revoke(new, actor=actor, reason="cheating")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.reinstate(new, actor=actor)
    client.get(reverse("credential_admin:verify:page", args=[new.verification_id]))
    assert [event["name"] for event in events] == [
        "edx.credential.issued", "edx.credential.reissued", "edx.credential.revoked", "edx.credential.reinstated",
        "edx.credential.verification.viewed"]
    assert events[1]["data"] == {"credential_id": new.verification_id, "user_id": learner.pk,
                                 "course_id": "course-v1:DemoX+BOT101+2026", "level": "achievement",
                                 "usage_key": "block-v1:DemoX+BOT101+2026+type@credential+block@c1",
                                 "status": "issued"}
    assert all("Zoë" not in str(event["data"]) for event in events)  # no names in tracking logs
    assert [message.subject for message in mail.outbox] == ["Your credential for Intro to Botany",
                                                            "Your updated credential for Intro to Botany"]
    assert "Dear Zoë Kowalska," in mail.outbox[1].body


def test_no_tracker_registered_is_quiet(learner, issue, monkeypatch):
    monkeypatch.delitem(tracker.TRACKERS, "default", raising=False)
    assert issue(learner).status == "issued"
