"""A zlib stream made of pieces compressed apart (annotations/formats/zlib_pieces.py):
the combined checksum is zlib's own, and the stream decompresses to the pieces' bytes
in order, as one compressor's stream of the same bytes does."""

from __future__ import annotations

import os
import random
import zlib

import pytest

from annotations.formats.zlib_pieces import FINAL, HEADER, adler32_combine, piece, write_piece, write_stream

#: Lengths around Adler-32's modulus (65521) and its multiples, and empty pieces.
SIZES = [0, 1, 2, 100, 65520, 65521, 65522, 131042, 131043, 200_000, 1 << 20]


def stream(pieces) -> bytes:
    out: list = []
    write_stream(pieces, out.append)
    return b"".join(bytes(p) for p in out)


@pytest.mark.parametrize("second", SIZES)
@pytest.mark.parametrize("first", SIZES)
def test_adler32_combine_is_the_checksum_of_the_concatenation(first: int, second: int) -> None:
    rnd = random.Random(first * 7 + second)
    for fill in ("random", "high"):  # 0xff bytes drive both sums to wrap fastest
        a = rnd.randbytes(first) if fill == "random" else b"\xff" * first
        b = rnd.randbytes(second) if fill == "random" else b"\xff" * second
        assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_adler32_combine_over_many_pieces() -> None:
    rnd = random.Random(3)
    parts = [rnd.randbytes(rnd.choice(SIZES[:8])) for _ in range(40)]
    whole = 1
    for part in parts:
        whole = adler32_combine(whole, zlib.adler32(part), len(part))
    assert whole == zlib.adler32(b"".join(parts))


def test_pieces_decompress_to_what_one_compressor_gives() -> None:
    rnd = random.Random(5)
    words = [rnd.choice([b"the ", b"council ", b"said ", b"42% ", bytes(rnd.randbytes(3))]) for _ in range(60_000)]
    text = b"".join(words)
    cuts = sorted(rnd.sample(range(1, len(text)), 12))
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    parts.insert(3, b"")  # an empty piece is allowed anywhere
    parts.append(os.urandom(70_000))  # and one that does not compress
    data = stream([piece(p) for p in parts])
    whole = b"".join(parts)
    assert data[:2] == HEADER and data[-6:-4] == FINAL
    assert zlib.decompress(data) == whole == zlib.decompress(zlib.compress(whole, 1))
    assert data[-4:] == zlib.adler32(whole).to_bytes(4, "big")
    # read as a stream too (as a reader fed a file in blocks)
    reader = zlib.decompressobj()
    got = b"".join(reader.decompress(data[at : at + 4096]) for at in range(0, len(data), 4096)) + reader.flush()
    assert got == whole and reader.eof and not reader.unused_data


def test_a_piece_streamed_in_chunks_is_one_piece() -> None:
    chunks = [b"abc" * 1000, memoryview(b"def" * 5000), b"", b"xyz"]
    out: list[bytes] = []
    adler, length = write_piece(chunks, out.append)
    joined = b"".join(bytes(c) for c in chunks)
    assert (adler, length) == (zlib.adler32(joined), len(joined))
    made = piece(b"head")
    assert zlib.decompress(stream([made, type(made)(b"".join(out), adler, length)])) == b"head" + joined


def test_a_wrong_checksum_is_caught_by_zlib() -> None:
    good = piece(b"some bytes")
    with pytest.raises(zlib.error):
        zlib.decompress(stream([good._replace(adler=good.adler ^ 1)]))


def test_no_pieces_is_an_empty_stream() -> None:
    assert zlib.decompress(stream([])) == b""
