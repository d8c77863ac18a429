"""The figure layer: numbers, money, percentages, quantities, counts, ranges, scores, ages.

spaCy's small English model finds most figures but misses or mislabels the shapes news
leans on: ``several hundred thousand`` comes back as a DATE, ``38-year-old`` and the age
in ``Maria Lopez, 34,`` as DATEs, ``40 per cent`` as MONEY, ``2 – 1`` as two numbers,
``$600bn`` as a PERSON. This module runs surface rules (regular expressions over the
doc text, checked against the doc's tokens and tags) and merges them with the model's
entities:

* entities stay, unless the rule span wholly covers an "entity" that is just a number;
* a rule span replaces the model figure spans it overlaps (the rule is the more
  precise reading: ``2 – 1`` is one score, not two cardinals);
* a rule span replaces an overlapping DATE/TIME when the rule is a strong shape (age,
  score, money, percent, count) or when the date span has no date word in it at all;
* approximators (``about``, ``more than``, ``up to``...) join the figure they qualify;
* ``first`` used as an adverb before a verb (``she first visited``) is not a figure,
  nor ``first`` in ``the first half`` of a match, a number glued into a word or name
  (``high-five``, ``#1``, ``4chan``) or one that ends or starts a name (``Internet
  Explorer 6``, ``737 Max``: the digits join the name when the model marked it);
* a DATE the model found stays unless a rule proves a figure there (money, percent,
  an age, a score, ``1709 schoolchildren``): ``May 7, 2015`` and ``8–10 years`` stay;
* ``from X to Y`` with two figures becomes one span (a change or a range, read in
  ``corpus/readings.py``); a date ending in a year takes in the year that closes a
  span of years (``between 1998 and 2004``).

The patterns themselves (numbers, currencies, units, the rules' list) are in
``corpus/figure_patterns.py``, the joining of ``from X to Y`` and of spans of years in
``corpus/figure_joins.py``; this module runs the patterns and merges. Everything works on
character offsets into ``doc.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from typing import TYPE_CHECKING, NamedTuple

from corpus.figure_patterns import (
    APPROX,
    SCORE_CUES,
    DATE_WORD,
    YEAR,
    HAS_DIGIT,
    CURRENCY_PREFIX,
    HALF_OF_MATCH,
    LETTER,
    HAS_NUMBER,
    RULES,
    DASH_PAIR,
    AGE_AFTER_NOUN,
    AGED,
    AGE_OF,
    YEAR_LIKE_COUNT,
    YEAR_BEFORE,
    GLUED_OK,
    NOT_NAME_BEFORE,
    BARE,
    START_WORDS,
    AFTER_A,
    A_AN,
    MONEY_FIRST,
    FIRST_CHARS,
    MONEY_START,
    SIGN_CHARS,
    CURRENCY_INSIDE,
    HYPHEN_NAME,
    PART_WORDS,
    CHARS_AFTER_NUMBER,
    NUMBER_RUN,
    WORDS_AFTER_NUMBER,
)
from corpus.figure_joins import from_to, second_years
from corpus.model import kind_of
from corpus.pattern_starts import StartTable
from corpus.unit_context import MONEY_UNITS, SYMBOL_AFTER, symbol_match, symbol_of, unit_for

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


class Found(NamedTuple):
    """A span in doc-text offsets with its label."""

    start: int
    end: int
    label: str


# --- the building blocks -----------------------------------------------------------


# --- the rules ---------------------------------------------------------------------
# (pattern, label, strong). Among overlapping rule matches the longest wins; a tie goes
# to the earlier rule. "Strong" shapes also beat a model DATE/TIME that has date words.


_AMOUNT_CHARS = frozenset("0123456789$£€¥=")

# Which of the rules (and the unit symbol pattern, last) may match starting on a character:
# each candidate token tries only those, not all thirty (corpus/pattern_starts.py).
_STARTS = StartTable([pattern for pattern, _label, _strong in RULES] + [SYMBOL_AFTER])
_SYMBOL = len(RULES)
# The rules that may start on a digit, and of them those that may go on with what follows
# the number (figure_patterns.WORDS_AFTER_NUMBER, CHARS_AFTER_NUMBER): "300 people" or
# "2020," tries none of them (the unit symbol check only), "30 years" the age rules.
_DIGITS = frozenset("0123456789")
_ON_DIGITS = _STARTS.indices("0")
_GOING_ON = {
    k: words for k, (label, words) in WORDS_AFTER_NUMBER.items() if k < len(RULES) and RULES[k][1] == label
}
# A rule whose label no longer matches its place is kept after every character.
_KEPT_ALWAYS = {
    k for char_rules in CHARS_AFTER_NUMBER.values() for k, label in char_rules if k >= len(RULES) or RULES[k][1] != label
}
_BY_CHAR = {
    char: tuple(k for k in _ON_DIGITS if k not in _GOING_ON or k in _KEPT_ALWAYS or (k, RULES[k][1]) in rules)
    for char, rules in CHARS_AFTER_NUMBER.items()
}
_AFTER_OTHER = tuple(k for k in _ON_DIGITS if k not in _GOING_ON or k in _KEPT_ALWAYS)
_NUMBER_WORD = re.compile(r"\s([^\W\d_]+)")
_AFTER_WORD: dict[str, tuple[int, ...]] = {}


def _rules_after_number(text: str, pos: int, end: int, starting: tuple[int, ...]) -> tuple[int, ...]:
    """Of ``starting`` (the rules that may start on the digit at ``pos``), those that may
    match there given what follows the number (``text[pos:end]``, :data:`NUMBER_RUN`): a
    space and a word (looked up once per word), a letter (all of them), another character."""
    global _AFTER_WORD
    if starting != _ON_DIGITS:
        return starting
    if text[end - 1] in ".,":
        return _AFTER_OTHER  # a number goes on from its last digit: "2020." or "1, 2"
    after = text[end : end + 1]
    if after.isalpha():
        return starting
    if not after.isspace():
        return _BY_CHAR.get(after, _AFTER_OTHER)
    match = _NUMBER_WORD.match(text, end)
    if match is None:
        return starting
    word = match.group(1)
    kept = _AFTER_WORD.get(word)
    if kept is None:
        if word.isascii():
            lower = word.lower()
            kept = tuple(k for k in starting if k not in _GOING_ON or lower.startswith(_GOING_ON[k]))
        else:
            kept = starting  # the words are read in ASCII
        if len(_AFTER_WORD) >= 100_000:  # a bound over a very large corpus; a new table (as _START_KINDS)
            _AFTER_WORD = {}
        _AFTER_WORD[word] = kept
    return kept


_DASHES = frozenset("-–—")


def _may_be_pair(text: str, end: int) -> bool:
    """Whether DASH_PAIR may match at a number ending at ``end`` (``text[end - 1]`` its last
    mark): only with a dash right after its last digit, or after one space."""
    return text[end - 1] not in ".," and (
        text[end : end + 1] in _DASHES or (text[end : end + 1].isspace() and text[end + 1 : end + 2] in _DASHES)
    )


def _may_be_year_count(text: str, pos: int, end: int) -> bool:
    """Whether YEAR_LIKE_COUNT may match at the number ``text[pos:end]``: four marks and a space."""
    return end - pos == 4 and text[end : end + 1].isspace()


class _Tokens:
    """Token boundaries of a doc, read once, for cheap char -> token lookups."""

    __slots__ = ("doc", "text", "starts", "ends", "lowers")

    def __init__(self, doc: Doc, text: str) -> None:
        self.doc = doc
        self.text = text  # Doc.text joins every token's text on each access: read it once
        # to_array reads the token fields in C; iterating Token objects costs far more.
        if len(doc):
            array = doc.to_array(["IDX", "LENGTH"])
            self.starts = array[:, 0].tolist()
            self.ends = (array[:, 0] + array[:, 1]).tolist()
        else:
            self.starts, self.ends = [], []
        self.lowers = [text[start:end].lower() for start, end in zip(self.starts, self.ends)]

    def candidates(self) -> list[int]:
        """Indices of the tokens a figure can start at (digits, currency, number words)."""
        lowers = self.lowers
        global _START_KINDS
        kinds = _START_KINDS
        new = set(lowers).difference(kinds)
        if new:
            if len(kinds) > 200_000:  # a bound on the table over a very large corpus; a new
                # table, not a cleared one, so a thread still reading the old one finds its words
                kinds = _START_KINDS = {}
                new = set(lowers)
            for lower in new:
                kinds[lower] = _start_kind(lower)
        found = [
            i
            for i, kind in enumerate(map(kinds.__getitem__, lowers))
            if kind is _MAY_START
            or kind is _MIGHT_START
            and _starts_amount(lowers, i)
        ]
        # "US$40", "HK$3m": a currency sign inside the token
        inside = {self.at(match.start()) for match in CURRENCY_INSIDE.finditer(self.text)}
        return sorted(inside.union(found)) if inside else found

    def at(self, char: int) -> int:
        """Index of the token containing (or starting before) character ``char``."""
        return max(0, bisect_right(self.starts, char) - 1)


# What a token's lower-case text alone says about whether a figure may start at it: it
# may (a digit, a number word), it might (it depends on the token after it) or it never
# may (most words: nothing after them changes that). Looked up once per distinct word.
_MAY_START, _MIGHT_START, _NEVER_STARTS = "may", "might", ""
_START_KINDS: dict[str, str] = {}


def _start_kind(lower: str) -> str:
    if lower[:1] in FIRST_CHARS or lower in START_WORDS:
        return _MAY_START
    if (
        lower in A_AN
        or lower[:1] in SIGN_CHARS
        or (lower[:1] in MONEY_FIRST and MONEY_START.match(lower) is not None)
    ):
        return _MIGHT_START
    return _NEVER_STARTS


def _starts_amount(lowers: list[str], i: int) -> bool:
    """Whether a figure may start at token ``i``, given the token after it (every test of
    :meth:`_Tokens.candidates`)."""
    lower = lowers[i]
    return (
        lower[:1] in FIRST_CHARS
        or lower in START_WORDS
        or (lower in A_AN and i + 1 < len(lowers) and lowers[i + 1] in AFTER_A)
        or (
            lower[:1] in SIGN_CHARS
            and ((lower[1:2] or (lowers[i + 1][:1] if i + 1 < len(lowers) else "")) in _AMOUNT_CHARS)
        )
        or (
            # a currency prefix or code: glued to the amount ("RM45", "USD115") or
            # right before it ("US $12", "GBP 350"); "us" and "a" alone cost nothing
            lower[:1] in MONEY_FIRST
            and (lower[-1:] in _AMOUNT_CHARS or (i + 1 < len(lowers) and lowers[i + 1][:1] in _AMOUNT_CHARS))
            and MONEY_START.match(lower) is not None
        )
    )


def _rule_matches(doc: Doc, tokens: _Tokens, covered: list[tuple[int, int]]) -> list[tuple[Found, bool]]:
    """Every rule match in the doc, with its strong flag (overlapping each other).

    The patterns are tried only where a token can start a figure (a digit, a currency
    sign, a number word...), which keeps the layer cheap next to the pipeline.
    """
    text = tokens.text
    found: list[tuple[Found, bool]] = []
    # First, so that an age wins over a bare number of the same length.
    for match in AGE_AFTER_NOUN.finditer(text):
        # only after a noun: "Maria Lopez, 34," but not "in 2019, 12, ..." lists
        before = doc[tokens.at(match.start() - 1)]
        if before.tag_.startswith("NN") and not before.like_num:
            found.append((Found(match.start(1), match.end(1), "AGE"), True))
    for i in tokens.candidates():
        pos = tokens.starts[i]
        lower = tokens.lowers[i]
        if lower[:1] == "~":  # "~60g": about, glued to the number
            pos, lower = pos + 1, lower[1:]
        if lower in {"aged", "age", "ages"}:
            match = AGED.match(text, pos) or AGE_OF.match(text, pos)
            if match is not None:
                found.append((Found(match.start(1), match.end(1), "AGE"), True))
            continue
        starting = _STARTS.indices(text[pos : pos + 1])
        # the number read once: what follows it decides which rules may go on from it
        end = NUMBER_RUN.match(text, pos).end() if lower[:1] in _DIGITS else -1
        if end >= 0:
            starting = _rules_after_number(text, pos, end, starting)
        for k in starting:
            if k == _SYMBOL:
                break
            pattern, label, strong = RULES[k]
            match = pattern.match(text, pos)
            if match is None:
                continue
            if label == "RANGE" and _only_years(match.group()):
                continue  # "between 2010 and 2015" is a date range (the DATE rule's)
            found.append((Found(match.start(), match.end(), label), strong))
        symbol = symbol_match(text, pos) if starting and starting[-1] == _SYMBOL else None
        if symbol is not None:
            # "20 kn", "0.5 R", "10 b": the symbol joins the figure when the words around
            # settle which unit it is (corpus/unit_context.py); "5 a day" stays a bare 5
            # a letter apart from the number needs a cue ("PA 23456 F Block" is no temperature)
            spaced = len(symbol[1]) == 1 and symbol[1].isalpha() and text[symbol[0] - 2 : symbol[0] - 1].isspace()
            unit = unit_for(text, pos, symbol[0], symbol[1], cued_only=spaced)
            if unit is not None:
                label = "MONEY" if unit in MONEY_UNITS else "QUANTITY"
                # strong: the words settled the unit, so a model date over it gives way
                found.append((Found(pos, symbol[0], label), True))
        if not lower[:1].isdigit():
            continue
        match = YEAR_LIKE_COUNT.match(text, pos) if end < 0 or _may_be_year_count(text, pos, end) else None
        if match is not None and _counted_not_year(doc, i):
            found.append((Found(match.start(1), match.end(1), "CARDINAL"), True))
        match = DASH_PAIR.match(text, pos) if end < 0 or _may_be_pair(text, end) else None
        if match is not None:
            window = text[max(0, match.start() - 80) : match.end() + 40]
            if SCORE_CUES.search(window):
                found.append((Found(match.start(), match.end(), "SCORE"), True))
            else:
                found.append((Found(match.start(), match.end(), "RANGE"), False))
        match = BARE.match(text, pos)
        if match is not None and _bare_number(doc, tokens, match, covered):
            found.append((Found(match.start(), match.end(), "CARDINAL"), False))

    return found


def _bare_number(doc: Doc, tokens: _Tokens, match: re.Match[str], covered: list[tuple[int, int]]) -> bool:
    """Whether a number the other rules did not shape is a figure of its own."""
    start, end = match.span()
    if _overlaps_any(covered, start, end) or YEAR.fullmatch(match.group()):
        return False  # the model's call already, or a year (a date)
    i = tokens.at(start)
    j = tokens.at(end - 1)
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[j + 1] if j + 1 < len(doc) else None
    # "Route 66", "Article 50", "737 Max": numbers that are part of a name
    if prev is not None and prev.tag_ == "NNP" and prev.is_title:
        return False
    return not (nxt is not None and nxt.tag_ == "NNP" and nxt.is_title)


def _counted_not_year(doc: Doc, i: int) -> bool:
    """Whether the four-digit token ``i`` counts the plural noun after it (``1709 schoolchildren``)."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if nxt is None or nxt.tag_ != "NNS" or DATE_WORD.fullmatch(nxt.text):
        return False
    return i == 0 or doc[i - 1].lower_ not in YEAR_BEFORE


# The shapes _not_a_figure, _only_years and _unit_symbol_part test, compiled once (the
# module-level re functions look each pattern up in re's cache on every call).
_HALF_AFTER = re.compile(r"[\s-]half\b", re.I)
_LETTER_DASH = re.compile(r"[^\W\d_]-")
_GLUED_WORD = re.compile(r"\d[\d.,]*[^\W\d_]\w*")
_DIGITS_ONLY = re.compile(r"\d+")
_POSSESSIVE_S = re.compile(r"[′’']s\b")
_APOSTROPHE_S = re.compile(r"[′’']s")
_DIGITS_M = re.compile(r"\d+M")
_NUMBERS = re.compile(r"\d[\d,.]*")
_CAPITAL = re.compile(r"[A-Z]")


def _not_a_figure(doc: Doc, tokens: _Tokens, span: Found) -> bool:
    """A model figure that is not one: ``first`` of ``the first half``, a number glued into a
    word (``high-five``, ``#1``, ``4chan``) or a bare number beside a name (``Explorer 6``)."""
    text = tokens.text
    surface = text[span.start : span.end]
    lower = surface.lower()
    if lower in {"first", "second"} and _HALF_AFTER.match(text[span.end : span.end + 6]):
        return True
    before = text[max(0, span.start - 2) : span.start]
    if before.endswith("#") or _LETTER_DASH.fullmatch(before) or (before and before[-1].isalnum()):
        return True
    if span.end < len(text) and (text[span.end].isalpha() or text[span.end] == "#"):
        return True
    if _GLUED_WORD.fullmatch(surface) and not GLUED_OK.fullmatch(surface) and span.label != "MONEY":
        return True  # "4chan", "3D": the digits belong to the word
    if span.label == "CARDINAL" and _DIGITS_ONLY.fullmatch(surface):
        i = tokens.at(span.start)
        j = tokens.at(span.end - 1)
        prev = doc[i - 1] if i > 0 else None
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if prev is not None and prev.tag_ == "NNP" and _name_like(prev) and prev.lower_ not in NOT_NAME_BEFORE:
            return True  # "Internet Explorer 6", "FTSE 100", "Nikkei 225"
        if nxt is not None and nxt.tag_ == "NNP" and nxt.is_title and nxt.lower_ not in NOT_NAME_BEFORE:
            return True
    if YEAR.fullmatch(surface.rstrip("′’'s")) and _POSSESSIVE_S.match(text[span.end - 2 : span.end + 2].lstrip("0123456789")):
        return True  # "2023′s best seller": a year, not a count
    if _APOSTROPHE_S.fullmatch(text[span.end : span.end + 2]) and YEAR.fullmatch(surface):
        return True
    if _DIGITS_M.fullmatch(surface):
        # "3M" the company: a capital M glued to a whole number, not before a noun it counts
        j = tokens.at(span.end - 1)
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if nxt is None or not nxt.tag_.startswith("NN") or nxt.tag_ == "NNP":
            return True
    name = HYPHEN_NAME.match(text, span.end)
    if name is not None and not DATE_WORD.fullmatch(name.group(1)) and name.group(1).lower() not in PART_WORDS:
        nxt = doc[tokens.at(name.start(1))]
        if nxt.tag_ == "NNP":
            return True  # "7-Eleven", "4-H": the number starts a name
    if surface in {"One", "one"} and _starts_sentence(doc, tokens.at(span.start)):
        i = tokens.at(span.start)
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is not None and (nxt.lower_ == "of" or nxt.tag_ in {"MD", "RB", "PRP", "VBZ", "VBD", "VBP"}):
            return True  # "One of the wardens said", "One might argue": a pronoun, not a count
    return False


def _name_like(token) -> bool:
    """A token written as a name: ``Explorer`` or ``FTSE`` (capitals, two letters or more)."""
    return token.is_title or (token.is_upper and len(token.text) > 1 and token.is_alpha)


def _starts_sentence(doc: Doc, i: int) -> bool:
    """Whether token ``i`` begins its sentence (after an opening quote or bracket at most)."""
    if doc[i].is_sent_start:
        return True
    return i > 0 and bool(doc[i - 1].is_sent_start) and doc[i - 1].is_punct

def _only_years(text: str) -> bool:
    numbers = _NUMBERS.findall(text)
    return bool(numbers) and all(YEAR.fullmatch(number) for number in numbers)


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the sorted, disjoint ``spans``."""
    i = bisect_right(spans, (start, 1 << 62)) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


def _overlap(a: Found, b: Found) -> bool:
    return a.start < b.end and b.start < a.end


def _pick_longest(candidates: list[tuple[Found, bool]]) -> list[tuple[Found, bool]]:
    """Non-overlapping rule spans: longest first, then by rule order."""
    order = sorted(range(len(candidates)), key=lambda k: (candidates[k][0].start - candidates[k][0].end, k))
    taken: list[tuple[int, int]] = []  # sorted, disjoint (start, end) of the chosen spans
    chosen: list[tuple[Found, bool]] = []
    for k in order:
        span = candidates[k][0]
        i = bisect_left(taken, (span.start, span.start))
        if i > 0 and taken[i - 1][1] > span.start:
            continue
        if i < len(taken) and taken[i][0] < span.end:
            continue
        insort(taken, (span.start, span.end))
        chosen.append(candidates[k])
    chosen.sort(key=lambda item: item[0].start)
    return chosen


def _snap(tokens: _Tokens, text: str, span: Found) -> Found:
    """Widen a rule span to whole tokens so it can be exported as a token span."""
    first = tokens.at(span.start)
    last = tokens.at(span.end - 1)
    start = min(span.start, tokens.starts[first])
    end = max(span.end, tokens.ends[last])
    if text[span.end : end] == ".":
        end = span.end  # "38 sq m." ends a sentence: the full stop is not the unit's
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Found(start, end, span.label)


def _name_without(text: str, entity: Found, rule: Found) -> Found | None:
    """The entity minus a number glued to its start or end, or None to leave it whole.

    Only when the overlap has no letters (a number the model swallowed into a name)
    and a word of the name is left over.
    """
    if LETTER.search(text, max(entity.start, rule.start), min(entity.end, rule.end)):
        return None
    if rule.start > entity.start and rule.end >= entity.end:
        start, end = entity.start, rule.start
    elif rule.start <= entity.start and rule.end < entity.end:
        start, end = rule.end, entity.end
    else:
        return None
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if not LETTER.search(text, start, end):
        return None
    return Found(start, end, entity.label)


def _unit_symbol_part(text: str, rule: Found, span: Found) -> Found | None:
    """When the model span ``span`` starts inside ``rule``, a number with its unit symbol, and
    takes in the symbol (``2 F`` with ``F this morning`` a LAW, ``-80 c.`` a PERSON): ``span``
    itself when nothing of a name is left after the figure, else what is left; None when
    ``span`` is not such a span."""
    if rule.label not in {"MONEY", "QUANTITY"} or not (rule.start <= span.start < rule.end <= span.end):
        return None
    symbol = symbol_of(text[rule.start : rule.end])
    if symbol is None or not text[span.start : rule.end].endswith(symbol):
        return None
    start = rule.end
    while start < span.end and not text[start].isalnum():
        start += 1
    # "F Block" keeps a name; "-10 F last night" leaves no name, only the figure's neighbours
    return Found(start, span.end, span.label) if _CAPITAL.search(text[start : span.end]) else span


def _is_real_date(text: str) -> bool:
    return DATE_WORD.search(text) is not None


def _with_approximator(text: str, span: Found, taken_before: int) -> Found:
    """Extend a figure left over "about", "more than", "up to"... when free."""
    if span.label in {"ORDINAL", "SCORE", "AGE"}:
        return span
    left = max(taken_before, span.start - 24)
    match = APPROX.search(text, left, span.start)
    if match is None:
        return span
    return Found(match.start(), span.end, span.label)


def _adverbial_first(doc: Doc, tokens: _Tokens, span: Found) -> bool:
    """``first`` as an adverb of time before a verb (``she first visited``)."""
    if tokens.text[span.start : span.end].lower() not in {"first", "firstly"}:
        return False
    i = tokens.at(span.start)
    token = doc[i]
    if token.tag_ != "RB":
        return False
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return nxt is not None and (nxt.tag_.startswith("VB") or nxt.tag_ == "MD" or nxt.tag_ == "RB")


def _overlapping(spans: list[Found], starts: list[int], start: int, end: int) -> range:
    """Indices of the sorted, disjoint ``spans`` that overlap [start, end)."""
    i = bisect_left(starts, start)
    if i > 0 and spans[i - 1].end > start:
        i -= 1
    j = bisect_left(starts, end, lo=i)
    return range(i, j)


def merge_figures(doc: Doc, model: list[Found], text: str | None = None) -> list[Found]:
    """Combine the model's entities ``model`` with the rule layer; sorted, disjoint spans.

    ``text`` is ``doc.text`` when the caller already has it (it is rebuilt on each access).
    """
    text = doc.text if text is None else text
    model = sorted(model)
    starts = [span.start for span in model]
    fake_dates = {
        k for k, span in enumerate(model) if kind_of(span.label) == "date" and not _is_real_date(text[span.start : span.end])
    }
    covered = [(span.start, span.end) for k, span in enumerate(model) if k not in fake_dates]
    tokens = _Tokens(doc, text)
    matches = _rule_matches(doc, tokens, covered)
    rules = _pick_longest([(_snap(tokens, text, f), strong) for f, strong in matches])

    current = list(model)  # an entity may be trimmed ("Braga 2-1" -> "Braga")
    dropped: set[int] = set()
    kept_rules: list[Found] = []
    for rule, strong in rules:
        blocked = False
        drop: list[int] = []
        trim: dict[int, Found] = {}
        for k in _overlapping(model, starts, rule.start, rule.end):
            span = current[k]
            if k in dropped or not _overlap(span, rule):
                continue
            kind = kind_of(span.label)
            unit_part = _unit_symbol_part(text, rule, span)
            if unit_part is not None:
                # "2 F" where the model made "F" a PRODUCT, "F this morning" a LAW: the
                # symbol is the figure's unit; the rest of the name (or date) stays
                if unit_part == span:
                    drop.append(k)
                else:
                    trim[k] = unit_part
                continue
            if kind == "entity":
                inside = rule.start <= span.start and span.end <= rule.end
                rest = None if inside or not strong else _name_without(text, span, rule)
                if inside and (
                    HAS_DIGIT.search(text[span.start : span.end])
                    or (rule.label in {"MONEY", "QUANTITY"} and CURRENCY_PREFIX.fullmatch(text[span.start : span.end]))
                ):
                    drop.append(k)  # "$600bn" is money, not a PERSON "600bn"; "US $4" is money, not a GPE
                elif rest is not None:
                    trim[k] = rest  # "Braga 2-1" as a PERSON: "Braga" stays, the score is a figure
                else:
                    blocked = True  # never cut through a name
            elif kind == "date":
                if strong or k in fake_dates:
                    drop.append(k)
                else:
                    blocked = True  # "from 2021 to 2025", "10-12 March": the date stands
            else:
                drop.append(k)  # the rule is the more precise reading of the figure
        if blocked:
            continue
        dropped.update(drop)
        for k, rest in trim.items():
            current[k] = rest
        kept_rules.append(rule)

    # A model DATE with no date word but a number in it ("34" after a name) is a figure.
    # (Any kept rule overlapping such a date has already dropped it.)
    converted: list[Found] = []
    for k in sorted(fake_dates - dropped):
        date = model[k]
        if HAS_NUMBER.search(text[date.start : date.end]) and not HALF_OF_MATCH.search(text, date.start, date.end):
            dropped.add(k)
            converted.append(Found(date.start, date.end, "CARDINAL"))

    spans = [span for k, span in enumerate(current) if k not in dropped] + kept_rules + converted
    spans = [span for span in spans if kind_of(span.label) != "figure" or not _not_a_figure(doc, tokens, span)]
    spans.sort()

    result: list[Found] = []
    for span in spans:
        if span.label == "ORDINAL" and _adverbial_first(doc, tokens, span):
            continue
        if kind_of(span.label) == "figure":
            span = _with_approximator(text, span, result[-1].end if result else 0)
        if result and span.start < result[-1].end:
            continue  # defensive: keep spans disjoint
        result.append(span)
    return from_to(text, result)


def doc_spans(doc: Doc, text: str | None = None) -> list[Found]:
    """The model's entities for ``doc`` merged with the figure rules (``text``: ``doc.text``)."""
    model = [Found(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    text = doc.text if text is None else text
    return second_years(text, merge_figures(doc, model, text))
