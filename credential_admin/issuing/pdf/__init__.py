"""Certificate PDFs: printed facts and a template in, PDF bytes out.

The renderer knows nothing about eligibility or storage: the issuing pipeline hands it the facts to print and
the signed payload to embed, and the verification page reads the payload back with `read_embedded_payload`.
"""
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from .document import PAYLOAD_NAME
from .fonts import FontError, GlyphMissingError
from .layout import TemplateError
from .spec import BuiltinTemplate, Signatory, UploadedTemplate

__all__ = [
    "BuiltinTemplate",
    "CertificateFacts",
    "FontError",
    "GlyphMissingError",
    "Signatory",
    "TemplateError",
    "UploadedTemplate",
    "read_embedded_payload",
    "render_certificate",
    "resolve_template",
]


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states. `level` is the translated label; `language` picks template and date format."""

    learner_name: str
    title: str
    level: str
    issued_on: datetime.date
    verify_url: str
    short_code: str
    rules_met: tuple[str, ...]
    issuer: str
    organization: str = ""
    language: str = "en"
    expires_on: datetime.date | None = None  # printed as "Valid until …" when set
    courses: tuple[str, ...] = ()  # a Learning Path credential's courses, in the path's order


def render_certificate(facts: CertificateFacts, template=None, *, payload: bytes | None = None) -> bytes:
    """The certificate PDF for `facts`, with `payload` (opaque bytes) embedded as the file credential.json.

    `template`: None (the default template for the facts' language, else the built-in design), a template name,
    a CertificateTemplate model instance, or a BuiltinTemplate / UploadedTemplate. Raises TemplateError for an
    unusable template and GlyphMissingError when no configured font can print a character.
    """
    from .render import render

    return render(facts, resolve_template(template, facts.language), payload)


def resolve_template(template, language: str) -> BuiltinTemplate | UploadedTemplate:
    """What `render_certificate` draws for `template` in `language` (see there); resolve once, render many."""
    if isinstance(template, BuiltinTemplate | UploadedTemplate):
        return template
    if template is None or isinstance(template, str):
        from credential_admin.models.templates import CertificateTemplate

        found = CertificateTemplate.pick(template or None, [language])
        if found is None:
            if template:
                raise TemplateError(f"No certificate template is named {template!r}")
            return BuiltinTemplate()
        template = found
    return template.to_spec()




def read_embedded_payload(pdf: bytes) -> bytes | None:
    """The payload embedded by `render_certificate`, or None when the PDF has none or cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        found = PdfReader(io.BytesIO(pdf)).attachments.get(PAYLOAD_NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        return None
    return found[0] if found else None
