"""Ed25519 signatures over RFC 8785 canonical JSON, with key ids so keys rotate and old credentials keep verifying.

Private keys come only from settings (``SIGNING_KEYS``: ``{key_id: base64 raw 32-byte private key}``) or from a
secrets file with the same mapping (``SIGNING_KEYS_FILE``); the database holds public keys only (`SigningKey`),
recorded the first time a key signs, so a key removed from the settings still verifies what it signed.
The active key is ``ACTIVE_KEY_ID`` when set, otherwise the last key of the file (then of the settings): `rotate()`
appends a new key to the file, which makes it the active one.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from credential_admin import conf

ALGORITHM = "Ed25519"
ENVELOPE_VERSION = 1


@dataclass(frozen=True)
class KeyPair:
    """A private signing key and its id."""

    key_id: str
    private: Ed25519PrivateKey

    @cached_property
    def public(self) -> Ed25519PublicKey:
        """Derived once per key (every verification of a page asks for it)."""
        return self.private.public_key()

    @property
    def public_b64(self) -> str:
        return b64encode(self.public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def b64encode(data: bytes) -> str:
    """Unpadded base64url, the form of every key and signature here."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Decode base64 or base64url, padded or not; raise ValueError on anything else."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    cleaned = text.strip().replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(str(exc)) from None


def canonical(payload: dict[str, Any]) -> bytes:
    """The RFC 8785 (JCS) bytes of `payload`: the exact bytes that are signed."""
    return rfc8785.dumps(payload)


def _private_from_b64(key_id: str, value: str) -> Ed25519PrivateKey:
    try:
        raw = b64decode(value)
        if len(raw) != 32:
            raise ValueError(f"{len(raw)} bytes instead of 32")
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Signing key {key_id!r} is not a base64 raw Ed25519 private key: {exc}") from None


def _keys_file() -> Path | None:
    name = conf.get("SIGNING_KEYS_FILE")
    return Path(name) if name else None


def _read_file(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"Cannot read the signing keys file {path}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ImproperlyConfigured(f"The signing keys file {path} must hold a JSON object {{key_id: base64 key}}.")
    return data


@lru_cache(maxsize=8)
def _load(settings_keys: tuple[tuple[str, str], ...], path: str, mtime_ns: int) -> tuple[KeyPair, ...]:
    """Keys from settings then from the file, in order (cached until the settings or the file change)."""
    entries = dict(settings_keys)
    if path:
        entries.update(_read_file(Path(path)))
    return tuple(KeyPair(key_id, _private_from_b64(key_id, value)) for key_id, value in entries.items())


def private_keys() -> tuple[KeyPair, ...]:
    """Every signing key available to this process; the demo generates its file on first use."""
    path = _keys_file()
    mtime = _mtime(path) if path is not None else 0
    if path is not None and not mtime and conf.get("GENERATE_SIGNING_KEY"):
        _create_key_file(path)
        mtime = _mtime(path)
    settings_keys = tuple((conf.get("SIGNING_KEYS") or {}).items())
    return _load(settings_keys, str(path) if mtime else "", mtime)


def _mtime(path: Path) -> int:
    """The file's modification time in ns, 0 when it does not exist (one stat: every verification asks)."""
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0


def _create_key_file(path: Path) -> None:
    """Write a new key file, readable by its owner only. It appears complete or not at all (written aside, then
    hard-linked into place), and another process creating it first wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_private(path, dict([_new_entry()]))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _write_private(path: Path, entries: dict[str, str]) -> Path:
    """Write `entries` to a new owner-only file beside `path` and return its name."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(entries, handle, indent=2)
    return tmp


def _new_entry() -> tuple[str, str]:
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    key_id = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
    return key_id, b64encode(raw)


def active_key() -> KeyPair:
    """The key that signs new credentials."""
    keys = private_keys()
    if not keys:
        raise ImproperlyConfigured(
            "No signing key: set CREDENTIAL_XBLOCK_SIGNING_KEYS or CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE."
        )
    wanted = conf.get("ACTIVE_KEY_ID")
    if not wanted:
        return keys[-1]
    for pair in keys:
        if pair.key_id == wanted:
            return pair
    raise ImproperlyConfigured(f"CREDENTIAL_XBLOCK_ACTIVE_KEY_ID {wanted!r} names no configured signing key.")


def rotate() -> str:
    """Add a new key to the keys file and return its id; it signs from now on unless ACTIVE_KEY_ID pins another."""
    path = _keys_file()
    if path is None:
        raise ImproperlyConfigured("Key rotation writes to CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE, which is not set.")
    entries = _read_file(path) if path.exists() else {}
    key_id, value = _new_entry()
    entries[key_id] = value
    os.replace(_write_private(path, entries), path)
    register_public_keys()
    return key_id


def register_public_keys() -> None:
    """Record the public half of every available key, so it verifies even after it leaves the settings.

    Checked in the caller's transaction every time (one indexed read per key): a process-wide "already done"
    memo would be wrong after a rollback removed the row it remembers."""
    from credential_admin.models import SigningKey  # models load after the app registry

    for pair in private_keys():
        row, _created = SigningKey.objects.get_or_create(key_id=pair.key_id, defaults={"public_key": pair.public_b64})
        if row.public_key != pair.public_b64:
            raise ImproperlyConfigured(f"Signing key {pair.key_id!r} differs from the public key recorded for that id.")


def public_key(key_id: str) -> Ed25519PublicKey | None:
    """The public key with this id (configured keys first, then those recorded in the database), or None."""
    key = _KNOWN.get(key_id)
    if key is None:
        key = _find_public_key(key_id)
        if key is not None and len(_KNOWN) < 64:
            _KNOWN[key_id] = key
    return key


def _find_public_key(key_id: str) -> Ed25519PublicKey | None:
    for pair in private_keys():
        if pair.key_id == key_id:
            return pair.public
    from credential_admin.models import SigningKey

    row = SigningKey.objects.filter(key_id=key_id).first()
    try:
        return Ed25519PublicKey.from_public_bytes(b64decode(row.public_key)) if row else None
    except ValueError:
        return None


#: Public keys found so far, by id: a key id's public half never changes once it has signed (register_public_keys
#: refuses a different one), so each is looked up once per process (the keys file's stat and the settings were
#: most of a sealed page's check). Unknown ids are asked again every time; settings changes start afresh.
_KNOWN: dict[str, Ed25519PublicKey] = {}


@receiver(setting_changed)
def _forget_keys(**_signal: Any) -> None:
    _KNOWN.clear()


def sign(payload: dict[str, Any], key: KeyPair | None = None) -> tuple[bytes, str, str]:
    """Sign `payload` with `key` (default: the active key): (canonical bytes, base64url signature, key id).

    Callers that store the result call `register_public_keys()` first (the pipeline does), so the key verifies
    later even if it leaves the settings."""
    pair = key or active_key()
    data = canonical(payload)
    return data, b64encode(pair.private.sign(data)), pair.key_id


def verify(canonical_bytes: bytes, signature: str, key_id: str) -> bool:
    """Whether `signature` by key `key_id` signs exactly these bytes; False for any unknown or malformed input."""
    key = public_key(key_id) if isinstance(key_id, str) and key_id else None
    if key is None:
        return False
    try:
        key.verify(b64decode(signature), bytes(canonical_bytes))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def seal(canonical_bytes: bytes, signature: str, key_id: str) -> str:
    """A MAC of a signature just made (or just checked) with its key id and bytes, under a key derived from
    SECRET_KEY. Stored beside the signature, it lets a reader check the row with a hash instead of an Ed25519
    verify, which cost as much as the whole rest of a verification page (see `verify_sealed`)."""
    parts = [key_id.encode("utf-8"), signature.encode("utf-8"), bytes(canonical_bytes)]
    message = b"".join(b"%d:%s" % (len(part), part) for part in parts)  # lengths: no two inputs share a message
    return hmac.digest(_seal_key(settings.SECRET_KEY), message, "sha256").hex()


@lru_cache(maxsize=2)
def _seal_key(secret: str) -> bytes:
    """The seal's own key, derived from SECRET_KEY (as Django's salted_hmac derives its keys)."""
    return hashlib.sha256(f"credential_admin.signing.seal{secret}".encode()).digest()


def verify_sealed(canonical_bytes: bytes, signature: str, key_id: str, sealed: str) -> bool:
    """`verify`, answered by the stored seal when it matches: a matching seal means this process's SECRET_KEY
    sealed exactly this signature, key id and bytes after signing them, and the key is still known. A seal that
    does not match (none yet, an edited row, a rotated SECRET_KEY) only means the signature is checked itself."""
    if sealed and public_key(key_id) is not None and hmac.compare_digest(
            sealed.encode("utf-8"), seal(canonical_bytes, signature, key_id).encode("ascii")):
        return True
    return verify(canonical_bytes, signature, key_id)


def envelope(canonical_bytes: bytes, signature: str, key_id: str, verify_url: str) -> bytes:
    """What the PDF carries: the signed payload text, its signature, the key id and the verify URL (JCS JSON)."""
    return canonical({
        "v": ENVELOPE_VERSION,
        "alg": ALGORITHM,
        "payload": canonical_bytes.decode("utf-8"),
        "signature": signature,
        "key_id": key_id,
        "verify_url": verify_url,
    })


@dataclass(frozen=True)
class Envelope:
    """A signed payload read back from a PDF."""

    payload: bytes
    signature: str
    key_id: str
    verify_url: str

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads(self.payload)

    def verifies(self) -> bool:
        return verify(self.payload, self.signature, self.key_id)


def open_envelope(data: bytes | None) -> Envelope | None:
    """Parse what `envelope` produced; None for anything else (a PDF from elsewhere, an edited one)."""
    try:
        fields = json.loads(data) if data else None
        if not isinstance(fields, dict) or fields.get("alg") != ALGORITHM:
            return None
        payload = fields["payload"].encode("utf-8")
        json.loads(payload)
        return Envelope(payload, str(fields["signature"]), str(fields["key_id"]), str(fields["verify_url"]))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError):
        return None
