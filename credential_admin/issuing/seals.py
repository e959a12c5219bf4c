"""Sealing credentials signed before their rows carried a seal, or sealed under a SECRET_KEY since rotated: each
signature is verified once more and, when it holds, its seal stored (see `signing.seal`). Pages work without a
seal; they verify the signature on every request instead of checking a hash."""
from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from credential_admin.issuing import rows, signing
from credential_admin.models import Credential


class Batch(NamedTuple):
    """One batch's outcome: rows sealed, and the verification ids whose signature does not verify."""

    sealed: int
    failed: list[str]


def seal_all(every: bool = False, size: int = 1000) -> Iterator[Batch]:
    """Seal signed credentials in primary-key order, `size` at a time (each batch one read and one write):
    those without a seal, or with `every`, all of them. Rows whose signature fails are left as they are."""
    last = 0
    while True:
        found = _signed(every).filter(pk__gt=last).order_by("pk")[:size]
        batch = list(found.only("id", "verification_id", "payload", "signature", "key_id", "seal"))
        if not batch:
            return
        last = batch[-1].pk
        yield _seal(batch)


def remaining(every: bool = False) -> int:
    return _signed(every).count()


def _signed(every: bool):
    found = Credential.objects.filter(status__in=Credential.ISSUED_STATUSES).exclude(payload="")
    return found if every else found.filter(seal="")


def _seal(batch: list[Credential]) -> Batch:
    sealed, failed = [], []
    for credential in batch:
        data = credential.payload.encode("utf-8")
        if signing.verify(data, credential.signature, credential.key_id):
            credential.seal = signing.seal(data, credential.signature, credential.key_id)
            sealed.append(credential)
        else:
            failed.append(credential.verification_id)
    rows.update(sealed, ["seal"])
    return Batch(len(sealed), failed)
