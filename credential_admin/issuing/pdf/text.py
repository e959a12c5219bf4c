"""Text in any script: bidi reordering, a font per run of glyphs, HarfBuzz shaping, fitting, and PDF operators.

A line is split into bidi level runs (python-bidi resolves the levels, runs are reordered here), each run into
font runs (`FontChain.runs`), and each font run is shaped by HarfBuzz in its own direction, so right-to-left
words come out joined and in the right order. Text is written glyph by glyph with its exact HarfBuzz positions
and wrapped in an /ActualText span, so text extraction gives back the string in logical order.
"""
from __future__ import annotations

import itertools
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import uharfbuzz as hb
from bidi import algorithm as bidi

from .document import shared_cids
from .fonts import Font, FontChain, GlyphMissingError, font_by_key

_RTL_STRONG = {"R", "AL", "RLE", "RLO", "RLI"}
_RTL_PLAIN = {"R", "AL", "NSM", "WS"}  # text of only these, starting right-to-left, is all at level 1
_FEATURES = {"kern": True, "liga": True}
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[^ /]*[ /]|[^ /]+")
_SPACED_WORDS = re.compile(r"[^ ]*[ ]|[^ ]+")
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
                        "\u200f\u202b\u202e\u2067]")  # right-to-left scripts and marks
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
# Bounds of the per-string caches below. Every certificate brings a few strings seen once (its verify URL, code,
# name), so each cache fills within the first thousand certificates and stays full: memory is flat from then on,
# and strings repeated on every certificate (template text, titles, common name parts) stay the recently used.
CACHE_LINES = 2048
CACHE_WORDS = 4096
# Explicit bidi formatting (embeddings, overrides, isolates) and marks: invisible, and able to reorder the printed
# text around them, so a name carrying them could rearrange its line. Printed text never keeps them.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# A positioned glyph is a plain tuple (plain tuples of numbers and strings are not tracked by the garbage
# collector, so the word and line caches cost it nothing): (font key, glyph id, advance, x offset, y offset, width,
# text, shared). Lengths in 1/1000 em; the width is the advance the PDF font declares for it; the font key is
# fonts.font_by_key's; text is what the glyph stands for; shared is its (font resource, CID) in a subset shared by
# every document, or None.
Glyph = tuple
FONT, GID, ADVANCE, SHARED = 0, 1, 2, 7
_FONT_OF, _ADVANCE_OF, _SHARED_OF = itemgetter(FONT), itemgetter(ADVANCE), itemgetter(SHARED)


class Line(NamedTuple):
    """A shaped line in visual order; `width` in 1/1000 em.

    `spans` are its bidi runs, left to right: (first glyph, end glyph, the run's characters in visual order).
    Text extraction tools read a span's /ActualText as characters laid out left to right and apply their own
    right-to-left reordering, as they do for ordinary glyphs, so a right-to-left run is given to them reversed.
    `shared`: every glyph sits in a shared subset; `shared_fonts`: keys of the fonts of such glyphs.
    """

    text: str
    glyphs: tuple[Glyph, ...]
    width: float
    spans: tuple[tuple[int, int, str], ...]
    shared: bool
    shared_fonts: tuple[int, ...]


def _line(text: str, glyphs: list[Glyph], spans: tuple[tuple[int, int, str], ...]) -> Line:
    shared = list(map(_SHARED_OF, glyphs))
    return Line(text, tuple(glyphs), sum(map(_ADVANCE_OF, glyphs)), spans, all(shared),
                tuple(set(map(_FONT_OF, itertools.compress(glyphs, shared)))))


@lru_cache(maxsize=CACHE_LINES)
def clean(text: str) -> str:
    """`text` as one line for printing: NFC, whitespace runs as single spaces, bidi controls removed; control
    characters refused."""
    text = unicodedata.normalize("NFC", _SPACE.sub(" ", _BIDI_CONTROLS.sub("", text))).strip()
    control = _CONTROL.search(text)
    if control:
        raise ValueError(f"Text contains the control character U+{ord(control.group()):04X}: {text!r}")
    return text


@lru_cache(maxsize=CACHE_LINES)
def shape(text: str, chain: FontChain, primary: Font | None = None) -> Line:
    """Shape one line of text (cached: template strings and repeated titles are shaped once).

    Left-to-right text in a single font is shaped word by word (words are cached, since names, titles and URLs
    repeat their parts): no shaping rule reaches across a space. URLs also break after each "/", which at most
    drops a kerning pair next to a slash.
    """
    first = primary or chain.fonts[0]
    if first.charset.issuperset(text) and not _RTL_CHARS.search(text):
        glyphs = [glyph for word in _WORDS.findall(text) for glyph in _shape_word(first.key, word)]
        return _line(text, glyphs, ((0, len(glyphs), text),))
    glyphs = []
    spans = []
    for run, rtl in visual_runs(text):
        start = len(glyphs)
        pieces = [_shape_piece(font, part, rtl) for font, part in chain.runs(run, primary)]
        for piece in reversed(pieces) if rtl else pieces:
            glyphs.extend(piece)
        spans.append((start, len(glyphs), run[::-1] if rtl else run))
    return _line(text, glyphs, tuple(spans))


def _shape_piece(font: Font, text: str, rtl: bool) -> list[Glyph]:
    """A run of one font and direction, shaped word by word (cached: the parts of names repeat in any script).

    No shaping rule reaches across a space. Each word is shaped in the script HarfBuzz finds for the whole run, so
    a word of digits or punctuation in an Arabic run is shaped as it is in the run.
    """
    words = _SPACED_WORDS.findall(text)
    if len(words) == 1:
        return _shape_run(font, text, rtl)
    script = _script(text)
    pieces = [_shape_word(font.key, word, rtl, script) for word in words]
    return [glyph for piece in (reversed(pieces) if rtl else pieces) for glyph in piece]


def _script(text: str) -> str:
    """The script HarfBuzz guesses for `text` (that of its first character of a specific script)."""
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    return buffer.script


@lru_cache(maxsize=CACHE_WORDS)
def _shape_word(font: int, word: str, rtl: bool = False, script: str | None = None) -> tuple[Glyph, ...]:
    return tuple(_shape_run(font_by_key(font), word, rtl, script))


def _shape_run(font: Font, text: str, rtl: bool, script: str | None = None) -> list[Glyph]:
    buffer = hb.Buffer()
    buffer.add_str(text)
    if script:
        buffer.script = script
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(font.hb_font, buffer, _FEATURES)
    scale = font.scale
    infos = buffer.glyph_infos
    gids = [info.codepoint for info in infos]
    clusters = [info.cluster for info in infos]
    if 0 in gids:
        cluster = clusters[gids.index(0)]
        char = next((c for c in text[cluster:] if not font.covers(c)), text[cluster])
        raise GlyphMissingError(f"Font {font.name} has no glyph for {char!r} (U+{ord(char):04X}) in {text!r}")
    if clusters == list(range(len(text))):  # one glyph per character, the usual case
        texts = list(text)
    else:  # the first glyph of each cluster stands for the cluster's characters
        starts = [*sorted(set(clusters)), len(text)]
        span = {start: text[start:end] for start, end in itertools.pairwise(starts)}
        texts = [span.pop(cluster, "") for cluster in clusters]
    widths, shared, key = font.widths, shared_cids(font), font.key
    return [(key, gid, pos.x_advance * scale, pos.x_offset * scale, pos.y_offset * scale, widths[gid], glyph_text,
             shared.get(gid)) for gid, pos, glyph_text in zip(gids, buffer.glyph_positions, texts, strict=True)]


def visual_runs(text: str) -> list[tuple[str, bool]]:
    """Runs of one bidi level in visual order, each in logical order, with whether it is right-to-left."""
    classes = set(map(unicodedata.bidirectional, text))
    if not classes & _RTL_STRONG:
        return [(text, False)]
    if classes <= _RTL_PLAIN and unicodedata.bidirectional(text[0]) in _RTL_STRONG:
        return [(text, True)]  # right-to-left words and spaces (most Arabic and Hebrew names): no bidi pass needed
    levels = bidi_levels(text)
    runs: list[list] = []  # [start, end, level]
    for i, level in enumerate(levels):
        if runs and runs[-1][2] == level:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1, level])
    lowest_odd = min(level for *_, level in runs if level % 2) if any(r[2] % 2 for r in runs) else 1
    for level in range(max(r[2] for r in runs), lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i][2] >= level:
                j = i
                while j < len(runs) and runs[j][2] >= level:
                    j += 1
                runs[i:j] = reversed(runs[i:j])
                i = j
            else:
                i += 1
    return [(text[start:end], bool(level % 2)) for start, end, level in runs]


def bidi_levels(text: str) -> list[int]:
    """The resolved embedding level of every character (UAX #9, paragraph direction from the text)."""
    storage = bidi.get_empty_storage()
    base = bidi.get_base_level(text)
    storage["base_level"], storage["base_dir"] = base, ("L", "R")[base]
    bidi.get_embedding_levels(text, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    bidi.explicit_embed_and_overrides(storage, False)
    bidi.resolve_weak_types(storage, False)
    bidi.resolve_neutral_types(storage, False)
    bidi.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    previous = base
    for i, level in enumerate(levels):  # characters removed by rule X9 take their neighbour's level
        previous = levels[i] = previous if level is None else level
    return levels  # type: ignore[return-value]


def is_rtl(text: str) -> bool:
    """Whether the paragraph direction of `text` is right-to-left."""
    return any(unicodedata.bidirectional(c) in _RTL_STRONG for c in text) and bidi.get_base_level(text) == 1


# ---------------------------------------------------------------------------------------------------------------
# Fitting text into a box


@dataclass(frozen=True)
class Block:
    """Lines fitted to a box at one font size."""

    lines: tuple[Line, ...]
    size: float
    leading: float

    @property
    def height(self) -> float:
        return self.size * self.leading * len(self.lines)


def fit(text: str, chain: FontChain, primary: Font | None, *, size: float, width: float, height: float | None = None,
        wrap: bool = False, shrink: bool = True, leading: float = 1.2, min_size: float = 2.0) -> Block:
    """Lay `text` out in a box `width` wide (and `height` high): wrapped if asked, shrunk until it fits if asked."""
    text = clean(text)
    while True:
        lines = _wrap(text, chain, primary, width * 1000 / size) if wrap else [shape(text, chain, primary)]
        block = Block(tuple(lines), size, leading)
        widest = max((line.width for line in lines), default=0) * size / 1000
        too_wide = widest / width if widest > width else 1.0
        too_high = block.height / height if height and block.height > height else 1.0
        if (too_wide <= 1.0001 and too_high <= 1.0001) or not shrink or size <= min_size:
            return block
        # One line scales exactly; wrapped text reflows, so it shrinks by steps.
        ratio = 0.999 / max(too_wide, too_high) if not wrap else min(0.92, 1 / too_wide)
        size = max(min_size, size * ratio)


def _wrap(text: str, chain: FontChain, primary: Font | None, limit: float) -> list[Line]:
    """Greedy line breaking at spaces; `limit` in 1/1000 em. A word longer than the line gets a line of its own."""
    words = text.split(" ")
    space = shape(" ", chain, primary).width
    lines, current, current_width = [], [], 0.0
    for word in words:
        word_width = shape(word, chain, primary).width
        if current and current_width + space + word_width > limit:
            lines.append(" ".join(current))
            current, current_width = [], 0.0
        current_width += (space if current else 0) + word_width
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return [shape(line, chain, primary) for line in lines]


# ---------------------------------------------------------------------------------------------------------------
# PDF operators


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def line_operators(fonts, line: Line, x: float, y: float, size: float) -> str:
    """Operators drawing `line` with its left end at (x, y) on the baseline, each bidi run in an /ActualText span.

    `fonts` is the document's DocFonts, which hands out the font resource and CID of glyphs outside the shared
    subsets.
    """
    fonts.shared_used.update(line.shared_fonts)
    return f"BT 1 0 0 1 {_num(x)} {_num(y)} Tm {_glyph_operators(fonts.resource_for, line, size)}"


def _glyph_operators(resolve, line: Line, size: float) -> str:
    """The operators after the text matrix: per span a marked-content sequence of TJ arrays.

    TJ adjustments are in thousandths of an em, so they move each glyph to its exact HarfBuzz position whatever
    the advance the PDF font declares for it.
    """
    out = _TextWriter(size)
    pen = current = 0.0
    for start, end, actual in line.spans:
        out.parts.append(f"/Span <</ActualText <FEFF{actual.encode('utf-16-be').hex().upper()}>>> BDC")
        cids = out.cids
        for font, gid, advance, dx, dy, width, text, shared in line.glyphs[start:end]:
            name, cid = shared or resolve(font_by_key(font), gid, text)
            shift = pen + dx - current
            if name is out.resource and dy == out.rise and -0.05 < shift < 0.05:
                cids.append(cid)  # the common case: the next glyph, where the previous one ended
            else:
                out.glyph(name, cid, dy, shift)
            current = pen + dx + width
            pen += advance
        out.flush()
        out.parts.append("EMC")
    return out.finish()


class _TextWriter:
    """Collects glyphs into TJ arrays; glyphs between position adjustments go out as one hex string."""

    def __init__(self, size: float):
        self.size, self.parts, self.pending, self.cids = size, [], [], []
        self.resource, self.rise = None, 0.0

    def glyph(self, resource: str, cid: int, rise: float, shift: float) -> None:
        if resource != self.resource or rise != self.rise:
            self.flush()
            if resource != self.resource:
                self.parts.append(f"/{resource} {_num(self.size)} Tf")
                self.resource = resource
            if rise != self.rise:
                self.parts.append(f"{_num(rise * self.size / 1000)} Ts")
                self.rise = rise
        if shift > 0.05 or shift < -0.05:
            self._flush_cids()
            self.pending.append(f" {_num(-shift)} ")
        self.cids.append(cid)

    def _flush_cids(self) -> None:
        if self.cids:
            self.pending.append("<" + struct.pack(f">{len(self.cids)}H", *self.cids).hex().upper() + ">")
            self.cids.clear()

    def flush(self) -> None:
        self._flush_cids()
        if self.pending:
            self.parts.append("[" + "".join(self.pending) + "] TJ")
            self.pending.clear()

    def finish(self) -> str:
        if self.rise:
            self.parts.append("0 Ts")
        self.parts.append("ET")
        return " ".join(self.parts)


def block_operators(fonts, block: Block, x: float, y: float, width: float, height: float,
                    align: str = "center") -> str:
    """Operators drawing `block` inside the box (x, y, width, height), vertically centred, aligned as asked."""
    size, step = block.size, block.size * block.leading
    top = y + (height + block.height) / 2
    parts = []
    for i, line in enumerate(block.lines):
        line_width = line.width * size / 1000
        offset = {"left": 0.0, "right": width - line_width}.get(align, (width - line_width) / 2)
        baseline = top - step * i - step / 2 - size * 0.35
        parts.append(line_operators(fonts, line, x + offset, baseline, size))
    return "\n".join(parts)


class _SharedOnly:
    """Stands in for a document's DocFonts while drawing text whose glyphs are all in shared subsets."""

    def __init__(self):
        self.shared_used: set[int] = set()

    def resource_for(self, font: Font, gid: int, text: str) -> tuple[str, int]:
        raise AssertionError("only lines in shared subsets are drawn without a document")


def box_operators(fonts, text: str, chain: FontChain, primary: Font | None, box: tuple[float, float, float, float],
                  *, size: float, wrap: bool = False, shrink: bool = True, align: str = "left") -> str:
    """Operators fitting `text` into `box` (x, y, width, height) and drawing it; see `fit` and `block_operators`.

    When every glyph is in a shared subset the result is the same in every document: it is cached.
    """
    cached = _shared_box(text, chain, primary, box, size, wrap, shrink, align)
    if cached is not None:
        fonts.shared_used.update(cached[1])
        return cached[0]
    x, y, width, height = box
    block = fit(text, chain, primary, size=size, width=width, height=height, wrap=wrap, shrink=shrink)
    return block_operators(fonts, block, x, y, width, height, align)


@lru_cache(maxsize=CACHE_LINES)
def _shared_box(text, chain, primary, box, size, wrap, shrink, align) -> tuple[str, tuple[int, ...]] | None:
    x, y, width, height = box
    block = fit(text, chain, primary, size=size, width=width, height=height, wrap=wrap, shrink=shrink)
    if not all(line.shared for line in block.lines):
        return None
    fonts = _SharedOnly()
    return block_operators(fonts, block, x, y, width, height, align), tuple(fonts.shared_used)
