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
per-token work is done by C-level iterators or numpy, not Python loops. A big
Prodigy export from the CLI writes its second half in a forked process.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sys
import threading
import zlib
from array import array
from bisect import bisect_right
from itertools import accumulate, chain, repeat
from operator import add, itemgetter
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from corpus.model import Analysis, Article

from annotations.errors import ExportError
from annotations.scheme import Scheme
from annotations.stats import corrupt_message
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


class ExportRow(NamedTuple):
    """One sentence to export. ``start``/``end`` locate it in the article text;
    ``spans`` are ``(start, end, label)`` relative to the sentence ``text``.

    A named tuple: export makes 100,000 of them and a tuple is the cheapest record
    Python builds (``collect_rows`` makes them with ``tuple.__new__``).
    """

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


_new_row = tuple.__new__


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
    filtered = label is not None or annotator is not None
    for article, analysis in items:
        placed = store.placed_labels(article, analysis.sentences)
        if problems is not None:
            if placed.error:
                problems.append(corrupt_message(article.id, placed.error, "its labels are not exported"))
            if placed.orphans:
                problems.append(
                    f"{article.id}: {placed.orphans} orphaned label(s) (their sentence "
                    "changed) not exported"
                )
        records = placed.records
        if not records and (filtered or not include_unreviewed):
            continue
        sentences = analysis.sentences
        # (start, -end, label) sorts by start, longest first, without a key function.
        keyed = sorted([(s.start, -s.end, s.label) for s in placed.spans(analysis.spans)])
        spans = [(s, -e, n) for s, e, n in keyed]
        span_starts = [s for s, _, _ in keyed]
        text, article_id, title = article.text, article.id, article.title
        for index in range(len(sentences)) if include_unreviewed else sorted(records):
            record = records.get(index)
            if record is None:
                if filtered:
                    continue
                name = None
            else:
                name = record.get("label")
                if name is None and not include_unreviewed:
                    continue
                if filtered and (
                    (label is not None and name != label)
                    or (annotator is not None and record.get("annotator") != annotator)
                ):
                    continue
            seg = sentences[index]
            a, b = seg.start, seg.end
            lo, hi = bisect_right(span_starts, a - 1), bisect_right(span_starts, b - 1)
            inside = tuple([(s - a, e - a, n) for s, e, n in spans[lo:hi] if e <= b]) if lo < hi else ()
            if record is None:
                yield _new_row(
                    ExportRow, (article_id, title, index, a, b, text[a:b], None, False, "", "", "", inside)
                )
                continue
            yield _new_row(
                ExportRow,
                (
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
                ),
            )


def write_export(
    rows: Sequence[ExportRow],
    fmt: str,
    out: Path,
    scheme: Scheme,
    *,
    progress: Progress | None = None,
    processes: int | None = None,
) -> int:
    """Write ``rows`` to ``out`` in format ``fmt``; returns the number of records written.

    ``processes=2`` writes a Prodigy file's second half in a forked process (see
    :func:`_write_lines_forked`); None does so only where it pays and is safe: at least
    20,000 rows, two CPUs, Linux, called from the main thread.
    """
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
            if processes is None:
                processes = 2 if len(rows) >= _FORK_ROWS and _cpus() >= 2 else 1
            if processes >= 2 and len(rows) >= 2 and _can_fork():
                return _write_lines_forked(rows, lambda part: prodigy_lines(part, scheme), out, advance)
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
_FORK_ROWS = 20_000  # below this a second process costs more than it saves


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Forking is only done where it is well-behaved: Linux, from the main thread (the
    app exports from a worker thread, and never forks)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.current_thread() is threading.main_thread()
    )


def _write_lines_forked(
    rows: Sequence[ExportRow],
    make_lines: Callable[[Sequence[ExportRow]], Iterable[str]],
    out: Path,
    advance: Progress,
) -> int:
    """Write ``make_lines(rows)`` to ``out``, the second half from a forked child.

    Formatting Prodigy tasks is CPU-bound Python; a forked child inherits the rows
    and the loaded tokenizer for free, writes its half to a temp file beside ``out``,
    and the parent appends it after writing its own half: the same bytes as one
    process writes. The child only formats and writes (no progress, no output) and
    leaves with ``os._exit``; on any failure the export fails with its message.
    """
    half = len(rows) // 2
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(read_end)
            with part.open("w", encoding="utf-8", newline="\n") as fh:
                _write_text_lines(make_lines(rows[half:]), fh, lambda n: None)
            code = 0
        except BaseException as error:  # reported by the parent
            try:
                os.write(write_end, str(error).encode("utf-8", "replace")[:2000])
            except BaseException:
                pass
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            _write_text_lines(make_lines(rows[:half]), fh, advance)
        _, status = os.waitpid(pid, 0)
        pid = 0
        message = os.read(read_end, 2000).decode("utf-8", "replace")
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            raise ExportError(f"cannot write {out}: {message or 'the second writer process failed'}")
        with out.open("ab") as fh, part.open("rb") as src:
            shutil.copyfileobj(src, fh, 1 << 22)
        advance(len(rows) - half)
        return len(rows)
    finally:
        if pid:  # the parent failed or was interrupted: stop the child
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(read_end)
        part.unlink(missing_ok=True)


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


def _meta_json(row: ExportRow, strings: dict[str, str] | None = None, *, with_label: bool = False) -> str:
    """``row``'s provenance as a JSON object (keys sorted, as ``json.dumps`` would order a dict).

    ``with_label`` adds the sentence label (``""`` when unreviewed). ``strings``
    memoises JSON string literals across rows (ids, titles and annotators repeat).
    """
    if strings is None:
        strings = {}
    js = strings.get
    annotator, article_id, title = row.annotator, row.article_id, row.title
    label = f'"label": {_json_str(row.label or "")}, ' if with_label else ""
    return (
        f'{{"annotator": {js(annotator) or strings.setdefault(annotator, _json_str(annotator))}, '
        f'"article_id": {js(article_id) or strings.setdefault(article_id, _json_str(article_id))}, '
        f'"checkworthy": {"true" if row.checkworthy else "false"}, "end": {row.end}, {label}'
        f'"note": {_json_str(row.note)}, "sentence_index": {row.sentence_index}, '
        f'"start": {row.start}, "title": {js(title) or strings.setdefault(title, _json_str(title))}}}'
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
    token's JSON object from ``"text"`` on; offsets and ids are filled in per sentence."""
    return (
        tuple(e - s for s, e, _, _ in tokens),
        tuple(e - s + ws for s, e, _, ws in tokens),
        tuple(
            f', "text": {_json_str(text[s:e])}, "ws": {"true" if ws else "false"}}}, '
            for s, e, _, ws in tokens
        ),
    )


_LENS, _ADVANCES, _TAILS = itemgetter(0), itemgetter(1), itemgetter(2)
_TEXT = itemgetter(5)  # ExportRow.text
_TABLE_LIMIT = 20_000  # longer sentences format their numbers one by one


def align(starts: Sequence[int], lens: Sequence[int], spans: Iterable[RowSpan]) -> list[tuple[int, int, str]]:
    """``(first, last, label)`` token indices of each span, widened to whole tokens.

    ``starts`` holds each token's offset plus, last, the text length; ``lens`` the
    token lengths. The tokens are those of spaCy's ``doc.char_span(start, end,
    alignment_mode="expand")``; spans for which that gives no token are left out.
    """
    n = len(lens)
    out = []
    if n == 0:
        return out
    size = starts[n]
    for start, end, label in spans:
        if not 0 <= start < end <= size:
            continue
        first = bisect_right(starts, start, 0, n) - 1
        last = bisect_right(starts, end - 1, 0, n) - 1
        if start == starts[first] + lens[first]:  # starts on the space after a token
            first += 1
        if first <= last:
            out.append((first, last, label))
    return out


def prodigy_lines(rows: Sequence[ExportRow], scheme: Scheme) -> Iterator[str]:
    """Prodigy tasks for ``rows`` as JSON lines (the same JSON as ``json.dumps(task,
    ensure_ascii=False)`` of the task dict)."""
    from murmurhash.mrmr import hash_bytes  # 32-bit, as Prodigy's own hashes (a spaCy dependency)

    options = _json([{"id": name, "text": name} for name in scheme.claim_names])
    options_key = ",".join(scheme.claim_names)
    chunker = ChunkTokenizer(tokenizer(), form=_prodigy_form)
    literals: dict[str, str] = {}
    # '{"end": E' / ', "id": K' / ', "start": S' for every number a sentence can need:
    # a token's JSON is then four looked-up strings, joined in C.
    size = min(max((len(r.text) for r in rows), default=0), _TABLE_LIMIT) + 2
    ends = [f'{{"end": {i}' for i in range(size)]
    ids = [f', "id": {i}' for i in range(size)]
    begins = [f', "start": {i}' for i in range(size)]
    for row, forms in zip(rows, chunker.pipe(map(_TEXT, rows))):
        text = row.text
        lens = list(chain.from_iterable(map(_LENS, forms)))
        starts = list(accumulate(chain.from_iterable(map(_ADVANCES, forms)), initial=0))
        tails = chain.from_iterable(map(_TAILS, forms))
        if len(text) + 2 <= size:
            pieces = zip(
                map(ends.__getitem__, map(add, starts, lens)),
                map(ids.__getitem__, range(len(lens))),
                map(begins.__getitem__, starts),
                tails,
            )
        else:
            pieces = zip(
                map('{{"end": {}'.format, map(add, starts, lens)),
                map(', "id": {}'.format, range(len(lens))),
                map(', "start": {}'.format, starts),
                tails,
            )
        tokens = "".join(chain.from_iterable(pieces))[:-2]
        spans_json = []
        span_key = []
        for first, last, name in align(starts, lens, row.spans) if row.spans else ():
            s, e = starts[first], starts[last] + lens[last]  # widened to whole tokens
            spans_json.append(
                f'{{"start": {s}, "end": {e}, "token_start": {first}, "token_end": {last}, '
                f'"label": {_json_str(name)}}}'
            )
            span_key.append(f"{s},{e},{name}")
        if row.label is None:
            answer, accept = "ignore", "[]"
        elif scheme.is_claim(row.label):
            answer, accept = "accept", f"[{_json_str(row.label)}]"
        else:
            answer, accept = "reject", "[]"
        label = row.label or ""
        input_hash = hash_bytes(text.encode("utf-8", "surrogatepass"))
        task_key = f"{input_hash}|{label}|{';'.join(span_key)}|{options_key}"
        task_hash = hash_bytes(task_key.encode("utf-8", "surrogatepass"))
        yield (
            f'{{"text": {_json_str(text)}, "tokens": [{tokens}], "spans": [{", ".join(spans_json)}], '
            f'"label": {_json_str(label)}, "options": {options}, "accept": {accept}, '
            f'"answer": "{answer}", "meta": {_meta_json(row, literals)}, '
            f'"_input_hash": {input_hash}, "_task_hash": {task_hash}}}'
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
    meta = _meta_json(row, with_label=True)
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
    position: int  # in the span arrays


def _docbin_form(text: str, tokens: tuple[Token, ...]) -> tuple[bytes, bytes]:
    """Per chunk, packed for the token table: the tokens' vocab hashes (uint64), and
    (length, advance, space) per token (uint32); appending bytes costs no per-token work."""
    return (
        array("Q", [o for _, _, o, _ in tokens]).tobytes(),
        array("I", chain.from_iterable((e - s, e - s + ws, ws) for s, e, _, ws in tokens)).tobytes(),
    )


class _Ids(dict):  # type: ignore[type-arg]
    """Label -> small number, numbering new labels as they come (C-speed lookups)."""

    def __missing__(self, key: str) -> int:
        self[key] = value = len(self)
        return value


_ORTHS, _SIZES = itemgetter(0), itemgetter(1)
_SPAN_START, _SPAN_END, _SPAN_LABEL = itemgetter(0), itemgetter(1), itemgetter(2)


def _write_docbin(rows: Sequence[ExportRow], out: Path, scheme: Scheme, advance: Progress) -> int:
    """Write a DocBin of one Doc per row without making the Docs.

    The token table (ORTH, ENT_IOB, ENT_TYPE per token) is filled from the chunk
    tokenizer, spans are aligned to tokens for all rows at once with numpy (as
    ``doc.char_span(..., alignment_mode="expand")`` and ``filter_spans`` would), and
    the result is written as ``DocBin.to_bytes`` lays it out, streamed through
    zlib. Holding a Doc, a per-Doc array and the whole msgpack payload for 100,000
    sentences is what made this slow and 670 MB big before.
    """
    import numpy
    from spacy.attrs import ENT_IOB, ENT_TYPE, ORTH
    from spacy.tokens import DocBin

    tok = tokenizer()
    chunker = ChunkTokenizer(tok, form=_docbin_form)
    # One cats dict per label, shared by every Doc with that label (msgpack writes each).
    cats = {
        label: {name: 1.0 if name == label else 0.0 for name in scheme.names} for label in scheme.names
    }
    no_cats: dict[str, float] = {}
    orths = bytearray()  # uint64 per token
    sizes = bytearray()  # uint32 length, advance, space per token
    lengths = array("i")  # tokens per row
    span_row, span_start, span_end, span_label = array("q"), array("q"), array("q"), array("q")
    label_ids = _Ids()
    doc_cats: list[dict[str, float]] = []
    for n, (row, forms) in enumerate(zip(rows, chunker.pipe(map(_TEXT, rows)))):
        packed = b"".join(map(_ORTHS, forms))
        orths += packed
        sizes += b"".join(map(_SIZES, forms))
        lengths.append(len(packed) >> 3)
        if row.spans:
            span_row.extend(repeat(n, len(row.spans)))
            span_start.extend(map(_SPAN_START, row.spans))
            span_end.extend(map(_SPAN_END, row.spans))
            span_label.extend(map(label_ids.__getitem__, map(_SPAN_LABEL, row.spans)))
        doc_cats.append(no_cats if row.label is None else cats.get(row.label) or {row.label: 1.0})
        if (n + 1) % _BATCH == 0:
            advance(_BATCH)
    advance(len(rows) % _BATCH)
    total = len(orths) >> 3

    # Spans first, while the per-token sizes are alive; then the table, once they are freed.
    size = numpy.frombuffer(sizes, dtype="uint32").reshape((-1, 3))
    spaces = size[:, 2].astype(bool).tobytes()
    first = last = labels = None
    if len(span_row):
        first, last, labels = _align_all(
            size[:, 0],
            size[:, 1],
            numpy.frombuffer(lengths, dtype="int32"),
            numpy.frombuffer(span_row, dtype="int64"),
            numpy.frombuffer(span_start, dtype="int64"),
            numpy.frombuffer(span_end, dtype="int64"),
            numpy.frombuffer(span_label, dtype="int64"),
        )
    del size, sizes
    attrs = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False).attrs
    col = {attr: attrs.index(attr) for attr in (ORTH, ENT_IOB, ENT_TYPE)}
    table = numpy.zeros((total, len(attrs)), dtype="uint64")
    table[:, col[ORTH]] = numpy.frombuffer(orths, dtype="uint64") if total else 0
    del orths
    table[:, col[ENT_IOB]] = 2  # O: every token outside the entities
    strings = tok.vocab.strings
    if first is not None and len(first):
        hashes = numpy.array([strings.add(name) for name in label_ids], dtype="uint64")
        width = last + 1 - first
        # the token index of every entity token, and its label's hash
        inside = numpy.repeat(first - numpy.cumsum(width) + width, width) + numpy.arange(width.sum())
        table[inside, col[ENT_TYPE]] = numpy.repeat(hashes[labels], width)
        table[inside, col[ENT_IOB]] = 1  # I
        table[first, col[ENT_IOB]] = 3  # B
        del inside
    words = numpy.unique(table[:, col[ORTH]]).tolist() if total else []
    _save_docbin(
        out,
        attrs=attrs,
        table=table,
        spaces=spaces,
        lengths=numpy.frombuffer(lengths, dtype="int32").tobytes() if len(lengths) else b"",
        strings=sorted({strings[h] for h in words} | set(label_ids)),
        cats=doc_cats,
    )
    return len(rows)


def _align_all(lens: Any, advances: Any, lengths: Any, rows: Any, starts: Any, ends: Any, labels: Any) -> tuple[Any, Any, Any]:
    """Token ranges ``(first, last inclusive, label)`` of all spans, as numpy arrays.

    Per row the same as :func:`align` then ``spacy.util.filter_spans``; done on the
    concatenation of all sentences at once (tokens tile their sentence, so a
    character offset plus its sentence's start finds its token by one search).
    """
    import numpy
    from spacy.util import filter_spans

    total = len(lens)
    if total == 0:
        return rows[:0], rows[:0], labels[:0]
    token_at = numpy.zeros(total + 1, dtype="int64")  # where each token starts, all rows end to end
    numpy.cumsum(advances, dtype="int64", out=token_at[1:])
    row_first = numpy.zeros(len(lengths) + 1, dtype="int64")
    numpy.cumsum(lengths, out=row_first[1:])
    base = token_at[row_first[rows]]  # where each span's sentence starts
    size = token_at[row_first[rows + 1]] - base
    ok = (starts >= 0) & (starts < ends) & (ends <= size)
    at = numpy.where(ok, base + starts, 0)
    to = numpy.where(ok, base + ends - 1, 0)
    first = numpy.searchsorted(token_at[:total], at, side="right") - 1
    last = numpy.searchsorted(token_at[:total], to, side="right") - 1
    first += at == token_at[first] + lens[first]  # starts on the space after a token
    ok &= first <= last
    first, last, labels, rows = first[ok], last[ok], labels[ok], rows[ok]
    # Spans come sorted by start in each row, so overlaps are between neighbours;
    # rows with any go through spaCy's own filter_spans.
    clash = (rows[1:] == rows[:-1]) & (first[1:] <= last[:-1])
    if clash.any():
        keep = numpy.ones(len(first), dtype=bool)
        for row in numpy.unique(rows[1:][clash]).tolist():
            where = numpy.flatnonzero(rows == row).tolist()
            kept = filter_spans(_TokenSpan(int(first[i]), int(last[i]) + 1, i) for i in where)
            keep[where] = False
            keep[[span.position for span in kept]] = True
        first, last, labels = first[keep], last[keep], labels[keep]
    return first, last, labels


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
    for article, analysis in analyzer.analyze_many(wanted, progress=progress):
        found[article.id] = analysis
    return [(a, found[a.id]) for a in wanted if a.id in found]


def stored_outside(corpus: Any, store: Store) -> list[str]:
    """Ids of stored articles that are not in the corpus (their labels cannot be exported).

    Unreadable store files are not among them: they are reported as corrupt
    (:func:`annotations.stats.corrupt_articles`), since their article id cannot be read.
    """
    ids = {a.id for a in corpus.articles}
    return sorted(
        s.article_id for s in store.summary().values() if s.article_id not in ids and not s.error
    )


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
            store, items, label=label, annotator=annotator, include_unreviewed=include_unreviewed
        )
    )
    return write_export(rows, fmt, out, store.scheme, progress=on_rows)
