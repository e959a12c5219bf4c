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


@pytest.mark.parametrize("typed", ["{printed}", "{printed_lower}", "{bare}", "Example", "alice ex"])
def test_admin_finds_a_credential_by_printed_code_and_full_name(admin_client_logged_in, achievement, ace, typed):
    pipeline.issue_for_users(achievement, [ace().pk])
    credential = Credential.objects.get()
    other = Credential.objects.create(verification_id="x" * 22, short_code="0" * 12, user=get_user_model().objects
                                      .create_user("zed"), config=credential.config, snapshot={"name": "Zed Other"})
    from credential_admin.models import AuditLog

    AuditLog.objects.create(action="granted", credential=other)
    term = typed.format(printed=credential.formatted_code, printed_lower=credential.formatted_code.lower(),
                        bare=credential.short_code)
    page = admin_client_logged_in.get("/admin/credential_admin/credential/", {"q": term}).content.decode()
    assert f"/admin/credential_admin/credential/{credential.pk}/change/" in page, term
    assert f"/admin/credential_admin/credential/{other.pk}/change/" not in page, term
    page = admin_client_logged_in.get("/admin/credential_admin/auditlog/", {"q": term}).content.decode()
    found = int(re.search(r"(\d+) results?\s*\(", page).group(1))
    assert found == AuditLog.objects.filter(credential=credential).count() >= 1, term


def test_audit_log_is_plural_in_the_admin(admin_client_logged_in):
    from credential_admin.models import AuditLog

    AuditLog.objects.bulk_create(AuditLog(action="config_created") for _ in range(14))
    page = admin_client_logged_in.get("/admin/credential_admin/auditlog/").content.decode()
    assert "14 audit log entries" in page and "14 audit log<" not in page
