"""A certificate's page content: what a batch of certificates has in common is drawn first and compressed once;
each certificate's stream is byte for byte the one-shot compression of its operators."""
from __future__ import annotations

import datetime
import io
import zlib

import pytest
from pypdf import PdfReader

from credential_admin.issuing.pdf import BuiltinTemplate, CertificateFacts, Signatory, document, render_certificate
from credential_admin.issuing.pdf.document import OWN_MEMORY_LEVEL, OWN_WINDOW_BITS, compress_own


def _one_shot(data: bytes) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, OWN_WINDOW_BITS, OWN_MEMORY_LEVEL)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(("fixed", "content"), [
    (b"", b"0 0 1 1 re f"),
    (b"1 g 0 0 10 10 re f", b""),
    (b"0.1 0.2 0.3 RG 3 w 20 20 800 555 re S\n" * 200, b"q 0 0 1 1 re f Q\n" * 500),
    (bytes(range(256)) * 40, bytes(range(255, -1, -1)) * 70),  # longer than the window
])
def test_a_page_compressed_after_its_fixed_part_is_the_whole_compressed_at_once(fixed, content):
    whole = fixed + b"\n" + content if fixed else content
    for _ in range(2):  # the second time from the kept compressor
        stream = compress_own(content, fixed)
        assert stream == _one_shot(whole) and zlib.decompress(stream) == whole


def test_the_kept_compressors_are_bounded():
    assert document._after.cache_info().maxsize <= 32


def _facts(name: str, number: int) -> CertificateFacts:
    return CertificateFacts(learner_name=name, title="Botany", level="Achievement",
                            issued_on=datetime.date(2026, 11, 26),
                            verify_url=f"https://example.org/v/{number}/", short_code=f"K7QX-{number:05d}",
                            rules_met=("Overall grade: 86%",), issuer="Demo", organization="Demo University")


def _content(pdf: bytes) -> bytes:
    forms = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/XObject"]
    return forms["/FormXob.certificate"].get_object().get_data()


def _actual_text(text: str) -> bytes:
    return b"/ActualText <FEFF%s>" % text.encode("utf-16-be").hex().upper().encode()


def test_certificates_of_a_batch_start_with_the_same_operators_and_end_with_their_own():
    template = BuiltinTemplate(signatories=(Signatory("Ada Lovelace", "Dean"),))
    names = ("Zoë Ødegaard", "王小明秀英")
    first, second = (_content(render_certificate(_facts(name, i), template)) for i, name in enumerate(names))
    shared = next(i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b)
    common, own = first[:shared], first[shared:]
    for text in ("Demo University", "Botany", "Ada Lovelace", "This certifies that"):
        assert _actual_text(text) in common
    assert _actual_text(names[0]) in own and _actual_text(names[1]) in second[shared:]
    assert b" re f 0 g " in own and b" re f 0 g " not in common  # the QR code: its white square, then modules
