"""spaCy DocBin: one Doc per sentence, ready for ``spacy train`` (textcat, ner, spancat).

- ``cats``: exclusive over the scheme (empty for an unreviewed sentence).
- ``ents``: the corrected spans, widened to whole tokens; where spans overlap, the
  longest of each group (spaCy's ``filter_spans``). On a sentence whose spans nobody
  reviewed (no label, no span correction: the spans are the model's guesses) every
  token's entity tag is missing (``-``), not ``O``, so they are not trained as gold.
- ``spans["sc"]``: every span of a reviewed sentence, overlaps included, widened to
  whole tokens, for ``spancat``.
- ``spans["attribution"]``: who claims the sentence, its source and cue as spans
  labelled ``SOURCE`` and ``CUE`` (annotations/formats/claimant.py), widened to whole
  tokens; on every sentence whose claimant has one inside it.
- ``user_data``: ``article_id``, ``sentence_index``, ``annotator``, ``label_source``
  (``"annotator"``: a person labelled the sentence; ``"unreviewed"``) and
  ``spans_reviewed``. Read with ``DocBin(store_user_data=True)``.

The Docs are never made: the token table comes from the chunk tokenizer (from the
tokens cached with the analyses where there are: no tokenizer loaded), spans are
aligned for all rows at once with numpy, and the bytes are those ``DocBin.to_bytes``
writes, streamed through zlib. A part of an export written by two processes is kept
in zlib pieces that are joined without being compressed again (:func:`join_docbins`).
"""

from __future__ import annotations

import json
import zlib
from array import array
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from annotations.errors import ExportError
from annotations.formats.jsonl import BATCH
from annotations.formats.registry import Format, WriteContext, register
from annotations.formats.rows import ExportRow
from annotations.formats.spacy_strings import ENT_IOB, ENT_TYPE, ORTH, Strings
from annotations.formats.zlib_pieces import Piece, piece, write_piece, write_stream
from corpus.tokens import ChunkTokenizer, Token
from annotations.tokens import known_tokens

_TEXT = itemgetter(5)  # ExportRow.text


class _TokenSpan(NamedTuple):
    """A span in token indices, shaped for ``spacy.util.filter_spans`` (start, end exclusive)."""

    start: int
    end: int
    position: int  # in the span arrays


def _docbin_form(strings: Any) -> Callable[[str, tuple[Token, ...]], tuple[bytes, bytes]]:
    """Per chunk, packed for the token table: the tokens' vocab hashes (uint64, from
    ``strings``, a :class:`Strings`: cached tokens carry none), and (length,
    advance) per token (uint32; the space after it is the difference); appending bytes
    costs no per-token work."""
    add = strings.add

    def form(text: str, tokens: tuple[Token, ...]) -> tuple[bytes, bytes]:
        return (
            array("Q", [add(text[s:e]) for s, e, _, _ in tokens]).tobytes(),
            array("I", chain.from_iterable((e - s, e - s + ws) for s, e, _, ws in tokens)).tobytes(),
        )

    return form


class _Ids(dict):  # type: ignore[type-arg]
    """Label -> small number, numbering new labels as they come (C-speed lookups)."""

    def __missing__(self, key: str) -> int:
        self[key] = value = len(self)
        return value


_ORTHS, _SIZES = itemgetter(0), itemgetter(1)
_SPAN_START, _SPAN_END, _SPAN_LABEL = itemgetter(0), itemgetter(1), itemgetter(2)

#: ``DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"]).attrs``: ORTH first, then the others sorted.
_DOCBIN_ATTRS = [ORTH, *sorted((ENT_IOB, ENT_TYPE))]


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """Write a DocBin of one Doc per row without making the Docs.

    The token table (ORTH, ENT_IOB, ENT_TYPE per token) is filled from the chunk
    tokenizer, spans are aligned to tokens for all rows at once with numpy (as
    ``doc.char_span(..., alignment_mode="expand")`` and ``filter_spans`` would), and
    the result is written as ``DocBin.to_bytes`` lays it out, streamed through
    zlib. Holding a Doc, a per-Doc array and the whole msgpack payload for 100,000
    sentences is what made this slow and 670 MB big before.
    """
    import numpy

    scheme, advance = context.scheme, context.advance
    # The tokens cached with the articles where there are (no tokenizer to load), their
    # hashes as spaCy's StringStore makes them (the tokenizer's vocab hashes alike),
    # without importing spaCy: its import alone is ~0.4 s and ~55 MB.
    strings = Strings()
    chunker = ChunkTokenizer(form=_docbin_form(strings))
    known = known_tokens(rows, context.tokens)
    # One cats dict per label, shared by every Doc with that label (msgpack writes each).
    cats = {
        label: {name: 1.0 if name == label else 0.0 for name in scheme.names} for label in scheme.names
    }
    no_cats: dict[str, float] = {}
    orths = bytearray()  # uint64 per token
    sizes = bytearray()  # uint32 length, advance per token
    lengths = array("i")  # tokens per row
    span_row, span_start, span_end, span_label = array("q"), array("q"), array("q"), array("q")
    said = _Said()  # the SOURCE and CUE spans, for doc.spans["attribution"]
    label_ids = _Ids()
    doc_cats: list[dict[str, float]] = []
    reviewed = bytearray()  # per row: 1 when its spans are gold
    user_data: list[bytes] = []
    literals, numbers = _Literals(), _Numbers()
    for n, (row, forms) in enumerate(zip(rows, chunker.pipe(map(_TEXT, rows), known=known))):
        packed = b"".join(map(_ORTHS, forms))
        orths += packed
        sizes += b"".join(map(_SIZES, forms))
        lengths.append(len(packed) >> 3)
        gold = row.label is not None or row.corrected
        reviewed.append(gold)
        # msgpack of {"article_id", "sentence_index", "annotator", "label_source", "spans_reviewed"}
        user_data.append(
            b"".join((
                b"\x85\xaaarticle_id", literals[row.article_id],
                b"\xaesentence_index", numbers[row.sentence_index],
                b"\xa9annotator", literals[row.annotator],
                b"\xaclabel_source", _ANNOTATOR if row.label is not None else _UNREVIEWED,
                b"\xaespans_reviewed", b"\xc3" if gold else b"\xc2",
            ))
        )
        if row.claimant is not None and (row.claimant.source or row.claimant.cue):
            said.add(n, row.claimant.spans(), label_ids)
        if row.spans and gold:
            span_row.extend(repeat(n, len(row.spans)))
            span_start.extend(map(_SPAN_START, row.spans))
            span_end.extend(map(_SPAN_END, row.spans))
            span_label.extend(map(label_ids.__getitem__, map(_SPAN_LABEL, row.spans)))
        doc_cats.append(no_cats if row.label is None else cats.get(row.label) or {row.label: 1.0})
        if (n + 1) % BATCH == 0:
            advance(BATCH)
    advance(len(rows) % BATCH)
    total = len(orths) >> 3

    # Spans first, while the per-token sizes are alive; then the table, once they are freed.
    size = numpy.frombuffer(sizes, dtype="uint32").reshape((-1, 2))
    spaces = (size[:, 1] != size[:, 0]).tobytes()
    first = last = labels = None
    groups: list[bytes] | None = None
    if len(span_row):
        first, last, labels, keep, starts_at, ends_at, owners = _align_all(
            size[:, 0],
            size[:, 1],
            numpy.frombuffer(lengths, dtype="int32"),
            numpy.frombuffer(span_row, dtype="int64"),
            numpy.frombuffer(span_start, dtype="int64"),
            numpy.frombuffer(span_end, dtype="int64"),
            numpy.frombuffer(span_label, dtype="int64"),
        )
    attribution = said.aligned(size, lengths) if said.rows else None
    del size, sizes, span_row, span_start, span_end, span_label  # (numpy has its own copies)
    del chunker, known  # the chunks' forms: all written into the table
    row_first = numpy.zeros(len(lengths) + 1, dtype="int64")
    numpy.cumsum(numpy.frombuffer(lengths, dtype="int32"), out=row_first[1:])
    attrs = _DOCBIN_ATTRS
    col = {attr: attrs.index(attr) for attr in (ORTH, ENT_IOB, ENT_TYPE)}
    orth = numpy.frombuffer(orths, dtype="uint64")
    words = numpy.unique(orth).tolist() if total else []
    iob = numpy.full(total, 2, dtype="uint8")  # O: every token outside the entities
    if total and not all(reviewed):  # missing (-): nobody reviewed these spans
        gold_tokens = numpy.repeat(numpy.frombuffer(reviewed, dtype="uint8"), numpy.diff(row_first))
        iob[gold_tokens == 0] = 0
        del gold_tokens
    inside = types = numpy.zeros(0, dtype="int64")
    if first is not None and len(first):
        hashes = numpy.array([strings.add(name) for name in label_ids], dtype="uint64")
        groups = _span_groups(
            len(rows), owners, first - row_first[owners], last + 1 - row_first[owners],
            hashes[labels], starts_at, ends_at,
        )
        first, last, labels = first[keep], last[keep], labels[keep]
        del keep, starts_at, ends_at, owners  # in the span groups now
        width = last + 1 - first
        # the token index of every entity token (ascending: kept entities do not
        # overlap and come in token order), and its label's hash
        inside = numpy.repeat(first - numpy.cumsum(width) + width, width) + numpy.arange(width.sum())
        types = numpy.repeat(hashes[labels], width)
        iob[inside] = 1  # I
        iob[first] = 3  # B

    def table(at: int, to: int) -> Any:
        """Rows ``at:to`` of the token table (ORTH, ENT_IOB, ENT_TYPE per token): made a
        slice at a time, never whole (it is the biggest thing an export holds)."""
        part = numpy.zeros((to - at, len(attrs)), dtype="uint64")
        part[:, col[ORTH]] = orth[at:to]
        part[:, col[ENT_IOB]] = iob[at:to]
        lo, hi = numpy.searchsorted(inside, [at, to])
        part[inside[lo:hi] - at, col[ENT_TYPE]] = types[lo:hi]
        return part

    _save_docbin(
        out,
        attrs=attrs,
        table=table,
        tokens=total,
        spaces=spaces,
        lengths=numpy.frombuffer(lengths, dtype="int32").tobytes() if len(lengths) else b"",
        strings=sorted({strings[h] for h in words} | set(label_ids)),
        cats=doc_cats,
        span_groups=_with_attribution(groups, attribution, len(rows), lengths, strings, label_ids),
        user_data=user_data,
        part=context.whole is not None,  # one part of a two-process export: joined after
    )
    return len(rows)


class _Said:
    """The SOURCE and CUE spans of the rows that have them, gathered as the span arrays
    of ``sc`` are (row, start, end, label id), for ``doc.spans["attribution"]``."""

    __slots__ = ("rows", "starts", "ends", "labels")

    def __init__(self) -> None:
        self.rows, self.starts, self.ends, self.labels = array("q"), array("q"), array("q"), array("q")

    def add(self, row: int, spans: tuple[tuple[int, int, str], ...], label_ids: _Ids) -> None:
        for start, end, label in spans:
            self.rows.append(row)
            self.starts.append(start)
            self.ends.append(end)
            self.labels.append(label_ids[label])

    def aligned(self, size: Any, lengths: array) -> tuple[Any, ...]:
        """:func:`_align_all` of these spans (widened to whole tokens)."""
        import numpy

        return _align_all(
            size[:, 0], size[:, 1], numpy.frombuffer(lengths, dtype="int32"),
            *(numpy.frombuffer(a, dtype="int64") for a in (self.rows, self.starts, self.ends, self.labels)),
        )


def _with_attribution(
    groups: list[bytes] | None, aligned: tuple[Any, ...] | None, count: int, lengths: array, strings: Any, label_ids: _Ids
) -> list[bytes] | None:
    """The docs' span groups with ``doc.spans["attribution"]`` added where a row has a
    source or cue: a second entry in the map ``SpanGroups.to_bytes`` writes."""
    if aligned is None or not len(aligned[0]):
        return groups
    import numpy

    first, last, labels, _, starts_at, ends_at, owners = aligned
    row_first = numpy.zeros(len(lengths) + 1, dtype="int64")
    numpy.cumsum(numpy.frombuffer(lengths, dtype="int32"), out=row_first[1:])
    hashes = numpy.array([strings.add(name) for name in label_ids], dtype="uint64")
    said = _span_groups(
        count, owners, first - row_first[owners], last + 1 - row_first[owners], hashes[labels], starts_at, ends_at,
        name="attribution",
    )
    out = list(groups) if groups is not None else [_NO_GROUPS] * count
    for n, extra in enumerate(said):
        if extra == _NO_GROUPS:
            continue
        # both maps hold one entry ("\x81"): joined, a map of two ("\x82")
        out[n] = extra if out[n] == _NO_GROUPS else b"\x82" + out[n][1:] + extra[1:]
    return out


_ANNOTATOR, _UNREVIEWED = b"\xa9annotator", b"\xaaunreviewed"  # msgpack strings


class _Literals(dict):  # type: ignore[type-arg]
    """String -> its msgpack bytes, packed once (ids and annotators repeat). Packed
    here: srsly builds a packer per call, which costs a millisecond."""

    def __missing__(self, key: str) -> bytes:
        data = key.encode("utf-8", "surrogatepass")
        n = len(data)
        if n < 32:
            head = bytes([0xA0 | n])
        elif n < 256:
            head = b"\xd9" + bytes([n])
        else:
            head = (b"\xda" + n.to_bytes(2, "big")) if n < 65536 else (b"\xdb" + n.to_bytes(4, "big"))
        self[key] = value = head + data
        return value


class _Numbers(dict):  # type: ignore[type-arg]
    """Whole number -> its msgpack bytes (as srsly packs it), packed once."""

    def __missing__(self, n: int) -> bytes:
        if 0 <= n < 128:
            value = bytes([n])
        elif 0 <= n < 256:
            value = b"\xcc" + bytes([n])
        elif 0 <= n < 65536:
            value = b"\xcd" + n.to_bytes(2, "big")
        elif 0 <= n < 1 << 32:
            value = b"\xce" + n.to_bytes(4, "big")
        else:
            import srsly

            value = srsly.msgpack_dumps(n)
        self[n] = value
        return value


#: One span of a SpanGroup as spaCy packs it (``struct ">QQQllll"``: id, kb_id,
#: label, start, end, start_char, end_char), behind its msgpack ``bin 8`` header.
_PACKED_SPAN = [
    ("bin", ">u2"), ("id", ">u8"), ("kb_id", ">u8"), ("label", ">u8"),
    ("start", ">i4"), ("end", ">i4"), ("start_char", ">i4"), ("end_char", ">i4"),
]
_GROUP_HEAD = b"\x83\xa4name\xa2sc\xa5attrs\x80\xa5spans"  # {"name": "sc", "attrs": {}, "spans": [
_NO_GROUPS = b"\x90"  # msgpack [] (SpanGroups' own empty value)


def _msgpack_head(kind: str, n: int) -> bytes:
    """The msgpack header of an array (``kind="array"``) or a bin of ``n`` items/bytes."""
    if kind == "array":
        if n < 16:
            return bytes([0x90 | n])
        return (b"\xdc" + n.to_bytes(2, "big")) if n < 65536 else (b"\xdd" + n.to_bytes(4, "big"))
    if n < 256:
        return b"\xc4" + bytes([n])
    return (b"\xc5" + n.to_bytes(2, "big")) if n < 65536 else (b"\xc6" + n.to_bytes(4, "big"))


def _span_groups(
    count: int, owners: Any, starts: Any, ends: Any, labels: Any, start_chars: Any, end_chars: Any,
    name: str = "sc",
) -> list[bytes]:
    """Per doc, what ``doc.spans.to_bytes()`` gives for ``doc.spans[name]`` holding the
    spans (token ``starts``/``ends`` in the doc, exclusive end) of its ``owners`` rows.

    Packed for all spans at once by numpy; each doc then takes its slice.
    """
    import numpy

    key = _Literals()[name]
    group_head = _GROUP_HEAD if name == "sc" else _GROUP_HEAD.replace(b"\xa2sc", key)
    packed = numpy.zeros(len(owners), dtype=_PACKED_SPAN)
    packed["bin"] = 0xC428  # bin 8 of 40 bytes
    packed["label"], packed["start"], packed["end"] = labels, starts, ends
    packed["start_char"], packed["end_char"] = start_chars, end_chars
    data = packed.tobytes()
    width = packed.itemsize
    groups = [_NO_GROUPS] * count
    if not len(owners):
        return groups
    bounds = numpy.flatnonzero(numpy.diff(owners)) + 1
    cuts = [0, *bounds.tolist(), len(owners)]
    head = _msgpack_head
    for row, a, b in zip(owners[numpy.array(cuts[:-1], dtype="int64")].tolist(), cuts, cuts[1:]):
        inner = b"".join((group_head, head("array", b - a), data[a * width : b * width]))
        # {<the group's bytes>: [name]}: SpanGroups keeps the keys each group is under
        groups[row] = b"".join((b"\x81", head("bin", len(inner)), inner, b"\x91", key))
    return groups


def _align_all(
    lens: Any, advances: Any, lengths: Any, rows: Any, starts: Any, ends: Any, labels: Any
) -> tuple[Any, Any, Any, Any, Any, Any, Any]:
    """All spans widened to whole tokens, as numpy arrays: ``(first, last inclusive,
    label, keep, start_char, end_char, row)``; ``keep`` marks those ``doc.ents`` keeps.

    Per row the same as :func:`align` then (for ``keep``) ``spacy.util.filter_spans``;
    done on the concatenation of all sentences at once (tokens tile their sentence,
    so a character offset plus its sentence's start finds its token by one search).
    ``start_char``/``end_char`` are the widened offsets in the row's sentence.
    """
    import numpy

    total = len(lens)
    if total == 0:
        empty = rows[:0]
        return empty, empty, labels[:0], numpy.zeros(0, dtype=bool), empty, empty, empty
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
    first, last, labels, rows, base = first[ok], last[ok], labels[ok], rows[ok], base[ok]
    keep = numpy.ones(len(first), dtype=bool)
    # Spans come sorted by start in each row, so overlaps are between neighbours;
    # rows with any go through filter_spans (spaCy's rule).
    clash = (rows[1:] == rows[:-1]) & (first[1:] <= last[:-1])
    if clash.any():
        for row in numpy.unique(rows[1:][clash]).tolist():
            where = numpy.flatnonzero(rows == row).tolist()
            kept = filter_spans(_TokenSpan(int(first[i]), int(last[i]) + 1, i) for i in where)
            keep[where] = False
            keep[[span.position for span in kept]] = True
    start_char = token_at[first] - base
    end_char = token_at[last] + lens[last] - base
    return first, last, labels, keep, start_char, end_char, rows


def filter_spans(spans: Iterable[_TokenSpan]) -> list[_TokenSpan]:
    """``spacy.util.filter_spans``: the longest of overlapping spans (the earliest of
    equally long ones), in start order; the same spans it keeps, without importing spaCy."""
    result: list[_TokenSpan] = []
    seen: set[int] = set()
    for span in sorted(spans, key=lambda span: (span.end - span.start, -span.start), reverse=True):
        if span.start not in seen and span.end - 1 not in seen:
            result.append(span)
            seen.update(range(span.start, span.end))
    return sorted(result, key=lambda span: span.start)


def _save_docbin(
    out: Path,
    *,
    attrs: list[int],
    table: Callable[[int, int], Any],
    tokens: int,
    spaces: bytes,
    lengths: bytes,
    strings: list[str],
    cats: list[dict[str, float]],
    span_groups: list[bytes] | None,
    user_data: list[bytes],
    part: bool = False,
) -> None:
    """Write what ``DocBin.to_bytes`` writes (zlib of a msgpack map), in pieces.

    Same keys and values as spaCy 3's DocBin (version 0.1), so ``DocBin().from_disk``
    reads it; the token table (``tokens`` rows, ``table(at, to)`` gives a slice) goes
    into zlib a slice at a time, without a msgpack copy. ``part``: the rows are one
    part of a bigger export, written as :func:`join_docbins` joins them (see
    :func:`_save_part`).
    """
    import srsly

    count = len(cats)
    fields: list[tuple[str, Any]] = [
        ("version", "0.1"),
        ("attrs", attrs),
        ("tokens", None),  # written from ``table`` below
        ("spaces", spaces),
        ("lengths", lengths),
        ("strings", strings),
        ("cats", cats),
        ("flags", [{"has_unknown_spaces": False}] * count),
        ("span_groups", span_groups or [_NO_GROUPS] * count),
        ("user_data", user_data),
    ]
    step = (1 << 22) // (len(attrs) * 8)  # tokens per 4 MB slice of the table
    slices = (memoryview(table(at, min(at + step, tokens))).cast("B") for at in range(0, tokens, step))
    size = tokens * len(attrs) * 8  # uint64 cells
    if part:
        _save_part(out, fields, size, slices)
        return
    compressor = zlib.compressobj(1)  # level 1: as small as the default on these tables, 3x faster
    with out.open("wb") as fh:
        fh.write(compressor.compress(bytes([0x80 | len(fields)])))  # msgpack fixmap header
        for key, value in fields:
            fh.write(compressor.compress(srsly.msgpack_dumps(key)))
            if key == "tokens":
                fh.write(compressor.compress(b"\xc6" + size.to_bytes(4, "big")))  # bin 32
                for piece in slices:
                    fh.write(compressor.compress(piece))
            else:
                fh.write(compressor.compress(srsly.msgpack_dumps(value)))
        fh.write(compressor.flush())


#: What a part written by :func:`_save_part` starts with.
_PART_MAGIC = b"claimscope DocBin part 1\n"
#: The fields whose values are joined as values (the rest are concatenated).
_VALUES = ("version", "attrs", "strings")


def _save_part(out: Path, fields: list[tuple[str, Any]], size: int, slices: Iterable[Any]) -> None:
    """One part of a DocBin, as :func:`join_docbins` joins it without decompressing it.

    The file is :data:`_PART_MAGIC`, then per concatenated field the msgpack body of
    its value (without its header: the joined field has a header over both parts'
    bodies) as a zlib piece (:mod:`~annotations.formats.zlib_pieces`), then a JSON
    index, then the index's length (8 bytes, big-endian). Per field the index holds
    its key and either its value (``version``, ``attrs``, ``strings``: joined as
    values) or the kind and size of its msgpack value and where its piece is, with
    the piece's Adler-32 and uncompressed length.
    """
    import srsly

    index: list[dict[str, Any]] = []
    with out.open("wb") as fh:
        fh.write(_PART_MAGIC)
        for key, value in fields:
            if key in _VALUES:
                index.append({"key": key, "value": value})
                continue
            if key == "tokens":
                kind, n, chunks = "bin32", size, slices  # always a bin 32, as _save_docbin writes it
            else:
                kind, n, body = _msgpack_body(memoryview(srsly.msgpack_dumps(value)))
                chunks = (body,)
            at = fh.tell()
            adler, length = write_piece(chunks, fh.write)
            index.append({"key": key, "kind": kind, "n": n, "at": at, "size": fh.tell() - at, "adler": adler, "length": length})
        data = json.dumps(index).encode("utf-8")
        fh.write(data)
        fh.write(len(data).to_bytes(8, "big"))


def _read_part(path: Path) -> tuple[bytes, list[dict[str, Any]]]:
    """A part's bytes and index (see :func:`_save_part`)."""
    data = path.read_bytes()
    size = int.from_bytes(data[-8:], "big") if len(data) >= 8 else -1
    if data.startswith(_PART_MAGIC) and 0 <= size <= len(data) - 8 - len(_PART_MAGIC):
        try:
            index = json.loads(data[-8 - size : -8])
        except ValueError:
            index = None
        if isinstance(index, list) and all(isinstance(f, dict) and "key" in f for f in index):
            return data, index
    raise ExportError(f"cannot join {path.name}: it is not a part of a DocBin")


def join_docbins(out: Path, part: Path) -> None:
    """``Format.join``: the DocBin part ``part`` after the part ``out`` (each written by
    :func:`_save_part`), as one DocBin in ``out``. A DocBin's fields are per Doc, or
    per token (whose strings are hashes, not places in the strings list): joined, each
    is the two concatenated, and the strings both lists.

    Nothing is decompressed nor compressed again: each concatenated field gets a new
    msgpack header over both parts' bodies, compressed here with the keys and the
    joined values as small pieces, and the parts' compressed bodies are copied after
    it (:mod:`~annotations.formats.zlib_pieces`). The decompressed bytes are those
    one process writes for all the rows.
    """
    import srsly

    (first, ours), (second, theirs) = _read_part(out), _read_part(part)
    if [f["key"] for f in ours] != [f["key"] for f in theirs] or any(
        a.get("value") != b.get("value") for a, b in zip(ours, theirs) if a["key"] in ("version", "attrs")
    ):
        raise ExportError(f"cannot join {out.name}: its parts are not alike")
    pieces: list[Piece] = []
    head = bytearray([0x80 | len(ours)])  # msgpack fixmap header; then what is made here
    for a, b in zip(ours, theirs):
        head += srsly.msgpack_dumps(a["key"])
        if "value" in a:
            value = sorted(set(a["value"]) | set(b["value"])) if a["key"] == "strings" else a["value"]
            head += srsly.msgpack_dumps(value)
            continue
        n = a["n"] + b["n"]
        head += b"\xc6" + n.to_bytes(4, "big") if a["kind"] == "bin32" else _msgpack_head(a["kind"], n)
        pieces.append(piece(head))
        head = bytearray()
        for data, field in ((first, a), (second, b)):
            at = field["at"]
            pieces.append(Piece(memoryview(data)[at : at + field["size"]], field["adler"], field["length"]))
    if head:
        pieces.append(piece(head))
    with out.open("wb") as fh:
        write_stream(pieces, fh.write)


def _msgpack_body(value: memoryview) -> tuple[str, int, memoryview]:
    """``(kind, items or bytes, body)`` of a msgpack array or bin."""
    tag = value[0]
    if 0x90 <= tag <= 0x9F:
        return "array", tag & 0x0F, value[1:]
    sizes = {0xDC: ("array", 2), 0xDD: ("array", 4), 0xC4: ("bin", 1), 0xC5: ("bin", 2), 0xC6: ("bin", 4)}
    if tag not in sizes:
        raise ExportError(f"cannot join DocBins: an unexpected msgpack value (0x{tag:02x})")
    kind, width = sizes[tag]
    return kind, int.from_bytes(value[1 : 1 + width], "big"), value[1 + width :]


FORMAT = register(
    Format(
        "spacy", write, ".spacy", "spacy DocBin", training=True, unreviewed_apart=True, join=join_docbins,
        whole_needed=False,
        overlaps="all in doc.spans[\"sc\"] (for spancat); doc.ents keeps the longest of "
        "each overlapping group (entities cannot overlap)",
    )
)
