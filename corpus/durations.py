"""Durations: a date or time span that is a length of time, read as value and time unit.

``read_duration("more than a year")`` is 1 ``year`` with change ``>``; calendar dates
(``last year``, ``May 2019``), points in time (``a year ago``) and rates (``3 tonnes a
year``) have no reading. See ``corpus/readings.py`` for the reading conventions.
"""

from __future__ import annotations

import re

from corpus.model import Change, Reading
from corpus.numbers import clean, split_tokens, tidy, words_value
from corpus.units import DURATIONS, singular

_DURATION = re.compile(
    r"(?:^|\b)(?:(?P<approx>about|around|almost|nearly|more than|over|at least|up to|less than|some|roughly)\s+)?"
    r"(?P<number>\d+(?:\.\d+)?|several|a few|few|a couple of|(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)[\s-]?)+)[\s-]*(?P<unit>second|minute|hour|day|week|month|year|decade|centur(?:y|ies))s?\b",
    re.I,
)

def read_duration(surface: str, after: str = "", before: str = "") -> Reading | None:
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
        low, high = clean(span_of.group(1)), clean(span_of.group(2))
        unit = DURATIONS.get(singular(match.group("unit")), "century")
        return Reading(value=(tidy(low), tidy(high)), unit=unit, change="=", shape="duration")
    if number in {"a", "an"} and (
        _POINT_IN_TIME.search(surface[match.end() :] + " " + after)
        or not (match.group("approx") or _LENGTH_BEFORE.search(before + " " + surface[: match.start()]))
    ):
        return None  # "a year ago": a point in time; "3 tonnes a year": a rate
    vague = _VAGUE_DURATIONS.get(number)
    value = vague or words_value(split_tokens(number))
    if value is None:
        return None
    unit = DURATIONS[singular(match.group("unit"))] if singular(match.group("unit")) in DURATIONS else "century"
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

TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"})

#: "several months", "the next few weeks": the vague counts of the module docstring.
_VAGUE_DURATIONS = {"several": (3, 9), "a few": (2, 5), "few": (2, 5), "a couple of": (2, 2)}
