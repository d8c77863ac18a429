"""CSV: one row per sentence with the columns of :data:`CSV_COLUMNS` (spans are not in it).

The column ``figures`` lists the sentence's figures as compact JSON, one
``{"text", "value", "unit", "change", "counted"}`` per figure span (``[]`` when it has
none); import ignores it. The last three, ``claimant``, ``source`` and ``cue``, say who
claims the sentence: the claimant's name ("outlet" when nobody is said to make it) and
the words of its source and cue where they are in the sentence; import ignores them
(a CSV cell cannot say where in the sentence a word is).

A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a ``'`` in front, as OWASP
recommends against CSV injection; :func:`unguard` takes exactly that ``'`` off again
on import. A cell already starting with ``'`` before such a character gets one more,
so every cell reads back as it was.

Named ``table`` so that it does not hide the standard library's ``csv`` module.
"""

from __future__ import annotations

import csv
import json
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Sequence

from corpus.model import FIGURE_LABELS, Reading
from corpus.readings import reading_json

from annotations.formats.jsonl import BATCH
from annotations.formats.parts import append_after_header
from annotations.formats.registry import Format, Progress, WriteContext, register
from annotations.formats.rows import ExportRow

_RISKY = frozenset("=+-@\t\r'")
_TRIGGERS = frozenset("=+-@\t\r")


def guard(cell: str) -> str:
    """``cell`` as written: ``'`` in front when a spreadsheet would run it as a formula."""
    if cell[:1] not in _RISKY:
        return cell
    return "'" + cell if cell.lstrip("'")[:1] in _TRIGGERS else cell


def unguard(cell: str) -> str:
    """The cell :func:`guard` was given: one ``'`` off a guarded cell."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in _TRIGGERS:
        return cell[1:]
    return cell


CSV_COLUMNS: tuple[str, ...] = (
    "article_id",
    "title",
    "sentence_index",
    "start",
    "end",
    "sentence",
    "label",
    "checkworthy",
    "note",
    "annotator",
    "updated",
    "figures",  # after the columns before it, so they keep their places
    # who claims the sentence (annotations/formats/claimant.py), after the figures for the same reason
    "claimant",
    "source",
    "cue",
)


def write_rows(rows: Sequence[ExportRow], fh: IO[str], advance: Progress) -> int:
    """The header and one row per sentence to ``fh`` (opened with ``newline=\"\"``)."""
    writer = csv.writer(fh)
    g = guard
    figures = _FiguresCell()
    writer.writerow(CSV_COLUMNS)
    for at in range(0, len(rows), BATCH):
        batch = rows[at : at + BATCH]
        writer.writerows(
            [
                (
                    g(r.article_id),
                    g(r.title),
                    r.sentence_index,
                    r.start,
                    r.end,
                    g(r.text),
                    g(r.label or ""),
                    "true" if r.checkworthy else "false",
                    g(r.note),
                    g(r.annotator),
                    g(r.updated),
                    figures(r),
                    *claimant_cells(r),
                )
                for r in batch
            ]
        )
        advance(len(batch))
    return len(rows)


_NO_CLAIMANT = ("", "", "")


def claimant_cells(row: ExportRow) -> tuple[str, str, str]:
    """The ``claimant``, ``source`` and ``cue`` cells: the claimant's name ("outlet" when
    nobody is said to make the claim), and the source's and the cue's words where they
    are in the sentence."""
    claimant = row.claimant
    if claimant is None:
        return _NO_CLAIMANT
    source, cue, text = claimant.source, claimant.cue, row.text
    return (
        guard(claimant.name),
        guard(text[source[0] : source[1]]) if source else "",
        guard(text[cue[0] : cue[1]]) if cue else "",
    )


class _FiguresCell:
    """The ``figures`` cell: the sentence's figure spans with their readings, compact
    JSON, byte for byte what ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
    writes for ``[{"text": ..., **reading_json(reading)}, ...]``.

    Each reading is serialised once for the whole export (a reading is one object
    shared by every row of its article, so the next annotator's row of a sentence
    reuses it); a cell is then its figures' texts and those pieces joined.
    """

    def __init__(self) -> None:
        # id(reading) -> (the reading, kept alive so its id is not reused; its JSON
        # after the opening brace)
        self._tails: dict[int, tuple[Reading | None, str]] = {}
        self._none = _tail(None)

    def __call__(self, row: ExportRow) -> str:
        spans = row.spans
        if not spans:
            return "[]"
        text = row.text
        readings = row.readings
        offset = row.start
        tails = self._tails
        items = []
        for s, e, label in spans:
            if label not in FIGURE_LABELS:
                continue
            reading = readings.get((offset + s, offset + e, label)) if readings else None
            if reading is None:
                tail = self._none
            else:
                known = tails.get(id(reading))
                if known is None:
                    known = tails[id(reading)] = (reading, _tail(reading))
                tail = known[1]
            items.append('{"text":' + encode_basestring(text[s:e]) + tail)
        # starts with "[": never a spreadsheet formula, so it needs no guard
        return "[" + ",".join(items) + "]"


def _tail(reading: Reading | None) -> str:
    """The JSON of a reading's fields, after the opening brace and with a leading comma:
    what follows ``"text":...`` in a figure's object."""
    return "," + json.dumps(reading_json(reading), ensure_ascii=False, separators=(",", ":"))[1:]


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The CSV file."""
    with out.open("w", encoding="utf-8", newline="") as fh:
        return write_rows(rows, fh, context.advance)


FORMAT = register(Format(
        "csv", write, ".csv", "csv", overlaps="not written: CSV holds no spans", join=append_after_header,
        whole_needed=False,
    ))
