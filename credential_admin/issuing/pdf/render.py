"""Rendering a certificate: pick the drawing for the template, in the certificate's language, and finish the PDF."""
from __future__ import annotations

import contextlib

from django.conf import settings
from django.utils import translation

from . import builtin, courses, uploaded
from .dates import issued_on_text
from .document import finish, new_canvas
from .fonts import font_chain
from .spec import PAGE_SIZES, BuiltinTemplate, UploadedTemplate
from .text import clean


def _language(language: str):
    """Translations and formats of `language` (a no-op context when it is already active)."""
    return contextlib.nullcontext() if translation.get_language() == language else translation.override(language)


def render(facts, template: BuiltinTemplate | UploadedTemplate, payload: bytes | None) -> bytes:
    if not clean(facts.learner_name):
        raise ValueError("The learner name is empty")
    chain = font_chain()
    language = facts.language or settings.LANGUAGE_CODE
    with _language(language):
        issued_on = issued_on_text(facts)
        title = f"{facts.title} — {facts.learner_name}"
        if isinstance(template, UploadedTemplate):
            return uploaded.render(facts, template, chain, issued_on, payload=payload, title=title)
        canvas, buffer = new_canvas(PAGE_SIZES[template.page_size])
        builtin.draw(canvas, facts, template, chain, issued_on)
        canvas.showPage()
        if facts.courses and not courses.on_first_page(facts.courses):
            courses.draw_list_page(canvas, facts, template, chain)
            canvas.showPage()
        return finish(canvas, buffer, title=title, author=facts.issuer, subject=facts.level,
                      language=facts.language, payload=payload)
