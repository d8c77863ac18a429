"""One zlib stream made of pieces compressed apart (by two processes, at two times).

A piece is raw deflate (no zlib header) ended with a sync flush, so it ends on a byte
boundary with no final block: pieces laid end to end are one deflate stream. The
zlib stream is then the 2-byte header, the pieces, an empty final block, and the
Adler-32 of all the uncompressed bytes, which :func:`adler32_combine` makes from
each piece's own checksum and length, so a piece is never read again to be joined.
``zlib.decompress`` gives the pieces' bytes in order, as one compressor would have.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable, Iterable, NamedTuple

#: The zlib header ``zlib.compressobj(1)`` writes (deflate, 32 KB window, level 1).
HEADER = b"\x78\x01"
#: An empty final deflate block, which ends the stream.
FINAL = zlib.compressobj(1, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
_BASE = 65521  # the largest prime below 2**16: Adler-32's modulus


class Piece(NamedTuple):
    """Compressed bytes of one piece, with the Adler-32 and length of what they hold."""

    data: Any  # bytes-like
    adler: int
    length: int


def adler32_combine(first: int, second: int, length: int) -> int:
    """The Adler-32 of ``A + B`` from ``first`` (of ``A``), ``second`` (of ``B``) and
    ``len(B)``, as zlib's ``adler32_combine``.

    Adler-32 is ``a = 1 + sum of bytes`` and ``b = sum of the running a's`` (mod 65521),
    packed ``b << 16 | a``. Over ``A + B``, ``a`` is ``a_A + a_B - 1`` (one 1, not
    two), and each of B's ``length`` running values of ``a`` is B's own plus
    ``a_A - 1``, so ``b`` is ``b_A + b_B + length * (a_A - 1)``.
    """
    a1, b1 = first & 0xFFFF, first >> 16
    a2, b2 = second & 0xFFFF, second >> 16
    a = (a1 + a2 - 1) % _BASE
    b = (b1 + b2 + length * (a1 - 1)) % _BASE
    return (b << 16) | a


def write_piece(chunks: Iterable[Any], write: Callable[[bytes], Any], level: int = 1) -> tuple[int, int]:
    """Compress ``chunks`` (bytes-like, in order) as one piece, handing the compressed
    bytes to ``write`` as they come; returns ``(adler32, length)`` of the chunks."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    adler, length = 1, 0
    for chunk in chunks:
        adler = zlib.adler32(chunk, adler)
        length += len(chunk)
        write(compressor.compress(chunk))
    write(compressor.flush(zlib.Z_SYNC_FLUSH))
    return adler, length


def piece(data: Any, level: int = 1) -> Piece:
    """``data`` compressed as one piece, in memory."""
    out: list[bytes] = []
    adler, length = write_piece((data,), out.append, level)
    return Piece(b"".join(out), adler, length)


def write_stream(pieces: Iterable[Piece], write: Callable[[Any], Any]) -> None:
    """The zlib stream of ``pieces`` in order: header, pieces, final block, checksum."""
    write(HEADER)
    adler = 1
    for part in pieces:
        write(part.data)
        adler = adler32_combine(adler, part.adler, part.length)
    write(FINAL)
    write(adler.to_bytes(4, "big"))
