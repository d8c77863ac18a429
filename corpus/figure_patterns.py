"""The vocabulary of the figure layer: the regular expressions and word sets its rules are made of.

``corpus/figures.py`` runs these over a doc and merges what they find with the model's
entities; this module only says what the shapes look like (numbers in digits and
words, scales, currency signs and ISO codes, units, percentages, fractions, ages,
scores, spans of years) and which tokens may start one. ``LEFT`` and ``RIGHT`` are the
edges every number pattern shares: not inside a word, a decimal, a code or an amount.
"""

from __future__ import annotations

import re

from corpus.pattern_starts import word_starts

WORD_UNITS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen"
)

WORD_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"

WORDNUM = rf"(?:(?:{WORD_TENS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|{WORD_UNITS})"

SCALE = r"(?:hundred|thousand|million|billion|trillion|lakhs?|crores?)"

DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)"

# "3.5bn", "250m", "40k": scale letters glued to the digits
ABBR = r"(?:bn|mn|m|k|tn|trn)"

NUM = (
    rf"(?:{DIGITS}(?:\s?{SCALE}(?:\s{SCALE})?\b|{ABBR}\b)?"
    rf"|\b(?:{WORDNUM}|a|an)(?:\s{SCALE})+\b"
    rf"|\b{WORDNUM}\b)"
)

CURRENCY_SIGN = (
    r"(?:(?:(?i:usd|aud|cad|nzd|hkd|sgd|mex)(?=\$)|(?i:us|au|nz|hk|nt)\s?|(?-i:[ACSR])\s?|[acsr](?=[$]))?"
    r"[$£€¥₹₽₩₺](?-i:US|AU|A|NZ|HK|C)?(?![a-z])"
    r"|(?-i:RM|Rs\.?|Y=))"
)

#: ISO 4217 codes news writes beside an amount ("USD 350", "115USD", "30 MUSD": M for million).
ISO = (
    r"(?:M?(?:USD|EUR|GBP|JPY|CNY|RMB|AUD|CAD|NZD|HKD|INR|CHF|SGD|MYR|DKK|SEK|NOK|ZAR|KRW|BRL|MXN|TRY|RUB|"
    r"PLN|CZK|HUF|THB|IDR|PHP|TWD|AED|SAR|NGN|KES|EGP|PKR|BDT|ILS|ARS|CLP|COP|PEN|VND|UAH|AMD|HRK))"
)

CURRENCY_WORD = (
    r"(?:dollars?|pounds?|euros?|yen|yuan|renminbi|roubles?|rubles?|rupees?|francs?|pesos?|"
    r"cents?|pence|hryvnias?|lira|kronor|krona|koruna|rand|shillings?|kunas?)"
)

#: Every unit starts with a letter or "°" (under IGNORECASE too: the case partners of its
#: letters are letters), so the lookahead in front changes no match; it spares the
#: engine the hundred-odd alternatives at each place a number's end is tried (after
#: "3,400", before ",", a space...), which were a fifth of the figure rules' time.
UNIT = (
    r"(?=[^\W\d_]|°)"
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
    r"gigabytes?|terabytes?|bits|bytes|(?:mega)?pixels?|ppi|kilotons?|kilotonnes?|megatons?|parsecs?|roentgens?|"
    r"(?:micro|nano|pico)?farads?|[µμnp]F|coulombs?|dioptr(?:e|er)s?|diopters?|pints?|drams?|(?:centi)?poises?|"
    r"(?-i:[kMG]?b/s)|(?-i:dB[AVWm]?)|decibels?))"
)

#: Unit letters that count only glued to the number ("40g", "25min", "100t", "24703m2"):
#: spaced, they are words ("40 g" is rare, "25 min" is read by the model).
GLUED_UNIT = r"(?:g|t|l|min|mins|hrs?|secs?|m2|km2|sqm|ms|rad|dm)"

#: A fraction in digits, alone or after a whole number ("10 1/2", "3/4", "½", "2½").
FRACTION = r"(?:(?:\d+\s)?\d{1,2}/\d{1,2}(?![/\d])|\d*[½¼¾⅓⅔⅛])"

PERCENT = r"(?:%|\s?per\s?cent\b|\s?percent\b|\s?percentage\spoints?\b|\s?pc\b)"

# Left edge: not inside a word, a decimal, a code like "Covid-19" or an amount.
LEFT = r"(?<![\w.,/\-$£€¥#])"

# Right edge: not inside a word or a longer number.
RIGHT = r"(?![\w]|[.,]\d)"

#: Approximators that belong to the figure they qualify (OntoNotes style).
APPROX = re.compile(
    r"(?:\b(?:about|around|approximately|roughly|nearly|almost|some|over|under|more than|"
    r"less than|fewer than|at least|at most|up to|as many as|as much as|as few as|close to|"
    r"just over|just under|well over|upwards of))[ \t\u00a0]+$",
    re.IGNORECASE,
)

SCORE_CUES = re.compile(
    r"\b(?:won|wins?|winning|winners?|beat|beats|beaten|lost|lose|loses|losing|defeat\w*|"
    r"draw|drew|drawn|victory|victories|lead|leads|led|trail\w*|scor\w+|match\w*|game|games|"
    r"final|ended|thrash\w*|edged|rout\w*|goals?|vote[sd]?|voting|tie|tied|series|season|"
    r"half-time|halftime|full-time|minute|penalt\w+|league|cup|club|side)\b",
    re.IGNORECASE,
)

#: Words that make a model DATE/TIME span a real date or duration.
DATE_WORD = re.compile(
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

YEAR = re.compile(r"1[5-9]\d\d|20\d\d|21\d\d")

HAS_DIGIT = re.compile(r"\d")

#: Names the model gives to what is part of an amount: a currency prefix or code, a temperature scale.
CURRENCY_PREFIX = re.compile(rf"(?:US|HK|NZ|AU|A|C|S|NT|RM|Rs)\s?\$?|{ISO}|Fahrenheit|Celsius|Celcius|Centigrade", re.I)

#: "the first half" of a match: a stretch of time, not a figure.
HALF_OF_MATCH = re.compile(r"\b(?:first|second)[\s-]half\b", re.I)

LETTER = re.compile(r"[^\W\d_]")

HAS_NUMBER = re.compile(rf"\d|\b(?:{WORD_UNITS}|{WORD_TENS}|{SCALE}|first|second|third|half)\b", re.I)

RULES: list[tuple[re.Pattern[str], str, bool]] = [
    # between 1998 and 2004, from 2010 to 2015: a span of years is one date (the model often
    # marks the first year alone, or neither)
    (re.compile(r"\b(?:between\s(?:1[5-9]\d\d|20\d\d)\sand|from\s(?:1[5-9]\d\d|20\d\d)\s(?:to|until|till|through))\s(?:1[5-9]\d\d|20\d\d)\b(?![.,]\d)", re.I), "DATE", True),
    # +0.4%, -0.9%, $-12.3bn, -£4m: a change written with its sign
    (re.compile(rf"(?<![\w.,/%)\]])[+\-−]{NUM}{PERCENT}(?![\w-])", re.I), "PERCENT", True),
    (re.compile(rf"(?<![\w.,/%)\]])[+\-−]{NUM}(?:\s|-)?{UNIT}(?![\w])", re.I), "QUANTITY", True),
    (re.compile(rf"(?<![\w.,/%)\]])[+\-−]{CURRENCY_SIGN}\s?{NUM}{RIGHT}", re.I), "MONEY", True),
    (re.compile(rf"{LEFT}{CURRENCY_SIGN}\s?[+\-−]{NUM}{RIGHT}", re.I), "MONEY", True),
    # $250 million, £3.5bn, US$40, €1.2bn
    (re.compile(rf"{LEFT}{CURRENCY_SIGN}\s?{NUM}{RIGHT}", re.I), "MONEY", True),
    # USD 350, GBP1.2bn, MAUD 60; 115USD, 50 million USD, 30 MUSD, 75 USD million
    (re.compile(rf"(?<![\w.,/$£€¥#]){ISO}\s?{NUM}{RIGHT}|{LEFT}{NUM}\s?{ISO}(?:\s{SCALE})?\b"), "MONEY", True),
    # 250 million dollars, 10,000 euros, 50p
    (re.compile(rf"{LEFT}{NUM}\s{CURRENCY_WORD}\b|{LEFT}\d+p\b", re.I), "MONEY", True),
    # 40 per cent, 70%, 0.25 percentage points, 10-15%
    (re.compile(rf"{LEFT}(?:{NUM}\s?(?:-|–|to)\s?)?{NUM}{PERCENT}", re.I), "PERCENT", True),
    # 38-year-old, six-month-old, 7 year old
    (re.compile(rf"{LEFT}(?:\d{{1,3}}|{WORDNUM})[\s-](?:year|month|week|day)s?[\s-]old\b", re.I), "AGE", True),
    # 95 years of age, 87 yo, 30 y.o.
    (re.compile(rf"{LEFT}(?:\d{{1,3}}|{WORDNUM}(?:[\s-]{WORDNUM})?)\s(?:(?:year|month|week|day)s?\sof\sage|yo|y\.o\.)(?!\w)", re.I), "AGE", True),
    # 3 dollars 50 cents, thirteen dollars and forty-five cents, 15 dollars 50, 17 USD 25
    (
        re.compile(
            rf"{LEFT}{NUM}\s(?:dollars?|euros?|pounds?|USD|EUR|GBP)\s(?:and\s)?(?:\d{{1,2}}|{WORDNUM})(?:\s(?:cents?|pence|p))?"
            rf"(?![\w%]|[.,]\d|\s(?:{SCALE}|per\b|years?|months?|days?|times?|%))",
            re.I,
        ),
        "MONEY",
        True,
    ),
    # 2.5 metres, 10-tonne, 41C, three tonnes
    (re.compile(rf"{LEFT}{NUM}(?:\s|-)?{UNIT}(?![\w])", re.I), "QUANTITY", False),
    # 6ft 2in, 12 ft 2 in: the inches after the feet
    (re.compile(r"(?<=ft\s)\d{1,2}(?:\.\d+)?\s?in\b|(?<=ft)\d{1,2}(?:\.\d+)?\s?in\b|(?<=feet\s)\d{1,2}\s?in\b"), "QUANTITY", False),
    # 2 m x 3 m: metres in a dimension
    (re.compile(rf"{LEFT}{DIGITS}\s?m(?=\s?[x×]\s?\d)|(?<=[x×]\s){DIGITS}\s?m\b|(?<=[x×]){DIGITS}\s?m\b"), "QUANTITY", False),
    # 10 1/2 miles, 1/4 mile, ½ teaspoon, 7 3/4 %: a fraction before its unit
    (re.compile(rf"{LEFT}{FRACTION}(?:\s|-)?(?:{UNIT}(?![\w])|{PERCENT})", re.I), "QUANTITY", False),
    (re.compile(rf"{LEFT}\d+(?:\.\d+)?°?[CF]\b"), "QUANTITY", False),
    # 100° Celsius, 45°, -3 °F
    (re.compile(rf"{LEFT}{DIGITS}\s?°(?:\s?(?:Celsius|Celcius|Centigrade|Fahrenheit|C|F)\b)?", re.I), "QUANTITY", False),
    # 40g, 25min, 20 – 25min, 100t: a unit glued to the number
    (re.compile(rf"{LEFT}(?:{DIGITS}\s?[-–]\s?)?{DIGITS}{GLUED_UNIT}\b"), "QUANTITY", False),
    # 10 – 15 km, 5-10 kg: a range of a measure
    (re.compile(rf"{LEFT}{NUM}\s?(?:[-–]|\sto\s)\s?{NUM}(?:\s|-)?{UNIT}(?![\w])", re.I), "QUANTITY", False),
    # between 10 and 15, between $5 and $10
    (
        re.compile(
            rf"\bbetween\s{CURRENCY_SIGN}?{NUM}(?:{PERCENT})?\sand\s{CURRENCY_SIGN}?{NUM}(?:{PERCENT})?",
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
            rf"|(?:{WORD_UNITS}|\d{{1,2}})\sin\s(?:{WORD_UNITS}|\d{{1,3}})\b"
            rf"|(?<!first\s)(?<!second\s)half(?=\s(?:of|the|a|an|its|their|his|her|all|our|that|those|these|them)\b))",
            re.I,
        ),
        "CARDINAL",
        False,
    ),
    # a million, one hundred thousand
    (re.compile(rf"\b(?:a|an|one)(?:\s{SCALE})+\b", re.I), "CARDINAL", False),
    # 80th, 21st
    (re.compile(rf"{LEFT}\d+(?:st|nd|rd|th)\b", re.I), "ORDINAL", False),
    # 4.2m, 3.5bn, 12 million: a number and its scale, where the model kept only the number
    (re.compile(rf"{LEFT}{DIGITS}(?:{ABBR}\b|\s?{SCALE}\b(?:\s{SCALE}\b)?){RIGHT}", re.I), "CARDINAL", False),
    # doubled, tripled, halved, twofold
    (re.compile(r"\b(?:doubled|tripled|trebled|quadrupled|halved|(?:two|three|four|ten)-?fold)\b", re.I), "CARDINAL", False),
]

_SCALES = word_starts(SCALE)

#: What each rule that may start on a digit (all of them begin with the number) can go on
#: with after the number and one space, when a letter follows, by its place in RULES and
#: its label: the first letters of the words it may go on with there, read from its
#: pattern: a scale, a currency word or ISO code, a unit, "per cent"/"pc", "to" (ranges),
#: "in" ("1 in 20", "6ft 2 in"), "m" ("2 m x 3 m"), the age words ("7 year old", "87
#: yo"); none for the rules that go on with no space ("40g", "21st", "41C", "1/4", "45°").
#: A number, a space and a word that begins with none of a rule's words (``300 people``:
#: all of them; ``30 years``: the money rules) starts no match of that rule, and
#: corpus/figures.py leaves it out there. A rule missing here (or whose label no longer
#: matches its place) is always tried; tests/test_pattern_starts.py tries every rule
#: after every word it knows.
WORDS_AFTER_NUMBER: dict[int, tuple[str, tuple[str, ...]]] = {
    6: ("MONEY", _SCALES + word_starts(ISO)),
    7: ("MONEY", _SCALES + word_starts(CURRENCY_WORD, re.I)),
    8: ("PERCENT", _SCALES + ("to", "per", "pc")),
    9: ("AGE", ("year", "month", "week", "day")),
    10: ("AGE", ("y", "month", "week", "day")),
    11: ("MONEY", _SCALES + ("dollar", "euro", "pound", "usd", "eur", "gbp")),
    12: ("QUANTITY", _SCALES + word_starts(UNIT, re.I)),
    13: ("QUANTITY", ("in",)),
    14: ("QUANTITY", ("m",)),
    15: ("QUANTITY", ()),
    16: ("QUANTITY", ()),
    17: ("QUANTITY", ()),
    18: ("QUANTITY", ()),
    19: ("QUANTITY", _SCALES + ("to",)),
    22: ("CARDINAL", ("in",)),
    24: ("ORDINAL", ()),
    25: ("CARDINAL", _SCALES),
}

#: The rules that may start on a digit and go on right after the number with a character
#: that is neither a letter nor a space, by that character (place in RULES and label):
#: "-" a range, an age or a unit ("10-15%", "38-year-old", "10-tonne"), "–" a range, "%",
#: "°" ("45°", "41°C"), "/" and the vulgar fractions ("1/4 mile", "2½ cups"). After any
#: other character (",", ")", the end of the text), or when the number ends in "." or ","
#: (a full stop, a list), none of them goes on: corpus/figures.py tries none there.
CHARS_AFTER_NUMBER: dict[str, tuple[tuple[int, str], ...]] = {
    "-": ((8, "PERCENT"), (9, "AGE"), (12, "QUANTITY"), (18, "QUANTITY"), (19, "QUANTITY")),
    "–": ((8, "PERCENT"), (18, "QUANTITY"), (19, "QUANTITY")),
    "%": ((8, "PERCENT"),),
    "°": ((12, "QUANTITY"), (16, "QUANTITY"), (17, "QUANTITY")),
    **{char: ((15, "QUANTITY"),) for char in "/½¼¾⅓⅔⅛"},
}

#: A number in digits (with its "." and "," marks), and what follows it.
NUMBER_RUN = re.compile(r"[\d.,]*")

# 2-1, 2 – 1, 112 – 104: a score with a sporting/voting cue nearby, else a range.
DASH_PAIR = re.compile(rf"{LEFT}(\d{{1,3}})\s?[-–—]\s?(\d{{1,3}}){RIGHT}(?!\s?(?:%|per\b|-))")

# Maria Lopez, 34, ... / his sister, 31, ...
AGE_AFTER_NOUN = re.compile(r",\s(\d{1,2}|1[01]\d),(?=\s)")

# aged 92, age 34
AGED = re.compile(
    rf"\bage[ds]?\s(\d{{1,3}}|{WORDNUM})\b(?!\s?(?:-|–|—|%|per\b|to\s|and\s\d|years?\b|months?\b))", re.I
)

# at the age of four months, at the age of 12
AGE_OF = re.compile(rf"\bage\sof\s((?:\d{{1,3}}|{WORDNUM})(?:\s(?:years?|months?|weeks?|days?))?)\b", re.I)

# 1709 schoolchildren: a count that looks like a year, before a plural noun
YEAR_LIKE_COUNT = re.compile(rf"{LEFT}(\d{{4}})\s(?=[^\W\d_]{{3,}}\b)")

#: Words before a four-digit number that make it a year ("the 2019 elections").
YEAR_BEFORE = frozenset(
    "the this that these those its their his her our my your a an in since of from by until till before "
    "after during for between 's".split()
)

#: Words after a digit that are part of the figure ("4.2m", "21st", "50p"), not of a name.
GLUED_OK = re.compile(
    r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s|bn|mn|m|k|tn|trn|p|km|kg|cm|mm|mph|kph|kmph|mw|gw|kw|kwh|mwh|gwh|twh|gb|tb|mb|"
    r"ft|in|lbs?|oz|c|f|pc|x|g|mg|ml|l|t|min|mins|hrs?|secs?|m2|km2|sqm|rad|dm|mbps|gbps|kbps|ghz|mhz|khz|hz|bhp|hp|nm|rpm|mah|db[avwm]?)?",
    re.I,
)

NOT_NAME_BEFORE = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split()
)

# Any other number the model did not mark.
BARE = re.compile(rf"{LEFT}{DIGITS}(?:\s?{SCALE}\b|{ABBR}\b)?(?![\w:/]|[.,]\d)", re.I)

#: Words a figure can start with (besides digits and currency signs); "aged" for ages.
START_WORDS = frozenset(
    (WORD_UNITS + "|" + WORD_TENS).split("|")
    + "between from tens hundreds thousands millions billions dozens several many half aged age ages".split()
    + "doubled tripled trebled quadrupled halved twofold threefold fourfold tenfold".split()
)

#: After "a"/"an", these make a figure ("a million", "a third of", "a few hundred").
AFTER_A = frozenset("hundred thousand million billion trillion dozen few couple third quarter fifth sixth eighth tenth".split())

A_AN = frozenset({"a", "an"})

MONEY_FIRST = frozenset("uacnhsrymegjkdiptbzlvwo")

FIRST_CHARS = frozenset("0123456789$£€¥₹₽₩₺~½¼¾⅓⅔⅛")
#: A sign that starts a figure only before digits or a currency sign ("-0.9%", "+£4m").
SIGN_CHARS = frozenset("+-−")

#: Tokens that start an amount though they are letters: a currency prefix or ISO code
#: ("US $12", "HK $2bn", "RM45", "Rs 500 crore", "USD115", "Y=12,400").
MONEY_START = re.compile(rf"(?:(?:us|au|a|c|nz|hk|s|nt|r|usd|aud|cad|nzd|hkd|sgd|mex)[$£€¥]?|rm|rs\.?|y=?|(?i:{ISO}))(?:[\d$£€¥]|$)", re.I)

CURRENCY_INSIDE = re.compile(r"\w[$£€¥₹₽₩₺]")

HYPHEN_NAME = re.compile(r"-([A-Z][a-z]+)\b")

#: Words after "N-" that keep the number a figure ("3-Year", "10-Point plan", "4-Star").
PART_WORDS = frozenset("old point star man woman member seat storey story page mile metre meter foot inch game run".split())

#: "from $1,200 to $950", "ranging from 3 to 5 km": the words around two figures that make one.
FROM_BEFORE = re.compile(r"\bfrom\s+$", re.I)

TO_BETWEEN = re.compile(r"\s+to\s+")

ENDS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "COUNT"})

#: After a date that ends in a year: the other end of a span of years ("between 1998 and 2004").
YEAR_AFTER = re.compile(r"\s*(?:and|to|until|till|through|-|–|—)\s*(?:1[5-9]\d\d|20\d\d)\b(?![.,]\d)")
