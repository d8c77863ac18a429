"""The reader's text layout: wrapping paragraphs into screen lines, and offsets to cells and back.

Plain functions over ``str`` offsets, no widget. `wrap_offsets` says where each
screen line of a text starts; `wrap_tagged` does the same for a paragraph that has
inline tags (``article_marks.py``) drawn between its characters; `Inserts` maps a text
offset to its place in the drawn line (tags included); `tagged_text` builds that
drawn line; `offset_at_column` finds the text offset under a screen column (a
click); `paragraphs_of` splits an article that is not analysed yet.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size

from corpus.model import Article, Segment

if TYPE_CHECKING:
    from tui.widgets.article_marks import InlineTag

#: What the reader draws as a space (the wrap has broken the line there already).
SPACES = {ord("\n"): " ", 0x2028: " ", 0x2029: " "}
_WORD = re.compile(r"\S+\s*|\s+")
_NON_SPACE = re.compile(r"\S+")
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def wrap_offsets(text: str, width: int) -> list[int]:
    """Where each screen line starts (``str`` offsets into ``text``) at ``width`` cells.

    Breaks at newlines and between words; a word wider than the line is cut by cells,
    so wide (CJK, emoji) characters and zero-width combining marks are measured right.
    """
    width = max(1, width)
    starts = [0]
    line_start = 0
    for hard in text.split("\n"):
        if line_start:
            starts.append(line_start)
        if not _single_cells(hard):
            _wrap_by_cells(hard, width, line_start, starts)
        elif len(hard) > width:  # else the whole line fits
            _wrap_narrow(hard, width, line_start, starts)
        line_start += len(hard) + 1
    return starts


def _wrap_by_cells(line: str, width: int, base: int, starts: list[int]) -> None:
    """Wrap one line (no newline in it) measuring every word; appends line starts."""
    column = 0
    for match in _WORD.finditer(line):
        word = match.group()
        word_cells = cell_len(word.rstrip())
        start = base + match.start()
        if column and column + word_cells > width:
            starts.append(start)
            column = 0
        if word_cells > width:
            for index, char in enumerate(word):
                size = get_character_cell_size(char)
                if column and column + size > width:
                    starts.append(start + index)
                    column = 0
                column += size
            continue
        column += cell_len(word)


def _wrap_narrow(line: str, width: int, base: int, starts: list[int]) -> None:
    """`_wrap_by_cells` for a line whose characters are one cell each, a line at a time.

    A line starting at word ``s`` breaks before the first word that ends past
    ``s + width`` (trailing spaces hang): found by bisection, not word by word. This is
    what keeps opening a long article cheap.
    """
    words = [(match.start(), match.end()) for match in _NON_SPACE.finditer(line)]
    ends = [end for _start, end in words]
    start = 0
    while True:
        index = bisect_right(ends, start + width)
        if index >= len(words):
            return
        word_start = words[index][0]
        if word_start <= start:  # one word wider than the line: cut it as the general rule does
            _wrap_by_cells(line[start:], width, base + start, starts)
            return
        starts.append(base + word_start)
        start = word_start


#: Characters one terminal cell wide (Latin, Greek, Cyrillic, box drawing, and the
#: general punctuation news text is full of: dashes, curly quotes, ellipsis, per mille).
#: tests/test_app_view.py checks every one against Rich's measure.
SINGLE_CELLS = frozenset(
    chr(code)
    for first, last in (
        (0x20, 0x7E),
        (0xA0, 0xAC),
        (0xAE, 0x2FF),
        (0x370, 0x482),
        (0x2010, 0x2027),
        (0x2030, 0x205E),
        (0x2500, 0x25FC),
    )
    for code in range(first, last + 1)
)
_single_cells = SINGLE_CELLS.issuperset


def paragraphs_of(article: Article) -> tuple[Segment, ...]:
    """Paragraphs of an article that is not analysed yet: the body split at blank lines."""
    start, end = article.body
    text = article.text
    segments: list[Segment] = []
    position = start
    for match in _BLANK_LINES.finditer(text, start, end):
        if text[position : match.start()].strip():
            segments.append(Segment(position, match.start()))
        position = match.end()
    if text[position:end].strip():
        segments.append(Segment(position, end))
    return tuple(segments) or (Segment(start, end),)


class Inserts:
    """Where text offsets of one paragraph land in its drawn line, tags included.

    A tag sits before its sentence: a highlight that starts at the sentence starts after
    the tag (`begin`); a highlight that ends there, and a screen line that starts there,
    end or start before it (`finish`).
    """

    __slots__ = ("before", "points")

    def __init__(self, points: list[int], lengths: list[int]) -> None:
        self.points = points  # paragraph-relative offsets of the tags, in order
        self.before = [0]  # characters of the tags before each one
        for length in lengths:
            self.before.append(self.before[-1] + length)

    def begin(self, offset: int) -> int:
        return offset + self.before[bisect_right(self.points, offset)]

    def finish(self, offset: int) -> int:
        return offset + self.before[bisect_left(self.points, offset)]


NO_INSERTS = Inserts([], [])


def tagged_text(plain: str, start: int, tags: Sequence[InlineTag]) -> str:
    """A paragraph's text (starting at offset ``start``) with each tag's text put before its sentence."""
    if not tags:
        return plain
    pieces, position = [], 0
    for tag in tags:
        pieces += [plain[position : tag.at - start], tag.text]
        position = tag.at - start
    pieces.append(plain[position:])
    return "".join(pieces)


def wrap_tagged(text: str, start: int, tags: Sequence[InlineTag], width: int) -> list[int]:
    """Where each screen line of a paragraph starts (text offsets), its tags included.

    ``text`` is the paragraph as drawn and ``start`` its offset in the article. A tag
    is laid out as a run of as many cells, glued to the first word of its sentence, so
    the two never part at a line end. A line that starts at a tag starts at its
    sentence's offset.
    """
    if not tags:
        return [start + line for line in wrap_offsets(text, width)]
    pieces, position = [], 0
    tag_starts, tag_ends, shifts = [], [], [0]
    for tag in tags:
        at = tag.at - start
        pieces += [text[position:at], "x" * tag.cells]
        position = at
        tag_starts.append(at + shifts[-1])
        tag_ends.append(tag_starts[-1] + tag.cells)
        shifts.append(shifts[-1] + tag.cells)
    pieces.append(text[position:])
    starts: list[int] = []
    for laid in wrap_offsets("".join(pieces), width):
        before = bisect_right(tag_starts, laid) - 1
        if before < 0:
            offset = laid
        elif laid < tag_ends[before]:
            offset = tags[before].at - start  # at (or, cut, inside) the tag
        else:
            offset = laid - shifts[before + 1]
        if not starts or start + offset > starts[-1]:
            starts.append(start + offset)
    return starts


def offset_at_column(text: str, offset: int, end: int, tags: Mapping[int, InlineTag], x: int) -> int:
    """The offset drawn at column ``x`` of the screen line showing ``text[offset:end]``.

    ``tags`` maps a sentence start to its inline tag: a click on a tag picks its sentence.
    """
    column = 0
    x = max(0, x)
    while offset < end - 1:
        tag = tags.get(offset)
        if tag is not None:  # drawn just before its sentence, on this line
            column += tag.cells  # a click on a tag picks its sentence
            if column > x:
                return offset
        size = get_character_cell_size(text[offset])
        if column + size > x:
            break
        column += size
        offset += 1
    return offset
