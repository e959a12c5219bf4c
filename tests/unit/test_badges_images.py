"""Badge images and baking, without a database: the checks, the generated default, and baking round trips."""
from __future__ import annotations

import json
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credential_admin.badges import baking, images

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><circle cx="60" cy="60" r="50"/></svg>'


def default_png() -> bytes:
    return images.default_image("Homework hero", "#1d4e89", "#f2a541").data


def test_the_generated_default_is_a_checked_square_png_that_depends_on_name_and_colours():
    image = images.check(default_png(), images.PNG)
    assert (image.content_type, image.width, image.height) == (images.PNG, 400, 400)
    assert images.default_image("Homework hero", "#00695c", "#ffd54f").data != image.data
    assert images.default_image("First steps", "#1d4e89", "#f2a541").data != image.data


def test_course_colours_come_from_settings_by_course_then_organisation_else_a_stable_palette_pair():
    configured = {"course-v1:Org+C+1": ["#111111", "#222222"], "Org": ["#333333", "#444444"], "Bad": ["red", "x"]}
    assert images.course_colours("course-v1:Org+C+1", configured) == ("#111111", "#222222")
    assert images.course_colours("course-v1:Org+Other+1", configured) == ("#333333", "#444444")
    fallback = images.course_colours("course-v1:Bad+C+1", configured)
    assert fallback in images.PALETTE and fallback == images.course_colours("course-v1:Bad+C+1")


def test_svg_size_from_the_viewbox_and_from_width_and_height():
    assert images.check(SVG, images.SVG).width == 120
    sized = SVG.replace(b'viewBox="0 0 120 120"', b'width="300px" height="200"')
    assert (images.check(sized, images.SVG).width, images.check(sized, images.SVG).height) == (300, 200)
    with pytest.raises(images.ImageError, match="must give its size"):
        images.check(SVG.replace(b' viewBox="0 0 120 120"', b""), images.SVG)


@pytest.mark.parametrize(("svg", "fragment"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="99" height="99"><foreignObject/></svg>', "<foreignObject>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" width="99" height="99">'
     b'<use x:href="http://evil.example/s.svg#a"/></svg>', "outside the file"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="99" height="99"><rect style="fill:url(http://e.x/p)"/></svg>',
     "outside the file"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="99" height="99"><?xml-stylesheet href="a.css"?></svg>',
     "processing instruction"),
    (b"<svg><circle/></svg>", "not an SVG image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="99"', "not well-formed"),
])
def test_unsafe_or_broken_svgs_are_refused(svg, fragment):
    with pytest.raises(images.ImageError, match=fragment):
        images.check(svg, images.SVG)


def test_internal_references_are_allowed():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="99" height="99"><defs><linearGradient id="g"/></defs>'
           b'<rect fill="url(#g)" style="fill:url(#g)"/><use href="#g"/></svg>')
    assert images.check(svg, images.SVG).width == 99


def test_a_png_chunk_with_a_bad_crc_is_damaged():
    data = bytearray(default_png())
    data[40] ^= 0xFF
    with pytest.raises(images.ImageError, match="damaged"):
        images.check(bytes(data), images.PNG)


def test_a_huge_png_header_is_refused_before_decoding():
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    with pytest.raises(images.ImageError, match="50000x50000"):
        images.check(images.PNG_SIGNATURE + chunk + end, images.PNG)


def test_baking_twice_replaces_the_credential_and_keeps_the_image():
    once = baking.bake(default_png(), images.PNG, {"id": "first"})
    twice = baking.bake(once, images.PNG, {"id": "second"})
    assert json.loads(baking.extract(twice)) == {"id": "second"}
    assert twice.count(b"openbadgecredential") == 1
    assert images.check(twice, images.PNG).width == 400
    svg_twice = baking.bake(baking.bake(SVG, images.SVG, {"id": "first"}), images.SVG, {"id": "second"})
    assert json.loads(baking.extract(svg_twice)) == {"id": "second"} and svg_twice.count(b"openbadges:credential>") == 2
    assert images.check(svg_twice, images.SVG).width == 120


def test_text_xml_cannot_hold_and_cdata_ends_survive_in_svg():
    document = {"name": "\ufffe]]>陈静\x0b"}
    assert json.loads(baking.extract(baking.bake(SVG, images.SVG, document))) == document


def test_extract_finds_nothing_in_plain_or_foreign_files():
    assert baking.extract(default_png()) is None
    assert baking.extract(SVG) is None
    assert baking.extract(b"%PDF-1.7") is None
    assert baking.extract(images.PNG_SIGNATURE + b"garbage") is None


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8),
                       st.text(max_size=30) | st.integers() | st.lists(st.text(max_size=5), max_size=3), max_size=5))
def test_any_json_survives_baking_into_png_and_svg(document):
    for image, kind in ((default_png(), images.PNG), (SVG, images.SVG)):
        assert json.loads(baking.extract(baking.bake(image, kind, document))) == document
