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

from reportlab.lib.rl_accel import fp_str
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
        refs = b"".join(b"/%s %s " % (key.encode(), document.value(value)) for key, value in self.refs.items())
        return (b"<< /Length %d /Filter /FlateDecode %s%s>>\nstream\n" % (len(self.content), self.entries, refs)
                + self.content + b"\nendstream\n")


@dataclass(frozen=True)
class SubsetObjects:
    """The PDF pieces of one font subset: everything but the object numbers."""

    font_file: bytes  # compressed TrueType subset
    to_unicode: bytes  # compressed CMap
    type0: bytes  # the fixed entries of the Type0 font dictionary,
    cid_font: bytes  # of its descendant CIDFontType2 font (with the /W array),
    descriptor: bytes  # and of the FontDescriptor: serialised once for a shared subset

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
        cid_font = (f"/Type /Font /Subtype /CIDFontType2 /BaseFont /{base_font} /CIDSystemInfo << /Registry (Adobe) "
                    "/Ordering (Identity) /Supplement 0 >> /CIDToGIDMap /Identity /W [0 [{}]] ").format(
                        " ".join(str(round(v * scale)) for v in widths))
        type0 = f"/Type /Font /Subtype /Type0 /BaseFont /{base_font} /Encoding /Identity-H "
        to_unicode = compressed_to_unicode(texts) if level is None else compress(to_unicode_cmap(texts), level)
        return cls(font_file, to_unicode, type0.encode(), cid_font.encode(), descriptor.encode())

    def add_to(self, doc: pdfdoc.PDFDocument, resource: str) -> None:
        """Register the objects in `doc` and the font under `resource` in the page font resources."""
        descriptor = _RawDict(self.descriptor, {"FontFile2": RawStream(self.font_file)})
        cid_font = _InlineDict(self.cid_font, {"FontDescriptor": descriptor})
        type0 = _RawDict(self.type0, {"DescendantFonts": _Array(cid_font), "ToUnicode": RawStream(self.to_unicode)})
        doc.idToObject["BasicFonts"].dict[resource] = doc.Reference(type0)


class _InlineDict(pdfdoc.PDFObject):
    """A dictionary: serialised entries, then entries holding other objects (an empty key: a bare value)."""

    def __init__(self, entries: bytes, refs: dict[str, pdfdoc.PDFObject], tail: bytes = b""):
        self.entries, self.refs, self.tail = entries, refs, tail

    def format(self, document) -> bytes:
        refs = b"".join(b"%s%s " % (b"/%s " % key.encode() if key else b"", document.value(value))
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
        return b"[" + document.value(self.item) + b"]"


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


class _Document(pdfdoc.PDFDocument):
    """ReportLab's document, written with the same objects and values but in fewer steps.

    ReportLab formats every value through a generic dispatcher, encodes each name and reference through its PDF
    text codec and builds a dictionary object for each page, catalog and resource entry: a third of a
    certificate's time went there. Here the dictionaries ReportLab makes (page, page tree, catalog, resources, the
    font resources) and their names, numbers and references are written directly, with the entries ReportLab's
    classes give them; anything else is left to ReportLab. Documents here are never encrypted or digitally signed,
    which only ReportLab's own writer handles.
    """

    def format(self) -> bytes:
        root, info = self.ref(self.Catalog), self.ref(self.info)
        header = b"%%PDF-%d.%d\n%%\x93\x8c\x8b\x9e ReportLab Generated PDF document (opensource)\n" % self._pdfVersion
        chunks, offsets, offset, number = [header], [], len(header), 1
        while number in self.numberToId:  # writing an object may register more
            start, body = b"%d 0 obj\n" % number, self.body(self.idToObject[self.numberToId[number]])
            end = b"endobj\n" if body.endswith(b"\n") else b"\nendobj\n"
            chunks += (start, body, end)  # not joined here: bodies (font files) are copied once, at the end
            offsets.append(offset)
            offset += len(start) + len(body) + len(end)
            number += 1
        chunks.append(b"xref\n0 %d\n0000000000 65535 f \n" % number)
        chunks.extend(b"%010d 00000 n \n" % start for start in offsets)
        chunks.append(b"trailer\n<< /ID %s /Info %s /Root %s /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
                      % (self.ID(), info, root, number, offset))
        return b"".join(chunks)

    def body(self, obj: object) -> bytes:
        """An indirect object's content."""
        writer = _WRITERS.get(type(obj))
        return writer(self, obj) if writer else pdfdoc.format(obj, self, toplevel=1)

    def value(self, value: object) -> bytes:
        """`value` as written inside another object: a reference for objects that stand alone."""
        kind = type(value)
        if kind is bytes:
            return value
        if kind is pdfdoc.PDFObjectReference:
            return b"%d %d R" % self.idToObjectNumberAndVersion[value.name]
        if kind is int:
            return b"%d" % value
        if kind is float:
            return _number(value)
        if kind is str:  # a name ReportLab made with PDFName
            return _encoded(value)
        if hasattr(value, "__RefOnly__"):
            return self.ref(value)
        writer = _WRITERS.get(kind)
        if writer:
            return writer(self, value)
        return value.format(self) if isinstance(value, pdfdoc.PDFObject) else pdfdoc.format(value, self)

    def ref(self, obj: pdfdoc.PDFObject) -> bytes:
        """A reference to `obj`, registering it if new (what ReportLab's `Reference` then `format` write)."""
        name = getattr(obj, "__InternalName__", None) or self.Reference(obj).name
        return b"%d %d R" % self.idToObjectNumberAndVersion[name]

    def dictionary(self, entries: dict, refs: tuple[str, ...] | list[str] = ()) -> bytes:
        """A dictionary of `entries` ({name without slash: value}); PDF objects under `refs` become references."""
        return b"<< " + b" ".join(
            _name(key) + b" " + (self.ref(value) if key in refs and isinstance(value, pdfdoc.PDFObject)
                                 else self.value(value))
            for key, value in sorted(entries.items())) + b" >>"

    def _catalog(self, obj: pdfdoc.PDFCatalog) -> bytes:
        """A catalog, page tree or page: the entries `PDFCatalog.format` writes."""
        obj.check_format(self)
        entries = {key: getattr(obj, key, default) for key, default in obj.__Defaults__.items()}
        entries.update((key, value) for key in obj.__NoDefault__ if (value := getattr(obj, key, None)) is not None)
        return self.dictionary({key: value for key, value in entries.items() if value is not None}, obj.__Refs__)

    def _resources(self, obj: pdfdoc.PDFResourceDictionary) -> bytes:
        """A page's resources: the entries `PDFResourceDictionary.format` writes."""
        entries = {}
        for key in obj.dict_attributes:
            value = getattr(obj, key)
            if not isinstance(value, dict):
                entries[key] = value
            elif value:
                entries[key] = self.dictionary(value)
        procs = obj.ProcSet
        if not isinstance(procs, list | tuple):
            entries["ProcSet"] = procs
        elif procs:
            entries["ProcSet"] = self.array(procs)
        return self.dictionary(entries)

    def array(self, items: list) -> bytes:
        return b"[ " + b" ".join(map(self.value, items)) + b" ]"

    def _stream(self, obj: pdfdoc.PDFStream) -> bytes:
        """A page's content stream (not compressed here); ReportLab writes streams with filters or entries."""
        if obj.filters or self.defaultStreamFilters or obj.dictionary.dict or obj.content is None:
            return obj.format(self)
        content = pdfdoc.pdfdocEnc(obj.content)
        return b"<< /Length %d >>\nstream\n%sendstream\n" % (len(content), content)


_WRITERS = {pdfdoc.PDFCatalog: _Document._catalog, pdfdoc.PDFPages: _Document._catalog,
            pdfdoc.PDFPage: _Document._catalog, pdfdoc.PDFResourceDictionary: _Document._resources,
            pdfdoc.PDFDictionary: lambda document, obj: document.dictionary(obj.dict),
            pdfdoc.PDFArray: lambda document, obj: document.array(obj.sequence), pdfdoc.PDFStream: _Document._stream}
_BASIC_FONTS = pdfdoc.PDFObjectReference(pdfdoc.BasicFonts)


@lru_cache(maxsize=512)
def _name(key: str) -> bytes:
    """A dictionary key as ReportLab writes it (a PDF name, escaped)."""
    return pdfdoc.pdfdocEnc(pdfdoc.PDFName(key))


@lru_cache(maxsize=64)
def _number(value: float) -> bytes:
    """A real number as ReportLab writes it (page sizes: a handful of values)."""
    return pdfdoc.pdfdocEnc(fp_str(value))


@lru_cache(maxsize=512)
def _encoded(text: str) -> bytes:
    """A name value ReportLab made (`PDFName`), in its PDF encoding."""
    return pdfdoc.pdfdocEnc(text)


class _FontResources(pdfdoc.PDFObject):
    """A resource dictionary pointing at the document's font dictionary."""

    def format(self, document) -> bytes:
        return b"<< /Font " + document.ref(_BASIC_FONTS) + b" >>"


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
    canvas._doc.__class__ = _Document  # Canvas makes its document itself; the subclass adds no state
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
        return b"<< /F " + document.ref(self.stream) + b" >>"
