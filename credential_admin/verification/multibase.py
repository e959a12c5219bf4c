"""Multibase base58btc and Multikey encodings used by Data Integrity proofs (``z…`` strings)."""
from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: i for i, char in enumerate(ALPHABET)}
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint


def b58encode(data: bytes) -> str:
    """Bitcoin base58 of `data` (leading zero bytes become leading '1's)."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of `b58encode`; ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"Invalid base58 character {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc: 'z' + base58."""
    return "z" + b58encode(data)


def decode_multibase(text: str) -> bytes:
    """Bytes of a base58btc multibase string; ValueError for any other base or bad characters."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("Only base58btc multibase values ('z…') are supported")
    return b58decode(text[1:])


def ed25519_multikey(raw_public_key: bytes) -> str:
    """The Multikey ``publicKeyMultibase`` of a raw 32-byte Ed25519 public key (``z6Mk…``)."""
    if len(raw_public_key) != 32:
        raise ValueError("An Ed25519 public key is 32 bytes")
    return encode_multibase(ED25519_PUB_PREFIX + raw_public_key)


def ed25519_from_multikey(multikey: str) -> bytes:
    """The raw 32-byte Ed25519 public key inside a Multikey string; ValueError if it is not one."""
    data = decode_multibase(multikey)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError("Not an Ed25519 Multikey")
    return data[2:]
