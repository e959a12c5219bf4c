"""Sample PDFs and PDF reading shared by the PDF test suites (unit and SQLite)."""
from __future__ import annotations

import io
import subprocess

from pypdf import PdfReader, PdfWriter
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
