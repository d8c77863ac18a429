"""The import pipeline: Prodigy or doccano JSONL, a Label Studio export, or claimscope's
own CSV export, back into the store.

The file is read and told apart (files.py); a format of the registry that reads its
own files (``Format.read``, ``Format.sniff``: Label Studio) reads it, else each line is
parsed (jsonl.py, table.py); then the records are applied article by article, each in
the shard of its annotator, each matched to its sentence (applying.py). Bad records
are reported one by one (``line 7: unknown label 'foo' (known: ...)``) and the rest are
imported. Line numbers are true line numbers of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from corpus.model import Analysis, Article

from annotations.errors import ClaimscopeError
from annotations.formats import FORMATS, ImportReport, LineError
from annotations.formats.import_records import ImportOptions, Numbered
from annotations.importing.applying import Tally, apply_record
from annotations.importing.files import is_csv, read_text
from annotations.importing.jsonl import jsonl_items
from annotations.importing.table import csv_items
from annotations.store import ShardWriters, Store

Resolver = Callable[[str], "tuple[Article, Analysis] | None"]


def import_file(
    store: Store,
    path: Path,
    resolve: Resolver,
    *,
    progress: Callable[[int], None] | None = None,
    on_records: Callable[[int], None] | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import a JSONL or CSV file into ``store``; ``resolve(article_id)`` gives the article
    and analysis. ``on_records(n)`` is told how many records were read, before any is
    applied; ``progress(k)`` then advances by the records of each article done.
    ``options``: names for a tool's user ids, and whether removals a lossy format may
    have caused are applied (see :class:`ImportOptions`).

    Raises :class:`ImportFileError` (one line naming the file) when the file cannot be
    imported at all: missing, a folder, binary, not UTF-8, or CSV without the columns.
    """
    path = Path(path)
    store.check_writable()
    text = read_text(path)
    report = ImportReport()
    options = options or ImportOptions()
    reader = next((f.read for f in FORMATS.values() if f.read and f.sniff and f.sniff(path, text)), None)
    if reader is not None:  # a registered format that reads its own files
        items = reader(path, text, store.scheme, report, options)
    elif is_csv(path, text):
        items = csv_items(path, text, store, report)
    else:
        items = jsonl_items(text.split("\n"), store, report, path)
    if on_records:
        on_records(len(items))
    _apply_all(store, items, resolve, report, progress, options)
    return report


def import_lines(
    store: Store,
    lines: Iterable[str],
    resolve: Resolver,
    *,
    progress: Callable[[int], None] | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import JSONL ``lines`` (line ``n`` of the iterable is reported as line ``n``)."""
    report = ImportReport()
    items = jsonl_items(lines, store, report)
    _apply_all(store, items, resolve, report, progress, options or ImportOptions())
    return report


def _apply_all(
    store: Store,
    items: Numbered,
    resolve: Resolver,
    report: ImportReport,
    progress: Callable[[int], None] | None,
    options: ImportOptions,
) -> None:
    """Apply parsed records article by article, each in the shard of its annotator (the
    importing annotator's when it names none); an article that cannot take them, or a
    shard another process writes, is skipped."""
    grouped: dict[tuple[str, str], Numbered] = {}
    for number, item in items:
        who = item.annotator or store.annotator
        grouped.setdefault((who, item.article_id), []).append((number, item))
    with ShardWriters(store) as writers:
        refused: dict[str, list[int]] = {}
        for (who, article_id), numbered in grouped.items():
            writer = writers.get(who)
            if writer is None:
                refused.setdefault(who, []).extend(number for number, _ in numbered)
                if progress:
                    progress(len(numbered))
                continue
            _apply_article(writer, article_id, numbered, resolve, report, progress, options)
    for who, numbers in refused.items():
        more = len(numbers) - 1
        report.rejected += len(numbers)
        report.errors.append(
            f"line {min(numbers)}" + (f" and {more} more" if more else "")
            + f": labels by {who!r} not imported: {writers.refused[f'labels by {who!r}']}"
        )
    report.errors.sort(key=lambda message: int(message.split(":", 1)[0].split()[1]))


def _apply_article(
    store: Store,
    article_id: str,
    numbered: Numbered,
    resolve: Resolver,
    report: ImportReport,
    progress: Callable[[int], None] | None,
    options: ImportOptions,
) -> None:
    """Apply one article's records to ``store`` (skipped when its file cannot be read)."""
    found = resolve(article_id)
    if found is None:
        for number, _ in numbered:
            report.reject(number, f"unknown article {article_id!r} (not in the corpus)")
        return
    article, analysis = found
    doc = store.article(article, analysis.sentences)
    if doc.error is not None:
        # A corrupt store file is never written over: skip this article, go on.
        first, more = numbered[0][0], len(numbered) - 1
        lines = f"line {first}" + (f" and {more} more" if more else "")
        report.rejected += len(numbered)
        report.errors.append(
            f"{lines}: article {article_id!r} skipped, its labels not imported: {doc.error}"
        )
        return
    with doc.batch():
        for number, item in numbered:
            try:
                changed = apply_record(doc, article, analysis, item, Tally(number, report, options))
            except (LineError, ClaimscopeError) as error:
                report.reject(number, str(error))
                continue
            if changed:
                report.imported += 1
            else:
                report.unchanged += 1
    if progress:
        progress(len(numbered))
