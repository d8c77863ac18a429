"""A few labelled sentences (fictional, written for the tests) and the model fitted on them."""

from __future__ import annotations

from annotations.scheme import default_scheme
from annotations.suggest.features import SentenceInput
from annotations.suggest.model import ClaimModel, Example, fit

LABELLED = [
    ("Exports rose 12% last year, the ministry said.", "quantity"),
    ("The court ruled the ban illegal.", "rule"),
    ("We are so proud of our team.", "none"),
    ("Good evening and welcome.", "none"),
    ("Inflation hit 9% in May.", "quantity"),
    ("The law requires a licence for drones.", "rule"),
    ("Let me be clear about that.", "none"),
]


def small_model() -> ClaimModel:
    """The model fitted on `LABELLED` with the default scheme."""
    model = fit([Example(SentenceInput(text), label) for text, label in LABELLED], default_scheme())
    assert model is not None
    return model
