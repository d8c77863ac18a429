"""Where the reader's movement keys go: pure functions over sentences, paragraphs and text.

Kept apart from the screen so the rules (what "next paragraph" or "next unreviewed"
means, what a token is in span mode, how search matches) are testable without a UI.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Callable, Container, Sequence

from corpus.model import Segment

# A token for span mode: a run of word characters (with inner apostrophes, dots and
# commas, so "£4.5m", "1,200" and "don't" are one token) or any single other symbol.
_TOKEN = re.compile(r"\w+(?:[.,'’]\w+)*|[^\w\s]", re.UNICODE)


def paragraph_index(paragraphs: Sequence[Segment], offset: int) -> int:
    """The paragraph holding ``offset`` (or the nearest one before it)."""
    return max(0, bisect_right([p.start for p in paragraphs], offset) - 1)


def sentence_index(sentences: Sequence[Segment], offset: int) -> int | None:
    """The sentence holding ``offset`` (or the nearest before it); None if none."""
    if not sentences:
        return None
    return max(0, bisect_right([s.start for s in sentences], offset) - 1)


def first_sentence_in(sentences: Sequence[Segment], offset: int) -> int:
    """The first sentence starting at or after ``offset`` (``len(sentences)`` if none).

    A paragraph "  • Text." starts at its bullet, before its first sentence: the
    sentence holding that offset is the previous paragraph's last one, not this.
    """
    return bisect_left([s.start for s in sentences], offset)


def next_paragraph(sentences: Sequence[Segment], paragraphs: Sequence[Segment], current: int) -> int:
    """The first sentence of the paragraph after the current sentence's one."""
    if not sentences or not paragraphs:
        return current
    here = paragraph_index(paragraphs, sentences[current].start)
    if here + 1 >= len(paragraphs):
        return len(sentences) - 1
    return max(current, min(first_sentence_in(sentences, paragraphs[here + 1].start), len(sentences) - 1))


def previous_paragraph(sentences: Sequence[Segment], paragraphs: Sequence[Segment], current: int) -> int:
    """The first sentence of this paragraph, or of the previous one if already there."""
    if not sentences or not paragraphs:
        return current
    here = paragraph_index(paragraphs, sentences[current].start)
    first = first_sentence_in(sentences, paragraphs[here].start)
    if first < current:
        return first
    if here == 0:
        return 0
    return min(first_sentence_in(sentences, paragraphs[here - 1].start), current)


def next_unreviewed(total: int, reviewed: Container[int], current: int) -> int | None:
    """The next sentence after ``current`` without a label, wrapping around; None if all are done."""
    for step in range(1, total + 1):
        index = (current + step) % total
        if index not in reviewed:
            return index
    return None


def next_in(indices: Sequence[int], current: int, step: int = 1, wrap: bool = False) -> int | None:
    """The nearest of the sorted ``indices`` after ``current`` (before it when ``step`` < 0).

    With ``wrap`` the search goes round the ends; None when there is nothing that way.
    """
    if step > 0:
        at = bisect_right(indices, current)
        if at < len(indices):
            return indices[at]
        return indices[0] if wrap and indices and indices[0] != current else None
    at = bisect_left(indices, current)
    if at > 0:
        return indices[at - 1]
    return indices[-1] if wrap and indices and indices[-1] != current else None


def next_article_to_review(
    order: Sequence[str], current: str, unfinished: Callable[[str], bool]
) -> str | None:
    """The first article after ``current`` in ``order`` (going round) for which ``unfinished``
    holds, other than ``current``; None when there is none."""
    at = order.index(current) if current in order else -1
    for step in range(1, len(order) + 1):
        candidate = order[(at + step) % len(order)]
        if candidate != current and unfinished(candidate):
            return candidate
    return None


def tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Token offsets inside ``text[start:end]`` (absolute ``str`` offsets)."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def find_all(text: str, query: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``query`` in ``text[start:end]``.

    ``re.IGNORECASE`` matches on the text itself (no normalising copy), so the
    offsets stay exact ``str`` indices into ``text``.
    """
    if not query:
        return []
    end = len(text) if end is None else end
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, end) if m.end() > m.start()]
