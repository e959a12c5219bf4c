"""Django admin for credentials: read-only pages that list credentials, configurations, keys and the audit log."""
import re

import pytest
from django.contrib.auth import get_user_model

from credential_admin.issuing import pipeline, signing
from credential_admin.models import Credential, SigningKey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


@pytest.fixture
def admin_client_logged_in(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw"))
    return client


def test_admin_pages_list_and_show_but_never_edit(admin_client_logged_in, achievement, ace):
    pipeline.issue_for_users(achievement, [ace().pk])
    credential = Credential.objects.get()
    client = admin_client_logged_in
    for model in ("credentialconfig", "credential", "signingkey", "auditlog"):
        page = client.get(f"/admin/credential_admin/{model}/")
        assert page.status_code == 200, model
        assert client.get(f"/admin/credential_admin/{model}/add/").status_code == 403, model
    page = client.get(f"/admin/credential_admin/credential/{credential.pk}/change/")
    assert page.status_code == 200 and credential.verification_id in page.content.decode()
    assert client.post(f"/admin/credential_admin/credential/{credential.pk}/delete/").status_code == 403
    assert credential.formatted_code in client.get("/admin/credential_admin/credential/").content.decode()


def test_signing_keys_page_shows_each_key_state(admin_client_logged_in, settings):
    first = signing.active_key().key_id
    second = signing.rotate()
    SigningKey.objects.create(key_id="gone", public_key=signing.active_key().public_b64)
    page = admin_client_logged_in.get("/admin/credential_admin/signingkey/").content.decode()
    states = dict(re.findall(r'<tr>.*?>([\w-]+)</a></th>.*?<td class="field-state">([^<]*)</td>', page, re.S))
    assert states == {second: "active", first: "available", "gone": "verify only"}
