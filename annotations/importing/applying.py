"""One import record applied to its article: the sentence it matches (by index and
text, then the nearest sentence with the same text, then ignoring whitespace), its
label, check-worthy flag and note, and its spans.

Spans: a record's spans are its sentence's whole span set, so a stored span it lacks
is removed, unless its tool may have lost it (:attr:`ImportRow.span_loss`): then the
removal is held back and counted, and applied only with ``accept_removals``. Offsets a
tool counted in another unit (UTF-16 units, grapheme clusters) are read as ``str``
indices at the sentence (annotations/formats/offsets.py).
"""

from __future__ import annotations

from dataclasses import replace

from corpus.claimants import sentence_attribution
from corpus.model import Analysis, Article, Span

from annotations.anchoring import squash
from annotations.formats import ImportReport, ImportRow, LineError
from annotations.formats.claimant import claimant_mark
from annotations.formats.import_records import ImportOptions
from annotations.formats.offsets import character_offsets, converted
from annotations.store import ArticleAnnotations


def _find_sentence(doc: ArticleAnnotations, article: Article, item: ImportRow) -> int:
    texts = [article.text[s.start : s.end] for s in doc.sentences]
    i = item.sentence_index
    if i is not None and 0 <= i < len(texts) and texts[i] == item.text:
        return i
    near = i if i is not None else 0
    for match in (lambda t: t == item.text, lambda t, key=squash(item.text): squash(t) == key):
        candidates = [j for j, t in enumerate(texts) if match(t)]
        if candidates:
            return min(candidates, key=lambda j: abs(j - near))
    raise LineError(f"sentence not found in article {item.article_id!r} (has its text changed?)")


class Tally:
    """Where one record's changes are counted: its line number, the report, the options."""

    __slots__ = ("number", "report", "options")

    def __init__(self, number: int, report: ImportReport, options: ImportOptions) -> None:
        self.number, self.report, self.options = number, report, options


def apply_record(
    doc: ArticleAnnotations, article: Article, analysis: Analysis, item: ImportRow, tally: Tally
) -> bool:
    """Apply one line; True when the store changed."""
    index = _find_sentence(doc, article, item)
    conversions: list[str] = []
    if item.claimant is not None and item.tool_offsets:  # read in the tool's unit first
        item = _read_claimant_offsets(doc, analysis, index, item, conversions)
    if item.claimant is not None:  # checked before anything changes
        _check_claimant(doc, index, item)
    spans = item.spans
    if spans is not None and item.tool_offsets:
        spans, units = _read_tool_offsets(doc, analysis, index, item)
        conversions.extend(units)
    before = doc.labels.get(index)
    before_spans = doc.span_corrections
    who = item.annotator
    if item.label is not None:
        doc.set_label(index, item.label, annotator=who)
    elif item.clear_label:
        doc.set_label(index, None, annotator=who)
        if before is not None and before.label is not None:
            tally.report.cleared.append(tally.number)
    if item.checkworthy is not None:
        doc.set_checkworthy(index, item.checkworthy, annotator=who)
    if item.note is not None:
        doc.set_note(index, item.note, annotator=who)
    if spans is not None:
        _apply_spans(doc, analysis, index, spans, item, tally)
    if item.claimant is not None:
        _apply_claimant(doc, analysis, index, item)
    for unit in conversions:
        converted(tally.report, tally.number, unit)
    after = doc.labels.get(index)
    if item.updated and after is not None and after != before:
        # The export's time of the label, not the import's (keep_label: no extra undo step).
        doc.keep_label(index, replace(after, updated=item.updated))
    return after != before or doc.span_corrections != before_spans


def _apply_claimant(doc: ArticleAnnotations, analysis: Analysis, index: int, item: ImportRow) -> None:
    """Store who claims sentence ``index`` as the record says, where that differs from
    what is stored (see :func:`~annotations.formats.claimant.claimant_mark`)."""
    assert item.claimant is not None
    seg = doc.sentences[index]
    found = sentence_attribution(analysis.attributions, seg.start, seg.end)
    record = doc.labels.get(index)
    stored = record.attribution if record is not None else ""
    mark = claimant_mark(doc.text, seg.start, seg.end, found, stored, item.claimant)
    if mark is not True:
        doc.set_claimant(index, mark, annotator=item.annotator)


def _check_claimant(doc: ArticleAnnotations, index: int, item: ImportRow) -> None:
    """A record's SOURCE and CUE must lie inside its sentence."""
    assert item.claimant is not None
    length = doc.sentences[index].end - doc.sentences[index].start
    for part in item.claimant:
        if part is not None and not 0 <= part[0] < part[1] <= length:
            raise LineError(f"SOURCE or CUE {part[0]}-{part[1]} is outside the sentence (it has {length} characters)")


def _read_claimant_offsets(
    doc: ArticleAnnotations, analysis: Analysis, index: int, item: ImportRow, units: list[str]
) -> ImportRow:
    """``item`` with its SOURCE and CUE as ``str`` indices into its text, read as its other
    spans are (a tool may count UTF-16 units); the analysis's own source and cue keep
    their place in any unit. The unit of each part counted otherwise goes to ``units``."""
    assert item.claimant is not None
    seg = doc.sentences[index]
    found = sentence_attribution(analysis.attributions, seg.start, seg.end)
    known = {
        (part[0] - seg.start, part[1] - seg.start)
        for part in ((found.source, found.cue) if found is not None else ())
        if part is not None and seg.start <= part[0] and part[1] <= seg.end
    }
    parts = []
    for part, said in zip(item.claimant, item.claimant_texts):
        if part is None:
            parts.append(None)
            continue
        start, end, unit = character_offsets(item.text, *part, said=said or None, known=known, tool="the file")
        parts.append((start, end))
        if unit:
            units.append(unit)
    return replace(item, claimant=type(item.claimant)(*parts))


def _read_tool_offsets(
    doc: ArticleAnnotations, analysis: Analysis, index: int, item: ImportRow
) -> tuple[tuple[tuple[int, int, str], ...], list[str]]:
    """``item``'s spans as ``str`` indices into its text, and the unit of each one that a
    tool counted otherwise (UTF-16 units, grapheme clusters). A span already stored,
    read in any unit, keeps its place (see :func:`character_offsets`)."""
    seg = doc.sentences[index]
    known = {
        (s.start - seg.start, s.end - seg.start)
        for s in doc.spans(analysis.spans)
        if s.start >= seg.start and s.end <= seg.end
    }
    out, units = [], []
    assert item.spans is not None
    for (start, end, label), said in zip(item.spans, item.span_texts):
        s, e, unit = character_offsets(item.text, start, end, said=said or None, known=known, tool="the file")
        out.append((s, e, label))
        if unit:
            units.append(unit)
    return tuple(out), units


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _apply_spans(
    doc: ArticleAnnotations,
    analysis: Analysis,
    index: int,
    spans: tuple[tuple[int, int, str], ...],
    item: ImportRow,
    tally: Tally,
) -> None:
    """Make the corrected spans inside sentence ``index`` equal ``spans`` (sentence offsets).

    A stored span missing from ``spans`` is removed, unless the record's tool may have
    lost it (``item.span_loss``): a span its export left out stays; one it could not hold
    (overlapping another, or any span where the record holds none) is held back and
    counted, and removed only with ``--accept-removals``.
    """
    seg = doc.sentences[index]
    who, loss, report = item.annotator, item.span_loss, tally.report
    wanted = {(seg.start + s, seg.start + e): label for s, e, label in spans}
    current: dict[tuple[int, int], Span] = {
        (s.start, s.end): s
        for s in doc.spans(analysis.spans)
        if s.start >= seg.start and s.end <= seg.end
    }
    everything = set(current) | set(wanted)
    for key, span in current.items():
        if key not in wanted:
            if "blank" in loss and not doc.text[key[0] : key[1]].strip():
                continue  # never exported: nothing to tell about it
            lossy = [
                why for why in loss
                if why == "all" or (why == "overlaps" and any(_overlap(key, o) for o in everything if o != key))
            ]
            if lossy and not tally.options.accept_removals:
                report.held.append(tally.number)
                report.held_why.update(lossy)
                continue
            doc.remove_span(*key, annotator=who)
            report.spans_removed += 1
        elif wanted[key] != span.label:
            doc.relabel_span(*key, wanted[key], annotator=who)
            report.spans_relabelled += 1
    for key, label in wanted.items():
        if key not in current:
            doc.add_span(*key, label, annotator=who)
            report.spans_added += 1
