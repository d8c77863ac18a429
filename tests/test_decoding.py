"""Bytes to text: the UTF family exactly, legacy code pages with a warning, binaries refused."""

from __future__ import annotations

import codecs
import random

import pytest

from corpus.decoding import NotTextError, decode_bytes

TEXT = "Café owners said “prices rose 5%” – and the mayor’s office agreed.\r\nNaïve façade, €20.\n"


def test_utf8_is_read_as_is_with_crlf_kept() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert "\r\n" in decoded.text
    assert decoded.encoding == "utf-8"
    assert decoded.warning is None


def test_utf8_bom_is_stripped_so_offsets_start_after_it() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert not decoded.text.startswith("\ufeff")
    assert decoded.warning is None


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_bom(bom: bytes, codec: str) -> None:
    text = "Emoji 👍🏽, Arabic مرحبا, Hebrew שלום, e\u0301, Cyrillic О.\r\n"
    decoded = decode_bytes(bom + text.encode(codec))
    assert decoded.text == text
    assert decoded.warning is None


def test_utf16_le_text_starting_with_an_empty_character_is_not_taken_for_utf32() -> None:
    # FF FE 00 00 is also the UTF-32 LE BOM; the decoder must fall back to UTF-16.
    text = "\u0000A"  # encodes as FF FE | 00 00 | 41 00: six bytes, not valid UTF-32
    decoded = decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert decoded.text == text


def test_cp1252_is_decoded_with_a_warning() -> None:
    decoded = decode_bytes(TEXT.encode("cp1252"))
    assert decoded.text == TEXT
    assert decoded.encoding == "cp1252"
    assert decoded.warning == "decoded as cp1252; save the file as UTF-8 to silence this"


@pytest.mark.parametrize("word", ["é", "Zürich", "naïve café"])
def test_short_western_text_prefers_cp1252(word: str) -> None:
    decoded = decode_bytes(word.encode("cp1252"))
    assert decoded.text == word
    assert decoded.warning is not None and "cp1252" in decoded.warning


def test_cyrillic_code_page_is_recognised() -> None:
    text = "Привет, как дела? Это тест текста на русском языке, и он довольно длинный."
    decoded = decode_bytes(text.encode("cp1251"))
    assert decoded.text == text
    assert decoded.warning is not None and "save the file as UTF-8" in decoded.warning


def test_nul_bytes_mean_not_text() -> None:
    with pytest.raises(NotTextError, match="NUL bytes"):
        decode_bytes(b"PK\x03\x04\x00\x00binary")


def test_utf16_without_bom_is_refused_with_a_hint() -> None:
    with pytest.raises(NotTextError, match="byte-order mark"):
        decode_bytes("plain words".encode("utf-16-le"))


def test_random_bytes_without_nul_are_not_text() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(4000))
    with pytest.raises(NotTextError, match="control bytes"):
        decode_bytes(data)


def test_an_escape_sequence_in_text_is_still_text() -> None:
    text = "Coloured \x1b[31mred\x1b[0m output copied from a terminal.\n"
    assert decode_bytes(text.encode("utf-8")).text == text
