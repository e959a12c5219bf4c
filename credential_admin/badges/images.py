"""Badge images: checking an uploaded PNG or SVG, and the generated default. No Django, no models.

An upload is accepted only when its bytes are what it claims (the declared type must match the sniffed one), it is
at most `MAX_BYTES`, and its size is within `MIN_SIDE`..`MAX_SIDE` pixels. An SVG is refused when it holds a
script, an event handler, embedded foreign content, a DOCTYPE or entity, or any reference that leaves the file
(every href, url() and @import must point inside it). Refusing is safer than stripping: the image the author sees is
exactly the one learners get. Each refusal is a `rules.Message`, shown next to the field.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from lxml import etree

from credential_xblock.rules import N_, Message

PNG, SVG = "image/png", "image/svg+xml"
TYPES = (PNG, SVG)
MAX_BYTES = 256 * 1024
MIN_SIDE, MAX_SIDE = 64, 2048
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video"}
URL_IN_CSS = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
DEFAULT_SIDE = 400
# Fallback course colours (background, ring), chosen for white text at WCAG AA contrast.
PALETTE = (("#1d4e89", "#f2a541"), ("#00695c", "#ffd54f"), ("#6a1b9a", "#80deea"), ("#b23a48", "#fcb9b2"),
           ("#37474f", "#a5d6a7"), ("#8a4b08", "#ffe082"))


class ImageError(ValueError):
    """An image refused, with the reason as a translatable message."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.render())


@dataclass(frozen=True)
class BadgeImage:
    """A checked badge image: its type, bytes and size in pixels."""

    content_type: str
    data: bytes
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.content_type == PNG else "svg"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def sniff(data: bytes) -> str | None:
    """The type the bytes really are: PNG by signature, SVG by an ``<svg`` root near the start; else None."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return SVG if b"<svg" in data[:4096].lower() else None
    return None


def check(data: bytes, declared: str) -> BadgeImage:
    """The checked image; raise ImageError saying what is wrong. `declared` is the type the upload claims."""
    if declared not in TYPES:
        raise ImageError(Message(N_("Upload a PNG or SVG image (this is {declared})."), {"declared": declared or "?"}))
    if not data:
        raise ImageError(Message(N_("The image file is empty.")))
    if len(data) > MAX_BYTES:
        raise ImageError(Message(N_("The image is {size} KB: the largest allowed is {limit} KB."),
                                 {"size": -(-len(data) // 1024), "limit": MAX_BYTES // 1024}))
    actual = sniff(data)
    if actual != declared:
        raise ImageError(Message(N_("This file claims to be {declared} but it is not: its content is {actual}."),
                                 {"declared": _type_name(declared), "actual": _type_name(actual)}))
    width, height = _png_size(data) if actual == PNG else _svg_size(data)
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ImageError(Message(
            N_("The image is {width}x{height} pixels: each side must be from {low} to {high} pixels."),
            {"width": width, "height": height, "low": MIN_SIDE, "high": MAX_SIDE}))
    return BadgeImage(actual, data, width, height)


def _type_name(content_type: str | None) -> str:
    return {PNG: "PNG", SVG: "SVG"}.get(content_type or "", "neither PNG nor SVG")


def from_data_uri(uri: str) -> BadgeImage:
    """A checked image from a ``data:<type>;base64,…`` URI (how the block's field and the form carry it)."""
    match = re.fullmatch(r"data:([a-z+/.-]+);base64,([A-Za-z0-9+/=\s]*)", uri or "", re.DOTALL)
    if match is None:
        raise ImageError(Message(N_("The image could not be read: upload a PNG or SVG file.")))
    if len(match.group(2)) > MAX_BYTES * 4 // 3 + 8:
        raise ImageError(Message(N_("The image is larger than {limit} KB."), {"limit": MAX_BYTES // 1024}))
    try:
        data = base64.b64decode(match.group(2), validate=False)
    except (binascii.Error, ValueError):
        raise ImageError(Message(N_("The image could not be read: upload a PNG or SVG file."))) from None
    return check(data, match.group(1))


# ----- PNG ----------------------------------------------------------------------------------------------------------

def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, body) of every chunk, checking lengths and CRCs; ValueError on a damaged file."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset < len(data):
        if offset + 8 > len(data):
            raise ValueError("truncated chunk header")
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        crc = data[offset + 8 + length:offset + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise ValueError(f"damaged {kind!r} chunk")
        chunks.append((kind, body))
        offset += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise ValueError("chunks out of order")
    return chunks


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from IHDR, after checking the chunk structure and that the pixels decode."""
    from PIL import Image, UnidentifiedImageError

    damaged = ImageError(Message(N_("The PNG file is damaged and cannot be shown.")))
    try:
        width, height = struct.unpack(">II", png_chunks(data)[0][1][:8])
    except (ValueError, struct.error):
        raise damaged from None
    if width > MAX_SIDE or height > MAX_SIDE:  # refused before decoding a possibly huge image
        return width, height
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        raise damaged from None
    return width, height


# ----- SVG ----------------------------------------------------------------------------------------------------------

def parse_svg(data: bytes) -> etree._Element:
    """The root of an SVG document, parsed without DTDs, entities or network; ImageError when it is not one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise ImageError(Message(N_("The SVG file is not well-formed XML."))) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ImageError(Message(N_("SVG images with a DOCTYPE or entities are not accepted.")))
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageError(Message(N_("The file is XML but not an SVG image.")))
    return root


def _svg_size(data: bytes) -> tuple[int, int]:
    root = parse_svg(data)
    _refuse_unsafe(root)
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            width, height = width or float(box[2]), height or float(box[3])
        except ValueError:
            width = height = None
    if width is None or height is None:
        raise ImageError(Message(N_("The SVG image must give its size: width and height in pixels, or a viewBox.")))
    return round(width), round(height)


def _length(value: str | None) -> float | None:
    match = SIZE.match(value or "")
    return float(match.group(1)) if match else None


def _refuse_unsafe(root: etree._Element) -> None:
    """Raise ImageError for the first script, event handler, foreign content or outside reference."""
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            raise ImageError(Message(N_("The SVG image holds a processing instruction: remove it.")))
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node).localname
        if name in FORBIDDEN_ELEMENTS:
            raise ImageError(Message(N_("The SVG image holds a <{element}> element: scripts and embedded content "
                                        "are not allowed in badges."), {"element": name}))
        for attribute, value in node.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                raise ImageError(Message(N_('The SVG image has an event handler ("{attribute}"): scripts are not '
                                            "allowed in badges."), {"attribute": local}))
            if local == "href" and not value.strip().startswith("#"):
                raise ImageError(Message(N_('The SVG image refers to "{target}" outside the file: embed everything '
                                            "in the image."), {"target": value[:80]}))
            if local == "style":
                _refuse_css(value)
        if name == "style":
            _refuse_css(node.text or "")


def _refuse_css(css: str) -> None:
    if "@import" in css.lower():
        raise ImageError(Message(N_("The SVG image imports a style sheet: embed everything in the image.")))
    for target in URL_IN_CSS.findall(css):
        if not target.startswith("#"):
            raise ImageError(Message(N_('The SVG image refers to "{target}" outside the file: embed everything in '
                                        "the image."), {"target": target[:80]}))


# ----- the generated default ----------------------------------------------------------------------------------------

def course_colours(course_key: str, configured: dict | None = None) -> tuple[str, str]:
    """The course's badge colours: configured for the course or its organisation, else a palette entry picked
    from the course key (stable: the same course always gets the same colours)."""
    configured = configured or {}
    org = course_key.split(":", 1)[-1].split("+", 1)[0]
    for key in (course_key, org):
        pair = configured.get(key)
        if isinstance(pair, list | tuple) and len(pair) == 2 and all(_is_hex(colour) for colour in pair):
            return str(pair[0]), str(pair[1])
    return PALETTE[int(hashlib.sha256(course_key.encode("utf-8")).hexdigest(), 16) % len(PALETTE)]


def _is_hex(colour) -> bool:
    return isinstance(colour, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", colour) is not None


@lru_cache(maxsize=64)
def default_image(name: str, background: str, ring: str) -> BadgeImage:
    """A round PNG badge: the course's colours and the badge's name in white, wrapped to fit."""
    from PIL import Image, ImageDraw, ImageFont

    side = DEFAULT_SIDE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, side - 5, side - 5), fill=ring)
    draw.ellipse((28, 28, side - 29, side - 29), fill=background)
    font_path = str(files("credential_admin").joinpath("static", "fonts", "NotoSans-Regular.ttf"))
    lines, font = _fit(draw, name.strip() or "Badge", font_path, ImageFont)
    spacing = 6
    heights = [draw.textbbox((0, 0), line, font=font)[3] for line in lines]
    y = (side - sum(heights) - spacing * (len(lines) - 1)) / 2
    for line, height in zip(lines, heights, strict=True):
        draw.text((side / 2, y), line, font=font, fill="white", anchor="ma")
        y += height + spacing
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return BadgeImage(PNG, out.getvalue(), side, side)


def _fit(draw, text: str, font_path: str, image_font) -> tuple[list[str], object]:
    """The largest font size (54 down to 18) at which the words wrap into at most four lines inside the circle."""
    words = text.split()
    for size in range(54, 16, -4):
        font = image_font.truetype(font_path, size)
        lines: list[str] = []
        for word in words:
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and draw.textlength(candidate, font=font) <= 250:
                lines[-1] = candidate
            else:
                lines.append(word)
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= 270 for line in lines):
            return lines, font
    return lines[:4], font
