"""The 1EdTech eddsa-rdfc-2022 test vector, reproduced byte for byte, and the pinned-context document loader."""
import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdError

from credential_admin.verification import dataintegrity, jsonld, multibase

VECTOR_DIR = Path(__file__).parent / "test_jsonld_vectors"  # the 1EdTech vector files, copied unchanged
VECTOR = json.loads((VECTOR_DIR / "testvector.json").read_text(encoding="utf-8"))
CANONICAL = (VECTOR_DIR / "testvector-canonical.nq").read_text(encoding="utf-8")
KEY = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["private_key_hex"]))


def signed_vector() -> dict:
    options = VECTOR["proof_options"]
    return dataintegrity.sign(VECTOR["unsecured_credential"], KEY, options["verificationMethod"], options["created"])


def test_canonical_nquads_match_byte_for_byte():
    assert jsonld.canonicalize(VECTOR["unsecured_credential"]).encode("utf-8") == CANONICAL.encode("utf-8")


def test_both_hashes_match():
    options_hash, document_hash = dataintegrity.hashes(VECTOR["unsecured_credential"], VECTOR["proof_options"])
    assert options_hash.hex() == VECTOR["expected"]["proof_options_hash_sha256_hex"]
    assert document_hash.hex() == VECTOR["expected"]["document_hash_sha256_hex"]


def test_proof_value_matches():
    secured = signed_vector()
    assert secured["proof"]["proofValue"] == VECTOR["expected"]["proofValue"]
    assert {k: v for k, v in secured["proof"].items() if k != "proofValue"} == VECTOR["proof_options"]
    assert "proof" not in VECTOR["unsecured_credential"]  # signing does not touch its input


def test_multikey_of_vector_key():
    raw = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert multibase.ed25519_multikey(raw) == VECTOR["public_key_multibase"]
    assert multibase.ed25519_from_multikey(VECTOR["public_key_multibase"]) == raw


def test_vector_verifies_and_fails_when_changed():
    secured = signed_vector()
    assert dataintegrity.verify(secured, lambda _method: KEY.public_key()).valid
    changed = copy.deepcopy(secured)
    changed["credentialSubject"]["achievement"]["name"] = "Teamwork!"
    check = dataintegrity.verify(changed, lambda _method: KEY.public_key())
    assert not check.valid and check.reason == "signature does not match"


@pytest.mark.parametrize(("data", "text"), [
    (b"", ""),
    (b"\x00\x00\x01", "112"),
    (b"hello world", "StV1DL6CwTryKyV"),
    (b"\x00\xff", "15Q"),
])
def test_base58_hand_computed(data, text):
    assert multibase.b58encode(data) == text
    assert multibase.b58decode(text) == data


@pytest.mark.parametrize("bad", ["", "f00", "z0OIl", 42, None])
def test_bad_multibase_is_refused(bad):
    with pytest.raises(ValueError):
        multibase.decode_multibase(bad)


def test_loader_serves_pinned_contexts_only():
    for url in (jsonld.VC_V2, jsonld.OB_V3):
        assert jsonld.document_loader(url)["document"]["@context"]
    for url in ("https://www.w3.org/2018/credentials/v1", "https://evil.example/ctx", "file:///etc/passwd",
                jsonld.VC_V2 + "/", "http://www.w3.org/ns/credentials/v2"):
        with pytest.raises(jsonld.ContextRefused):
            jsonld.document_loader(url)


def test_unpinned_context_is_never_fetched():
    document = {**VECTOR["unsecured_credential"], "@context": [jsonld.VC_V2, "https://evil.example/ctx"]}
    with pytest.raises(JsonLdError):
        jsonld.canonicalize(document)


@pytest.mark.parametrize("extra", [
    {"foo": "bar"},
    {"type": ["VerifiableCredential", "OpenBadgeCredential", "Unheard"]},
])
def test_undefined_terms_are_refused(extra):
    document = {**VECTOR["unsecured_credential"], **extra}
    with pytest.raises(jsonld.UndefinedTerm):
        jsonld.canonicalize(document)


def test_added_undefined_property_breaks_verification():
    """Without strict canonicalisation, an undefined property would be dropped and the proof would still pass."""
    secured = signed_vector()
    secured["credentialSubject"]["grade"] = "A+"
    assert not dataintegrity.verify(secured, lambda _method: KEY.public_key()).valid


def test_pinned_contexts_win_over_what_other_pyld_callers_cached():
    """pyld caches tagged contexts process-wide by URL; another caller's copy must not change our output."""
    from pyld import jsonld as pyld_jsonld

    fake = {"@context": {"name": "https://evil.example/name", "id": "@id", "type": "@type"}}
    try:
        pyld_jsonld.expand({"@context": jsonld.VC_V2, "name": "x"}, {"documentLoader": lambda url, options=None: {
            "contextUrl": None, "documentUrl": url, "document": fake, "tag": "static"}})  # cached by URL
        assert jsonld.canonicalize(VECTOR["unsecured_credential"]) == CANONICAL
    finally:
        pyld_jsonld._resolved_context_cache.clear()  # leave pyld's process-wide cache as other tests expect
