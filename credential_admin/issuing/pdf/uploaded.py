"""Uploaded templates: the layout's elements drawn on an overlay, merged onto every page of the background PDF."""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader

from . import qr
from .dates import expires_on_text
from .document import PAYLOAD_NAME, draw_form, new_canvas
from .fonts import FontChain
from .layout import DEFAULT_FONT, Element, check_background, fill, parse_layout
from .spec import UploadedTemplate
from .text import box_operators


def values(facts, issued_on: str) -> dict[str, str]:
    """What each placeholder stands for."""
    return {"learner_name": facts.learner_name, "title": facts.title, "level": facts.level, "issued_on": issued_on,
            "expires_on": expires_on_text(facts), "verify_url": facts.verify_url, "short_code": facts.short_code,
            "rules_met": " · ".join(facts.rules_met), "issuer": facts.issuer, "organization": facts.organization,
            "courses": " · ".join(facts.courses)}


def render(facts, template: UploadedTemplate, chain: FontChain, issued_on: str, *, payload: bytes | None,
           title: str) -> bytes:
    sizes = check_background(template.background)
    layout = parse_layout(template.layout, sizes, chain, has_logo=bool(template.logo))
    overlay = _overlay(facts, template, layout, sizes, chain, issued_on)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(template.background)))
    for index, page in enumerate(writer.pages):
        if index in layout:  # layout coordinates count from the page's own corner, wherever its MediaBox starts
            page.merge_translated_page(overlay.pages[index], float(page.mediabox.left), float(page.mediabox.bottom))
    writer.add_metadata({"/Title": title, "/Author": facts.issuer, "/Subject": facts.level,
                         "/Creator": "credential-xblock"})
    if payload is not None:
        writer.add_attachment(PAYLOAD_NAME, payload)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _overlay(facts, template: UploadedTemplate, layout: dict[int, list[Element]], sizes, chain: FontChain,
             issued_on: str) -> PdfReader:
    canvas, buffer = new_canvas(sizes[0])
    texts = values(facts, issued_on)
    for index, size in enumerate(sizes):
        canvas.setPageSize(size)
        ops = [_draw(canvas, element, template, texts, chain, facts.verify_url) for element in layout.get(index, [])]
        draw_form(canvas, f"page{index}", "\n".join(ops).encode())
        canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def _draw(canvas, element: Element, template: UploadedTemplate, texts: dict[str, str], chain: FontChain,
          verify_url: str) -> str:
    x, y, width, height = element.box
    if element.kind == "qr":
        return qr.operators(verify_url, x, y, width)
    elif element.kind == "image":
        source = element.get("image")
        data = template.logo if source == "logo" else source
        canvas.drawImage(ImageReader(io.BytesIO(data)), x, y, width, height, preserveAspectRatio=True,
                         anchor="c", mask="auto")
        return ""
    else:
        text = fill(element.get("text"), texts).strip()
        if not text:
            return ""
        color = element.get("color", "#000000")
        rgb = " ".join(f"{int(color[i:i + 2], 16) / 255:.3f}" for i in (1, 3, 5))
        return (f"q {rgb} rg {x:.2f} {y:.2f} {width:.2f} {height:.2f} re W n "
                + box_operators(canvas.fonts, text, chain, chain.get(element.get("font", DEFAULT_FONT)), element.box,
                                size=element.get("size", 12), wrap=element.get("wrap", False),
                                shrink=element.get("shrink", True), align=element.get("align", "left")) + " Q")
