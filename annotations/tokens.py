"""Tokens of many sentences at once, exactly as spaCy's English tokenizer splits them.

spaCy's tokenizer cuts a text at whitespace into chunks and tokenises each chunk
on its own: a chunk's tokens never depend on its neighbours (its cache is keyed by
the chunk). A sentence whose only whitespace is single spaces between chunks (nearly
every news sentence) is therefore split here with ``str.split(" ")``, and each
distinct chunk is tokenised once, all new chunks of a batch in one tokenizer call
(joined by newlines: a newline is a token of its own, so nothing matches across it). That skips building
a spaCy ``Doc`` per sentence, which is what made exporting 100,000 sentences slow.
Any other sentence (tabs, newlines, double spaces, leading or trailing spaces) goes
through the tokenizer whole.

Only the tokenizer's special cases could look across chunks, and only those
containing whitespace do; if the tokenizer has such a rule beyond the plain
whitespace ones, every sentence goes through the tokenizer whole.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Callable, Iterable, Iterator, Sequence

#: One token: ``(start, end, orth, ws)``; offsets into the text it was cut from,
#: ``orth`` the vocab hash of the token text, ``ws`` True when a space follows it.
Token = tuple[int, int, int, bool]

#: What a caller keeps per chunk: ``form(chunk_text, tokens)`` with the tokens'
#: offsets relative to the chunk, computed once per distinct chunk (twice: as
#: followed by a space, and as the last chunk of its sentence). The caller works
#: out where each chunk starts: one space follows every chunk but the last.
Form = Callable[[str, tuple[Token, ...]], Any]

_JOINED_CHARS = 200_000  # new chunks tokenised per call: bounds the temporary Doc


def load_tokenizer() -> Any:
    """spaCy's blank English tokenizer: the same rules as the English pipelines, loads in ~0.3 s."""
    import spacy

    return spacy.blank("en").tokenizer


_TOKENIZER: Any = None


def tokenizer() -> Any:
    """:func:`load_tokenizer`, loaded once per process (the token formats share it)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = load_tokenizer()
    return _TOKENIZER


def raw_tokens(text: str, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """The simplest :data:`Form`: the tokens themselves."""
    return tokens


class ChunkTokenizer:
    """Tokenises sentences like ``tokenizer`` does, caching per whitespace chunk.

    ``form`` turns a chunk's tokens into what the caller needs per token (JSON
    fragments, vocab hashes), so that work is done once per distinct chunk too.
    """

    def __init__(self, tokenizer: Any, form: Form = raw_tokens) -> None:
        self.tokenizer = tokenizer
        self.form = form
        rules = getattr(tokenizer, "rules", None) or {}
        # Single whitespace characters are rules in English; they only ever match
        # whitespace tokens, which the split path never produces.
        self.chunked = not any(len(r) > 1 and any(ch.isspace() for ch in r) for r in rules)
        # Per chunk: its form when a space follows, and when it ends the sentence.
        # None marks a chunk whose tokens did not tile it (never seen; kept safe).
        self._mid: dict[str, Any | None] = {}
        self._last: dict[str, Any | None] = {}

    def pipe(self, texts: Iterable[str], batch_size: int = 2000) -> Iterator[list[Any]]:
        """Per text, in order, the forms of its chunks (one form for the whole text
        when it had to go through the tokenizer whole; none for an empty text)."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, texts: list[str]) -> Iterator[list[Any]]:
        mid, last = self._mid, self._last
        split: list[list[str] | None] = []
        forms: list[list[Any] | None] = []
        new: set[str] = set()
        for text in texts:
            # Single spaces must be the only whitespace: isprintable() is False for
            # every other whitespace character (and for a few harmless ones, which
            # the exact split() comparison then lets through).
            if self.chunked and text and "  " not in text and text[0] != " " and text[-1] != " ":
                pieces = text.split(" ")
                if text.isprintable() or pieces == text.split():
                    found = list(map(mid.get, pieces))
                    if None in found:  # new chunks (or ones that did not tile)
                        new.update(pieces)
                    split.append(pieces)
                    forms.append(found)
                    continue
            split.append(None)
            forms.append(None)
        new.difference_update(mid)
        if new:
            self._learn(sorted(new))
        for text, pieces, found in zip(texts, split, forms):
            if pieces is not None and found is not None:
                if None in found:
                    found = list(map(mid.get, pieces))
                if None not in found:
                    found[-1] = last[pieces[-1]]
                    yield found
                    continue
            yield [self.form(text, self.tokens_of(text))] if text else []

    def _learn(self, chunks: list[str]) -> None:
        """Tokenise new chunks, many per tokenizer call, into the cache."""
        from spacy.attrs import IDX, LENGTH, ORTH

        group: list[str] = []
        size = 0
        for chunk in chunks + [""]:
            if chunk and size + len(chunk) < _JOINED_CHARS:
                group.append(chunk)
                size += len(chunk) + 1
                continue
            if group:
                # Joined by newlines, not spaces: a newline is a token of its own, so
                # the special cases that the tokenizer matches over runs of tokens
                # (":)", "):") cannot take a token from each of two chunks, as they
                # did across a space (":):) :)a.m." split the second ":)").
                rows = self.tokenizer("\n".join(group)).to_array([IDX, LENGTH, ORTH]).tolist()
                k = 0
                at = 0
                for piece in group:
                    end = at + len(piece)
                    mine: list[tuple[int, int, int]] = []
                    while k < len(rows) and rows[k][0] < at:  # the newline between chunks
                        k += 1
                    while k < len(rows) and rows[k][0] < end:
                        idx, length, orth = rows[k]
                        mine.append((idx - at, idx - at + length, orth))
                        k += 1
                    self._store(piece, mine)
                    at = end + 1
            group = [chunk] if chunk else []
            size = len(chunk) + 1 if chunk else 0

    def _store(self, piece: str, tokens: list[tuple[int, int, int]]) -> None:
        # The tokens must tile the chunk exactly; otherwise trust only the whole sentence.
        at = 0
        for start, end, _ in tokens:
            if start != at or end <= start:
                self._mid[piece] = self._last[piece] = None
                return
            at = end
        if at != len(piece) or not tokens:
            self._mid[piece] = self._last[piece] = None
            return
        inner = tuple((s, e, o, False) for s, e, o in tokens[:-1])
        s, e, o = tokens[-1]
        self._mid[piece] = self.form(piece, inner + ((s, e, o, True),))
        self._last[piece] = self.form(piece, inner + ((s, e, o, False),))

    def tokens_of(self, text: str) -> tuple[Token, ...]:
        """Tokens of one text straight from the tokenizer (the reference behaviour)."""
        from spacy.attrs import IDX, LENGTH, ORTH, SPACY

        if not text:
            return ()
        rows = self.tokenizer(text).to_array([IDX, LENGTH, ORTH, SPACY]).tolist()
        return tuple((i, i + n, o, bool(ws)) for i, n, o, ws in rows)


def flatten(forms: list[Any]) -> list[Token]:
    """A sentence's tokens with offsets into it, from forms made by :func:`raw_tokens`."""
    out: list[Token] = []
    at = 0
    for tokens in forms:
        out.extend((at + s, at + e, o, ws) for s, e, o, ws in tokens)
        at = at + tokens[-1][1] + 1
    return out


def align(starts: Sequence[int], lens: Sequence[int], spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``(first, last, label)`` token indices of each span, widened to whole tokens.

    ``starts`` holds each token's offset plus, last, the text length; ``lens`` the
    token lengths. The tokens are those of spaCy's ``doc.char_span(start, end,
    alignment_mode="expand")``; spans for which that gives no token are left out.
    """
    return [(first, last, span[2]) for first, last, span in aligned(starts, lens, spans)]


def aligned(
    starts: Sequence[int], lens: Sequence[int], spans: Iterable[tuple[int, int, str]]
) -> list[tuple[int, int, tuple[int, int, str]]]:
    """As :func:`align`, with each span itself in place of its label (its exact offsets)."""
    n = len(lens)
    out: list[tuple[int, int, tuple[int, int, str]]] = []
    if n == 0:
        return out
    size = starts[n]
    for span in spans:
        start, end = span[0], span[1]
        if not 0 <= start < end <= size:
            continue
        first = bisect_right(starts, start, 0, n) - 1
        last = bisect_right(starts, end - 1, 0, n) - 1
        if start == starts[first] + lens[first]:  # starts on the space after a token
            first += 1
        if first <= last:
            out.append((first, last, span))
    return out
