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

The analyser works out these tokens for every sentence while spaCy is loaded anyway
(:func:`sentence_tokens`, with the pipeline's own tokenizer when it splits as blank
English does: :func:`pipeline_tokenizer`) and the analysis cache keeps them (:class:`SentenceTokens`:
the token boundaries that fall inside a chunk, a few per sentence), so an export
whose articles are all cached never imports spaCy: :class:`ChunkTokenizer` takes a
sentence's cached tokens (:class:`Known`) in place of the tokenizer's and loads the
tokenizer only for a sentence without them.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from itertools import accumulate, compress, islice
from operator import lt
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from corpus.json_fast import spaced_ints

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


def _matcher(function: Any) -> Any:
    """What a tokenizer's regex callback matches: ``(pattern, flags, method)`` for a
    bound method of a compiled pattern, else the callback itself (compared by identity)."""
    owner = getattr(function, "__self__", None)
    if isinstance(owner, re.Pattern):
        return owner.pattern, owner.flags, function.__name__
    return function


def splits_as_blank_english(candidate: Any) -> bool:
    """Whether ``candidate`` (a loaded pipeline's tokenizer) cuts every text exactly as
    :func:`load_tokenizer`'s would: spaCy's own tokenizer class with blank English's
    special cases, affix and match patterns and heuristics, compared field by field
    (a few milliseconds) rather than by loading the blank one (~0.1-0.3 s)."""
    from spacy.lang.en import English
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    if type(candidate) is not Tokenizer:
        return False
    defaults = English.Defaults
    expected = {
        "prefix_search": compile_prefix_regex(defaults.prefixes).search if defaults.prefixes else None,
        "suffix_search": compile_suffix_regex(defaults.suffixes).search if defaults.suffixes else None,
        "infix_finditer": compile_infix_regex(defaults.infixes).finditer if defaults.infixes else None,
        "token_match": defaults.token_match,
        "url_match": defaults.url_match,
    }
    for name, function in expected.items():
        if _matcher(getattr(candidate, name, None)) != _matcher(function):
            return False
    return candidate.faster_heuristics is True and candidate.rules == defaults.tokenizer_exceptions


def pipeline_tokenizer(nlp: Any) -> Any:
    """The tokenizer the analyser works out export tokens with: the loaded pipeline's
    own when it splits as blank English does (no second load, and its chunk cache is
    warm from the parse), else blank English's (:func:`tokenizer`)."""
    own = getattr(nlp, "tokenizer", None)
    return own if splits_as_blank_english(own) else tokenizer()


def raw_tokens(text: str, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """The simplest :data:`Form`: the tokens themselves."""
    return tokens


class Known(NamedTuple):
    """Where to find a sentence's tokens as the analyser cached them (see
    :class:`SentenceTokens`): sentence number ``index`` of ``owner``, at ``start:end``.
    Read only when a chunk of it is new (:meth:`cuts`), or when the sentence was
    tokenised whole (:meth:`tokens`). Tokens from here carry no vocab hash: ``orth`` is 0."""

    owner: SentenceTokens
    index: int
    start: int
    end: int

    def tokens(self) -> tuple[Token, ...] | None:
        """The tokens of a sentence the tokenizer took whole, offsets into it; None for
        a sentence split at its spaces (see :meth:`cuts`)."""
        flat = self.owner.whole.get(self.index)
        if flat is None:
            return None
        start = self.start
        return tuple((s - start, e - start, 0, bool(ws)) for s, e, ws in zip(flat[0::3], flat[1::3], flat[2::3]))

    def cuts(self) -> list[int]:
        """Offsets into the sentence where a token ends inside a chunk (no space after it)."""
        cuts, start = self.owner.cuts, self.start
        lo, hi = bisect_left(cuts, start + 1), bisect_left(cuts, self.end)
        return [c - start for c in cuts[lo:hi]]


_new_known = tuple.__new__


def spacy_version() -> str:
    """The installed spaCy's version, read from its package metadata (no import):
    cached tokens are used only with the spaCy that made them."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spacy")
    except PackageNotFoundError:
        return ""


class ChunkTokenizer:
    """Tokenises sentences like ``tokenizer`` does, caching per whitespace chunk.

    ``form`` turns a chunk's tokens into what the caller needs per token (JSON
    fragments, vocab hashes), so that work is done once per distinct chunk too.
    """

    def __init__(self, tokenizer: Any = None, form: Form = raw_tokens) -> None:
        #: None: :func:`tokenizer` is loaded when a sentence without cached tokens needs it.
        self._tokenizer = tokenizer
        self.form = form
        self._chunked: bool | None = None
        # Per chunk: its form when a space follows, and when it ends the sentence.
        # None marks a chunk whose tokens did not tile it (never seen; kept safe).
        self._mid: dict[str, Any | None] = {}
        self._last: dict[str, Any | None] = {}

    @property
    def tokenizer(self) -> Any:
        """spaCy's tokenizer (loading spaCy the first time it is asked for, when none was given)."""
        if self._tokenizer is None:
            self._tokenizer = tokenizer()
        return self._tokenizer

    @property
    def chunked(self) -> bool:
        """Whether sentences may be split at their spaces (no rule holds whitespace)."""
        if self._chunked is None:
            rules = getattr(self.tokenizer, "rules", None) or {}
            # Single whitespace characters are rules in English; they only ever match
            # whitespace tokens, which the split path never produces.
            self._chunked = not any(len(r) > 1 and any(ch.isspace() for ch in r) for r in rules)
        return self._chunked

    def pieces(self, text: str) -> list[str] | None:
        """``text`` cut at its spaces when it may be tokenised a chunk at a time, else None."""
        # Single spaces must be the only whitespace: isprintable() is False for
        # every other whitespace character (and for a few harmless ones, which
        # the exact split() comparison then lets through).
        if text and "  " not in text and text[0] != " " and text[-1] != " " and self.chunked:
            pieces = text.split(" ")
            if text.isprintable() or pieces == text.split():
                return pieces
        return None

    def clear(self) -> None:
        """Forget the chunks seen so far (bounds the memory of a long-lived tokenizer)."""
        self._mid.clear()
        self._last.clear()

    def __len__(self) -> int:
        """Distinct chunks held."""
        return len(self._mid)

    def pipe(
        self, texts: Iterable[str], batch_size: int = 2000, known: Iterable[Known | None] | None = None
    ) -> Iterator[list[Any]]:
        """Per text, in order, the forms of its chunks (one form for the whole text
        when it had to go through the tokenizer whole; none for an empty text).

        ``known`` gives, beside each text, its cached tokens or None (see :class:`Known`);
        the tokenizer is asked only about texts without them.
        """
        texts = iter(texts)
        marks = iter(known) if known is not None else None
        while batch := list(islice(texts, max(batch_size, 1))):
            knowns: list[Known | None] = list(islice(marks, len(batch))) if marks is not None else []
            knowns.extend([None] * (len(batch) - len(knowns)))
            yield from self._batch(batch, knowns)

    def _batch(self, texts: list[str], knowns: list[Known | None]) -> Iterator[list[Any]]:
        # A text is answered at once unless a text before it in the batch waits (its
        # new chunks go to the tokenizer together, after the loop): so the usual
        # export, every sentence's cuts cached, makes no lists to go through again.
        mid, last = self._mid, self._last
        get = mid.get
        held: list[tuple[str, list[str] | None, list[Any] | None, tuple[Token, ...] | None]] = []
        new: set[str] = set()
        for text, known in zip(texts, knowns):
            pieces: list[str] | None = None
            found: list[Any] | None = None
            whole: tuple[Token, ...] | None = None
            if known is not None:
                if known.owner.whole:
                    whole = known.tokens()  # cached as tokenised whole, or None
                if whole is None:
                    pieces = text.split(" ")
                    found = list(map(get, pieces))
                    tiled = True  # looked for once: the usual sentence has no new chunk
                    if None in found:  # a new chunk: read the sentence's cached cuts
                        self._teach(pieces, known.cuts())
                        found = list(map(get, pieces))
                        tiled = None not in found
                    if tiled and not held:
                        found[-1] = last[pieces[-1]]
                        yield found
                        continue
            else:
                pieces = self.pieces(text)
                if pieces is not None:
                    found = list(map(get, pieces))
                    if None in found:  # new chunks (or ones that did not tile): wait for them
                        new.update(pieces)
                        held.append((text, pieces, found, None))
                        continue
            if held:
                held.append((text, pieces, found, whole))
            else:
                yield self._forms(text, pieces, found, whole)
        if not held:
            return
        new.difference_update(mid)
        if new:
            self._learn(sorted(new))
        for text, pieces, found, whole in held:
            if pieces is not None and found is not None and None in found:
                found = list(map(get, pieces))
            yield self._forms(text, pieces, found, whole)

    def _forms(
        self, text: str, pieces: list[str] | None, found: list[Any] | None, whole: tuple[Token, ...] | None
    ) -> list[Any]:
        """One text's answer for :meth:`pipe`, from its chunks' forms when each is known."""
        if pieces is not None and found is not None and None not in found:
            found[-1] = self._last[pieces[-1]]
            return found
        if not text:
            return []
        if whole is not None:
            return [self.form(text, whole)]
        return [self.form(text, self.tokens_of(text))]

    def _teach(self, pieces: list[str], cuts: Sequence[int]) -> None:
        """Store the chunks of one sentence from its cached ``cuts`` (offsets into the
        sentence where a token ends inside a chunk), as :meth:`_learn` would from the
        tokenizer."""
        at = 0
        k = 0
        for piece in pieces:
            end = at + len(piece)
            if piece not in self._mid:
                tokens: list[tuple[int, int, int]] = []
                start = at
                while k < len(cuts) and cuts[k] <= at:
                    k += 1
                while k < len(cuts) and cuts[k] < end:
                    tokens.append((start - at, cuts[k] - at, 0))
                    start = cuts[k]
                    k += 1
                tokens.append((start - at, end - at, 0))
                self._store(piece, tokens)
            at = end + 1

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


_SPACY_VERSION: str | None = None


def installed_spacy() -> str:
    """:func:`spacy_version`, read once per process."""
    global _SPACY_VERSION
    if _SPACY_VERSION is None:
        _SPACY_VERSION = spacy_version()
    return _SPACY_VERSION


class SentenceTokens:
    """The export tokens of an article's sentences, as the analysis cache keeps them.

    ``sentences`` are the analysis's sentences, flat (start, end, ...); ``cuts`` the
    article offsets where a token ends inside a chunk (no space after it) in the
    sentences that are split at their spaces (in the cache one string of numbers); ``whole`` by sentence number the tokens
    of a sentence that the tokenizer took whole (tabs, newlines, double spaces), flat
    ``start, end, space after`` in article offsets. Made by :func:`sentence_tokens`,
    read by :meth:`known`. A cache entry's tokens are checked on the first
    :meth:`known` (an export that writes no tokens never pays for them); bad ones are
    none at all, and the tokenizer makes them again.
    """

    __slots__ = ("sentences", "cuts", "whole", "size", "version", "_starts")

    def __init__(
        self, sentences: Sequence[int], cuts: Any, whole: Any, size: int, version: str | None = None
    ) -> None:
        self.sentences = sentences
        self.cuts = cuts  # offsets, or the cache's string of them until checked
        self.whole = whole  # {sentence number: flat tokens}, or the cache's list until checked
        self.size = size
        #: The spaCy that made them (this process's when None).
        self.version = installed_spacy() if version is None else version
        self._starts: Sequence[int] | None = None

    def _check(self) -> bool:
        """Check (once) what came from the cache file; False when it does not fit."""
        if self._starts is not None:
            return bool(self._starts) or not self.sentences
        self._starts = array("i")
        try:
            if isinstance(self.cuts, str):  # as cached: offsets in one string, read when first used
                self.cuts = array("i", spaced_ints(self.cuts))
            cuts = self.cuts
            # strictly increasing (sorted, no repeat), from 0 to the text's end
            if cuts and (cuts[0] < 0 or cuts[-1] > self.size or not all(map(lt, cuts, cuts[1:]))):
                return False
            count = len(self.sentences) // 2
            whole: dict[int, Sequence[int]] = {}
            for entry in self.whole if isinstance(self.whole, list) else ():
                k, flat = entry[0], array("i", entry[1:])
                if not (type(k) is int and 0 <= k < count) or len(flat) % 3:
                    return False
                whole[k] = flat
            if isinstance(self.whole, list):
                self.whole = whole
            self.sentences = array("i", self.sentences)  # the cache's list of ints, 9x the size
            self._starts = self.sentences[0::2]
        except (TypeError, ValueError, OverflowError, IndexError):
            return False
        return True

    def known(self, start: int, end: int) -> Known | None:
        """The cached tokens of the sentence ``start:end``, offsets into its text; None
        when it is not one of the analysis's sentences (a person merged or split it)."""
        starts = self._starts
        if starts is None:
            if not self._check():
                return None
            starts = self._starts
        elif not starts:  # checked: it did not fit, or has no sentence
            return None
        k = bisect_left(starts, start)
        if k == len(starts) or starts[k] != start or self.sentences[2 * k + 1] != end:
            return None
        return _new_known(Known, (self, k, start, end))  # (no call of the class: one per export row)

    def to_json(self) -> dict[str, Any]:
        """The cache's ``k`` field (see ``corpus.cache``); the sentences are the analysis's."""
        cuts, whole = self.cuts, self.whole  # as read from a cache file, or as made
        return {
            "v": self.version,
            # one string: nothing to build until an export needs it
            "c": cuts if isinstance(cuts, str) else " ".join(map(str, cuts)),
            "w": whole if isinstance(whole, list) else [[k, *flat] for k, flat in sorted(whole.items())],
        }

    @classmethod
    def from_json(cls, data: Any, sentences: Sequence[int], size: int) -> SentenceTokens | None:
        """The tokens cached as ``data`` for the flat ``sentences`` (start, end, ...) of
        a text of ``size`` characters; None when spaCy is another version than the one
        that made them (its rules may differ), or the entry is not what was written."""
        if type(data) is not dict or data.get("v") != installed_spacy():
            return None
        cuts, whole = data.get("c"), data.get("w")
        if type(cuts) is not str or type(whole) is not list:
            return None
        return cls(sentences, cuts, whole, size, data["v"])


#: Distinct chunks an analyser's tokenizer keeps before it starts afresh (memory: a
#: 20 MB article has ~500,000 distinct words).
_ANALYSER_CHUNKS = 100_000
#: Sentences tokenised at a time (between them the chunk cache may be emptied).
_SENTENCES_AT_ONCE = 2_000


def _chunk_cuts(text: str, tokens: tuple[Token, ...]) -> tuple[int, ...]:
    """What the analyser keeps per chunk: where its tokens end inside it (all but the
    last token's end; none for a chunk of one token, most of them)."""
    return tuple([e for _, e, _, _ in tokens[:-1]])


def analyser_chunker(tokenizer: Any) -> ChunkTokenizer:
    """The chunk tokenizer :func:`sentence_tokens` wants (it keeps the cuts inside chunks only)."""
    return ChunkTokenizer(tokenizer, form=_chunk_cuts)


def sentence_tokens(text: str, sentences: Sequence[Any], chunker: ChunkTokenizer) -> SentenceTokens:
    """The export tokens of ``sentences`` (``Segment``s of ``text``), exactly as
    ``ChunkTokenizer.pipe`` gives them to an export; ``chunker`` comes from
    :func:`analyser_chunker` and keeps what it learnt for the next article (up to
    ``_ANALYSER_CHUNKS`` chunks).

    What ``pipe`` does, without its per-text answers: the new chunks of all the
    sentences learnt at once, then each sentence's cuts read from its chunks."""
    cuts = array("i")
    whole: dict[int, Sequence[int]] = {}
    mid = chunker._mid
    get = mid.get
    for at in range(0, len(sentences), _SENTENCES_AT_ONCE):
        if len(chunker) > _ANALYSER_CHUNKS:
            chunker.clear()
        some = sentences[at : at + _SENTENCES_AT_ONCE]
        split = [chunker.pieces(text[seg.start : seg.end]) for seg in some]
        new = set().union(*[pieces for pieces in split if pieces is not None])
        new.difference_update(mid)
        if new:
            chunker._learn(sorted(new))
        for k, (seg, pieces) in enumerate(zip(some, split), start=at):
            if pieces is not None:
                forms = list(map(get, pieces))
                if None not in forms:  # every chunk tiled: its cuts
                    if any(forms):  # most chunks are one token: no cut inside, and no step here
                        ends = list(accumulate(map(len, pieces)))  # where each chunk ends, spaces not counted
                        for n in compress(range(len(forms)), forms):
                            begin = seg.start + n + (ends[n - 1] if n else 0)  # a space after each chunk before
                            cuts.extend([begin + e for e in forms[n]])
                    continue
            flat = array("i")  # tokenised whole: every token, with the space after it
            for s, e, _, ws in chunker.tokens_of(text[seg.start : seg.end]):
                flat.extend((seg.start + s, seg.start + e, int(ws)))
            whole[k] = flat
    return SentenceTokens([n for seg in sentences for n in (seg.start, seg.end)], cuts, whole, len(text))
