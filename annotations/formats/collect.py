"""From the store to the export rows: :func:`collect_rows` turns the store plus the
corpus analyses into :class:`~annotations.formats.rows.ExportRow` records (one per
sentence, spans already corrected and made relative to the sentence), every
annotator's rows side by side, or one row per sentence (``gold``, ``agreed``) chosen
by :mod:`annotations.formats.gold`.
"""

from __future__ import annotations

import heapq
import sys
from bisect import bisect_right
from typing import Any, Iterable, Iterator, Mapping

from corpus.claimants import claimant_of, sentence_attributions
from corpus.collector_pause import paused_throughout
from corpus.model import Analysis, Article, Attribution, Reading, SpanColumns, SpanRow, Segment, kind_of
from corpus.readings import read_span

from annotations.formats.claimant import FOUND, NOBODY, RowClaimant, row_claimant
from annotations.formats.gold import Withheld, chosen_corrections, gold_records
from annotations.formats.rows import ExportRow
from annotations.model import SpanCorrection
from annotations.stats import corrupt_message
from annotations.store import PlacedLabels, Store

_new_row = tuple.__new__


@paused_throughout
def collect_rows(
    store: Store,
    items: Iterable[tuple[Article, Analysis | SpanColumns]],
    *,
    label: str | None = None,
    annotator: str | None = None,
    include_unreviewed: bool = False,
    problems: list[str] | None = None,
    gold: bool = False,
    agreed: bool = False,
    withheld: Withheld | None = None,
) -> Iterator[ExportRow]:
    """The rows to export, article by article, sentence by sentence, made with the
    cyclic garbage collector paused until the last row (see :mod:`corpus.collector_pause`).

    Without ``include_unreviewed`` only sentences with a label are exported.
    ``label`` and ``annotator`` filter (an unknown label raises
    :class:`~annotations.errors.UnknownLabelError`). Unreadable store files and
    orphaned labels, which cannot be exported, are described in ``problems``.
    Every annotator's label is a row of its own (by sentence, then annotator), so a
    store with one annotator exports as before. ``gold=True`` exports one row per
    sentence instead: the adjudicated label, else the label every annotator gave
    when at least two labelled it alike (see :func:`gold_records`).

    ``agreed=True`` (the training formats) also exports one row per sentence when the
    store has more than one annotator: the adjudicated label, else the label of
    everyone who labelled the sentence when they agree (one annotator alone counts).
    A sentence whose annotators disagree and that nobody adjudicated is left out and
    counted in ``withheld``. With one annotator the rows are that annotator's, as before.
    In both modes a row merged from several annotators keeps their check-worthy marks
    (any one is enough) and their notes, each after its author's name.
    """
    if label is not None:
        store.scheme.require(label)
    shards = store.shards()
    agreed = agreed and not gold and annotator is None and len(shards) > 1
    gold_shard = store.gold() if gold or agreed else None
    for article, analysis in items:
        placed_all = [shard.placed_labels(article, analysis.sentences) for shard in shards]
        if problems is not None:
            for placed in placed_all:
                if placed.error:
                    problems.append(corrupt_message(article.id, placed.error, "its labels are not exported"))
                if placed.orphans:
                    problems.append(
                        f"{article.id}: {placed.orphans} orphaned label(s) (their sentence "
                        "changed) not exported"
                    )
        if gold_shard is not None:
            decided = gold_shard.placed_labels(article, analysis.sentences)
            given = [p.records for p in placed_all]
            records, sources = gold_records(decided.records, given, least=1 if agreed else 2)
            if withheld is not None:
                withheld.count(article.id, decided.records, given)
            cut = placed_all[0].sentences if placed_all else None
            fixes = chosen_corrections(
                records, sources, decided, placed_all, cut if cut is not None else analysis.sentences
            )
            # A sentence somebody labelled is not unreviewed, chosen or not.
            yield from _article_rows(
                article, analysis, PlacedLabels(records, fixes, sentences=cut), label, annotator,
                include_unreviewed, set().union(*given) if given else None,
            )
            continue
        if not placed_all:
            placed_all = [PlacedLabels({}, {})]
        if len(placed_all) == 1:
            yield from _article_rows(
                article, analysis, placed_all[0], label, annotator, include_unreviewed, None
            )
            continue
        labelled = set().union(*(p.records for p in placed_all))
        per_shard = [
            _article_rows(
                article, analysis, placed, label, annotator, include_unreviewed,
                labelled if n == 0 else _EVERY_SENTENCE,
            )
            for n, placed in enumerate(placed_all)
        ]
        # Shards come sorted by annotator; a stable merge by sentence keeps that order.
        yield from heapq.merge(*per_shard, key=_sentence_of)


class _Every:
    """Holds every sentence index: the other shards leave unreviewed rows to the first."""

    def __contains__(self, index: object) -> bool:
        return True


_EVERY_SENTENCE: Any = _Every()


def _sentence_of(row: ExportRow) -> int:
    return row.sentence_index


def _article_rows(
    article: Article,
    analysis: Analysis | SpanColumns,
    placed: PlacedLabels,
    label: str | None,
    annotator: str | None,
    include_unreviewed: bool,
    labelled_elsewhere: set[int] | None,
) -> Iterator[ExportRow]:
    """The rows of one article from one shard's ``placed`` labels; unreviewed sentences
    (with ``include_unreviewed``) only where no shard in ``labelled_elsewhere`` has one."""
    filtered = label is not None or annotator is not None
    records = placed.records
    if not records and (filtered or not include_unreviewed):
        return
    # the corrected sentences when a person merged or split some (annotations/boundaries.py)
    sentences = placed.sentences if placed.sentences is not None else analysis.sentences
    # (start, -end, label) sorts by start, longest first, without a key function.
    if not placed.corrections and type(analysis) is SpanColumns:
        keyed, readings = analysis.sorted_spans()  # the same, straight from the cache's columns
    else:
        shown = _shown(analysis.span_rows(), placed.corrections)
        keyed = sorted([(s, -e, n) for s, e, n, _ in shown])
        readings = _readings(article.text, shown, placed.corrections)
    span_starts = [s for s, _, _ in keyed]
    # Where the person's span corrections are; a sentence holding one is reviewed.
    fixed = sorted(placed.corrections)
    text, article_id, title = article.text, article.id, article.title
    claimants = _Claimants(text, sentences, analysis.attributions)
    # Per row, what 100,000 rows would otherwise repeat: the claimant of a sentence
    # nobody is found saying and nobody corrected, and the spans' search.
    nobody = claimants.found is None
    last = len(span_starts)
    # One string object per label or annotator name, however many records hold it:
    # 100,000 rows otherwise keep 200,000 copies from the store files alive.
    intern = sys.intern
    for index in range(len(sentences)) if include_unreviewed else sorted(records):
        record = records.get(index)
        if record is None:
            if filtered or (labelled_elsewhere is not None and index in labelled_elsewhere):
                continue
            name = None
        else:
            name = record.get("label")
            if name is None and not include_unreviewed:
                continue
            if filtered and (
                (label is not None and name != label)
                or (annotator is not None and record.get("annotator") != annotator)
            ):
                continue
        seg = sentences[index]
        a, b = seg.start, seg.end
        lo = bisect_right(span_starts, a - 1)
        if lo < last and span_starts[lo] < b:
            hi = bisect_right(span_starts, b - 1, lo)
            inside = tuple([(s - a, -less - a, n) for s, less, n in keyed[lo:hi] if -less <= b])
        else:
            inside = ()
        corrected = bool(fixed) and _holds(fixed, a, b)
        if record is None:
            yield _new_row(
                ExportRow,
                (
                    article_id, title, index, a, b, text[a:b], None, False, "", "", "", inside, corrected,
                    readings, "", "", NOBODY if nobody else claimants.of(index, ""),
                ),
            )
            continue
        mark = record.get("attribution") or ""
        if type(mark) is not str:
            mark = str(mark)
        annotated = record.get("annotator") or ""
        yield _new_row(
            ExportRow,
            (
                article_id,
                title,
                index,
                a,
                b,
                text[a:b],
                None if name is None else intern(name if type(name) is str else str(name)),
                bool(record.get("checkworthy")),
                str(record.get("note") or ""),
                intern(annotated if type(annotated) is str else str(annotated)),
                str(record.get("updated") or ""),
                inside,
                corrected,
                readings,
                str(record.get("source") or ""),
                mark,
                NOBODY if nobody and not mark else claimants.of(index, mark),
            ),
        )


class _Claimants:
    """The :class:`RowClaimant` of each sentence of one article: the analysis's
    attributions matched to the sentences once, a sentence's claimant made once and
    shared by the rows of every annotator who left it uncorrected."""

    __slots__ = ("text", "sentences", "found", "made")

    def __init__(self, text: str, sentences: tuple[Segment, ...], attributions: tuple[Attribution, ...]) -> None:
        self.text, self.sentences = text, sentences
        self.found = sentence_attributions(attributions, sentences) if attributions else None
        self.made: dict[int, RowClaimant] = {}

    def of(self, index: int, mark: str) -> RowClaimant:
        """Sentence ``index``'s claimant with the stored correction ``mark`` ("": none)."""
        found = self.found
        if found is None and not mark:
            return NOBODY
        if not mark:
            made = self.made.get(index)
            if made is None:
                made = self.made[index] = self._make(index, "")
            return made
        return self._make(index, mark)

    def _make(self, index: int, mark: str) -> RowClaimant:
        seg = self.sentences[index]
        found = self.found[index] if self.found is not None else None
        if mark or found is None:
            return row_claimant(self.text, seg.start, seg.end, found, mark)
        # row_claimant without a correction, inline: 100,000 rows call it
        a, b = seg.start, seg.end
        source, cue = found.source, found.cue
        return RowClaimant(
            FOUND,
            claimant_of(self.text, found),
            (source[0] - a, source[1] - a) if source is not None and a <= source[0] < source[1] <= b else None,
            (cue[0] - a, cue[1] - a) if a <= cue[0] < cue[1] <= b else None,
        )


def _shown(rows: list[SpanRow], corrections: Mapping[tuple[int, int], SpanCorrection]) -> list[SpanRow]:
    """The model's span ``rows`` with a person's ``corrections`` applied, as
    :func:`~annotations.store.reading.apply_corrections` does with ``Span`` records."""
    if not corrections:
        return rows
    out = [row for row in rows if (row[0], row[1]) not in corrections]
    out.extend((c.start, c.end, c.label, None) for c in corrections.values() if c.action != "remove")
    out.sort(key=lambda row: (row[0], -row[1]))
    return out


def _readings(
    text: str, spans: Iterable[SpanRow], corrections: Mapping[tuple[int, int], object]
) -> dict[tuple[int, int, str], Reading]:
    """The readings of an article's shown spans: the analysis's own, and for a span a
    person added or relabelled, one read from the text (no parse, so no counted noun)."""
    out: dict[tuple[int, int, str], Reading] = {}
    for start, end, label, reading in spans:
        if (start, end) in corrections and kind_of(label) == "figure":
            reading = read_span(text, start, end, label)
        if reading is not None:
            out[(start, end, label)] = reading
    return out


def _holds(ranges: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether a ``(start, end)`` of the sorted ``ranges`` lies inside ``[a, b]``."""
    at = bisect_right(ranges, (a, -1))
    while at < len(ranges) and ranges[at][0] < b:
        if ranges[at][1] <= b:
            return True
        at += 1
    return False
