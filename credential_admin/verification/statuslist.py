"""Bitstring Status List v1.0: revocation bits, their encoding, and the status list credential.

Index 0 is the left-most bit of the first byte. Each list holds `LIST_SIZE` entries (the spec's 16 KiB minimum, for
herd privacy); list `n` covers credentials whose status index falls in ``[n * LIST_SIZE, (n + 1) * LIST_SIZE)``.
"""
from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .jsonld import VC_V2

LIST_SIZE = 16 * 1024 * 8  # 131,072 entries
PURPOSE = "revocation"


def locate(status_index: int) -> tuple[int, int]:
    """(list number, index within that list) of a global status index."""
    if status_index < 0:
        raise ValueError("A status index is never negative")
    return divmod(status_index, LIST_SIZE)


def encode(set_bits: Iterable[int], size: int = LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring with `set_bits` on."""
    bits = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise ValueError(f"Status index {index} is outside a list of {size} entries")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded_list: str) -> bytes:
    """The raw bitstring of an ``encodedList``; ValueError when it is not multibase base64url GZIP."""
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u…')")
    body = encoded_list[1:]
    try:
        bitstring = gzip.decompress(base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True))
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError("encodedList is not GZIP-compressed base64url") from exc
    if not bitstring:
        raise ValueError("encodedList holds no bits")
    return bitstring


def is_set(bitstring: bytes, index: int) -> bool:
    """Whether bit `index` (0 = left-most bit of the first byte) is on."""
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def entry(list_url: str, status_index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential at global `status_index`, whose list lives at `list_url`."""
    _, index = locate(status_index)
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": PURPOSE,
            "statusListIndex": str(index), "statusListCredential": list_url}


def list_credential(list_url: str, issuer_id: str, revoked: Iterable[int],
                    valid_from: datetime) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` with the in-list indexes in `revoked` set."""
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": PURPOSE, "encodedList": encode(revoked)},
    }
