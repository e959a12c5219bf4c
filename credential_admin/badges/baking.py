"""Baking: the signed OpenBadgeCredential embedded in its badge image, and read back (Open Badges 3.0, "Baking").

- PNG: one ``iTXt`` chunk with the keyword ``openbadgecredential``, not compressed, no language tag or translated
  keyword, its text the credential's JSON; placed before ``IEND``, replacing any earlier one.
- SVG: an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) as the first child
  of the ``<svg>`` root, the JSON in a CDATA section; any earlier one is replaced.
"""
from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from lxml import etree

from credential_admin.badges.images import PNG, PNG_SIGNATURE, SVG, ImageError, parse_svg, png_chunks, sniff

KEYWORD = b"openbadgecredential"
OB_NS = "https://purl.imsglobal.org/ob/v3p0"
CREDENTIAL_TAG = f"{{{OB_NS}}}credential"


def credential_text(credential: dict[str, Any], ascii_only: bool = False) -> str:
    """The JSON text that is baked, compact; "]]>" written as "]]\\u003e" so that it fits in CDATA. `ascii_only`
    escapes every other character too (for SVG: XML refuses some characters JSON allows, e.g. U+FFFE)."""
    text = json.dumps(credential, ensure_ascii=ascii_only, separators=(",", ":"))
    return text.replace("]]>", "]]\\u003e")


def bake(image: bytes, content_type: str, credential: dict[str, Any]) -> bytes:
    """`image` with `credential` embedded."""
    if content_type == PNG:
        return bake_png(image, credential_text(credential))
    return bake_svg(image, credential_text(credential, ascii_only=True))


def extract(data: bytes) -> str | None:
    """The baked credential's text from a PNG or SVG, or None when there is none (or the file is not one)."""
    kind = sniff(data)
    try:
        if kind == PNG:
            return extract_png(data)
        if kind == SVG:
            return extract_svg(data)
    except (ValueError, ImageError):
        return None
    return None


# ----- PNG ----------------------------------------------------------------------------------------------------------

def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bake_png(png: bytes, text: str) -> bytes:
    chunks = [(kind, body) for kind, body in png_chunks(png) if not (kind == b"iTXt" and _itxt_keyword(body))]
    # keyword, NUL, compression flag 0, method 0, empty language tag + NUL, empty translated keyword + NUL, text
    itxt = KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    chunks.insert(len(chunks) - 1, (b"iTXt", itxt))
    return PNG_SIGNATURE + b"".join(_chunk(kind, body) for kind, body in chunks)


def _itxt_keyword(body: bytes) -> bool:
    return body.split(b"\x00", 1)[0] == KEYWORD


def extract_png(png: bytes) -> str | None:
    for kind, body in png_chunks(png):
        if kind == b"iTXt" and _itxt_keyword(body):
            rest = body[len(KEYWORD) + 1:]
            compressed, _method, rest = rest[0], rest[1], rest[2:]
            _language, _translated, text = rest.split(b"\x00", 2)
            return (zlib.decompress(text) if compressed else text).decode("utf-8")
    return None


# ----- SVG ----------------------------------------------------------------------------------------------------------

def bake_svg(svg: bytes, text: str) -> bytes:
    root = parse_svg(svg)
    for old in root.findall(CREDENTIAL_TAG):
        root.remove(old)
    nsmap = {**root.nsmap, "openbadges": OB_NS}
    baked = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    baked.text = root.text
    element = etree.SubElement(baked, CREDENTIAL_TAG)
    element.text = etree.CDATA(text)
    element.tail = root.text
    baked.extend(list(root))
    return etree.tostring(baked, xml_declaration=True, encoding="UTF-8")


def extract_svg(svg: bytes) -> str | None:
    element = parse_svg(svg).find(CREDENTIAL_TAG)
    return None if element is None else (element.text or "").strip()
