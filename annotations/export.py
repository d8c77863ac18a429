"""Export sentence labels to the formats of :mod:`annotations.formats`.

Export works in two steps: :func:`collect_rows` turns the store plus the corpus
analyses into :class:`ExportRow` records (one per sentence, spans already corrected
and made relative to the sentence), then :func:`write_export` writes one format
through the registry (``annotations.formats.FORMATS``). This module holds the steps
around a format: which articles to read, and the whole-corpus export.

Speed: 100,000 sentences export in a few seconds (see each format's module).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from corpus.model import Analysis, Article

from corpus.collector_pause import collector_paused
from annotations.errors import ExportError
from annotations.formats import FORMATS, ExportRow, WriteContext, collect_rows
from annotations.formats.doccano import doccano_line, doccano_record, doccano_spans_line, doccano_spans_record
from annotations.formats.prodigy import prodigy_lines
from annotations.formats.registry import Format, Progress
from annotations.formats.gold import Withheld
from annotations.formats.rows import RowSpan, overlapping
from annotations.formats.table import CSV_COLUMNS
from annotations.outputs import replaced_folder, staged_output
from annotations.stats import stored_outside
from annotations.store import Store
from corpus.tokens import tokenizer
from annotations.tokens import align

__all__ = [
    "CSV_COLUMNS", "FORMATS", "ExportRow", "RowSpan", "Withheld", "align", "articles_to_export", "cached_tokens",
    "collect_rows", "corpus_items", "doccano_line", "doccano_record", "doccano_spans_line",
    "doccano_spans_record", "export_corpus", "format_named", "prodigy_lines", "stored_outside",
    "summary_lines", "tokenizer", "write_export", "write_outputs",
]


def format_named(fmt: str) -> Format:
    """The registered format ``fmt``; :class:`ExportError` naming the known ones otherwise."""
    found = FORMATS.get(fmt)
    if found is None:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    return found


def write_export(
    rows: Sequence[ExportRow],
    fmt: str,
    out: Path,
    scheme: Any,
    *,
    progress: Progress | None = None,
    processes: int | None = None,
    notes: list[str] | None = None,
    texts: Mapping[str, str] | None = None,
    tokens: Mapping[str, Any] | None = None,
) -> int:
    """Write ``rows`` to ``out`` in format ``fmt``; returns the number of records written.

    The output is written beside ``out`` and renamed into place when whole (see
    :mod:`annotations.outputs`): a killed export leaves the previous file or folder.

    ``processes=2`` writes a Prodigy file's second half in a forked process; None lets
    the format decide. One-line warnings for the user (what became of overlapping
    spans, ...) are appended to ``notes``. ``texts`` (article id -> article text) is
    needed by formats that write whole articles (brat); ``tokens`` (article id -> the
    analysis's ``tokens``, see :func:`cached_tokens`) spares the token formats spaCy.
    """
    chosen = format_named(fmt)
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise ExportError(f"cannot write {out}: folder {out.parent} does not exist")
    context = WriteContext(
        scheme, progress or (lambda n: None), processes, texts=texts or {}, tokens=tokens or {},
        previous=replaced_folder(out) if chosen.folder else None,
    )
    try:
        # Written beside ``out`` and renamed into place: a killed export leaves the old one.
        with staged_output(out, folder=chosen.folder) as staged:
            try:
                with collector_paused():  # the writers' tables are many objects and no cycles
                    written = chosen.write(rows, staged, context)
            except ExportError as error:  # a writer's message names the file it was given
                raise ExportError(str(error).replace(str(staged), str(out))) from None
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror})") from None
    if notes is not None:
        overlaps = overlapping(rows) if chosen.overlaps else 0
        if overlaps:
            notes.append(f"{overlaps} overlapping spans: {chosen.overlaps}")
        notes.extend(context.notes)
    return written


def write_outputs(
    rows: Sequence[ExportRow],
    fmt: str,
    out: Path,
    scheme: Any,
    *,
    include_unreviewed: bool = False,
    progress: Progress | None = None,
    processes: int | None = None,
    notes: list[str] | None = None,
    texts: Mapping[str, str] | None = None,
    tokens: Mapping[str, Any] | None = None,
) -> list[tuple[Path, int]]:
    """:func:`write_export`, plus the second file of a format that keeps unreviewed
    sentences apart (``spacy``: ``OUT.unreviewed.spacy``, written whenever
    ``include_unreviewed`` asks for them, even empty, so that it never lies stale
    beside a new export). Returns ``(path, records written)`` per file, ``out`` first.
    """
    chosen = format_named(fmt)
    if not chosen.unreviewed_apart:
        return [(Path(out), write_export(
            rows, fmt, out, scheme, progress=progress, processes=processes, notes=notes, texts=texts,
            tokens=tokens,
        ))]
    labelled = [row for row in rows if row.label is not None]
    unreviewed = [row for row in rows if row.label is None]
    written = [(Path(out), write_export(
        labelled, fmt, out, scheme, progress=progress, processes=processes, notes=notes, texts=texts,
        tokens=tokens,
    ))]
    if include_unreviewed or unreviewed:
        second = chosen.unreviewed_path(Path(out))
        said: list[str] = []
        written.append((second, write_export(
            unreviewed, fmt, second, scheme, progress=progress, processes=processes, notes=said, texts=texts,
            tokens=tokens,
        )))
        if notes is not None:
            notes.extend(f"{second.name}: {note}" for note in said)
    return written


def summary_lines(written: Sequence[tuple[Path, int]], fmt: str) -> list[str]:
    """What an export wrote, one line per file (the CLI and the app say the same)."""
    (out, count), *rest = written
    lines = [f"wrote {sentence_count(count)} to {out} ({fmt})"]
    for path, n in rest:
        lines.append(
            f"wrote {sentence_count(n, 'unreviewed ')} to {path} (kept apart: in {out.name} spaCy would "
            "read them as labelled with no class and no spans)"
        )
    return lines


def sentence_count(n: int, kind: str = "") -> str:
    """``1 sentence``, ``2 unreviewed sentences``."""
    return f"{n} {kind}sentence{'' if n == 1 else 's'}"


# ------------------------------------------------------------ whole corpus


def articles_to_export(
    corpus: Any,
    store: Store,
    *,
    include_unreviewed: bool = False,
    label: str | None = None,
    annotator: str | None = None,
) -> list[Article]:
    """The articles whose store file may hold exported labels, in corpus order.

    All of them with ``include_unreviewed`` and no ``label``/``annotator`` filter;
    otherwise the store's index says which, without reading the files (see
    :meth:`Store.files_with_labels`).
    """
    if include_unreviewed and label is None and annotator is None:
        return list(corpus.articles)
    files = store.files_with_labels(label=label, annotator=annotator)
    return [a for a in corpus.articles if store.file_for(a.id).name in files]


def corpus_items(
    corpus: Any,
    store: Store,
    analyzer: Any = None,
    *,
    include_unreviewed: bool = False,
    label: str | None = None,
    annotator: str | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> list[tuple[Article, Analysis]]:
    """``(article, analysis)`` in corpus order for the articles an export needs.

    Only :func:`articles_to_export` are analysed. Analyses come from the cache, else from
    ``analyzer`` (a ``corpus.analysis.Analyzer``; created with the default model when None).
    """
    wanted = articles_to_export(
        corpus, store, include_unreviewed=include_unreviewed, label=label, annotator=annotator
    )
    if not wanted:
        return []
    if analyzer is None:
        from corpus.analysis import Analyzer

        analyzer = Analyzer()
    found: dict[str, Analysis] = {}
    progress = (lambda article, _cached: on_article(article)) if on_article else None
    # The spans stay flat columns (no Span record each): collect_rows reads span_rows().
    for article, analysis in analyzer.analyze_many(wanted, progress=progress, columns=True):
        found[article.id] = analysis
    return [(a, found[a.id]) for a in wanted if a.id in found]


def cached_tokens(items: Sequence[tuple[Article, Any]]) -> dict[str, Any]:
    """Article id -> its sentences' export tokens, for the analyses read from the cache
    with them (``write_export``'s ``tokens``)."""
    out = {}
    for article, analysis in items:
        found = getattr(analysis, "tokens", None)
        if found is not None:
            out[article.id] = found
    return out


def export_corpus(
    corpus: Any,
    store: Store,
    fmt: str,
    out: Path,
    *,
    analyzer: Any = None,
    label: str | None = None,
    annotator: str | None = None,
    include_unreviewed: bool = False,
    on_article: Callable[[Article], None] | None = None,
    on_rows: Progress | None = None,
    withheld: Withheld | None = None,
) -> int:
    """Export a whole corpus's labels to ``out``; returns the number of records written
    to ``out`` (a spacy export with ``include_unreviewed`` also writes
    ``OUT.unreviewed.spacy``; see :func:`write_outputs`). A training format's export of
    several annotators holds one label per sentence; what it left out is counted in
    ``withheld``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    items = corpus_items(
        corpus,
        store,
        analyzer,
        include_unreviewed=include_unreviewed,
        label=label,
        annotator=annotator,
        on_article=on_article,
    )
    rows = list(
        collect_rows(
            store, items, label=label, annotator=annotator, include_unreviewed=include_unreviewed,
            agreed=FORMATS[fmt].training, withheld=withheld,
        )
    )
    texts = {article.id: article.text for article, _ in items}
    tokens = cached_tokens(items)
    del items  # the analyses are in the rows now: their memory goes to the writer
    written = write_outputs(
        rows, fmt, out, store.scheme, include_unreviewed=include_unreviewed, progress=on_rows, texts=texts,
        tokens=tokens,
    )
    return written[0][1]
