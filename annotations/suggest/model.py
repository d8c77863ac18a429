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
from array import array
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence as SequenceABC
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from corpus.errors import ClaimscopeError
from corpus.files import replace_file

from annotations.storage import JSON_ERRORS, json_error_detail

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


class ScoredSentences(SequenceABC[Suggestion]):
    """One `Suggestion` per sentence of an article, kept as a float and a small index each.

    Scores of a whole corpus come back from the training process with every new
    model; as thousands of objects their unpickling held the app's GIL long enough
    to delay a key. Here they are a few byte strings, and a `Suggestion` is made only
    when one is looked at.
    """

    __slots__ = ("scores", "_picks", "_kinds")

    def __init__(self, suggestions: Iterable[Suggestion] = ()) -> None:
        kinds: dict[tuple[str | None, str], int] = {}
        self.scores = array("d")  # the claim probability of each sentence
        self._picks = array("H")  # each sentence's (label, source) as an index into _kinds
        for suggestion in suggestions:
            self.scores.append(suggestion.score)
            self._picks.append(kinds.setdefault((suggestion.label, suggestion.source), len(kinds)))
        self._kinds = tuple(kinds)

    def __len__(self) -> int:
        return len(self.scores)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        label, source = self._kinds[self._picks[index]]
        return Suggestion(self.scores[index], label, source)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SequenceABC) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ScoredSentences({list(self)!r})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_unpack_scores, (self.scores.tobytes(), self._picks.tobytes(), self._kinds))


def _unpack_scores(scores: bytes, picks: bytes, kinds: tuple[tuple[str | None, str], ...]) -> ScoredSentences:
    found = ScoredSentences()
    found.scores.frombytes(scores)
    found._picks.frombytes(picks)
    found._kinds = kinds
    return found


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled sentence to learn from; ``label`` is a scheme label name."""

    sentence: SentenceInput
    label: str


class ClaimModel:
    """A fitted model as plain numbers.

    ``terms`` and ``idf`` define the TF-IDF space; ``claim`` holds the claim/not-claim
    weights (term weights, then one per cue, then the prior's, then the bias);
    ``types`` maps each claim type to weights of the same shape without the prior.

    A model crosses from the training process to the app pickled as a few byte
    strings (`__reduce__`): unpickling tens of thousands of term strings and floats
    held the app's GIL for several milliseconds, a label key's worth. The term list
    and its index are rebuilt only when the model first scores a sentence.
    """

    def __init__(
        self,
        terms: Sequence[str],
        idf: Sequence[float],
        claim: Sequence[float],
        types: dict[str, Sequence[float]] | None = None,
        trained_on: int = 0,
        trained_at: str = "",
        seconds: float = 0.0,
    ) -> None:
        self._terms: list[str] | None = list(terms)
        self._joined: str | None = None  # the terms, one per line, until first needed
        self._width = len(self._terms)
        self._index: dict[str, int] | None = None
        self.idf = idf
        self.claim = claim
        self.types: dict[str, Sequence[float]] = dict(types or {})
        self.trained_on = trained_on
        self.trained_at = trained_at
        self.seconds = seconds

    @property
    def terms(self) -> list[str]:
        if self._terms is None:
            self._terms = self._joined.split("\n") if self._width else []
            self._joined = None
        return self._terms

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if self._terms is None:
            joined = self._joined or ""
        else:
            joined = "\n".join(self._terms)
            if joined.count("\n") != max(0, self._width - 1):  # a term with a line break: send the list
                return (ClaimModel, (self._terms, list(self.idf), list(self.claim), {k: list(v) for k, v in self.types.items()},
                                     self.trained_on, self.trained_at, self.seconds))
        packed = {name: _packed(weights) for name, weights in self.types.items()}
        return (_unpack_model, (joined, self._width, _packed(self.idf), _packed(self.claim), packed,
                                self.trained_on, self.trained_at, self.seconds))

    def _tfidf(self, text: str) -> list[tuple[int, float]]:
        """Sublinear TF-IDF of the known terms, L2-normalised."""
        if self._index is None:
            self._index = {term: i for i, term in enumerate(self.terms)}
        counts = Counter(i for i in map(self._index.get, terms(text)) if i is not None)
        row = [(i, (1.0 + math.log(n)) * self.idf[i]) for i, n in counts.items()]
        norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
        return [(i, v / norm) for i, v in row]

    def _logit(self, weights: Sequence[float], row: list[tuple[int, float]], dense: list[float]) -> float:
        n = self._width
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
        """Read a stored model; ``ValueError`` saying what is wrong when it is not one this
        version can use (another format, weights that do not fit its terms, a weight that
        is not a finite number within `MAX_WEIGHT`, a field of the wrong type)."""
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT or data.get("cues") != list(CUES):
            raise ValueError("not a claim model of this claimscope version")
        terms = data.get("terms")
        if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
            raise ValueError('"terms" is not a list of strings')
        width = len(terms) + len(CUES) + 1
        idf = _weights(data.get("idf"), "idf", len(terms))
        claim = _weights(data.get("claim"), "claim", width + 1)
        types = data.get("types")
        if not isinstance(types, dict):
            raise ValueError('"types" is not an object')
        trained_on, seconds = data.get("trained_on", 0), data.get("seconds", 0.0)
        if not isinstance(trained_on, int) or isinstance(trained_on, bool) or trained_on < 0:
            raise ValueError('"trained_on" is not a count')
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds):
            raise ValueError('"seconds" is not a finite number')
        return cls(
            terms,
            idf,
            claim,
            {str(name): _weights(weights, f"types.{name}", width) for name, weights in types.items()},
            trained_on,
            str(data.get("trained_at", "")),
            float(seconds),
        )


#: No trained weight comes near this (logistic regression with C=1 on L2-normalised
#: TF-IDF and a few cues stays within tens); beyond it a sentence's sum could overflow
#: to infinity, or become NaN, and rank nothing.
MAX_WEIGHT = 1e6


def _weights(values: Any, field: str, length: int) -> list[float]:
    """``values`` as a list of ``length`` finite floats within `MAX_WEIGHT`; ``ValueError`` naming ``field``."""
    if not isinstance(values, list):
        raise ValueError(f'"{field}" is not a list of numbers')
    if len(values) != length:
        raise ValueError(f'"{field}" has {len(values)} weights where its terms need {length}: the weights do not fit the terms')
    floats: list[float] = []
    for n, value in enumerate(values):
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            number = float(value)  # OverflowError for an integer like 10**400
        except (TypeError, OverflowError):
            number = math.nan
        if not math.isfinite(number) or abs(number) > MAX_WEIGHT:
            shown = repr(value) if len(repr(value)) <= 20 else f"{repr(value)[:12]}... ({len(repr(value))} characters)"
            raise ValueError(f'weight {n + 1} of "{field}" ({shown}) is not a finite number within ±{MAX_WEIGHT:g}')
        floats.append(number)
    return floats


def _packed(values: Sequence[float]) -> bytes:
    return values.tobytes() if isinstance(values, array) and values.typecode == "d" else array("d", values).tobytes()


def _floats(data: bytes) -> array:
    values = array("d")
    values.frombytes(data)
    return values


def _unpack_model(
    joined: str, width: int, idf: bytes, claim: bytes, types: dict[str, bytes], trained_on: int, trained_at: str, seconds: float
) -> ClaimModel:
    """The other half of `ClaimModel.__reduce__`: weights as float arrays, the terms still one string."""
    model = ClaimModel((), _floats(idf), _floats(claim), {name: _floats(w) for name, w in types.items()}, trained_on, trained_at, seconds)
    model._terms, model._joined, model._width = None, joined, width
    return model


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
        return read_model(folder)
    except ModelFileError:
        return None


def read_model(folder: Path) -> ClaimModel | None:
    """The model saved in ``folder``; None when there is none yet.

    A file that cannot be used (not JSON, nested too deeply, another format, a weight
    like ``10**400``) raises :class:`ModelFileError`, whose message reads
    ``model file unreadable: <file and reason>; suggestions from rules``: the caller
    goes on with the rules and shows why. The next training writes over the file.
    """
    path = Path(folder) / MODEL_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ModelFileError(path, f"cannot be read ({error.strerror or error})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except JSON_ERRORS as error:
        raise ModelFileError(path, f"not valid JSON{json_error_detail(error)}") from None
    try:
        return ClaimModel.from_json(data)
    except ValueError as error:
        raise ModelFileError(path, str(error)) from None


class ModelFileError(ClaimscopeError):
    """The store's model file exists but cannot be used; suggestions come from the rules."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"model file unreadable: {path}: {reason}; suggestions from rules")
        self.path = path
        self.reason = reason


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

    def suggest_many(self, sentences: Iterable[SentenceInput]) -> ScoredSentences:
        """`suggest` for each sentence, kept compactly (a sequence of `Suggestion`)."""
        return ScoredSentences(self.suggest(sentence) for sentence in sentences)
