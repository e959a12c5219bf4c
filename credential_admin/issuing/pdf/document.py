"""One certificate PDF being written: a ReportLab canvas plus the objects ReportLab has no API for.

Those are the glyph-id fonts of `fonts` (a shared subset serialised once per process, plus each document's own
subsets), page content as a zlib-compressed form XObject, the signed payload as an embedded file, and the
metadata.
"""
from __future__ import annotations

import io
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .fonts import (
    COMMON_CHARS,
    COMMON_LIGATURES,
    Font,
    compress,
    compressed_subset,
    compressed_to_unicode,
    deflated_subset,
    font_by_key,
    subset_tag,
    to_unicode_cmap,
)

PAYLOAD_NAME = "credential.json"


class RawStream(pdfdoc.PDFObject):
    """A stream whose (compressed) content and extra dictionary entries are already serialised."""

    __RefOnly__ = 1

    def __init__(self, content: bytes, entries: bytes = b"", refs: dict[str, pdfdoc.PDFObject] | None = None):
        self.content, self.entries, self.refs = content, entries, refs or {}

    def format(self, document) -> bytes:
        refs = b"".join(b"/%s %s " % (key.encode(), pdfdoc.format(value, document))
                        for key, value in self.refs.items())
        return (b"<< /Length %d /Filter /FlateDecode %s%s>>\nstream\n" % (len(self.content), self.entries, refs)
                + self.content + b"\nendstream\n")


@dataclass(frozen=True)
class SubsetObjects:
    """The PDF pieces of one font subset: everything but the object numbers."""

    base_font: str
    font_file: bytes  # compressed TrueType subset
    to_unicode: bytes  # compressed CMap
    widths: bytes  # the /W array
    descriptor: bytes  # the FontDescriptor's fixed entries

    @classmethod
    def build(cls, font: Font, gids: list[int], texts: list[str], level: int | None = None) -> SubsetObjects:
        """The objects of a subset: a document's own from glyphs compressed once each (`deflated_subset`), or with
        a `level`, one built once per process and compressed whole."""
        font_file, widths = deflated_subset(font, gids) if level is None else compressed_subset(font, gids, level)
        scale = 1000 / font.face.upem
        base_font = f"{subset_tag(font, gids)}+{font.name.replace(' ', '')}"
        m = font.metrics
        bbox = " ".join(str(v) for v in m["bbox"])
        descriptor = (f"/Type /FontDescriptor /FontName /{base_font} /Flags 4 /FontBBox [{bbox}] /ItalicAngle 0 "
                      f"/Ascent {m['ascent']} /Descent {m['descent']} /CapHeight {m['cap']} /StemV 80 ")
        w = "[0 [{}]]".format(" ".join(str(round(v * scale)) for v in widths))
        to_unicode = compressed_to_unicode(texts) if level is None else compress(to_unicode_cmap(texts), level)
        return cls(base_font, font_file, to_unicode, w.encode(), descriptor.encode())

    def add_to(self, doc: pdfdoc.PDFDocument, resource: str) -> None:
        """Register the objects in `doc` and the font under `resource` in the page font resources."""
        font_file = RawStream(self.font_file)
        descriptor = _RawDict(self.descriptor, {"FontFile2": font_file})
        cid_font = _InlineDict(b"/Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) "
                            b"/Ordering (Identity) /Supplement 0 >> /CIDToGIDMap /Identity /W %s " % (
                                self.base_font.encode(), self.widths), {"FontDescriptor": descriptor})
        type0 = _RawDict(b"/Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H "
                         % self.base_font.encode(), {"DescendantFonts": _Array(cid_font),
                                                     "ToUnicode": RawStream(self.to_unicode)})
        doc.idToObject["BasicFonts"].dict[resource] = doc.Reference(type0)


class _InlineDict(pdfdoc.PDFObject):
    """A dictionary: serialised entries, then entries holding other objects (an empty key: a bare value)."""

    def __init__(self, entries: bytes, refs: dict[str, pdfdoc.PDFObject], tail: bytes = b""):
        self.entries, self.refs, self.tail = entries, refs, tail

    def format(self, document) -> bytes:
        refs = b"".join(b"%s%s " % (b"/%s " % key.encode() if key else b"", pdfdoc.format(value, document))
                        for key, value in self.refs.items())
        return b"<< " + self.entries + refs + self.tail + b">>"


class _RawDict(_InlineDict):
    """A dictionary written as an indirect object of its own."""

    __RefOnly__ = 1


class _Array(pdfdoc.PDFObject):
    """A one-element array (DescendantFonts)."""

    def __init__(self, item: pdfdoc.PDFObject):
        self.item = item

    def format(self, document) -> bytes:
        return b"[" + pdfdoc.format(self.item, document) + b"]"


_shared: dict[Font, tuple[str, dict[int, int], SubsetObjects]] = {}
_shared_lock = threading.Lock()


def shared_subset(font: Font) -> tuple[str, dict[int, int], SubsetObjects]:
    """The subset of `font` every document may use (its COMMON_CHARS glyphs), built once per process.

    Returns its font resource name (the same in every document), {gid: cid} and its PDF objects.
    """
    try:
        return _shared[font]
    except KeyError:
        pass
    with _shared_lock:
        if font not in _shared:
            glyphs = {font.gid_for(c): c for c in COMMON_CHARS if font.gid_for(c)}
            glyphs.update(font.ligatures(COMMON_LIGATURES))
            pairs = sorted(glyphs.items())
            gids, texts = [0] + [g for g, _ in pairs], [""] + [c for _, c in pairs]
            _shared[font] = (f"CS{len(_shared)}", {gid: cid for cid, gid in enumerate(gids) if cid},
                             SubsetObjects.build(font, gids, texts, level=9))
        return _shared[font]


def shared_cids(font: Font) -> dict[int, tuple[str, int]]:
    """{gid: (font resource, CID)} for the glyphs of `font` in its shared subset (none unless `font.shared`)."""
    if not font.shared:
        return {}
    try:
        return _shared_cids[font]
    except KeyError:
        name, cids, _ = shared_subset(font)
        found = _shared_cids[font] = {gid: (name, cid) for gid, cid in cids.items()}
        return found


_shared_cids: dict[Font, dict[int, tuple[str, int]]] = {}


class DocFonts:
    """The glyphs one document uses, per font: shared subsets plus one subset of its own per font.

    Registered as a ReportLab "delayed font" so its objects are written when the document is saved.
    """

    def __init__(self, doc: pdfdoc.PDFDocument):
        self.own: dict[Font, tuple[str, dict[int, int], list[int], list[str]]] = {}
        self.shared_used: set[int] = set()  # keys of the fonts whose shared subset is used
        doc.delayedFonts.append(self)

    def resource_for(self, font: Font, gid: int, text: str) -> tuple[str, int]:
        """The font resource name and CID of glyph `gid` of `font` in this document's own subset of the font.

        `text` is what the glyph stands for (its ToUnicode entry). Glyphs of shared subsets never come here.
        """
        entry = self.own.get(font)
        if entry is None:
            entry = self.own[font] = (f"CF{len(self.own)}", {}, [0], [""])
        name, cids, gids, texts = entry
        cid = cids.get(gid)
        if cid is None:
            cid = cids[gid] = len(gids)
            gids.append(gid)
            texts.append(text)
        return name, cid

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        for key in self.shared_used:
            name, _, objects = shared_subset(font_by_key(key))
            objects.add_to(doc, name)
        for font, (name, _, gids, texts) in self.own.items():
            SubsetObjects.build(font, gids, texts).add_to(doc, name)


class _FontResources(pdfdoc.PDFObject):
    """A resource dictionary pointing at the document's font dictionary."""

    def format(self, document) -> bytes:
        return b"<< /Font " + pdfdoc.format(pdfdoc.PDFObjectReference("BasicFonts"), document) + b" >>"


def draw_form(canvas: Canvas, name: str, content: bytes, *, fixed: bytes = b"") -> None:
    """Draw PDF operators `fixed` then `content` as a form XObject of the page size (zlib-compressed, no ASCII85
    pass). `fixed`: operators the same on many pages (a template's), whose compression is done once."""
    width, height = canvas._pagesize
    form = RawStream(compress_own(content, fixed),
                     b"/Type /XObject /Subtype /Form /BBox [0 0 %d %d] " % (round(width), round(height)),
                     {"Resources": _FontResources()})
    canvas._doc.Reference(form, f"FormXob.{name}")
    canvas.doForm(name)


# A document's own streams (page content, the payload) are compressed with an 8 KB window and small hash tables:
# they are about 10 KB at most, so they come out no larger than with zlib's defaults, and the compressor's state,
# set up or copied for every stream, is a sixth of the size.
OWN_WINDOW_BITS = 13
OWN_MEMORY_LEVEL = 5


def compress_own(content: bytes, fixed: bytes = b"") -> bytes:
    """The zlib stream of `fixed` + newline + `content` (just `content` when `fixed` is empty).

    The compressor that has taken in `fixed` is kept (per distinct `fixed`, bounded) and copied for each stream,
    so a page compresses only its own operators; the output is byte for byte that of compressing the whole.
    """
    if fixed:
        compressor, head = _after(fixed + b"\n")
        compressor = compressor.copy()
    else:  # setting up a compressor costs less than copying one
        compressor, head = zlib.compressobj(1, zlib.DEFLATED, OWN_WINDOW_BITS, OWN_MEMORY_LEVEL), b""
    return head + compressor.compress(content) + compressor.flush()


@lru_cache(maxsize=32)
def _after(fixed: bytes) -> tuple[zlib._Compress, bytes]:
    """A compressor that has taken in `fixed`, and its output so far; never used itself, only copied."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, OWN_WINDOW_BITS, OWN_MEMORY_LEVEL)
    return compressor, compressor.compress(fixed)


class _Info(pdfdoc.PDFInfo):
    """The document information dictionary, its text strings written in hex (UTF-16 with a byte order mark).

    ReportLab escapes every byte of a string in Python, which costs more than the rest of the dictionary for a
    title in Arabic or Chinese; hex needs no escaping.
    """

    def format(self, document) -> bytes:
        stamp = document._timeStamp
        (year, month, day, hour, minute, second), offset = stamp.YMDhms, f"{stamp.dhh:+03d}'{stamp.dmm:02d}'"
        date = f"(D:{year:04d}{month:02d}{day:02d}{hour:02d}{minute:02d}{second:02d}{offset})".encode()
        texts = {"Title": self.title, "Author": self.author, "Producer": self.producer, "Creator": self.creator,
                 "Subject": self.subject, "Keywords": self.keywords}
        entries = b"".join(b"/%s <FEFF%s> " % (key.encode(), value.encode("utf-16-be").hex().upper().encode())
                           for key, value in texts.items())
        return b"<< %s/CreationDate %s /ModDate %s /Trapped /%s >>" % (entries, date, date, self.trapped.encode())


class _NoInitialFont:
    """Stands in for ReportLab's initial font (Helvetica, never embedded): a "dynamic" font is not preset on pages.

    All text here is drawn with the embedded fonts of DocFonts, so pages should list no other font.
    """

    fontName = "credential-xblock-no-initial-font"
    _dynamicFont = 1
    _multiByte = 0
    face = SimpleNamespace(name=b"credential-xblock-no-initial-font")


pdfmetrics.registerFont(_NoInitialFont())


def new_canvas(pagesize: tuple[float, float]) -> tuple[Canvas, io.BytesIO]:
    """A canvas writing to memory, with a DocFonts attached as `canvas.fonts`."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=0, initialFontName=_NoInitialFont.fontName)
    canvas._doc.info = _Info()
    canvas.fonts = DocFonts(canvas._doc)
    return canvas, buffer


def finish(canvas: Canvas, buffer: io.BytesIO, *, title: str, author: str, subject: str = "", language: str = "",
           payload: bytes | None = None) -> bytes:
    """Set metadata, embed `payload`, save and return the PDF bytes."""
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("credential-xblock")
    doc = canvas._doc
    if language:
        doc.Catalog.Lang = pdfdoc.PDFString(language)
    if payload is not None:
        embed_payload(doc, payload)
    canvas.save()
    return buffer.getvalue()


def embed_payload(doc: pdfdoc.PDFDocument, payload: bytes) -> None:
    """Attach `payload` as the embedded file credential.json (the Catalog's EmbeddedFiles name tree)."""
    stream = RawStream(compress_own(payload),
                       b"/Type /EmbeddedFile /Subtype /application#2Fjson /Params << /Size %d >> " % len(payload))
    spec = _RawDict(b"/Type /Filespec /F (%s) /UF (%s) /AFRelationship /Data /Desc (Signed credential) "
                    % (PAYLOAD_NAME.encode(), PAYLOAD_NAME.encode()), {"EF": _EF(stream)})
    doc.Catalog.Names = _RawDict(b"/EmbeddedFiles << /Names [(%s) " % PAYLOAD_NAME.encode(), {"": spec},
                                 b"] >> ")


class _EF(pdfdoc.PDFObject):
    def __init__(self, stream: RawStream):
        self.stream = stream

    def format(self, document) -> bytes:
        return b"<< /F " + pdfdoc.format(self.stream, document) + b" >>"
