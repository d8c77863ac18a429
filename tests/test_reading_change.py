"""The change a figure's neighbours say: the word just before it (and "by"), whatever the spacing."""

from __future__ import annotations

import pytest

from corpus.readings import read_span

CASES = [
    ("Sales rose by 5% in May", "up"),
    ("Sales rose  5%", "up"),
    ("Sales ROSE BY\n 5%", "up"),
    ("a mark-up 5%", "up"),  # a word glued after a hyphen still ends the words before
    ("prices were cut by\u00a0 5%", "down"),
    ("the index fell\t5%", "down"),
    ("pay was raised last year by 5%", "up"),  # "by" with its verb a few words back
    ("it rose and then 5%", "="),  # the verb is not the last word before the figure
    ("they fell,5%", "="),  # no space before the figure: no word before it either
    ("5%", "="),
    ("rose 5%", "up"),
]


@pytest.mark.parametrize(("text", "change"), CASES)
def test_change_from_the_words_before(text, change):
    at = text.index("5%")
    assert read_span(text, at, at + 2, "PERCENT").change == change
