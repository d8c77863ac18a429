"""The pipeline's attribute ruler read as a table: the same token attributes, set for a
fraction of its time.

The English pipelines end their tagging with an ``attribute_ruler``: about 180 token
patterns (each tag's part of speech and morphology, the lemmas of a few words) that
spaCy's Matcher tries at every token, 10-13% of the whole pipeline's time on news
(``benchmarks/analyze.py``). Nearly all of them look at one token, and whether a token
matches depends only on a few of its attributes (tag, lower-case form, dependency,
whether it is space). So what each distinct combination of those gets is worked out
once, from the ruler's own patterns and attributes, and looked up after; a pattern of
several tokens is checked where its first token's conditions hold.

The result is the ruler's: every matching pattern sets its attributes on its token, a
pattern added later over one added before (the ruler applies its matches in that
order), through spaCy's own setter. The analysis runs the pipeline without the ruler
and this after it; that is only done when nothing after the ruler reads what it sets
(see :func:`table_for`), and a pattern this table cannot read (a quantifier, another
operator, another attribute) leaves the ruler in the pipeline.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

#: The ruler's name in spaCy's pipelines.
RULER = "attribute_ruler"
#: Token attributes a pattern may test here, and whether each is a string (else a flag).
_TESTABLE = {"ORTH": True, "TEXT": True, "LOWER": True, "TAG": True, "DEP": True, "IS_SPACE": False}
#: Components that may come after the ruler: they read none of what it sets, unless
#: their model's config names one of those attributes among what it embeds (the
#: English pipelines' ``ner`` embeds NORM, PREFIX, SUFFIX and SHAPE).
_BLIND_AFTER = frozenset({"ner"})
#: Most combinations held at once (each a tuple of four numbers, ~250 bytes): about
#: 5 MB. Past it the table starts again (a long text with a large vocabulary).
_TABLE_SIZE = 20_000
#: What the table sets (a ruler setting anything else keeps the ruler); a later
#: component whose model embeds one of them keeps it too.
_SET_BY_RULERS = frozenset({"TAG", "POS", "MORPH", "LEMMA", "DEP"})
#: What a token's combination of tested attributes gets: its attributes to set, the
#: same with the rank of the pattern each comes from, and the (pattern, position) pairs
#: of the longer patterns whose conditions it meets.
_Entry = tuple[dict[int, int], dict[int, tuple[int, int]], tuple[tuple[int, int], ...]]


class _Unreadable(ValueError):
    """A pattern this table does not read; the ruler stays."""


def _test(name: str, value: object) -> Callable[[object], bool]:
    """One attribute's condition as a test of that attribute's value (a string, or 0/1)."""
    if name not in _TESTABLE:
        raise _Unreadable(name)
    if not _TESTABLE[name]:
        if isinstance(value, bool):
            return lambda got: bool(got) == value
        raise _Unreadable(f"{name}: {value!r}")
    if isinstance(value, str):
        return lambda got: got == value
    if not isinstance(value, dict) or not value:
        raise _Unreadable(f"{name}: {value!r}")
    tests = []
    for op, operand in value.items():
        if op == "IN" and isinstance(operand, list) and all(isinstance(v, str) for v in operand):
            tests.append(frozenset(operand).__contains__)
        elif op == "NOT_IN" and isinstance(operand, list) and all(isinstance(v, str) for v in operand):
            excluded = frozenset(operand)
            tests.append(lambda got, excluded=excluded: got not in excluded)
        elif op == "REGEX" and isinstance(operand, str):
            tests.append(lambda got, pattern=re.compile(operand): pattern.search(got) is not None)
        else:
            raise _Unreadable(f"{name}: {op}")
    return lambda got: all(test(got) for test in tests)


class AttributeTable:
    """An attribute ruler's patterns as lookups; call it on a doc the ruler has not seen."""

    def __init__(self, ruler) -> None:
        from spacy import attrs as ids
        from spacy.tokens._retokenize import set_token_attrs  # the setter the ruler uses

        self._set = set_token_attrs
        self.strings = ruler.vocab.strings
        names: list[str] = []  # the tested attributes, in the order of a doc's array columns
        # each pattern: (rank, per position: [(column, test)], index, attributes to set)
        patterns: list[tuple[int, list[list[tuple[int, Callable[[object], bool]]]], int, dict[int, int]]] = []
        settable = {ids.IDS[name] for name in _SET_BY_RULERS}
        for rank, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            if not isinstance(attrs, dict) or not settable.issuperset(attrs):
                # extension attributes ("_"), or one a later component may read (NORM)
                raise _Unreadable("attributes")
            for pattern in ruler.matcher.get(str(rank))[1]:
                positions = []
                for token in pattern:
                    if not token:
                        raise _Unreadable("any token")
                    tests = []
                    for name, value in token.items():
                        if name not in names:
                            names.append(name)
                        tests.append((names.index(name), _test(name, value)))
                    positions.append(tests)
                if not positions or not -len(positions) <= index < len(positions):
                    raise _Unreadable("index")
                patterns.append((rank, positions, index % len(positions), dict(attrs)))
        self.columns = [ids.IDS["ORTH" if name == "TEXT" else name] for name in names]
        self.is_string = [_TESTABLE[name] for name in names]
        self.single = [p for p in patterns if len(p[1]) == 1]
        self.longer = [p for p in patterns if len(p[1]) > 1]
        self._table: dict[tuple[int, ...], _Entry] = {}
        #: The distinct entries (a few hundred: tags times the words the patterns
        #: name), shared by every combination that gets the same.
        self._entries: dict[tuple[object, ...], _Entry] = {}

    def _learn(self, key: tuple[int, ...]) -> _Entry:
        """What one combination of tested attributes gets, from the patterns."""
        strings = self.strings
        values = [strings[v] if is_string else v for v, is_string in zip(key, self.is_string)]
        ranked: dict[int, tuple[int, int]] = {}  # attribute -> (rank, value): the latest pattern's
        for rank, positions, _, attrs in self.single:
            if all(test(values[column]) for column, test in positions[0]):
                for attr, value in attrs.items():
                    if ranked.get(attr, (-1, 0))[0] <= rank:
                        ranked[attr] = (rank, value)
        steps = tuple(
            (n, at)
            for n, (_, positions, _, _) in enumerate(self.longer)
            for at, tests in enumerate(positions)
            if all(test(values[column]) for column, test in tests)
        )
        same = (tuple(sorted(ranked.items())), steps)
        entry = self._entries.get(same)
        if entry is None:
            entry = self._entries.setdefault(same, ({a: v for a, (_, v) in ranked.items()}, ranked, steps))
        if len(self._table) >= _TABLE_SIZE:  # a bound; a new table, so a thread reading the old one is fine
            self._table = {}
        self._table[key] = entry
        return entry

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.columns:
            return doc
        set_token_attrs = self._set
        table = self._table
        learn = self._learn
        entries = [table.get(key) or learn(key) for key in map(tuple, doc.to_array(self.columns).tolist())]
        longer = self._match_longer(entries) if self.longer else {}
        for i, (attrs, ranked, _) in enumerate(entries):
            if i in longer:
                # a longer pattern matched here too: each attribute from the latest pattern
                merged = dict(ranked)
                for attr, (rank, value) in longer[i].items():
                    if merged.get(attr, (-1, 0))[0] <= rank:
                        merged[attr] = (rank, value)
                attrs = {attr: value for attr, (_, value) in merged.items()}
            if attrs:
                set_token_attrs(doc[i], attrs)
        return doc

    def _match_longer(self, entries: list[_Entry]) -> dict[int, dict[int, tuple[int, int]]]:
        """The longer patterns' matches: by token, the attributes they set with their ranks."""
        found: dict[int, dict[int, tuple[int, int]]] = {}
        for i, (_, _, steps) in enumerate(entries):
            for n, at in steps:
                if at:
                    continue
                rank, positions, index, attrs = self.longer[n]
                if i + len(positions) > len(entries) or not all(
                    (n, k) in entries[i + k][2] for k in range(1, len(positions))
                ):
                    continue
                mine = found.setdefault(i + index, {})
                for attr, value in attrs.items():
                    if mine.get(attr, (-1, 0))[0] <= rank:
                        mine[attr] = (rank, value)
        return found


#: The tables made so far, by pipeline: (the pipeline, what it was made from, the table).
#: The pipeline and the ruler's matcher are held so their ids are not reused meanwhile.
_TABLES: dict[int, tuple[object, tuple[object, ...], AttributeTable | None]] = {}


def table_for(nlp: Language) -> AttributeTable | None:
    """The table standing for ``nlp``'s attribute ruler, or None to keep the ruler:
    no ruler, one of its patterns unreadable here, or a component after it that might
    read what it sets. Made once, and again when the pipeline or the ruler changed."""
    names = tuple(nlp.pipe_names)
    ruler = nlp.get_pipe(RULER) if RULER in names else None
    made_from = (names, ruler, getattr(ruler, "matcher", None), len(getattr(ruler, "attrs", ())))
    known = _TABLES.get(id(nlp))
    if known is not None and known[0] is nlp and all(a is b or a == b for a, b in zip(known[1], made_from)):
        return known[2]
    table = None if ruler is None else _made(nlp, ruler, names)
    if len(_TABLES) >= 8:
        _TABLES.clear()
    _TABLES[id(nlp)] = (nlp, made_from, table)
    return table


def _embedded(config: object) -> set[str]:
    """Every attribute name listed under an ``attrs`` key of a component's config."""
    found: set[str] = set()
    if isinstance(config, dict):
        for key, value in config.items():
            if key == "attrs" and isinstance(value, (list, tuple)):
                found.update(str(v).upper() for v in value)
            else:
                found |= _embedded(value)
    elif isinstance(config, (list, tuple)):
        for value in config:
            found |= _embedded(value)
    return found


def _made(nlp: Language, ruler, names: tuple[str, ...]) -> AttributeTable | None:
    for name in names[names.index(RULER) + 1 :]:
        if name not in _BLIND_AFTER:
            return None
        try:
            config = nlp.config["components"][name]
        except (KeyError, TypeError):
            return None
        if _embedded(config) & _SET_BY_RULERS:
            return None
    try:
        return AttributeTable(ruler)
    except (_Unreadable, ImportError, AttributeError, KeyError, TypeError):
        return None
