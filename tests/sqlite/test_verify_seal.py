"""Seals: the verification page checks a stored MAC of the signature instead of verifying it (an Ed25519 verify
cost as much as the rest of a page), and verifies the signature itself whenever the seal does not match."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from credential_admin.issuing import signing
from credential_admin.models import Credential

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def verifications(monkeypatch):
    """The Ed25519 verifications made, by key id (each still really made)."""
    made = []
    real = signing.verify

    def counted(data, signature, key_id):
        made.append(key_id)
        return real(data, signature, key_id)
    monkeypatch.setattr(signing, "verify", counted)
    return made


def page(client, credential) -> str:
    response = client.get(f"/credentials/verify/{credential.verification_id}/")
    assert response.status_code == 200
    return response.content.decode()


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seal_credentials", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_issuing_seals_and_a_sealed_page_verifies_no_signature(client, learner, config, make_credential,
                                                               verifications):
    credential = make_credential(learner, config)
    assert credential.seal == signing.seal(credential.payload.encode(), credential.signature, credential.key_id)
    verifications.clear()
    assert "Valid credential" in page(client, credential)
    assert client.get(f"/credentials/verify/{credential.verification_id}/json/").json()["signature"]["valid"]
    assert verifications == []


def test_an_edited_payload_fails_although_its_seal_is_kept(client, learner, config, make_credential, verifications):
    credential = make_credential(learner, config)
    Credential.objects.filter(pk=credential.pk).update(payload=credential.payload.replace("Botany", "Zoology"))
    html = page(client, credential)
    assert "Does not verify" in html and "Valid credential" not in html and "Zoology" not in html
    assert verifications == [credential.key_id]  # the seal did not match: the signature itself was checked


def test_another_rows_sealed_signature_is_not_this_rows(client, learner, config, make_config, make_credential):
    first = make_credential(learner, config)
    second = make_credential(learner, make_config(usage_key="block-v1:DemoX+BOT101+2026+type@credential+block@c2"))
    Credential.objects.filter(pk=second.pk).update(payload=first.payload, signature=first.signature,
                                                   key_id=first.key_id, seal=first.seal)
    assert "Does not verify" in page(client, second)  # the signed facts name the first credential's id


@pytest.mark.parametrize("seal", ["", "0" * 64, "é" * 64])
def test_a_missing_wrong_or_garbled_seal_means_the_signature_is_checked(client, learner, config, make_credential,
                                                                        verifications, seal):
    credential = make_credential(learner, config)
    Credential.objects.filter(pk=credential.pk).update(seal=seal)
    verifications.clear()
    assert "Valid credential" in page(client, credential)
    assert verifications == [credential.key_id]


def test_after_secret_key_rotation_pages_stay_valid_and_resealing_makes_them_cheap(client, learner, config,
                                                                                   make_credential, verifications):
    credential = make_credential(learner, config)
    with override_settings(SECRET_KEY="a-new-secret-key-of-the-site-" * 2):
        verifications.clear()
        assert "Valid credential" in page(client, credential)
        assert verifications == [credential.key_id]
        assert "Sealed 0;" in run()[0]  # every row has a seal: only --all seals them again
        out, _err = run("--all")
        assert "Sealed 1; 0 failed" in out
        credential.refresh_from_db()
        client.get(f"/credentials/verify/{credential.verification_id}/json/")  # another kind: not in the cache
        assert verifications == [credential.key_id, credential.key_id]  # --all checked it once, the page none


def test_command_seals_unsealed_rows_and_reports_the_ones_that_fail(learner, config, make_config, make_credential):
    good = make_credential(learner, config)
    bad = make_credential(learner, make_config(usage_key="block-v1:DemoX+BOT101+2026+type@credential+block@c2"))
    Credential.objects.update(seal="")
    Credential.objects.filter(pk=bad.pk).update(payload=bad.payload.replace("Botany", "Zoology"))
    with pytest.raises(CommandError) as failed:
        run("--batch-size", "1")
    assert failed.value.returncode == 1
    good.refresh_from_db()
    assert good.seal == signing.seal(good.payload.encode(), good.signature, good.key_id)
    assert Credential.objects.get(pk=bad.pk).seal == ""


def test_command_refuses_a_batch_size_below_one(learner, config, make_credential):
    credential = make_credential(learner, config)
    Credential.objects.update(seal="")
    with pytest.raises(CommandError) as refused:
        run("--batch-size", "0")
    assert refused.value.returncode == 2
    assert Credential.objects.get(pk=credential.pk).seal == ""


def test_seal_changes_with_every_part(settings):
    settings.SECRET_KEY = "test-secret-key-for-seals-0123456789-abcdefghijkl"
    sealed = signing.seal(b"{}", "ab", "c")
    assert len(sealed) == 64
    assert len({sealed, signing.seal(b"{}", "a", "bc"), signing.seal(b"{} ", "ab", "c"),
                signing.seal(b"{}", "ab", "d")}) == 4
    settings.SECRET_KEY = "another-secret-key-for-seals-0123456789-abcdefgh"
    assert signing.seal(b"{}", "ab", "c") != sealed
