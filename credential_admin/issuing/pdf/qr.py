"""QR codes for verification URLs, fast enough to draw one per certificate by the thousand.

The `qrcode` package spends most of its time choosing a mask and runs Reed-Solomon through polynomial objects.
Any mask gives a valid code, so this encoder fixes one (byte mode, error correction level M) and caches, per
version, the finished function patterns and the order in which data bits are placed; an encode is then the
Reed-Solomon arithmetic on table lookups and one pass over the data bits. The `qrcode` package provides the
standard's tables (block structure, pattern positions) and builds each version's template once.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from operator import or_

import qrcode
from qrcode import base as qr_base

LEVEL = qrcode.constants.ERROR_CORRECT_M
MASK = 2
QUIET_ZONE = 4

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _i in range(255):
    _EXP[_i] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


@lru_cache(maxsize=64)
def _generator(degree: int) -> tuple[int, ...]:
    """Reed-Solomon generator polynomial coefficients (highest first, leading 1 dropped)."""
    poly = [1]
    for i in range(degree):
        nxt = [0] * (len(poly) + 1)
        for j, coef in enumerate(poly):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= _EXP[_LOG[coef] + i]
        poly = nxt
    return tuple(poly[1:])


@lru_cache(maxsize=64)
def _ecc_table(degree: int) -> tuple[int, ...]:
    """For each leading byte, the generator multiple to XOR into the remainder, as one integer of `degree` bytes."""
    gen = _generator(degree)
    table = []
    for factor in range(256):
        value = 0
        for coef in gen:
            value = value << 8 | (_EXP[_LOG[coef] + _LOG[factor]] if coef and factor else 0)
        table.append(value)
    return tuple(table)


def _ecc(data: bytes, degree: int) -> bytes:
    """Reed-Solomon error correction codewords of `data`: long division with the remainder kept as one integer."""
    table, shift, mask = _ecc_table(degree), 8 * (degree - 1), (1 << 8 * degree) - 1
    rem = 0
    for byte in data:
        rem = (rem << 8 & mask) ^ table[(rem >> shift) ^ byte]
    return rem.to_bytes(degree, "big")


@lru_cache(maxsize=40)
def _template(version: int) -> tuple[int, int, tuple[tuple[tuple[int, ...], tuple[int, ...]], ...], list]:
    """Everything about a version that does not depend on the message, built once.

    The matrix is an integer, bit r * stride + c for row r, column c (1 = dark), where the stride rounds the size up
    to whole bytes, so that the matrix's little-endian bytes are its rows cut in 8-module chunks. Returns the size,
    the matrix of an all-zero message (function patterns, format information, mask), for each codeword the bits it
    flips for each value of its high and low nibble, and the Reed-Solomon block structure.
    """
    blocks = qr_base.rs_blocks(version, LEVEL)
    total = sum(b.total_count for b in blocks)

    def matrix(fill: int) -> list[list[bool]]:
        code = qrcode.QRCode(version=version, error_correction=LEVEL, mask_pattern=MASK, border=0)
        code.data_cache = [fill] * total
        code.makeImpl(False, MASK)
        return code.modules

    zeros, ones = matrix(0), matrix(0xFF)
    size = len(zeros)
    stride = _stride(size)
    order = []  # cell of each data bit, in placement order (the standard's two-column zigzag)
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):
        col = col - 1 if col <= 6 else col
        while 0 <= row < size:
            order += [row * stride + c for c in (col, col - 1) if zeros[row][c] != ones[row][c]]
            row += step
        row, step = row - step, -step
    base = sum(1 << (r * stride + c) for r in range(size) for c in range(size) if zeros[r][c])
    flips = []
    for i in range(total):
        cells = order[8 * i: 8 * i + 8]
        high = tuple(sum(1 << cells[j] for j in range(4) if v & (8 >> j)) for v in range(16))
        low = tuple(sum(1 << cells[4 + j] for j in range(4) if v & (8 >> j)) for v in range(16))
        flips.append((high, low))
    return size, base, tuple(flips), blocks


def _stride(size: int) -> int:
    return (size + 7) // 8 * 8


@lru_cache(maxsize=512)
def _version_for(length: int) -> int:
    for version in range(1, 41):
        capacity = sum(b.data_count for b in qr_base.rs_blocks(version, LEVEL)) * 8
        if 4 + (8 if version < 10 else 16) + 8 * length <= capacity:
            return version
    raise ValueError(f"Text of {length} bytes is too long for a QR code")


def _codewords(data: bytes, version: int, blocks: list) -> bytes:
    """Byte-mode bit stream, padded, split into blocks with their error correction, interleaved."""
    capacity = sum(b.data_count for b in blocks)
    count_bits = 8 if version < 10 else 16
    value = (0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    bit_length = 4 + count_bits + 8 * len(data)
    pad = min(4, capacity * 8 - bit_length) + (-(bit_length + min(4, capacity * 8 - bit_length)) % 8)
    message = (value << pad).to_bytes((bit_length + pad) // 8, "big")
    message += bytes((0xEC, 0x11) * capacity)[: capacity - len(message)]
    data_blocks, ecc_blocks, offset = [], [], 0
    for block in blocks:
        chunk = message[offset:offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ecc_blocks.append(_ecc(chunk, block.total_count - block.data_count))
    codewords = []
    for group in (data_blocks, ecc_blocks):  # column by column; the longer blocks are one codeword longer
        shortest = min(map(len, group))
        codewords.append(bytes(itertools.chain.from_iterable(zip(*group, strict=False))))
        codewords.append(bytes(b[shortest] for b in group if len(b) > shortest))
    return b"".join(codewords)


def encode(text: str) -> tuple[int, int]:
    """The QR code of `text` (UTF-8, byte mode): its size and its matrix as an integer (see `_template`)."""
    data = text.encode("utf-8")
    version = _version_for(len(data))
    size, matrix, flips, blocks = _template(version)
    for (high, low), byte in zip(flips, _codewords(data, version, blocks), strict=True):
        matrix ^= high[byte >> 4] ^ low[byte & 15]
    return size, matrix


def modules(text: str) -> list[list[bool]]:
    """The QR code of `text` as rows of booleans (True = dark), without the quiet zone."""
    size, matrix = encode(text)
    stride = _stride(size)
    return [[bool(matrix >> (r * stride + c) & 1) for c in range(size)] for r in range(size)]


@lru_cache(maxsize=40)
def _run_table(size: int) -> _Runs:
    """Per (8-module chunk, chunk value): the rectangles of its dark runs, filled in as they are met.

    A dict of numbers and strings, which the garbage collector does not track.
    """
    return _Runs(size)


class _Runs(dict):
    """{chunk index << 8 | chunk value: rectangles}; a missing entry is made when first asked for."""

    def __init__(self, size: int):
        super().__init__()
        self.size, self.chunks = size, _stride(size) // 8

    def __missing__(self, key: int) -> str:
        index, bits = divmod(key, 256)
        runs = self[key] = _chunk_runs(index // self.chunks, index % self.chunks * 8, bits, self.size)
        return runs


def _chunk_runs(row: int, column: int, bits: int, limit: int) -> str:
    """Rectangles (in module units) for the dark runs of 8 modules starting at (row, column)."""
    rects, j = [], 0
    while j < 8 and column + j < limit:
        if bits >> j & 1:
            start = j
            while j < 8 and column + j < limit and bits >> j & 1:
                j += 1
            rects.append(f"{column + start} {row} {j - start} 1 re ")
        else:
            j += 1
    return "".join(rects)


def operators(text: str, x: float, y: float, side: float) -> str:
    """PDF operators drawing the QR code of `text` in the square (x, y, side), quiet zone included, on white.

    Dark modules are filled as one path of horizontal runs (a run crossing an 8-module boundary is two touching
    rectangles of the same path), in module units under one `cm`. The chunks are looked up without a Python loop.
    """
    size, matrix = encode(text)
    data = matrix.to_bytes(size * (_stride(size) // 8), "little")
    runs = "".join(map(_run_table(size).__getitem__, map(or_, range(0, len(data) << 8, 256), data)))
    module = side / (size + 2 * QUIET_ZONE)
    origin_x, origin_y = x + QUIET_ZONE * module, y + side - QUIET_ZONE * module
    return (f"q 1 g {x:.2f} {y:.2f} {side:.2f} {side:.2f} re f 0 g "
            f"{module:.5f} 0 0 {-module:.5f} {origin_x:.3f} {origin_y:.3f} cm\n{runs}f Q")
