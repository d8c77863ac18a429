"""How an article's body is cut for the parser and how the parse is cut back.

Paragraphs (``split_paragraphs``: blank lines, bullets, hard-wrapped lines joined);
pieces of at most a chunk's size (``chunk_ranges``, cut at a line break, a sentence end or
a space, ``_cut_point``), each with the context parsed around it (``with_context``);
batches of pieces by count and characters (``batches``); and, on the way back,
sentences cut at paragraph edges (``sentences_within``) and spans clipped to them
(``clip_spans``). ``corpus.analysis`` runs spaCy between the two halves.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator

from corpus.model import Reading, Segment, Span, kind_of

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BULLET = re.compile(r"[ \t\u00a0]*(?:[•·▪◦‣●○■□►▶➤✓✔*–—-]|\d{1,2}[.)])[ \t\u00a0]+")
_SENTENCE_END = re.compile(r"[.!?:;…\"”’»)\]]\s*$")
_ALNUM = re.compile(r"\w")
_WHITESPACE = re.compile(r"\s+")
#: Where a paragraph too long for one piece is best cut, best first: after a line
#: break, after a sentence end, at any whitespace.
_CUTS = (
    _LINE_BREAK,
    re.compile(r"(?<=[.!?…][\"”’»)\]])\s|(?<=[.!?…])\s"),
    _WHITESPACE,
)


# --- paragraphs ----------------------------------------------------------------------


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of every line in ``text[start:end]``, without its line break."""
    lines = []
    pos = start
    for match in _LINE_BREAK.finditer(text, start, end):
        lines.append((pos, match.start()))
        pos = match.end()
    lines.append((pos, end))
    return lines


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_wrapped(text: str, blocks: list[list[tuple[int, int]]]) -> bool:
    """Whether lines are hard-wrapped prose (breaks fall mid-sentence), not one per paragraph."""
    breaks = continued = 0
    for block in blocks:
        for (s1, e1), (s2, e2) in zip(block, block[1:]):
            breaks += 1
            line, following = text[s1:e1], text[s2:e2].lstrip()
            if not _SENTENCE_END.search(line) and following[:1].islower():
                continued += 1
    return breaks > 0 and continued * 5 >= breaks * 2


def split_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Segment]:
    """Paragraphs of ``text[start:end]``, trimmed of whitespace, absolute offsets.

    News text comes either as one paragraph per line or as blank-line separated
    blocks; a block of hard-wrapped lines is one paragraph, while a block of lines
    that each end a sentence (or start with a bullet) is one paragraph per line.
    """
    end = len(text) if end is None else end
    blocks: list[list[tuple[int, int]]] = [[]]
    for line in _lines(text, start, end):
        if text[line[0] : line[1]].strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    wrapped = _is_wrapped(text, blocks)
    paragraphs: list[Segment] = []
    for block in blocks:
        if not wrapped:
            pieces = block
        else:
            pieces = []
            previous = None
            for line in block:
                # a bullet, or a first-line indent after an unindented line, starts anew
                new = (
                    previous is None
                    or _BULLET.match(text, line[0], line[1]) is not None
                    or (text[line[0]] in " \t" and text[previous[0]] not in " \t")
                )
                if new:
                    pieces.append(line)
                else:
                    pieces[-1] = (pieces[-1][0], line[1])
                previous = line
        for s, e in pieces:
            s, e = _trim(text, s, e)
            if s < e:
                paragraphs.append(Segment(s, e))
    return paragraphs


def _content_start(text: str, paragraph: Segment) -> int:
    """Where a paragraph's sentences begin: after a bullet marker, if any."""
    match = _BULLET.match(text, paragraph.start, paragraph.end)
    if match is None or match.end() >= paragraph.end:
        return paragraph.start
    return _trim(text, match.end(), paragraph.end)[0]


# --- chunks --------------------------------------------------------------------------


def chunk_ranges(
    text: str, paragraphs: list[Segment], limit: int, piece: int | None = None
) -> list[tuple[int, int]]:
    """Pieces of the body to parse, on paragraph edges: the whole body when it is at
    most ``limit`` characters, else pieces of at most ``piece`` (default ``limit``)."""
    if not paragraphs:
        return []
    if piece is not None and paragraphs[-1].end - paragraphs[0].start > limit:
        limit = min(limit, piece)
    chunks: list[tuple[int, int]] = []
    start = end = paragraphs[0].start
    for paragraph in paragraphs:
        if paragraph.end - start <= limit:
            end = paragraph.end
            continue
        if end > start:
            chunks.append((start, end))
        start, end = paragraph.start, paragraph.end
        while end - start > limit:
            cut = _cut_point(text, start + limit // 2, start + limit)
            piece = _trim(text, start, cut)
            if piece[0] < piece[1]:
                chunks.append(piece)
            start = _trim(text, cut, end)[0]
    if end > start:
        chunks.append((start, end))
    return chunks


def with_context(text: str, chunks: list[tuple[int, int]], context: int) -> list[tuple[int, int, int, int]]:
    """``(doc start, doc end, piece start, piece end)``: each piece widened by up to
    ``context`` characters of the other pieces, to whole words. One piece is parsed as it is."""
    if len(chunks) < 2:
        return [(start, end, start, end) for start, end in chunks]
    first, last = chunks[0][0], chunks[-1][1]
    result = []
    for start, end in chunks:
        lo, hi = start, end
        if start - context <= first:
            lo = first
        else:
            space = _WHITESPACE.search(text, start - context, start)
            if space is not None:
                lo = space.end()
        if end + context >= last:
            hi = last
        else:
            # looked for past the blank lines after the piece: the line break right at
            # its end would otherwise be the last cut found, leaving no context at all
            gap = _WHITESPACE.match(text, end)
            hi = _cut_point(text, end if gap is None else gap.end(), end + context, hard=False)
        result.append((lo, hi, start, end))
    return result


def _cut_point(text: str, lo: int, hi: int, hard: bool = True) -> int:
    """Where to cut a paragraph too long for one piece, in ``(lo, hi]``: the last line
    break, else sentence end, else whitespace in that window; as a last resort ``hi``
    moved back off a combining mark or a joiner, so no character sequence is torn
    (or ``lo`` when not ``hard``: the cut must fall between words)."""
    for pattern in _CUTS:
        last = None
        for last in pattern.finditer(text, lo, hi):
            pass
        if last is not None:
            return last.start()
    if not hard:
        return lo
    cut = hi
    while cut > lo and (unicodedata.combining(text[cut]) or text[cut] in "\u200d\ufe0e\ufe0f" or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut


def batches(pieces: Iterable[tuple[str, object]], count: int, chars: int) -> Iterator[list[tuple[str, object]]]:
    """``(text, context)`` pieces in lists of at most ``count`` pieces and ``chars``
    characters (a single longer piece makes a list of its own)."""
    batch: list[tuple[str, object]] = []
    size = 0
    for piece in pieces:
        if batch and (len(batch) >= count or size + len(piece[0]) > chars):
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece[0])
    if batch:
        yield batch


# --- sentences and spans from docs --------------------------------------------------


def sentences_within(text: str, paragraphs: list[Segment], raw: list[tuple[int, int]]) -> list[Segment]:
    """Cut the parser's sentences at paragraph edges, trim them, glue stray punctuation."""
    result: list[Segment] = []
    p = 0
    n = len(paragraphs)
    last_paragraph = -1
    for s, e in raw:
        while p < n and paragraphs[p].end <= s:
            p += 1
        q = p
        while q < n and paragraphs[q].start < e:
            paragraph = paragraphs[q]
            lo, hi = _trim(text, max(s, _content_start(text, paragraph)), min(e, paragraph.end))
            if lo < hi:
                if _ALNUM.search(text, lo, hi) is None:
                    # a lone quote mark or dash: belongs to the sentence before it
                    if result and last_paragraph == q:
                        result[-1] = Segment(result[-1].start, hi)
                    else:
                        result.append(Segment(lo, hi))
                        last_paragraph = q
                elif result and last_paragraph == q and _ALNUM.search(text, result[-1].start, result[-1].end) is None:
                    result[-1] = Segment(result[-1].start, hi)
                else:
                    result.append(Segment(lo, hi))
                    last_paragraph = q
            q += 1
    return result


#: A span from a piece: (start, end, label, reading or None), article offsets.
RawSpan = tuple[int, int, str, "Reading | None"]


def clip_spans(text: str, paragraphs: list[Segment], raw: list[RawSpan]) -> list[Span]:
    """Spans trimmed and kept inside one paragraph (a name never runs over a break)."""
    spans: list[Span] = []
    p = 0
    n = len(paragraphs)
    for s, e, label, reading in raw:
        while p < n and paragraphs[p].end <= s:
            p += 1
        if p == n:
            break
        lo, hi = _trim(text, max(s, paragraphs[p].start), min(e, paragraphs[p].end))
        if lo < hi and (not spans or lo >= spans[-1].end):
            spans.append(Span(lo, hi, label, kind_of(label), reading))
    return spans
