"""The corpus-wide figures table: every figure and stated duration with its reading and sentence.

What ``claimscope figures`` prints and the app's figures view shows: ``figure_rows``
over analysed articles, ``select_rows`` to filter by unit or counted noun and sort.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

from corpus.model import Analysis, Article, Reading

@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure of a corpus with its reading and the sentence it stands in."""

    article_id: str
    start: int
    end: int
    text: str
    label: str
    reading: Reading | None
    sentence: str

def figure_rows(pairs: Iterable[tuple[Article, Analysis]]) -> list[FigureRow]:
    """Every figure span of the analysed articles, and every duration (a date span read as
    a length of time, ``180 days``), in article and text order."""
    rows: list[FigureRow] = []
    for article, analysis in pairs:
        text = article.text
        sentences = analysis.sentences
        starts = [s.start for s in sentences]
        for span in analysis.spans:
            if span.kind != "figure" and not _stated_duration(span.reading):
                continue
            k = bisect_right(starts, span.start) - 1
            inside = k >= 0 and sentences[k].end >= span.end
            sentence = text[sentences[k].start : sentences[k].end] if inside else text[span.start : span.end]
            rows.append(
                FigureRow(article.id, span.start, span.end, text[span.start : span.end], span.label, span.reading, sentence)
            )
    return rows

def _stated_duration(reading: Reading | None) -> bool:
    """A duration with one value (``180 days``); ``several months`` is too vague to list."""
    return reading is not None and reading.shape == "duration" and not isinstance(reading.value, tuple)

def select_rows(
    rows: Iterable[FigureRow], unit: str | None = None, counted: str | None = None, sort: str | None = None
) -> list[FigureRow]:
    """Rows with exactly ``unit`` and ``counted`` containing the given text (any case),
    sorted by ``value`` (ranges by their low end; no value last), ``unit`` or ``article``."""
    chosen = [
        row
        for row in rows
        if (unit is None or (row.reading is not None and (row.reading.unit or "").lower() == unit.lower()))
        and (counted is None or (row.reading is not None and counted.lower() in (row.reading.counted or "").lower()))
    ]
    if sort == "value":
        chosen.sort(key=lambda row: (_sort_value(row) is None, _sort_value(row) or 0))
    elif sort == "unit":
        chosen.sort(key=lambda row: ((row.reading and row.reading.unit) is None, (row.reading and row.reading.unit) or ""))
    elif sort == "article":
        chosen.sort(key=lambda row: (row.article_id, row.start))
    return chosen

def _sort_value(row: FigureRow) -> float | None:
    if row.reading is None or row.reading.value is None:
        return None
    value = row.reading.value
    return float(value[0] if isinstance(value, tuple) else value)
