"""The font chain: bundled font, configured fonts, Debian defaults; unusable fonts are refused by name."""
from __future__ import annotations

import re
import struct

import pytest

from credential_admin.issuing.pdf import FontError
from credential_admin.issuing.pdf.fonts import font_chain
from credential_admin.issuing.pdf.text import GID, shape, visual_runs

WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def fake_cff_font(path) -> None:
    """An OpenType file whose only table is 'CFF ' (PostScript outlines), like Debian's fonts-noto-cjk."""
    table = b"\0" * 4
    path.write_bytes(struct.pack(">4sHHHH", b"OTTO", 1, 16, 0, 0) + struct.pack(">4sIII", b"CFF ", 0, 28, 4) + table)


def test_default_chain_starts_with_the_bundled_font_and_covers_the_scripts():
    chain = font_chain()
    assert chain.fonts[0].name == "NotoSans-Regular" and chain.fonts[0].shared
    for char, font in (("é", "NotoSans-Regular"), ("Ж", "NotoSans-Regular"), ("م", "NotoSansArabic-Regular"),
                       ("ש", "NotoSansHebrew-Regular"), ("अ", "NotoSansDevanagari-Regular"),
                       ("王", "DroidSansFallbackFull")):
        assert chain.font_for(char).name == font


def test_a_configured_font_joins_the_chain_after_the_bundled_one(settings):
    settings.CREDENTIAL_XBLOCK_FONTS = [f"{WQY}#0"]
    chain = font_chain()
    assert [f.name for f in chain.fonts[:2]] == ["NotoSans-Regular", "wqy-zenhei"]
    assert chain.font_for("王").name == "wqy-zenhei"


def test_a_missing_configured_font_is_refused_by_name(settings):
    settings.CREDENTIAL_XBLOCK_FONTS = ["/nowhere/Font.ttf"]
    with pytest.raises(FontError, match=re.escape("/nowhere/Font.ttf in CREDENTIAL_XBLOCK_FONTS does not exist")):
        font_chain()


def test_a_cff_font_is_refused_with_the_reason(settings, tmp_path):
    fake_cff_font(tmp_path / "NotoSansCJK-Regular.otf")
    settings.CREDENTIAL_XBLOCK_FONTS = [str(tmp_path / "NotoSansCJK-Regular.otf")]
    with pytest.raises(FontError, match=r"has CFF \(PostScript\) outlines; only TrueType \(glyf\) fonts"):
        font_chain()


def test_mixed_direction_text_is_split_into_runs_in_visual_order():
    """Hand-worked UAX #9: an Arabic name followed by a Latin word in a left-to-right paragraph."""
    assert visual_runs("Dr. علي بن أحمد PhD") == [("Dr. ", False), ("علي بن أحمد", True), (" PhD", False)]
    # A right-to-left paragraph: the space takes the paragraph's level, the Latin word (level 2) goes leftmost.
    assert visual_runs("علي PhD") == [("PhD", False), ("علي ", True)]


def test_arabic_letters_are_joined_into_contextual_forms():
    """The same letter three times: final, medial and initial forms (visual order), none the isolated form."""
    chain = font_chain()
    isolated = shape("ب", chain).glyphs[0][GID]
    forms = [g[GID] for g in shape("ببب", chain).glyphs]
    assert len(set(forms)) == 3 and isolated not in forms
