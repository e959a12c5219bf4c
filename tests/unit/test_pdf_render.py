"""Certificate PDFs from the built-in and uploaded templates, checked with poppler, pypdf and a real QR decoder."""
from __future__ import annotations

import datetime
import io
import itertools
import json
import re
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from PIL import Image
from pypdf import PdfReader, PdfWriter

from credential_admin.issuing.pdf import (
    BuiltinTemplate,
    CertificateFacts,
    GlyphMissingError,
    Signatory,
    TemplateError,
    UploadedTemplate,
    qr,
    read_embedded_payload,
    render_certificate,
)
from tests.pdf_samples import background, encrypted, no_pages, pdftotext

URL = "http://127.0.0.1:8000/credentials/verify/q8Zk3T1xW0aPq7LmN4vB2cYd/"
BIDI_MARKS = re.compile("[\u202a-\u202e\u200e\u200f]")  # poppler wraps right-to-left text in embedding marks

NAMES = {
    "latin diacritics": "Zoë Ångström-Fabergé",
    "polish": "Grzegorz Brzęczyszczykiewicz Łódź",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "cyrillic": "Пётр Ильич Чайковский",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "arabic": "محمد بن عبد الله",
    "hebrew": "דוד בן גוריון",
    "chinese": "王小明",
    "japanese": "山田 太郎 さくら",
    "hindi": "अमिताभ बच्चन",
}


def facts(name: str = "Ada Lovelace", **changes) -> CertificateFacts:
    values = dict(learner_name=name, title="Introduction to Data Science", level="Achievement",
                  issued_on=datetime.date(2026, 11, 26), verify_url=URL, short_code="K7QX-29MD",
                  rules_met=("Overall grade: 86% (required 80%)",), issuer="Demo Issuer",
                  organization="Demo University", language="en")
    values.update(changes)
    return CertificateFacts(**values)



def lines(pdf: bytes) -> list[str]:
    return [BIDI_MARKS.sub("", line).strip() for line in pdftotext(pdf).splitlines()]


def content_streams(pdf: bytes) -> list[bytes]:
    """Every page and form XObject content stream, decoded."""
    reader = PdfReader(io.BytesIO(pdf))
    streams = []
    for page in reader.pages:
        streams.append(page.get_contents().get_data())
        for xobject in (page["/Resources"].get("/XObject") or {}).values():
            streams.append(xobject.get_object().get_data())
    return streams


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_extracted_text_is_the_name_in_logical_order(name):
    pdf = render_certificate(facts(name), BuiltinTemplate())
    assert name in lines(pdf)


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_every_font_is_an_embedded_subset_and_no_glyph_is_notdef(name):
    pdf = render_certificate(facts(name), BuiltinTemplate())
    fonts = _pdffonts(pdf)
    assert fonts, "no fonts listed"
    for font in fonts:
        assert font["type"] == "CID TrueType" and font["emb"] == "yes" and font["sub"] == "yes", font
        assert re.match(r"^[A-Z]{6}\+", font["name"]), font
    used, texts = cids_by_font(pdf), to_unicode(pdf)
    assert sum(map(len, used.values())) > 40
    for resource, cids in used.items():
        outlines = embedded_glyph_sizes(pdf, resource)
        assert 0 not in cids  # CID 0 is .notdef: a box
        assert max(cids) < len(outlines)  # every CID is a glyph of the embedded subset, with an outline
        assert [cid for cid in cids if not outlines[cid] and not texts[resource][cid].isspace()] == []


def cids_by_font(pdf: bytes) -> dict[str, set[int]]:
    """The CIDs drawn with each font resource, from the content streams' Tf and TJ operators."""
    used: dict[str, set[int]] = {}
    font = None
    for stream in content_streams(pdf):
        for name, array in re.findall(rb"/(\w+) [\d.]+ Tf|\[([^\]]*)\]\s*TJ", stream):
            if name:
                font = name.decode()
                continue
            for hex_string in re.findall(rb"<([0-9A-F]+)>", array):
                used.setdefault(font, set()).update(int(hex_string[i:i + 4], 16) for i in range(0, len(hex_string), 4))
    return used


def embedded_glyph_sizes(pdf: bytes, resource: str) -> list[int]:
    """Byte size of each glyph outline in the TrueType file embedded for font `resource` (0: an empty glyph)."""
    font = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"][f"/{resource}"].get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    data = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    tables = {data[12 + 16 * i:16 + 16 * i].decode("latin-1"): struct.unpack(">II", data[20 + 16 * i:28 + 16 * i])
              for i in range(struct.unpack(">H", data[4:6])[0])}
    glyphs = struct.unpack(">H", data[tables["maxp"][0] + 4:tables["maxp"][0] + 6])[0]
    long_offsets = struct.unpack(">h", data[tables["head"][0] + 50:tables["head"][0] + 52])[0]
    loca_at = tables["loca"][0]
    offsets = (struct.unpack(f">{glyphs + 1}I", data[loca_at:loca_at + 4 * (glyphs + 1)]) if long_offsets else
               [2 * o for o in struct.unpack(f">{glyphs + 1}H", data[loca_at:loca_at + 2 * (glyphs + 1)])])
    return [end - start for start, end in itertools.pairwise(offsets)]


def _pdffonts(pdf: bytes) -> list[dict[str, str]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True, text=True).stdout
    rows = out.splitlines()[2:]
    return [dict(zip(("name", "type", "emb", "sub"), (r[:36].strip(), r[37:54].strip(), r[72:75].strip(),
                                                       r[76:79].strip()), strict=True)) for r in rows]


def to_unicode(pdf: bytes) -> dict[str, dict[int, str]]:
    """Per font resource of page 1: what each CID stands for, from the font's ToUnicode CMap."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    found = {}
    for name, font in fonts.items():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode()
        found[name[1:]] = {int(cid, 16): bytes.fromhex(text).decode("utf-16-be")
                           for cid, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)}
    return found


def glyphs_left_to_right(pdf: bytes, actual_text: str) -> list[str]:
    """What each glyph of the /ActualText span `actual_text` stands for (per its font's ToUnicode), in drawing order."""
    to_unicode_maps = to_unicode(pdf)
    marker = f"/ActualText <FEFF{actual_text.encode('utf-16-be').hex().upper()}>".encode()
    stream = next(s for s in content_streams(pdf) if marker in s)
    span = stream.split(marker, 1)[1].split(b"EMC", 1)[0].decode()
    texts, font = [], None
    for token in re.findall(r"/(\w+) [\d.]+ Tf|<([0-9A-F]+)>", span):
        if token[0]:
            font = token[0]
        else:
            texts += [to_unicode_maps[font][int(token[1][i:i + 4], 16)] for i in range(0, len(token[1]), 4)]
    return texts


@pytest.mark.parametrize("name", [NAMES["arabic"], NAMES["hebrew"]])
def test_right_to_left_names_are_drawn_right_to_left(name):
    """Read right to left, the glyphs on the page spell the name: words and letters in the right order."""
    pdf = render_certificate(facts(name), BuiltinTemplate())
    visual = name[::-1]  # a right-to-left run is marked with its characters in visual order
    assert "".join(reversed(glyphs_left_to_right(pdf, visual))) == name


def test_a_character_no_font_covers_is_an_error_naming_it():
    with pytest.raises(GlyphMissingError, match=r"U\+13000 EGYPTIAN HIEROGLYPH A001"):
        render_certificate(facts("Ada \U00013000"), BuiltinTemplate())


@pytest.mark.parametrize("name", ["", "   ", "Ada\x07Lovelace"])
def test_empty_or_control_character_names_are_refused(name):
    with pytest.raises(ValueError, match=r"empty|control character"):
        render_certificate(facts(name), BuiltinTemplate())


def decode_qr(pdf: bytes, page: int = 1) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-singlefile", "-",
                        f"{folder}/page"], input=pdf, check=True)
        image = Image.open(f"{folder}/page.png")
        return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_qr_code_decodes_to_the_verification_url():
    assert decode_qr(render_certificate(facts(), BuiltinTemplate())) == [URL]


@pytest.mark.parametrize("text", ["x", "a" * 14, "a" * 15, URL, "é" * 100, "Z" * 1000])
def test_qr_matrix_is_the_standard_one_for_the_fixed_mask(text):
    """The fast encoder matches the `qrcode` package's matrix for the same mask, level and version."""
    reference = qrcode.QRCode(error_correction=qr.LEVEL, mask_pattern=qr.MASK, border=0)
    reference.add_data(qrcode.util.QRData(text.encode(), mode=qrcode.util.MODE_8BIT_BYTE))
    reference.make(fit=True)
    assert qr.modules(text) == reference.modules


def test_payload_and_metadata_are_embedded():
    pdf = render_certificate(facts(), BuiltinTemplate(), payload=b'{"signed": true}')
    assert read_embedded_payload(pdf) == b'{"signed": true}'
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info.title == "Introduction to Data Science — Ada Lovelace"
    assert info.author == "Demo Issuer"


def test_metadata_in_any_script_and_with_parentheses_reads_back():
    pdf = render_certificate(facts("فاطمة (王) \\ Zoë", issuer="Demo (Issuer)"), BuiltinTemplate())
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert (info.title, info.author, info.subject) == ("Introduction to Data Science — فاطمة (王) \\ Zoë",
                                                       "Demo (Issuer)", "Achievement")
    assert info.creation_date.year >= 2026


def test_no_payload_or_not_a_pdf_reads_as_none():
    assert read_embedded_payload(render_certificate(facts(), BuiltinTemplate())) is None
    assert read_embedded_payload(b"not a pdf") is None


@pytest.mark.parametrize(("size", "points"), [("A4", (841.89, 595.28)), ("LETTER", (792.0, 612.0))])
def test_built_in_page_sizes_are_landscape(size, points):
    page = PdfReader(io.BytesIO(render_certificate(facts(), BuiltinTemplate(page_size=size)))).pages[0]
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == points


def test_built_in_prints_every_fact_and_the_signatories():
    pdf = render_certificate(facts(), BuiltinTemplate(signatories=(Signatory("Grace Hopper", "Dean"),)))
    text = lines(pdf)
    for expected in ("Demo University", "Certificate", "ACHIEVEMENT", "Ada Lovelace", "Introduction to Data Science",
                     "Overall grade: 86% (required 80%)", "Issued on Nov. 26, 2026", "Verification code: K7QX-29MD",
                     URL, "Grace Hopper", "Dean"):
        assert expected in " ".join(text), expected


@pytest.mark.parametrize(("language", "date"), [("fr", "26 novembre 2026"), ("de", "26. November 2026"),
                                                ("pl", "26 listopada 2026")])
def test_date_is_written_in_the_certificate_language(language, date):
    assert date in pdftotext(render_certificate(facts(language=language), BuiltinTemplate()))


def word_boxes(pdf: bytes, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    out = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', out)]


def test_a_300_character_name_shrinks_into_its_box():
    """Too long for one readable line, the name is wrapped and shrunk into its box: 62% of the page width, centred,
    52 pt high from 6 pt below the name row (314.28 pt up an A4 page without a logo)."""
    name = " ".join(["Maximiliana"] * 25)[:299] + "x"
    assert len(name) == 300
    pdf = render_certificate(facts(name), BuiltinTemplate())
    width, height = 841.89, 595.28
    left, right = width * 0.19, width * 0.81
    top, bottom = height - (314.28 - 6 + 52), height - (314.28 - 6)  # pdftotext measures y downwards
    lines = [box for box in word_boxes(pdf) if box[4].startswith("Maximiliana")]
    assert " ".join(line[4] for line in lines) == name
    assert len(lines) > 1
    for x_min, y_min, x_max, y_max, _ in lines:
        assert x_min >= left - 0.5 and x_max <= right + 0.5
        assert y_min >= top - 2 and y_max <= bottom + 2  # 2 pt: the font's ascent box reaches above the line
        assert y_max - y_min > 8  # still readable: more than 8 pt of type


# ---------------------------------------------------------------------------------------------------------------
# Uploaded templates


LAYOUT = {"pages": {
    "1": [{"type": "text", "text": "{learner_name}", "x": 121, "y": 300, "width": 600, "height": 60, "size": 30,
           "align": "center", "color": "#1f3a5f", "shrink": True},
          {"type": "text", "text": "has completed {title} on {issued_on}", "x": 121, "y": 240, "width": 600,
           "height": 40, "size": 14, "align": "center", "wrap": True}],
    "3": [{"type": "qr", "x": 700, "y": 40, "size": 110},
          {"type": "text", "text": "Code {short_code}", "x": 40, "y": 100, "width": 300, "height": 20, "size": 12}],
}}


def test_a_three_page_template_keeps_its_pages_with_elements_on_pages_one_and_three():
    pdf = render_certificate(facts("Łucja Wiśniewska"), UploadedTemplate(background(3), LAYOUT), payload=b"{}")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    pages = [pdftotext(pdf, "-f", str(n), "-l", str(n)) for n in (1, 2, 3)]
    assert "Background page 1" in pages[0] and "Łucja Wiśniewska" in pages[0]
    assert "has completed Introduction to Data Science on Nov. 26, 2026" in pages[0]
    assert pages[1].split() == ["Background", "page", "2"]
    assert "Background page 3" in pages[2] and "Code K7QX-29MD" in pages[2]
    assert decode_qr(pdf, page=3) == [URL]
    assert read_embedded_payload(pdf) == b"{}"
    assert reader.metadata.author == "Demo Issuer"


@pytest.mark.parametrize(("expires_on", "language", "printed"), [
    (datetime.date(2027, 11, 26), "en", "Valid until Nov. 26, 2027"),
    (datetime.date(2027, 11, 26), "fr", "Valid until 26 novembre 2027"),
    (None, "en", "Valid until"),
])
def test_an_uploaded_template_prints_the_end_of_validity_in_the_certificates_language(expires_on, language,
                                                                                     printed):
    layout = {"pages": {"1": [{"type": "text", "text": "Valid until {expires_on}", "x": 100, "y": 200,
                                "width": 500, "height": 40, "size": 14}]}}
    pdf = render_certificate(facts(expires_on=expires_on, language=language), UploadedTemplate(background(1), layout))
    assert printed in " ".join(lines(pdf))
    assert ("2027" in pdftotext(pdf)) == (expires_on is not None)


def test_uploaded_text_wraps_and_shrinks_inside_its_box():
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 9)[:299] + "z"
    layout = {"pages": {"1": [{"type": "text", "text": "{learner_name}", "x": 100, "y": 200, "width": 400,
                                "height": 80, "size": 40, "wrap": True, "shrink": True}]}}
    pdf = render_certificate(facts(name), UploadedTemplate(background(1), layout))
    words = [b for b in word_boxes(pdf) if b[4] != "Background" and b[4] not in ("page", "1")]
    assert " ".join(w[4] for w in words) == name
    page_height = 595
    for x_min, y_min, x_max, y_max, _ in words:  # pdftotext's y grows downwards
        assert x_min >= 100 - 0.5 and x_max <= 500 + 0.5
        assert page_height - 280 - 0.5 <= y_min and y_max <= page_height - 200 + 0.5


@pytest.mark.parametrize(("layout", "message"), [
    ({"pages": {"1": [{"type": "text", "text": "x", "x": 0, "y": 0, "width": 10, "height": 10, "colour": "#000"}]}},
     "unknown key(s) colour"),
    ({"pages": {"1": [{"type": "qr", "x": 800, "y": 10, "size": 100}]}}, "goes off the page"),
    ({"pages": {"4": []}}, "Page '4' does not exist: the background has 3 page(s)"),
    ({"pages": {"1": [{"type": "text", "text": "{password}", "x": 0, "y": 0, "width": 10, "height": 10}]}},
     "unknown placeholder {password}"),
    ({"pages": {"1": [{"type": "text", "text": "x", "x": 0, "y": 0, "width": 10, "height": 10,
                       "font": "ComicSans"}]}}, "font 'ComicSans' is not installed"),
    ({"pages": {"1": [{"type": "image", "image": "logo", "x": 0, "y": 0, "width": 10, "height": 10}]}},
     "has no logo file"),
    ({"margins": 3}, "Unknown layout key(s): margins"),
    ({"pages": {"1": [{"type": "text", "text": "{title:d}", "x": 0, "y": 0, "width": 10, "height": 10}]}},
     "placeholder format in '{title:d}' cannot be used"),
])
def test_bad_layouts_are_refused_with_a_specific_message(layout, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        render_certificate(facts(), UploadedTemplate(background(3), layout))


@pytest.mark.parametrize(("data", "message"), [
    (b"GIF89a not a pdf", "not a PDF"),
    (encrypted(), "encrypted"),
    (no_pages(), "has no pages"),
    (b"%PDF-1.4\n garbage", "cannot be read"),
])
def test_bad_backgrounds_are_refused_with_a_specific_message(data, message):
    with pytest.raises(TemplateError, match=message):
        render_certificate(facts(), UploadedTemplate(data, {"pages": {}}))


def test_the_example_uploaded_template_in_static_renders():
    folder = Path(__file__).resolve().parents[2] / "static" / "pdf_templates"
    template = UploadedTemplate((folder / "example-background.pdf").read_bytes(),
                                json.loads((folder / "example-layout.json").read_text()))
    pdf = render_certificate(facts("Grzegorz Brzęczyszczykiewicz"), template)
    assert "Grzegorz Brzęczyszczykiewicz" in lines(pdf)
    assert decode_qr(pdf) == [URL]
    assert all(font["emb"] == "yes" for font in _pdffonts(pdf))


def test_layout_coordinates_start_at_the_page_corner_wherever_the_media_box_starts():
    reader = PdfReader(io.BytesIO(background(1)))
    writer = PdfWriter(clone_from=reader)
    writer.pages[0].mediabox.lower_left = (100, 50)
    writer.pages[0].mediabox.upper_right = (942, 645)
    shifted = io.BytesIO()
    writer.write(shifted)
    layout = {"pages": {"1": [{"type": "text", "text": "{learner_name}", "x": 20, "y": 500, "width": 300,
                                "height": 40, "size": 20}]}}
    pdf = render_certificate(facts("Ada Lovelace"), UploadedTemplate(shifted.getvalue(), layout))
    [(x_min, y_min, x_max, y_max, _)] = [b for b in word_boxes(pdf) if b[4] == "Ada Lovelace"]
    assert x_min >= 20 and x_max <= 320  # pdftotext measures from the visible page's top-left corner
    assert y_min >= 595 - 540 - 2 and y_max <= 595 - 500 + 2
