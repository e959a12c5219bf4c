"""OpenBadgeCredential builder, Bitstring Status List, and verification by a second, independent verifier.

`independent_verify` below is written from the cryptosuite spec with pyld and cryptography directly; it shares no
code with credential_admin.verification (its own base58, its own loader reading the shipped context files).
"""
import base64
import copy
import gzip
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld as pyld_jsonld

from credential_admin.verification import dataintegrity, openbadges, statuslist

CONTEXT_FILES = Path(__file__).resolve().parents[2] / "credential_admin" / "contexts"
URLS = {"https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json"}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BASE = "https://lms.example.org/credentials"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
METHOD = f"{BASE}/keys/k2026/"


def _loader(url, _options=None):
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads((CONTEXT_FILES / URLS[url]).read_text(encoding="utf-8"))}


def _b58decode(text):
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _c14n_hash(doc):
    nquads = pyld_jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                         "documentLoader": _loader})
    return hashlib.sha256(nquads.encode()).digest()


def independent_verify(credential, public_key: Ed25519PublicKey) -> bool:
    """eddsa-rdfc-2022 verification straight from the spec (section 3.3), written separately."""
    body = {k: v for k, v in credential.items() if k != "proof"}
    proof = dict(credential["proof"])
    signature = _b58decode(proof.pop("proofValue")[1:])
    if proof["type"] != "DataIntegrityProof" or proof["cryptosuite"] != "eddsa-rdfc-2022":
        return False
    proof["@context"] = body["@context"]
    try:
        public_key.verify(signature, _c14n_hash(proof) + _c14n_hash(body))
    except InvalidSignature:
        return False
    return True


def facts(**overrides):
    values = {
        "credential_id": f"{BASE}/verify/AbC123/ob3/",
        "title": "Intro to Botany — Completion",
        "achievement_id": f"{BASE}/achievements/7/",
        "achievement_name": "Intro to Botany",
        "achievement_description": "Completion credential for the course Intro to Botany.",
        "criteria": "Completed at least 90% of the course.",
        "level": "completion",
        "learner_name": "Zoë Ångström",
        "valid_from": datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
        "issuer": openbadges.Issuer(f"{BASE}/issuer/", "Example Academy", "https://lms.example.org"),
        "status": statuslist.entry(f"{BASE}/status/0/", 42),
        "recipient_salt": None,
    }
    values.update(overrides)
    return openbadges.BadgeFacts(**values)


def signed(badge_facts):
    return dataintegrity.sign(openbadges.build(badge_facts), KEY, METHOD, "2026-03-04T05:06:07Z")


def test_every_field_open_badges_requires():
    credential = openbadges.build(facts())
    for field in ("@context", "id", "type", "issuer", "validFrom", "credentialSubject"):
        assert credential[field], field
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2026-03-04T05:06:07Z"
    assert credential["issuer"] == {"id": f"{BASE}/issuer/", "type": ["Profile"], "name": "Example Academy",
                                    "url": "https://lms.example.org"}
    assert credential["credentialSubject"]["type"] == ["AchievementSubject"]
    achievement = credential["credentialSubject"]["achievement"]
    for field in ("id", "type", "name", "description", "criteria"):
        assert achievement[field], field
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"] == {"narrative": "Completed at least 90% of the course."}
    assert achievement["achievementType"] == "CertificateOfCompletion"


def test_status_entry():
    assert openbadges.build(facts())["credentialStatus"] == {
        "id": f"{BASE}/status/0/#42", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "42", "statusListCredential": f"{BASE}/status/0/"}
    assert statuslist.entry(f"{BASE}/status/1/", 131072 + 5)["statusListIndex"] == "5"


def test_public_name_in_clear():
    subject = openbadges.build(facts())["credentialSubject"]
    assert subject["name"] == "Zoë Ångström"
    assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                                      "identityHash": "Zoë Ångström"}]


def test_hidden_name_is_only_a_salted_hash():
    credential = openbadges.build(facts(recipient_salt="6f1c2a"))
    subject = credential["credentialSubject"]
    # sha256("Zoë Ångström" + "6f1c2a"), computed separately with hashlib
    assert subject["identifier"] == [{
        "type": "IdentityObject", "identityType": "name", "hashed": True, "salt": "6f1c2a",
        "identityHash": "sha256$330ef9d0d0df9910f497129b47e80d7066ce46f6767d22c05857c8c71b644f33"}]
    assert "name" not in subject
    assert "Zoë" not in repr(credential) and "Ångström" not in repr(credential)


def test_naive_dates_are_refused():
    with pytest.raises(ValueError):
        openbadges.build(facts(valid_from=datetime(2026, 1, 1)))


@pytest.mark.parametrize("salt", [None, "6f1c2a"])
def test_our_credential_verifies_in_both_verifiers(salt):
    credential = signed(facts(recipient_salt=salt))
    assert dataintegrity.verify(credential, lambda method: KEY.public_key() if method == METHOD else None).valid
    assert independent_verify(credential, KEY.public_key())


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def _mutated(credential, path):
    changed = copy.deepcopy(credential)
    target = changed
    for step in path[:-1]:
        target = target[step]
    value = target[path[-1]]
    if isinstance(value, bool):
        target[path[-1]] = not value
    elif path[-1] in ("validFrom", "created"):
        target[path[-1]] = value.replace("2026", "2027")
    elif isinstance(value, str) and value.startswith("http"):
        target[path[-1]] = value.replace("example.org", "example.net")
    else:
        target[path[-1]] = value + "x"
    return changed


SIGNED = signed(facts(recipient_salt="6f1c2a"))
SIGNED_LEAVES = [p for p in _leaves(SIGNED) if p[0] != "@context" and p[-1] != "proofValue"]


@pytest.mark.parametrize("path", SIGNED_LEAVES, ids=["/".join(map(str, p)) for p in SIGNED_LEAVES])
def test_any_change_fails_verification(path):
    changed = _mutated(SIGNED, path)
    resolve = lambda method: KEY.public_key() if method == METHOD else None  # noqa: E731
    assert not dataintegrity.verify(changed, resolve).valid
    if path[:2] != ("proof", "verificationMethod") and path[:2] != ("proof", "type") \
            and path[:2] != ("proof", "cryptosuite"):
        assert not independent_verify(changed, KEY.public_key())


def test_changed_proof_value_or_other_key_fails():
    changed = copy.deepcopy(SIGNED)
    value = changed["proof"]["proofValue"]
    changed["proof"]["proofValue"] = value[:-2] + ("1" if value[-2] != "1" else "2") + value[-1]
    assert not dataintegrity.verify(changed, lambda _m: KEY.public_key()).valid
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key()
    assert not dataintegrity.verify(SIGNED, lambda _m: other).valid
    assert not independent_verify(SIGNED, other)


def test_bitstring_hand_computed():
    encoded = statuslist.encode([0, 7, 8, statuslist.LIST_SIZE - 1])
    assert encoded.startswith("u")
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(raw) == 16384  # the spec's 16 KiB minimum
    assert raw[0] == 0b1000_0001 and raw[1] == 0b1000_0000 and raw[-1] == 0b0000_0001
    assert raw[2:-1] == bytes(16381)
    assert statuslist.decode(encoded) == raw
    assert [i for i in (0, 1, 7, 8, 9, 131071) if statuslist.is_set(raw, i)] == [0, 7, 8, 131071]


@pytest.mark.parametrize("index", [-1, statuslist.LIST_SIZE])
def test_bitstring_refuses_out_of_range(index):
    with pytest.raises(ValueError):
        statuslist.encode([index])


@pytest.mark.parametrize("bad", ["zabc", "u!!!", "uAAAA"])
def test_bitstring_decode_refuses_garbage(bad):
    with pytest.raises(ValueError):
        statuslist.decode(bad)


def test_status_list_credential_signed_and_bits_set():
    unsigned = statuslist.list_credential(f"{BASE}/status/0/", f"{BASE}/issuer/", [42, 99],
                                          datetime(2026, 5, 1, tzinfo=UTC))
    credential = dataintegrity.sign(unsigned, KEY, METHOD, "2026-05-01T00:00:00Z")
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    bits = statuslist.decode(subject["encodedList"])
    assert statuslist.is_set(bits, 42) and statuslist.is_set(bits, 99) and not statuslist.is_set(bits, 43)
    assert independent_verify(credential, KEY.public_key())
