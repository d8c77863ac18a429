"""Spans the figure layer joins after merging: ``from X to Y`` and spans of years.

Two figures said as ``from $1,200 to $950`` become one span (its reading, a change or a
range, is made in ``corpus/readings.py``); a date ending in a year takes in the year
that closes a span of years (``between 1998 and 2004``). Spans are the figure layer's
``Found`` records (any ``NamedTuple`` with ``start``, ``end`` and ``label``).
"""

from __future__ import annotations

import re
from typing import TypeVar

from corpus.figure_patterns import ENDS, FROM_BEFORE, TO_BETWEEN, YEAR, YEAR_AFTER

S = TypeVar("S")


def from_to(text: str, spans: list[S]) -> list[S]:
    """Two figures said as ``from X to Y`` become one span (the change or range from X to Y)."""
    merged: list[S] = []
    k = 0
    while k < len(spans):
        span = spans[k]
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        if (
            nxt is not None
            and span.label in ENDS
            and nxt.label in ENDS
            and TO_BETWEEN.fullmatch(text, span.end, nxt.start)
        ):
            before = FROM_BEFORE.search(text, max(0, span.start - 8), span.start)
            if before is not None and (not merged or merged[-1].end <= before.start()):
                label = nxt.label if nxt.label != "CARDINAL" else span.label
                merged.append(span._replace(start=before.start(), end=nxt.end, label=label))
                k += 2
                continue
        merged.append(span)
        k += 1
    return merged


def second_years(text: str, spans: list[S]) -> list[S]:
    """A date span ending in a year takes in the year that closes its span of years
    (``between 1998 and 2004``, ``from 2010 to 2015``), when nothing else stands there."""
    for k, span in enumerate(spans):
        if span.label != "DATE" or not YEAR.search(text, max(span.start, span.end - 4), span.end):
            continue
        match = YEAR_AFTER.match(text, span.end)
        if match is None or (k + 1 < len(spans) and spans[k + 1].start < match.end()):
            continue
        if not re.search(r"\b(?:between|from|in|since)\s+(?:\S+\s+){0,2}\S*$", text[max(0, span.start - 12) : span.end], re.I):
            continue
        spans[k] = span._replace(end=match.end())
    return spans
