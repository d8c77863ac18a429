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


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and there are 100k
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
    problems: list[str] | None = None,
) -> Iterator[ExportRow]:
    """The rows to export, article by article, sentence by sentence.

    Without ``include_unreviewed`` only sentences with a label are exported.
    ``label`` and ``annotator`` filter (an unknown label raises
    :class:`~annotations.errors.UnknownLabelError`). Unreadable store files and
    orphaned labels, which cannot be exported, are described in ``problems``.
    """
    if label is not None:
        store.scheme.require(label)
    for article, analysis in items:
        doc = store.article(article, analysis.sentences)
        if problems is not None:
            if doc.error:
                problems.append(doc.error)
            if doc.orphans:
                problems.append(
                    f"{article.id}: {len(doc.orphans)} orphaned label(s) (their sentence "
                    "changed) not exported"
                )
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
                return _write_text_lines(prodigy_lines(rows, scheme), fh, advance)
            if fmt == "doccano":
                return _write_lines((doccano_record(r) for r in rows), fh, advance)
            return _write_lines((doccano_spans_record(r) for r in rows), fh, advance)
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror})") from None


def _write_lines(records: Iterable[dict[str, Any]], fh: IO[str], advance: Progress) -> int:
    return _write_text_lines((_json(r) for r in records), fh, advance)


def _write_text_lines(lines: Iterable[str], fh: IO[str], advance: Progress) -> int:
    n = 0
    for line in lines:
        fh.write(line)
        fh.write("\n")
        n += 1
        if n % 500 == 0:
            advance(500)
    advance(n % 500)
    return n


# ------------------------------------------------------------------ prodigy


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


_json_str = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (C version)
_json = json.JSONEncoder(ensure_ascii=False).encode


def prodigy_lines(rows: Sequence[ExportRow], scheme: Scheme) -> Iterator[str]:
    """Prodigy tasks for ``rows`` as JSON lines (tokenised in one batch).

    The lines are put together here rather than by ``json.dumps`` of a dict: the
    token lists make up most of the output and formatting them directly is ~3x
    faster, which keeps a 100k-sentence export within seconds. The result is the
    same JSON ``json.dumps(task, ensure_ascii=False)`` would give.
    """
    from spacy.attrs import IDX, LENGTH, SPACY

    options = _json([{"id": name, "text": name} for name in scheme.claim_names])
    options_key = ",".join(scheme.claim_names)
    columns = [IDX, LENGTH, SPACY]
    for row, doc in zip(rows, tokenizer().pipe(r.text for r in rows)):
        text = row.text
        # Token offsets from one array call: much faster than Token attribute access.
        tokens = ", ".join(
            [
                f'{{"end": {i + n}, "id": {k}, "start": {i}, "text": {_json_str(text[i : i + n])}, '
                f'"ws": {"true" if ws else "false"}}}'
                for k, (i, n, ws) in enumerate(doc.to_array(columns).tolist())
            ]
        )
        spans = [
            {
                "start": span.start_char,
                "end": span.end_char,
                "token_start": span.start,
                "token_end": span.end - 1,
                "label": label,
            }
            for span, label in aligned_spans(doc, row.spans)
        ]
        if row.label is None:
            answer, accept = "ignore", []
        elif scheme.is_claim(row.label):
            answer, accept = "accept", [row.label]
        else:
            answer, accept = "reject", []
        label = row.label or ""
        input_hash = _hash32(text)
        span_key = ";".join(f"{s['start']},{s['end']},{s['label']}" for s in spans)
        task_hash = _hash32(f"{input_hash}|{label}|{span_key}|{options_key}")
        yield (
            f'{{"text": {_json_str(text)}, "tokens": [{tokens}], "spans": {_json(spans)}, '
            f'"label": {_json_str(label)}, "options": {options}, "accept": {_json(accept)}, '
            f'"answer": "{answer}", "meta": {_json(row.meta())}, '
            f'"_input_hash": {input_hash}, "_task_hash": {task_hash}}}'
        )


def _hash32(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).digest(),
        "big",
        signed=True,
    )


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
    from spacy.tokens import Span as SpacySpan
    from spacy.util import filter_spans

    # One cats dict per label, shared by every Doc with that label (DocBin keeps them).
    cats = {
        label: {name: 1.0 if name == label else 0.0 for name in scheme.names} for label in scheme.names
    }
    tok = tokenizer()
    doc_bin = _training_doc_bin(tok.vocab)
    n = 0
    for row, doc in zip(rows, tok.pipe(r.text for r in rows)):
        if row.label is not None:
            doc.cats = cats.get(row.label) or {row.label: 1.0}
        if row.spans:
            ents = [SpacySpan(doc, s.start, s.end, label=label) for s, label in aligned_spans(doc, row.spans)]
            doc.ents = filter_spans(ents)
        doc_bin.add(doc)
        n += 1
        if n % 500 == 0:
            advance(500)
    advance(n % 500)
    doc_bin.finish()
    doc_bin.to_disk(out)
    return n


def _training_doc_bin(vocab: Any) -> Any:
    """A DocBin whose ``add`` is fast for tokenizer-only Docs with ents and cats.

    spaCy's ``DocBin.add`` collects nine strings per token (tag, lemma, dep, ...)
    through Python attribute access; these Docs only ever have token texts and
    entity labels, so the strings are found once, from the unique hashes, in
    :meth:`finish`. The saved file is an ordinary DocBin (``DocBin().from_disk``).
    """
    import numpy
    from spacy.attrs import SPACY
    from spacy.tokens import DocBin

    class TrainingDocBin(DocBin):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
            self._hashes: set[int] = set()

        def add(self, doc: Any) -> None:
            array = doc.to_array(self.attrs)
            self.tokens.append(array)
            spaces = doc.to_array(SPACY).reshape((-1, 1))
            self.spaces.append(numpy.asarray(spaces, dtype=bool))
            self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
            self._hashes.update(array[:, 0].tolist())
            self._hashes.update(array[:, 2].tolist())
            self.cats.append(doc.cats)
            self.span_groups.append(doc.spans.to_bytes())

        def finish(self) -> None:
            strings = vocab.strings
            self.strings.update(strings[h] for h in self._hashes if h in strings)

    return TrainingDocBin()


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
