"""Tokens for the export formats that write them: spaCy's English tokens of each
sentence (:class:`~corpus.tokens.ChunkTokenizer`, in the corpus layer since the
analyser caches them), and spans widened to whole tokens (:func:`align`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, Iterator, Mapping, Sequence

from corpus.tokens import Known, SentenceTokens


def known_tokens(rows: Iterable[object], tokens: Mapping[str, SentenceTokens | None]) -> Iterator[Known | None]:
    """Beside each export row, its sentence's cached tokens (None where there are none:
    the article was not cached with them, or its sentence was merged or split)."""
    for row in rows:
        cached = tokens.get(row.article_id)  # type: ignore[attr-defined]
        yield None if cached is None else cached.known(row.start, row.end)  # type: ignore[attr-defined]


def align(starts: Sequence[int], lens: Sequence[int], spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``(first, last, label)`` token indices of each span, widened to whole tokens.

    ``starts`` holds each token's offset plus, last, the text length; ``lens`` the
    token lengths. The tokens are those of spaCy's ``doc.char_span(start, end,
    alignment_mode="expand")``; spans for which that gives no token are left out.
    """
    return [(first, last, span[2]) for first, last, span in aligned(starts, lens, spans)]


def aligned(
    starts: Sequence[int], lens: Sequence[int], spans: Iterable[tuple[int, int, str]]
) -> list[tuple[int, int, tuple[int, int, str]]]:
    """As :func:`align`, with each span itself in place of its label (its exact offsets)."""
    n = len(lens)
    out: list[tuple[int, int, tuple[int, int, str]]] = []
    if n == 0:
        return out
    size = starts[n]
    for span in spans:
        start, end = span[0], span[1]
        if not 0 <= start < end <= size:
            continue
        first = bisect_right(starts, start, 0, n) - 1
        last = bisect_right(starts, end - 1, 0, n) - 1
        if start == starts[first] + lens[first]:  # starts on the space after a token
            first += 1
        if first <= last:
            out.append((first, last, span))
    return out
