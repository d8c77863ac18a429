"""Prodigy JSONL: one task per sentence for the ``choice`` interface, with tokens and spans.

Claim typing as Prodigy's choice interface writes it: ``options`` lists every scheme
label (``none`` too), a labelled sentence is ``accept: [label]``, ``answer: "accept"``,
``_view_id: "choice"``; an unreviewed one is ``accept: []``, ``answer: "ignore"``.
(Exports before issue 11 wrote not-a-claim as ``label: "none"``, ``answer: "reject"``;
import still reads that.) A span's ``start``/``end`` cover whole tokens (Prodigy's
interfaces select tokens); when that widened a span, its exact character offsets
ride in the span's ``meta`` (``{"start", "end"}``), which import prefers. A figure's
``meta`` also carries its reading (``value``, ``unit``, ``change``, ``counted``), which
import ignores. Who answered is in Prodigy's own ``_annotator_id`` and ``_session_id``
(the annotator's name; ``ana+bob`` for a ``--gold`` label they agreed on), besides
``meta.annotator``; an unreviewed task has neither.

Who claims the sentence (annotations/formats/claimant.py): its source and cue are
spans labelled ``SOURCE`` and ``CUE`` (token offsets, exact ones in ``meta`` as for any
span), and ``meta`` says ``claimant`` (the name) and ``attribution`` (``found``,
``corrected`` or ``outlet``). Import reads them back as the reader's correction.

Tokens come from :class:`corpus.tokens.ChunkTokenizer`, which tokenises each
distinct word once; a token's JSON is three looked-up strings joined in C, made once
per sentence however many annotators' tasks hold it, and for a hundred sentences at
a time (one list, one join: :meth:`ProdigyTasks._tokens`). The tasks are made as UTF-8
bytes, each in three pieces that the file gets as they are (no pass to encode them,
no copy to join them). A big export from the CLI writes its second half in a forked
process.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, chain, count
from operator import add, getitem, itemgetter
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from annotations.formats.jsonl import (
    FORK_ROWS, can_fork, cpus, dumps, json_str, meta_json, write_lines_forked, write_piece_lines,
)
from annotations.formats.claimant import with_claimant
from annotations.formats.parts import append_part
from annotations.formats.registry import Format, WriteContext, register
from annotations.formats.rows import ExportRow
from corpus.readings import reading_json
from annotations.scheme import Scheme
from corpus.tokens import ChunkTokenizer, SentenceTokens, Token
from annotations.tokens import known_tokens

def _prodigy_form(text: str, tokens: tuple[Token, ...]) -> tuple[int | bytes, ...]:
    """Per chunk, three items a token, flat: its length, its advance (length + following
    space) and the end of its JSON object from ``"text"`` on, in UTF-8; offsets and ids
    are filled in per sentence (in place of the first two)."""
    flat: list[int | bytes] = []
    for s, e, _, ws in tokens:
        flat += (e - s, e - s + ws, f', "text": {json_str(text[s:e])}, "ws": {"true" if ws else "false"}}}, '.encode())
    return tuple(flat)


_TEXT = itemgetter(5)  # ExportRow.text


class _Decimal:
    """``_DECIMAL[n]`` is ``str(n)``: stands in for a table of numerals too short."""

    __getitem__ = staticmethod(str)


_DECIMAL = _Decimal()
_TABLE_LIMIT = 20_000  # longer sentences format their numbers one by one
#: Sentences up to this many characters (less 2) and :data:`_PAIR_TOKENS` tokens take
#: a token's id and start as one looked-up string (a table of ids x starts, its rows
#: made as the sentences need them: at most 160 x 514 strings, about 6 MB).
_PAIR_WIDTH = 514
_PAIR_TOKENS = 160
#: Sentences whose tokens' JSON is made together (:meth:`ProdigyTasks._tokens`): what a
#: batch holds at once is about 2 KB of JSON a sentence.
_BATCH_SENTENCES = 100
#: Between two sentences' tokens in a batch's joined JSON: never inside it (JSON
#: writes a newline in a string as ``\n``).
_SEPARATOR = b"\n"
#: The "id, start" of a separator, for any start.
_NOTHING = [b""] * _PAIR_WIDTH


def _sentence_batches(rows: Sequence[ExportRow], size: int) -> Iterator[tuple[Sequence[ExportRow], list[ExportRow]]]:
    """``rows`` in batches of whole sentences (the rows of one sentence, one per
    annotator, follow each other), ``size`` sentences each, with the first row of
    each sentence."""
    firsts: list[ExportRow] = []
    begun = 0
    last_text: str | None = None
    for at, row in enumerate(rows):
        if row.text != last_text:
            last_text = row.text
            if len(firsts) == size:
                yield rows[begun:at], firsts
                firsts, begun = [], at
            firsts.append(row)
    if firsts:
        yield rows[begun:], firsts


def prodigy_lines(
    rows: Sequence[ExportRow], scheme: Scheme, tokens: Mapping[str, SentenceTokens | None] | None = None
) -> Iterator[str]:
    """Prodigy tasks for ``rows`` as JSON lines (the same JSON as ``json.dumps(task,
    ensure_ascii=False)`` of the task dict). ``tokens``: the articles' cached sentence
    tokens (see :class:`~corpus.tokens.SentenceTokens`); spaCy's tokenizer is
    loaded only for a sentence without them."""
    return (line.decode() for line in prodigy_byte_lines(rows, scheme, tokens))


def prodigy_byte_lines(
    rows: Sequence[ExportRow], scheme: Scheme, tokens: Mapping[str, SentenceTokens | None] | None = None
) -> Iterator[bytes]:
    """:func:`prodigy_lines` in UTF-8, as the file holds them."""
    return map(b"".join, prodigy_line_pieces(rows, scheme, tokens))


def prodigy_line_pieces(
    rows: Sequence[ExportRow], scheme: Scheme, tokens: Mapping[str, SentenceTokens | None] | None = None
) -> Iterator[tuple[bytes, memoryview, bytes]]:
    """:func:`prodigy_byte_lines`, each line in three pieces (its sentence's tokens are
    one, shared by the rows of that sentence): what the file's writer copies straight
    from (:func:`~annotations.formats.jsonl.write_piece_lines`)."""
    return ProdigyTasks(scheme).pieces(rows, tokens)


class ProdigyTasks:
    """The tasks of one export, made batch by batch of rows (:meth:`pieces`): what the
    batches share (the chunks' token JSON, the tables of numbers, the JSON strings of
    labels and names) is made once, for all of them."""

    def __init__(self, scheme: Scheme, *, newline: bool = False) -> None:
        """``newline``: each task's last piece ends with the line's newline."""
        from murmurhash.mrmr import hash_bytes  # 32-bit, as Prodigy's own hashes (a spaCy dependency)

        self._hash = hash_bytes
        self._end = "}\n" if newline else "}"
        self._options = dumps([{"id": name, "text": name} for name in scheme.names])
        self._options_key = ",".join(scheme.names)
        self._chunker = ChunkTokenizer(form=_prodigy_form)
        self._literals: dict[str, str] = {}
        self._sessions: dict[str, str] = {}
        self._outcomes: dict[str | None, tuple[str, str]] = {}
        # '{"end": E' for every end a sentence can need, and ', "id": K, "start": S' for
        # every token number and start of a short sentence (pairs[K][S]): a token's JSON is
        # then three looked-up strings, joined in C. The same numbers as text, for the
        # spans' offsets and token numbers (a span of a longer sentence formats its own:
        # _Decimal). Grown as the batches need them.
        self._ends: list[bytes] = []
        self._numerals: list[str] = []
        self._width = 0
        self._pairs: list[list[bytes]] = []
        #: by a sentence's number of tokens n: the "id, start" tables of its tokens, then
        #: its separator's (the tables are grown in place)
        self._prefixes: dict[int, tuple[list[bytes], ...]] = {}

    def _grow(self, size: int) -> None:
        """Tables for sentences of up to ``size`` characters (less 2)."""
        ends, numerals = self._ends, self._numerals
        if size > len(ends):
            ends += [f'{{"end": {i}'.encode() for i in range(len(ends), size)]
            numerals += [str(i) for i in range(len(numerals), size)]
        width = min(size, _PAIR_WIDTH)
        if width > self._width:
            for k, row in enumerate(self._pairs):
                row += [f', "id": {k}, "start": {i}'.encode() for i in range(self._width, width)]
            self._width = width

    def pieces(
        self, rows: Sequence[ExportRow], tokens: Mapping[str, SentenceTokens | None] | None = None
    ) -> Iterator[tuple[bytes, memoryview, bytes]]:
        """The tasks of ``rows`` as :func:`prodigy_line_pieces` makes them."""
        self._grow(min(max((len(r.text) for r in rows), default=0), _TABLE_LIMIT) + 2)
        for batch, firsts in _sentence_batches(rows, _BATCH_SENTENCES):
            yield from self._tasks(batch, self._tokens(firsts, tokens or {}))

    def _tokens(
        self, firsts: list[ExportRow], tokens: Mapping[str, SentenceTokens | None]
    ) -> list[tuple[memoryview, list[int], list[int], int, int]]:
        """Each sentence's tokens (``firsts``: a row of each): ``(JSON, starts, lengths,
        first, n)``, its ``n`` tokens' offsets at ``starts[first:first + n]`` (and its
        length at ``starts[first + n]``), their lengths at ``lengths[first:]``.

        The tokens of every sentence short enough for the tables are made together: one
        list of every token's three items, each sentence's followed by a separator
        (``0, -length, "\\n"``: the starts, summed along the list, begin again at 0),
        in which the lengths and advances give way to the "end" and the "id, start"
        pieces (each a slice assignment in C, over the whole batch), then one join,
        cut at the separators. A sentence too long for the tables, or tokenised whole
        with tokens that do not add up to its length, makes its own (:meth:`_alone`)."""
        ends, pairs, width, prefixes = self._ends, self._pairs, self._width, self._prefixes
        texts = list(map(_TEXT, firsts))
        flat: list[Any] = []
        counts: list[int] = []  # tokens of each sentence made together
        made: list[Any] = []  # per sentence: its first token's place in flat, or its own tokens
        separators: list[int] = []
        for text, forms in zip(texts, self._chunker.pipe(texts, known=known_tokens(firsts, tokens))):
            items = list(chain.from_iterable(forms))
            n = len(items) // 3
            # A sentence cut at its spaces advances by its length (its chunks' tokens tile
            # them); one tokenised whole (one form) is checked, as its tokens may come
            # from a damaged cache entry: the next sentence's starts must begin at 0.
            if len(text) + 2 <= width and n <= _PAIR_TOKENS and (len(forms) > 1 or sum(items[1::3]) == len(text)):
                made.append(len(flat) // 3)
                flat += items
                separators.append(len(flat))
                flat += (0, -len(text), _SEPARATOR)
                counts.append(n)
            else:
                made.append(self._alone(text, items, n))
        if not flat:
            return made
        for n in set(counts).difference(prefixes):
            while len(pairs) < n:
                k = len(pairs)
                pairs.append([f', "id": {k}, "start": {i}'.encode() for i in range(width)])
            prefixes[n] = (*pairs[:n], _NOTHING)  # the separator's "id, start": nothing
        lens = flat[0::3]
        starts = list(accumulate(flat[1::3], initial=0))
        flat[0::3] = map(ends.__getitem__, map(add, starts, lens))
        flat[1::3] = map(getitem, chain.from_iterable(map(prefixes.__getitem__, counts)), starts)
        for at in separators:
            flat[at] = b""  # the separator's "end": nothing
        joined = b"".join(flat)
        view = memoryview(joined)
        find = joined.find
        done = 0
        counted = iter(counts)
        for k, at in enumerate(made):
            if type(at) is int:
                cut = find(_SEPARATOR, done)
                # (each token's JSON ends ", ")
                made[k] = (view[done : max(cut - 2, done)], starts, lens, at, next(counted))
                done = cut + 1
        return made

    def _alone(self, text: str, items: list[Any], n: int) -> tuple[memoryview, list[int], list[int], int, int]:
        """:meth:`_tokens` of one sentence on its own: too long for the tables of "id,
        start" (its numbers formatted one by one; "end" too past that table), or whose
        whole-sentence tokens do not add up to its length."""
        lens = items[0::3]
        starts = list(accumulate(items[1::3], initial=0))
        if len(text) + 2 <= len(self._ends):
            items[0::3] = map(self._ends.__getitem__, map(add, starts, lens))
        else:
            items[0::3] = map(b'{"end": %d'.__mod__, map(add, starts, lens))
        items[1::3] = map(b', "id": %d, "start": %d'.__mod__, zip(count(), starts[:n]))
        return memoryview(b"".join(items))[:-2], starts, lens, 0, n

    def _tasks(
        self, rows: Sequence[ExportRow], made: list[tuple[memoryview, list[int], list[int], int, int]]
    ) -> Iterator[tuple[bytes, memoryview, bytes]]:
        """The tasks of ``rows``, whose sentences' tokens are ``made`` (:meth:`_tokens`)."""
        hash_bytes, options, options_key, end = self._hash, self._options, self._options_key, self._end
        literals, sessions, outcomes = self._literals, self._sessions, self._outcomes
        numerals, size = self._numerals, len(self._ends)
        # The rows of one sentence (one per annotator) follow each other: its tokens' JSON
        # is made once for them all.
        sentences = iter(made)
        last_text: str | None = None
        for row in rows:
            text = row.text
            if text != last_text:
                last_text = text
                listed, starts, lens, first_token, n = next(sentences)
                after = first_token + n
                raw = text.encode("utf-8", "surrogatepass")
                input_hash = str(hash_bytes(raw))  # (formatted once: key and task)
                if '"' in text or "\\" in text or not text.isprintable():
                    head = f'{{"text": {json_str(text)}, "tokens": ['.encode()
                else:  # nothing to escape (json_str would only add the quotes): its bytes as they are
                    head = b'{"text": "' + raw + b'", "tokens": ['
                length = starts[after]
                number = numerals if len(text) + 2 <= size else _DECIMAL
            spans_json = []
            span_key = []
            readings = row.readings
            at = row.start
            for exact_start, exact_end, name in with_claimant(row) if n else ():
                # annotations.tokens.aligned, inline (a call and a list per row less)
                if not 0 <= exact_start < exact_end <= length:
                    continue
                first = bisect_right(starts, exact_start, first_token, after) - 1
                last = bisect_right(starts, exact_end - 1, first_token, after) - 1
                if exact_start == starts[first] + lens[first]:  # starts on the space after a token
                    first += 1
                if first > last:
                    continue
                s, e = starts[first], starts[last] + lens[last]  # widened to whole tokens
                first -= first_token  # (the sentence's token numbers)
                last -= first_token
                quoted = literals.get(name) or literals.setdefault(name, json_str(name))
                # ExportRow.reading, inline
                reading = readings.get((at + exact_start, at + exact_end, name)) if readings else None
                if reading is None and s == exact_start and e == exact_end:
                    spans_json.append(
                        f'{{"start": {number[s]}, "end": {number[e]}, "token_start": {number[first]}, '
                        f'"token_end": {number[last]}, "label": {quoted}}}'
                    )
                else:
                    meta = {} if (s, e) == (exact_start, exact_end) else {"start": exact_start, "end": exact_end}
                    if reading is not None:
                        meta.update(reading_json(reading))
                    exact = f', "meta": {dumps(meta)}' if meta else ""
                    spans_json.append(
                        f'{{"start": {s}, "end": {e}, "token_start": {first}, "token_end": {last}, '
                        f'"label": {quoted}{exact}}}'
                    )
                span_key.append(f"{number[s]},{number[e]},{name}")
            label = row.label
            chosen = outcomes.get(label)
            if chosen is None:  # once per label: what the task says of it, and its part of the task's key
                if label is None:
                    answer, accept, keyed = "ignore", "[]", ""
                else:
                    quoted = literals.get(label) or literals.setdefault(label, json_str(label))
                    answer, accept, keyed = "accept", f"[{quoted}]", label
                chosen = outcomes[label] = (
                    f'], "options": {options}, "accept": {accept}, "answer": "{answer}", "meta": ', f"|{keyed}|"
                )
            task_key = f"{input_hash}{chosen[1]}{';'.join(span_key)}|{options_key}"
            task_hash = hash_bytes(task_key.encode("utf-8", "surrogatepass"))
            who = row.annotator
            # Prodigy's own fields for who answered (its review recipe groups by them); an
            # unreviewed task has no answer, so no annotator.
            session = sessions.get(who) or sessions.setdefault(
                who, f', "_annotator_id": {json_str(who)}, "_session_id": {json_str(who)}' if who else ""
            )
            yield (
                head,
                listed,
                f'], "spans": [{", ".join(spans_json)}{chosen[0]}{meta_json(row, literals)}, "_input_hash": {input_hash}, '
                f'"_task_hash": {task_hash}, "_view_id": "choice"{session}{end}'.encode(),
            )


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """Write the tasks; the second half from a forked process where that pays (see
    :func:`~annotations.formats.jsonl.write_lines_forked`): at least 20,000 rows, two
    CPUs, Linux, called from the main thread, unless ``context.processes`` says."""
    processes = context.processes
    if processes is None:
        processes = 2 if len(rows) >= FORK_ROWS and cpus() >= 2 else 1
    if processes >= 2 and len(rows) >= 2 and can_fork():
        return write_lines_forked(
            rows, lambda part: prodigy_byte_lines(part, context.scheme, context.tokens), out, context.advance,
            binary=True,
        )
    return write_piece_lines(prodigy_line_pieces(rows, context.scheme, context.tokens), out, context.advance)


FORMAT = register(
    Format(
        "prodigy", write, ".jsonl", "Prodigy JSONL", join=append_part, whole_needed=False,
        lines=lambda scheme: ProdigyTasks(scheme, newline=True).pieces,
        overlaps="kept in \"spans\" (Prodigy's spans interfaces show them; ner.manual and "
        "spaCy's ner cannot hold overlapping spans)",
    )
)
