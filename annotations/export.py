"""Export sentence labels as Prodigy JSONL, doccano JSONL, CSV or a spaCy DocBin.

Export works in two steps: :func:`collect_rows` turns the store plus the corpus
analyses into :class:`ExportRow` records (one per sentence, spans already corrected
and made relative to the sentence), then :func:`write_export` writes one format.

Formats (see docs/store.md for field lists):

- ``prodigy``: one task per sentence for the ``choice`` interface, with tokens and
  spans (token-aligned), ``answer`` accept (claim) / reject (none) / ignore (unreviewed).
- ``doccano``: doccano text-classification JSONL, ``{"text", "label": [name], "meta"}``.
- ``doccano-spans``: doccano sequence-labelling JSONL, ``{"text", "label": [[s, e, L]], "meta"}``.
- ``csv``: one row per sentence with the columns of :data:`CSV_COLUMNS`.
- ``spacy``: a DocBin with one Doc per sentence, exclusive ``cats`` over the scheme
  and ``ents`` from the corrected spans, ready for ``spacy train``.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from corpus.model import Analysis, Article, Span

from annotations.errors import ExportError
from annotations.scheme import Scheme
from annotations.store import Store

FORMATS: tuple[str, ...] = ("prodigy", "doccano", "doccano-spans", "csv", "spacy")
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

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One sentence to export. ``start``/``end`` locate it in the article text;
    ``spans`` are relative to the sentence ``text``."""

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
    spans: tuple[Span, ...] = ()

    def meta(self) -> dict[str, Any]:
        """The row's provenance, as carried in the ``meta`` of the JSONL formats."""
        return {
            "annotator": self.annotator,
            "article_id": self.article_id,
            "checkworthy": self.checkworthy,
            "end": self.end,
            "note": self.note,
            "sentence_index": self.sentence_index,
            "start": self.start,
            "title": self.title,
        }


def collect_rows(
    store: Store,
    items: Iterable[tuple[Article, Analysis]],
    *,
    label: str | None = None,
    annotator: str | None = None,
    include_unreviewed: bool = False,
) -> Iterator[ExportRow]:
    """The rows to export, article by article, sentence by sentence.

    Without ``include_unreviewed`` only sentences with a label are exported.
    ``label`` and ``annotator`` filter (an unknown label raises
    :class:`~annotations.errors.UnknownLabelError`).
    """
    if label is not None:
        store.scheme.require(label)
    for article, analysis in items:
        doc = store.article(article, analysis.sentences)
        spans = sorted(doc.spans(analysis.spans), key=lambda s: (s.start, -s.end))
        text = article.text
        k = 0  # spans are sorted by start: walk them alongside the sentences
        for index, seg in enumerate(analysis.sentences):
            record = doc.labels.get(index)
            name = record.label if record else None
            if name is None and not include_unreviewed:
                continue
            if label is not None and name != label:
                continue
            if annotator is not None and (record is None or record.annotator != annotator):
                continue
            while k < len(spans) and spans[k].start < seg.start:
                k += 1
            inside: list[Span] = []
            j = k
            while j < len(spans) and spans[j].start < seg.end:
                s = spans[j]
                if s.end <= seg.end:
                    inside.append(Span(s.start - seg.start, s.end - seg.start, s.label, s.kind))
                j += 1
            yield ExportRow(
                article_id=article.id,
                title=article.title,
                sentence_index=index,
                start=seg.start,
                end=seg.end,
                text=text[seg.start : seg.end],
                label=name,
                checkworthy=bool(record and record.checkworthy),
                note=record.note if record else "",
                annotator=record.annotator if record else "",
                updated=record.updated if record else "",
                spans=tuple(inside),
            )


def write_export(
    rows: Sequence[ExportRow],
    fmt: str,
    out: Path,
    scheme: Scheme,
    *,
    progress: Progress | None = None,
) -> int:
    """Write ``rows`` to ``out`` in format ``fmt``; returns the number of records written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise ExportError(f"cannot write {out}: folder {out.parent} does not exist")
    advance = progress or (lambda n: None)
    try:
        if fmt == "spacy":
            return _write_docbin(rows, out, scheme, advance)
        if fmt == "csv":
            with out.open("w", encoding="utf-8", newline="") as fh:
                return _write_csv(rows, fh, advance)
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            if fmt == "prodigy":
                return _write_lines(prodigy_tasks(rows, scheme), fh, advance)
            if fmt == "doccano":
                return _write_lines((doccano_record(r) for r in rows), fh, advance)
            return _write_lines((doccano_spans_record(r) for r in rows), fh, advance)
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror})") from None


def _write_lines(records: Iterable[dict[str, Any]], fh: IO[str], advance: Progress) -> int:
    n = 0
    for record in records:
        fh.write(json.dumps(record, ensure_ascii=False))
        fh.write("\n")
        n += 1
        if n % 500 == 0:
            advance(500)
    advance(n % 500)
    return n


# ------------------------------------------------------------------ prodigy


def stable_hash(value: Any) -> int:
    """A deterministic signed 32-bit hash of JSON-able ``value`` (like Prodigy's hashes)."""
    raw = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=4).digest(), "big", signed=True)


_TOKENIZER: Any = None


def tokenizer() -> Any:
    """spaCy's blank English tokenizer (the same rules as the English pipelines), loaded once."""
    global _TOKENIZER
    if _TOKENIZER is None:
        import spacy

        _TOKENIZER = spacy.blank("en").tokenizer
    return _TOKENIZER


def aligned_spans(doc: Any, spans: Sequence[Span]) -> list[tuple[Any, str]]:
    """``(spaCy Span, label)`` for each span, widened to token boundaries when needed."""
    out = []
    for s in spans:
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is not None and len(span) > 0:
            out.append((span, s.label))
    return out


def prodigy_tasks(rows: Sequence[ExportRow], scheme: Scheme) -> Iterator[dict[str, Any]]:
    """Prodigy tasks for ``rows`` (tokenised in one batch)."""
    options = [{"id": name, "text": name} for name in scheme.claim_names]
    docs = tokenizer().pipe(r.text for r in rows)
    for row, doc in zip(rows, docs):
        tokens = [
            {
                "end": t.idx + len(t.text),
                "id": t.i,
                "start": t.idx,
                "text": t.text,
                "ws": bool(t.whitespace_),
            }
            for t in doc
        ]
        spans = [
            {
                "end": span.end_char,
                "label": label,
                "start": span.start_char,
                "token_end": span.end - 1,
                "token_start": span.start,
            }
            for span, label in aligned_spans(doc, row.spans)
        ]
        if row.label is None:
            answer, accept = "ignore", []
        elif scheme.is_claim(row.label):
            answer, accept = "accept", [row.label]
        else:
            answer, accept = "reject", []
        input_hash = stable_hash({"text": row.text})
        task: dict[str, Any] = {
            "text": row.text,
            "tokens": tokens,
            "spans": spans,
            "label": row.label or "",
            "options": options,
            "accept": accept,
            "answer": answer,
            "meta": row.meta(),
            "_input_hash": input_hash,
        }
        task["_task_hash"] = stable_hash(
            {"input": input_hash, "spans": spans, "label": task["label"], "options": options}
        )
        yield task


# ------------------------------------------------------------------ doccano


def doccano_record(row: ExportRow) -> dict[str, Any]:
    """A doccano text-classification record: ``{"text", "label": [name], "meta"}``."""
    return {"text": row.text, "label": [row.label] if row.label else [], "meta": row.meta()}


def doccano_spans_record(row: ExportRow) -> dict[str, Any]:
    """A doccano sequence-labelling record; the claim label rides in ``meta.label``."""
    meta = row.meta()
    meta["label"] = row.label or ""
    return {
        "text": row.text,
        "label": [[s.start, s.end, s.label] for s in row.spans],
        "meta": meta,
    }


# ---------------------------------------------------------------------- csv


def _write_csv(rows: Iterable[ExportRow], fh: IO[str], advance: Progress) -> int:
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for r in rows:
        writer.writerow(
            [
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
            ]
        )
        n += 1
        if n % 500 == 0:
            advance(500)
    advance(n % 500)
    return n


# -------------------------------------------------------------------- spacy


def _write_docbin(rows: Sequence[ExportRow], out: Path, scheme: Scheme, advance: Progress) -> int:
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    names = scheme.names
    doc_bin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    n = 0
    for row, doc in zip(rows, tokenizer().pipe(r.text for r in rows)):
        if row.label is not None:
            doc.cats = {name: 1.0 if name == row.label else 0.0 for name in names}
        ents = []
        for span, label in aligned_spans(doc, row.spans):
            ents.append(doc.char_span(span.start_char, span.end_char, label=label))
        doc.ents = filter_spans([e for e in ents if e is not None])
        doc.user_data["claimscope"] = row.meta()
        doc_bin.add(doc)
        n += 1
        if n % 500 == 0:
            advance(500)
    advance(n % 500)
    doc_bin.to_disk(out)
    return n


# ------------------------------------------------------------ whole corpus


def corpus_items(
    corpus: Any,
    store: Store,
    analyzer: Any = None,
    *,
    include_unreviewed: bool = False,
    on_article: Callable[[Article], None] | None = None,
) -> list[tuple[Article, Analysis]]:
    """``(article, analysis)`` in corpus order for the articles an export needs.

    Without ``include_unreviewed`` only articles with a store file are analysed.
    Analyses come from the cache, else from ``analyzer`` (a
    ``corpus.analysis.Analyzer``; created with the default model when None).
    """
    if include_unreviewed:
        wanted = list(corpus.articles)
    else:
        wanted = [a for a in corpus.articles if store.file_for(a.id).exists()]
    if not wanted:
        return []
    if analyzer is None:
        from corpus.analysis import Analyzer

        analyzer = Analyzer()
    found: dict[str, Analysis] = {}
    progress = (lambda article, _cached: on_article(article)) if on_article else None
    for article, analysis in analyzer.analyze_many(wanted, progress=progress):
        found[article.id] = analysis
    return [(a, found[a.id]) for a in wanted if a.id in found]


def stored_outside(corpus: Any, store: Store) -> list[str]:
    """Ids of stored articles that are not in the corpus (their labels cannot be exported)."""
    ids = {a.id for a in corpus.articles}
    return sorted(s.article_id for s in store.summary().values() if s.article_id not in ids)


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
) -> int:
    """Export a whole corpus's labels to ``out``; returns the number of records written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    items = corpus_items(
        corpus, store, analyzer, include_unreviewed=include_unreviewed, on_article=on_article
    )
    rows = list(
        collect_rows(
            store, items, label=label, annotator=annotator, include_unreviewed=include_unreviewed
        )
    )
    return write_export(rows, fmt, out, store.scheme, progress=on_rows)
