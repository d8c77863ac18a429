"""The export row: one sentence as every format writer reads it (:class:`ExportRow`),
and :func:`overlapping`, the count of its spans that overlap.

The rows are made by :func:`annotations.formats.collect.collect_rows`; an import's
records are in :mod:`annotations.formats.import_records`.
"""

from __future__ import annotations

from typing import Iterable, Mapping, NamedTuple

from corpus.model import Reading

from annotations.formats.claimant import RowClaimant

#: A span inside a sentence: ``(start, end, label)``, offsets into the sentence text.
RowSpan = tuple[int, int, str]


class ExportRow(NamedTuple):
    """One sentence to export. ``start``/``end`` locate it in the article text;
    ``spans`` are ``(start, end, label)`` relative to the sentence ``text``.

    A named tuple: export makes 100,000 of them and a tuple is the cheapest record
    Python builds (``collect_rows`` makes them with ``tuple.__new__``).
    """

    article_id: str
    title: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str | None
    checkworthy: bool
    note: str
    annotator: str
    updated: str
    spans: tuple[RowSpan, ...] = ()
    #: A person corrected a span inside this sentence (its spans are reviewed even
    #: without a sentence label; see :attr:`spans_reviewed`).
    corrected: bool = False
    #: The article's figure readings by ``(start, end, label)`` in article offsets:
    #: one mapping shared by every row of the article (see :meth:`reading`).
    readings: Mapping[tuple[int, int, str], Reading] = {}
    #: "suggestion" when the label is an accepted claim suggestion, else "".
    source: str = ""
    #: The annotator's correction of who claims the sentence (``SentenceLabel.attribution``:
    #: "", "outlet" or source and cue offsets from the sentence's start).
    attribution: str = ""
    #: Who claims the sentence as the exports write it (the correction applied; see
    #: :mod:`annotations.formats.claimant`); None: not known (rows made elsewhere).
    claimant: RowClaimant | None = None

    def reading(self, span: RowSpan) -> Reading | None:
        """The reading of one of this row's ``spans`` (None: not a figure, or no value)."""
        start, end, label = span
        return self.readings.get((self.start + start, self.start + end, label))

    @property
    def spans_reviewed(self) -> bool:
        """A person looked at this sentence's spans: it has a label or a span correction.
        The model's spans on other sentences are guesses, not gold."""
        return self.label is not None or self.corrected


def overlapping(rows: Iterable[ExportRow]) -> int:
    """How many spans share a character with another span of their sentence."""
    count = 0
    for row in rows:
        spans = row.spans
        if len(spans) < 2:
            continue
        end = spans[0][0]
        for start, stop, _ in spans:
            if start < end:
                break
            end = stop
        else:  # each ends before the next starts: none overlaps
            continue
        # Spans come sorted by start: one overlaps an earlier one when it starts
        # before the furthest end so far; that earlier one is marked too.
        marked = [False] * len(spans)
        furthest, owner = spans[0][1], 0
        for i in range(1, len(spans)):
            start, end, _ = spans[i]
            if start < furthest:
                marked[i] = marked[owner] = True
            if end > furthest:
                furthest, owner = end, i
        count += sum(marked)
    return count
