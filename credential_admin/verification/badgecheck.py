"""Check an uploaded badge image (PNG or SVG) against the record: the baked credential, its proof and its status.

Order of evidence, as for PDFs (`pdfcheck`): the SHA-256 of the whole file (identical means genuine); then the
OpenBadgeCredential baked into it (OB 3.0 "Baking"): its Data Integrity proof, its id, its status entry, and each
fact against the credential this site exports for the record now.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import unquote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credential_admin import conf
from credential_admin.badges import baking, images
from credential_admin.issuing import signing
from credential_admin.models import Credential

from . import dataintegrity, export, records, statuslist
from .pdfcheck import ALTERED, DIFFERENT, INVALID, MATCH, PdfCheck

KEY_PATH = re.compile(r"/keys/([^/]+)/$")
EXPORT_PATH = re.compile(r"/credentials/verify/([A-Za-z0-9_-]{16,64})/ob3/$")
# Facts of the baked credential compared with the record's, with how each difference reads.
FACT_LABELS = (
    (("credentialSubject", "name"), gettext_lazy("The name was changed")),
    (("credentialSubject", "identifier"), gettext_lazy("The recipient was changed")),
    (("credentialSubject", "achievement", "name"), gettext_lazy("The badge name was changed")),
    (("credentialSubject", "achievement", "description"), gettext_lazy("The badge description was changed")),
    (("credentialSubject", "achievement", "criteria"), gettext_lazy("The criteria were changed")),
    (("credentialSubject", "achievement", "image"), gettext_lazy("The badge image reference was changed")),
    (("name",), gettext_lazy("The credential's title was changed")),
    (("issuer",), gettext_lazy("The issuer was changed")),
    (("validFrom",), gettext_lazy("The issue date was changed")),
    (("validUntil",), gettext_lazy("The expiry date was changed")),
)


def check(credential: Credential, data: bytes) -> PdfCheck:
    """Compare an uploaded badge image with what was issued for `credential`."""
    if credential.pdf_sha256 and hashlib.sha256(data).hexdigest() == credential.pdf_sha256:
        return PdfCheck(MATCH, [_("This file is exactly the badge that was issued: not a byte was changed."),
                                *_status_findings(credential)])
    findings = [_("This file is not byte for byte the badge that was issued.")]
    baked = _baked(data, findings)
    if isinstance(baked, PdfCheck):
        return baked
    proof = dataintegrity.verify(baked, _resolve_key)
    if not proof.valid:
        findings.append(_("The credential inside the image was tampered with: its signature does not verify "
                          "(%(reason)s).") % {"reason": proof.reason})
    if baked.get("id") != export.export_url(credential.verification_id):
        other = _other_credential(baked) if proof.valid else None
        if other is not None:
            return PdfCheck(DIFFERENT, [_("This image is a genuine badge from this site, but of a different "
                                          "credential: it is not the one on this page.")], other.verification_id)
        return PdfCheck(ALTERED, [*findings, _("The credential inside the image belongs to a different credential.")])
    findings += _status_entry_findings(credential, baked) + _fact_findings(credential, baked)
    if len(findings) == 1:
        findings.append(_("The credential inside the image is genuine and matches the record: only the image around "
                          "it differs from the one issued."))
    return PdfCheck(ALTERED, findings + _status_findings(credential))


def _baked(data: bytes, findings: list[str]) -> dict[str, Any] | PdfCheck:
    """The credential baked into the image, or the verdict when there is no readable one."""
    if not data:
        return PdfCheck(INVALID, [_("The file is empty.")])
    if images.sniff(data) not in images.TYPES:
        return PdfCheck(INVALID, [_("This file is not a badge image: upload the PNG or SVG badge you were given.")])
    text = baking.extract(data)
    if text is None:
        return PdfCheck(INVALID, [_("This image carries no Open Badges credential: it is not a badge issued here, "
                                    "or the credential was removed from it.")])
    try:
        baked = json.loads(text)
    except ValueError:
        return PdfCheck(ALTERED, [*findings, _("The credential inside the image is damaged: it is not valid JSON.")])
    if not isinstance(baked, dict):
        return PdfCheck(ALTERED, [*findings, _("The credential inside the image is not an Open Badges credential.")])
    return baked


def _other_credential(baked: dict[str, Any]) -> Credential | None:
    match = EXPORT_PATH.search(str(baked.get("id") or ""))
    return records.find(match.group(1)) if match else None


def _resolve_key(method: str):
    """Our own keys only: a verificationMethod under this site's base URL, ending in /keys/<key id>/."""
    match = KEY_PATH.search(method)
    if not method.startswith(f"{conf.base_url()}/credentials/") or match is None:
        return None
    return signing.public_key(unquote(match.group(1)))


def _status_entry_findings(credential: Credential, baked: dict[str, Any]) -> list[str]:
    list_number, index = statuslist.locate(credential.pk)
    expected = statuslist.entry(export.status_list_url(list_number), credential.pk)
    if baked.get("credentialStatus") != expected:
        return [_("The status entry inside the image was changed: it no longer points to this credential's "
                  "revocation bit (list %(list)s, index %(index)s).") % {"list": list_number, "index": index}]
    return []


def _fact_findings(credential: Credential, baked: dict[str, Any]) -> list[str]:
    facts = records.facts_of(credential)
    if not facts.signature_valid:
        return [_("The record itself fails its signature check: the image cannot be compared with it.")]
    expected = export.signed_badge(credential, facts)
    return [_difference(str(label), _at(baked, path), _at(expected, path))
            for path, label in FACT_LABELS if _at(baked, path) != _at(expected, path)]


def _difference(label: str, in_file: Any, on_record: Any) -> str:
    """The label, with both values when they are plain text (what the file says, what the record says)."""
    if isinstance(in_file, str) and isinstance(on_record, str):
        return _('%(label)s: the file says "%(file)s", the record says "%(record)s".') % {
            "label": label, "file": in_file[:200], "record": on_record}
    return f"{label}."


def _at(document: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        document = document.get(key) if isinstance(document, dict) else None
    return document


def _status_findings(credential: Credential) -> list[str]:
    """What the status list says now (its bit is set when revoked), and a superseded record."""
    if credential.status == Credential.Status.REVOKED:
        when = credential.revoked_at.date().isoformat() if credential.revoked_at else ""
        return [_("This badge was revoked%(when)s: its bit in the revocation status list is set. It is no longer "
                  "valid.") % {"when": _(" on %(date)s") % {"date": when} if when else ""}]
    if credential.status == Credential.Status.SUPERSEDED:
        return [_("This badge was replaced by a newer one: see the current credential.")]
    return [_("Its revocation bit is not set: the badge has not been revoked.")]
