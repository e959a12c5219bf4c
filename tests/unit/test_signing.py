"""Signing: Ed25519 over RFC 8785 canonical JSON, key ids, rotation, key files, the envelope the PDF carries."""
import base64
import json
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from credential_admin.issuing import signing

# RFC 8032 section 7.1, TEST 1: secret key, public key and the signature of the empty message.
RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_SIGNATURE = ("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.fixture
def keys(settings, tmp_path):
    """Two keys in settings, no file; the second is active unless ACTIVE_KEY_ID says otherwise."""
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {
        "old": b64(bytes.fromhex(RFC8032_SECRET)),
        "new": b64(bytes(range(32))),
    }
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = ""
    settings.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = ""
    return settings


def test_canonical_json_follows_rfc8785():
    # Keys sorted by UTF-16 code units, no whitespace, UTF-8 kept, integers without exponent.
    payload = {"b": [1, "é"], "a": {"z": True, "y": None}, "€": 2, "A": 10**6}
    assert signing.canonical(payload) == '{"A":1000000,"a":{"y":null,"z":true},"b":[1,"é"],"€":2}'.encode()


def test_rfc8032_vector_verifies_through_our_api(keys):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032_SECRET))
    assert key.sign(b"").hex() == RFC8032_SIGNATURE
    public = signing.public_key("old")
    assert public.public_bytes_raw().hex() == RFC8032_PUBLIC
    sig = signing.b64encode(bytes.fromhex(RFC8032_SIGNATURE))
    assert signing.verify(b"", sig, "old")
    assert not signing.verify(b"", sig, "new")


def test_sign_then_verify_and_every_changed_byte_fails(keys):
    data, signature, key_id = signing.sign({"name": "Zoë Ångström", "level": "completion", "id": "abc"})
    assert key_id == "new"
    assert data == '{"id":"abc","level":"completion","name":"Zoë Ångström"}'.encode()
    assert signing.verify(data, signature, key_id)
    for index in range(len(data)):
        changed = bytearray(data)
        changed[index] ^= 0x01
        assert not signing.verify(bytes(changed), signature, key_id), index


def test_verify_refuses_malformed_input(keys):
    data, signature, key_id = signing.sign({"x": 1})
    assert not signing.verify(data, signature[:-2], key_id)
    assert not signing.verify(data, "not base64 !!", key_id)
    assert not signing.verify(data, signature, "")
    assert not signing.verify(data, signature, None)


def test_active_key_id_pins_a_key_and_unknown_id_is_refused(keys):
    keys.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = "old"
    assert signing.sign({"x": 1})[2] == "old"
    keys.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = "missing"
    with pytest.raises(ImproperlyConfigured, match="missing"):
        signing.active_key()


def test_bad_private_key_is_a_clear_configuration_error(settings):
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {"short": b64(b"x" * 16)}
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="16 bytes instead of 32"):
        signing.active_key()


def test_no_key_at_all_is_a_clear_configuration_error(settings, tmp_path):
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {}
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.CREDENTIAL_XBLOCK_GENERATE_SIGNING_KEY = False
    with pytest.raises(ImproperlyConfigured, match="No signing key"):
        signing.active_key()
    assert not (tmp_path / "keys.json").exists()


def test_first_use_generates_an_owner_only_key_file(settings, tmp_path):
    path = tmp_path / "data" / "keys.json"
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {}
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = str(path)
    settings.CREDENTIAL_XBLOCK_GENERATE_SIGNING_KEY = True
    settings.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = ""
    pair = signing.active_key()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert list(stored) == [pair.key_id]
    assert len(signing.b64decode(stored[pair.key_id])) == 32
    assert signing.active_key().key_id == pair.key_id  # read back, not generated again


def test_rotation_signs_with_the_new_key_and_old_signatures_still_verify(settings, tmp_path):
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS = {}
    settings.CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE = str(tmp_path / "keys.json")
    settings.CREDENTIAL_XBLOCK_GENERATE_SIGNING_KEY = True
    settings.CREDENTIAL_XBLOCK_ACTIVE_KEY_ID = ""
    old = signing.sign({"n": 1})
    path = tmp_path / "keys.json"
    before = json.loads(path.read_text())
    entries = dict(before)
    entries["zz-second"] = b64(Ed25519PrivateKey.generate().private_bytes_raw())
    path.write_text(json.dumps(entries))  # what rotate() does, without the database registration
    os.utime(path, ns=(1, os.stat(path).st_mtime_ns + 1_000_000))
    new = signing.sign({"n": 2})
    assert new[2] == "zz-second" != old[2]
    assert signing.verify(*old) and signing.verify(*new)
    assert not signing.verify(old[0], new[1], new[2])


def test_envelope_round_trip_and_rejects_foreign_data(keys):
    data, signature, key_id = signing.sign({"id": "v1", "name": "Ana"})
    blob = signing.envelope(data, signature, key_id, "https://example.org/credentials/verify/v1/")
    opened = signing.open_envelope(blob)
    assert opened.payload == data and opened.key_id == "new"
    assert opened.verify_url == "https://example.org/credentials/verify/v1/"
    assert opened.facts == {"id": "v1", "name": "Ana"}
    assert opened.verifies()
    tampered = signing.open_envelope(blob.replace(b"Ana", b"Ann"))
    assert tampered is not None and not tampered.verifies()
    for junk in (None, b"", b"{", b"[]", b'{"alg":"RSA"}', b'{"alg":"Ed25519"}', "\xff".encode("latin-1")):
        assert signing.open_envelope(junk) is None
