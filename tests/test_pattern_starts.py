"""Which figure rules a character may start: never fewer than the rules that match there."""

from __future__ import annotations

import re

from corpus.figure_patterns import RULES
from corpus.figures import _STARTS
from corpus.pattern_starts import StartTable, may_start, word_starts

# Every figure shape the rules know, and their neighbours, so that each rule matches somewhere.
SHAPES = """Between 1998 and 2004 the index moved +0.4% then -0.9%; it fell -12 km and rose +£4m, then $-12.3bn.
Prices hit $250 million, £3.5bn, US$40, €1.2bn, HK $2bn, RM45, Rs. 500 crore, Y=12,400 and A$3 and C $5.
He paid USD 350, GBP1.2bn, MAUD 60, 115USD, 50 million USD, 30 MUSD and 75 USD million.
They spent 250 million dollars, 10,000 euros and 50p; 40 per cent, 70%, 0.25 percentage points, 10-15% and 3 pc.
A 38-year-old, a six-month-old and a 7 year old; she is 95 years of age, he is 87 yo, 30 y.o. at most.
It cost 3 dollars 50 cents, thirteen dollars and forty-five cents, 15 dollars 50 and 17 USD 25.
The wall is 2.5 metres, a 10-tonne truck, 41C outside, three tonnes, 6ft 2in tall, 12 ft 2 in, 5 feet 3 in.
A 2 m x 3 m room, 4 m× 5 m; 10 1/2 miles, 1/4 mile, ½ teaspoon, 7 3/4 %; 100° Celsius, 45°, -3 °F, 41°C.
Add 40g, 25min, 20 – 25min, 100t; walk 10 – 15 km or 5-10 kg or 3 to 5 km; between 10 and 15, between $5 and $10.
Tens of thousands, several hundred thousand, a few million, dozens, hundreds, a dozen eggs.
Two-thirds of voters, a third of them, three quarters of all, one in five, 1 in 20, cut by a third, half of the town.
A million people, one hundred thousand, an hundred; the 80th, the 21st; 4.2m, 3.5bn, 12 million, 40k.
Sales doubled, tripled, trebled, quadrupled, halved, twofold, three-fold, ten fold. The ferry made 18 kn, 0.5 R, 10 b.
Maria Lopez, 34, a nurse; aged 92, age 34, at the age of 12; 1709 schoolchildren; the score was 2-1, 112 – 104.
ḰELVIN K 5 Kg ſ 5ſt ÅÄ ĳ "quoted" (brackets) ~60g ~ 5 ok.
"""


def test_every_match_starts_on_a_kept_rule():
    table = _STARTS
    seen = [0] * len(table.patterns)
    texts = [SHAPES, SHAPES.upper(), SHAPES.lower(), SHAPES.swapcase()]
    for text in texts:
        for pos in range(len(text)):
            kept = set(table.indices(text[pos : pos + 1]))
            for k, pattern in enumerate(table.patterns):
                if pattern.match(text, pos) is not None:
                    seen[k] += 1
                    assert k in kept, (k, pattern.pattern[:60], text[pos : pos + 30])
    # each rule matched somewhere, so the check above was made for every one of them
    assert all(seen[: len(RULES)]), [k for k, n in enumerate(seen) if not n]


def test_rules_are_left_out_where_they_cannot_start():
    starting = {char: set(_STARTS.indices(char)) for char in "$5bx("}
    between = next(k for k, (p, _label, _strong) in enumerate(RULES) if p.pattern.startswith(r"\bbetween"))
    doubled = next(k for k, (p, _label, _strong) in enumerate(RULES) if "doubled" in p.pattern)
    assert between in starting["b"] and between not in starting["5"] and between not in starting["$"]
    assert doubled not in starting["5"] and doubled not in starting["b"]
    assert starting["x"] == set() and starting["("] == set()
    assert len(starting["$"]) < len(RULES) // 2


def test_what_is_not_read_keeps_every_pattern():
    table = StartTable([re.compile(r"a"), re.compile(r"(x)\1"), re.compile(r"b?")])
    assert table.indices("é") == (0, 1, 2)  # outside ASCII: every pattern
    assert table.indices("") == (0, 1, 2)
    assert table.indices("x") == (1, 2)  # a back reference is not read; "b?" matches empty anywhere
    assert table.indices("q") == (2,)


def test_case_and_scoped_flags():
    assert may_start(re.compile(r"k", re.IGNORECASE), "K")
    assert may_start(re.compile("\u212a", re.IGNORECASE), "k")  # the Kelvin sign folds to k
    assert may_start(re.compile("\u017f", re.IGNORECASE), "S")  # the long s folds to s
    assert not may_start(re.compile(r"(?-i:AB)", re.IGNORECASE), "a")
    assert may_start(re.compile(r"(?i:ab)"), "A")
    assert not may_start(re.compile(r"[^a-z]"), "q")
    assert may_start(re.compile(r"[^a-z]"), "Q")
    assert not may_start(re.compile(r"(?<=x)\d"), "x")
    assert may_start(re.compile(r"\b(?=\d)\w"), "7")
    assert may_start(re.compile(r"\s?\$"), " ") and may_start(re.compile(r"\s?\$"), "$")


def test_candidates_stay_the_same_when_the_word_table_is_renewed():
    import spacy

    import corpus.figures as figures

    nlp = spacy.blank("en")
    text = "Sales rose by 5% to $4m, about a million more than the 2019 figure of US $3m."
    doc = nlp(text)
    expected = figures._Tokens(doc, text).candidates()
    assert expected == [3, 6, 7, 11, 16, 19, 20, 21]
    saved = figures._START_KINDS
    try:
        figures._START_KINDS = {f"w{i}": "" for i in range(200_001)}  # past the bound
        other = nlp(text.replace("Sales", "Revenues"))  # a word the table has not seen
        assert figures._Tokens(other, other.text).candidates() == expected
        assert len(figures._START_KINDS) < 100  # a new table, with this doc's words
    finally:
        figures._START_KINDS = saved


def test_signs_outside_ascii_without_case_are_worked_out():
    """``£``, ``€``, ``½`` have no case, so the reading holds for them: only the money rules
    start on a pound sign, only the fraction rule on ``½``; letters with a case outside
    ASCII (``é``, the micro sign that IGNORECASE matches to ``μ``) keep every pattern."""
    money = {k for k, (p, label, _strong) in enumerate(RULES) if label == "MONEY"}
    for sign in "£€¥":
        kept = set(_STARTS.indices(sign))
        assert kept and kept <= money, (sign, kept)
    fraction = next(k for k, (p, _label, _strong) in enumerate(RULES) if "½" in p.pattern)
    assert _STARTS.indices("½") == (fraction,)
    table = StartTable([re.compile(r"a", re.I), re.compile(r"µ", re.I), re.compile(r"£")])
    assert table.indices("é") == table.indices("µ") == (0, 1, 2)
    assert table.indices("£") == (2,)


def test_a_rule_left_out_after_a_number_and_a_word_does_not_match_there():
    """Where the figure layer leaves a digit rule out (a number, a space, a word that begins
    with none of the rule's WORDS_AFTER_NUMBER), that rule does not match: after every word
    of SHAPES and every word the table knows (with endings and in capitals), after numbers
    of each shape, with what the rules look for next and behind."""
    from corpus.figure_patterns import WORDS_AFTER_NUMBER
    from corpus.figure_patterns import DASH_PAIR, NUMBER_RUN, YEAR_LIKE_COUNT
    from corpus.figures import _GOING_ON, _ON_DIGITS, _may_be_pair, _may_be_year_count, _rules_after_number

    def _end(text, pos):
        return NUMBER_RUN.match(text, pos).end()

    assert all(_STARTS.indices(digit) == _ON_DIGITS for digit in "0123456789")
    assert set(_GOING_ON) == set(WORDS_AFTER_NUMBER)  # every entry's label matches its rule
    words = set(re.findall(r"[^\W\d_]+", SHAPES)) | {"people", "on", "new", "Tuesday", "ſq", "Km"}
    for _label, starts in WORDS_AFTER_NUMBER.values():
        for start in starts:
            for ending in ("", "s", "x"):
                words |= {start + ending, (start + ending).upper(), (start + ending).title()}
    left_out = 0
    for word in sorted(words):
        for number in ("7", "38", "300", "2019", "3,000", "1.5", "12,50,000"):
            for before, after in (("", ""), ("", " old"), ("", " of age"), ("ft ", ""), ("x ", " x 3 m"), ("", " 5"), ("", " 5%"), ("", " 5 km"), ("", " per cent")):
                text = f"{before}{number} {word}{after}"
                kept = _rules_after_number(text, len(before), _end(text, len(before)), _ON_DIGITS)
                for k in set(_ON_DIGITS) - set(kept):
                    left_out += 1
                    assert RULES[k][0].match(text, len(before)) is None, (k, text)
    assert left_out > 10_000

    # and after a number followed by another character, or ending in "." or ","
    for char in "-–—%°/½¼¾×.,;:!?)(]'\"’′″+$€#&*=_|~" + "\u00a0":
        for number in ("7", "38", "1709", "3,000", "1.5", "2020.", "1,"):
            for rest in ("", "5", "5%", "15 km", "year-old", "tonne", "C", "F", "°C", "4 mile", "ten percent", "in 5", "½", "schoolchildren"):
                for text in (f"{number}{char}{rest}", f"{number} {char}{rest}", f"{number}{char} {rest}"):
                    end = _end(text, 0)
                    kept = _rules_after_number(text, 0, end, _ON_DIGITS)
                    for k in set(_ON_DIGITS) - set(kept):
                        left_out += 1
                        assert RULES[k][0].match(text, 0) is None, (k, text)
                    if not _may_be_pair(text, end):
                        assert DASH_PAIR.match(text, 0) is None, text
                    if not _may_be_year_count(text, 0, end):
                        assert YEAR_LIKE_COUNT.match(text, 0) is None, text
    for text in ("1709 schoolchildren", "2019 people", "2-1", "112 – 104", "3 —4"):
        assert _may_be_year_count(text, 0, _end(text, 0)) or _may_be_pair(text, _end(text, 0)), text

    def tried(text):
        return {RULES[k][1] for k in _rules_after_number(text, 0, _end(text, 0), _ON_DIGITS) if k < len(RULES)}

    assert tried("300 people") == tried("2, on") == tried("2020.") == tried("(12)") == tried("7") == set()
    assert tried("10-15%") == {"PERCENT", "AGE", "QUANTITY"} and tried("70%") == {"PERCENT"}
    assert tried("30 years") == {"AGE"} and "MONEY" in tried("5 million") and tried("40 per cent") == {"PERCENT"}
    for text in ("5 to 10%", "3 dollars", "40 km", "1 in 20", "10 ſquare", "5 ºC", "5 (or"):
        assert tried(text), text


def test_the_words_a_pattern_begins_with():
    assert word_starts(r"(?:sq\.?\s?)?(?:km/h|km|miles?)\b|°C|µg|[kM]?b/s", re.I) == ("b", "kb", "km", "mb", "mile", "sq")
    assert word_starts(r"5+|abc|(?:xy)+z") == ("abc", "xy")  # "5" begins on no word; a repeat counted once
    assert word_starts(r"[a-z]+") == ("",)  # not read further: every word
    assert word_starts(r"\u212a") == ("",)  # the Kelvin sign: IGNORECASE may match it to k
