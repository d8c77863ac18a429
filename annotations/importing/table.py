"""claimscope's own CSV export read back as import records (:class:`ImportRow`).

What ``claimscope export --format csv`` writes (see :data:`CSV_COLUMNS`):
``article_id``, ``sentence_index``, ``sentence`` and ``label`` are needed; an empty
``label`` leaves the stored label alone; ``checkworthy``, ``note``, ``annotator`` and
``updated`` are kept when their columns are there. Spans are not in the CSV and stay as they are.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from annotations.errors import ImportFileError
from annotations.formats import ImportReport, ImportRow, LineError
from annotations.formats.import_records import Numbered
from annotations.formats.table import CSV_COLUMNS, unguard
from annotations.importing.files import WHAT_FITS
from annotations.store import Store

#: The CSV columns an import cannot do without (the rest are kept when present).
CSV_REQUIRED: tuple[str, ...] = ("article_id", "sentence_index", "sentence", "label")


def csv_items(path: Path, text: str, store: Store, report: ImportReport) -> Numbered:
    # newline="": quoted cells keep their own line breaks, and only \r and \n end a row.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"{path} is not a claimscope CSV export ({error}); {WHAT_FITS}") from None
    if header is None:
        return []
    header = [name.strip() for name in header]
    missing = [name for name in CSV_REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            f"{path} is not a claimscope CSV export (missing columns {', '.join(missing)}; "
            f"expected {','.join(CSV_COLUMNS)}); {WHAT_FITS}"
        )
    column = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    items: Numbered = []
    number = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            report.lines += 1
            report.reject(number, f"not valid CSV ({error})")
            number = reader.line_num + 1
            continue
        if row is None:
            break
        at, number = number, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        report.lines += 1
        try:
            items.append((at, _csv_item(row, column, store)))
        except LineError as error:
            report.reject(at, str(error))
    return items


_TRUE = {"true", "1", "yes", "y", "x"}
_FALSE = {"false", "0", "no", "n", ""}


def _csv_item(row: list[str], column: dict[str, int], store: Store) -> ImportRow:
    def cell(name: str) -> str | None:
        at = column.get(name)
        if at is None:
            return None
        return unguard(row[at]) if at < len(row) else ""  # spreadsheets drop empty trailing cells

    article_id = (cell("article_id") or "").strip()
    if not article_id:
        raise LineError("no article_id: cannot tell which article the sentence is from")
    raw_index = (cell("sentence_index") or "").strip()
    try:
        index = int(raw_index) if raw_index else None
    except ValueError:
        raise LineError(f"sentence_index {raw_index!r} is not a whole number") from None
    label = (cell("label") or "").strip() or None
    if label is not None and store.scheme.get(label) is None:
        raise LineError(f"unknown label {label!r} (known: {', '.join(store.scheme.names)})")
    checkworthy = cell("checkworthy")
    flag: bool | None = None
    if checkworthy is not None:
        value = checkworthy.strip().lower()
        if value not in _TRUE | _FALSE:
            raise LineError(f"checkworthy {checkworthy!r} is not true or false")
        flag = value in _TRUE
    annotator = (cell("annotator") or "").strip()
    return ImportRow(
        article_id=article_id,
        sentence_index=index,
        text=cell("sentence") or "",
        label=label,
        spans=None,
        annotator=annotator or None,
        checkworthy=flag,
        note=cell("note"),
        updated=(cell("updated") or "").strip() or None,
    )
