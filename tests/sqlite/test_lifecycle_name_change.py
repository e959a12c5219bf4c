"""Name corrections: changing a learner's full name reissues their credentials (queued on commit, idempotent,
behind REISSUE) — in the demo's admin (the standalone profile) and from the platform's USER_FIELDS_CHANGED."""
import sys
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from credential_admin import handlers, tasks
from credential_admin.demo.seed import setup_demo
from credential_admin.issuing import lifecycle
from credential_admin.models import AuditLog, Credential, CredentialConfig
from credential_admin.standalone.models import Profile
from tests.openedx_fakes import FakePlatform
from tests.pdf_samples import pdftotext
from tests.sqlite.test_demo_learners import COMPLETION

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


@pytest.fixture
def dana(db):
    """The demo's dana (one unit short of the Completion credential) granted it by hand on 2026-01-15."""
    setup_demo(say=lambda _line: None)
    Credential.objects.all().delete()  # the demo's badges: not the subject here
    user = get_user_model().objects.get(username="dana")
    with time_machine.travel(datetime(2026, 1, 15, 9, tzinfo=UTC), tick=False):
        lifecycle.grant(user, CredentialConfig.objects.get(usage_key=COMPLETION),
                        actor=lifecycle.Actor.system("test"), reason="Exam taken on paper")
    return user


def admin_save_name(client, user, name: str):
    """The admin's user page, saved with another full name in the profile inline (every other field as shown)."""
    root = get_user_model().objects.filter(username="root").first()
    client.force_login(root or get_user_model().objects.create_superuser("root", "root@example.com", "pw"))
    profile = Profile.objects.get(user=user)
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
            "standalone_profile-TOTAL_FORMS": "1", "standalone_profile-INITIAL_FORMS": "1",
            "standalone_profile-MIN_NUM_FORMS": "0", "standalone_profile-MAX_NUM_FORMS": "1",
            "standalone_profile-0-id": str(profile.pk), "standalone_profile-0-user": str(user.pk),
            "standalone_profile-0-name": name}
    return client.post(f"/admin/auth/user/{user.pk}/change/", data)


def test_dana_renamed_in_the_admin_gets_her_credential_reissued(dana, client, stored_bytes,
                                                              django_capture_on_commit_callbacks):
    old = Credential.objects.get(user=dana)
    assert "Dana Kowalski" in pdftotext(stored_bytes(old))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_save_name(client, dana, "Dana Kowalska-Nowak")
    assert response.status_code == 302, response.content.decode()[:2000]
    old.refresh_from_db()
    new = old.superseded_by
    assert old.status == "superseded" and new.status == "issued" and new.reissued_at is not None
    text = pdftotext(stored_bytes(new))
    assert "Dana Kowalska-Nowak" in text and "Issued on Jan. 15, 2026" in text and "Dana Kowalski\n" not in text
    page = client.get(f"/credentials/verify/{old.verification_id}/").content.decode()
    assert "Superseded" in page and f'href="/credentials/verify/{new.verification_id}/"' in page
    assert AuditLog.objects.filter(action="reissued", credential=new, actor_label="system:name-change").exists()

    with django_capture_on_commit_callbacks(execute=True):  # saved again unchanged: nothing to reissue
        admin_save_name(client, dana, "Dana Kowalska-Nowak")
    assert Credential.objects.filter(user=dana).count() == 2


def test_nothing_is_reissued_while_reissue_is_off(dana, client, settings, django_capture_on_commit_callbacks):
    settings.CREDENTIAL_XBLOCK_FEATURES = {"REISSUE": False}
    with django_capture_on_commit_callbacks(execute=True) as queued:
        admin_save_name(client, dana, "Dana Renamed")
    assert queued == [] and list(Credential.objects.filter(user=dana).values_list("status", flat=True)) == ["issued"]


def test_platform_profile_name_change_queues_the_reissue(monkeypatch, settings, db):
    settings.CREDENTIAL_XBLOCK_BACKEND = "credential_admin.backends.openedx.OpenEdxBackend"
    FakePlatform().install(monkeypatch)
    handlers.connect()
    signal = sys.modules["common.djangoapps.util.model_utils"].USER_FIELDS_CHANGED
    queued = []
    monkeypatch.setattr(tasks, "queue_name_change", queued.append)
    user = get_user_model().objects.create_user("zoe")
    signal.send(sender=None, user=user, table="auth_userprofile", changed_fields={"name": ("Zoë A", "Zoë B")})
    signal.send(sender=None, user=user, table="auth_userprofile", changed_fields={"city": ("Oslo", "Bergen")})
    signal.send(sender=None, user=user, table="auth_user", changed_fields={"email": ("a@x", "b@x")})
    assert queued == [user.pk]
    settings.CREDENTIAL_XBLOCK_FEATURES = {"REISSUE": False}
    signal.send(sender=None, user=user, table="auth_userprofile", changed_fields={"name": ("Zoë B", "Zoë C")})
    assert queued == [user.pk]
