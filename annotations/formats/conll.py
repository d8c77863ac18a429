"""Token-level span formats: CoNLL-2003 style IOB (``conll``) and Hugging Face
token-classification JSON lines (``hf-tokens``).

Both cut each sentence into spaCy's English tokens (:mod:`corpus.tokens`, the
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
from bisect import bisect_right
from itertools import accumulate
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import IO, Iterable, Iterator, Mapping, NamedTuple, Sequence

from corpus.model import DATE_LABELS, ENTITY_LABELS, FIGURE_LABELS

from annotations.formats.jsonl import BATCH, json_str
from annotations.formats.parts import append_part, appending
from annotations.formats.registry import Format, WholeExport, WriteContext, register
from annotations.formats.rows import ExportRow
from corpus.tokens import ChunkTokenizer, SentenceTokens, Token, flatten, tokenizer
from annotations.tokens import align, known_tokens

DOCSTART = "-DOCSTART- -X- O O"
HF_DATA, HF_TAGS = "train.jsonl", "tags.json"

#: ``(token text, tag)`` of one sentence.
Tagged = list[tuple[str, str]]
_TEXT = itemgetter(5)  # ExportRow.text


def span_labels(rows: Sequence[ExportRow], whole: WholeExport | None = None) -> list[str]:
    """Every span label the model or the rule layer can give, plus any other in ``rows``
    (in every part of the export, when ``whole`` says what they hold), sorted.

    A stable list, so two exports of one corpus number tags (and list labels) alike.
    """
    found = whole.span_labels if whole is not None else {label for row in rows for _, _, label in row.spans}
    return sorted(found | ENTITY_LABELS | FIGURE_LABELS | DATE_LABELS)


def tagged_sentences(rows: Sequence[ExportRow]) -> Iterator[Tagged]:
    """Per row, its non-whitespace tokens with IOB2 tags (see the module docstring).

    The plain statement of the tagging; the writers get the same tags faster from
    per-chunk forms (:func:`conll_lines`, :func:`hf_parts`), and a test holds them to it.
    """
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


class _Chunk(NamedTuple):
    """What both token formats keep per distinct whitespace chunk (see
    :class:`~corpus.tokens.ChunkTokenizer`): the tokens, and the chunk's lines
    already written as they are when no span touches it (every tag ``O``)."""

    offsets: tuple[int, ...]  # where each token starts in the chunk
    lens: tuple[int, ...]  # token lengths
    extent: int  # the tokens' lengths and the spaces after them: where the next chunk starts
    kept: tuple[bool, ...]  # not a whitespace token (those are left out of both files)
    conll_words: tuple[str, ...]  # the CoNLL word of each token ("" for whitespace ones)
    hf_words: tuple[str, ...]  # the JSON string of each token ("" for whitespace ones)
    conll: str  # the CoNLL lines of the kept tokens, all tagged O
    hf_tokens: str  # the kept tokens' JSON strings joined by ", "
    hf_tags: str  # "0, 0, ...": O for each kept token
    size: int  # tokens
    every: bool  # every token is kept (nearly always)


def _chunk_form(text: str, tokens: tuple[Token, ...]) -> _Chunk:
    words = [text[s:e] for s, e, _, _ in tokens]
    kept = tuple(not w.isspace() for w in words)
    conll_words = tuple(_conll_word(w) if k else "" for w, k in zip(words, kept))
    hf_words = tuple(json_str(w) if k else "" for w, k in zip(words, kept))
    count = sum(kept)
    advances = [e - s + ws for s, e, _, ws in tokens]  # a token's length and the space after it
    return _Chunk(
        tuple(accumulate(advances[:-1], initial=0)),
        tuple(e - s for s, e, _, _ in tokens),
        sum(advances),
        kept,
        conll_words,
        hf_words,
        "".join([f"{w} _ _ O\n" for w, k in zip(conll_words, kept) if k]),
        ", ".join([w for w, k in zip(hf_words, kept) if k]),
        ", ".join(["0"] * count),
        len(tokens),
        count == len(tokens),
    )


_EXTENT, _SIZE, _EVERY = attrgetter("extent"), attrgetter("size"), attrgetter("every")
_CONLL, _HF_TOKENS, _HF_TAGS = attrgetter("conll"), attrgetter("hf_tokens"), attrgetter("hf_tags")
_LINE = "{} _ _ {}\n".format  # a CoNLL line: word, tag


class _Tags(dict):  # type: ignore[type-arg]
    """Label -> its ("B-label", "I-label"), made once per label."""

    def __missing__(self, label: str) -> tuple[str, str]:
        self[label] = value = (f"B-{label}", f"I-{label}")
        return value


_TAG_NAMES = _Tags()


def _chunk_tags(spans: Iterable[tuple[int, int, str]], forms: list[_Chunk]) -> dict[int, list[str]]:
    """The tags of the chunks that ``spans`` tag: chunk number -> the tag of each of its
    tokens (``O`` outside the spans); every other chunk is all ``O``. As
    :func:`tagged_sentences`, from the chunks' forms, without a list per token of the
    sentence: a span is found by its chunk, then by its token in the chunk.
    """
    count = len(forms)
    at = list(accumulate(map(_EXTENT, forms), initial=0))  # where each chunk starts
    firsts = list(accumulate(map(_SIZE, forms), initial=0))  # the number of its first token
    size = at[count]
    found = []
    reach = -1  # the last token of the spans so far
    apart = True  # no two spans share a token (then none is left out, in any order)
    for start, end, label in spans:
        # widened to whole tokens, as annotations.tokens.align does on the token lists
        if not 0 <= start < end <= size:
            continue
        c = bisect_right(at, start, 0, count) - 1
        form = forms[c]
        offset = start - at[c]
        k = bisect_right(form.offsets, offset) - 1
        if offset == form.offsets[k] + form.lens[k]:  # starts on the space after a token
            k += 1
            if k == form.size:
                c, k = c + 1, 0
        c2 = bisect_right(at, end - 1, 0, count) - 1
        k2 = bisect_right(forms[c2].offsets, end - 1 - at[c2]) - 1
        first, last = firsts[c] + k, firsts[c2] + k2
        if first <= last:
            # (a span before it in any order that shares a token reaches this far)
            if first <= reach:
                apart = False
            if last > reach:
                reach = last
            found.append((first - last, first, len(found), label, c, k, c2, k2))
    if not apart:
        found.sort()  # longest first, then earliest, then in the rows' order (stable)
    tagged: dict[int, list[str]] = {}
    taken: set[int] = set()
    every = None  # no whitespace token in the sentence (asked when a span crosses chunks)
    for width, first, _, label, c, k, c2, k2 in found:
        if not apart:
            covered = range(first, first - width + 1)
            if not taken.isdisjoint(covered):
                continue
        begin, within = _TAG_NAMES[label]
        form = forms[c]
        if c == c2 and form.every:  # in one chunk, all of it kept (nearly always)
            tags = tagged.get(c)
            if tags is None:
                tags = tagged[c] = ["O"] * form.size
            tags[k] = begin
            if k2 > k:
                tags[k + 1 : k2 + 1] = [within] * (k2 - k)
        elif every or (every is None and (every := all(map(_EVERY, forms)))):
            tag = begin
            for chunk in range(c, c2 + 1):
                lo = k if chunk == c else 0
                hi = k2 + 1 if chunk == c2 else forms[chunk].size
                tags = tagged.get(chunk)
                if tags is None:
                    tags = tagged[chunk] = ["O"] * forms[chunk].size
                tags[lo] = tag
                if hi - lo > 1:
                    tags[lo + 1 : hi] = [within] * (hi - lo - 1)
                tag = within
        else:
            inside = [
                (chunk, i)
                for chunk in range(c, c2 + 1)
                for i in range(k if chunk == c else 0, k2 + 1 if chunk == c2 else forms[chunk].size)
                if forms[chunk].kept[i]
            ]
            if not inside:  # whitespace tokens only: nothing to tag, nothing taken
                continue
            tag = begin
            for chunk, i in inside:
                tags = tagged.get(chunk)
                if tags is None:
                    tags = tagged[chunk] = ["O"] * forms[chunk].size
                tags[i] = tag
                tag = within
        if not apart:
            taken.update(covered)
    return tagged


def _chunks_and_tags(
    rows: Sequence[ExportRow], tokens: Mapping[str, SentenceTokens | None]
) -> Iterator[tuple[list[_Chunk], dict[int, list[str]]]]:
    """Per row, its chunks' forms and the tags of those a span tags (see
    :func:`_chunk_tags`); the tokens cached with the articles where there are
    (``tokens``), else spaCy's tokenizer."""
    chunker = ChunkTokenizer(form=_chunk_form)
    for row, forms in zip(rows, chunker.pipe(map(_TEXT, rows), known=known_tokens(rows, tokens))):
        yield forms, (_chunk_tags(row.spans, forms) if row.spans else {})


def conll_lines(forms: list[_Chunk], tagged: dict[int, list[str]]) -> str:
    """One sentence's CoNLL lines (``TOKEN _ _ TAG``), without the blank line after."""
    parts = list(map(_CONLL, forms))
    for chunk, tags in tagged.items():
        form = forms[chunk]
        if form.every:
            parts[chunk] = "".join(map(_LINE, form.conll_words, tags))
        else:
            parts[chunk] = "".join([_LINE(w, t) for w, t, keep in zip(form.conll_words, tags, form.kept) if keep])
    return "".join(parts)


def hf_parts(forms: list[_Chunk], tagged: dict[int, list[str]], number: dict[str, str]) -> tuple[str, str]:
    """One sentence's ``tokens`` and ``ner_tags`` list insides (``"a", "b"``, ``0, 3``);
    ``number`` gives each tag's number as text."""
    # The words are the chunks' own whatever the tags (a chunk of whitespace tokens only
    # has nothing to add, not even a comma); only the tag numbers of tagged chunks change.
    words = ", ".join(filter(None, map(_HF_TOKENS, forms)))
    if not tagged:
        return words, ", ".join(filter(None, map(_HF_TAGS, forms)))
    numbers = list(map(_HF_TAGS, forms))
    for chunk, tags in tagged.items():
        form = forms[chunk]
        if form.every:
            numbers[chunk] = ", ".join(map(number.__getitem__, tags))
        else:
            numbers[chunk] = ", ".join([number[t] for t, keep in zip(tags, form.kept) if keep])
    return words, ", ".join(filter(None, numbers))


class _Quoted(dict):  # type: ignore[type-arg]
    """A string -> its JSON string (None -> null), made once (article ids and labels repeat)."""

    def __missing__(self, text: str | None) -> str:
        self[text] = value = "null" if text is None else json_str(text)
        return value


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
        for row, (forms, tags) in zip(rows, _chunks_and_tags(rows, context.tokens)):
            piece = ""
            if row.article_id != article:
                article = row.article_id
                piece = f"{DOCSTART}\n\n"
            lines = conll_lines(forms, tags)
            if lines:
                piece += lines + "\n"
                written += 1
            yield piece

    with out.open("w", encoding="utf-8", newline="\n") as fh:
        _write_per_row(fh, pieces(), context)
    _say_dropped(rows, written, context)
    return written


def write_hf(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The ``hf-tokens`` folder (``train.jsonl``, ``tags.json``); returns the sentences written."""
    out.mkdir(exist_ok=True)
    names = ["O"] + [f"{p}-{label}" for label in span_labels(rows, context.whole) for p in ("B", "I")]
    number = {name: str(i) for i, name in enumerate(names)}  # tag -> its number, as text
    written = 0

    quoted = _Quoted()

    def pieces() -> Iterator[str]:
        nonlocal written
        for row, (forms, tags) in zip(rows, _chunks_and_tags(rows, context.tokens)):
            tokens, numbers = hf_parts(forms, tags, number)
            if not tokens:
                yield ""
                continue
            article = quoted[row.article_id]
            written += 1
            # the id is the article's JSON string with "#<sentence index>" inside its quotes
            yield (
                f'{{"id": {article[:-1]}#{row.sentence_index}", '
                f'"tokens": [{tokens}], "ner_tags": [{numbers}], '
                f'"article_id": {article}, '
                f'"sentence_index": {row.sentence_index}, "label": {quoted[row.label]}}}\n'
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
        training=True, join=append_part, whole_needed=False,
    )
)
HF_TOKENS = register(
    Format(
        "hf-tokens", write_hf, "", "Hugging Face token-classification JSONL folder",
        folder=True, overlaps=OVERLAPS, training=True, join=appending(HF_DATA),
    )
)
