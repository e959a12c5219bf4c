"""Sample PDFs, PDF reading and PDF forgeries shared by the test suites (unit, SQLite, browser)."""
from __future__ import annotations

import io
import re
import subprocess

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject
from reportlab.pdfgen.canvas import Canvas


def background(pages: int = 2, label: str = "Background page", size=(842, 595)) -> bytes:
    """A plain background PDF whose pages say "<label> <n>"."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size)
    for n in range(1, pages + 1):
        canvas.setFont("Helvetica", 14)
        canvas.drawString(40, 40, f"{label} {n}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(background(1))))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def no_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def pdftotext(pdf: bytes, *args: str) -> str:
    """The text poppler extracts (what a person copying from the PDF gets)."""
    return subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def check_findings(response) -> list[str]:
    """The verification page's PDF check: its verdict class, then each finding."""
    html = response.content.decode()
    block = re.search(r'<section class="result (\w+)".*?<strong[^>]*>(.*?)</strong>\s*<ul>(.*?)</ul>', html, re.S)
    assert block, "no check result on the page"
    return [block.group(1)] + [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>",
                                                                                         block.group(3), re.S)]


def edit_printed_text(pdf: bytes, old: str, new: str) -> bytes:
    """What a PDF editor does: replace the text run showing `old` with `new` in Helvetica, then save the file."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    marker = ("<FEFF" + old.encode("utf-16-be").hex().upper() + ">").encode()
    for xobject in writer.pages[0]["/Resources"]["/XObject"].values():
        form = xobject.get_object()
        data = form.get_data()
        if marker not in data:
            continue
        pattern = rb"BT (1 0 0 1 [\d.]+ [\d.]+ Tm) /Span <</ActualText " + re.escape(marker) + rb">> BDC .*? EMC ET"
        data, count = re.subn(pattern, lambda m: m.group(1).join([b"BT ", b" /HelvEdit 34 Tf (" + new.encode(
            "latin-1") + b") Tj ET"]), data, flags=re.S)
        assert count == 1
        fonts = form["/Resources"]["/Font"]
        fonts[NameObject("/HelvEdit")] = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                           NameObject("/Subtype"): NameObject("/Type1"),
                                                           NameObject("/BaseFont"): NameObject("/Helvetica")})
        form.set_data(data)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    raise AssertionError(f"{old!r} is not printed in this PDF")


def overlay_name(pdf: bytes, new_name: str) -> bytes:
    """An overlay forgery: a white band over the learner's name and `new_name` drawn on it, merged onto the first
    page; the original text, its fonts and the embedded signed data stay in the file."""
    from reportlab.lib.colors import white

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    width, height = float(box.width), float(box.height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setFillColor(white)
    canvas.rect(0, height * 0.35, width, height * 0.3, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont("Helvetica-Bold", 34)
    canvas.drawCentredString(width / 2, height / 2, new_name)
    canvas.save()
    writer = PdfWriter(clone_from=reader)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
