"""The built-in certificate design: a framed landscape page, the name large, the facts, signatories, QR code.

The frame and ornaments never change, so they are drawn once per page size into a form XObject whose compressed
bytes are reused by every certificate; only the text and the QR code are drawn per certificate.
"""
from __future__ import annotations

import io
from functools import lru_cache

from django.utils.translation import gettext as _
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from . import qr
from .document import RawStream, draw_form
from .fonts import FontChain, compress
from .spec import PAGE_SIZES, BuiltinTemplate
from .text import block_operators, fit

NAVY = "0.122 0.227 0.373"
GOLD = "0.690 0.553 0.341"
GREY = "0.333 0.333 0.333"


@lru_cache(maxsize=8)
def _frame(width: float, height: float) -> bytes:
    """Compressed content of the fixed drawing: double border, corner ornaments, the rule under the name."""
    ops = [f"{NAVY} RG 3 w 20 20 {width - 40} {height - 40} re S",
           f"{GOLD} RG 0.8 w 28 28 {width - 56} {height - 56} re S",
           f"{GOLD} RG 0.4 w 32 32 {width - 64} {height - 64} re S"]
    for cx, cy in ((28, 28), (width - 28, 28), (28, height - 28), (width - 28, height - 28)):
        ops.append(f"{GOLD} rg {cx} {cy + 7} m {cx + 7} {cy} l {cx} {cy - 7} l {cx - 7} {cy} l f")
        ops.append(f"1 g {cx} {cy + 3} m {cx + 3} {cy} l {cx} {cy - 3} l {cx - 3} {cy} l f")
    mid = width / 2
    ops.append(f"{GOLD} RG 0.6 w {mid - 60} {height - 150} m {mid + 60} {height - 150} l S")
    ops.append(f"{GOLD} rg {mid} {height - 146} m {mid + 4} {height - 150} l {mid} {height - 154} l "
               f"{mid - 4} {height - 150} l f")
    ops.append(f"{GOLD} RG 0.6 w {width * 0.18} {height * 0.45} m {width * 0.82} {height * 0.45} l S")
    return compress("\n".join(ops).encode(), 9)


def _draw_frame(canvas: Canvas, width: float, height: float) -> None:
    name = f"certificate_frame_{int(width)}x{int(height)}"
    content = _frame(width, height)
    form = RawStream(content, b"/Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Resources << >> "
                     % (round(width), round(height)))
    canvas._doc.Reference(form, f"FormXob.{name}")
    canvas.doForm(name)


def draw(canvas: Canvas, facts, template: BuiltinTemplate, chain: FontChain, issued_on: str) -> None:
    """Draw the certificate for `facts` on the canvas's current page."""
    width, height = PAGE_SIZES[template.page_size]
    _draw_frame(canvas, width, height)
    fonts, ops = canvas.fonts, []

    def text(value: str, y: float, size: float, color: str = GREY, box: float = 0.7, lines: int = 1,
             x: float | None = None, w: float | None = None, align: str = "center") -> None:
        if not value:
            return
        box_w = w or width * box
        left = (width - box_w) / 2 if x is None else x
        block = fit(value, chain, None, size=size, width=box_w, height=size * 1.2 * lines, wrap=lines > 1)
        ops.append(f"q {color} rg " + block_operators(fonts, block, left, y, box_w, size * 1.2 * lines, align)
                   + " Q")

    if template.logo:
        reader = ImageReader(io.BytesIO(template.logo))
        iw, ih = reader.getSize()
        scale = min(150 / iw, 48 / ih)
        canvas.drawImage(reader, (width - iw * scale) / 2, height - 100, iw * scale, ih * scale, mask="auto")
    top = height - (110 if template.logo else 60)
    text(facts.organization or facts.issuer, top - 16, 12, NAVY)
    text(_("Certificate"), top - 68, 40, NAVY)
    text(facts.level.upper(), height - 180, 14, GOLD)
    text(_("This certifies that"), height - 222, 12)
    text(facts.learner_name, height * 0.45 + 4, 34, NAVY, box=0.62, lines=1)
    text(_("has met the requirements of"), height * 0.45 - 34, 12)
    text(facts.title, height * 0.45 - 84, 20, NAVY, box=0.66, lines=2)
    text(" · ".join(facts.rules_met), height * 0.45 - 118, 9.5, GREY, box=0.66, lines=2)
    ops.append(_signatories(text, template, width))
    text(_("Issued on {date}").format(date=issued_on), 70, 11, GREY, x=60, w=220, align="left")
    side = 84
    ops.append(qr.operators(facts.verify_url, width - 60 - side, 44, side))
    right = width - 60 - side - 8
    text(_("Verification code: {code}").format(code=facts.short_code), 60, 9, GREY, x=right - 260, w=260,
         align="right")
    text(facts.verify_url, 46, 7.5, GREY, x=right - 260, w=260, align="right")
    draw_form(canvas, "certificate", "\n".join(ops).encode())


def _signatories(text, template: BuiltinTemplate, width: float) -> str:
    """Names and titles of up to three signatories, centred at the bottom, each under a signature line."""
    people = template.signatories[:3]
    if not people:
        return ""
    slot = min(190.0, width * 0.6 / len(people))
    left = (width - slot * len(people)) / 2
    lines = []
    for i, person in enumerate(people):
        x = left + i * slot + 12
        text(person.name, 102, 10.5, NAVY, x=x, w=slot - 24)
        text(person.title, 88, 8.5, GREY, x=x, w=slot - 24)
        lines.append(f"{x} 120 m {x + slot - 24} 120 l")
    return f"{GREY} RG 0.5 w " + " ".join(lines) + " S"
