"""Read Prodigy or doccano JSONL, or claimscope's own CSV export, back into the store.

Each record is matched to a sentence by its article id and the sentence text
(the sentence index first, then the nearest sentence with the same text, then
ignoring whitespace). Bad records are reported one by one (``line 7: unknown label
'foo' (known: ...)``) and the rest are imported. Line numbers are true line numbers
of the file: JSONL is split at ``\n`` only, so sentences holding U+2028, U+2029 or
U+0085 stay one record.

JSONL, per line, by shape:

- Prodigy (has ``answer``, ``tokens`` or ``_input_hash``): the label is ``label``,
  else ``accept[0]`` when accepted, else the scheme's not-a-claim label when
  rejected; ``ignore`` leaves the stored label alone. ``spans`` (sentence offsets)
  become span corrections against the model's spans.
- doccano classification (``label`` and/or ``cats`` a list of names): at most one
  name; ``entities`` (``[start, end, LABEL]`` or doccano's ``{"start_offset",
  "end_offset", "label"}``), when present, are the sentence's spans.
- doccano sequence labelling (``label`` is a list of ``[start, end, LABEL]``): the
  spans; the sentence label comes from ``meta.label`` when present.

``meta.annotator``, ``meta.checkworthy`` and ``meta.note`` are kept when present.
An empty doccano ``label``/``cats`` where ``meta.label`` has a label takes it off.
doccano's span offsets may count UTF-16 units or grapheme clusters (its page does
after an emoji): they are read at the sentence (annotations/formats/offsets.py).

Spans: a record's spans are its sentence's whole span set, so a stored span it lacks
is removed, unless its tool may have lost it (:attr:`ImportRow.span_loss`): then the
removal is held back and counted, and applied only with ``accept_removals``.

CSV (what ``claimscope export --format csv`` writes, see :data:`CSV_COLUMNS`):
``article_id``, ``sentence_index``, ``sentence`` and ``label`` are needed; an empty
``label`` leaves the stored label alone; ``checkworthy``, ``note``, ``annotator`` and
``updated`` are kept when their columns are there. Spans are not in the CSV and stay as they are.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

from corpus.decoding import SURROGATE_ESCAPE, without_surrogates  # the reader's own rule
from corpus.model import Analysis, Article, Span

from annotations.anchoring import squash
from annotations.errors import ClaimscopeError, ImportFileError
from annotations.formats import FORMATS, ImportReport, ImportRow, LineError
from annotations.formats.offsets import character_offsets, converted
from annotations.formats.import_records import ImportOptions
from annotations.formats.table import CSV_COLUMNS, unguard
from annotations.store import ArticleAnnotations, ShardWriters, Store

Resolver = Callable[[str], "tuple[Article, Analysis] | None"]

#: The CSV columns an import cannot do without (the rest are kept when present).
CSV_REQUIRED: tuple[str, ...] = ("article_id", "sentence_index", "sentence", "label")

_WHAT_FITS = (
    "import Prodigy or doccano JSONL, or a CSV written by `claimscope export --format csv`"
)


Numbered = list[tuple[int, ImportRow]]


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
    text = _read_text(path)
    report = ImportReport()
    options = options or ImportOptions()
    reader = next((f.read for f in FORMATS.values() if f.read and f.sniff and f.sniff(path, text)), None)
    if reader is not None:  # a registered format that reads its own files
        items = reader(path, text, store.scheme, report, options)
    elif _is_csv(path, text):
        items = _csv_items(path, text, store, report)
    else:
        items = _jsonl_items(text.split("\n"), store, report, path)
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
    items = _jsonl_items(lines, store, report)
    _apply_all(store, items, resolve, report, progress, options or ImportOptions())
    return report


def _read_text(path: Path) -> str:
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file; {_WHAT_FITS}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist; {_WHAT_FITS}") from None
    except OSError as error:
        raise ImportFileError(f"cannot read {path} ({error.strerror})") from None
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{path} is a zip file (a spreadsheet such as .xlsx?), not text; save it as CSV "
            f"or {_WHAT_FITS}"
        )
    if b"\x00" in raw[:65536]:
        raise ImportFileError(f"{path} is binary data, not text; {_WHAT_FITS}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"{path} is not UTF-8 text (line {line}); {_WHAT_FITS}"
        ) from None


def _is_csv(path: Path, text: str) -> bool:
    """CSV by content first (a JSON object on the first line is JSONL), then by name or header.

    Anything that is neither is refused in one line rather than reported line by line.
    """
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if first.startswith("{"):
        return False
    if path.suffix.lower() == ".csv" or first.startswith(("article_id,", '"article_id"')):
        return True
    if first.startswith("["):
        raise ImportFileError(
            f"{path} holds one JSON array, not JSON lines (one object per line); {_WHAT_FITS}"
        )
    if not any(line.lstrip().startswith("{") for line in text.split("\n")):
        if not first:
            return False  # empty: nothing to import, nothing wrong
        raise ImportFileError(
            f"{path} is neither JSON lines nor a claimscope CSV export (no line is a JSON "
            f"object); {_WHAT_FITS}"
        )
    return False


def _jsonl_items(
    lines: Iterable[str], store: Store, report: ImportReport, path: Path | None = None
) -> Numbered:
    items: Numbered = []
    # doccano's per-user export: <username>.jsonl (all.jsonl: collaborative, no one user)
    user = path.stem if path is not None and path.stem not in ("", "all") else None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            item, replaced = _parse_line(line.removesuffix("\r"), store, user)
        except LineError as error:
            _reject(report, number, str(error))
            continue
        items.append((number, item))
        if replaced:
            # A lone surrogate is no character; stored as is it would make the store file unreadable.
            report.warnings.append(
                f"line {number}: {replaced} lone surrogate escape(s) (\\ud800-\\udfff without "
                "a pair) read as U+FFFD"
            )
    return items


def _reject(report: ImportReport, number: int, message: str) -> None:
    report.reject(number, message)


def _csv_items(path: Path, text: str, store: Store, report: ImportReport) -> Numbered:
    # newline="": quoted cells keep their own line breaks, and only \r and \n end a row.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"{path} is not a claimscope CSV export ({error}); {_WHAT_FITS}") from None
    if header is None:
        return []
    header = [name.strip() for name in header]
    missing = [name for name in CSV_REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            f"{path} is not a claimscope CSV export (missing columns {', '.join(missing)}; "
            f"expected {','.join(CSV_COLUMNS)}); {_WHAT_FITS}"
        )
    column = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    items: Numbered = []
    number = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            report.lines += 1
            _reject(report, number, f"not valid CSV ({error})")
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
            _reject(report, at, str(error))
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
            _reject(report, number, f"unknown article {article_id!r} (not in the corpus)")
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
                changed = _apply(doc, article, analysis, item, _Tally(number, report, options))
            except (LineError, ClaimscopeError) as error:
                _reject(report, number, str(error))
                continue
            if changed:
                report.imported += 1
            else:
                report.unchanged += 1
    if progress:
        progress(len(numbered))


def _parse_line(line: str, store: Store, doccano_user: str | None = None) -> tuple[ImportRow, int]:
    """The line's record, and how many lone surrogates in it were replaced by U+FFFD.

    ``doccano_user`` is who made a label changed in doccano (see :func:`_doccano_label`).
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise LineError("not valid JSON here (nested too deeply)") from None
    replaced = 0
    if SURROGATE_ESCAPE.search(line):
        obj, replaced = without_surrogates(obj)
    if not isinstance(obj, dict):
        raise LineError("not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError("no \"text\" string")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise LineError("\"meta\" is not an object")
    article_id = meta.get("article_id")
    if not isinstance(article_id, str) or not article_id:
        raise LineError("no meta.article_id: cannot tell which article the sentence is from")
    index = meta.get("sentence_index")
    if not isinstance(index, int) or isinstance(index, bool):
        index = None
    scheme = store.scheme

    label: str | None
    spans: tuple[tuple[int, int, str], ...] | None = None
    said: tuple[str | None, ...] = ()
    cleared = False
    raw_label = obj.get("label")
    annotator = meta.get("annotator")
    # What each tool may have lost (see ImportRow.span_loss): Prodigy's ner.manual holds no
    # overlapping spans, and its export leaves out spans over white space (no token there);
    # doccano keeps overlapping spans only where a project allows them.
    loss: tuple[str, ...] = ()
    if any(k in obj for k in ("answer", "tokens", "_input_hash", "accept")):
        label = _prodigy_label(obj, store)
        if "spans" in obj:
            spans = _parse_spans(obj["spans"], text)
            loss = ("overlaps", "blank")
    elif isinstance(raw_label, list) and raw_label and all(isinstance(x, list) for x in raw_label):
        spans, said = _doccano_spans(raw_label, text)
        label = meta.get("label") or None
        loss = ("overlaps",)
    elif isinstance(raw_label, list) or isinstance(obj.get("cats"), list):
        label, edited, cleared = _doccano_label(obj, meta)
        if edited:  # changed in doccano: by doccano's user (None: whoever imports)
            annotator = _doccano_user(obj, doccano_user)
        if "entities" in obj:
            spans, said = _doccano_spans(obj["entities"], text)
            loss = ("overlaps",)
    else:
        raise LineError("no \"label\" list and no Prodigy answer: not Prodigy or doccano JSONL")
    if label is not None:
        if not isinstance(label, str):
            raise LineError(f"label {label!r} is not a name")
        if scheme.get(label) is None:
            raise LineError(f"unknown label {label!r} (known: {', '.join(scheme.names)})")
    return ImportRow.from_meta(
        article_id=article_id,
        sentence_index=index,
        text=text,
        label=label,
        spans=spans,
        meta=meta,
        annotator=annotator,
        clear_label=cleared,
        span_loss=loss,
        # doccano's page may count UTF-16 units or grapheme clusters: read at the sentence
        tool_offsets=bool(said),
        span_texts=said,
    ), replaced


def _prodigy_label(obj: dict[str, Any], store: Store) -> str | None:
    """The label of a Prodigy task; None leaves the stored one alone.

    The choice interface's ``accept`` is the truth (a top-level ``label`` may be a
    stale copy). ``ignore`` leaves the label alone, and so does ``reject``, which in
    Prodigy discards the example, except in the shape claimscope wrote before issue
    11 (``label: "none"``, ``answer: "reject"``, ``accept: []``).
    """
    answer = obj.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise LineError(f"unknown answer {answer!r} (expected accept, reject or ignore)")
    accept = obj.get("accept") or []
    raw_label = obj.get("label")
    if answer == "ignore":
        return None
    if answer == "accept" and accept:
        if not isinstance(accept, list) or not all(isinstance(x, str) for x in accept):
            raise LineError("\"accept\" must list label names")
        if len(accept) > 1:
            raise LineError(f"several labels {accept} for one sentence; claimscope keeps one")
        return accept[0]
    if isinstance(raw_label, str) and raw_label:
        return raw_label
    if answer == "reject":
        return _not_a_claim(store) if obj.get("_view_id") is None and "label" in obj else None
    raise LineError("accepted task without a label or accept list")


def _doccano_label(obj: dict[str, Any], meta: dict[str, Any]) -> tuple[str | None, bool, bool]:
    """The label of a doccano classification record, whether doccano changed it, and
    whether it was taken off there.

    claimscope writes the label three times: ``label`` (what a text-classification
    project reads and exports), ``cats`` (what an intent-detection project reads and
    exports) and ``meta.label`` (as exported). A project edits one of the two and
    keeps the other as metadata, so when ``label`` and ``cats`` disagree the edited
    one is the one that differs from ``meta.label``. Without ``meta.label`` (files
    from elsewhere, or claimscope before issue 11) a disagreement cannot be settled
    and the line is rejected. An empty list where ``meta.label`` has a label takes the
    label off (doccano's ``"label": []``), but only in a classification record (with
    ``cats`` or ``entities``): a sequence-labelling record's empty ``label`` lists no
    spans, and leaves the stored label alone.
    """
    raw_label, cats = obj.get("label"), obj.get("cats")
    exported = meta.get("label") if isinstance(meta.get("label"), str) else None
    fields = [_names(x) for x in (raw_label, cats) if isinstance(x, list)]
    if cats is not None and not isinstance(cats, list):
        raise LineError("\"cats\" must list label names")
    if len(fields) == 2 and fields[0] != fields[1]:
        as_exported = [exported] if exported else []
        edited = [names for names in fields if names != as_exported]
        if exported is None or len(edited) != 1:
            raise LineError(f"\"label\" {fields[0]} and \"cats\" {fields[1]} disagree")
        names = edited[0]
    else:
        names = fields[0]
    if not names:
        if exported and ("cats" in obj or "entities" in obj):
            return None, False, True  # taken off in doccano
        return exported or None, False, False  # a sequence-labelling record without spans
    return names[0], exported is not None and names[0] != exported, False


def _doccano_user(obj: dict[str, Any], from_file: str | None) -> str | None:
    """Who made a change in doccano: the record's own ``user``/``annotator`` name when
    it has one, else the user whose file it is (doccano 1.x exports a project without
    collaborative annotation as one ``<username>.jsonl`` per user, with doccano's
    ``id`` on each record); None (whoever imports) for ``all.jsonl`` or unknown."""
    for key in ("annotator", "user"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            return obj[key].strip()
    if from_file and isinstance(obj.get("id"), int) and not isinstance(obj.get("id"), bool):
        return from_file
    return None


def _names(raw: Any) -> list[str]:
    """The label names of a doccano ``label``/``cats`` list (at most one)."""
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise LineError("\"label\" must list label names or [start, end, LABEL] spans")
    if len(raw) > 1:
        raise LineError(f"several labels {raw} for one sentence; claimscope keeps one")
    return list(raw)


def _not_a_claim(store: Store) -> str:
    for label in store.scheme.labels:
        if not label.claim:
            return label.name
    raise LineError("rejected task, but the scheme has no not-a-claim label")


def _parse_spans(raw: Any, text: str) -> tuple[tuple[int, int, str], ...]:
    """A Prodigy task's ``spans``: objects with ``start``, ``end``, ``label`` (offsets in
    ``str`` indices, as Python counts)."""
    if not isinstance(raw, list):
        raise LineError("spans must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise LineError("each span must be an object with start, end, label")
        start, end, label = entry.get("start"), entry.get("end"), entry.get("label")
        exact = entry.get("meta")
        if isinstance(exact, dict) and _exact_inside(exact, start, end):
            # claimscope's export widened the span to tokens; its true offsets are these
            start, end = exact["start"], exact["end"]
        _check_span(start, end, label, text)
        if end > len(text):
            raise LineError(
                f"span {start}-{end} is outside the sentence (it has {len(text)} characters)"
            )
        out.append((start, end, label))
    return tuple(out)


def _doccano_spans(raw: Any, text: str) -> tuple[tuple[tuple[int, int, str], ...], tuple[str | None, ...]]:
    """doccano's spans, ``[start, end, LABEL]`` or its export's ``{"start_offset",
    "end_offset", "label"}``, and the text each one says it holds (None: not said).

    The offsets are read against the sentence when it is found: doccano's page may have
    counted UTF-16 units or grapheme clusters (annotations/formats/offsets.py)."""
    if not isinstance(raw, list):
        raise LineError("spans must be a list")
    spans, said = [], []
    for entry in raw:
        says = None
        if isinstance(entry, dict):
            start, end, label = entry.get("start_offset"), entry.get("end_offset"), entry.get("label")
            says = entry.get("text") if isinstance(entry.get("text"), str) else None
        else:
            if not isinstance(entry, list) or len(entry) != 3:
                raise LineError("each span must be [start, end, LABEL]")
            start, end, label = entry
        _check_span(start, end, label, text)
        spans.append((start, end, label))
        said.append(says)
    return tuple(spans), tuple(said)


def _check_span(start: Any, end: Any, label: Any, text: str) -> None:
    """Whole-number offsets running forwards, and a label (the end is checked by the caller)."""
    if type(start) is not int or type(end) is not int:  # bool is an int too
        raise LineError(f"span offsets {start!r}-{end!r} are not whole numbers")
    if not 0 <= start < end:
        raise LineError(f"span {start}-{end} is outside the sentence (it has {len(text)} characters)")
    if not isinstance(label, str) or not label.strip():
        raise LineError(f"span {start}-{end} has no label")


def _exact_inside(exact: dict[str, Any], start: Any, end: Any) -> bool:
    """Whether a Prodigy span's ``meta`` holds exact offsets of its (token) ``start``-``end``:
    they overlap it (widening to tokens can also drop an edge space). A span moved
    away in Prodigy no longer overlaps them, and its own offsets count."""
    a, b = exact.get("start"), exact.get("end")
    return (
        type(a) is int and type(b) is int and type(start) is int and type(end) is int
        and a < b and a < end and start < b
    )


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


class _Tally:
    """Where one record's changes are counted: its line number, the report, the options."""

    __slots__ = ("number", "report", "options")

    def __init__(self, number: int, report: ImportReport, options: ImportOptions) -> None:
        self.number, self.report, self.options = number, report, options


def _apply(
    doc: ArticleAnnotations, article: Article, analysis: Analysis, item: ImportRow, tally: _Tally
) -> bool:
    """Apply one line; True when the store changed."""
    index = _find_sentence(doc, article, item)
    spans = item.spans
    conversions: list[str] = []
    if spans is not None and item.tool_offsets:
        spans, conversions = _read_tool_offsets(doc, analysis, index, item)
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
    for unit in conversions:
        converted(tally.report, tally.number, unit)
    after = doc.labels.get(index)
    if item.updated and after is not None and after != before:
        # The export's time of the label, not the import's (keep_label: no extra undo step).
        doc.keep_label(index, replace(after, updated=item.updated))
    return after != before or doc.span_corrections != before_spans


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
    tally: _Tally,
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
