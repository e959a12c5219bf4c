"""Account retirement: the platform's USER_RETIRE_LMS_CRITICAL / USER_RETIRE_LMS_MISC signals withdraw every
credential of the learner and leave no name, no file and no signed payload with the name anywhere we keep data;
the verification page says "Withdrawn" with no name."""
import sys

import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.urls import reverse

from credential_admin import handlers, retirement
from credential_admin.issuing import lifecycle
from credential_admin.models import AuditLog, Credential
from tests.openedx_fakes import FakePlatform

NAME, OLD_NAME = "Zoë Ångström-Kowalski", "Zoë Ångström"


@pytest.fixture
def platform(monkeypatch, settings, db):
    """The fake platform with the Open edX backend, its receivers connected (as the LMS plugin does)."""
    settings.CREDENTIAL_XBLOCK_BACKEND = "credential_admin.backends.openedx.OpenEdxBackend"
    FakePlatform().install(monkeypatch)
    handlers.connect()
    return sys.modules["openedx.core.djangoapps.user_api.accounts.signals"]


@pytest.fixture
def history(learner, make_config, make_credential, supersede):
    """Zoë's credentials: one superseded by a reissue with her new name (issued), one revoked by staff, and an
    audit entry that mentions her name."""
    first = make_credential(learner, make_config(), name=OLD_NAME)
    current = supersede(first, learner, first.config, name=NAME)
    other = make_config(usage_key="block-v1:DemoX+BOT101+2026+type@credential+block@c2")
    revoked = lifecycle.revoke(make_credential(learner, other, name=NAME), actor=lifecycle.Actor.system("test"),
                               reason=f"duplicate account of {NAME}")
    AuditLog.objects.create(action="name_changed", credential=current, details={"old_name": OLD_NAME,
                                                                                 "note": f"now {NAME}"})
    return [first, current, revoked]


def every_stored_value():
    """Every value of every row of the app's models, as text."""
    for model in apps.get_app_config("credential_admin").get_models():
        for row in model.objects.values():
            yield model.__name__, " ".join(str(value) for value in row.values())


def test_retirement_leaves_no_name_no_file_and_no_signed_payload(platform, history, learner, client):
    files = [credential.storage_key for credential in history]
    certificates = storages["certificates"]
    assert all(certificates.exists(key) for key in files)
    assert any(NAME in text for _model, text in every_stored_value())  # the check below can fail
    platform.USER_RETIRE_LMS_CRITICAL.send(sender=None, user=learner)
    assert not any(certificates.exists(key) for key in files)
    for model, text in every_stored_value():
        assert NAME not in text and OLD_NAME not in text, model
    rows = list(Credential.objects.filter(user=learner))
    assert {(row.status, row.revocation_reason, row.payload, row.signature, row.storage_key) for row in rows} == {
        ("revoked", "retired", "", "", "")}
    assert all("name" not in row.snapshot and row.snapshot.get("title") for row in rows)  # the rest stays
    for row in rows:
        page = client.get(reverse("credential_admin:verify:page", args=[row.verification_id]))
        html = page.content.decode()
        assert page.status_code == 200 and "Withdrawn" in html and "Cannot be verified" not in html
        assert NAME not in html and OLD_NAME not in html


def test_retirement_runs_again_harmlessly(platform, history, learner):
    platform.USER_RETIRE_LMS_MISC.send(sender=None, user=learner)
    audit = AuditLog.objects.count()
    assert retirement.retire(learner) == 3
    assert AuditLog.objects.count() == audit  # nothing new to withdraw
    assert set(Credential.objects.filter(user=learner).values_list("status", flat=True)) == {"revoked"}


def test_a_retired_learner_is_not_issued_again(platform, history, learner):
    from credential_admin.issuing import pipeline
    from credential_xblock.records import Enrollment, LearnerRecord

    platform.USER_RETIRE_LMS_CRITICAL.send(sender=None, user=learner)
    record = LearnerRecord(user_id=learner.pk, username="x", full_name="", completed_units=20, counted_units=20,
                           grade_percent=1.0, type_percents={"Final Exam": 1.0},
                           enrollment=Enrollment("verified", True))
    (decision,) = pipeline.decide(history[1].config, [record])
    assert not decision.eligible  # a revocation blocks automatic re-issue
