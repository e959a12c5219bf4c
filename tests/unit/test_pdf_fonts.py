"""The font chain: bundled font, configured fonts, Debian defaults; unusable fonts are refused by name."""
from __future__ import annotations

import re
import struct
import zlib

import pytest

from credential_admin.issuing.pdf import FontError
from credential_admin.issuing.pdf import fonts as fonts_module
from credential_admin.issuing.pdf import text as text_module
from credential_admin.issuing.pdf.fonts import build_subset, compressed_subset, font_chain
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


@pytest.mark.parametrize("text", ["محمد بن عبد الله", "فاطمة ١٢٣ الزهراني", "שלום עולם", "علي (الهاشمي) 45"])
def test_right_to_left_runs_shaped_word_by_word_match_the_runs_shaped_whole(text):
    """Words are shaped (and cached) one by one, in the script of their whole run: the glyphs are the same."""
    chain = font_chain()
    whole = []
    for run, rtl in visual_runs(text):
        pieces = [text_module._shape_run(font, part, rtl) for font, part in chain.runs(run)]
        whole += [glyph for piece in (reversed(pieces) if rtl else pieces) for glyph in piece]
    assert list(shape(text, chain).glyphs) == whole


def test_words_of_a_right_to_left_name_are_shaped_once():
    chain = font_chain()
    shape("خديجة بن عبد الله", chain)
    misses = text_module._shape_word.cache_info().misses
    shape("مريم بن عبد الله", chain)
    assert text_module._shape_word.cache_info().misses == misses + 1  # only "مريم " is new


@pytest.mark.parametrize("text", ["محمد فاطمة", "שלום עולם ", "مُحَمَّد بن علي"])
def test_plain_right_to_left_text_is_one_right_to_left_run_as_the_full_algorithm_says(text):
    """Only right-to-left letters, marks and spaces: every level is 1, so one run, without the bidi pass."""
    assert visual_runs(text) == [(text, True)] and set(text_module.bidi_levels(text)) == {1}


def test_font_subsets_keep_the_head_table_magic_number():
    font = font_chain().font_for("م")
    data, _ = build_subset(font, [0, font.gid_for("م"), font.gid_for("ب")])
    count = struct.unpack_from(">H", data, 4)[0]
    tables = dict((tag, offset) for tag, _, offset, _ in (struct.unpack_from(">4sIII", data, 12 + 16 * i)
                                                          for i in range(count)))
    assert struct.unpack_from(">I", data, tables[b"head"] + 12)[0] == 0x5F0F3CF5


@pytest.mark.parametrize(("char", "level"), [("م", 1), ("王", 1), ("a", 9)])
def test_a_compressed_subset_is_the_subset_file_with_its_fixed_tables_compressed_once(char, level):
    font = font_chain().font_for(char)
    gids = [0, font.gid_for(char), font.gid_for(" ") or font.gid_for(char)]
    data, widths = build_subset(font, gids)
    compressed, compressed_widths = compressed_subset(font, gids, level)
    assert zlib.decompress(compressed) == data and compressed_widths == widths
    assert compressed.endswith(fonts_module._deflated_fixed(font, level) + zlib.adler32(data).to_bytes(4, "big"))
