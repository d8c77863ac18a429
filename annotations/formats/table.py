"""CSV: one row per sentence with the columns of :data:`CSV_COLUMNS` (spans are not in it).

Named ``table`` so that it does not hide the standard library's ``csv`` module.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Sequence

from annotations.formats.jsonl import BATCH
from annotations.formats.registry import Format, Progress, WriteContext, register
from annotations.formats.rows import ExportRow

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
)


def write_rows(rows: Sequence[ExportRow], fh: IO[str], advance: Progress) -> int:
    """The header and one row per sentence to ``fh`` (opened with ``newline=\"\"``)."""
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    for at in range(0, len(rows), BATCH):
        batch = rows[at : at + BATCH]
        writer.writerows(
            [
                (
                    r.article_id,
                    r.title,
                    r.sentence_index,
                    r.start,
                    r.end,
                    r.text,
                    r.label or "",
                    "true" if r.checkworthy else "false",
                    r.note,
                    r.annotator,
                    r.updated,
                )
                for r in batch
            ]
        )
        advance(len(batch))
    return len(rows)


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The CSV file."""
    with out.open("w", encoding="utf-8", newline="") as fh:
        return write_rows(rows, fh, context.advance)


FORMAT = register(Format("csv", write, ".csv", "csv"))
