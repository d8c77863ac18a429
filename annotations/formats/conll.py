"""Token-level span formats: CoNLL-2003 style IOB (``conll``) and Hugging Face
token-classification JSON lines (``hf-tokens``).

Both cut each sentence into spaCy's English tokens (:mod:`annotations.tokens`, the
tokens the ``prodigy`` and ``spacy`` formats use) and tag them IOB2 (``B-LABEL`` on a
span's first token, ``I-LABEL`` on the rest, ``O`` outside). Tags need tokens, so:

- a span is widened to whole tokens, as spaCy's ``char_span(alignment_mode="expand")``;
  the store keeps its exact offsets, only these files are widened;
- overlapping spans cannot both be tagged: the longest is kept (the first of equal
  ones), as ``spacy.util.filter_spans`` does;
- whitespace tokens (a newline, a tab, a second space, U+2028, ...) are left out, since
  a token-per-line file cannot hold them; any other whitespace inside a token (never
  seen from spaCy's English rules) is written as ``_`` in the CoNLL file.

``conll``: one file; ``-DOCSTART- -X- O O`` and a blank line before each article, then
per sentence one line per token (``TOKEN _ _ TAG``: the four CoNLL-2003 columns, POS
and chunk unknown) and a blank line. The document line is spaCy's (``spacy convert -c
ner`` splits documents at exactly that line); CoNLL readers skip any line starting
with ``-DOCSTART-``.

``hf-tokens``: a folder with ``train.jsonl``, one ``{"id", "tokens", "ner_tags",
"article_id", "sentence_index", "label"}`` per sentence (``ner_tags`` index
``tags.json``), and ``tags.json``, the tag names (``O``, then ``B-``/``I-`` of every
span label claimscope knows plus any other in the rows, sorted), ready for
``datasets.load_dataset("json", data_files=...)`` and a ``ClassLabel(names=tags)`` cast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from corpus.model import DATE_LABELS, ENTITY_LABELS, FIGURE_LABELS

from annotations.formats.jsonl import BATCH, json_str
from annotations.formats.registry import Format, WriteContext, register
from annotations.formats.rows import ExportRow
from annotations.tokens import ChunkTokenizer, align, flatten, tokenizer

DOCSTART = "-DOCSTART- -X- O O"
HF_DATA, HF_TAGS = "train.jsonl", "tags.json"

#: ``(token text, tag)`` of one sentence.
Tagged = list[tuple[str, str]]


def span_labels(rows: Sequence[ExportRow]) -> list[str]:
    """Every span label the model or the rule layer can give, plus any other in ``rows``, sorted.

    A stable list, so two exports of one corpus number tags (and list labels) alike.
    """
    found = {label for row in rows for _, _, label in row.spans}
    return sorted(found | ENTITY_LABELS | FIGURE_LABELS | DATE_LABELS)


def tagged_sentences(rows: Sequence[ExportRow]) -> Iterator[Tagged]:
    """Per row, its non-whitespace tokens with IOB2 tags (see the module docstring)."""
    chunker = ChunkTokenizer(tokenizer())
    for row, forms in zip(rows, chunker.pipe(row.text for row in rows)):
        text = row.text
        tokens = flatten(forms)
        starts = [s for s, _, _, _ in tokens] + [len(text)]
        lens = [e - s for s, e, _, _ in tokens]
        words = [text[s:e] for s, e, _, _ in tokens]
        tags = ["O"] * len(tokens)
        taken = [False] * len(tokens)
        aligned = align(starts, lens, row.spans) if row.spans else []
        # Longest first, then earliest: spacy.util.filter_spans' order.
        for first, last, label in sorted(aligned, key=lambda t: (t[0] - t[1], t[0])):
            inside = [i for i in range(first, last + 1) if not words[i].isspace()]
            if not inside or any(taken[i] for i in range(first, last + 1)):
                continue
            for i in range(first, last + 1):
                taken[i] = True
            tags[inside[0]] = f"B-{label}"
            for i in inside[1:]:
                tags[i] = f"I-{label}"
        yield [(w, t) for w, t in zip(words, tags) if not w.isspace()]


def _conll_word(word: str) -> str:
    """``word`` with any whitespace in it as ``_`` (a CoNLL line is split at whitespace)."""
    if word.isprintable() and " " not in word:  # the usual case, checked in C
        return word
    return "".join("_" if ch.isspace() else ch for ch in word)


def _write_per_row(fh: IO[str], pieces: Iterable[str], context: WriteContext) -> None:
    """Write one piece of text per export row (maybe empty), in batches of rows."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == BATCH:
            fh.write("".join(batch))
            context.advance(BATCH)
            batch = []
    fh.write("".join(batch))
    context.advance(len(batch))


def write_conll(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The CoNLL file; returns the number of sentences written."""
    written = 0

    def pieces() -> Iterator[str]:
        nonlocal written
        article = None
        for row, tagged in zip(rows, tagged_sentences(rows)):
            piece = ""
            if row.article_id != article:
                article = row.article_id
                piece = f"{DOCSTART}\n\n"
            if tagged:
                piece += "".join([f"{_conll_word(w)} _ _ {t}\n" for w, t in tagged]) + "\n"
                written += 1
            yield piece

    with out.open("w", encoding="utf-8", newline="\n") as fh:
        _write_per_row(fh, pieces(), context)
    _say_dropped(rows, written, context)
    return written


def write_hf(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The ``hf-tokens`` folder (``train.jsonl``, ``tags.json``); returns the sentences written."""
    out.mkdir(exist_ok=True)
    names = ["O"] + [f"{p}-{label}" for label in span_labels(rows) for p in ("B", "I")]
    number = {name: i for i, name in enumerate(names)}
    written = 0

    def pieces() -> Iterator[str]:
        nonlocal written
        for row, tagged in zip(rows, tagged_sentences(rows)):
            if not tagged:
                yield ""
                continue
            tokens = ", ".join([json_str(w) for w, _ in tagged])
            tags = ", ".join([str(number[t]) for _, t in tagged])
            label = "null" if row.label is None else json_str(row.label)
            written += 1
            yield (
                f'{{"id": {json_str(f"{row.article_id}#{row.sentence_index}")}, '
                f'"tokens": [{tokens}], "ner_tags": [{tags}], '
                f'"article_id": {json_str(row.article_id)}, '
                f'"sentence_index": {row.sentence_index}, "label": {label}}}\n'
            )

    with (out / HF_DATA).open("w", encoding="utf-8", newline="\n") as fh:
        _write_per_row(fh, pieces(), context)
    (out / HF_TAGS).write_text(json.dumps(names, indent=2) + "\n", encoding="utf-8", newline="\n")
    _say_dropped(rows, written, context)
    return written


def _say_dropped(rows: Sequence[ExportRow], written: int, context: WriteContext) -> None:
    if written < len(rows):
        context.notes.append(
            f"{len(rows) - written} sentence(s) of whitespace only were left out (no tokens to tag)"
        )


OVERLAPS = "tagged as the longest of each overlapping group (IOB tags cannot overlap; spaCy's filter_spans rule)"
CONLL = register(
    Format(
        "conll", write_conll, ".conll", "CoNLL-2003 IOB (spans widened to tokens)", overlaps=OVERLAPS,
        training=True,
    )
)
HF_TOKENS = register(
    Format(
        "hf-tokens", write_hf, "", "Hugging Face token-classification JSONL folder",
        folder=True, overlaps=OVERLAPS, training=True,
    )
)
