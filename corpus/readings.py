"""The reading of a figure: its value, normalised unit, change, the thing counted and its shape.

``read_span(text, start, end, label)`` reads ``text[start:end]`` (a figure span of
the figure layer, or a date span that may be a duration such as ``48 hours``) with a
little of the text around it: ``rose 5%`` is a rise, ``40 per cent of staff`` counts
staff. The noun phrase counted is best taken from the parse; :func:`counted_from_doc`
does that while the analyser has the spaCy doc, and passes it in. This module holds
the reading itself (values, ranges, changes, from-to changes) and how a reading is
shown (``reading_json``, ``value_text``, ``describe``); numbers in words and digits are
read in ``corpus/numbers.py``, units and currencies in ``corpus/units.py``, durations
in ``corpus/durations.py``, and the corpus-wide table in ``corpus/figure_table.py``
(``FigureRow``, ``figure_rows``, ``select_rows`` are importable from here as before).

Conventions (the benchmark's gold follows them, ``benchmarks/figure_readings_dev.jsonl``):

* values as written, scaled: ``3.5bn`` is 3_500_000_000, ``4.2m`` 4_200_000; units are
  not converted (``200 metres`` stays 200 ``m``); currencies are ISO 4217 codes
  (``US $12.50`` USD, ``RM45`` MYR, ``Rs 500 crore`` INR), minor units are kept as
  written (``85p`` is 85 ``penny``, ``30 cents`` 30 ``cent``);
* proportions are percentages: ``half`` 50, ``a fifth`` 20, ``one in five`` 20,
  ``two-thirds`` 66.67 (``percent``); ``doubled`` is 2 ``times``, ``halved`` 0.5;
* vague counts are ranges read approximately (``~``): ``dozens`` [24, 144],
  ``hundreds`` [100, 1000], ``tens of thousands`` [10_000, 100_000], ``several
  hundred thousand`` [300_000, 900_000], ``a few hundred`` [200, 500];
* ages are in ``year`` (or ``month``/``week``/``day`` when said), scores are
  ``(home, away)`` with unit ``score``, ordinals have unit ``ordinal``;
* a count's unit is its counted noun in the singular (``recruit``), ``people`` for
  people and persons;
* ``shape`` (``corpus.model.Shape``): ``value``; ``range``; ``score``; ``duration`` (a
  length of time, ``180 days``, unit a time unit); ``from-to`` (``fell from $1,200 to
  $950``: value ``(1200, 950)`` in the order said, change ``down``); ``signed``
  (``-0.9%``: value -0.9, change ``down``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.durations import TIME_UNITS, read_duration
from corpus.figure_table import FigureRow, figure_rows, select_rows  # noqa: F401 (the app and the CLI import them here)
from corpus.model import Change, Reading, Shape, Value
from corpus.numbers import (
    ABBREVIATIONS,
    MULTIPLES,
    NUMBER,
    ORDINALS,
    SCALES,
    SLASHED,
    TENS_WORDS,
    UNIT_WORDS,
    VULGAR,
    clean,
    fraction_percent,
    split_tokens,
    tidy,
    vague_range,
    words_value,
)
from corpus.units import (
    BITS,
    CURRENCY_WORDS,
    ISO_WORD,
    PEOPLE,
    PERCENT,
    SIGN,
    currency,
    singular,
    unit_from_context,
    unit_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


_WORD = re.compile(r"[^\W\d_]+(?:[/°][^\W\d_]+)?|°[CF]|\d+(?:[.,]\d+)*|[$£€¥₹₽₩₺%]|-|–|—", re.I)
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


# Shapes read for every figure, compiled once (the module-level re functions look each
# pattern up in re's cache on every call).
_BITS = re.compile(r"([KkMmGgTt])b")
_CLAUSE_BREAK = re.compile(r"[,;:.!?]")
_BETWEEN_AND = re.compile(r"between\s+(.+?)\s+and\s+(.+)", re.I)
_DASHED_RANGE = re.compile(r"(.*?\d[\d,.]*\s?(?:[^\W\d_]{1,3})?)\s?(?:-|–|—|to)\s?([$£€¥₹₽₩₺]?\s?\d.*)")
_YEARS_OLD = re.compile(r"(?:year|month|week|day)s?[\s-]old", re.I)
_WORDS_RANGE = re.compile(r"([^\W\d_]+)\s(?:to|-|–|—)\s((\w+).*)")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)$")
_SIDES = re.compile(r"\d+")
_YO = re.compile(r"\s(?:yo|y\.o\.)$")
_OF_AGE = re.compile(r"\s(years?|months?|weeks?|days?) of age$")
_AGE_WORDS = re.compile(r"(.+?)[\s-]+(year|month|week|day)s?(?:[\s-]+old)?$")
_PENCE = re.compile(r"\s*\d+(?:\.\d+)?p\s*")
_UP_BEFORE = re.compile(r"\bup\s+$")


def _number_of(core: str, after: str) -> tuple[float | None, str | None]:
    """(value, unit from the words of ``core``) for one figure without range or sign handling."""
    tokens = split_tokens(core)
    unit: str | None = None
    numeric: list[str] = []
    rest: list[str] = []
    for token in tokens:
        lower = token.lower()
        if not rest and (
            lower in UNIT_WORDS or lower in TENS_WORDS or lower in SCALES or lower in {"a", "an", "and", "-"}
            or SLASHED.fullmatch(token) or token in VULGAR or lower in {"half", "quarter", "quarters"}
            or NUMBER.fullmatch(token) or (lower in ABBREVIATIONS and numeric)
        ):
            if lower == "m" and numeric and _METRE_CUES.match(after):
                rest.append(token)
                continue
            numeric.append(token)
        else:
            rest.append(token)
    while numeric and numeric[-1] in {"-", "and", "a", "an"}:
        if numeric[-1] in {"a", "an"}:  # "500 a of land": the acre's symbol, read as a unit
            rest.insert(0, numeric[-1])
        numeric.pop()
    value = words_value(numeric)
    if rest:
        joined = " ".join(rest)
        # SI: a small b is a bit, a capital B a byte ("100 Mb" megabits, "100MB" megabytes)
        bits = _BITS.fullmatch(joined)
        unit = BITS[bits.group(1).upper()] if bits else unit_words(joined.lower())
    return value, unit


def _change(text: str, start: int, end: int, surface: str) -> Change | None:
    """The change a figure's own words or its neighbours say; None when nothing does."""
    before = text[max(0, start - 30) : start]
    after = text[end : end + 20]
    # The three patterns before the figure end in a word ("rose", "by", "cut by") and the
    # whitespace up to the figure, so a match starts inside the last two words: the
    # searches start there (same matches), not at each of 30 characters; with no
    # whitespace at the end, none can match.
    if before[-1:].isspace():
        words = before.rsplit(None, 2)
        near = len(words[0]) if len(words) == 3 else 0
    else:
        near = -1
    if (near >= 0 and _RISE_BEFORE.search(before, near)) or _RISE_AFTER.match(after):
        return "up"
    if (near >= 0 and _FALL_BEFORE.search(before, near)) or _FALL_AFTER.match(after):
        return "down"
    if near >= 0 and _BY.search(before, near):
        # "raise fares by 8%", "cut the grant by 15%": the verb stands a few words before "by"
        clause = _CLAUSE_BREAK.split(text[max(0, start - 60) : start])[-1]
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
    match = _BETWEEN_AND.fullmatch(core)
    if match:
        return match.group(1), match.group(2)
    match = _DASHED_RANGE.fullmatch(core)
    if match and not _YEARS_OLD.search(core):
        return match.group(1), match.group(2)
    match = _WORDS_RANGE.fullmatch(core)
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
    vague = vague_range(lower)
    if vague is not None:
        return (tidy(vague[0]), tidy(vague[1])), None, True
    if lower == "a dozen" or lower == "dozen":
        return 12, None, False
    times = MULTIPLES.get(lower.replace("-", ""))
    if times is not None:
        return tidy(times), "times", False
    if label == "ORDINAL":
        number = _ORDINAL.match(lower)
        if number:
            return int(number.group(1)), "ordinal", False
        return ORDINALS.get(lower), "ordinal", False
    if label == "SCORE":
        sides = _SIDES.findall(core)
        return (int(sides[0]), int(sides[1])) if len(sides) == 2 else None, "score", False
    fraction = fraction_percent(lower)
    if fraction is not None:
        return tidy(round(fraction, 2)), "percent", False
    if label == "MONEY":
        split = _MAJOR_MINOR.fullmatch(lower)
        if split is not None:
            # "3 dollars 50 cents", "thirteen dollars and forty-five cents": major plus minor
            major, minor = words_value(split_tokens(split.group(1))), words_value(split_tokens(split.group(3)))
            code = CURRENCY_WORDS.get(singular(split.group(2)), (split.group(2).upper(), 1))[0]
            if major is not None and minor is not None and minor < 100:
                return tidy(round(major + minor / 100, 2)), code, False
    if label == "AGE":
        lower = _YO.sub(" years old", _OF_AGE.sub(r" \1 old", lower))
        match = _AGE_WORDS.match(lower)
        number, unit = (match.group(1), match.group(2)) if match else (lower, "year")
        value = words_value(split_tokens(number))
        return (tidy(value) if value is not None else None), unit, False
    parts = _range_parts(core)
    if parts is not None:
        low, high = (read_value(part, "CARDINAL", after) for part in parts)
        if isinstance(low[0], (int, float)) and isinstance(high[0], (int, float)):
            unit = high[1] or low[1]
            if unit is None or low[1] is None:
                # "£5 to £10" has its sign on both sides; "10-15%" only after the second
                money = currency(core)
                if money is not None:
                    unit = money[0]
            low_value, high_value = low[0], high[0]
            # "3 to 4 million": a scale said once, after the second side, belongs to both
            bare = NUMBER.search(parts[1])
            scale = high_value / clean(bare.group()) if bare is not None and clean(bare.group()) else 1
            if scale >= 1000 and NUMBER.fullmatch(parts[0].strip().lstrip("$£€")) and low_value * scale <= high_value:
                low_value *= scale
            return (tidy(low_value), tidy(high_value)), unit, False
    money = None if PERCENT.search(core) else currency(core)
    stripped = ISO_WORD.sub(" ", SIGN.sub(" ", core)) if money is not None else core
    value, unit = _number_of(stripped, after)
    if money is not None and value is not None:
        return tidy(value * money[1]), money[0], False
    if money is not None and _PENCE.fullmatch(core):
        return tidy(float(core.strip()[:-1])), "penny", False
    if value is None:
        return None, unit, False
    return tidy(value), unit, False


# The values of figures read so far, by their words, label and whether the words after
# them make an "m" metres (the only thing ``read_value`` reads of ``after``): news repeats
# its figures ("two", "$1 million", "40%"), and a reading is ~10 us of regular expressions.
_VALUES: dict[tuple[str, str, bool], tuple[Value | None, str | None, bool]] = {}


def _read_value_once(surface: str, label: str, after: str) -> tuple[Value | None, str | None, bool]:
    """``read_value(surface, label, after)``, looked up when these words were read before."""
    global _VALUES
    metres = ("m" in surface or "M" in surface) and _METRE_CUES.match(after) is not None
    key = (surface, label, metres)
    found = _VALUES.get(key)
    if found is None:
        found = read_value(surface, label, after)
        if len(_VALUES) >= 50_000:  # a bound over a very large corpus; a new table, not a
            _VALUES = {}  # cleared one, so a thread reading the old one still finds its entries
        _VALUES[key] = found
    return found


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
        return read_duration(surface, text[end : end + 16], text[max(0, start - 12) : start])
    from_to = _FROM_TO.fullmatch(surface)
    if from_to is not None:
        return _read_from_to(text, start, from_to, label)
    signed = _SIGNED.match(surface)
    unsigned = surface if signed is None else surface[: signed.start(1)] + surface[signed.end(1) :]
    value, unit, vague = _read_value_once(unsigned, label, after)
    if value is None:
        return None
    change = _change(text, start, end, surface)
    if change == "up" and label not in {"PERCENT", "MONEY"} and _UP_BEFORE.search(text[max(0, start - 6) : start]):
        change = None  # "set up four screens": a particle, not a rise
    if unit == "times" and isinstance(value, (int, float)):
        change = "up" if value > 1 else "down"  # "doubled", "halved"
    if change is None:
        change = "~" if vague else "="
    unit = unit_from_context(text, start, end, surface, unit, value)
    if unit == "m" and isinstance(value, (int, float)) and value >= 1_000_000:
        value = tidy(value / 1_000_000)  # read as million above
    if unit is None and head is not None and head.lower() not in {"time", "times"}:
        # "7 times" counts occurrences, nothing named
        unit = "people" if head.lower() in PEOPLE else singular(head)
    if label not in {"CARDINAL", "COUNT", "RANGE", "PERCENT"}:
        counted = None  # money, measures, ages, scores and ranks count nothing
    shape: Shape = "score" if label == "SCORE" else "range" if isinstance(value, tuple) else "value"
    if signed is not None and isinstance(value, (int, float)):
        # "+0.4%", "-0.9%", "$-12.3bn": the value keeps its sign, the change says which way
        value = tidy(-abs(value)) if signed.group(1) in "-−" else value
        change, shape = ("down" if value < 0 else "up"), "signed"
    if unit in TIME_UNITS and label not in {"AGE", "ORDINAL"} and shape != "score":
        shape = "duration"  # "a 30-year bond", "11-year lull": a stretch of time
    return Reading(value=value, unit=unit, change=change, counted=counted, shape=shape)


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
    # the span's own text: ``doc.text`` would rebuild the whole chunk's text per figure
    return doc[words[0].i : words[-1].i + 1].text


# --- a reading as data and as words (inspect --json, exports, the app) ------------------


def reading_json(reading: Reading | None) -> dict[str, object]:
    """``value`` (a number or a pair: ``[low, high]``, ``[home, away]`` or ``[from, to]``),
    ``unit``, ``change``, ``counted``, ``shape`` (``value``, ``range``, ``score``,
    ``duration``, ``from-to``, ``signed``); all null for a span without a reading."""
    if reading is None:
        return {"value": None, "unit": None, "change": None, "counted": None, "shape": None}
    value = list(reading.value) if isinstance(reading.value, tuple) else reading.value
    return {"value": value, "unit": reading.unit, "change": reading.change, "counted": reading.counted, "shape": reading.shape}


def value_text(value: Value | None, shape: str | None = None) -> str:
    """``300,000``, ``10–15`` (a range), ``1,200 → 950`` (a from-to change), or ``""``."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return f"{value[0]:,} → {value[1]:,}" if shape == "from-to" else f"{value[0]:,}–{value[1]:,}"
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
