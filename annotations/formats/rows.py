"""The records that cross between the store and the formats.

Export: :func:`collect_rows` turns the store plus the corpus analyses into
:class:`ExportRow` records (one per sentence, spans already corrected and made
relative to the sentence). Import: a format's reader turns a file into
:class:`ImportRow` records, rejecting bad lines into an :class:`ImportReport`.
"""

from __future__ import annotations

import heapq
import json
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

from corpus.model import Analysis, Article, Reading, Segment, Span
from corpus.readings import read_span

from annotations.stats import corrupt_message
from annotations.store import PlacedLabels, Store

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

    def reading(self, span: RowSpan) -> Reading | None:
        """The reading of one of this row's ``spans`` (None: not a figure, or no value)."""
        start, end, label = span
        return self.readings.get((self.start + start, self.start + end, label))

    @property
    def spans_reviewed(self) -> bool:
        """A person looked at this sentence's spans: it has a label or a span correction.
        The model's spans on other sentences are guesses, not gold."""
        return self.label is not None or self.corrected

    def meta(self) -> dict[str, Any]:
        """The row's provenance, as carried in the ``meta`` of the JSONL formats."""
        from annotations.formats.jsonl import meta_json

        return json.loads(meta_json(self))


_new_row = tuple.__new__


def collect_rows(
    store: Store,
    items: Iterable[tuple[Article, Analysis]],
    *,
    label: str | None = None,
    annotator: str | None = None,
    include_unreviewed: bool = False,
    problems: list[str] | None = None,
    gold: bool = False,
    agreed: bool = False,
    withheld: Withheld | None = None,
) -> Iterator[ExportRow]:
    """The rows to export, article by article, sentence by sentence.

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
            fixes = _chosen_corrections(
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


def gold_records(
    decided: dict[int, dict[str, Any]],
    labels: list[dict[int, dict[str, Any]]],
    *,
    least: int = 2,
) -> tuple[dict[int, dict[str, Any]], dict[int, int | None]]:
    """Sentence index -> the gold record, and sentence index -> the position in
    ``labels`` of the shard whose spans go with it (None: the gold shard's own).

    The gold record is the adjudicated one, else (``least`` or more annotators gave the
    same label, none another) a record of that label by all of them. Either way it
    keeps the annotators' check-worthy marks (any one) and notes (see :func:`merged`).
    """
    out: dict[int, dict[str, Any]] = {}
    sources: dict[int, int | None] = {}
    indices = set().union(*labels) if labels else set()
    for index in sorted(indices | decided.keys()):
        given = [
            (n, r[index]) for n, r in enumerate(labels)
            if index in r and r[index].get("label") is not None
        ]
        record = decided.get(index)
        if record is not None:
            out[index] = merged(record, [r for _, r in given], str(record.get("annotator") or ""))
            sources[index] = None
            continue
        names = {r.get("label") for _, r in given}
        if len(given) < least or len(names) != 1:
            continue
        who = "+".join(sorted(str(r.get("annotator") or "") for _, r in given))
        out[index] = merged(given[0][1], [r for _, r in given], who)
        out[index]["updated"] = max(str(r.get("updated") or "") for _, r in given)
        sources[index] = given[0][0]
    return out, sources


def merged(base: dict[str, Any], given: list[dict[str, Any]], annotator: str) -> dict[str, Any]:
    """``base`` as the record of ``annotator``, with the marks and notes of ``given``.

    Check-worthy when ``base`` or any of ``given`` is. The note: ``base``'s own, then
    each annotator's as ``NAME: NOTE`` on a line of its own (just the note when the
    row is that one annotator's).
    """
    notes = [str(base.get("note") or "")] if base.get("note") and base not in given else []
    for record in given:
        note = str(record.get("note") or "")
        if not note:
            continue
        author = str(record.get("annotator") or "")
        notes.append(note if author == annotator else f"{author}: {note}")
    return {
        **base,
        "annotator": annotator,
        "checkworthy": bool(base.get("checkworthy")) or any(bool(r.get("checkworthy")) for r in given),
        "note": "\n".join(notes),
    }


@dataclass(slots=True)
class Withheld:
    """What a one-label-per-sentence export left out: sentences whose annotators gave
    different labels and that nobody adjudicated (``where``: ``ARTICLE#INDEX`` of each)."""

    disagreements: int = 0
    where: list[str] = field(default_factory=list)

    def count(
        self, article_id: str, decided: Mapping[int, Any], labels: list[dict[int, dict[str, Any]]]
    ) -> None:
        """Count the undecided disagreements of one article."""
        indices = set().union(*labels) if labels else set()
        for index in sorted(indices - decided.keys()):
            names = {r[index].get("label") for r in labels if index in r} - {None}
            if len(names) > 1:
                self.disagreements += 1
                self.where.append(f"{article_id}#{index}")

    def message(self) -> str | None:
        """One line for the export's summary; None when nothing was left out."""
        n = self.disagreements
        if not n:
            return None
        shown = ", ".join(self.where[:5]) + (" ..." if n > 5 else "")
        return (
            f"left out {n} sentence{'s' if n != 1 else ''} where the annotators disagree and "
            f"no gold label was decided ({shown}); adjudicate them, or export one annotator "
            "with --annotator NAME"
        )


def _chosen_corrections(
    records: Mapping[int, Any],
    sources: Mapping[int, int | None],
    decided: PlacedLabels,
    placed_all: list[PlacedLabels],
    sentences: Sequence[Segment],
) -> dict[tuple[int, int], Any]:
    """The span corrections that go with each chosen sentence: the adjudicator's where
    the gold shard corrected spans inside it, else those of the shard its label came
    from (the first of the annotators who agree)."""
    if not records:
        return {}
    out: dict[tuple[int, int], Any] = {}
    keys: dict[int, list[tuple[int, int]]] = {}  # id(pool) -> its ranges, sorted

    def inside(pool: dict[tuple[int, int], Any], start: int, end: int) -> list[tuple[int, int]]:
        ranges = keys.get(id(pool))
        if ranges is None:
            ranges = keys[id(pool)] = sorted(pool)
        at, found = bisect_right(ranges, (start, -1)), []
        while at < len(ranges) and ranges[at][0] < end:
            if ranges[at][1] <= end:
                found.append(ranges[at])
            at += 1
        return found

    for index in records:
        if index >= len(sentences):
            continue
        seg = sentences[index]
        source = sources.get(index)
        pools = [decided.corrections] if source is None else []
        if source is not None and source < len(placed_all):
            pools.append(placed_all[source].corrections)
        elif source is None and placed_all:
            # adjudicated: the gold shard's corrections, else the first labeller's
            first = next(
                (n for n, p in enumerate(placed_all) if p.records.get(index, {}).get("label") is not None), 0
            )
            pools.append(placed_all[first].corrections)
        for pool in pools:
            found = inside(pool, seg.start, seg.end) if pool else []
            if found:
                out.update((k, pool[k]) for k in found)
                break
    return out


def _article_rows(
    article: Article,
    analysis: Analysis,
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
    shown = placed.spans(analysis.spans)
    keyed = sorted([(s.start, -s.end, s.label) for s in shown])
    readings = _readings(article.text, shown, placed.corrections)
    spans = [(s, -e, n) for s, e, n in keyed]
    span_starts = [s for s, _, _ in keyed]
    # Where the person's span corrections are; a sentence holding one is reviewed.
    fixed = sorted(placed.corrections)
    text, article_id, title = article.text, article.id, article.title
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
        lo, hi = bisect_right(span_starts, a - 1), bisect_right(span_starts, b - 1)
        inside = tuple([(s - a, e - a, n) for s, e, n in spans[lo:hi] if e <= b]) if lo < hi else ()
        corrected = bool(fixed) and _holds(fixed, a, b)
        if record is None:
            yield _new_row(
                ExportRow,
                (article_id, title, index, a, b, text[a:b], None, False, "", "", "", inside, corrected, readings, ""),
            )
            continue
        yield _new_row(
            ExportRow,
            (
                article_id,
                title,
                index,
                a,
                b,
                text[a:b],
                None if name is None else str(name),
                bool(record.get("checkworthy")),
                str(record.get("note") or ""),
                str(record.get("annotator") or ""),
                str(record.get("updated") or ""),
                inside,
                corrected,
                readings,
                str(record.get("source") or ""),
            ),
        )


def _readings(
    text: str, spans: Iterable[Span], corrections: Mapping[tuple[int, int], object]
) -> dict[tuple[int, int, str], Reading]:
    """The readings of an article's shown spans: the analysis's own, and for a span a
    person added or relabelled, one read from the text (no parse, so no counted noun)."""
    out: dict[tuple[int, int, str], Reading] = {}
    for span in spans:
        reading = span.reading
        if (span.start, span.end) in corrections and span.kind == "figure":
            reading = read_span(text, span.start, span.end, span.label)
        if reading is not None:
            out[(span.start, span.end, span.label)] = reading
    return out


def _holds(ranges: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether a ``(start, end)`` of the sorted ``ranges`` lies inside ``[a, b]``."""
    at = bisect_right(ranges, (a, -1))
    while at < len(ranges) and ranges[at][0] < b:
        if ranges[at][1] <= b:
            return True
        at += 1
    return False


def overlapping(rows: Iterable[ExportRow]) -> int:
    """How many spans share a character with another span of their sentence."""
    count = 0
    for row in rows:
        spans = row.spans
        if len(spans) < 2:
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


class LineError(Exception):
    """One bad input line; the message is shown after ``line N: ``."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user said about an import: names for a tool's bare user ids
    (``--users``), and whether removals a lossy format may have caused are applied
    (``--accept-removals``)."""

    users: Mapping[str, str] = field(default_factory=dict)
    accept_removals: bool = False


#: Why a record's missing spans may not be removals (see :attr:`ImportRow.span_loss`).
SPAN_LOSS = {
    "overlaps": "the tool cannot hold overlapping spans (doccano without \"Allow overlapping "
    "spans\", Prodigy's ner.manual) and may have dropped one of two",
    "all": "the annotation holds no spans at all, so the file cannot tell spans taken off "
    "from spans its project never showed",
}


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts, and one message per rejected line (or skipped article)."""

    lines: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, with a change worth knowing
    spans_added: int = 0
    spans_removed: int = 0
    spans_relabelled: int = 0
    #: Line numbers of the labels a record took off (one per label).
    cleared: list[int] = field(default_factory=list)
    #: Line numbers of span removals not applied (one per span), and why (SPAN_LOSS keys).
    held: list[int] = field(default_factory=list)
    held_why: set[str] = field(default_factory=set)
    #: Line numbers of spans whose offsets the tool counted in another unit, by the unit
    #: as said to the user (see :func:`annotations.formats.offsets.converted`).
    converted: dict[str, list[int]] = field(default_factory=dict)
    #: Label Studio user ids imported as "label-studio user N" (no name for them).
    unnamed_users: set[str] = field(default_factory=set)

    def reject(self, number: int, message: str) -> None:
        """Line ``number`` is not imported, because of ``message``."""
        self.rejected += 1
        self.errors.append(f"line {number}: {message}")

    def summary(self) -> str:
        """The one-line summary: records, then spans and cleared labels."""
        line = (
            f"{self.lines} lines: {self.imported} imported, {self.unchanged} unchanged, "
            f"{self.rejected} rejected; spans: {self.spans_added} added, {self.spans_removed} removed"
        )
        if self.spans_relabelled:
            line += f", {self.spans_relabelled} relabelled"
        if self.held:
            line += f", {_count(len(self.held), 'removal')} held back"
        if self.cleared:
            line += f"; {_count(len(self.cleared), 'label')} cleared"
        return line

    def notes(self) -> list[str]:
        """Lines to show after the summary: what was held back and how to apply it, what was
        cleared, which offsets were converted, which users have no name."""
        out: list[str] = []
        if self.held:
            why = "; ".join(SPAN_LOSS[k] for k in sorted(self.held_why))
            out.append(
                f"{_count(len(self.held), 'span removal')} held back ({_lines(self.held)}): {why}; "
                "to remove them, import the file again with --accept-removals"
            )
        if self.cleared:
            out.append(
                f"{_count(len(self.cleared), 'label')} cleared, taken off in the file "
                f"({_lines(self.cleared)})"
            )
        for unit, numbers in sorted(self.converted.items()):
            out.append(
                f"{_count(len(numbers), 'span')} counted in {unit}, read as characters "
                f"({_lines(numbers)})"
            )
        if self.unnamed_users:
            ids = sorted(self.unnamed_users, key=lambda x: (len(x), x))
            out.append(
                f"Label Studio user{'s' if len(ids) > 1 else ''} {', '.join(ids)} imported as "
                f"'label-studio user N'; name them with --users {ids[0]}=NAME,..."
            )
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _lines(numbers: list[int]) -> str:
    """``line 4`` or ``lines 2, 5, 9`` (the first ten, then how many more)."""
    unique = sorted(set(numbers))
    shown = ", ".join(map(str, unique[:10])) + (f" and {len(unique) - 10} more" if len(unique) > 10 else "")
    return f"line{'s' if len(unique) > 1 else ''} {shown}"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One record of an import file, before it is matched to a sentence."""

    article_id: str
    sentence_index: int | None
    text: str
    label: str | None  # None: leave the stored label alone
    spans: tuple[tuple[int, int, str], ...] | None  # None: leave spans alone
    annotator: str | None
    checkworthy: bool | None
    note: str | None
    updated: str | None = None  # when the label was made (CSV); None: now
    #: The record takes the label off (``label`` is then None): doccano's ``"label": []``.
    clear_label: bool = False
    #: What the record's tool may have lost, so that a span missing from ``spans`` is not
    #: surely a removal: ``"overlaps"`` (it cannot hold overlapping spans), ``"all"`` (it
    #: carried no spans at all), ``"blank"`` (the export left out spans over white space).
    span_loss: tuple[str, ...] = ()
    #: ``spans`` are offsets as the tool stored them, maybe UTF-16 units or grapheme
    #: clusters: read against the sentence when it is found (annotations/formats/offsets.py).
    tool_offsets: bool = False
    #: With ``tool_offsets``: the text each span says it holds (None: not said).
    span_texts: tuple[str | None, ...] = ()

    @classmethod
    def from_meta(
        cls,
        *,
        article_id: str,
        sentence_index: int | None,
        text: str,
        label: str | None,
        spans: tuple[tuple[int, int, str], ...] | None,
        meta: dict[str, Any],
        annotator: Any,
        **extra: Any,
    ) -> ImportRow:
        """A record from a JSON line: ``meta``'s check-worthy flag and note, and the
        annotator, are kept only when they have the right type (a file may hold anything)."""
        checkworthy, note = meta.get("checkworthy"), meta.get("note")
        return cls(
            article_id=article_id,
            sentence_index=sentence_index,
            text=text,
            label=label,
            spans=spans,
            annotator=annotator if isinstance(annotator, str) and annotator else None,
            checkworthy=checkworthy if isinstance(checkworthy, bool) else None,
            note=note if isinstance(note, str) else None,
            **extra,
        )
