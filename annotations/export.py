"""Export sentence labels as Prodigy JSONL, doccano JSONL, CSV or a spaCy DocBin.

Export works in two steps: :func:`collect_rows` turns the store plus the corpus
analyses into :class:`ExportRow` records (one per sentence, spans already corrected
and made relative to the sentence), then :func:`write_export` writes one format.

Formats (see docs/store.md for field lists):

- ``prodigy``: one task per sentence for the ``choice`` interface, with tokens and
  spans (token-aligned), ``answer`` accept (claim) / reject (none) / ignore (unreviewed).
- ``doccano``: ``{"text", "label": [name], "entities": [[s, e, L]], "cats": [name], "meta"}``:
  doccano's text-classification import reads ``label`` (and keeps the rest as
  metadata), its intent-detection/slot-filling import reads ``cats`` + ``entities``.
- ``doccano-spans``: doccano sequence-labelling JSONL, ``{"text", "label": [[s, e, L]], "meta"}``.
- ``csv``: one row per sentence with the columns of :data:`CSV_COLUMNS`.
- ``spacy``: a DocBin with one Doc per sentence, exclusive ``cats`` over the scheme
  and ``ents`` from the corrected spans, ready for ``spacy train``.

Speed: 100,000 sentences export in a few seconds. The JSON lines are put together
from pieces instead of ``json.dumps`` of dicts (they are the same JSON that
``json.dumps(record, ensure_ascii=False)`` gives); tokens come from
:class:`annotations.tokens.ChunkTokenizer`, which tokenises each distinct word once;
per-token work is done by C-level iterators or numpy, not Python loops.
"""

from __future__ import annotations

import csv
import hashlib
import json
import zlib
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import add, itemgetter
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from corpus.model import Analysis, Article

from annotations.errors import ExportError
from annotations.scheme import Scheme
from annotations.store import Store
from annotations.tokens import ChunkTokenizer, Token, load_tokenizer

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

#: A span inside a sentence: ``(start, end, label)``, offsets into the sentence text.
RowSpan = tuple[int, int, str]


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and there are 100k
class ExportRow:
    """One sentence to export. ``start``/``end`` locate it in the article text;
    ``spans`` are ``(start, end, label)`` relative to the sentence ``text``."""

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
    spans: tuple[RowSpan, ...] = ()

    def meta(self) -> dict[str, Any]:
        """The row's provenance, as carried in the ``meta`` of the JSONL formats."""
        return json.loads(_meta_json(self))


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
        placed = store.placed_labels(article, analysis.sentences)
        if problems is not None:
            if placed.error:
                problems.append(placed.error)
            if placed.orphans:
                problems.append(
                    f"{article.id}: {placed.orphans} orphaned label(s) (their sentence "
                    "changed) not exported"
                )
        records = placed.records
        sentences = analysis.sentences
        chosen: list[tuple[int, dict[str, Any] | None]] = []
        if include_unreviewed:
            chosen = [(i, records.get(i)) for i in range(len(sentences))]
        else:
            chosen = [(i, records[i]) for i in sorted(records) if records[i].get("label") is not None]
        if label is not None:
            chosen = [(i, r) for i, r in chosen if r is not None and r.get("label") == label]
        if annotator is not None:
            chosen = [(i, r) for i, r in chosen if r is not None and r.get("annotator") == annotator]
        if not chosen:
            continue
        spans = sorted(placed.spans(analysis.spans), key=lambda s: (s.start, -s.end))
        span_starts = [s.start for s in spans]
        text = article.text
        article_id, title = article.id, article.title
        for index, record in chosen:
            seg = sentences[index]
            a, b = seg.start, seg.end
            inside = tuple(
                (s.start - a, s.end - a, s.label)
                for s in spans[bisect_right(span_starts, a - 1) : bisect_right(span_starts, b - 1)]
                if s.end <= b
            )
            if record is None:
                yield ExportRow(article_id, title, index, a, b, text[a:b], None, False, "", "", "", inside)
                continue
            name = record.get("label")
            yield ExportRow(
                article_id,
                title,
                index,
                a,
                b,
                text[a:b],
                None if name is None else str(name),
                bool(record.get("checkworthy")),
                str(record.get("note") or ""),
                str(record.get("annotator") or ""),
                str(record.get("updated") or ""),
                inside,
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
        if fmt == "prodigy":
            lines = prodigy_lines(rows, scheme)
        elif fmt == "doccano":
            lines = map(doccano_line, rows)
        else:
            lines = map(doccano_spans_line, rows)
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            return _write_text_lines(lines, fh, advance)
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror})") from None


_BATCH = 1000  # lines per write() call and per progress step


def _write_text_lines(lines: Iterable[str], fh: IO[str], advance: Progress) -> int:
    n = 0
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == _BATCH:
            batch.append("")
            fh.write("\n".join(batch))
            n += _BATCH
            advance(_BATCH)
            batch = []
    if batch:
        batch.append("")
        fh.write("\n".join(batch))
        n += len(batch) - 1
        advance(len(batch) - 1)
    return n


# ------------------------------------------------------------------ JSON pieces

_json_str = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (C version)
_json = json.JSONEncoder(ensure_ascii=False).encode


def _meta_json(row: ExportRow) -> str:
    """``row``'s provenance as a JSON object (keys sorted, as ``json.dumps`` would order a dict)."""
    return (
        f'{{"annotator": {_json_str(row.annotator)}, "article_id": {_json_str(row.article_id)}, '
        f'"checkworthy": {"true" if row.checkworthy else "false"}, "end": {row.end}, '
        f'"note": {_json_str(row.note)}, "sentence_index": {row.sentence_index}, '
        f'"start": {row.start}, "title": {_json_str(row.title)}}}'
    )


def _spans_json(spans: Sequence[RowSpan]) -> str:
    """``[[start, end, "LABEL"], ...]``."""
    if not spans:
        return "[]"
    return "[" + ", ".join([f"[{s}, {e}, {_json_str(label)}]" for s, e, label in spans]) + "]"


# ------------------------------------------------------------------ prodigy


_TOKENIZER: Any = None


def tokenizer() -> Any:
    """spaCy's blank English tokenizer (the same rules as the English pipelines), loaded once."""
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = load_tokenizer()
    return _TOKENIZER


def _prodigy_form(text: str, tokens: tuple[Token, ...]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
    """Per chunk: token lengths, advances (length + following space) and the end of each
    token's JSON object from ``"text"`` on; the offsets and ids are filled in per sentence."""
    return (
        tuple(e - s for s, e, _, _ in tokens),
        tuple(e - s + ws for s, e, _, ws in tokens),
        tuple(
            f', "text": {_json_str(text[s:e])}, "ws": {"true" if ws else "false"}}}, '
            for s, e, _, ws in tokens
        ),
    )


_LENS, _ADVANCES, _TAILS = itemgetter(0), itemgetter(1), itemgetter(2)
_NUMBERS: list[str] = []


def _numbers(upto: int) -> list[str]:
    """``str(i)`` for ``i < upto``, kept: looking a number up is cheaper than formatting it."""
    if len(_NUMBERS) < upto:
        _NUMBERS.extend(str(i) for i in range(len(_NUMBERS), max(upto, 4096)))
    return _NUMBERS


def align(starts: Sequence[int], lens: Sequence[int], start: int, end: int) -> tuple[int, int] | None:
    """The tokens ``(first, last)`` covering characters ``start:end``, widened to whole tokens.

    ``starts`` holds each token's offset plus, last, the text length; ``lens`` the
    token lengths. The same tokens as spaCy's ``doc.char_span(start, end,
    alignment_mode="expand")``; None where that gives no token.
    """
    n = len(lens)
    if n == 0 or not 0 <= start < end <= starts[n]:
        return None
    first = bisect_right(starts, start, 0, n) - 1
    last = bisect_right(starts, end - 1, 0, n) - 1
    if start == starts[first] + lens[first]:  # starts on the space after a token
        first += 1
    return (first, last) if first <= last else None


def prodigy_lines(rows: Sequence[ExportRow], scheme: Scheme) -> Iterator[str]:
    """Prodigy tasks for ``rows`` as JSON lines (the same JSON as ``json.dumps(task,
    ensure_ascii=False)`` of the task dict)."""
    options = _json([{"id": name, "text": name} for name in scheme.claim_names])
    options_key = ",".join(scheme.claim_names)
    chunker = ChunkTokenizer(tokenizer(), form=_prodigy_form)
    head, mid_id, mid_start = repeat('{"end": '), repeat(', "id": '), repeat(', "start": ')
    for row, forms in zip(rows, chunker.pipe(r.text for r in rows)):
        text = row.text
        lens = list(chain.from_iterable(map(_LENS, forms)))
        starts = list(accumulate(chain.from_iterable(map(_ADVANCES, forms)), initial=0))
        number = _numbers(len(text) + 2).__getitem__
        # Each token's JSON from C-level iterators: '{"end": E, "id": K, "start": S' + tail.
        tokens = "".join(
            chain.from_iterable(
                zip(
                    head,
                    map(number, map(add, starts, lens)),
                    mid_id,
                    map(number, range(len(lens))),
                    mid_start,
                    map(number, starts),
                    chain.from_iterable(map(_TAILS, forms)),
                )
            )
        )[:-2]
        spans = []
        for s, e, label in row.spans:
            found = align(starts, lens, s, e)
            if found is not None:
                first, last = found
                spans.append((starts[first], starts[last] + lens[last], first, last, label))
        spans_json = ", ".join(
            [
                f'{{"start": {s}, "end": {e}, "token_start": {first}, "token_end": {last}, '
                f'"label": {_json_str(label)}}}'
                for s, e, first, last, label in spans
            ]
        )
        if row.label is None:
            answer, accept = "ignore", "[]"
        elif scheme.is_claim(row.label):
            answer, accept = "accept", f"[{_json_str(row.label)}]"
        else:
            answer, accept = "reject", "[]"
        label = row.label or ""
        input_hash = _hash32(text)
        span_key = ";".join(f"{s},{e},{label}" for s, e, _, _, label in spans)
        task_hash = _hash32(f"{input_hash}|{label}|{span_key}|{options_key}")
        yield (
            f'{{"text": {_json_str(text)}, "tokens": [{tokens}], "spans": [{spans_json}], '
            f'"label": {_json_str(label)}, "options": {options}, "accept": {accept}, '
            f'"answer": "{answer}", "meta": {_meta_json(row)}, '
            f'"_input_hash": {input_hash}, "_task_hash": {task_hash}}}'
        )


def _hash32(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).digest(),
        "big",
        signed=True,
    )


# ------------------------------------------------------------------ doccano


def doccano_line(row: ExportRow) -> str:
    """One doccano JSONL line: ``{"text", "label": [name], "entities": [[s, e, L]], "cats": [name], "meta"}``.

    ``label`` is what doccano's text-classification import reads; ``entities`` +
    ``cats`` what its intent-detection (classification + spans) import reads.
    """
    names = f"[{_json_str(row.label)}]" if row.label else "[]"
    return (
        f'{{"text": {_json_str(row.text)}, "label": {names}, "entities": {_spans_json(row.spans)}, '
        f'"cats": {names}, "meta": {_meta_json(row)}}}'
    )


def doccano_spans_line(row: ExportRow) -> str:
    """A doccano sequence-labelling line; the claim label rides in ``meta.label``."""
    meta = _meta_json(row)
    # "label" sorts between "end" and "note" in the meta keys.
    at = meta.index(', "note": ')
    meta = f'{meta[:at]}, "label": {_json_str(row.label or "")}{meta[at:]}'
    return f'{{"text": {_json_str(row.text)}, "label": {_spans_json(row.spans)}, "meta": {meta}}}'


def doccano_record(row: ExportRow) -> dict[str, Any]:
    """The ``doccano`` record of ``row`` as a dict."""
    return json.loads(doccano_line(row))


def doccano_spans_record(row: ExportRow) -> dict[str, Any]:
    """The ``doccano-spans`` record of ``row`` as a dict."""
    return json.loads(doccano_spans_line(row))


# ---------------------------------------------------------------------- csv


def _write_csv(rows: Sequence[ExportRow], fh: IO[str], advance: Progress) -> int:
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    for at in range(0, len(rows), _BATCH):
        batch = rows[at : at + _BATCH]
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


# -------------------------------------------------------------------- spacy


class _TokenSpan(NamedTuple):
    """A span in token indices, shaped for ``spacy.util.filter_spans`` (start, end exclusive)."""

    start: int
    end: int
    label: str


def _docbin_form(text: str, tokens: tuple[Token, ...]) -> tuple[tuple[int, ...], bytes, tuple[int, ...], tuple[int, ...]]:
    """Per chunk: vocab hashes, spaces (one byte per token), lengths, advances."""
    return (
        tuple(o for _, _, o, _ in tokens),
        bytes(ws for _, _, _, ws in tokens),
        tuple(e - s for s, e, _, _ in tokens),
        tuple(e - s + ws for s, e, _, ws in tokens),
    )


_ORTHS, _SPACES, _DLENS, _DADVANCES = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


def _write_docbin(rows: Sequence[ExportRow], out: Path, scheme: Scheme, advance: Progress) -> int:
    """Write a DocBin of one Doc per row without making the Docs.

    The token table (ORTH, ENT_IOB, ENT_TYPE per token) is filled straight from the
    chunk tokenizer and the aligned spans, then written as ``DocBin.to_bytes`` lays
    it out, streamed through zlib: holding a spaCy Doc, a per-Doc array and the
    whole msgpack payload for 100,000 sentences is what cost 670 MB before.
    """
    import numpy
    from spacy.attrs import ENT_IOB, ENT_TYPE, ORTH
    from spacy.util import filter_spans

    tok = tokenizer()
    strings = tok.vocab.strings
    chunker = ChunkTokenizer(tok, form=_docbin_form)
    # One cats dict per label, shared by every Doc with that label (msgpack writes each).
    cats = {
        label: {name: 1.0 if name == label else 0.0 for name in scheme.names} for label in scheme.names
    }
    no_cats: dict[str, float] = {}
    orths = array("Q")
    spaces = bytearray()
    lengths = array("i")
    ent_first, ent_end, ent_type = array("q"), array("q"), array("Q")
    labels: set[str] = set()
    doc_cats: list[dict[str, float]] = []
    total = 0
    for n_row, (row, forms) in enumerate(zip(rows, chunker.pipe(r.text for r in rows)), start=1):
        orths.extend(chain.from_iterable(map(_ORTHS, forms)))
        spaces.extend(chain.from_iterable(map(_SPACES, forms)))
        n = len(orths) - total
        if row.spans:
            lens = list(chain.from_iterable(map(_DLENS, forms)))
            starts = list(accumulate(chain.from_iterable(map(_DADVANCES, forms)), initial=0))
            found = []
            for s, e, label in row.spans:
                where = align(starts, lens, s, e)
                if where is not None:
                    found.append(_TokenSpan(where[0], where[1] + 1, label))
            if len(found) > 1:
                found = filter_spans(found)
            for span in found:
                ent_first.append(total + span.start)
                ent_end.append(total + span.end)
                ent_type.append(strings.add(span.label))
                labels.add(span.label)
        lengths.append(n)
        total += n
        doc_cats.append(no_cats if row.label is None else cats.get(row.label) or {row.label: 1.0})
        if n_row % _BATCH == 0:
            advance(_BATCH)
    advance(len(rows) % _BATCH)

    from spacy.tokens import DocBin

    attrs = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False).attrs
    table = numpy.zeros((total, len(attrs)), dtype="uint64")
    col = {attr: attrs.index(attr) for attr in (ORTH, ENT_IOB, ENT_TYPE)}
    table[:, col[ORTH]] = numpy.frombuffer(orths, dtype="uint64") if total else 0
    del orths
    table[:, col[ENT_IOB]] = 2  # O: every token outside the spans
    if len(ent_first):
        first = numpy.frombuffer(ent_first, dtype="int64")
        width = numpy.frombuffer(ent_end, dtype="int64") - first
        # the token indices of every entity, and each one's label hash
        inside = numpy.repeat(first - numpy.cumsum(width) + width, width) + numpy.arange(width.sum())
        table[inside, col[ENT_TYPE]] = numpy.repeat(numpy.frombuffer(ent_type, dtype="uint64"), width)
        table[inside, col[ENT_IOB]] = 1  # I
        table[first, col[ENT_IOB]] = 3  # B
    words = numpy.unique(table[:, col[ORTH]]).tolist() if total else []
    _save_docbin(
        out,
        attrs=attrs,
        table=table,
        spaces=bytes(spaces),
        lengths=numpy.frombuffer(lengths, dtype="int32").tobytes() if len(lengths) else b"",
        strings=sorted({strings[h] for h in words} | labels),
        cats=doc_cats,
    )
    return len(rows)


def _save_docbin(
    out: Path,
    *,
    attrs: list[int],
    table: Any,
    spaces: bytes,
    lengths: bytes,
    strings: list[str],
    cats: list[dict[str, float]],
) -> None:
    """Write what ``DocBin.to_bytes`` writes (zlib of a msgpack map), in pieces.

    Same keys and values as spaCy 3's DocBin (version 0.1), so ``DocBin().from_disk``
    reads it; the token table goes from memory into zlib without a msgpack copy.
    """
    import srsly
    from spacy.tokens._dict_proxies import SpanGroups

    count = len(cats)
    fields: list[tuple[str, Any]] = [
        ("version", "0.1"),
        ("attrs", attrs),
        ("tokens", table),
        ("spaces", spaces),
        ("lengths", lengths),
        ("strings", strings),
        ("cats", cats),
        ("flags", [{"has_unknown_spaces": False}] * count),
        ("span_groups", [SpanGroups._EMPTY_BYTES] * count),
    ]
    compressor = zlib.compressobj(1)  # level 1: as small as the default on these tables, 3x faster
    with out.open("wb") as fh:
        fh.write(compressor.compress(bytes([0x80 | len(fields)])))  # msgpack fixmap header
        for key, value in fields:
            fh.write(compressor.compress(srsly.msgpack_dumps(key)))
            if key == "tokens":
                data = memoryview(value).cast("B") if value.size else memoryview(b"")
                fh.write(compressor.compress(b"\xc6" + len(data).to_bytes(4, "big")))  # bin 32
                for at in range(0, len(data), 1 << 22):
                    fh.write(compressor.compress(data[at : at + (1 << 22)]))
            else:
                fh.write(compressor.compress(srsly.msgpack_dumps(value)))
        fh.write(compressor.flush())


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
