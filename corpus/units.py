"""Units and currencies: the words and signs after (or before) a number, normalised.

``unit_words("square feet")`` is ``square foot``, ``currency("HK $2bn")`` is
``("HKD", 1.0)``; currencies are ISO 4217 codes, minor units are kept as written
(``cent``, ``penny``). ``unit_from_context`` settles a unit the words around a figure
decide (``a fever of 102 degrees`` is °F, ``he weighs 180`` is lb).
"""

from __future__ import annotations

import re

from corpus.model import Value
from corpus.numbers import split_tokens
from corpus.unit_context import symbol_of, unit_for

SIGNS = {
    "us$": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD",
    "s$": "SGD", "nt$": "TWD", "r$": "BRL", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "₽": "RUB", "₩": "KRW", "₺": "TRY", "$us": "USD", "$a": "AUD", "$au": "AUD", "$nz": "NZD", "$hk": "HKD",
    "$c": "CAD", "rm": "MYR", "rs": "INR", "rs.": "INR", "y=": "JPY", "usd$": "USD", "aud$": "AUD",
    "cad$": "CAD", "nzd$": "NZD", "hkd$": "HKD", "sgd$": "SGD", "mex$": "MXN", "r": "ZAR",
}

#: ISO 4217 codes read as written (RMB is the yuan's other name).
ISO_CODES = frozenset(
    "USD EUR GBP JPY CNY AUD CAD NZD HKD INR CHF SGD MYR DKK SEK NOK ZAR KRW BRL MXN TRY RUB PLN CZK HUF "
    "THB IDR PHP TWD AED SAR NGN KES EGP PKR BDT ILS ARS CLP COP PEN VND UAH AMD HRK".split()
)

#: Currency words: (code, factor) so cents and pence come out in whole units.
CURRENCY_WORDS = {
    "dollar": ("USD", 1), "pound": ("GBP", 1), "euro": ("EUR", 1), "yen": ("JPY", 1), "yuan": ("CNY", 1),
    "renminbi": ("CNY", 1), "rouble": ("RUB", 1), "ruble": ("RUB", 1), "rupee": ("INR", 1),
    "franc": ("CHF", 1), "peso": ("MXN", 1), "cent": ("cent", 1), "pence": ("penny", 1),
    "p": ("penny", 1), "penny": ("penny", 1), "ringgit": ("MYR", 1), "won": ("KRW", 1), "real": ("BRL", 1), "hryvnia": ("UAH", 1), "lira": ("TRY", 1), "kronor": ("SEK", 1),
    "krona": ("SEK", 1), "rand": ("ZAR", 1), "kuna": ("HRK", 1), "shilling": ("KES", 1), "koruna": ("CZK", 1),
}

MEASURES = {
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
    "bit": "bit", "byte": "byte", "pixel": "pixel", "megapixel": "megapixel", "ppi": "pixel per inch",
    "dpi": "dot per inch", "kiloton": "kiloton", "kilotonne": "kiloton", "megaton": "megaton", "parsec": "parsec",
    "roentgen": "roentgen", "farad": "farad", "microfarad": "microfarad", "nanofarad": "nanofarad",
    "picofarad": "picofarad", "µf": "microfarad", "μf": "microfarad", "nf": "nanofarad", "pf": "picofarad",
    "coulomb": "coulomb", "diopter": "diopter", "dioptre": "diopter", "pint": "pint", "dram": "dram",
    "poise": "poise", "centipoise": "centipoise", "b/s": "bit per second", "kb/s": "kilobit per second",
    "mb/s": "megabit per second", "gb/s": "gigabit per second", "kn": "knot", "kt": "kiloton", "dpt": "diopter",
    "db": "decibel", "dba": "decibel", "decibel": "decibel", "dbm": "decibel-milliwatt", "dbw": "decibel-watt",
    "dbv": "decibel-volt",
}

#: Units of area said with "square"/"sq": by name, as a reader says them.
SQUARE = {"m": "square metre", "km": "square kilometre", "ft": "square foot", "mile": "square mile",
           "cm": "square centimetre", "mm": "square millimetre", "inch": "square inch"}

DURATIONS = {"second": "second", "minute": "minute", "hour": "hour", "day": "day", "week": "week",
              "month": "month", "year": "year", "decade": "decade", "century": "century", "centurie": "century",
              "min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour", "sec": "second", "secs": "second"}

PEOPLE = {"people", "person", "persons", "individuals", "individual"}

SIGN = re.compile(
    r"(?:(?i:usd|aud|cad|nzd|hkd|sgd|mex)(?=\$)|(?i:us|au|nz|hk|nt)\s?|[ACSR]\s?|[acsr](?=[$]))?[$£€¥₹₽₩₺](?:US|AU|A|NZ|HK|C)?(?![a-z])"
    r"|\bRM(?=\s?\d)|\bRs\.?(?=\s?\d)|\bY=|^R(?=\d)"
)

ISO_WORD = re.compile(r"(?<![A-Za-z])(M?)(" + "|".join(sorted(ISO_CODES | {"RMB"})) + r")(?![A-Za-z])", re.I)

PERCENT = re.compile(r"%|\bper\s?cent\b|\bpercent\b|\bpc\b", re.I)

POINTS = re.compile(r"\bpercentage\s+points?\b", re.I)

BITS = {"K": "kilobit", "M": "megabit", "G": "gigabit", "T": "terabit"}

# Shapes of unit_words, currency and unit_from_context, compiled once (they run for
# every figure; the module-level re functions look a pattern up on every call).
_SQUARE = re.compile(r"(?:square|sq)\.?\s*(.*)")
_F_END = re.compile(r"\b(?:fahrenheit|f)$")
_F_START = re.compile(r"(?:deg|fahrenheit|f$)")
_C_END = re.compile(r"\b(?:celsius|celcius|centigrade|c)$")
_C_START = re.compile(r"(?:deg|cel|cent|c$)")
_DEGREES = re.compile(r"deg(?:rees?|\.)?")
_SPACE = re.compile(r"\s")
_WHOLE_PENCE = re.compile(r"\d+p")
_PENCE = re.compile(r"\d+(?:\.\d+)?p", re.I)
_POUNDS = re.compile(r"\bpounds?\b", re.I)
_STERLING = re.compile(r"[£]|illion|bn\b")

_IRREGULAR = {"children": "child", "men": "man", "women": "woman", "feet": "ft", "teeth": "tooth",
              "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife", "staff": "staff",
              "series": "series", "species": "species", "news": "news"}


def singular(word: str) -> str:
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("children", "men")) and word not in {"specimen", "specimens"}:
        return word[:-3] + ("" if word.endswith("children") else "an")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word

def unit_words(words: str) -> str | None:
    """The normalised unit of the words after a number (``per cent``, ``square km``, ``tonnes``)."""
    words = words.strip(" -")
    if not words:
        return None
    if POINTS.search(words):
        return "percentage point"
    if PERCENT.search(words):
        return "percent"
    square = _SQUARE.match(words)
    if square:
        inner = "m" if square.group(1).strip() == "m" else unit_words(square.group(1))
        return SQUARE.get(inner or "", f"square {inner}" if inner else None)
    if words in MEASURES:
        return MEASURES[words]
    one = singular(words.split()[-1]) if words.split() else words
    whole = " ".join([*words.split()[:-1], one])
    if whole in MEASURES:
        return MEASURES[whole]
    if words.startswith("°"):
        words = ("degrees " + words[1:].strip()).strip()  # "100° Celsius", "45°"
    if _F_END.search(words) and _F_START.match(words):
        return "°F"
    if _C_END.search(words) and _C_START.match(words):
        return "°C"
    if _DEGREES.fullmatch(words):
        return "degree"
    for table in (MEASURES, DURATIONS):
        if one in table:
            return table[one]
    if one in CURRENCY_WORDS:
        return CURRENCY_WORDS[one][0]
    return None

def currency(core: str) -> tuple[str, float] | None:
    sign = SIGN.search(core)
    if sign is not None:
        return SIGNS.get(_SPACE.sub("", sign.group().lower()), "USD"), 1.0
    code = ISO_WORD.search(core)
    if code is not None and (code.group(2).isupper() or code.group(2).lower() in {"usd", "eur", "gbp", "rmb"}):
        name = code.group(2).upper()
        return ("CNY" if name == "RMB" else name), (1_000_000.0 if code.group(1) else 1.0)
    for word in reversed(split_tokens(core)):
        lower = singular(word)
        if lower in CURRENCY_WORDS:
            return CURRENCY_WORDS[lower]
        if _WHOLE_PENCE.fullmatch(core.strip()):
            return CURRENCY_WORDS["p"]
    if _PENCE.fullmatch(core.strip()):
        return CURRENCY_WORDS["p"]
    return None

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

def unit_from_context(text: str, start: int, end: int, surface: str, unit: str | None, value: Value) -> str | None:
    """A unit the words around a figure settle: ``a fever of 102 degrees`` is Fahrenheit,
    ``he weighs 180`` and ``lost 20 pounds`` are pounds of weight, not sterling."""
    symbol = symbol_of(surface)
    if symbol is not None:
        # "20 kn", "0.5 R", "10 b", "5 drams": a symbol several units share, settled by its field's words
        chosen = unit_for(text, start, end, symbol)
        if chosen is not None:
            return chosen
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
    if unit == "GBP" and _POUNDS.search(surface) and not _STERLING.search(surface):
        before = text[max(0, start - 60) : start]
        if _WEIGHT_CUES.search(window) and not _MONEY_CUES.search(before + " " + text[end : end + 30]):
            return "lb"
        return unit
    if unit is None and _WEIGHS_BEFORE.search(text, max(0, start - 24), start):
        return "lb"
    return unit
