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
  an age, a score, ``1709 schoolchildren``): ``May 7, 2015`` and ``8–10 years`` stay.

Everything works on character offsets into ``doc.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from typing import TYPE_CHECKING, NamedTuple

from corpus.model import kind_of

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


class Found(NamedTuple):
    """A span in doc-text offsets with its label."""

    start: int
    end: int
    label: str


# --- the building blocks -----------------------------------------------------------

_WORD_UNITS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen"
)
_WORD_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_WORDNUM = rf"(?:(?:{_WORD_TENS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|{_WORD_UNITS})"
_SCALE = r"(?:hundred|thousand|million|billion|trillion|lakhs?|crores?)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)"
# "3.5bn", "250m", "40k": scale letters glued to the digits
_ABBR = r"(?:bn|mn|m|k|tn|trn)"
_NUM = (
    rf"(?:{_DIGITS}(?:\s?{_SCALE}(?:\s{_SCALE})?\b|{_ABBR}\b)?"
    rf"|\b(?:{_WORDNUM}|a|an)(?:\s{_SCALE})+\b"
    rf"|\b{_WORDNUM}\b)"
)
_CURRENCY_SIGN = (
    r"(?:(?:(?i:usd|aud|cad|nzd|hkd|sgd|mex)(?=\$)|(?i:us|au|nz|hk|nt)\s?|(?-i:[ACSR])\s?|[acsr](?=[$]))?"
    r"[$£€¥₹₽₩₺](?-i:US|AU|A|NZ|HK|C)?(?![a-z])"
    r"|(?-i:RM|Rs\.?|Y=))"
)
#: ISO 4217 codes news writes beside an amount ("USD 350", "115USD", "30 MUSD": M for million).
_ISO = (
    r"(?:M?(?:USD|EUR|GBP|JPY|CNY|RMB|AUD|CAD|NZD|HKD|INR|CHF|SGD|MYR|DKK|SEK|NOK|ZAR|KRW|BRL|MXN|TRY|RUB|"
    r"PLN|CZK|HUF|THB|IDR|PHP|TWD|AED|SAR|NGN|KES|EGP|PKR|BDT|ILS|ARS|CLP|COP|PEN|VND|UAH))"
)
_CURRENCY_WORD = (
    r"(?:dollars?|pounds?|euros?|yen|yuan|renminbi|roubles?|rubles?|rupees?|francs?|pesos?|"
    r"cents?|pence|hryvnias?|lira|kronor|krona|koruna|rand|shillings?)"
)
_UNIT = (
    r"(?:sq\.?\s?(?:m|ft|km|mi)\b|(?:(?:square|sq|cubic)\.?\s?)?(?:km/hr?|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|cm|mm|"
    r"centimet(?:re|er)s?|millimet(?:re|er)s?|kg|kilos?|kilogram(?:me)?s?|grams?|grammes?|"
    r"milligrams?|micrograms?|mg|μg|µg|ml|millilit(?:re|er)s?|"
    r"tonnes?|(?:metric\s)?tons?|lbs?|ounces?|oz|feet|foot|ft|inch(?:es)?|acres?|hectares?|"
    r"lit(?:re|er)s?|gallons?|barrels?|bpd|mph|km/hr?|kph|kmph|knots|"
    r"deg(?:rees?|\.)?(?:\s(?:Celsius|Celcius|Centigrade|Fahrenheit|C|F)\b)?|Fahrenheit|Celsius|Celcius|Centigrade|"
    r"°[CF]|MW|GW|kW|kWh|MWh|GWh|TWh|megawatts?|gigawatts?|kilowatts?|volts?|GB|TB|MB|"
    r"Mbps|Gbps|kbps|GHz|MHz|kHz|Hz|bhp|hp|horsepower|Nm|newton[\s-]met(?:re|er)s?|rpm|mAh|"
    r"calories|storeys?|cups?|tablespoons?|teaspoons?|tbsp|tsp|km2|m2|dm|decimet(?:re|er)s?|μm|µm|micromet(?:re|er)s?|"
    r"nanomet(?:re|er)s?|picomet(?:re|er)s?|rad|radians?|turns?|revolutions?|megabits?|gigabits?|kilobytes?|megabytes?|"
    r"gigabytes?|terabytes?))"
)
#: Unit letters that count only glued to the number ("40g", "25min", "100t", "24703m2"):
#: spaced, they are words ("40 g" is rare, "25 min" is read by the model).
_GLUED_UNIT = r"(?:g|t|l|min|mins|hrs?|secs?|m2|km2|sqm|ms|rad|dm)"
#: A fraction in digits, alone or after a whole number ("10 1/2", "3/4", "½", "2½").
_FRACTION = r"(?:(?:\d+\s)?\d{1,2}/\d{1,2}(?![/\d])|\d*[½¼¾⅓⅔⅛])"
_PERCENT = r"(?:%|\s?per\s?cent\b|\s?percent\b|\s?percentage\spoints?\b|\s?pc\b)"
# Left edge: not inside a word, a decimal, a code like "Covid-19" or an amount.
_L = r"(?<![\w.,/\-$£€¥#])"
# Right edge: not inside a word or a longer number.
_R = r"(?![\w]|[.,]\d)"

#: Approximators that belong to the figure they qualify (OntoNotes style).
_APPROX = re.compile(
    r"(?:\b(?:about|around|approximately|roughly|nearly|almost|some|over|under|more than|"
    r"less than|fewer than|at least|at most|up to|as many as|as much as|as few as|close to|"
    r"just over|just under|well over|upwards of))[ \t\u00a0]+$",
    re.IGNORECASE,
)

_SCORE_CUES = re.compile(
    r"\b(?:won|wins?|winning|winners?|beat|beats|beaten|lost|lose|loses|losing|defeat\w*|"
    r"draw|drew|drawn|victory|victories|lead|leads|led|trail\w*|scor\w+|match\w*|game|games|"
    r"final|ended|thrash\w*|edged|rout\w*|goals?|vote[sd]?|voting|tie|tied|series|season|"
    r"half-time|halftime|full-time|minute|penalt\w+|league|cup|club|side)\b",
    re.IGNORECASE,
)

#: Words that make a model DATE/TIME span a real date or duration.
_DATE_WORD = re.compile(
    r"\b(?:years?|yr|months?|weeks?|days?|decades?|centur(?:y|ies)|quarters?|q[1-4]|h[12]|"
    r"seasons?|weekends?|ago|today|tomorrow|yesterday|tonight|now|morning|afternoon|evening|"
    r"night|nights|noon|midnight|spring|summer|autumn|fall|winter|annual|annually|daily|"
    r"weekly|monthly|hours?|minutes?|seconds|period|era|term|fiscal|fy\d*|am|pm|a\.m\.|p\.m\.|"
    r"o'clock|christmas|easter|ramadan|eid|new year|hanukkah|diwali|thanksgiving|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|1[0-9]\d\d|20\d\d|'\d\d|\d{2,4}s|\d{1,2}:\d\d)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d|21\d\d")
_HAS_DIGIT = re.compile(r"\d")
#: Names the model gives to what is part of an amount: a currency prefix or code, a temperature scale.
_CURRENCY_PREFIX = re.compile(rf"(?:US|HK|NZ|AU|A|C|S|NT|RM|Rs)\s?\$?|{_ISO}|Fahrenheit|Celsius|Celcius|Centigrade", re.I)
#: "the first half" of a match: a stretch of time, not a figure.
_HALF_OF_MATCH = re.compile(r"\b(?:first|second)[\s-]half\b", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_HAS_NUMBER = re.compile(rf"\d|\b(?:{_WORD_UNITS}|{_WORD_TENS}|{_SCALE}|first|second|third|half)\b", re.I)

# --- the rules ---------------------------------------------------------------------
# (pattern, label, strong). Among overlapping rule matches the longest wins; a tie goes
# to the earlier rule. "Strong" shapes also beat a model DATE/TIME that has date words.

_RULES: list[tuple[re.Pattern[str], str, bool]] = [
    # between 1998 and 2004, from 2010 to 2015: a span of years is one date (the model often
    # marks the first year alone, or neither)
    (re.compile(r"\b(?:between\s(?:1[5-9]\d\d|20\d\d)\sand|from\s(?:1[5-9]\d\d|20\d\d)\s(?:to|until|till|through))\s(?:1[5-9]\d\d|20\d\d)\b(?![.,]\d)", re.I), "DATE", True),
    # +0.4%, -0.9%, $-12.3bn, -£4m: a change written with its sign
    (re.compile(rf"(?<![\w.,/%)\]])[+\-−]{_NUM}{_PERCENT}(?![\w-])", re.I), "PERCENT", True),
    (re.compile(rf"(?<![\w.,/%)\]])[+\-−]{_NUM}(?:\s|-)?{_UNIT}(?![\w])", re.I), "QUANTITY", True),
    (re.compile(rf"(?<![\w.,/%)\]])[+\-−]{_CURRENCY_SIGN}\s?{_NUM}{_R}", re.I), "MONEY", True),
    (re.compile(rf"{_L}{_CURRENCY_SIGN}\s?[+\-−]{_NUM}{_R}", re.I), "MONEY", True),
    # $250 million, £3.5bn, US$40, €1.2bn
    (re.compile(rf"{_L}{_CURRENCY_SIGN}\s?{_NUM}{_R}", re.I), "MONEY", True),
    # USD 350, GBP1.2bn, MAUD 60; 115USD, 50 million USD, 30 MUSD, 75 USD million
    (re.compile(rf"(?<![\w.,/$£€¥#]){_ISO}\s?{_NUM}{_R}|{_L}{_NUM}\s?{_ISO}(?:\s{_SCALE})?\b"), "MONEY", True),
    # 250 million dollars, 10,000 euros, 50p
    (re.compile(rf"{_L}{_NUM}\s{_CURRENCY_WORD}\b|{_L}\d+p\b", re.I), "MONEY", True),
    # 40 per cent, 70%, 0.25 percentage points, 10-15%
    (re.compile(rf"{_L}(?:{_NUM}\s?(?:-|–|to)\s?)?{_NUM}{_PERCENT}", re.I), "PERCENT", True),
    # 38-year-old, six-month-old, 7 year old
    (re.compile(rf"{_L}(?:\d{{1,3}}|{_WORDNUM})[\s-](?:year|month|week|day)s?[\s-]old\b", re.I), "AGE", True),
    # 95 years of age, 87 yo, 30 y.o.
    (re.compile(rf"{_L}(?:\d{{1,3}}|{_WORDNUM}(?:[\s-]{_WORDNUM})?)\s(?:(?:year|month|week|day)s?\sof\sage|yo|y\.o\.)(?!\w)", re.I), "AGE", True),
    # 3 dollars 50 cents, thirteen dollars and forty-five cents, 15 dollars 50, 17 USD 25
    (
        re.compile(
            rf"{_L}{_NUM}\s(?:dollars?|euros?|pounds?|USD|EUR|GBP)\s(?:and\s)?(?:\d{{1,2}}|{_WORDNUM})(?:\s(?:cents?|pence|p))?"
            rf"(?![\w%]|[.,]\d|\s(?:{_SCALE}|per\b|years?|months?|days?|times?|%))",
            re.I,
        ),
        "MONEY",
        True,
    ),
    # 2.5 metres, 10-tonne, 41C, three tonnes
    (re.compile(rf"{_L}{_NUM}(?:\s|-)?{_UNIT}(?![\w])", re.I), "QUANTITY", False),
    # 6ft 2in, 12 ft 2 in: the inches after the feet
    (re.compile(rf"(?<=ft\s)\d{{1,2}}(?:\.\d+)?\s?in\b|(?<=ft)\d{{1,2}}(?:\.\d+)?\s?in\b|(?<=feet\s)\d{{1,2}}\s?in\b"), "QUANTITY", False),
    # 2 m x 3 m: metres in a dimension
    (re.compile(rf"{_L}{_DIGITS}\s?m(?=\s?[x×]\s?\d)|(?<=[x×]\s){_DIGITS}\s?m\b|(?<=[x×]){_DIGITS}\s?m\b"), "QUANTITY", False),
    # 10 1/2 miles, 1/4 mile, ½ teaspoon, 7 3/4 %: a fraction before its unit
    (re.compile(rf"{_L}{_FRACTION}(?:\s|-)?(?:{_UNIT}(?![\w])|{_PERCENT})", re.I), "QUANTITY", False),
    (re.compile(rf"{_L}\d+(?:\.\d+)?°?[CF]\b"), "QUANTITY", False),
    # 100° Celsius, 45°, -3 °F
    (re.compile(rf"{_L}{_DIGITS}\s?°(?:\s?(?:Celsius|Celcius|Centigrade|Fahrenheit|C|F)\b)?", re.I), "QUANTITY", False),
    # 40g, 25min, 20 – 25min, 100t: a unit glued to the number
    (re.compile(rf"{_L}(?:{_DIGITS}\s?[-–]\s?)?{_DIGITS}{_GLUED_UNIT}\b"), "QUANTITY", False),
    # 10 – 15 km, 5-10 kg: a range of a measure
    (re.compile(rf"{_L}{_NUM}\s?(?:[-–]|\sto\s)\s?{_NUM}(?:\s|-)?{_UNIT}(?![\w])", re.I), "QUANTITY", False),
    # between 10 and 15, between $5 and $10
    (
        re.compile(
            rf"\bbetween\s{_CURRENCY_SIGN}?{_NUM}(?:{_PERCENT})?\sand\s{_CURRENCY_SIGN}?{_NUM}(?:{_PERCENT})?",
            re.I,
        ),
        "RANGE",
        False,
    ),
    # tens of thousands, several hundred thousand, dozens, a dozen
    (
        re.compile(
            r"\b(?:(?:tens|hundreds)\sof\s(?:thousands|millions|billions)"
            r"|(?:several|a\sfew|a\scouple\sof|many)\s(?:hundred|thousand|million|billion)s?(?:\s(?:thousand|million))?"
            r"|dozens|hundreds|thousands|millions|billions|a\sdozen)\b",
            re.I,
        ),
        "COUNT",
        False,
    ),
    # two-thirds, a third of, three quarters of, one in five, half of
    (
        re.compile(
            rf"\b(?:(?:one|two|three|four|five|six|seven|eight|nine)-(?:halves|thirds?|quarters?|fifths?|sixths?|eighths?|tenths?)"
            rf"|(?:a|one|two|three|four|five|six|seven|eight|nine)\s(?:third|thirds|quarter|quarters|fifth|fifths|sixth|sixths|eighth|eighths|tenth|tenths)(?=\sof\b|\s?[.,;:!?)]|\s*$)"
            rf"|(?<=\bby\s)(?:a|one|two|three)\s(?:third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)\b"
            rf"|(?:{_WORD_UNITS}|\d{{1,2}})\sin\s(?:{_WORD_UNITS}|\d{{1,3}})\b"
            rf"|(?<!first\s)(?<!second\s)half(?=\s(?:of|the|a|an|its|their|his|her|all|our|that|those|these|them)\b))",
            re.I,
        ),
        "CARDINAL",
        False,
    ),
    # a million, one hundred thousand
    (re.compile(rf"\b(?:a|an|one)(?:\s{_SCALE})+\b", re.I), "CARDINAL", False),
    # 80th, 21st
    (re.compile(rf"{_L}\d+(?:st|nd|rd|th)\b", re.I), "ORDINAL", False),
    # 4.2m, 3.5bn, 12 million: a number and its scale, where the model kept only the number
    (re.compile(rf"{_L}{_DIGITS}(?:{_ABBR}\b|\s?{_SCALE}\b(?:\s{_SCALE}\b)?){_R}", re.I), "CARDINAL", False),
    # doubled, tripled, halved, twofold
    (re.compile(r"\b(?:doubled|tripled|trebled|quadrupled|halved|(?:two|three|four|ten)-?fold)\b", re.I), "CARDINAL", False),
]

# 2-1, 2 – 1, 112 – 104: a score with a sporting/voting cue nearby, else a range.
_DASH_PAIR = re.compile(rf"{_L}(\d{{1,3}})\s?[-–—]\s?(\d{{1,3}}){_R}(?!\s?(?:%|per\b|-))")
# Maria Lopez, 34, ... / his sister, 31, ...
_AGE_AFTER_NOUN = re.compile(r",\s(\d{1,2}|1[01]\d),(?=\s)")
# aged 92, age 34
_AGED = re.compile(
    rf"\bage[ds]?\s(\d{{1,3}}|{_WORDNUM})\b(?!\s?(?:-|–|—|%|per\b|to\s|and\s\d|years?\b|months?\b))", re.I
)
# at the age of four months, at the age of 12
_AGE_OF = re.compile(rf"\bage\sof\s((?:\d{{1,3}}|{_WORDNUM})(?:\s(?:years?|months?|weeks?|days?))?)\b", re.I)
# 1709 schoolchildren: a count that looks like a year, before a plural noun
_YEAR_LIKE_COUNT = re.compile(rf"{_L}(\d{{4}})\s(?=[^\W\d_]{{3,}}\b)")
#: Words before a four-digit number that make it a year ("the 2019 elections").
_YEAR_BEFORE = frozenset(
    "the this that these those its their his her our my your a an in since of from by until till before "
    "after during for between 's".split()
)
#: Words after a digit that are part of the figure ("4.2m", "21st", "50p"), not of a name.
_GLUED_OK = re.compile(
    r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s|bn|mn|m|k|tn|trn|p|km|kg|cm|mm|mph|kph|kmph|mw|gw|kw|kwh|mwh|gwh|twh|gb|tb|mb|"
    r"ft|in|lbs?|oz|c|f|pc|x|g|mg|ml|l|t|min|mins|hrs?|secs?|m2|km2|sqm|rad|dm|mbps|gbps|kbps|ghz|mhz|khz|hz|bhp|hp|nm|rpm|mah)?",
    re.I,
)
_NOT_NAME_BEFORE = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split()
)
# Any other number the model did not mark.
_BARE = re.compile(rf"{_L}{_DIGITS}(?:\s?{_SCALE}\b|{_ABBR}\b)?(?![\w:/]|[.,]\d)", re.I)


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
        found = [
            i
            for i, lower in enumerate(lowers)
            if lower[:1] in _FIRST_CHARS
            or lower in _START_WORDS
            or (lower[:1] in _MONEY_FIRST and _MONEY_START.match(lower) is not None)
            or (lower in _A_AN and i + 1 < len(lowers) and lowers[i + 1] in _AFTER_A)
        ]
        # "US$40", "HK$3m": a currency sign inside the token
        inside = {self.at(match.start()) for match in _CURRENCY_INSIDE.finditer(self.text)}
        return sorted(inside.union(found)) if inside else found

    def at(self, char: int) -> int:
        """Index of the token containing (or starting before) character ``char``."""
        return max(0, bisect_right(self.starts, char) - 1)


#: Words a figure can start with (besides digits and currency signs); "aged" for ages.
_START_WORDS = frozenset(
    (_WORD_UNITS + "|" + _WORD_TENS).split("|")
    + "between from tens hundreds thousands millions billions dozens several many half aged age ages".split()
    + "doubled tripled trebled quadrupled halved twofold threefold fourfold tenfold".split()
)
#: After "a"/"an", these make a figure ("a million", "a third of", "a few hundred").
_AFTER_A = frozenset("hundred thousand million billion trillion dozen few couple third quarter fifth sixth eighth tenth".split())
_A_AN = frozenset({"a", "an"})
_MONEY_FIRST = frozenset("uacnhsrymegjkdiptbzlvwo")
_FIRST_CHARS = frozenset("0123456789$£€¥₹₽₩₺~+-−½¼¾⅓⅔⅛")
#: Tokens that start an amount though they are letters: a currency prefix or ISO code
#: ("US $12", "HK $2bn", "RM45", "Rs 500 crore", "USD115", "Y=12,400").
_MONEY_START = re.compile(rf"(?:(?:us|au|a|c|nz|hk|s|nt|r|usd|aud|cad|nzd|hkd|sgd|mex)[$£€¥]?|rm|rs\.?|y=?|(?i:{_ISO}))(?:[\d$£€¥]|$)", re.I)
_CURRENCY_INSIDE = re.compile(r"\w[$£€¥₹₽₩₺]")


def _rule_matches(doc: Doc, tokens: _Tokens, covered: list[tuple[int, int]]) -> list[tuple[Found, bool]]:
    """Every rule match in the doc, with its strong flag (overlapping each other).

    The patterns are tried only where a token can start a figure (a digit, a currency
    sign, a number word...), which keeps the layer cheap next to the pipeline.
    """
    text = tokens.text
    found: list[tuple[Found, bool]] = []
    # First, so that an age wins over a bare number of the same length.
    for match in _AGE_AFTER_NOUN.finditer(text):
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
            match = _AGED.match(text, pos) or _AGE_OF.match(text, pos)
            if match is not None:
                found.append((Found(match.start(1), match.end(1), "AGE"), True))
            continue
        for pattern, label, strong in _RULES:
            match = pattern.match(text, pos)
            if match is None:
                continue
            if label == "RANGE" and _only_years(match.group()):
                continue  # "between 2010 and 2015" is a date range (the DATE rule's)
            found.append((Found(match.start(), match.end(), label), strong))
        if not lower[:1].isdigit():
            continue
        match = _YEAR_LIKE_COUNT.match(text, pos)
        if match is not None and _counted_not_year(doc, i):
            found.append((Found(match.start(1), match.end(1), "CARDINAL"), True))
        match = _DASH_PAIR.match(text, pos)
        if match is not None:
            window = text[max(0, match.start() - 80) : match.end() + 40]
            if _SCORE_CUES.search(window):
                found.append((Found(match.start(), match.end(), "SCORE"), True))
            else:
                found.append((Found(match.start(), match.end(), "RANGE"), False))
        match = _BARE.match(text, pos)
        if match is not None and _bare_number(doc, tokens, match, covered):
            found.append((Found(match.start(), match.end(), "CARDINAL"), False))

    return found


def _bare_number(doc: Doc, tokens: _Tokens, match: re.Match[str], covered: list[tuple[int, int]]) -> bool:
    """Whether a number the other rules did not shape is a figure of its own."""
    start, end = match.span()
    if _overlaps_any(covered, start, end) or _YEAR.fullmatch(match.group()):
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
    if nxt is None or nxt.tag_ != "NNS" or _DATE_WORD.fullmatch(nxt.text):
        return False
    return i == 0 or doc[i - 1].lower_ not in _YEAR_BEFORE


def _not_a_figure(doc: Doc, tokens: _Tokens, span: Found) -> bool:
    """A model figure that is not one: ``first`` of ``the first half``, a number glued into a
    word (``high-five``, ``#1``, ``4chan``) or a bare number beside a name (``Explorer 6``)."""
    text = tokens.text
    surface = text[span.start : span.end]
    lower = surface.lower()
    if lower in {"first", "second"} and re.match(r"[\s-]half\b", text[span.end : span.end + 6], re.I):
        return True
    before = text[max(0, span.start - 2) : span.start]
    if before.endswith("#") or re.fullmatch(r"[^\W\d_]-", before) or (before and before[-1].isalnum()):
        return True
    if span.end < len(text) and (text[span.end].isalpha() or text[span.end] == "#"):
        return True
    if re.fullmatch(r"\d[\d.,]*[^\W\d_]\w*", surface) and not _GLUED_OK.fullmatch(surface) and span.label != "MONEY":
        return True  # "4chan", "3D": the digits belong to the word
    if span.label == "CARDINAL" and re.fullmatch(r"\d+", surface):
        i = tokens.at(span.start)
        j = tokens.at(span.end - 1)
        prev = doc[i - 1] if i > 0 else None
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if prev is not None and prev.tag_ == "NNP" and _name_like(prev) and prev.lower_ not in _NOT_NAME_BEFORE:
            return True  # "Internet Explorer 6", "FTSE 100", "Nikkei 225"
        if nxt is not None and nxt.tag_ == "NNP" and nxt.is_title and nxt.lower_ not in _NOT_NAME_BEFORE:
            return True
    if _YEAR.fullmatch(surface.rstrip("′’'s")) and re.match(r"[′’']s\b", text[span.end - 2 : span.end + 2].lstrip("0123456789")):
        return True  # "2023′s best seller": a year, not a count
    if re.fullmatch(r"[′’']s", text[span.end : span.end + 2]) and _YEAR.fullmatch(surface):
        return True
    if re.fullmatch(r"\d+M", surface):
        # "3M" the company: a capital M glued to a whole number, not before a noun it counts
        j = tokens.at(span.end - 1)
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if nxt is None or not nxt.tag_.startswith("NN") or nxt.tag_ == "NNP":
            return True
    name = _HYPHEN_NAME.match(text, span.end)
    if name is not None and not _DATE_WORD.fullmatch(name.group(1)) and name.group(1).lower() not in _PART_WORDS:
        nxt = doc[tokens.at(name.start(1))]
        if nxt.tag_ == "NNP":
            return True  # "7-Eleven", "4-H": the number starts a name
    if surface in {"One", "one"} and span.start == _sentence_start(doc, tokens, span.start):
        i = tokens.at(span.start)
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is not None and (nxt.lower_ == "of" or nxt.tag_ in {"MD", "RB", "PRP", "VBZ", "VBD", "VBP"}):
            return True  # "One of the wardens said", "One might argue": a pronoun, not a count
    return False


_HYPHEN_NAME = re.compile(r"-([A-Z][a-z]+)\b")
#: Words after "N-" that keep the number a figure ("3-Year", "10-Point plan", "4-Star").
_PART_WORDS = frozenset("old point star man woman member seat storey story page mile metre meter foot inch game run".split())


def _name_like(token) -> bool:
    """A token written as a name: ``Explorer`` or ``FTSE`` (capitals, two letters or more)."""
    return token.is_title or (token.is_upper and len(token.text) > 1 and token.is_alpha)


def _sentence_start(doc: Doc, tokens: _Tokens, char: int) -> int:
    """Where the sentence holding ``char`` starts (a doc offset)."""
    token = doc[tokens.at(char)]
    return token.sent.start_char if doc.has_annotation("SENT_START") else -1


def _only_years(text: str) -> bool:
    numbers = re.findall(r"\d[\d,.]*", text)
    return bool(numbers) and all(_YEAR.fullmatch(number) for number in numbers)


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
    if _LETTER.search(text, max(entity.start, rule.start), min(entity.end, rule.end)):
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
    if not _LETTER.search(text, start, end):
        return None
    return Found(start, end, entity.label)


def _is_real_date(text: str) -> bool:
    return _DATE_WORD.search(text) is not None


def _with_approximator(text: str, span: Found, taken_before: int) -> Found:
    """Extend a figure left over "about", "more than", "up to"... when free."""
    if span.label in {"ORDINAL", "SCORE", "AGE"}:
        return span
    left = max(taken_before, span.start - 24)
    match = _APPROX.search(text, left, span.start)
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
            if kind == "entity":
                inside = rule.start <= span.start and span.end <= rule.end
                rest = None if inside or not strong else _name_without(text, span, rule)
                if inside and (
                    _HAS_DIGIT.search(text[span.start : span.end])
                    or (rule.label in {"MONEY", "QUANTITY"} and _CURRENCY_PREFIX.fullmatch(text[span.start : span.end]))
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
        if _HAS_NUMBER.search(text[date.start : date.end]) and not _HALF_OF_MATCH.search(text, date.start, date.end):
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
    return _from_to(text, result)


#: "from $1,200 to $950", "ranging from 3 to 5 km": the words around two figures that make one.
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.I)
_TO_BETWEEN = re.compile(r"\s+to\s+")
_ENDS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "COUNT"})


def _from_to(text: str, spans: list[Found]) -> list[Found]:
    """Two figures said as ``from X to Y`` become one span (the change or range from X to Y)."""
    merged: list[Found] = []
    k = 0
    while k < len(spans):
        span = spans[k]
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        if (
            nxt is not None
            and span.label in _ENDS
            and nxt.label in _ENDS
            and _TO_BETWEEN.fullmatch(text, span.end, nxt.start)
        ):
            before = _FROM_BEFORE.search(text, max(0, span.start - 8), span.start)
            if before is not None and (not merged or merged[-1].end <= before.start()):
                label = nxt.label if nxt.label != "CARDINAL" else span.label
                merged.append(Found(before.start(), nxt.end, label))
                k += 2
                continue
        merged.append(span)
        k += 1
    return merged


def doc_spans(doc: Doc, text: str | None = None) -> list[Found]:
    """The model's entities for ``doc`` merged with the figure rules (``text``: ``doc.text``)."""
    model = [Found(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    text = doc.text if text is None else text
    return _second_years(text, merge_figures(doc, model, text))


#: After a date that ends in a year: the other end of a span of years ("between 1998 and 2004").
_YEAR_AFTER = re.compile(r"\s*(?:and|to|until|till|through|-|–|—)\s*(?:1[5-9]\d\d|20\d\d)\b(?![.,]\d)")


def _second_years(text: str, spans: list[Found]) -> list[Found]:
    """A date span ending in a year takes in the year that closes its span of years
    (``between 1998 and 2004``, ``from 2010 to 2015``), when nothing else stands there."""
    for k, span in enumerate(spans):
        if span.label != "DATE" or not _YEAR.search(text, max(span.start, span.end - 4), span.end):
            continue
        match = _YEAR_AFTER.match(text, span.end)
        if match is None or (k + 1 < len(spans) and spans[k + 1].start < match.end()):
            continue
        if not re.search(r"\b(?:between|from|in|since)\s+(?:\S+\s+){0,2}\S*$", text[max(0, span.start - 12) : span.end], re.I):
            continue
        spans[k] = Found(span.start, match.end(), span.label)
    return spans
