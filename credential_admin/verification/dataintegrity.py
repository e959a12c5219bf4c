"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites v1.0).

Signed bytes = SHA-256(canonical proof options) || SHA-256(canonical unsecured document), both canonicalised with
RDFC-1.0 using the document's own ``@context``; the Ed25519 signature is the multibase base58btc ``proofValue``.
"""
from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld.jsonld import JsonLdError

from .jsonld import canonicalize
from .multibase import decode_multibase, encode_multibase

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PURPOSE = "assertionMethod"

KeyResolver = Callable[[str], "Ed25519PublicKey | None"]


@dataclass(frozen=True)
class ProofCheck:
    """Outcome of checking a proof: `valid`, and a short reason when it is not (for logs and pages)."""

    valid: bool
    reason: str = ""
    verification_method: str = ""


def proof_options(verification_method: str, created: str) -> dict[str, Any]:
    """The proof configuration the cryptosuite signs (everything but ``proofValue``)."""
    return {"type": PROOF_TYPE, "created": created, "verificationMethod": verification_method,
            "cryptosuite": CRYPTOSUITE, "proofPurpose": PURPOSE}


def hashes(unsecured: dict[str, Any], options: dict[str, Any]) -> tuple[bytes, bytes]:
    """(SHA-256 of canonical proof options, SHA-256 of canonical document): their concatenation is signed."""
    config = {**options, "@context": unsecured["@context"]}
    options_hash = hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured).encode("utf-8")).digest()
    return options_hash, document_hash


def sign(unsecured: dict[str, Any], private_key: Ed25519PrivateKey, verification_method: str,
         created: str) -> dict[str, Any]:
    """A copy of `unsecured` with an ``eddsa-rdfc-2022`` proof added."""
    options = proof_options(verification_method, created)
    options_hash, document_hash = hashes(unsecured, options)
    signature = private_key.sign(options_hash + document_hash)
    secured = copy.deepcopy(unsecured)
    secured["proof"] = {**options, "proofValue": encode_multibase(signature)}
    return secured


def verify(secured: dict[str, Any], resolve_key: KeyResolver) -> ProofCheck:
    """Check the single ``eddsa-rdfc-2022`` proof of `secured`; `resolve_key` maps a verificationMethod to a key."""
    if not isinstance(secured, dict) or not isinstance(secured.get("proof"), dict):
        return ProofCheck(False, "no proof")
    proof = secured["proof"]
    method = proof.get("verificationMethod")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(False, "unsupported proof type or cryptosuite", str(method or ""))
    if proof.get("proofPurpose") != PURPOSE or not isinstance(method, str):
        return ProofCheck(False, "wrong proof purpose or no verification method", str(method or ""))
    try:
        signature = decode_multibase(proof.get("proofValue"))
    except ValueError:
        return ProofCheck(False, "malformed proofValue", method)
    public_key = resolve_key(method)
    if public_key is None:
        return ProofCheck(False, "unknown verification method", method)
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    try:
        options_hash, document_hash = hashes(unsecured, options)
        public_key.verify(signature, options_hash + document_hash)
    except (JsonLdError, KeyError, TypeError):
        return ProofCheck(False, "document is not valid JSON-LD with the pinned contexts", method)
    except InvalidSignature:
        return ProofCheck(False, "signature does not match", method)
    return ProofCheck(True, "", method)
