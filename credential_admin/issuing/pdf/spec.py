"""What a template is, to the renderer: plain data, no Django (the model turns itself into one of these)."""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, LETTER, landscape

PAGE_SIZES = {"A4": landscape(A4), "LETTER": landscape(LETTER)}


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str = ""


@dataclass(frozen=True)
class BuiltinTemplate:
    """The built-in certificate design, with the organisation's logo and signatories when configured."""

    page_size: str = "A4"
    logo: bytes | None = None
    signatories: tuple[Signatory, ...] = ()


@dataclass(frozen=True)
class UploadedTemplate:
    """A PDF background whose pages carry positioned elements (see `layout.parse_layout`)."""

    background: bytes
    layout: dict = field(default_factory=dict)
    logo: bytes | None = None
    cache_key: str = ""  # identifies background + layout, for caching the parsed background
