"""What a suggestion looks at in a sentence: rule cues and word terms.

A sentence comes in as its text plus the analysis spans inside it (offsets relative
to the sentence), so the same features serve the reader, ``claimscope suggest``, the
trained spaCy component (which sees only text) and the benchmark.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from corpus.model import Analysis, Article, DATE_LABELS, FIGURE_LABELS

#: Entities that name who says or did something (a named source, an actor).
_SOURCE_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE", "LAW", "FAC", "EVENT"})

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*|[%$€£?!]")


def _words(*words: str) -> frozenset[str]:
    return frozenset(w for line in words for w in line.split())


# The cue vocabularies: the project's rules for each claim type (see the label guidelines).
REPORTING = _words(
    "said says say told announced reported report reports according estimated estimates estimate",
    "found finds shows showed show data figures statistics survey study studies census published",
    "confirmed revealed recorded counted measured official officials",
)
COMPARATIVE = _words(
    "more less fewer higher lower larger smaller bigger most least biggest largest highest lowest",
    "increase increased increases decrease decreased decreases rose risen rise fell fallen drop dropped",
    "doubled tripled halved grew grown cut cuts record than percent per average half twice times",
)
PREDICTION = _words(
    "will won't 'll expected expects expect forecast forecasts projected projection likely",
    "could might may future predicted predicts predict upcoming next soon",
)
CAUSAL = _words(
    "because caused causes cause led leads result resulted results therefore thanks linked",
    "responsible due consequence effect effects since so drove driven blamed",
)
LEGAL = _words(
    "law laws legal illegal unlawful court courts ruling ruled regulation regulations rule rules",
    "act bill legislation required requires require entitled eligible allowed allows permit permitted",
    "ban banned bans prohibited constitution treaty tax taxes statute mandatory licence license",
    "vetoed voted vote signed passed",
)
FIRST_PERSON = _words("i me my mine we our us i'm i've i'd we've we're")
OPINION = _words(
    "think believe feel hope want wish should shouldn't need needs love hate great wonderful terrible",
    "good bad best worst honestly frankly clearly obviously let let's thank thanks applause laughter",
    "please maybe perhaps important agree disagree opinion proud sorry",
)
_FUTURE_PHRASES = re.compile(r"\b(going to|is set to|are set to|by 20\d\d|next (?:year|month|week|decade))\b", re.I)
_CAUSAL_PHRASES = re.compile(r"\b(due to|led to|leads to|as a result|result of|because of|so that|linked to)\b", re.I)
_EXPERIENCE = re.compile(r"\b(i|we) (was|were|had|saw|met|went|came|lost|grew|worked|lived|told|heard|took|got)\b", re.I)

#: The cue names, in a fixed order (the model's dense columns).
CUES: tuple[str, ...] = (
    "figure",
    "money_percent",
    "date",
    "entity",
    "named_source",
    "reporting",
    "comparative",
    "prediction",
    "causal",
    "legal",
    "first_person",
    "experience",
    "opinion",
    "question",
    "past_tense",
    "short",
    "long",
)


@dataclass(frozen=True, slots=True)
class SentenceInput:
    """One sentence to score: its text and the analysis spans inside it.

    ``spans`` are ``(start, end, label)`` relative to ``text``; empty when no analysis
    is at hand (the spaCy component, a sentence with no cached analysis).
    """

    text: str
    spans: tuple[tuple[int, int, str], ...] = ()


def words(text: str) -> list[str]:
    """Lower-case words, numbers and the signs that matter (``%``, ``$``, ``?``)."""
    return _WORD.findall(text.lower())


def cues(sentence: SentenceInput) -> dict[str, float]:
    """The rule cues of a sentence, each 0..1 (a count where more means more, capped)."""
    tokens = words(sentence.text)
    token_set = set(tokens)
    labels = [label for _, _, label in sentence.spans]
    figures = sum(1 for label in labels if label in FIGURE_LABELS and label != "ORDINAL")
    # A number the model missed still counts (debate transcripts, no analysis at hand).
    if not figures and any(token[0].isdigit() for token in tokens):
        figures = 1
    money = any(label in ("MONEY", "PERCENT") for label in labels) or bool(token_set & {"%", "$", "€", "£", "percent"})
    sources = sum(1 for label in labels if label in _SOURCE_ENTITIES)
    reporting = len(token_set & REPORTING)
    past = sum(1 for token in tokens if len(token) > 4 and token.endswith("ed"))
    return {
        "figure": min(figures, 2) / 2,
        "money_percent": float(money),
        "date": float(any(label in DATE_LABELS for label in labels)),
        "entity": min(sources, 3) / 3,
        "named_source": float(bool(sources and reporting)),
        "reporting": min(reporting, 2) / 2,
        "comparative": min(len(token_set & COMPARATIVE), 2) / 2,
        "prediction": float(bool(token_set & PREDICTION or _FUTURE_PHRASES.search(sentence.text))),
        "causal": float(bool(token_set & CAUSAL or _CAUSAL_PHRASES.search(sentence.text))),
        "legal": min(len(token_set & LEGAL), 2) / 2,
        "first_person": float(bool(token_set & FIRST_PERSON)),
        "experience": float(bool(_EXPERIENCE.search(sentence.text))),
        "opinion": min(len(token_set & OPINION), 2) / 2,
        "question": float(sentence.text.rstrip().endswith("?")),
        "past_tense": min(past, 2) / 2,
        "short": float(len(tokens) < 7),
        "long": min(len(tokens), 40) / 40,
    }


def terms(text: str) -> list[str]:
    """The word terms a trained model weighs: words (numbers as their shape) and word pairs."""
    tokens = ["<num>" if token[0].isdigit() else token for token in words(text)]
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def sentence_inputs(article: Article, analysis: Analysis) -> list[SentenceInput]:
    """Every sentence of an analysed article with its spans (one pass over the sorted spans)."""
    spans = sorted((span.start, span.end, span.label) for span in analysis.spans)
    result: list[SentenceInput] = []
    first = 0
    for sentence in analysis.sentences:
        while first < len(spans) and spans[first][0] < sentence.start:
            first += 1
        inside: list[tuple[int, int, str]] = []
        for start, end, label in spans[first:]:
            if start >= sentence.end:
                break
            if end <= sentence.end:
                inside.append((start - sentence.start, end - sentence.start, label))
        result.append(SentenceInput(article.text[sentence.start : sentence.end], tuple(inside)))
    return result


def sigmoid(x: float) -> float:
    """The logistic function."""
    return 1 / (1 + math.exp(-max(min(x, 40.0), -40.0)))


def spans_in(sentence_start: int, sentence_end: int, spans: Sequence[tuple[int, int, str]]) -> tuple[tuple[int, int, str], ...]:
    """Article spans ``(start, end, label)`` inside one sentence, made relative to it."""
    return tuple(
        (start - sentence_start, end - sentence_start, label)
        for start, end, label in spans
        if start >= sentence_start and end <= sentence_end
    )
