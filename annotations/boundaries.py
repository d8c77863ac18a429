"""Sentence boundary corrections: a person merges two sentences (``m``) or splits one (``S``).

A correction names one boundary, the cut between two pieces of text:
``text[start:first_end]`` (``first``) and ``text[second_start:end]`` (``second``),
with only whitespace between. ``merge`` says there is no sentence boundary at the
cut, ``split`` says there is one. One article has at most one correction per cut,
so splitting where a merge was (or merging where a split was) just drops that
correction. Applied to the model's sentences they give the corrected sentence list
that the app, the store and every export index.

Corrections are kept in the ``boundaries`` table of the article file and follow a
changed article by their text, never by position (:func:`anchor_boundaries`); one
that fits nowhere is an orphan: kept, not applied.

Labels across a change (:func:`merged_state`, :func:`split_state`):

- **merge:** the merged sentence keeps the first sentence's label; when the first
  has none it takes the second's. A star on either stays; notes are joined. When both
  had a label and they differ, the second sentence's record is also kept whole as an
  orphan (nothing is lost; undo puts it back on its sentence).
- **split:** both pieces keep the label and the star; the note stays with the first piece.

Merged and split sentences are never non-sentences: a person shaped them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Collection, Iterable, Mapping, Protocol, Sequence

from corpus.model import Segment

from annotations.errors import StoreError

# The records (BoundaryCorrection, BoundaryState) live with the other records in
# model.py, which describes a boundary change without importing this module.
from annotations.model import BoundaryAction, BoundaryCorrection, BoundaryState, SentenceLabel, utc_now

_SPACE = re.compile(r"\s*")


class _Doc(Protocol):
    """What a merge or split reads of an article's annotations (``ArticleAnnotations``)."""

    article_id: str
    article_hash: str
    text: str
    base_sentences: tuple[Segment, ...]  # the model's
    sentences: tuple[Segment, ...]  # corrected
    labels: dict[int, SentenceLabel]
    orphans: list[SentenceLabel]
    boundaries: dict[int, BoundaryCorrection]


# ------------------------------------------------------------------ applying


def apply_boundaries(sentences: Sequence[Segment], corrections: Iterable[BoundaryCorrection]) -> tuple[Segment, ...]:
    """The corrected sentence list: the model's ``sentences`` cut at every ``split`` and
    joined at every ``merge`` (placed corrections only). Applying twice changes nothing."""
    splits: dict[int, BoundaryCorrection] = {}
    merges: set[int] = set()
    for c in corrections:
        if c.orphan:
            continue
        if c.action == "split":
            splits[c.cut] = c
        else:
            merges.add(c.cut)
    if not splits and not merges:
        return tuple(sentences)
    cuts = sorted(splits)
    pieces: list[Segment] = []
    for seg in sentences:
        inside = [cut for cut in cuts if seg.start < cut < seg.end and seg.start < splits[cut].first_end <= cut]
        if not inside:
            pieces.append(seg)
            continue
        start = seg.start
        for cut in inside:
            pieces.append(Segment(start, splits[cut].first_end))
            start = cut
        pieces.append(Segment(start, seg.end))
    out: list[Segment] = []
    for seg in pieces:
        if seg.start in merges and out:
            out[-1] = Segment(out[-1].start, seg.end)
        else:
            out.append(seg)
    return tuple(out)


def countable(sentences: Sequence[Segment], reviewed: Collection[int]) -> int:
    """How many sentences count toward progress: all but the non-sentences nobody labelled."""
    return sum(1 for i, s in enumerate(sentences) if not s.non_sentence or i in reviewed)


# ----------------------------------------------------------------- anchoring


def anchor_boundaries(
    records: Sequence[BoundaryCorrection], text: str, article_hash: str
) -> tuple[dict[int, BoundaryCorrection], list[BoundaryCorrection], bool]:
    """Place corrections on ``text`` by their pieces' text; returns (placed by cut, orphans, changed?).

    A correction stays where its two pieces still are; else it moves to the nearest
    place where ``first``, whitespace, then ``second`` follow each other; else it is an orphan.
    """
    placed: dict[int, BoundaryCorrection] = {}
    orphans: list[BoundaryCorrection] = []
    changed = False
    for c in records:
        at = c.start if not c.orphan and _second_start(c, text, c.start) is not None else None
        if at is None and c.first and c.second:
            pos = text.find(c.first)
            while pos >= 0:
                if _second_start(c, text, pos) is not None and (at is None or abs(pos - c.start) < abs(at - c.start)):
                    at = pos
                pos = text.find(c.first, pos + 1)
        if at is None:
            orphans.append(c if c.orphan else replace(c, orphan=True))
            changed = changed or not c.orphan
            continue
        second_start = _second_start(c, text, at)
        assert second_start is not None
        moved = replace(
            c,
            start=at,
            first_end=at + len(c.first),
            second_start=second_start,
            end=second_start + len(c.second),
            article_hash=article_hash,
            orphan=False,
        )
        if moved.cut in placed:  # two corrections came to one cut: keep the first
            orphans.append(replace(c, orphan=True))
            changed = True
            continue
        changed = changed or moved != c
        placed[moved.cut] = moved
    return placed, orphans, changed


def _second_start(c: BoundaryCorrection, text: str, start: int) -> int | None:
    """Where ``second`` starts when ``first``, whitespace, ``second`` stand at ``start``, else None."""
    if not text.startswith(c.first, start):
        return None
    after = _SPACE.match(text, start + len(c.first)).end()  # type: ignore[union-attr]
    return after if text.startswith(c.second, after) else None


# -------------------------------------------------------------- merge, split


def merged_state(doc: _Doc, index: int, annotator: str) -> BoundaryState:
    """The article after merging sentence ``index`` with the next one.

    Raises :class:`StoreError` (one line) when there is no next sentence or it starts
    a new paragraph (a line break between them).
    """
    sentences = doc.sentences
    _check_index(doc, index)
    if index + 1 >= len(sentences):
        raise StoreError(f"sentence {index + 1} is the last of {doc.article_id}: there is no next sentence to merge with")
    a, b = sentences[index], sentences[index + 1]
    between = doc.text[a.end : b.start]
    if between.strip() or "\n" in between or "\r" in between or "\u2028" in between or "\u2029" in between:
        raise StoreError(
            f"sentences {index + 1} and {index + 2} are in different paragraphs; m merges sentences of one paragraph"
        )
    record = _record(doc, "merge", a.start, a.end, b.start, b.end, annotator)
    corrections = _with(doc.boundaries, record)
    new = apply_boundaries(doc.base_sentences, corrections)
    first, second = doc.labels.get(index), doc.labels.get(index + 1)
    orphans = list(doc.orphans)
    merged = _merge_records(first, second, orphans)
    labels = _shifted(doc.labels, index, drop=(index, index + 1), by=-1)
    if merged is not None:
        labels[index] = merged
    return _state(doc, corrections, new, labels, orphans)


def split_state(doc: _Doc, index: int, at: int, annotator: str) -> BoundaryState:
    """The article after splitting sentence ``index`` before the character ``at``.

    Raises :class:`StoreError` when ``at`` would leave a piece without text.
    """
    _check_index(doc, index)
    seg = doc.sentences[index]
    first_end = seg.start + len(doc.text[seg.start : at].rstrip())
    if not (seg.start < first_end <= at < seg.end) or not doc.text[at:seg.end].strip():
        raise StoreError(
            f"cannot split sentence {index + 1} there: both pieces need text (move the token cursor inside it)"
        )
    record = _record(doc, "split", seg.start, first_end, at, seg.end, annotator)
    corrections = _with(doc.boundaries, record)
    new = apply_boundaries(doc.base_sentences, corrections)
    labels = _shifted(doc.labels, index, drop=(index,), by=1)
    old = doc.labels.get(index)
    if old is not None:
        labels[index] = old
        second = replace(old, note="")
        if not second.empty:
            labels[index + 1] = second
    return _state(doc, corrections, new, labels, list(doc.orphans))


def _check_index(doc: _Doc, index: int) -> None:
    if not 0 <= index < len(doc.sentences):
        raise StoreError(f"sentence {index} does not exist in {doc.article_id} (it has {len(doc.sentences)} sentences)")


def _record(doc: _Doc, action: BoundaryAction, start: int, first_end: int, second_start: int, end: int, annotator: str) -> BoundaryCorrection:
    now = utc_now()
    return BoundaryCorrection(
        article_id=doc.article_id,
        action=action,
        start=start,
        first_end=first_end,
        second_start=second_start,
        end=end,
        first=doc.text[start:first_end],
        second=doc.text[second_start:end],
        annotator=annotator,
        created=now,
        updated=now,
        article_hash=doc.article_hash,
    )


def _with(placed: Mapping[int, BoundaryCorrection], record: BoundaryCorrection) -> list[BoundaryCorrection]:
    """The corrections with ``record`` added; one of the opposite action at its cut cancels out."""
    out = dict(placed)
    there = out.get(record.cut)
    if there is not None and there.action != record.action:
        del out[record.cut]  # merging where a split was (or the reverse) is the model's boundary again
    else:
        out[record.cut] = record
    return [out[k] for k in sorted(out)]


def _merge_records(
    first: SentenceLabel | None, second: SentenceLabel | None, orphans: list[SentenceLabel]
) -> SentenceLabel | None:
    if first is None or second is None:
        return first or second
    if first.label is not None and second.label is not None and first.label != second.label:
        orphans.append(replace(second, orphan=True))
    notes = [n for n in (first.note, second.note) if n]
    return replace(
        first,
        label=first.label if first.label is not None else second.label,
        checkworthy=first.checkworthy or second.checkworthy,
        note="\n".join(dict.fromkeys(notes)),
    )


def _shifted(labels: Mapping[int, SentenceLabel], index: int, drop: tuple[int, ...], by: int) -> dict[int, SentenceLabel]:
    """``labels`` without those at ``drop``, the ones after ``index`` moved by ``by``."""
    return {(i + by if i > index else i): r for i, r in labels.items() if i not in drop}


def _state(
    doc: _Doc,
    corrections: list[BoundaryCorrection],
    sentences: tuple[Segment, ...],
    labels: dict[int, SentenceLabel],
    orphans: list[SentenceLabel],
) -> BoundaryState:
    """The new state, each record moved onto its new sentence (offsets, text, index)."""
    text = doc.text
    placed = []
    for i, record in sorted(labels.items()):
        seg = sentences[i]
        placed.append(
            replace(record, sentence_index=i, start=seg.start, end=seg.end, text=text[seg.start : seg.end])
        )
    return BoundaryState(tuple(corrections), tuple(placed), tuple(orphans))
