"""A document's own font subset and ToUnicode CMap are joined from pieces compressed once: once decompressed they
are the files built whole, and the glyph cache behind them is bounded."""
from __future__ import annotations

import datetime
import io
import zlib

import pytest
from pypdf import PdfReader

from credential_admin.issuing.pdf import BuiltinTemplate, CertificateFacts, render_certificate
from credential_admin.issuing.pdf import fonts as fonts_module
from credential_admin.issuing.pdf.fonts import (
    build_subset,
    compressed_to_unicode,
    deflated_subset,
    font_chain,
    to_unicode_cmap,
)


@pytest.mark.parametrize("text", ["王小明", "محمد بن عبد الله", "鈴木さくら", "שלום", "ab"])
def test_a_subset_joined_from_glyphs_compressed_once_is_the_subset_built_whole(text):
    font = font_chain().font_for(text[0])
    gids = [0, *dict.fromkeys(font.gid_for(c) for c in text if font.gid_for(c))]
    data, widths = build_subset(font, gids)
    joined, joined_widths = deflated_subset(font, gids)
    assert zlib.decompress(joined) == data and joined_widths == widths


def test_composite_glyphs_are_renumbered_in_every_subset_they_join():
    """CJK ideographs of the Droid fallback font are composites: their parts follow them, wherever they sit."""
    font = font_chain().font_for("王")
    one, two = [0, font.gid_for("王")], [0, font.gid_for("明"), font.gid_for("王")]
    for gids in (one, two):
        assert zlib.decompress(deflated_subset(font, gids)[0]) == build_subset(font, gids)[0]


@pytest.mark.parametrize("count", [0, 1, 12, 400])
def test_a_to_unicode_cmap_joined_from_pieces_is_the_cmap(count):
    texts = [""] + [chr(0x4E00 + i) for i in range(count)]
    assert zlib.decompress(compressed_to_unicode(texts)) == to_unicode_cmap(texts)


def test_the_glyph_cache_is_bounded():
    assert fonts_module._glyph.cache_info().maxsize == fonts_module.GLYPH_CACHE <= 8192


@pytest.mark.parametrize("name", ["王小明秀英", "فاطمة محمد بن عبد الله", "Zoë Ødegaard"])
def test_names_in_any_script_are_extracted_from_the_certificate(name):
    facts = CertificateFacts(learner_name=name, title="Botany", level="Achievement",
                             issued_on=datetime.date(2026, 11, 26), verify_url="https://example.org/v/1/",
                             short_code="K7QX-00001", rules_met=(), issuer="Demo")
    page = PdfReader(io.BytesIO(render_certificate(facts, BuiltinTemplate(), payload=b"{}"))).pages[0]
    assert name.split()[0] in page.extract_text()
