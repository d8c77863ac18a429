"""Numbers as news writes them: digits, number words, scales and fractions, read to a value.

``words_value(["one", "hundred", "and", "six"])`` is 106; ``3.5bn``, ``a million``,
``10 1/2``, ``half a million`` and Indian digit groups (``12,34,567``) read too.
``vague_range`` gives the range a vague count stands for (``dozens`` 24-144),
``fraction_percent`` a proportion said in words as a percentage (``a fifth`` 20).
The number words are a closed set, so they are read here rather than by a library.
"""

from __future__ import annotations

import re

UNIT_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}

TENS_WORDS = {w: 10 * n for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if n > 1}

SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12,
           "lakh": 100_000, "lakhs": 100_000, "crore": 10_000_000, "crores": 10_000_000}

ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "tn": 10**12, "trn": 10**12}

ORDINALS = {
    w: n
    for n, w in enumerate(
        "_ first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
    if n
}

#: Denominators of fractions said in words ("a fifth", "two-thirds").
PARTS = {"half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
          "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}

MULTIPLES = {"doubled": 2, "doubling": 2, "tripled": 3, "trebled": 3, "quadrupled": 4, "halved": 0.5,
              "twofold": 2, "threefold": 3, "fourfold": 4, "tenfold": 10}

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?")

ONE_IN = re.compile(r"\b(\w+)\s+in\s+(\w+)\b", re.I)

def clean(number: str) -> float:
    return float(number.replace(",", ""))

def tidy(value: float) -> int | float:
    """An integral float as an int, others rounded to 6 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return int(value)
    return float(f"{value:.6g}")

SLASHED = re.compile(r"\d{1,2}/\d{1,2}")

VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}

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
        elif word in UNIT_WORDS:
            current += UNIT_WORDS[word]
            seen = True
        elif word in TENS_WORDS:
            current += TENS_WORDS[word]
            seen = True
        elif NUMBER.fullmatch(word):
            current += clean(word)
            seen = True
        elif SLASHED.fullmatch(word):
            top, bottom = word.split("/")
            if not int(bottom):
                return None
            current += int(top) / int(bottom)  # "10 1/2": the whole number and the fraction add up
            seen = True
        elif word in VULGAR:
            current += VULGAR[word]
            seen = True
        elif word in {"half", "quarter", "quarters"}:
            # "half million", "a quarter million", "three quarters billion"
            current = (current or 1) * (0.5 if word == "half" else 0.25)
            seen = True
        elif word in SCALES and seen:
            scale = SCALES[word]
            if scale == 100:
                current *= 100
            else:
                total += (current or 1) * scale
                current = 0.0
        elif word in ABBREVIATIONS and seen:
            total += (current or 1) * ABBREVIATIONS[word]
            current = 0.0
        else:
            return None
    return total + current if seen else None

# split_tokens' words and vague_range's shapes, compiled once (they run for every figure).
_TOKEN = re.compile(r"\d{1,2}/\d{1,2}(?![/\d])|\d[\d,.]*\d|\d|[½¼¾⅓⅔⅛]|[^\W\d_]+(?:/[^\W\d_]+|\d(?!\w))?|[$£€¥₹₽₩₺%°]|[-–—]")
_TENS_OF = re.compile(r"(tens|hundreds) of (thousands|millions|billions)")
_SEVERAL = re.compile(r"(several|a few|many|a couple of) ((?:hundred|thousand|million|billion)s?(?: (?:thousand|million))?)")

def split_tokens(text: str) -> list[str]:
    """Words, numbers and signs; glued scale letters split off (``3.5bn`` -> ``3.5``, ``bn``)."""
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        out.append(match.group().rstrip("."))
    return out

def vague_range(lower: str) -> tuple[float, float] | None:
    """The range a vague count stands for (see the module docstring), or None."""
    match = _TENS_OF.fullmatch(lower)
    if match:
        low = (10 if match.group(1) == "tens" else 100) * SCALES[match.group(2)[:-1]]
        return low, low * 10
    match = _SEVERAL.fullmatch(lower)
    if match:
        scale = 1.0
        for word in match.group(2).split():
            scale *= SCALES[word.rstrip("s")]
        low, high = {"several": (3, 9), "a few": (2, 5), "many": (2, 9), "a couple of": (2, 2)}[match.group(1)]
        return low * scale, high * scale
    if lower in {"dozens"}:
        return 24, 144
    if lower in {"hundreds", "thousands", "millions", "billions"}:
        scale = SCALES[lower[:-1]]
        return scale, scale * 10
    return None

def fraction_percent(lower: str) -> float | None:
    """A proportion said in words, as a percentage (``a fifth`` 20, ``two-thirds`` 66.67)."""
    lower = lower.replace("-", " ")
    match = ONE_IN.fullmatch(lower)
    if match:
        top, bottom = words_value([match.group(1)]), words_value([match.group(2)])
        if top is not None and bottom:
            return 100 * top / bottom
        return None
    parts = lower.split()
    if not parts:
        return None
    part = parts[-1]
    if part not in PARTS and part.rstrip("s") not in PARTS:
        return None
    bottom = PARTS.get(part) or PARTS[part.rstrip("s")]
    top = words_value(parts[:-1]) if parts[:-1] else 1.0
    if top is None:
        return None
    return 100 * top / bottom
