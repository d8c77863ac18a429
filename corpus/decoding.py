"""Bytes to article text: UTF-8, UTF-8 with BOM, UTF-16/32 with BOM, then a legacy guess.

The decoded text is never normalised (CRLF stays CRLF, no Unicode normalisation),
so offsets stay valid against the file. A byte-order mark is not part of the text:
offsets count from the first character *after* the BOM.

A UTF-8 file with a few stray bytes (one cp1252 "é" pasted into a UTF-8 article)
stays UTF-8: when valid multi-byte characters outnumber the invalid bytes, each
invalid byte becomes U+FFFD (one byte, one character) and the warning names its
line; decoding the whole file as a legacy code page would garble every accent
instead. A file with no valid multi-byte character (or more bad bytes than good
characters) is a legacy file and gets the legacy guess.

:func:`decode_again` repeats a decoding by the ``encoding`` name it reported, for
the corpus index.

A file that is not text (NUL bytes without a BOM, or mostly control bytes) raises
:class:`NotTextError` with a short reason; the caller turns it into an ``ArticleError``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

#: (BOM, codec) pairs, longest first: the UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: C0 control characters that plain text does not contain (tab, LF, VT, FF, CR and ESC
#: are allowed; ESC shows up in text copied from terminals).
_CONTROL = frozenset(chr(c) for c in range(32)) - set("\t\n\x0b\x0c\r\x1b")

#: How much of a legacy-encoded file is checked for control bytes (enough to tell a
#: binary file, cheap on a 20 MB one).
_SNIFF = 64 * 1024


class NotTextError(ValueError):
    """The bytes are not a text file; ``str(error)`` says why in a few words."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used, and a warning for the user when it was a guess."""

    text: str
    encoding: str
    warning: str | None = None


def decode_bytes(data: bytes) -> Decoded:
    """Decode a file's bytes to text, trying UTF-8 first and a legacy guess last.

    Raises :class:`NotTextError` for binary data.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), codec + " (BOM)")
            except UnicodeDecodeError:
                if codec == "utf-8":
                    # The BOM says UTF-8: a stray byte is a slip, not another encoding.
                    return _replaced(*_replace_bad_bytes(data[len(bom) :]), UTF8_BOM_REPLACED)
                # UTF-32 can fail here on a UTF-16 file that starts with an empty
                # character; let the next (shorter) BOM have a go.
                continue
    if b"\x00" in data:
        raise NotTextError(
            "not a text file (contains NUL bytes; binary, or UTF-16 without a byte-order mark)"
        )
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        _check_controls(mostly.text)
        return mostly
    text, codec = _legacy(data)
    _check_controls(text)
    return Decoded(text, codec, f"decoded as {codec}; save the file as UTF-8 to silence this")


#: The ``encoding`` of UTF-8 with invalid bytes replaced by U+FFFD.
UTF8_REPLACED = "utf-8 (bad bytes replaced)"
#: The same after a UTF-8 byte-order mark (offsets count from after it).
UTF8_BOM_REPLACED = "utf-8 (BOM, bad bytes replaced)"
#: Bytes that are not UTF-8, as ``surrogateescape`` decodes them.
_ESCAPED = re.compile("[\udc80-\udcff]")
#: Non-ASCII characters (valid multi-byte UTF-8 characters, once the escapes are left out).
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _replace_bad_bytes(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 text with every invalid byte as U+FFFD, and the offsets of those characters."""
    escaped = data.decode("utf-8", "surrogateescape")
    bad = [m.start() for m in _ESCAPED.finditer(escaped)]
    return _ESCAPED.sub("\ufffd", escaped), bad


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with replacement, when valid multi-byte characters outnumber the invalid bytes."""
    text, bad = _replace_bad_bytes(data)
    good = len(_NON_ASCII.findall(text)) - len(bad)  # the U+FFFDs are not good
    if good <= len(bad):
        return None
    return _replaced(text, bad, UTF8_REPLACED)


def _replaced(text: str, bad: list[int], encoding: str) -> Decoded:
    """UTF-8 text with U+FFFD at ``bad``, with a warning naming their lines."""
    lines: list[int] = []
    line, pos = 1, 0
    for offset in bad:
        line += text.count("\n", pos, offset)
        pos = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    shown = ", ".join(map(str, lines[:5]))
    if len(lines) > 5:
        shown += f" and {len(lines) - 5} more"
    where = f"line {shown}" if len(lines) == 1 else f"lines {shown}"
    what = (
        "1 byte that is not UTF-8 was"
        if len(bad) == 1
        else f"{len(bad)} bytes that are not UTF-8 were"
    )
    return Decoded(
        text,
        encoding,
        f"{where}: {what} replaced with U+FFFD; fix the text there and save the file as UTF-8",
    )


def _check_controls(text: str) -> None:
    sample = text[:_SNIFF]
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if controls > max(2, len(sample) // 100):
        raise NotTextError("not a text file (contains control bytes and is not valid UTF-8)")


def decode_again(data: bytes, encoding: str) -> str:
    """Decode ``data`` the way :func:`decode_bytes` did when it reported ``encoding``."""
    if encoding == UTF8_REPLACED:
        return _replace_bad_bytes(data)[0]
    if encoding == UTF8_BOM_REPLACED:
        return _replace_bad_bytes(data[len(codecs.BOM_UTF8) :])[0]
    codec = encoding.removesuffix(" (BOM)")
    if codec != encoding:
        bom = {c: b for b, c in _BOMS}.get(codec)
        if bom is None:
            raise LookupError(f"no byte-order mark for {codec}")
        data = data[len(bom) :]
    return data.decode(codec)


#: Codecs a guess may never pick: UTF-16/32 need a BOM here, UTF-7 and EBCDIC are not
#: what a news article saved on a PC is in, and they "decode" almost any bytes.
_NEVER_GUESS = frozenset(
    {
        "utf_16",
        "utf_16_be",
        "utf_16_le",
        "utf_32",
        "utf_32_be",
        "utf_32_le",
        "utf_7",
        "cp037",
        "cp273",
        "cp424",
        "cp500",
        "cp875",
        "cp1026",
        "cp1140",
    }
)
#: How close (chaos and coherence, 0..1) another candidate must be to count as a tie.
_TIE = 0.02


def _legacy(data: bytes) -> tuple[str, str]:
    """Best guess for bytes that are not UTF-8: charset-normalizer, then cp1252, then latin-1.

    charset-normalizer often cannot tell Western code pages apart (cp1250 and cp1252
    score the same on English text, and a short snippet scores the same everywhere).
    On a tie we pick cp1252, the most common legacy encoding of news text.
    """
    guess: str | None = None
    try:
        from charset_normalizer import from_bytes

        matches = [m for m in from_bytes(data) if m.encoding not in _NEVER_GUESS]
        if matches and all(m.encoding != "cp1252" for m in matches):
            # The detector stops early once something fits; score cp1252 explicitly.
            matches += [
                m for m in from_bytes(data, cp_isolation=["cp1252"]) if m.encoding == "cp1252"
            ]
    except Exception:  # a detector failure must never stop a corpus from opening
        matches = []
    if matches:
        best = matches[0]
        ties = {
            m.encoding
            for m in matches
            if m.chaos <= best.chaos + _TIE and m.coherence >= best.coherence - _TIE
        }
        guess = "cp1252" if "cp1252" in ties else best.encoding
    for codec in (guess, "cp1252"):
        if codec:
            try:
                return data.decode(codec), codec
            except (UnicodeDecodeError, LookupError):
                pass
    # cp1252 leaves five bytes undefined; latin-1 maps every byte.
    return data.decode("latin-1"), "latin-1"


# --- lone surrogates: text that cannot be UTF-8 ---------------------------------------

#: A lone surrogate (half of a pair): what json.loads makes of an escape like "\ud83d"
#: without its other half. Such text cannot be written as UTF-8.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: The JSON escape of a surrogate, to skip the search in the usual file without any.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def without_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` with every lone surrogate in its strings (keys too) as U+FFFD, and how many."""
    if isinstance(value, str):
        return LONE_SURROGATE.subn("\ufffd", value)
    if isinstance(value, list):
        items = [without_surrogates(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        count = 0
        for key, item in value.items():
            key, n = without_surrogates(key)
            out[key], m = without_surrogates(item)
            count += n + m
        return out, count
    return value, 0
