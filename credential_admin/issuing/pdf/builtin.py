"""The built-in certificate design: a framed landscape page, the name large, the facts, signatories, QR code.

Everything is drawn into one form XObject per certificate (compressed once, without ReportLab's ASCII85 pass). The
frame's operators are built once per page size, and text whose glyphs all sit in the shared font subset comes
from a cache: per certificate, only the name, the verification code and URL, and the QR code are new. Those four
are drawn last, after everything a batch of certificates has in common, whose compression is then done once
(`document.compress_own`). Only the name changes place by this, and it overlaps none of the lines it now follows
(at least 14 pt apart), so the page looks the same.
"""
from __future__ import annotations

import io
from functools import lru_cache

from django.utils.translation import gettext as _
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from . import courses, qr
from .dates import expires_on_text
from .document import draw_form
from .fonts import FontChain
from .spec import PAGE_SIZES, BuiltinTemplate
from .text import box_operators, fit

NAVY = "0.122 0.227 0.373"
GOLD = "0.690 0.553 0.341"
GREY = "0.333 0.333 0.333"
NAME_MIN_SIZE = 18  # below this a name is wrapped instead of shrunk further


def _rows(height: float, logo: bool) -> dict[str, float]:
    """Bottom edges of the rows from the top down; a logo pushes the heading down, the name block follows."""
    top = height - (44 if logo else 0)
    name = top - (261 if logo else 281)
    return {"organization": top - 78, "title": top - 130, "ornament": top - 142, "level": top - 172,
            "certifies": top - 206, "name": name, "requirements": name - 36, "course": name - 86,
            "rules": name - 118}


def border(width: float, height: float) -> list[str]:
    """Operators of the double border and its corner ornaments (every page of the design has them)."""
    ops = [f"{NAVY} RG 3 w 20 20 {width - 40} {height - 40} re S",
           f"{GOLD} RG 0.8 w 28 28 {width - 56} {height - 56} re S",
           f"{GOLD} RG 0.4 w 32 32 {width - 64} {height - 64} re S"]
    for cx, cy in ((28, 28), (width - 28, 28), (28, height - 28), (width - 28, height - 28)):
        ops.append(f"{GOLD} rg {cx} {cy + 7} m {cx + 7} {cy} l {cx} {cy - 7} l {cx - 7} {cy} l f")
        ops.append(f"1 g {cx} {cy + 3} m {cx + 3} {cy} l {cx} {cy - 3} l {cx - 3} {cy} l f")
    return ops


@lru_cache(maxsize=8)
def _frame(width: float, height: float, logo: bool) -> str:
    """Operators of the fixed drawing: double border, corner ornaments, the rules under the heading and the name."""
    rows = _rows(height, logo)
    ops = border(width, height)
    mid, y = width / 2, rows["ornament"]
    ops.append(f"{GOLD} RG 0.6 w {mid - 60} {y} m {mid + 60} {y} l S")
    ops.append(f"{GOLD} rg {mid} {y + 4} m {mid + 4} {y} l {mid} {y - 4} l {mid - 4} {y} l f")
    y = rows["name"] - 8
    ops.append(f"{GOLD} RG 0.6 w {width * 0.18} {y} m {width * 0.82} {y} l S")
    return "\n".join(ops)


def draw(canvas: Canvas, facts, template: BuiltinTemplate, chain: FontChain, issued_on: str) -> None:
    """Draw the certificate for `facts` on the canvas's current page."""
    width, height = PAGE_SIZES[template.page_size]
    logo = bool(template.logo)
    rows = _rows(height, logo)
    fonts, ops, own = canvas.fonts, [_frame(width, height, logo)], []  # own: this certificate's alone

    def text(value: str, y: float, size: float, color: str = GREY, box: float = 0.7, lines: int = 1,
             x: float | None = None, w: float | None = None, align: str = "center", height: float = 0,
             into: list[str] = ops) -> None:
        if not value:
            return
        box_w = w or width * box
        left = (width - box_w) / 2 if x is None else x
        box_ops = box_operators(fonts, value, chain, None, (left, y, box_w, height or size * 1.2 * lines),
                                size=size, wrap=lines > 1, align=align)
        into.append(f"q {color} rg {box_ops} Q")

    if logo:
        reader = ImageReader(io.BytesIO(template.logo))
        iw, ih = reader.getSize()
        scale = min(150 / iw, 48 / ih)
        canvas.drawImage(reader, (width - iw * scale) / 2, height - 100, iw * scale, ih * scale, mask="auto")
    text(facts.organization or facts.issuer, rows["organization"], 12, NAVY)
    text(_("Certificate"), rows["title"], 40, NAVY)
    text(facts.level.upper(), rows["level"], 14, GOLD)
    text(_("This certifies that"), rows["certifies"], 12)
    if fit(facts.learner_name, chain, None, size=34, width=width * 0.62).size >= NAME_MIN_SIZE:
        text(facts.learner_name, rows["name"], 34, NAVY, box=0.62, into=own)
    else:  # a very long name: wrapped over the rule's height too, rather than shrunk to an unreadable line
        text(facts.learner_name, rows["name"] - 6, 34, NAVY, box=0.62, lines=3, height=52, into=own)
    path = bool(getattr(facts, "courses", ()))  # a Learning Path credential lists its courses
    text(_("has completed the learning path") if path else _("has met the requirements of"), rows["requirements"], 12)
    text(facts.title, rows["course"], 20, NAVY, box=0.66, lines=2)
    text(" · ".join(((courses.summary(facts),) if path else ()) + tuple(facts.rules_met)), rows["rules"], 9.5, GREY,
         box=0.66, lines=2)
    ops.append(_signatories(text, template, width))
    text(_("Issued on {date}").format(date=issued_on), 70, 11, GREY, x=60, w=220, align="left")
    if facts.expires_on:
        text(_("Valid until {date}").format(date=expires_on_text(facts)), 54, 9.5, GREY, x=60, w=220, align="left")
    side = 84
    own.append(qr.operators(facts.verify_url, width - 60 - side, 44, side))
    right = width - 60 - side - 8
    text(_("Verification code: {code}").format(code=facts.short_code), 60, 9, GREY, x=right - 260, w=260,
         align="right", into=own)
    text(facts.verify_url, 46, 7.5, GREY, x=right - 260, w=260, align="right", into=own)
    draw_form(canvas, "certificate", "\n".join(own).encode(), fixed="\n".join(ops).encode())


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
