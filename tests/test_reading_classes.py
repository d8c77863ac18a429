"""The classes of reading error of issue 18, each with sentences made up for these tests.

Real spaCy pipeline, real analyser; a test names the class it guards.
"""

from __future__ import annotations

import json

import pytest

from corpus.analysis import Analyzer
from corpus.model import Article
from corpus.readings import figure_rows, reading_json


def spans_of(analyzer: Analyzer, text: str):
    article = Article(id="t", path="t", text=text, title="")
    return article, analyzer.analyze(article)


def reading_of(analyzer: Analyzer, text: str, surface: str):
    _, analysis = spans_of(analyzer, text)
    found = {text[s.start : s.end]: s for s in analysis.spans}
    assert surface in found, sorted(found)
    return found[surface].reading


def listed(analyzer: Analyzer, text: str) -> dict[str, dict]:
    """What ``claimscope figures`` lists for ``text``: surface -> its JSON reading."""
    article, analysis = spans_of(analyzer, text)
    return {row.text: reading_json(row.reading) for row in figure_rows([(article, analysis)])}


# --- durations are quantities -------------------------------------------------------

DURATIONS = [
    ("The crew spent 212 days aboard the research ship.", "212 days", 212, "day", "="),
    ("The ferry trip lasted nearly five hours.", "nearly five hours", 5, "hour", "<"),
    ("Funding has been frozen over the past eleven weeks.", "eleven weeks", 11, "week", "="),
    ("She had lived abroad for more than a year.", "more than a year", 1, "year", ">"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit", "change"), DURATIONS, ids=[d[1] for d in DURATIONS])
def test_a_duration_is_read_and_listed_with_figures(analyzer, text, surface, value, unit, change):
    rows = listed(analyzer, text)
    match = [r for t, r in rows.items() if surface in t or t in surface]
    assert match, rows
    assert (match[0]["value"], match[0]["unit"], match[0]["change"], match[0]["shape"]) == (value, unit, change, "duration")


def test_a_sentence_of_two_durations_gives_two(analyzer):
    rows = listed(analyzer, "The judge sentenced him to 2 years and 9 months.")
    assert sorted((r["value"], r["unit"]) for r in rows.values()) == [(2, "year"), (9, "month")]


@pytest.mark.parametrize(
    "text",
    ["The school reopened on 3 September 2024.", "Sales were weak last year.", "The mill closed a year ago.",
     "The plant burns 40,000 tonnes of coal a year."],
)
def test_calendar_dates_and_rates_are_not_listed_as_durations(analyzer, text):
    assert not [r for r in listed(analyzer, text).values() if r["shape"] == "duration"]


def test_a_duration_keeps_its_date_highlight_and_its_reading_in_json(analyzer):
    text = "The strike lasted 16 days."
    _, analysis = spans_of(analyzer, text)
    span = next(s for s in analysis.spans if text[s.start : s.end] == "16 days")
    assert span.kind == "date"
    assert json.loads(json.dumps(reading_json(span.reading)))["shape"] == "duration"
