"""The reading of a figure: its value, normalised unit, change and the thing counted.

``read_span(text, start, end, label)`` reads ``text[start:end]`` (a figure span of
the figure layer, or a duration date such as ``48 hours``) with a little of the text
around it: ``rose 5%`` is a rise, ``40 per cent of staff`` counts staff. The noun
phrase counted is best taken from the parse; :func:`counted_from_doc` does that while
the analyser has the spaCy doc, and passes it in.

Conventions (the benchmark's gold follows them, ``benchmarks/figure_readings_dev.jsonl``):

* values as written, scaled: ``3.5bn`` is 3_500_000_000, ``4.2m`` 4_200_000, ``50p``
  0.5 GBP; units are not converted (``200 metres`` stays 200 ``m``);
* proportions are percentages: ``half`` 50, ``a fifth`` 20, ``one in five`` 20,
  ``two-thirds`` 66.67 (``percent``); ``doubled`` is 2 ``times``, ``halved`` 0.5;
* vague counts are ranges read approximately (``~``): ``dozens`` [24, 144],
  ``hundreds`` [100, 1000], ``tens of thousands`` [10_000, 100_000], ``several
  hundred thousand`` [300_000, 900_000], ``a few hundred`` [200, 500];
* ages are in ``year`` (or ``month``/``week``/``day`` when said), scores are
  ``(home, away)`` with unit ``score``, ordinals have unit ``ordinal``;
* a count's unit is its counted noun in the singular (``recruit``), ``people`` for
  people and persons.

The number words are a closed set, so they are read here: the libraries for them
(word2number, text2num) read neither ``3.5bn`` nor ``tens of thousands`` nor ``a
fifth``, and a unit library (pint, quantulum3) knows nothing of news counts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from corpus.model import Analysis, Article, Change, Reading, Shape, Value

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

_UNITS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * n for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if n > 1}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12,
           "lakh": 100_000, "lakhs": 100_000, "crore": 10_000_000, "crores": 10_000_000}
_ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "tn": 10**12, "trn": 10**12}
_ORDINALS = {
    w: n
    for n, w in enumerate(
        "_ first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
    if n
}
#: Denominators of fractions said in words ("a fifth", "two-thirds").
_PARTS = {"half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
          "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_MULTIPLES = {"doubled": 2, "doubling": 2, "tripled": 3, "trebled": 3, "quadrupled": 4, "halved": 0.5,
              "twofold": 2, "threefold": 3, "fourfold": 4, "tenfold": 10}

_SIGNS = {
    "us$": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD",
    "s$": "SGD", "nt$": "TWD", "r$": "BRL", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "₽": "RUB", "₩": "KRW", "₺": "TRY", "$us": "USD", "$a": "AUD", "$au": "AUD", "$nz": "NZD", "$hk": "HKD",
    "$c": "CAD", "rm": "MYR", "rs": "INR", "rs.": "INR", "y=": "JPY", "usd$": "USD", "aud$": "AUD",
    "cad$": "CAD", "nzd$": "NZD", "hkd$": "HKD", "sgd$": "SGD", "mex$": "MXN",
}
#: ISO 4217 codes read as written (RMB is the yuan's other name).
_ISO_CODES = frozenset(
    "USD EUR GBP JPY CNY AUD CAD NZD HKD INR CHF SGD MYR DKK SEK NOK ZAR KRW BRL MXN TRY RUB PLN CZK HUF "
    "THB IDR PHP TWD AED SAR NGN KES EGP PKR BDT ILS ARS CLP COP PEN VND UAH".split()
)
#: Currency words: (code, factor) so cents and pence come out in whole units.
_CURRENCY_WORDS = {
    "dollar": ("USD", 1), "pound": ("GBP", 1), "euro": ("EUR", 1), "yen": ("JPY", 1), "yuan": ("CNY", 1),
    "renminbi": ("CNY", 1), "rouble": ("RUB", 1), "ruble": ("RUB", 1), "rupee": ("INR", 1),
    "franc": ("CHF", 1), "peso": ("MXN", 1), "cent": ("cent", 1), "pence": ("penny", 1),
    "p": ("penny", 1), "penny": ("penny", 1), "ringgit": ("MYR", 1), "won": ("KRW", 1), "real": ("BRL", 1), "hryvnia": ("UAH", 1), "lira": ("TRY", 1), "kronor": ("SEK", 1),
    "krona": ("SEK", 1), "rand": ("ZAR", 1), "shilling": ("KES", 1), "koruna": ("CZK", 1),
}
_MEASURES = {
    "km": "km", "kilometre": "km", "kilometer": "km", "mile": "mile", "metre": "m", "meter": "m",
    "cm": "cm", "centimetre": "cm", "centimeter": "cm", "mm": "mm", "millimetre": "mm", "millimeter": "mm",
    "kg": "kg", "kilo": "kg", "kilogram": "kg", "kilogramme": "kg", "gram": "g", "gramme": "g", "g": "g",
    "mg": "milligram", "milligram": "milligram", "μg": "microgram", "µg": "microgram", "microgram": "microgram",
    "tonne": "metric ton", "ton": "ton", "metric ton": "metric ton", "t": "metric ton", "lb": "lb", "ounce": "ounce", "oz": "ounce",
    "feet": "ft", "foot": "ft", "ft": "ft", "inch": "inch", "inche": "inch", "in": "inch", "acre": "acre", "hectare": "hectare",
    "litre": "litre", "liter": "litre", "l": "litre", "ml": "millilitre", "millilitre": "millilitre",
    "milliliter": "millilitre", "gallon": "gallon", "barrel": "barrel", "bpd": "barrel/day", "mph": "mph",
    "km/h": "km/h", "km/hr": "km/h", "kph": "km/h", "kmph": "km/h", "knot": "knot", "degree": "degree",
    "c": "°C", "°c": "°C", "degrees celsius": "°C", "f": "°F", "°f": "°F", "degrees fahrenheit": "°F",
    "mw": "MW", "gw": "GW", "kw": "kW", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh", "megawatt": "MW",
    "gigawatt": "GW", "kilowatt": "kW", "volt": "V", "gb": "GB", "tb": "TB", "mb": "MB",
    "mbps": "Mbps", "gbps": "Gbps", "kbps": "kbps", "ghz": "GHz", "mhz": "MHz", "khz": "kHz", "hz": "Hz",
    "bhp": "bhp", "hp": "hp", "horsepower": "hp", "nm": "Nm", "newton metre": "Nm", "newton meter": "Nm",
    "newton-metre": "Nm", "rpm": "rpm", "mah": "mAh", "calorie": "calorie", "storey": "storey",
    "cup": "cup", "tablespoon": "tablespoon", "tbsp": "tablespoon", "teaspoon": "teaspoon", "tsp": "teaspoon",
    "dm": "decimetre", "decimetre": "decimetre", "decimeter": "decimetre", "μm": "micrometre", "µm": "micrometre",
    "micrometre": "micrometre", "micrometer": "micrometre", "nanometre": "nanometre", "nanometer": "nanometre",
    "picometre": "picometre", "picometer": "picometre", "rad": "radian", "radian": "radian", "turn": "turn",
    "revolution": "revolution", "megabit": "megabit", "gigabit": "gigabit", "kilobyte": "kilobyte",
    "megabyte": "MB", "gigabyte": "GB", "terabyte": "TB",
    "m": "m", "m2": "square metre", "sqm": "square metre", "km2": "square kilometre", "mi": "mile",
}
#: Units of area said with "square"/"sq": by name, as a reader says them.
_SQUARE = {"m": "square metre", "km": "square kilometre", "ft": "square foot", "mile": "square mile",
           "cm": "square centimetre", "mm": "square millimetre", "inch": "square inch"}
_DURATIONS = {"second": "second", "minute": "minute", "hour": "hour", "day": "day", "week": "week",
              "month": "month", "year": "year", "decade": "decade", "century": "century", "centurie": "century",
              "min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour", "sec": "second", "secs": "second"}
_PEOPLE = {"people", "person", "persons", "individuals", "individual"}

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?")
_WORD = re.compile(r"[^\W\d_]+(?:[/°][^\W\d_]+)?|°[CF]|\d+(?:[.,]\d+)*|[$£€¥₹₽₩₺%]|-|–|—", re.I)
_SIGN = re.compile(
    r"(?:(?i:usd|aud|cad|nzd|hkd|sgd|mex)(?=\$)|(?i:us|au|nz|hk|nt)\s?|[ACSR]\s?|[acsr](?=[$]))?[$£€¥₹₽₩₺](?:US|AU|A|NZ|HK|C)?(?![a-z])"
    r"|\bRM(?=\s?\d)|\bRs\.?(?=\s?\d)|\bY="
)
_ISO_WORD = re.compile(r"(?<![A-Za-z])(M?)(" + "|".join(sorted(_ISO_CODES | {"RMB"})) + r")(?![A-Za-z])", re.I)
_PERCENT = re.compile(r"%|\bper\s?cent\b|\bpercent\b|\bpc\b", re.I)
_POINTS = re.compile(r"\bpercentage\s+points?\b", re.I)
_ONE_IN = re.compile(r"\b(\w+)\s+in\s+(\w+)\b", re.I)
_DASH = re.compile(r"\s?(?:-|–|—|to)\s?")

_ABOUT = re.compile(r"^(?:about|around|approximately|roughly|some|close to|an estimated)\b", re.I)
_MORE = re.compile(r"^(?:more than|over|at least|upwards of|just over|well over|in excess of)\b", re.I)
_LESS = re.compile(r"^(?:less than|under|fewer than|up to|at most|as many as|as much as|just under|almost|nearly)\b", re.I)
_RISE_BEFORE = re.compile(
    r"\b(?:rose|rise|rises|risen|rising|increased?|increases|increasing|grew|grow|grows|grown|growing|"
    r"climbed?|climbs|jumped|jumps?|soared|surged|gained|gains?|up|boosted|higher)"
    r"(?:\s+by)?\s+$",
    re.I,
)
_FALL_BEFORE = re.compile(
    r"\b(?:fell|fall|falls|fallen|falling|dropped|drops?|declined|declines?|decreased?|decreases|down|"
    r"cut|cuts|slumped|plunged|lost|loses|shrank|shrunk|slid|dipped|reduced|lowered|lower|sank)"
    r"(?:\s+by)?\s+$",
    re.I,
)
_BY = re.compile(r"\bby\s+$", re.I)
_BY_VERB = re.compile(
    r"\b(?:(?P<up>rais(?:e|es|ed|ing)|lift(?:s|ed|ing)?|hik(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|boost(?:s|ed|ing)?|"
    r"push(?:es|ed|ing)?\s+up|put(?:s|ting)?\s+up|grow(?:s|n)?|grew|expand(?:s|ed|ing)?|extend(?:s|ed|ing)?|rose|rise[sn]?|up)"
    r"|(?P<down>cut(?:s|ting)?|reduc(?:e|es|ed|ing)|lower(?:s|ed|ing)?|slash(?:es|ed|ing)?|trim(?:s|med|ming)?|"
    r"shrink(?:s|ing)?|shrank|decreas(?:e|es|ed|ing)|fell|fall(?:s|en)?|drop(?:s|ped|ping)?|down|curb(?:s|ed|ing)?))\b",
    re.I,
)
_RISE_AFTER = re.compile(r"^[\s-]*(?:rise|increase|jump|gain|growth|hike|uplift|surge|higher|more)\b", re.I)
_FALL_AFTER = re.compile(r"^[\s-]*(?:fall|drop|decline|decrease|cut|reduction|loss|slump|lower|fewer|less)\b", re.I)
#: "m" after a number is metres, not million, before these words.
_METRE_CUES = re.compile(r"^\s*(?:(?:sprint|race|hurdles|freestyle|tall|high|deep|long|wide|away|below|above|drop)\b|[x×]\s?\d)", re.I)


def _clean(number: str) -> float:
    return float(number.replace(",", ""))


def tidy(value: float) -> int | float:
    """An integral float as an int, others rounded to 6 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return int(value)
    return float(f"{value:.6g}")


_SLASHED = re.compile(r"\d{1,2}/\d{1,2}")
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}


def words_value(words: list[str]) -> float | None:
    """The value of number words (``one hundred and twenty``, ``a million``, ``3.5 billion``)."""
    total = current = 0.0
    seen = False
    previous = ""
    for word in words:
        word = word.lower()
        if (word in {"and", "-"} and seen) or (word in {"a", "an"} and previous in {"half", "quarter"}):
            previous = word
            continue  # "one hundred and six", "half a million"
        previous = word
        if word in {"a", "an"} and not seen:
            current, seen = 1.0, True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif _NUMBER.fullmatch(word):
            current += _clean(word)
            seen = True
        elif _SLASHED.fullmatch(word):
            top, bottom = word.split("/")
            if not int(bottom):
                return None
            current += int(top) / int(bottom)  # "10 1/2": the whole number and the fraction add up
            seen = True
        elif word in _VULGAR:
            current += _VULGAR[word]
            seen = True
        elif word in {"half", "quarter", "quarters"}:
            # "half million", "a quarter million", "three quarters billion"
            current = (current or 1) * (0.5 if word == "half" else 0.25)
            seen = True
        elif word in _SCALES and seen:
            scale = _SCALES[word]
            if scale == 100:
                current *= 100
            else:
                total += (current or 1) * scale
                current = 0.0
        elif word in _ABBREVIATIONS and seen:
            total += (current or 1) * _ABBREVIATIONS[word]
            current = 0.0
        else:
            return None
    return total + current if seen else None


def _tokens(text: str) -> list[str]:
    """Words, numbers and signs; glued scale letters split off (``3.5bn`` -> ``3.5``, ``bn``)."""
    out: list[str] = []
    for match in re.finditer(r"\d{1,2}/\d{1,2}(?![/\d])|\d[\d,.]*\d|\d|[½¼¾⅓⅔⅛]|[^\W\d_]+(?:/[^\W\d_]+|\d(?!\w))?|[$£€¥₹₽₩₺%°]|[-–—]", text):
        out.append(match.group().rstrip("."))
    return out


def _vague(lower: str) -> tuple[float, float] | None:
    """The range a vague count stands for (see the module docstring), or None."""
    match = re.fullmatch(r"(tens|hundreds) of (thousands|millions|billions)", lower)
    if match:
        low = (10 if match.group(1) == "tens" else 100) * _SCALES[match.group(2)[:-1]]
        return low, low * 10
    match = re.fullmatch(r"(several|a few|many|a couple of) ((?:hundred|thousand|million|billion)s?(?: (?:thousand|million))?)", lower)
    if match:
        scale = 1.0
        for word in match.group(2).split():
            scale *= _SCALES[word.rstrip("s")]
        low, high = {"several": (3, 9), "a few": (2, 5), "many": (2, 9), "a couple of": (2, 2)}[match.group(1)]
        return low * scale, high * scale
    if lower in {"dozens"}:
        return 24, 144
    if lower in {"hundreds", "thousands", "millions", "billions"}:
        scale = _SCALES[lower[:-1]]
        return scale, scale * 10
    return None


def _fraction(lower: str) -> float | None:
    """A proportion said in words, as a percentage (``a fifth`` 20, ``two-thirds`` 66.67)."""
    lower = lower.replace("-", " ")
    match = _ONE_IN.fullmatch(lower)
    if match:
        top, bottom = words_value([match.group(1)]), words_value([match.group(2)])
        if top is not None and bottom:
            return 100 * top / bottom
        return None
    parts = lower.split()
    if not parts:
        return None
    part = parts[-1]
    if part not in _PARTS and part.rstrip("s") not in _PARTS:
        return None
    bottom = _PARTS.get(part) or _PARTS[part.rstrip("s")]
    top = words_value(parts[:-1]) if parts[:-1] else 1.0
    if top is None:
        return None
    return 100 * top / bottom


def _number_of(core: str, after: str) -> tuple[float | None, str | None]:
    """(value, unit from the words of ``core``) for one figure without range or sign handling."""
    tokens = _tokens(core)
    unit: str | None = None
    numeric: list[str] = []
    rest: list[str] = []
    for token in tokens:
        lower = token.lower()
        if not rest and (
            lower in _UNITS or lower in _TENS or lower in _SCALES or lower in {"a", "an", "and", "-"}
            or _SLASHED.fullmatch(token) or token in _VULGAR or lower in {"half", "quarter", "quarters"}
            or _NUMBER.fullmatch(token) or (lower in _ABBREVIATIONS and numeric)
        ):
            if lower == "m" and numeric and _METRE_CUES.match(after):
                rest.append(token)
                continue
            numeric.append(token)
        else:
            rest.append(token)
    while numeric and numeric[-1] in {"-", "and"}:
        numeric.pop()
    value = words_value(numeric)
    if rest:
        joined = " ".join(rest)
        # SI: a small b is a bit, a capital B a byte ("100 Mb" megabits, "100MB" megabytes)
        bits = re.fullmatch(r"([KkMmGgTt])b", joined)
        unit = _BITS[bits.group(1).upper()] if bits else _unit_words(joined.lower())
    return value, unit


_BITS = {"K": "kilobit", "M": "megabit", "G": "gigabit", "T": "terabit"}


def _singular(word: str) -> str:
    word = word.lower()
    irregular = {"children": "child", "men": "man", "women": "woman", "feet": "ft", "teeth": "tooth",
                 "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife", "staff": "staff",
                 "series": "series", "species": "species", "news": "news"}
    if word in irregular:
        return irregular[word]
    if word.endswith(("children", "men")) and word not in {"specimen", "specimens"}:
        return word[:-3] + ("" if word.endswith("children") else "an")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _unit_words(words: str) -> str | None:
    """The normalised unit of the words after a number (``per cent``, ``square km``, ``tonnes``)."""
    words = words.strip(" -")
    if not words:
        return None
    if _POINTS.search(words):
        return "percentage point"
    if _PERCENT.search(words):
        return "percent"
    square = re.match(r"(?:square|sq)\.?\s*(.*)", words)
    if square:
        inner = "m" if square.group(1).strip() == "m" else _unit_words(square.group(1))
        return _SQUARE.get(inner or "", f"square {inner}" if inner else None)
    if words in _MEASURES:
        return _MEASURES[words]
    singular = _singular(words.split()[-1]) if words.split() else words
    whole = " ".join([*words.split()[:-1], singular])
    if whole in _MEASURES:
        return _MEASURES[whole]
    if words.startswith("°"):
        words = ("degrees " + words[1:].strip()).strip()  # "100° Celsius", "45°"
    if re.search(r"\b(?:fahrenheit|f)$", words) and re.match(r"(?:deg|fahrenheit|f$)", words):
        return "°F"
    if re.search(r"\b(?:celsius|celcius|centigrade|c)$", words) and re.match(r"(?:deg|cel|cent|c$)", words):
        return "°C"
    if re.fullmatch(r"deg(?:rees?|\.)?", words):
        return "degree"
    for table in (_MEASURES, _DURATIONS):
        if singular in table:
            return table[singular]
    if singular in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[singular][0]
    return None


def _currency(core: str) -> tuple[str, float] | None:
    sign = _SIGN.search(core)
    if sign is not None:
        return _SIGNS.get(re.sub(r"\s", "", sign.group().lower()), "USD"), 1.0
    code = _ISO_WORD.search(core)
    if code is not None and (code.group(2).isupper() or code.group(2).lower() in {"usd", "eur", "gbp", "rmb"}):
        name = code.group(2).upper()
        return ("CNY" if name == "RMB" else name), (1_000_000.0 if code.group(1) else 1.0)
    for word in reversed(_tokens(core)):
        lower = _singular(word)
        if lower in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[lower]
        if re.fullmatch(r"\d+p", core.strip()):
            return _CURRENCY_WORDS["p"]
    if re.fullmatch(r"\d+(?:\.\d+)?p", core.strip(), re.I):
        return _CURRENCY_WORDS["p"]
    return None


def _change(text: str, start: int, end: int, surface: str) -> Change | None:
    """The change a figure's own words or its neighbours say; None when nothing does."""
    before = text[max(0, start - 30) : start]
    after = text[end : end + 20]
    if _RISE_BEFORE.search(before) or _RISE_AFTER.match(after):
        return "up"
    if _FALL_BEFORE.search(before) or _FALL_AFTER.match(after):
        return "down"
    if _BY.search(before):
        # "raise fares by 8%", "cut the grant by 15%": the verb stands a few words before "by"
        clause = re.split(r"[,;:.!?]", text[max(0, start - 60) : start])[-1]
        verbs = [(m.start(), m.lastgroup) for m in _BY_VERB.finditer(clause)]
        if verbs:
            return "up" if verbs[-1][1] == "up" else "down"
    if _MORE.match(surface):
        return ">"
    if _LESS.match(surface):
        return "<"
    if _ABOUT.match(surface) or text[max(0, start - 1) : start] == "~":
        return "~"
    return None


def _strip_approximator(surface: str) -> str:
    for pattern in (_MORE, _LESS, _ABOUT):
        match = pattern.match(surface)
        if match is not None:
            return surface[match.end() :].lstrip()
    return surface


def _range_parts(core: str) -> tuple[str, str] | None:
    """``between X and Y``, ``X-Y``, ``X to Y``: the two sides, or None."""
    match = re.fullmatch(r"between\s+(.+?)\s+and\s+(.+)", core, re.I)
    if match:
        return match.group(1), match.group(2)
    match = re.fullmatch(r"(.*?\d[\d,.]*\s?(?:[^\W\d_]{1,3})?)\s?(?:-|–|—|to)\s?([$£€¥₹₽₩₺]?\s?\d.*)", core)
    if match and not re.search(r"(?:year|month|week|day)s?[\s-]old", core, re.I):
        return match.group(1), match.group(2)
    match = re.fullmatch(r"([^\W\d_]+)\s(?:to|-|–|—)\s((\w+).*)", core)
    if match and words_value([match.group(1)]) is not None and words_value([match.group(3)]) is not None:
        return match.group(1), match.group(2)  # "eight to ten feet"
    return None


_SIGNED = re.compile(r"^(?:[$£€¥₹]|[A-Z]{1,2}\$)?\s?([+\-−])\s?(?=[$£€¥₹]?\d)")
_FROM_TO = re.compile(r"from\s+(.+?)\s+to\s+(.+)", re.I | re.S)
#: Before "from X to Y": words that make it a span of values, not a change.
_RANGE_BEFORE = re.compile(r"\b(?:range[sd]?|ranging|var(?:y|ies|ied|ying)|anywhere|spann?(?:s|ed|ing)?|costs?|priced)\s+$", re.I)


def _read_from_to(text: str, start: int, match: re.Match[str], label: str) -> Reading | None:
    """``from X to Y``: a change from X to Y (both ends in the order said, and the direction),
    or a range when the words before say so ("prices range from $250,000 to $2.5 million")."""
    low, low_unit, _ = read_value(match.group(1), label)
    high, high_unit, _ = read_value(match.group(2), label)
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return None
    unit = high_unit or low_unit
    if _RANGE_BEFORE.search(text, max(0, start - 16), start):
        return Reading(value=(tidy(min(low, high)), tidy(max(low, high))), unit=unit, change="=", shape="range")
    change: Change = "up" if high > low else "down" if high < low else "="
    return Reading(value=(tidy(low), tidy(high)), unit=unit, change=change, shape="from-to")


_MAJOR_MINOR = re.compile(
    r"(.+?)\s(dollars?|euros?|pounds?|usd|eur|gbp)\s(?:and\s)?((?!cents?\b|pence\b)[\w-]+(?:\s(?!cents?\b|pence\b|p$)[\w-]+)?)"
    r"(?:\s(?:cents?|pence|p))?"
)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+(?=[\d$£€¥₹₽₩₺]|(?:US|HK|C|A)\s?\$)", re.I)


def read_value(surface: str, label: str, after: str = "") -> tuple[Value | None, str | None, bool]:
    """(value, unit, vague) of a figure's words; ``after`` is the text right after it."""
    core = _strip_approximator(surface.strip())
    core = _LEADING_ARTICLE.sub("", core)  # "a $48.2 million contract", "the 59.2 %"
    lower = " ".join(core.lower().split())
    vague = _vague(lower)
    if vague is not None:
        return (tidy(vague[0]), tidy(vague[1])), None, True
    if lower == "a dozen" or lower == "dozen":
        return 12, None, False
    for word, times in _MULTIPLES.items():
        if lower.replace("-", "") == word:
            return tidy(times), "times", False
    if label == "ORDINAL":
        number = re.match(r"(\d+)(?:st|nd|rd|th)$", lower)
        if number:
            return int(number.group(1)), "ordinal", False
        return _ORDINALS.get(lower), "ordinal", False
    if label == "SCORE":
        sides = re.findall(r"\d+", core)
        return (int(sides[0]), int(sides[1])) if len(sides) == 2 else None, "score", False
    fraction = _fraction(lower)
    if fraction is not None:
        return tidy(round(fraction, 2)), "percent", False
    if label == "MONEY":
        split = _MAJOR_MINOR.fullmatch(lower)
        if split is not None:
            # "3 dollars 50 cents", "thirteen dollars and forty-five cents": major plus minor
            major, minor = words_value(_tokens(split.group(1))), words_value(_tokens(split.group(3)))
            code = _CURRENCY_WORDS.get(_singular(split.group(2)), (split.group(2).upper(), 1))[0]
            if major is not None and minor is not None and minor < 100:
                return tidy(round(major + minor / 100, 2)), code, False
    if label == "AGE":
        lower = re.sub(r"\s(?:yo|y\.o\.)$", " years old", re.sub(r"\s(years?|months?|weeks?|days?) of age$", r" \1 old", lower))
        match = re.match(r"(.+?)[\s-]+(year|month|week|day)s?(?:[\s-]+old)?$", lower)
        number, unit = (match.group(1), match.group(2)) if match else (lower, "year")
        value = words_value(_tokens(number))
        return (tidy(value) if value is not None else None), unit, False
    parts = _range_parts(core)
    if parts is not None:
        low, high = (read_value(part, "CARDINAL", after) for part in parts)
        if isinstance(low[0], (int, float)) and isinstance(high[0], (int, float)):
            unit = high[1] or low[1]
            if unit is None or low[1] is None:
                # "£5 to £10" has its sign on both sides; "10-15%" only after the second
                currency = _currency(core)
                if currency is not None:
                    unit = currency[0]
            low_value, high_value = low[0], high[0]
            # "3 to 4 million": a scale said once, after the second side, belongs to both
            bare = _NUMBER.search(parts[1])
            scale = high_value / _clean(bare.group()) if bare is not None and _clean(bare.group()) else 1
            if scale >= 1000 and _NUMBER.fullmatch(parts[0].strip().lstrip("$£€")) and low_value * scale <= high_value:
                low_value *= scale
            return (tidy(low_value), tidy(high_value)), unit, False
    currency = None if _PERCENT.search(core) else _currency(core)
    stripped = _ISO_WORD.sub(" ", _SIGN.sub(" ", core)) if currency is not None else core
    value, unit = _number_of(stripped, after)
    if currency is not None and value is not None:
        return tidy(value * currency[1]), currency[0], False
    if currency is not None and re.fullmatch(r"\s*\d+(?:\.\d+)?p\s*", core):
        return tidy(float(core.strip()[:-1])), "penny", False
    if value is None:
        return None, unit, False
    return tidy(value), unit, False


#: Words that settle the scale of bare degrees: a body's temperature is said in °F from
#: about 90 up (a fever of 102 degrees), in °C below 45; weather alone does not settle it.
_TEMPERATURE_CUES = re.compile(r"\b(?:fever\w*|body temperature|thermometer|hypotherm\w*|feverish)\b", re.I)
_WEIGHT_CUES = re.compile(
    r"\b(?:weigh\w*|heav\w*|light(?:er|est)?|lose|losing|lost|drop|shed|gain\w*|pounds? of|lbs?|kg|kilos?|obes\w*|diet\w*|"
    r"eat\w*|tons?|tonnes?|ounces?|grams?|"
    r"born|baby|fish|catch|caught|scales?|stone)\b",
    re.I,
)
_MONEY_CUES = re.compile(
    r"[£$€]|\b(?:cost\w*|pa(?:y|id|ys)|price\w*|worth|spen[dt]\w*|sterling|bought|buy\w*|s[eo]ll\w*|sold|fund\w*|"
    r"salar\w*|fine[ds]?|tax\w*|budget\w*|wages?|earn\w*|loan\w*|debt\w*|bill\w*|million|billion|fee\w*|charg\w*)\b",
    re.I,
)
_METRES = re.compile(r"(?:about |around |nearly )?\d+(?:\.\d+)?\s?m", re.I)
_LENGTH_CUES = re.compile(
    r"\b(?:tall|high|height|long|length|deep|depth|wide|width|distance|reach|outreach|span|metres?|meters?|cm|mm|km|dm|"
    r"x|by|altitude|radius|diameter|sprint|jump\w*)\b",
    re.I,
)
_WEIGHS_BEFORE = re.compile(r"\bweigh(?:s|ed|ing)?\s+(?:in\s+at\s+|about\s+|around\s+|just\s+)?$", re.I)
_TEMPERATURE_BEFORE = re.compile(r"\b(?:fever|temperature)\s+(?:of|at|reached|hit|was|is)\s+(?:about\s+|around\s+)?$", re.I)


def _unit_from_context(text: str, start: int, end: int, surface: str, unit: str | None, value: Value) -> str | None:
    """A unit the words around a figure settle: ``a fever of 102 degrees`` is Fahrenheit,
    ``he weighs 180`` and ``lost 20 pounds`` are pounds of weight, not sterling."""
    window = text[max(0, start - 80) : end + 40]
    number = value if isinstance(value, (int, float)) else None
    if unit == "degree" or (unit is None and _TEMPERATURE_BEFORE.search(text, max(0, start - 30), start)):
        if number is not None and _TEMPERATURE_CUES.search(window) and (number >= 90 or number < 45):
            return "°F" if number >= 90 else "°C"
        return unit
    if unit is None and isinstance(value, (int, float)) and value >= 1_000_000 and _METRES.fullmatch(surface):
        # "1.8m tall", "an outreach of 48m": metres, when the words around speak of length
        if _LENGTH_CUES.search(window):
            return "m"
    if unit == "GBP" and re.search(r"\bpounds?\b", surface, re.I) and not re.search(r"[£]|illion|bn\b", surface):
        before = text[max(0, start - 60) : start]
        if _WEIGHT_CUES.search(window) and not _MONEY_CUES.search(before + " " + text[end : end + 30]):
            return "lb"
        return unit
    if unit is None and _WEIGHS_BEFORE.search(text, max(0, start - 24), start):
        return "lb"
    return unit


def read_span(
    text: str, start: int, end: int, label: str, counted: str | None = None, head: str | None = None
) -> Reading | None:
    """The reading of ``text[start:end]`` with label ``label``, or None when it has no value.

    ``counted`` is the noun phrase counted and ``head`` its head noun, from the parse
    (see :func:`counted_from_doc`); a count takes its unit from ``head``.
    """
    surface = text[start:end]
    after = text[end : end + 24]
    if label in {"DATE", "TIME"}:
        return _duration(surface, text[end : end + 16], text[max(0, start - 12) : start])
    from_to = _FROM_TO.fullmatch(surface)
    if from_to is not None:
        return _read_from_to(text, start, from_to, label)
    signed = _SIGNED.match(surface)
    unsigned = surface if signed is None else surface[: signed.start(1)] + surface[signed.end(1) :]
    value, unit, vague = read_value(unsigned, label, after)
    if value is None:
        return None
    change = _change(text, start, end, surface)
    if change == "up" and label not in {"PERCENT", "MONEY"} and re.search(r"\bup\s+$", text[max(0, start - 6) : start]):
        change = None  # "set up four screens": a particle, not a rise
    if unit == "times" and isinstance(value, (int, float)):
        change = "up" if value > 1 else "down"  # "doubled", "halved"
    if change is None:
        change = "~" if vague else "="
    unit = _unit_from_context(text, start, end, surface, unit, value)
    if unit == "m" and isinstance(value, (int, float)) and value >= 1_000_000:
        value = tidy(value / 1_000_000)  # read as million above
    if unit is None and head is not None and head.lower() not in {"time", "times"}:
        # "7 times" counts occurrences, nothing named
        unit = "people" if head.lower() in _PEOPLE else _singular(head)
    if label not in {"CARDINAL", "COUNT", "RANGE", "PERCENT"}:
        counted = None  # money, measures, ages, scores and ranks count nothing
    shape: Shape = "score" if label == "SCORE" else "range" if isinstance(value, tuple) else "value"
    if signed is not None and isinstance(value, (int, float)):
        # "+0.4%", "-0.9%", "$-12.3bn": the value keeps its sign, the change says which way
        value = tidy(-abs(value)) if signed.group(1) in "-−" else value
        change, shape = ("down" if value < 0 else "up"), "signed"
    if unit in _TIME_UNITS and label not in {"AGE", "ORDINAL"} and shape != "score":
        shape = "duration"  # "a 30-year bond", "11-year lull": a stretch of time
    return Reading(value=value, unit=unit, change=change, counted=counted, shape=shape)


_DURATION = re.compile(
    r"(?:^|\b)(?:(?P<approx>about|around|almost|nearly|more than|over|at least|up to|less than|some|roughly)\s+)?"
    r"(?P<number>\d+(?:\.\d+)?|several|a few|few|a couple of|(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)[\s-]?)+)[\s-]*(?P<unit>second|minute|hour|day|week|month|year|decade|centur(?:y|ies))s?\b",
    re.I,
)


def _duration(surface: str, after: str = "", before: str = "") -> Reading | None:
    """The reading of a date or time span that is a duration (``48 hours``, ``the last 30 years``,
    ``more than a year``); a calendar date (``last year``, ``May 2019``) has none."""
    match = _DURATION.search(surface)
    if match is None:
        return None
    if _CALENDAR.search(surface[: match.start()]):
        return None  # "June 3, 2019 after a decade": the span is a date first
    number = match.group("number").strip(" -").lower()
    span_of = _DURATION_RANGE.search(surface, 0, match.end())
    if span_of is not None and span_of.end() >= match.start("number"):
        # "11–14 years", "3 to 5 days": a range of lengths
        low, high = _clean(span_of.group(1)), _clean(span_of.group(2))
        unit = _DURATIONS.get(_singular(match.group("unit")), "century")
        return Reading(value=(tidy(low), tidy(high)), unit=unit, change="=", shape="duration")
    if number in {"a", "an"} and (
        _POINT_IN_TIME.search(surface[match.end() :] + " " + after)
        or not (match.group("approx") or _LENGTH_BEFORE.search(before + " " + surface[: match.start()]))
    ):
        return None  # "a year ago": a point in time; "3 tonnes a year": a rate
    vague = _VAGUE_DURATIONS.get(number)
    value = vague or words_value(_tokens(number))
    if value is None:
        return None
    unit = _DURATIONS[_singular(match.group("unit"))] if _singular(match.group("unit")) in _DURATIONS else "century"
    approx = (match.group("approx") or "").lower()
    change: Change = ">" if approx in {"more than", "over", "at least"} else "<" if approx in {
        "almost", "nearly", "up to", "less than"} else "~" if approx else "="
    if re.search(r"\b(?:last|past)\b", surface, re.I):
        change = "=" if not approx else change
    if vague:
        return Reading(value=(vague[0], vague[1]), unit=unit, change="~", shape="duration")
    return Reading(value=tidy(value), unit=unit, change=change, shape="duration")


_CALENDAR = re.compile(
    r"\b(?:1[5-9]\d\d|20\d\d|jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
_DURATION_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s?(?:-|–|—|to)\s?(\d+(?:\.\d+)?)")

#: After "a year", "an hour": words that make it a point in time, not a length.
_POINT_IN_TIME = re.compile(r"^\s*(?:ago|earlier|later|from now)\b", re.I)
#: Before "a year", "an hour": words that make it a length of time ("for a year", "within an hour").
_LENGTH_BEFORE = re.compile(r"\b(?:for|in|within|over|after|than|spent|took|takes|lasted|last|past|whole|entire|full)\s+$", re.I)
_TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"})

#: "several months", "the next few weeks": the vague counts of the module docstring.
_VAGUE_DURATIONS = {"several": (3, 9), "a few": (2, 5), "few": (2, 5), "a couple of": (2, 2)}


def counted_from_doc(doc: Doc, start: int, end: int) -> tuple[str | None, str | None]:
    """(counted noun phrase, its head noun) for the figure at doc offsets [start, end).

    The noun the figure modifies (``300,000 new recruits``: ``new recruits``), else the
    noun phrase of an ``of`` right after it (``tens of thousands of people``).
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, None
    last = span[-1]
    head = last.head
    if head.i >= span.end and head.pos_ in {"NOUN", "PROPN"} and last.dep_ in {"nummod", "quantmod", "amod", "compound", "nmod"}:
        return _phrase(doc, head, span.end), head.text
    following = doc[span.end] if span.end < len(doc) else None
    if following is not None and following.lower_ == "of" and following.i + 1 < len(doc):
        for token in doc[following.i + 1 : following.i + 6]:
            if token.pos_ in {"NOUN", "PROPN"} and token.head.i <= token.i and token.dep_ not in {"compound"}:
                return _phrase(doc, token, following.i + 1), token.text
            if token.pos_ in {"VERB", "AUX", "PUNCT", "ADP"}:
                break
    if following is not None and following.lower_ in {"to", "-", "–", "—", "or"}:
        # "several hundred thousand to up to a million more men": the parser hangs the
        # noun on the second side only; the first counts the same thing
        for token in doc[following.i + 1 : following.i + 6]:
            if token.is_punct or token.pos_ in {"VERB", "AUX"}:
                break
            if token.like_num:
                noun = token.head
                for _ in range(3):
                    if noun.i > token.i and noun.pos_ in {"NOUN", "PROPN"}:
                        return _phrase(doc, noun, token.i + 1), noun.text
                    noun = noun.head
                break
    if following is not None and following.pos_ == "NOUN" and following.tag_ == "NNS":
        # the parser left "1709 schoolchildren" unattached: the next plural noun is counted
        return following.text, following.text
    return None, None


def _phrase(doc: Doc, head, first: int) -> str:
    """The words from ``first`` up to and including ``head``, without leading determiners."""
    words = [t for t in doc[first : head.i + 1]]
    while words and (
        words[0].pos_ in {"DET", "ADP", "PRON", "NUM"} or words[0].like_num or words[0].dep_ == "poss" or words[0].is_punct
    ):
        words = words[1:]
    if not words:
        return head.text
    return doc.text[words[0].idx : words[-1].idx + len(words[-1].text)]


# --- a reading as data and as words (inspect --json, exports, the app) ------------------


def reading_json(reading: Reading | None) -> dict[str, object]:
    """``value`` (a number or a pair: ``[low, high]``, ``[home, away]`` or ``[from, to]``),
    ``unit``, ``change``, ``counted``, ``shape`` (``value``, ``range``, ``score``,
    ``duration``, ``from-to``, ``signed``); all null for a span without a reading."""
    if reading is None:
        return {"value": None, "unit": None, "change": None, "counted": None, "shape": None}
    value = list(reading.value) if isinstance(reading.value, tuple) else reading.value
    return {"value": value, "unit": reading.unit, "change": reading.change, "counted": reading.counted, "shape": reading.shape}


def value_text(value: Value | None) -> str:
    """``300,000``, ``10–15`` (a range), or ``""``."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return f"{value[0]:,}–{value[1]:,}"
    return f"{value:,}"


def describe(surface: str, reading: Reading | None) -> str:
    """One line for a figure: ``300,000 new recruits · value 300000 · unit recruit · change =``."""
    words = " ".join(surface.split())
    if reading is None:
        return f"{words} · no value read"
    if reading.counted and reading.counted.lower() not in words.lower():
        words = f"{words} {reading.counted}"
    value = reading.value
    shown = f"{value[0]}–{value[1]}" if isinstance(value, tuple) else "" if value is None else str(value)
    if reading.shape == "from-to" and isinstance(value, tuple):
        shown = f"{value[0]} → {value[1]}"
    parts = [words, f"value {shown}"]
    if reading.unit:
        parts.append(f"unit {reading.unit}")
    parts.append(f"change {reading.change}")
    if reading.shape not in ("value", "range", "score"):
        parts.append(reading.shape)
    return " · ".join(parts)


# --- the corpus-wide figures table (``claimscope figures``; the app's figures view) ----


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure of a corpus with its reading and the sentence it stands in."""

    article_id: str
    start: int
    end: int
    text: str
    label: str
    reading: Reading | None
    sentence: str


def figure_rows(pairs: Iterable[tuple[Article, Analysis]]) -> list[FigureRow]:
    """Every figure span of the analysed articles, and every duration (a date span read as
    a length of time, ``180 days``), in article and text order."""
    rows: list[FigureRow] = []
    for article, analysis in pairs:
        text = article.text
        sentences = analysis.sentences
        starts = [s.start for s in sentences]
        for span in analysis.spans:
            if span.kind != "figure" and not _stated_duration(span.reading):
                continue
            k = bisect_right(starts, span.start) - 1
            inside = k >= 0 and sentences[k].end >= span.end
            sentence = text[sentences[k].start : sentences[k].end] if inside else text[span.start : span.end]
            rows.append(
                FigureRow(article.id, span.start, span.end, text[span.start : span.end], span.label, span.reading, sentence)
            )
    return rows


def _stated_duration(reading: Reading | None) -> bool:
    """A duration with one value (``180 days``); ``several months`` is too vague to list."""
    return reading is not None and reading.shape == "duration" and not isinstance(reading.value, tuple)


def select_rows(
    rows: Iterable[FigureRow], unit: str | None = None, counted: str | None = None, sort: str | None = None
) -> list[FigureRow]:
    """Rows with exactly ``unit`` and ``counted`` containing the given text (any case),
    sorted by ``value`` (ranges by their low end; no value last), ``unit`` or ``article``."""
    chosen = [
        row
        for row in rows
        if (unit is None or (row.reading is not None and (row.reading.unit or "").lower() == unit.lower()))
        and (counted is None or (row.reading is not None and counted.lower() in (row.reading.counted or "").lower()))
    ]
    if sort == "value":
        chosen.sort(key=lambda row: (_sort_value(row) is None, _sort_value(row) or 0))
    elif sort == "unit":
        chosen.sort(key=lambda row: ((row.reading and row.reading.unit) is None, (row.reading and row.reading.unit) or ""))
    elif sort == "article":
        chosen.sort(key=lambda row: (row.article_id, row.start))
    return chosen


def _sort_value(row: FigureRow) -> float | None:
    if row.reading is None or row.reading.value is None:
        return None
    value = row.reading.value
    return float(value[0] if isinstance(value, tuple) else value)
