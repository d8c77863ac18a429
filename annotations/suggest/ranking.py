"""Suggestions over whole articles: the expected number of claims, and the sentence to label next."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, astuple, dataclass, fields
from typing import IO, Callable, Collection, Iterable, Sequence

from corpus.model import Analysis, Article

from annotations.suggest.features import sentence_inputs
from annotations.suggest.model import ScoredSentences, Suggester, Suggestion


def article_suggestions(suggester: Suggester, article: Article, analysis: Analysis) -> ScoredSentences:
    """One suggestion per sentence of an analysed article, in reading order."""
    return suggester.suggest_many(sentence_inputs(article, analysis))


def _scores(suggestions: Sequence[Suggestion]) -> Sequence[float]:
    """The claim probabilities alone (read straight from a `ScoredSentences`, no objects made)."""
    return suggestions.scores if isinstance(suggestions, ScoredSentences) else [s.score for s in suggestions]


def expected_claims(suggestions: Sequence[Suggestion]) -> float:
    """The expected number of claims: the sum of the claim probabilities."""
    return float(sum(_scores(suggestions)))


def uncertainty(suggestion: Suggestion) -> float:
    """How far a score is from the claim/not-claim boundary (0: a toss-up)."""
    return _from_boundary(suggestion.score)


def _from_boundary(score: float) -> float:
    return abs(score - 0.5)


def most_useful(suggestions: Sequence[Suggestion], reviewed: Collection[int]) -> int | None:
    """The unreviewed sentence whose score is closest to the boundary (earliest on a tie)."""
    scores = _scores(suggestions)
    open_ = [i for i in range(len(scores)) if i not in reviewed]
    return min(open_, key=lambda i: (_from_boundary(scores[i]), i)) if open_ else None


@dataclass(frozen=True, slots=True)
class RankedSentence:
    """One row of ``claimscope suggest``: a sentence with its score and suggested label."""

    article_id: str
    title: str
    sentence_index: int
    start: int
    end: int
    text: str
    score: float
    suggested: str | None
    by: str  # "model" or "prior"
    label: str | None  # the stored label, if the sentence is reviewed


def rank_sentences(
    suggester: Suggester,
    items: Iterable[tuple[Article, Analysis]],
    labels_of: Callable[[Article, Analysis], dict[int, str | None]] | None = None,
) -> list[RankedSentence]:
    """Every sentence of ``items`` scored, highest score first (ties in reading order)."""
    rows: list[RankedSentence] = []
    for article, analysis in items:
        labels = labels_of(article, analysis) if labels_of is not None else {}
        for index, (sentence, suggestion) in enumerate(
            zip(analysis.sentences, article_suggestions(suggester, article, analysis))
        ):
            rows.append(
                RankedSentence(
                    article.id, article.title, index, sentence.start, sentence.end,
                    article.text[sentence.start : sentence.end], round(suggestion.score, 4),
                    suggestion.label, suggestion.source, labels.get(index),
                )
            )
    rows.sort(key=lambda row: -row.score)  # stable: reading order within a score
    return rows


#: The file formats ``write_ranking`` knows, by file suffix.
RANKING_SUFFIXES = (".jsonl", ".csv")


def write_ranking(rows: Sequence[RankedSentence], out: IO[str], fmt: str) -> None:
    """Write the rows as JSON lines (``.jsonl``) or CSV (``.csv``, cells guarded against formula injection)."""
    if fmt == ".csv":
        from annotations.formats.table import guard

        writer = csv.writer(out)
        names = [f.name for f in fields(RankedSentence)]
        writer.writerow(names)
        for row in rows:
            writer.writerow([guard(v) if isinstance(v, str) else ("" if v is None else v) for v in astuple(row)])
        return
    for row in rows:
        out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
