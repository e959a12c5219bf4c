"""How a certificate's objects are written: the same objects and values as ReportLab's own writer gives them, in a
file whose cross-reference table and trailer are exact (read strictly, no repair)."""
from __future__ import annotations

import dataclasses
import datetime
import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab.pdfbase import pdfdoc

from credential_admin.issuing.pdf import BuiltinTemplate, CertificateFacts, Signatory, document, render_certificate

FACTS = CertificateFacts(learner_name="Zoë Ångström", title="Botany", level="Achievement",
                         issued_on=datetime.date(2026, 11, 26), verify_url="http://127.0.0.1:8000/v/K7QX29MD/",
                         short_code="K7QX-29MD", rules_met=("Overall grade: 86% (required 80%)",),
                         issuer="Demo Issuer", organization="Demo University")
CASES = {
    "latin": FACTS,
    "arabic and chinese": dataclasses.replace(FACTS, learner_name="محمد بن عبد الله 王小明"),
    "learning path": dataclasses.replace(FACTS, courses=tuple(f"Course {i}: Ferns (part {i})" for i in range(9))),
}
TEMPLATE = BuiltinTemplate(signatories=(Signatory("Ada Lovelace", "Director"), Signatory("王小明", "教授")))
CHANGING = {"/ID", "/CreationDate", "/ModDate"}  # the time stamp and the ID made from it


def _tree(value, seen: dict | None = None):
    """`value` with its indirect objects resolved, as plain Python values (streams: dictionary and content)."""
    seen = {} if seen is None else seen
    if isinstance(value, IndirectObject):
        key = value.idnum
        if key not in seen:
            seen[key] = None  # a cycle (a page's /Parent) resolves to the object number's placeholder
            seen[key] = _tree(value.get_object(), seen)
        return seen[key] if seen[key] is not None else "<cycle>"
    if isinstance(value, StreamObject):
        return {"dictionary": _tree(DictionaryObject(value), seen), "content": value.get_data()}
    if isinstance(value, DictionaryObject):
        return {str(key): _tree(item, seen) for key, item in value.items() if key not in CHANGING}
    if isinstance(value, ArrayObject):
        return [_tree(item, seen) for item in value]
    return value


def _objects(pdf: bytes):
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    return _tree(reader.trailer)


@pytest.mark.parametrize("facts", CASES.values(), ids=CASES.keys())
def test_the_objects_and_values_are_those_reportlab_writes(facts, monkeypatch):
    ours = render_certificate(facts, TEMPLATE, payload=b'{"signed": true}')
    monkeypatch.setattr(document._Document, "format", pdfdoc.PDFDocument.format)
    reportlabs = render_certificate(facts, TEMPLATE, payload=b'{"signed": true}')
    assert ours != reportlabs
    assert _objects(ours) == _objects(reportlabs)


@pytest.mark.parametrize("facts", CASES.values(), ids=CASES.keys())
def test_every_cross_reference_points_at_its_object(facts):
    pdf = render_certificate(facts, TEMPLATE, payload=b"{}")
    table = re.search(rb"\nxref\n0 (\d+)\n((?:\d{10} \d{5} [fn] \n)+)trailer\n", pdf)
    count, entries = int(table[1]), table[2].splitlines()
    assert len(entries) == count and entries[0] == b"0000000000 65535 f "
    for number, entry in enumerate(entries[1:], start=1):
        assert pdf[int(entry[:10]):].startswith(b"%d 0 obj\n" % number)
    assert re.search(rb"/Size %d\b" % count, pdf)
    assert pdf.endswith(b"startxref\n%d\n%%%%EOF\n" % (table.start(0) + 1))


def test_a_catalog_page_and_fonts_carry_their_entries():
    reader = PdfReader(io.BytesIO(render_certificate(CASES["arabic and chinese"], TEMPLATE, payload=b"{}")),
                       strict=True)
    catalog = reader.trailer["/Root"]
    assert (catalog["/Type"], catalog["/PageMode"], catalog["/Lang"]) == ("/Catalog", "/UseNone", "en")
    assert catalog["/Pages"]["/Count"] == 1
    page = reader.pages[0]
    assert page["/Parent"] == catalog["/Pages"] and [round(v) for v in page.mediabox] == [0, 0, 842, 595]
    fonts = page["/Resources"]["/Font"]
    assert len(fonts) >= 2
    for font in fonts.values():
        font = font.get_object()
        cid_font = font["/DescendantFonts"][0]
        assert (font["/Subtype"], font["/Encoding"], cid_font["/Subtype"]) == ("/Type0", "/Identity-H",
                                                                               "/CIDFontType2")
        assert cid_font["/FontDescriptor"]["/FontFile2"].get_data()[:4] == b"\0\1\0\0"
        assert b"beginbfchar" in font["/ToUnicode"].get_data()
