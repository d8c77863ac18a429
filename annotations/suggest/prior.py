"""The prior: a check-worthiness score and a claim type with no labels at all.

Weights are set by hand from the label guidelines of the built-in scheme (a figure,
a named source, a comparison, a rule, a forecast make a sentence checkable; an
opinion, a question, a greeting do not). Nothing here is fitted to outside data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from annotations.scheme import Scheme

#: Cue -> weight in the prior's log-odds of "this sentence is a claim".
PRIOR_WEIGHTS: Mapping[str, float] = {
    "figure": 1.6,
    "money_percent": 0.8,
    "date": 0.6,
    "entity": 0.9,
    "named_source": 0.6,
    "reporting": 0.7,
    "comparative": 0.7,
    "prediction": 0.2,
    "causal": 0.3,
    "legal": 0.8,
    "first_person": -0.4,
    "experience": 0.6,
    "opinion": -1.4,
    "question": -1.8,
    "past_tense": 0.5,
    "short": -1.2,
    "long": 0.8,
}
PRIOR_BIAS = -1.0

#: Which cue points to which claim type of the built-in scheme, strongest first.
TYPE_CUES: tuple[tuple[str, str], ...] = (
    ("prediction", "prediction"),
    ("figure", "quantity"),
    ("causal", "cause"),
    ("legal", "rule"),
    ("comparative", "quantity"),
    ("experience", "experience"),
)


def prior_logit(values: Mapping[str, float]) -> float:
    """The prior's log-odds that a sentence with these cues is a claim."""
    return PRIOR_BIAS + sum(PRIOR_WEIGHTS[name] * value for name, value in values.items())


def prior_type(values: Mapping[str, float], scheme: Scheme) -> str:
    """The claim type the cues point to, among the scheme's claim labels.

    A figure with a forecast word is a prediction of an amount: the first cue of
    `TYPE_CUES` that is present and names a label of the scheme wins; otherwise the
    scheme's default claim (``c``'s label).
    """
    for cue, name in TYPE_CUES:
        if values.get(cue, 0.0) >= 0.5 and scheme.is_claim(name):
            return name
    return scheme.default_claim


def not_claim_label(scheme: Scheme) -> str | None:
    """The scheme's not-a-claim label (the first label that is not a claim), if it has one."""
    return next((label.name for label in scheme if not label.claim), None)
