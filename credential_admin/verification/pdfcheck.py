"""Check an uploaded PDF against the record: byte-identical, or what exactly differs.

Order of evidence: the SHA-256 of the whole file (identical means genuine); then the signed envelope embedded in
the file (its signature, its credential id, each signed fact against the record); then the visible text, to say
which printed fact was changed when the file was edited and re-saved.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credential_admin.issuing import signing
from credential_admin.models import Credential

log = logging.getLogger(__name__)

MATCH, ALTERED, DIFFERENT, INVALID = "match", "altered", "different", "invalid"
MAX_TEXT_PAGES = 5
# The text check's budget. pypdf parses a page's whole content stream before it extracts anything, at about
# 2.5 s of CPU per decompressed MB on the CI machine (an 11 KB file whose five pages share one 4 MB stream took
# 26-33 s), so the budget that holds is on decompressed bytes, counted per use before any parsing: a certificate
# from this site has about 10 KB of content streams and 600 operators. The operator and CPU budgets bound the
# extraction itself (e.g. forms drawn many times). Past any of them the printed text "could not be checked".
MAX_TEXT_STREAM_BYTES = 256 * 1024
MAX_TEXT_OPERATORS = 20_000
MAX_TEXT_CPU_SECONDS = 1.0
# Signed facts compared one by one, with how each difference reads.
FACT_LABELS = {
    "name": gettext_lazy("the name was changed"),
    "title": gettext_lazy("the course or path title was changed"),
    "level": gettext_lazy("the level was changed"),
    "issued_on": gettext_lazy("the issue date was changed"),
    "rules_met": gettext_lazy("the rules met were changed"),
    "issuer": gettext_lazy("the issuer was changed"),
    "code": gettext_lazy("the verification code was changed"),
}


# When nothing we can read differs, the file still is not the issued one: a name drawn over the page leaves the
# signed data and the original text in place. Nothing here may suggest the file can be trusted.
UNCONFIRMED = gettext_lazy(
    "Its signed data and the text we could read on it match the record, but what the file shows cannot be "
    "confirmed: something drawn over the page, such as another name, would not be detected. Compare what it shows "
    "with the issued facts below.")


@dataclass
class PdfCheck:
    """The verdict (`MATCH`, `ALTERED`, `DIFFERENT` or `INVALID`) and the specific findings, in plain language.

    `other_id` is the verification id of the genuine credential a `DIFFERENT` file carries.
    """

    outcome: str
    findings: list[str] = field(default_factory=list)
    other_id: str = ""


def looks_like_pdf(data: bytes) -> bool:
    """A PDF header within the first kilobyte, as readers accept it."""
    return b"%PDF-" in data[:1024]


def check(credential: Credential, data: bytes) -> PdfCheck:
    """Compare the uploaded bytes with what was issued for `credential`."""
    if not data:
        return PdfCheck(INVALID, [_("The file is empty.")])
    if not looks_like_pdf(data):
        return PdfCheck(INVALID, [_("This file is not a PDF.")])
    if credential.pdf_sha256 and hashlib.sha256(data).hexdigest() == credential.pdf_sha256:
        return PdfCheck(MATCH, [_("This file is exactly the certificate that was issued: not a byte was changed.")])
    envelope = _embedded(data)
    other_id = _other_credential_id(credential, envelope)
    if other_id:
        return PdfCheck(DIFFERENT, [_("This file is a genuine certificate from this site, but of a different "
                                      "credential: it is not the one on this page.")], other_id)
    findings = [_("This file is not byte for byte the certificate that was issued.")]
    findings += _envelope_findings(credential, envelope)
    findings += _visible_text_findings(credential, data)
    if len(findings) == 1:
        findings.append(str(UNCONFIRMED))
    return PdfCheck(ALTERED, findings)


def _embedded(data: bytes) -> signing.Envelope | None:
    from credential_admin.issuing.pdf import read_embedded_payload  # ReportLab loads only where needed

    try:
        return signing.open_envelope(read_embedded_payload(data))
    except Exception:  # an untrusted file can break a parser in any way: that is an answer, not an error
        log.info("Unreadable embedded payload in an uploaded PDF", exc_info=True)
        return None


def _other_credential_id(credential: Credential, envelope: signing.Envelope | None) -> str:
    """The id of another credential whose validly signed data the file carries, or "" (then it is this one's)."""
    if envelope is None or not envelope.verifies():
        return ""
    try:
        facts = envelope.facts
    except ValueError:
        return ""
    other = facts.get("id") if isinstance(facts, dict) else None
    is_id = isinstance(other, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,128}", other) is not None
    return other if is_id and other != credential.verification_id else ""


def _envelope_findings(credential: Credential, envelope: signing.Envelope | None) -> list[str]:
    if envelope is None:
        return [_("It carries no signed data from this site: the embedded signature was removed or damaged.")]
    if not envelope.verifies():
        return [_("The signed data inside the file was tampered with: its signature does not verify.")]
    embedded = envelope.facts  # JSON already (open_envelope checked), but not necessarily an object of facts
    if not isinstance(embedded, dict):
        return [_("The signed data inside the file cannot be read.")]
    if embedded.get("id") != credential.verification_id:
        return [_("The signed data inside the file belongs to a different credential.")]
    record = _record_facts(credential)
    return [str(label) for key, label in FACT_LABELS.items() if embedded.get(key) != record.get(key)]


def _record_facts(credential: Credential) -> dict[str, Any]:
    """What the record says was printed: its signed payload."""
    try:
        facts = json.loads(credential.payload or "{}")
    except ValueError:
        return {}
    return facts if isinstance(facts, dict) else {}


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class TooComplex(Exception):
    """The file's pages need more than the text check's budget to read."""


class _Budget:
    """Counts what extracting the text costs, and stops it (TooComplex) past the budget."""

    def __init__(self):
        self.stream_bytes = self.operators = 0
        self.deadline = time.thread_time() + MAX_TEXT_CPU_SECONDS

    def add_stream(self, size: int) -> None:
        self.stream_bytes += size
        if self.stream_bytes > MAX_TEXT_STREAM_BYTES or time.thread_time() > self.deadline:
            raise TooComplex

    def operator(self, *args) -> None:
        self.operators += 1
        if self.operators > MAX_TEXT_OPERATORS or (self.operators % 500 == 0 and time.thread_time() > self.deadline):
            raise TooComplex


def _count_streams(budget: _Budget, holder, depth: int = 0) -> None:
    """Add the decompressed size of `holder`'s content and of every form it draws, as extraction would read them
    (a form drawn by several pages counts each time); forms nested past 8 levels are too complex already."""
    if depth > 8:
        raise TooComplex
    contents = holder.get_contents() if depth == 0 else holder
    if contents is not None:
        budget.add_stream(len(contents.get_data()))
    resources = holder.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    for reference in (xobjects.get_object().values() if xobjects is not None else ()):
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Form":
            _count_streams(budget, xobject, depth + 1)


def extract_text(data: bytes) -> str | None:
    """The text of the first pages (None when the file cannot be parsed at all); TooComplex past the budget."""
    from pypdf import PdfReader

    budget = _Budget()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = reader.pages[:MAX_TEXT_PAGES]
        for page in pages:
            _count_streams(budget, page)
        return "\n".join(page.extract_text(visitor_operand_before=budget.operator) or "" for page in pages)
    except TooComplex:
        raise
    except Exception:  # untrusted input: see _embedded
        log.info("Unparsable uploaded PDF", exc_info=True)
        return None


def _visible_text_findings(credential: Credential, data: bytes) -> list[str]:
    try:
        text = extract_text(data)
    except TooComplex:
        return [_("Its printed text could not be checked: its pages are too complex to read within our limits.")]
    if text is None:
        return [_("The file is damaged: its pages cannot be read.")]
    printed = _normalise(text)
    record = _record_facts(credential)
    wanted = {"name": record.get("name"), "title": record.get("title"), "code": record.get("code")}
    labels = {"name": _("The name printed on the file does not match the record: it was changed."),
              "title": _("The title printed on the file does not match the record: it was changed."),
              "code": _("The verification code printed on the file does not match the record.")}
    return [labels[key] for key, value in wanted.items() if value and _normalise(str(value)) not in printed]
