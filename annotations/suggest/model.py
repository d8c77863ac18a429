"""The model learnt from the store's labels, its persistence, and the suggestions it makes.

Training uses scikit-learn's logistic regression over TF-IDF word terms, the rule
cues and the prior's log-odds (`fit`). scikit-learn rather than spaCy's ``textcat``:
a linear model fits 2,000 labels in well under a second on one core, is well
regularised with a few dozen labels, and gives calibrated probabilities, which the
expected-claims column and "most useful next" (closest to 0.5) rely on. The prior
enters as one strongly scaled column, so the model starts from the rules and moves
away from them only as far as the labels justify.

A fitted model is kept as plain numbers (`ClaimModel`, JSON in the store's
``models/`` folder): scoring needs no scikit-learn, loading runs no pickle, and
the spaCy component of ``claimscope train`` reads the same file.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from corpus.files import replace_file

from annotations.suggest.features import CUES, SentenceInput, cues, sigmoid, terms
from annotations.suggest.prior import not_claim_label, prior_logit, prior_type

if TYPE_CHECKING:
    from annotations.scheme import Scheme

#: The prior's column is multiplied by this, so its weight costs little regularisation.
PRIOR_SCALE = 4.0
#: Inverse regularisation strength of both logistic regressions.
C = 1.0
MODEL_FILE = "claims.json"
MODEL_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A sentence's check-worthiness ``score`` (0..1) and the suggested scheme ``label``."""

    score: float
    label: str | None
    source: str = "prior"  # "prior" (rules only) or "model" (learnt from labels)


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled sentence to learn from; ``label`` is a scheme label name."""

    sentence: SentenceInput
    label: str


@dataclass
class ClaimModel:
    """A fitted model as plain numbers.

    ``terms`` and ``idf`` define the TF-IDF space; ``claim`` holds the claim/not-claim
    weights (term weights, then one per cue, then the prior's, then the bias);
    ``types`` maps each claim type to weights of the same shape without the prior.
    """

    terms: list[str]
    idf: list[float]
    claim: list[float]
    types: dict[str, list[float]] = field(default_factory=dict)
    trained_on: int = 0
    trained_at: str = ""
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self._index = {term: i for i, term in enumerate(self.terms)}

    def _tfidf(self, text: str) -> list[tuple[int, float]]:
        """Sublinear TF-IDF of the known terms, L2-normalised."""
        counts = Counter(i for i in map(self._index.get, terms(text)) if i is not None)
        row = [(i, (1.0 + math.log(n)) * self.idf[i]) for i, n in counts.items()]
        norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
        return [(i, v / norm) for i, v in row]

    def _logit(self, weights: list[float], row: list[tuple[int, float]], dense: list[float]) -> float:
        n = len(self.terms)
        total = weights[-1] + sum(weights[i] * v for i, v in row)
        return total + sum(w * x for w, x in zip(weights[n:-1], dense))

    def score(self, sentence: SentenceInput) -> tuple[float, str | None]:
        """The claim probability of a sentence and its most likely claim type (None: no type model)."""
        values = cues(sentence)
        dense = [values[name] for name in CUES]
        row = self._tfidf(sentence.text)
        score = sigmoid(self._logit(self.claim, row, dense + [PRIOR_SCALE * prior_logit(values)]))
        kind = max(self.types, key=lambda name: self._logit(self.types[name], row, dense)) if self.types else None
        return score, kind

    def to_json(self) -> dict[str, Any]:
        """The model as stored (numbers rounded to 6 significant digits: a smaller file, the same ranking)."""

        def r(values: Iterable[float]) -> list[float]:
            return [float(f"{v:.6g}") for v in values]

        return {
            "format": MODEL_FORMAT,
            "trained_on": self.trained_on,
            "trained_at": self.trained_at,
            "seconds": round(self.seconds, 3),
            "cues": list(CUES),
            "terms": self.terms,
            "idf": r(self.idf),
            "claim": r(self.claim),
            "types": {name: r(weights) for name, weights in self.types.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimModel:
        """Read a stored model; ``ValueError`` when it is not one this version can use."""
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT or data.get("cues") != list(CUES):
            raise ValueError("not a claim model of this claimscope version")
        width = len(data["terms"]) + len(CUES) + 1
        if len(data["claim"]) != width + 1 or any(len(w) != width for w in data["types"].values()):
            raise ValueError("the model's weights do not fit its terms")
        return cls(
            list(data["terms"]),
            list(data["idf"]),
            list(data["claim"]),
            dict(data["types"]),
            int(data.get("trained_on", 0)),
            str(data.get("trained_at", "")),
            float(data.get("seconds", 0.0)),
        )


def fit(examples: Sequence[Example], scheme: Scheme) -> ClaimModel | None:
    """Fit a model on labelled sentences; None while the labels hold only one side.

    Claim/not-claim needs at least one sentence of each; the claim types are learnt
    once two types have at least two sentences each (until then the prior names the type).
    """
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    began = time.perf_counter()
    known = [e for e in examples if scheme.get(e.label) is not None]
    is_claim = np.array([scheme.is_claim(e.label) for e in known])
    if len(known) < 2 or is_claim.all() or not is_claim.any():
        return None
    # Term space: every term of the labelled sentences, idf as scikit-learn's smooth idf.
    bags = [Counter(terms(e.sentence.text)) for e in known]
    document_frequency: Counter[str] = Counter()
    for bag in bags:
        document_frequency.update(bag.keys())
    vocabulary = sorted(document_frequency)
    index = {term: i for i, term in enumerate(vocabulary)}
    n = len(known)
    idf = [math.log((1 + n) / (1 + document_frequency[t])) + 1 for t in vocabulary]
    model = ClaimModel(vocabulary, idf, [])
    rows, cols, data = [], [], []
    for r, example in enumerate(known):
        for i, value in model._tfidf(example.sentence.text):
            rows.append(r)
            cols.append(i)
            data.append(value)
    text_matrix = csr_matrix((data, (rows, cols)), shape=(n, len(vocabulary)))
    cue_rows = [cues(e.sentence) for e in known]
    dense = np.array([[values[name] for name in CUES] for values in cue_rows])
    prior = np.array([[PRIOR_SCALE * prior_logit(values)] for values in cue_rows])
    features = hstack([text_matrix, csr_matrix(dense), csr_matrix(prior)]).tocsr()

    claim = LogisticRegression(C=C, solver="liblinear", max_iter=200).fit(features, is_claim)
    model.claim = [*claim.coef_[0].tolist(), float(claim.intercept_[0])]

    kinds = Counter(e.label for e, c in zip(known, is_claim) if c)
    learnable = [name for name, count in kinds.items() if count >= 2]
    if len(learnable) >= 2:
        chosen = np.array([c and e.label in learnable for e, c in zip(known, is_claim)])
        targets = np.array([e.label for e in known])[chosen]
        typed = LogisticRegression(C=C, max_iter=300).fit(features[chosen][:, :-1], targets)
        coef, bias = typed.coef_, typed.intercept_
        if len(typed.classes_) == 2:  # one row of weights, for the second class
            coef, bias = np.vstack([-coef[0], coef[0]]), np.array([-bias[0], bias[0]])
        for name, weights, b in zip(typed.classes_, coef, bias):
            model.types[str(name)] = [*weights.tolist(), float(b)]
    model.trained_on = n
    model.trained_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    model.seconds = time.perf_counter() - began
    return model


def save_model(model: ClaimModel, folder: Path) -> Path:
    """Write the model into ``folder`` atomically (the reader may be loading the previous one)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    replace_file(path, json.dumps(model.to_json(), ensure_ascii=False).encode("utf-8"))
    return path


def load_model(folder: Path) -> ClaimModel | None:
    """The model saved in ``folder``, or None when there is none or it cannot be used."""
    try:
        return ClaimModel.from_json(json.loads((folder / MODEL_FILE).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or stale model only means the prior answers until the next training


def models_dir(store_path: Path) -> Path:
    """Where a store keeps its models: ``<store>/models/``."""
    return Path(store_path) / "models"


class Suggester:
    """Suggestions for sentences: from the trained model when there is one, else the prior."""

    def __init__(self, scheme: Scheme, model: ClaimModel | None = None) -> None:
        self.scheme = scheme
        self.model = model
        self._none = not_claim_label(scheme)

    def suggest(self, sentence: SentenceInput) -> Suggestion:
        """The score and suggested label of one sentence."""
        values = cues(sentence)
        if self.model is None:
            score, kind, source = sigmoid(prior_logit(values)), None, "prior"
        else:
            (score, kind), source = self.model.score(sentence), "model"
        if score < 0.5 and self._none is not None:
            return Suggestion(score, self._none, source)
        if kind is None or not self.scheme.is_claim(kind):
            kind = prior_type(values, self.scheme)
        return Suggestion(score, kind, source)

    def suggest_many(self, sentences: Iterable[SentenceInput]) -> list[Suggestion]:
        """`suggest` for each sentence."""
        return [self.suggest(sentence) for sentence in sentences]
