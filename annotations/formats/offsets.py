"""Span offsets that other tools counted in other units, read as Python string indices.

claimscope's offsets are code points (``str`` indices). A web page counts UTF-16 units
(a character beyond U+FFFF, most emoji, is two) and some annotation pages count
grapheme clusters (a flag, an emoji with a skin tone, a letter with a combining accent
is one). All three agree up to the first such character and differ after it, so a
span a tool stored after an emoji reads, taken as code points, a few characters off
(``'ars '`` for ``'cars'``).

:func:`character_offsets` finds the reading that fits: the one giving the span's own
text when the file carries it; otherwise one giving a span already in the store, else
one that starts and ends on word edges. Label Studio's reader and doccano's import
both use it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Collection

from annotations.formats.import_records import ImportReport, LineError

#: The units a tool may have counted in, as said to the user ("" is code points).
UTF16, GRAPHEMES = "UTF-16 units", "grapheme clusters"
#: Why a tool counts so, said once per import after the conversions' count.
WHY = {
    UTF16: "as a web page counts: an emoji is two",
    GRAPHEMES: "as a page counting what it shows: an emoji, a flag or an accented letter is one",
}


def converted(report: ImportReport, line: int, unit: str) -> None:
    """Tell ``report`` that a span on ``line`` was counted in ``unit`` and converted."""
    if unit:
        report.converted.setdefault(f"{unit} ({WHY[unit]})", []).append(line)

_ZWJ = "\u200d"


def from_utf16(text: str, units: int) -> int | None:
    """The ``str`` index ``units`` UTF-16 code units into ``text``; None past its end or
    inside a surrogate pair."""
    if units < 0:
        return None
    count = 0
    for index, char in enumerate(text):
        if count == units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            return None  # between the two halves of one character
    return len(text) if count == units else None


def grapheme_starts(text: str) -> list[int]:
    """The index where each grapheme cluster of ``text`` starts, then ``len(text)``.

    The common rules of Unicode's text segmentation (UAX #29): CR LF, combining marks,
    variation selectors, emoji modifiers and tags extend the cluster before them, a
    zero-width joiner glues the next pictograph on, regional indicators pair into flags.
    Hangul jamo and Indic conjuncts are left to code points.
    """
    starts: list[int] = []
    previous = ""
    indicators = 0  # regional indicators in a row so far
    for index, char in enumerate(text):
        if not (index and _extends(previous, char, indicators)):
            starts.append(index)
        indicators = indicators + 1 if _regional(char) else 0
        previous = char
    starts.append(len(text))
    return starts


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _extends(previous: str, char: str, indicators: int) -> bool:
    """Whether ``char`` belongs to the cluster ``previous`` is in."""
    if previous == "\r":
        return char == "\n"
    if previous == "\n" or unicodedata.category(previous) == "Cc":
        return False
    code = ord(char)
    if (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    ):
        return True
    if previous == _ZWJ:
        return unicodedata.category(char) == "So" or 0x1F000 <= code <= 0x1FAFF
    return _regional(char) and indicators % 2 == 1


def readings(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """``(unit, start, end)`` for each way of counting that puts ``start``-``end`` inside
    ``text``: code points first (unit ``""``), then UTF-16 units, then grapheme clusters;
    a reading equal to an earlier one is left out."""
    found: list[tuple[str, int, int]] = []
    if 0 <= start < end <= len(text):
        found.append(("", start, end))
    if text.isascii():  # every way of counting agrees
        return found
    ways = []
    if any(ord(c) > 0xFFFF for c in text):
        ways.append((UTF16, lambda n: from_utf16(text, n)))
    starts = _starts(text)
    if len(starts) != len(text) + 1:
        ways.append((GRAPHEMES, lambda n: starts[n] if 0 <= n < len(starts) else None))
    for unit, convert in ways:
        s, e = convert(start), convert(end)
        if s is None or e is None or not s < e:
            continue
        if all((s, e) != (a, b) for _, a, b in found):
            found.append((unit, s, e))
    return found


@lru_cache(maxsize=64)
def _starts(text: str) -> tuple[int, ...]:
    """:func:`grapheme_starts`, kept for the sentences being read (a record's spans share one)."""
    return tuple(grapheme_starts(text))


def on_word_edges(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a span a person would select: no space at either end,
    no word cut at either end, no character cut apart."""
    piece = text[start:end]
    if not piece.strip() or piece != piece.strip():
        return False
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        return False
    starts = _starts(text)
    return start in starts and end in starts


def character_offsets(
    text: str,
    start: int,
    end: int,
    *,
    said: str | None = None,
    known: Collection[tuple[int, int]] = (),
    tool: str = "the file",
) -> tuple[int, int, str]:
    """A tool's span ``start``-``end`` over ``text`` as ``str`` indices, and the unit the
    tool counted in (``""``: code points, as claimscope).

    ``said`` is the span's text as the tool shows it: the reading that gives it wins
    (:class:`LineError` when none does). Without it: a reading that gives a span in
    ``known`` (``(start, end)`` pairs, e.g. the spans already stored); else the
    code-point reading when it starts and ends on word edges; else the first other
    reading that does; else the code points as they are. Offsets that fit no reading
    raise :class:`LineError`.
    """
    if type(start) is not int or type(end) is not int:  # bool is an int too
        raise LineError(f"span offsets {start!r}-{end!r} are not whole numbers")
    options = readings(text, start, end)
    if said is not None:
        for unit, s, e in options:
            if text[s:e] == said:
                return s, e, unit
        holds = text[start:end] if 0 <= start < end <= len(text) else ""
        raise LineError(f"span {start}-{end} holds {holds!r}, but {tool} says {said!r}")
    if not options:
        raise LineError(f"span {start}-{end} is outside the sentence (it has {len(text)} characters)")
    if len(options) > 1:
        for unit, s, e in options:
            if (s, e) in known:
                return s, e, unit
        for unit, s, e in options:
            if on_word_edges(text, s, e):
                return s, e, unit
    unit, s, e = options[0]
    return s, e, unit
