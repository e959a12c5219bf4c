"""The public verification page, its JSON, the short-code form, and the Open Badges documents it links to."""
import hashlib
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import override_settings

from credential_admin.issuing import signing
from credential_admin.issuing.pipeline import new_short_code, new_verification_id
from credential_admin.models import Credential, CredentialConfig
from credential_admin.verification import multibase, statuslist
from tests.unit.test_openbadges import independent_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
BASE = "http://127.0.0.1:8000"
NAME = "Zoë Ångström-Kowalski"
USERNAME = "zkowalski42"
EMAIL = "zoe.private@example.net"


def features(**switches):
    return override_settings(CREDENTIAL_XBLOCK_FEATURES=switches)


def page(client, credential):
    return client.get(f"/credentials/verify/{credential.verification_id}/")


def text(response):
    return response.content.decode()


def assert_no_private_data(content: str):
    for secret in (USERNAME, EMAIL, "zoe.private"):
        assert secret not in content


def test_valid_page_shows_every_printed_fact(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    response = page(client, credential)
    html = text(response)
    assert response.status_code == 200
    assert "Valid credential" in html
    for fact in (NAME, "Intro to Botany", "Achievement", "March 4, 2026", "Demo Academy", credential.formatted_code,
                 "Completed 95% of the course (required 90%)", "Final Exam: 81% (required 75%)"):
        assert fact in html, fact
    assert "Verified" in html and credential.key_id in html
    assert 'property="og:title"' in html and "linkedin.com/profile/add?" in html
    assert f"certId={credential.formatted_code}" in html
    assert_no_private_data(html)


def test_superseded_page_links_to_current(client, learner, config, make_credential, supersede):
    old = make_credential(learner, config)
    new = supersede(old, learner, config)
    html = text(page(client, old))
    assert "Superseded" in html
    assert f'href="/credentials/verify/{new.verification_id}/"' in html
    assert "linkedin.com" not in html
    assert "Valid credential" in text(page(client, new))


def test_revoked_page_gives_date_and_hides_reason_by_default(client, learner, config, make_credential, revoke):
    credential = revoke(make_credential(learner, config))
    html = text(page(client, credential))
    assert "Revoked" in html and "revoked on May 6, 2026" in html
    assert "Academic misconduct" not in html
    with features(SHOW_REVOCATION_REASON=True):
        assert "Reason: Academic misconduct found on appeal" in text(page(client, credential))


def test_unknown_and_unissued_ids_are_404(client, learner, config):
    pending = Credential.objects.create(verification_id=new_verification_id(), short_code=new_short_code(),
                                        user=learner, config=config)
    for vid in (new_verification_id(), pending.verification_id, "x", "../../etc/passwd"):
        response = client.get(f"/credentials/verify/{vid}/")
        assert response.status_code == 404
    assert "No credential found" in text(client.get(f"/credentials/verify/{new_verification_id()}/"))


def test_short_code_any_case_and_hyphens(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    code = credential.formatted_code
    for typed in (code, code.lower(), code.replace("-", ""), f"  {code.lower().replace('-', ' ')} "):
        response = client.get("/credentials/verify/", {"code": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == f"/credentials/verify/{credential.verification_id}/"
    assert client.get("/credentials/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code == 404
    assert client.get("/credentials/verify/").status_code == 200


def test_feature_switch_off_hides_everything(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    with features(VERIFICATION_PAGE=False):
        assert page(client, credential).status_code == 404
        assert client.get(f"/credentials/verify/{credential.verification_id}/json/").status_code == 404
        assert client.get("/credentials/verify/", {"code": credential.short_code}).status_code == 404
    with features(OPEN_BADGES_EXPORT=False):
        assert client.get(f"/credentials/verify/{credential.verification_id}/ob3/").status_code == 404
        assert "Open Badges 3.0" not in text(page(client, credential))


def test_tampered_record_fails_signature_check(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    Credential.objects.filter(pk=credential.pk).update(payload=credential.payload.replace("Botany", "Zoology"))
    html = text(page(client, credential))
    assert "Does not verify" in html and "Cannot be verified" in html
    assert "Valid credential" not in html and "linkedin.com" not in html and "/ob3/" not in html
    assert "Zoology" not in html  # an unverified payload is never shown: the snapshot is
    data = client.get(f"/credentials/verify/{credential.verification_id}/json/").json()
    assert data["signature"]["valid"] is False


def test_name_equal_to_username_is_never_shown(client, learner, config, make_credential):
    credential = make_credential(learner, config, name=USERNAME)
    html = text(page(client, credential))
    assert "Hidden by the issuer" in html
    assert_no_private_data(html)
    assert_no_private_data(json.dumps(client.get(f"/credentials/verify/{credential.verification_id}/json/").json()))


JSON_FIELDS = {"verification_id", "code", "status", "name", "title", "level", "issued_on", "reissued_at",
               "rules_met", "issuer", "course", "signature", "superseded_by", "revoked_at", "revocation_reason",
               "expires_at"}


def _values(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    else:
        yield str(node)


@pytest.mark.parametrize("public_name", [True, False])
def test_json_every_field_checked(client, learner, config, public_name, make_credential, revoke):
    credential = revoke(make_credential(learner, config))
    with features(PUBLIC_NAME_DISPLAY=public_name):
        data = client.get(f"/credentials/verify/{credential.verification_id}/json/").json()
        html = text(page(client, credential))
    assert set(data) == JSON_FIELDS
    assert data["verification_id"] == credential.verification_id
    assert data["code"] == credential.formatted_code
    assert data["status"] == "revoked"
    assert data["name"] == (NAME if public_name else None)
    assert data["title"] == "Intro to Botany" and data["level"] == "achievement"
    assert data["issued_on"] == "2026-03-04" and data["reissued_at"] is None
    assert data["rules_met"] == ["Completed 95% of the course (required 90%)", "Final Exam: 81% (required 75%)"]
    assert data["issuer"] == "Demo Academy" and data["course"] == "course-v1:DemoX+BOT101+2026"
    assert data["superseded_by"] is None and data["revoked_at"] == "2026-05-06T07:08:00+00:00"
    assert data["revocation_reason"] is None  # SHOW_REVOCATION_REASON is off by default
    assert data["expires_at"] is None  # no validity period on the config
    signature = data["signature"]
    assert signature["valid"] is True and signature["algorithm"] == "Ed25519" and signature["key_id"]
    assert ("payload" in signature) is public_name
    everything = " ".join(_values(data))
    assert_no_private_data(everything)
    assert_no_private_data(html)
    if not public_name:
        for part in ("Zoë", "Ångström", "Kowalski"):
            assert part not in everything and part not in html


def _key_resolver(client):
    def resolve(method):
        assert method.startswith(BASE)
        document = client.get(method[len(BASE):]).json()
        assert document["type"] == "Multikey" and document["id"] == method
        raw = multibase.ed25519_from_multikey(document["publicKeyMultibase"])
        return Ed25519PublicKey.from_public_bytes(raw)
    return resolve


@pytest.mark.parametrize("public_name", [True, False])
def test_open_badge_export_verifies_independently(client, learner, config, public_name, make_credential):
    credential = make_credential(learner, config)
    with features(PUBLIC_NAME_DISPLAY=public_name):
        response = client.get(f"/credentials/verify/{credential.verification_id}/ob3/")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    badge = json.loads(response.content)
    for field in ("@context", "id", "type", "issuer", "validFrom", "credentialSubject"):
        assert badge[field], field
    achievement = badge["credentialSubject"]["achievement"]
    for field in ("id", "type", "name", "description", "criteria"):
        assert achievement[field], field
    assert achievement["criteria"]["narrative"] == ("Complete at least 90% of the course. "
                                                    "Score at least 75% on Final Exam.")
    assert badge["validFrom"] == "2026-03-04T00:00:00Z"
    assert badge["id"] == f"{BASE}/credentials/verify/{credential.verification_id}/ob3/"
    key = _key_resolver(client)(badge["proof"]["verificationMethod"])
    assert independent_verify(badge, key)
    issuer = client.get(badge["issuer"]["id"][len(BASE):]).json()
    assert issuer["id"] == badge["issuer"]["id"] and issuer["type"] == ["Profile"]
    identifier = badge["credentialSubject"]["identifier"][0]
    assert identifier["hashed"] is (not public_name)
    flat = json.dumps(badge, ensure_ascii=False)
    assert_no_private_data(flat)
    assert (NAME in flat) is public_name
    if not public_name:
        assert identifier["identityHash"] == "sha256$" + hashlib.sha256(
            (NAME + identifier["salt"]).encode()).hexdigest()


def test_export_only_for_current_credentials(client, learner, config, make_credential, revoke, supersede):
    old = make_credential(learner, config)
    supersede(old, learner, config)
    revoked = revoke(make_credential(learner, CredentialConfig.objects.create(
        course_key="course-v1:DemoX+B2+2026", usage_key="b2", level="completion", criteria={})))
    for credential in (old, revoked):
        assert client.get(f"/credentials/verify/{credential.verification_id}/ob3/").status_code == 404


def test_revoked_bit_is_set_in_signed_status_list(client, learner, config, make_credential, revoke):
    kept = make_credential(learner, config)
    other = CredentialConfig.objects.create(course_key="course-v1:DemoX+B2+2026", usage_key="b2",
                                            level="completion", criteria={})
    gone = revoke(make_credential(learner, other))
    badge = client.get(f"/credentials/verify/{kept.verification_id}/ob3/").json()
    entry = badge["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["statusListIndex"] == str(kept.pk)
    response = client.get(entry["statusListCredential"][len(BASE):])
    assert response.status_code == 200
    status_list = json.loads(response.content)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert independent_verify(status_list, _key_resolver(client)(status_list["proof"]["verificationMethod"]))
    bits = statuslist.decode(status_list["credentialSubject"]["encodedList"])
    assert len(bits) >= 16 * 1024
    assert statuslist.is_set(bits, gone.pk) and not statuslist.is_set(bits, kept.pk)
    assert client.get("/credentials/status/99/").status_code == 404


def test_key_and_issuer_documents(client, learner, config, make_credential):
    make_credential(learner, config)
    pair = signing.active_key()
    document = client.get(f"/credentials/keys/{pair.key_id}/").json()
    assert re.fullmatch(r"z6Mk[1-9A-HJ-NP-Za-km-z]+", document["publicKeyMultibase"])
    assert document["controller"] == f"{BASE}/credentials/issuer/"
    assert client.get("/credentials/keys/no-such-key/").status_code == 404
    assert client.get("/credentials/issuer/Unconfigured/").status_code == 404
    with override_settings(CREDENTIAL_XBLOCK_ORGANISATION_ISSUERS={"DemoX": {"name": "DemoX University",
                                                                             "url": "https://demox.example"}}):
        assert client.get("/credentials/issuer/DemoX/").json()["name"] == "DemoX University"


def test_organisation_issuer_controls_its_key(client, learner, config, make_credential):
    credential = make_credential(learner, config)
    with override_settings(CREDENTIAL_XBLOCK_ORGANISATION_ISSUERS={"DemoX": {"name": "DemoX University",
                                                                             "url": "https://demox.example"}}):
        badge = client.get(f"/credentials/verify/{credential.verification_id}/ob3/").json()
        assert badge["issuer"] == {"id": f"{BASE}/credentials/issuer/DemoX/", "type": ["Profile"],
                                   "name": "DemoX University", "url": "https://demox.example"}
        method = badge["proof"]["verificationMethod"]
        assert method.startswith(f"{BASE}/credentials/issuer/DemoX/keys/")
        assert client.get(method[len(BASE):]).json()["controller"] == badge["issuer"]["id"]
        assert independent_verify(badge, _key_resolver(client)(method))
    assert client.get(method[len(BASE):]).status_code == 404  # no longer an issuer here


def test_no_active_signing_key_is_503_not_500(client, learner, config, settings, make_credential):
    credential = make_credential(learner, config)
    settings.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = "no-such-key"  # misconfigured: nothing can sign
    assert client.get(f"/credentials/verify/{credential.verification_id}/ob3/").status_code == 503
    assert client.get("/credentials/status/0/").status_code == 503
    assert "Verified" in text(page(client, credential))  # existing signatures still verify
