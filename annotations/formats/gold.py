"""One label per sentence from several annotators, for ``--gold`` exports and the
training formats: :func:`gold_records` picks the adjudicated label, else the label the
annotators agree on; :func:`chosen_corrections` the span corrections that go with it;
:class:`Withheld` counts the disagreements left out.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from corpus.model import Segment

from annotations.store import PlacedLabels

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


def chosen_corrections(
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
