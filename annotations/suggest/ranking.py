"""Suggestions over whole articles: the expected number of claims, and the sentence to label next."""

from __future__ import annotations

from typing import Collection, Sequence

from corpus.model import Analysis, Article

from annotations.suggest.features import sentence_inputs
from annotations.suggest.model import Suggester, Suggestion


def article_suggestions(suggester: Suggester, article: Article, analysis: Analysis) -> list[Suggestion]:
    """One suggestion per sentence of an analysed article, in reading order."""
    return suggester.suggest_many(sentence_inputs(article, analysis))


def expected_claims(suggestions: Sequence[Suggestion]) -> float:
    """The expected number of claims: the sum of the claim probabilities."""
    return sum(s.score for s in suggestions)


def uncertainty(suggestion: Suggestion) -> float:
    """How far a score is from the claim/not-claim boundary (0: a toss-up)."""
    return abs(suggestion.score - 0.5)


def most_useful(suggestions: Sequence[Suggestion], reviewed: Collection[int]) -> int | None:
    """The unreviewed sentence whose score is closest to the boundary (earliest on a tie)."""
    open_ = [i for i in range(len(suggestions)) if i not in reviewed]
    return min(open_, key=lambda i: (uncertainty(suggestions[i]), i)) if open_ else None
