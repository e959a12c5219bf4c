"""Uploaded templates: checking the background PDF and the layout of elements placed on its pages.

A layout is JSON: ``{"pages": {"1": [element, ...], "3": [...]}}``. Coordinates are PDF points from the page's
bottom-left corner; every element is a box (x, y, width, height) that must lie on its page. Elements:

- ``{"type": "text", "text": "{learner_name}", "x", "y", "width", "height", "align": "left|center|right",
  "font": "NotoSans-Regular", "size": 24, "color": "#1f3a5f", "shrink": true, "wrap": false}`` — placeholders
  in braces (PLACEHOLDERS), ``{{``/``}}`` for literal braces; text is centred vertically in its box.
- ``{"type": "qr", "x", "y", "size"}`` — the verification URL as a QR code, quiet zone included.
- ``{"type": "image", "image": "logo" | "data:image/png;base64,...", "x", "y", "width", "height"}``.
"""
from __future__ import annotations

import base64
import binascii
import io
import math
import re
import string
from dataclasses import dataclass

# expires_on is "" for a credential that does not expire; courses are a Learning Path credential's, joined by " · ".
PLACEHOLDERS = ("learner_name", "title", "level", "issued_on", "expires_on", "verify_url", "short_code", "rules_met",
                "issuer", "organization", "courses")
_BOX = {"x", "y", "width", "height"}
KEYS = {
    "text": {"required": _BOX | {"text"}, "optional": {"align", "font", "size", "color", "shrink", "wrap"}},
    "qr": {"required": {"x", "y", "size"}, "optional": set()},
    "image": {"required": _BOX | {"image"}, "optional": set()},
}
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_FONT = "NotoSans-Regular"


class TemplateError(ValueError):
    """A template that cannot be used, with a message saying exactly what is wrong."""


@dataclass(frozen=True)
class Element:
    """One checked element; `box` is (x, y, width, height) in points."""

    kind: str
    box: tuple[float, float, float, float]
    options: dict

    def get(self, key: str, default=None):
        return self.options.get(key, default)


def check_background(data: bytes) -> list[tuple[float, float]]:
    """The page sizes of a background PDF; TemplateError if it is not a readable, unencrypted PDF with pages."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5] == b"%PDF-":
        raise TemplateError("The background file is not a PDF (it does not start with %PDF-).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise TemplateError("The background PDF is encrypted; upload a copy without a password or restrictions.")
        sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    except TemplateError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise TemplateError(f"The background PDF cannot be read: {exc}") from exc
    if not sizes:
        raise TemplateError("The background PDF has no pages.")
    return sizes


def parse_layout(layout, pages: list[tuple[float, float]], fonts, *, has_logo: bool = False) -> dict[int, list]:
    """Check a layout against the background's page sizes and the available fonts: {page index: [Element]}."""
    if not isinstance(layout, dict):
        raise TemplateError("The layout must be a JSON object like {\"pages\": {\"1\": [...]}}.")
    unknown = set(layout) - {"pages"}
    if unknown:
        raise TemplateError(f"Unknown layout key(s): {', '.join(sorted(unknown))}; the only key is \"pages\".")
    by_page = layout.get("pages", {})
    if not isinstance(by_page, dict):
        raise TemplateError("\"pages\" must map page numbers (\"1\", \"2\", …) to lists of elements.")
    parsed: dict[int, list[Element]] = {}
    for key, elements in by_page.items():
        if not (isinstance(key, str) and key.isdigit() and 1 <= int(key) <= len(pages)):
            raise TemplateError(f"Page {key!r} does not exist: the background has {len(pages)} page(s).")
        if not isinstance(elements, list):
            raise TemplateError(f"Page {key}: the elements must be a list.")
        parsed[int(key) - 1] = [_element(item, f"Page {key}, element {n}", pages[int(key) - 1], fonts, has_logo)
                                for n, item in enumerate(elements, start=1)]
    return parsed


def _element(item, where: str, page: tuple[float, float], fonts, has_logo: bool) -> Element:
    if not isinstance(item, dict) or item.get("type") not in KEYS:
        raise TemplateError(f"{where}: each element is an object whose \"type\" is one of {', '.join(KEYS)}.")
    kind = item["type"]
    allowed = KEYS[kind]["required"] | KEYS[kind]["optional"] | {"type"}
    unknown = set(item) - allowed
    if unknown:
        raise TemplateError(f"{where} ({kind}): unknown key(s) {', '.join(sorted(unknown))}; "
                            f"allowed: {', '.join(sorted(allowed))}.")
    missing = KEYS[kind]["required"] - set(item)
    if missing:
        raise TemplateError(f"{where} ({kind}): missing key(s) {', '.join(sorted(missing))}.")
    numbers = {k: item[k] for k in ("x", "y", "width", "height", "size") if k in item}
    for key, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise TemplateError(f"{where} ({kind}): \"{key}\" must be a finite number, not {value!r}.")
    if kind == "qr":
        box = (item["x"], item["y"], item["size"], item["size"])
    else:
        box = (item["x"], item["y"], item["width"], item["height"])
    _check_box(box, page, f"{where} ({kind})")
    options = {k: v for k, v in item.items() if k not in _BOX | {"type"}}
    if kind == "text":
        _check_text(options, f"{where} (text)", fonts)
    elif kind == "image":
        options["image"] = _image(options["image"], f"{where} (image)", has_logo)
    return Element(kind, tuple(float(v) for v in box), options)


def _check_box(box, page, where: str) -> None:
    x, y, width, height = box
    if width <= 0 or height <= 0:
        raise TemplateError(f"{where}: width, height and size must be greater than 0.")
    if x < 0 or y < 0 or x + width > page[0] + 0.01 or y + height > page[1] + 0.01:
        raise TemplateError(f"{where}: the box x={x}, y={y}, {width} x {height} goes off the page "
                            f"(0, 0) to ({page[0]:g}, {page[1]:g}).")


def _check_text(options: dict, where: str, fonts) -> None:
    _check_placeholders(options["text"], where)
    if options.get("align", "left") not in ("left", "center", "right"):
        raise TemplateError(f"{where}: \"align\" must be left, center or right.")
    size = options.get("size", 12)
    if isinstance(size, bool) or not isinstance(size, int | float) or not 1 <= size <= 400:
        raise TemplateError(f"{where}: \"size\" must be a number of points between 1 and 400.")
    if not _COLOR.match(str(options.get("color", "#000000"))):
        raise TemplateError(f"{where}: \"color\" must look like #1f3a5f.")
    for flag in ("shrink", "wrap"):
        if not isinstance(options.get(flag, False), bool):
            raise TemplateError(f"{where}: \"{flag}\" must be true or false.")
    font = options.get("font", DEFAULT_FONT)
    if not isinstance(font, str) or font not in fonts.by_name:
        raise TemplateError(f"{where}: font {font!r} is not installed; available: {', '.join(fonts.by_name)}.")


def _check_placeholders(text, where: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{where}: \"text\" must be a non-empty string.")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise TemplateError(f"{where}: badly formed placeholder in {text!r} ({exc}).") from exc
    bad = [name for name in names if name not in PLACEHOLDERS]
    if bad:
        raise TemplateError(f"{where}: unknown placeholder {{{bad[0]}}}; use {', '.join(PLACEHOLDERS)}.")
    try:
        fill(text, dict.fromkeys(PLACEHOLDERS, "x"))
    except (ValueError, IndexError, KeyError) as exc:
        raise TemplateError(f"{where}: placeholder format in {text!r} cannot be used ({exc}).") from exc


def _image(source, where: str, has_logo: bool) -> str | bytes:
    """"logo", or the decoded bytes of a data: URI holding a PNG or JPEG that Pillow can open."""
    if source == "logo":
        if not has_logo:
            raise TemplateError(f"{where}: the layout uses \"logo\" but the template has no logo file.")
        return source
    match = re.match(r"^data:image/(png|jpeg);base64,(.+)$", str(source), re.S)
    if not match:
        raise TemplateError(f"{where}: \"image\" must be \"logo\" or a data:image/png;base64,… URI.")
    try:
        data = base64.b64decode(match.group(2), validate=True)
        check_image(data)
    except (binascii.Error, TemplateError) as exc:
        raise TemplateError(f"{where}: the image data is not a readable PNG or JPEG.") from exc
    return data


def check_image(data: bytes) -> None:
    """TemplateError unless `data` is an image Pillow can decode."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many exception types for bad files
        raise TemplateError("The image is not a readable PNG or JPEG file.") from exc


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced."""
    return text.format(**values)
