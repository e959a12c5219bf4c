"""TrueType fonts for certificates: the fallback chain, glyph coverage, and subsets embedded as CID fonts.

ReportLab's own TrueType support re-subsets and re-serialises every font for every document and limits subsets to
256 glyphs, with shaped glyphs squeezed into private-use code points. Certificates are rendered by the thousand,
so fonts are embedded here as Type0/CIDFontType2 fonts addressed by glyph id (what HarfBuzz returns), and the part
of a font that every certificate uses (the glyphs of printable ASCII in the bundled font) is built once per
process as ready-to-write PDF bytes. Only CFF-free TrueType fonts are accepted, as ReportLab's are.
"""
from __future__ import annotations

import hashlib
import itertools
import struct
import threading
import unicodedata
import zlib
from array import array
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import uharfbuzz as hb

# The bundled fonts ship in the package's static/ (a symlink to the top-level static/ in a checkout).
BUNDLED_DIR = Path(__file__).parents[2] / "static" / "fonts"
BUNDLED = ("NotoSans-Regular.ttf",)
# Debian font packages (fonts-noto-core, fonts-droid-fallback, fonts-wqy-zenhei): used when present.
DEBIAN_DEFAULTS = (
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansTamil-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArmenian-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansGeorgian-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    # Symbols and emoji (names carry them): Noto's monochrome symbol fonts, then Symbola (fonts-symbola, "free for
    # any use"; emoji up to Unicode 9 as TrueType outlines, which colour emoji fonts are not).
    "/usr/share/fonts/truetype/noto/NotoSansSymbols-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
)
REPLACEMENT = "\ufffd"  # printed for a character no font covers
# Glyphs most certificates need, built into a subset shared by every document once per process: ASCII, Latin-1
# and Latin Extended-A letters (most European names), typographic punctuation.
COMMON_CHARS = "".join(chr(c) for c in [*range(32, 127), *range(0xA0, 0x180), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C,
                                       0x201D, 0x2022, 0x2026])
COMMON_LIGATURES = ("ff", "fi", "fl", "ffi", "ffl")
# Characters that never need a glyph of their own font: they join whichever run they sit in.
# Glyph outlines kept ready for subsets (`_glyph`): enough for the letters of the scripts names are written in and
# the few thousand ideographs most names use; a few MB at most.
GLYPH_CACHE = 8192
_JOINERS = {"\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"}


class FontError(ValueError):
    """A configured font cannot be used (missing file, CFF outlines, unreadable)."""


class GlyphMissingError(ValueError):
    """No font of the chain has a glyph for a character of the text."""


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from(">H", data, offset)[0]


_REGISTRY: list[Font] = []
_registry_lock = threading.Lock()


def font_by_key(key: int) -> Font:
    return _REGISTRY[key]


@dataclass(eq=False)
class Font:
    """One TrueType face: coverage and metrics through HarfBuzz, raw tables for subsetting."""

    path: Path
    index: int = 0
    shared: bool = False  # its common glyphs form a subset shared by every document (bundled fonts)
    key: int = field(init=False)  # how cached glyphs refer to it: plain numbers keep caches out of the GC's way

    def __post_init__(self) -> None:
        with _registry_lock:
            self.key = len(_REGISTRY)
            _REGISTRY.append(self)

    @property
    def name(self) -> str:
        """The name layouts use to ask for this font: its file name without extension."""
        return self.path.stem

    @cached_property
    def face(self) -> hb.Face:
        try:
            face = hb.Face(hb.Blob.from_file_path(str(self.path)), self.index)
        except Exception as exc:  # HarfBuzz raises plain exceptions for unreadable files
            raise FontError(f"Font file {self.path} cannot be read: {exc}") from exc
        tags = set(face.table_tags)
        if "glyf" not in tags:
            kind = "CFF (PostScript) outlines" if tags & {"CFF ", "CFF2"} else "no TrueType outlines"
            raise FontError(f"Font {self.path} has {kind}; only TrueType (glyf) fonts can be embedded")
        return face

    @cached_property
    def hb_font(self) -> hb.Font:
        font = hb.Font(self.face)
        font.scale = (self.face.upem, self.face.upem)
        return font

    @cached_property
    def scale(self) -> float:
        """Font units to thousandths of an em."""
        return 1000 / self.face.upem

    @cached_property
    def coverage(self) -> frozenset[int]:
        return frozenset(self.face.unicodes)

    def covers(self, char: str) -> bool:
        return ord(char) in self.coverage

    def table(self, tag: str) -> bytes:
        return self.face.reference_table(tag).data

    @cached_property
    def metrics(self) -> dict[str, int]:
        """Font-wide metrics for the PDF font descriptor, in 1/1000 em."""
        head, hhea = self.table("head"), self.table("hhea")
        scale = 1000 / self.face.upem
        x_min, y_min, x_max, y_max = struct.unpack_from(">hhhh", head, 36)
        ascent, descent = struct.unpack_from(">hh", hhea, 4)
        os2 = self.table("OS/2")
        cap = struct.unpack_from(">h", os2, 88)[0] if len(os2) >= 90 else ascent
        return {"bbox": [round(v * scale) for v in (x_min, y_min, x_max, y_max)], "ascent": round(ascent * scale),
                "descent": round(descent * scale), "cap": round((cap or ascent) * scale)}

    @cached_property
    def _glyf_index(self) -> tuple[bytes, array]:
        """The glyf table and glyph offsets (loca), for slicing glyph outlines."""
        head, loca = self.table("head"), self.table("loca")
        long_offsets = struct.unpack_from(">h", head, 50)[0] == 1
        offsets = array("I" if long_offsets else "H", loca)
        if offsets.itemsize not in (2, 4):  # pragma: no cover - only on exotic platforms
            raise FontError("Unsupported platform integer sizes")
        offsets.byteswap()
        if not long_offsets:
            offsets = array("I", (2 * o for o in offsets))
        return self.table("glyf"), offsets

    @cached_property
    def _hmtx(self) -> tuple[array, int]:
        count = _u16(self.table("hhea"), 34)
        metrics = array("H", self.table("hmtx")[: 4 * count])
        metrics.byteswap()
        return metrics, count

    def advance(self, gid: int) -> int:
        """Advance width of glyph `gid` in font units."""
        metrics, count = self._hmtx
        return metrics[2 * min(gid, count - 1)]

    @cached_property
    def widths(self) -> list[int]:
        """Advance width of every glyph in thousandths of an em, rounded: what the PDF font declares."""
        return [round(self.advance(gid) * self.scale) for gid in range(self.face.glyph_count)]

    @cached_property
    def charset(self) -> frozenset[str]:
        """The characters the font has glyphs for."""
        return frozenset(map(chr, self.coverage))

    @cached_property
    def subset_fixed(self) -> tuple[dict[str, tuple[int, int, int]], bytes]:
        """The tables every subset copies unchanged, laid out once as the end of its file.

        Those are the hinting programs and `head`, its checksum adjustment cleared and set for long loca offsets.
        Returns {tag: (offset in the block, length, checksum)} and the block.
        """
        head = bytearray(self.table("head"))
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment
        struct.pack_into(">h", head, 50, 1)  # long loca offsets
        tables = {"head": bytes(head)} | {tag: self.table(tag) for tag in ("cvt ", "fpgm", "prep")}
        entries, block = {}, b""
        for tag, data in tables.items():
            if data:
                entries[tag] = (len(block), len(data), _checksum(data))
                block += data + b"\0" * (-len(data) % 4)
        return entries, block

    @cached_property
    def subset_counted(self) -> tuple[bytes, bytes]:
        """The hhea and maxp tables, whose glyph counts each subset sets."""
        return self.table("hhea"), self.table("maxp")

    def ligatures(self, texts: tuple[str, ...]) -> dict[int, str]:
        """{glyph id: text} for those of `texts` the font's default shaping turns into a single glyph."""
        found = {}
        for text in texts:
            buffer = hb.Buffer()
            buffer.add_str(text)
            buffer.guess_segment_properties()
            hb.shape(self.hb_font, buffer, {"liga": True})
            if len(buffer.glyph_infos) == 1 and buffer.glyph_infos[0].codepoint:
                found[buffer.glyph_infos[0].codepoint] = text
        return found

    def gid_for(self, char: str) -> int:
        return self.hb_font.get_nominal_glyph(ord(char)) or 0


@dataclass(eq=False)
class FontChain:
    """The ordered fonts a text falls back through, first one covering a character wins."""

    fonts: tuple[Font, ...]

    @cached_property
    def by_name(self) -> dict[str, Font]:
        return {font.name: font for font in self.fonts}

    def get(self, name: str) -> Font:
        """The font called `name` (file name without extension)."""
        try:
            return self.by_name[name]
        except KeyError:
            raise FontError(f"Font {name!r} is not configured; available fonts: {', '.join(self.by_name)}") from None

    def font_for(self, char: str, preferred: Font | None = None) -> Font:
        code = ord(char)
        if preferred is not None and code in preferred.coverage:
            return preferred
        for font in self.fonts:
            if code in font.coverage:
                return font
        raise GlyphMissingError(_missing_message(char, self.fonts))

    def printable(self, text: str) -> tuple[str, tuple[str, ...]]:
        """`text` as this chain can print it, and the characters it could not: each character no font covers
        becomes a visible U+FFFD (or "?" if no font has that either); an invisible one (a variation selector, a
        joiner, a control character) is dropped. Emoji newer than the fonts, for example, print as replacements
        instead of failing. Checked in NFC, the form the text is shaped in (a compatibility ideograph may turn into
        one no font has)."""
        text = unicodedata.normalize("NFC", text)
        if self.fonts[0].charset.issuperset(text) and all(c.isspace() or c.isprintable() for c in text):
            return text, ()
        printed, missing = [], []
        for char in text:
            control = unicodedata.category(char) == "Cc" and not char.isspace()  # never printable, whatever maps it
            if not control and any(font.covers(char) for font in self.fonts):
                printed.append(char)
                continue
            missing.append(char)
            if not (char in _JOINERS or unicodedata.category(char) in ("Mn", "Cf", "Cc")):
                printed.append(REPLACEMENT if any(font.covers(REPLACEMENT) for font in self.fonts) else "?")
        return "".join(printed), tuple(missing)

    def runs(self, text: str, primary: Font | None = None) -> list[tuple[Font, str]]:
        """Split `text` into runs of one font each; marks, joiners and spaces stay with their neighbours."""
        first = primary or self.fonts[0]
        if first.charset.issuperset(text):
            return [(first, text)]
        runs: list[tuple[Font, list[str]]] = []
        for char in text:
            current = runs[-1][0] if runs else None
            if current is not None and ((_sticks(char) and ord(char) in current.coverage) or char in _JOINERS):
                runs[-1][1].append(char)
                continue
            font = self.font_for(char, primary if current is None or not primary or ord(char) in primary.coverage
                                 else current)
            if font is current:
                runs[-1][1].append(char)
            else:
                runs.append((font, [char]))
        return [(font, "".join(chars)) for font, chars in runs]


def _sticks(char: str) -> bool:
    """Characters that belong to the run they sit in rather than starting a new one."""
    return unicodedata.category(char)[0] in "MZP" or char in "0123456789"


def _missing_message(char: str, fonts: tuple[Font, ...]) -> str:
    name = unicodedata.name(char, "unnamed character")
    tried = ", ".join(font.name for font in fonts)
    return (f"No configured font has a glyph for {char!r} (U+{ord(char):04X} {name}); fonts tried: {tried}. "
            "Add a TrueType font covering it to CREDENTIAL_XBLOCK_FONTS.")


_chain: FontChain | None = None
_chain_key: tuple = ()
_chain_lock = threading.Lock()


def font_chain() -> FontChain:
    """The bundled fonts, then CREDENTIAL_XBLOCK_FONTS, then the Debian defaults present on this machine."""
    global _chain, _chain_key
    from credential_admin import conf

    configured = tuple(conf.get("FONTS") or ())
    if _chain is None or _chain_key != configured:
        with _chain_lock:
            _chain, _chain_key = _build_chain(configured), configured
    return _chain


def _bundled(name: str) -> Path:
    if (BUNDLED_DIR / name).is_file():
        return BUNDLED_DIR / name
    raise FontError(f"The bundled font {name} is missing from {BUNDLED_DIR}.")


def _build_chain(configured: tuple) -> FontChain:
    fonts = [Font(_bundled(name), shared=True) for name in BUNDLED]
    for entry in configured:
        path, _, index = str(entry).partition("#")
        if not Path(path).is_file():
            raise FontError(f"Font file {path} in CREDENTIAL_XBLOCK_FONTS does not exist")
        fonts.append(Font(Path(path), int(index or 0)))
    fonts += [Font(Path(path)) for path in DEBIAN_DEFAULTS if Path(path).is_file()]
    for font in fonts:
        font.face  # noqa: B018 - fail early on an unusable font, with its path in the message
    return FontChain(tuple(fonts))


# ---------------------------------------------------------------------------------------------------------------
# Subsets and their PDF objects

def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array("I", padded)
    words.byteswap()
    return sum(words) & 0xFFFFFFFF


def build_subset(font: Font, gids: list[int]) -> tuple[bytes, list[int]]:
    """A TrueType file holding `gids` (glyph i of the subset = gids[i]), plus composite parts appended after them.

    Returns the file and the advance widths of gids, in font units. Glyph 0 must be gids[0] (.notdef).
    """
    head, glyphs, tail, widths = _subset_parts(font, gids)
    return head + b"".join(glyph[0] for glyph in glyphs) + tail + font.subset_fixed[1], widths


def compressed_subset(font: Font, gids: list[int], level: int = 1) -> tuple[bytes, list[int]]:
    """`build_subset`, zlib-compressed: the tables every subset of the font shares were compressed once.

    They end the file, so their deflate blocks, made once, follow this subset's own, which end in a full flush (no
    reference back past it); the checksum is over the whole file.
    """
    head, glyphs, tail, widths = _subset_parts(font, gids)
    start = head + b"".join(glyph[0] for glyph in glyphs) + tail
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    own = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    return _zlib_stream(font, own, level, zlib.adler32(start)), widths


def deflated_subset(font: Font, gids: list[int]) -> tuple[bytes, list[int]]:
    """`compressed_subset` at level 1 made of glyphs compressed once each (`_glyph`), for a document's own subset.

    Each glyph is deflate blocks of its own ending on a byte boundary, so a subset joins them in any order; the
    subset's header and tables and its renumbered composite glyphs, a few hundred bytes, are stored uncompressed.
    The file is some bytes longer than compressed in one piece, and the same once decompressed.
    """
    head, glyphs, tail, widths = _subset_parts(font, gids)
    blocks = [_stored(head)]
    blocks += [_stored(data) if deflated is None else deflated for data, _, _, _, deflated in glyphs]
    blocks.append(_stored(tail))
    checksum = zlib.adler32(tail, zlib.adler32(b"".join(glyph[0] for glyph in glyphs), zlib.adler32(head)))
    return _zlib_stream(font, b"".join(blocks), 1, checksum), widths


def _zlib_stream(font: Font, own: bytes, level: int, checksum: int) -> bytes:
    """A zlib stream of a subset from the deflate blocks of its own part and the Adler-32 checksum of that part."""
    return (b"\x78\x01" + own + _deflated_fixed(font, level)
            + zlib.adler32(font.subset_fixed[1], checksum).to_bytes(4, "big"))


def _stored(data: bytes) -> bytes:
    """`data` as stored (uncompressed) deflate blocks, none of them the last one."""
    return b"".join(struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF) + chunk
                    for chunk in (data[i:i + 0xFFFF] for i in range(0, len(data), 0xFFFF)))


@lru_cache(maxsize=64)
def _deflated_fixed(font: Font, level: int) -> bytes:
    """The fixed tables of `font`'s subsets as the final deflate blocks of a stream (see `compressed_subset`)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(font.subset_fixed[1]) + compressor.flush()


def _subset_parts(font: Font, gids: list[int]) -> tuple[bytes, list[tuple], bytes, list[int]]:
    """A subset file but for its fixed tables, in three parts: the header and table directory, the glyphs (`_glyph`
    records, composite parts appended), and the other tables of these glyphs. Also the advance widths of `gids`."""
    key = font.key
    glyphs = [_glyph(key, gid) for gid in gids]
    if any(glyph[1] for glyph in glyphs):
        glyphs = _with_components(key, list(gids), glyphs)
    count = len(glyphs)
    offsets = array("I", itertools.accumulate((len(glyph[0]) for glyph in glyphs), initial=0))
    glyf_length = offsets[-1]
    offsets.byteswap()
    hhea, maxp = font.subset_counted
    tables = {"hhea": _counted(hhea, 34, count), "hmtx": b"".join(glyph[2] for glyph in glyphs),
              "loca": offsets.tobytes(), "maxp": _counted(maxp, 4, count)}
    tail = b"".join(data + b"\0" * (-len(data) % 4) for data in tables.values())
    entries = {"glyf": (glyf_length, sum(glyph[3] for glyph in glyphs))}
    entries |= {tag: (len(data), _checksum(data)) for tag, data in tables.items()}
    return _directory(entries, font.subset_fixed[0]), glyphs, tail, [font.advance(gid) for gid in gids]


@lru_cache(maxsize=GLYPH_CACHE)
def _glyph(font: int, gid: int) -> tuple[bytes, tuple[int, ...], bytes, int, bytes | None]:
    """Glyph `gid` of font key `font` as subsets copy it (cached: names repeat their letters and ideographs).

    Its outline padded to 4 bytes, the glyph ids it is made of (a composite glyph), its hmtx entry (advance and
    left side bearing), the outline's checksum, and the outline as deflate blocks (level 1, ending in a sync flush;
    None for a composite glyph, which subsets renumber).
    """
    face = font_by_key(font)
    glyf, starts = face._glyf_index
    data = glyf[starts[gid]: starts[gid + 1]]
    lsb = struct.unpack_from(">h", data, 2)[0] if len(data) >= 10 else 0
    parts = tuple(_components(data)) if _is_composite(data) else ()
    data += b"\0" * (-len(data) % 4)
    deflated = None if parts else _deflated(data)
    return data, parts, struct.pack(">Hh", face.advance(gid), lsb), _checksum(data), deflated


def _deflated(data: bytes) -> bytes:
    """`data` as raw deflate blocks that end on a byte boundary and are not the last of their stream."""
    if not data:
        return b""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _with_components(font: int, order: list[int], glyphs: list[tuple]) -> list[tuple]:
    """`glyphs` (those of `order`) with the parts of composite glyphs appended, composites renumbered to match."""
    position = {gid: i for i, gid in enumerate(order)}
    i = 0
    while i < len(order):  # parts are appended to `order` and `glyphs` as they are met
        data, parts, metric, _, _ = glyphs[i]
        if parts:
            for part in parts:
                if part not in position:
                    position[part] = len(order)
                    order.append(part)
                    glyphs.append(_glyph(font, part))
            data = _remap_components(data, position)
            glyphs[i] = (data, parts, metric, _checksum(data), None)
        i += 1
    return glyphs


def _counted(table: bytes, offset: int, count: int) -> bytes:
    """`table` with the glyph count at `offset` set."""
    return table[:offset] + count.to_bytes(2, "big") + table[offset + 2:]


def _is_composite(data: bytes) -> bool:
    """A glyph with a negative number of contours (the sign bit of its first byte) is made of other glyphs."""
    return len(data) >= 10 and data[0] >= 0x80


def _components(data: bytes) -> list[int]:
    """Glyph ids a composite glyph is built from."""
    found, pos = [], 10
    while True:
        flags, component = struct.unpack_from(">HH", data, pos)
        found.append(component)
        pos += _component_size(flags)
        if not flags & 0x0020:
            return found


def _component_size(flags: int) -> int:
    """Bytes of a composite glyph's component record, from its flags (arguments as words, scale form)."""
    return 4 + (4 if flags & 0x0001 else 2) + (8 if flags & 0x0080 else 4 if flags & 0x0040 else
                                               2 if flags & 0x0008 else 0)


def _remap_components(data: bytes, position: dict[int, int]) -> bytes:
    out, pos = bytearray(data), 10
    while True:
        flags, component = struct.unpack_from(">HH", out, pos)
        struct.pack_into(">H", out, pos + 2, position[component])
        pos += _component_size(flags)
        if not flags & 0x0020:
            return bytes(out)


def _directory(tables: dict[str, tuple[int, int]], fixed: dict[str, tuple[int, int, int]]) -> bytes:
    """Header and table directory of a file laid out as: these, `tables` ({tag: (length, checksum)}) in order, each
    padded to 4 bytes, then the block of the `fixed` tables."""
    count = len(tables) + len(fixed)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    entries = {}
    for tag, (length, checksum) in tables.items():
        entries[tag] = (offset, length, checksum & 0xFFFFFFFF)
        offset += length + (-length % 4)
    entries |= {tag: (offset + start, length, checksum) for tag, (start, length, checksum) in fixed.items()}
    return header + b"".join(struct.pack(">4sIII", tag.encode("latin-1"), checksum, start, length)
                             for tag, (start, length, checksum) in sorted(entries.items()))


def subset_tag(font: Font, gids: list[int]) -> str:
    """Six capital letters naming a subset, the same for the same glyphs (PDF subset font naming)."""
    digest = hashlib.blake2b(f"{font.path}:{gids}".encode(), digest_size=6).digest()
    return "".join(chr(65 + b % 26) for b in digest)


_CMAP_START = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
               "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
               "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n").encode("ascii")
_CMAP_END = b"\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def to_unicode_cmap(texts: list[str]) -> bytes:
    """A ToUnicode CMap mapping CID i to texts[i] (empty texts are left out)."""
    return _CMAP_START + _cmap_entries(texts) + _CMAP_END


def compressed_to_unicode(texts: list[str]) -> bytes:
    """`to_unicode_cmap`, zlib-compressed for a document's own subset: its fixed start and end were compressed
    once, its entries (those of a name: a few hundred bytes) are stored; longer ones are compressed with the rest."""
    entries = _cmap_entries(texts)
    if len(entries) > 1024:
        return compress(_CMAP_START + entries + _CMAP_END)
    start, end = _cmap_deflated()
    checksum = zlib.adler32(_CMAP_END, zlib.adler32(entries, zlib.adler32(_CMAP_START)))
    return b"\x78\x01" + start + _stored(entries) + end + checksum.to_bytes(4, "big")


@lru_cache(maxsize=1)
def _cmap_deflated() -> tuple[bytes, bytes]:
    """The fixed start and end of every CMap as deflate blocks, the end's the last of the stream."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return _deflated(_CMAP_START), compressor.compress(_CMAP_END) + compressor.flush()


def _cmap_entries(texts: list[str]) -> bytes:
    entries = [f"<{cid:04X}> <{text.encode('utf-16-be').hex().upper()}>" for cid, text in enumerate(texts) if text]
    chunks = []
    for start in range(0, len(entries), 100):
        part = entries[start:start + 100]
        chunks.append(f"{len(part)} beginbfchar\n" + "\n".join(part) + "\nendbfchar")
    return "\n".join(chunks).encode("ascii")


def compress(data: bytes, level: int = 1) -> bytes:
    """zlib for PDF streams: fast by default (per-document streams); built-once streams ask for more."""
    return zlib.compress(data, level)
