"""Inter-annotator agreement on sentence labels: ``claimscope agree`` and the app's screen.

For the sentences labelled by two or more of the chosen annotators: percent agreement,
Fleiss' kappa, Krippendorff's alpha (nominal) and Gwet's AC1 over all of them, Cohen's
kappa and a confusion matrix for each pair, each overall, per label (that label against
the rest) and per article, with seeded bootstrap 95 % intervals (sentences resampled).

Every figure is a function of a few sums over sentences of per-sentence counts, and a
sentence is known by its counts per category alone; so a bootstrap resample is a draw of
how often each distinct count pattern occurs (a multinomial), and 1,000 resamples of
100,000 sentences are one small matrix product. Undefined figures (no shared sentence,
one category only: chance agreement is 1) are ``None``, never 1.0. Percent agreement and
Fleiss' kappa use the pairwise agreement of each sentence, so sentences labelled by
different numbers of annotators count as Krippendorff's alpha counts them.
Tests check the figures against scikit-learn, statsmodels and ``krippendorff``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import numpy as np

if TYPE_CHECKING:
    from annotations.store import Store
    from corpus.model import Analysis

#: the figures computed over all annotators together, in the order they are shown
MEASURES = ("percent", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1")
MEASURE_NAMES = {
    "percent": "percent agreement",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "gwet_ac1": "Gwet's AC1",
    "cohen_kappa": "Cohen's kappa",
}
RESAMPLES = 1000
SEED = 0


@dataclass(frozen=True, slots=True)
class Figure:
    """A coefficient with its bootstrap 95 % interval; ``None`` where undefined."""

    value: float | None
    low: float | None = None
    high: float | None = None

    def to_json(self) -> dict[str, float | None]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True, slots=True)
class Ratings:
    """Who gave which label to which sentence.

    ``codes[u, c]`` is the index in ``categories`` of the label annotator
    ``annotators[c]`` gave sentence ``units[u]`` (``(article_id, sentence_index)``),
    -1 where they gave none.
    """

    annotators: tuple[str, ...]
    categories: tuple[str, ...]
    units: tuple[tuple[str, int], ...]
    codes: np.ndarray


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Two annotators on the sentences both labelled."""

    first: str
    second: str
    units: int
    percent: Figure
    cohen_kappa: Figure
    confusion: list[list[int]]  # rows: first's labels, columns: second's (``categories``)


@dataclass(slots=True)
class AgreementReport:
    """Everything ``claimscope agree`` shows."""

    annotators: tuple[str, ...]
    categories: tuple[str, ...]
    units: int  # sentences labelled by two or more of the annotators
    overall: dict[str, Figure] = field(default_factory=dict)
    per_label: dict[str, dict[str, Figure]] = field(default_factory=dict)
    per_article: dict[str, dict[str, Figure]] = field(default_factory=dict)
    article_units: dict[str, int] = field(default_factory=dict)
    pairs: list[PairAgreement] = field(default_factory=list)
    resamples: int = RESAMPLES
    seed: int = SEED
    #: Agreement on who claims each sentence (see :func:`claimant_agreement`), when asked for.
    claimant: ClaimantAgreement | None = None

    def to_json(self) -> dict[str, Any]:
        def figures(table: dict[str, Figure]) -> dict[str, Any]:
            return {name: f.to_json() for name, f in table.items()}

        return {
            "annotators": list(self.annotators),
            "labels": list(self.categories),
            "sentences": self.units,
            "bootstrap": {"resamples": self.resamples, "seed": self.seed, "interval": 0.95},
            "overall": figures(self.overall),
            "per_label": {k: figures(v) for k, v in self.per_label.items()},
            "per_article": {
                k: {"sentences": self.article_units[k], **figures(v)} for k, v in self.per_article.items()
            },
            "pairs": [
                {
                    "annotators": [p.first, p.second],
                    "sentences": p.units,
                    "percent": p.percent.to_json(),
                    "cohen_kappa": p.cohen_kappa.to_json(),
                    "confusion": {"labels": list(self.categories), "matrix": p.confusion},
                }
                for p in self.pairs
            ],
            **({"claimant": self.claimant.to_json()} if self.claimant is not None else {}),
        }


@dataclass(slots=True)
class ClaimantAgreement:
    """Agreement on who claims a sentence, over the sentences two or more annotators labelled.

    ``attributed`` compares the category each gave (``attributed``: somebody is said to
    make the statement; ``outlet``: nobody is), each annotator's correction where they
    made one, else the analysis's attribution they let stand. ``source_pairs`` counts
    the pairs of annotators who both marked a source on the same sentence, and
    ``source_exact`` those whose two sources are the same characters.
    """

    attributed: AgreementReport
    source_pairs: int = 0
    source_exact: int = 0
    unknown: int = 0  # labels left out: the article's analysis is not in the cache

    def to_json(self) -> dict[str, Any]:
        figures = self.attributed
        return {
            "categories": list(figures.categories),
            "sentences": figures.units,
            "overall": {name: f.to_json() for name, f in figures.overall.items()},
            "pairs": [
                {"annotators": [p.first, p.second], "sentences": p.units, "percent": p.percent.to_json(),
                 "cohen_kappa": p.cohen_kappa.to_json()}
                for p in figures.pairs
            ],
            "source_match": {
                "pairs": self.source_pairs,
                "exact": self.source_exact,
                "percent": (self.source_exact / self.source_pairs) if self.source_pairs else None,
            },
            "left_out": self.unknown,
        }


# ------------------------------------------------------------------ reading


def collect_ratings(
    labels: Iterable[tuple[str, str, int, str]],
    annotators: Sequence[str] | None = None,
    categories: Sequence[str] = (),
) -> Ratings:
    """Ratings from ``(annotator, article_id, sentence_index, label)`` tuples.

    ``annotators`` limits (and orders) who counts; ``categories`` fixes the order of
    labels (others found are added after them, sorted).
    """
    chosen = list(annotators) if annotators else None
    given: dict[tuple[str, int], dict[str, str]] = {}
    seen_annotators: set[str] = set()
    for annotator, article_id, index, label in labels:
        if chosen is not None and annotator not in chosen:
            continue
        given.setdefault((article_id, index), {})[annotator] = label
        seen_annotators.add(annotator)
    names = tuple(chosen) if chosen is not None else tuple(sorted(seen_annotators))
    known = list(categories)
    extra = sorted({l for by in given.values() for l in by.values()} - set(known))
    cats = tuple(known + extra)
    code = {name: n for n, name in enumerate(cats)}
    column = {name: n for n, name in enumerate(names)}
    units = tuple(sorted(u for u, by in given.items() if len(by) >= 2))
    codes = np.full((len(units), len(names)), -1, dtype=np.int16)
    for row, unit in enumerate(units):
        for annotator, label in given[unit].items():
            codes[row, column[annotator]] = code[label]
    return Ratings(names, cats, units, codes)


def store_labels(store: Any, problems: list[str] | None = None) -> Iterator[tuple[str, str, int, str]]:
    """``(annotator, article_id, sentence_index, label)`` of every label in every shard of
    ``store`` (an :class:`annotations.store.Store`), as stored; a store file that cannot
    be read is skipped and its error added to ``problems``."""
    for shard in store.shards():
        for stored in shard.stored_articles():
            if stored.error:
                if problems is not None:
                    problems.append(f"{stored.error} (its labels are not compared)")
                continue
            for record in stored.labels:
                if record.label is not None:
                    yield shard.annotator, stored.article_id, record.sentence_index, record.label


# -------------------------------------------------------------- computing


def agreement(
    ratings: Ratings, *, resamples: int = RESAMPLES, seed: int = SEED
) -> AgreementReport:
    """Every figure of :class:`AgreementReport` for ``ratings``."""
    rng = np.random.default_rng(seed)
    k = len(ratings.categories)
    counts = _counts(ratings.codes, k)
    report = AgreementReport(
        ratings.annotators, ratings.categories, len(ratings.units), resamples=resamples, seed=seed
    )
    report.overall = _with_intervals(counts, rng, resamples)
    for n, name in enumerate(ratings.categories):
        binary = np.stack([counts[:, n], counts.sum(axis=1) - counts[:, n]], axis=1)
        report.per_label[name] = _with_intervals(binary, rng, resamples)
    articles = np.array([a for a, _ in ratings.units], dtype=object)
    if len(articles):
        order = np.argsort(articles, kind="stable")
        names, starts = np.unique(articles[order], return_index=True)
        for name, rows in zip(names, np.split(order, starts[1:])):
            report.per_article[str(name)] = _with_intervals(counts[rows], rng, resamples)
            report.article_units[str(name)] = len(rows)
    codes = ratings.codes
    for a in range(len(ratings.annotators)):
        for b in range(a + 1, len(ratings.annotators)):
            both = (codes[:, a] >= 0) & (codes[:, b] >= 0)
            confusion = np.zeros((k, k), dtype=np.int64)
            np.add.at(confusion, (codes[both, a], codes[both, b]), 1)
            percent, kappa = _pair_figures(confusion, rng, resamples)
            report.pairs.append(
                PairAgreement(
                    ratings.annotators[a], ratings.annotators[b], int(both.sum()),
                    percent, kappa, confusion.tolist(),
                )
            )
    return report


def _counts(codes: np.ndarray, k: int) -> np.ndarray:
    """Sentences x categories: how many annotators gave each label."""
    counts = np.zeros((codes.shape[0], max(k, 1)), dtype=np.int64)
    rows, cols = np.nonzero(codes >= 0)
    np.add.at(counts, (rows, codes[rows, cols]), 1)
    return counts[:, :k] if k else counts[:, :0]


def coefficients(counts: np.ndarray) -> dict[str, float | None]:
    """The four multi-annotator figures of a sentences x categories count matrix (no
    interval). Sentences with fewer than two labels are left out."""
    counts = np.asarray(counts, dtype=np.float64)
    counts = counts[counts.sum(axis=1) >= 2]
    features, q = _features(counts)
    values = _from_sums(features.sum(axis=0, keepdims=True), counts.shape[1], q)
    return {name: _scalar(values[name][0]) for name in MEASURES}


def _features(counts: np.ndarray) -> tuple[np.ndarray, int]:
    """Per-sentence quantities whose sums give every figure; and the number of
    categories used (Gwet's Q)."""
    n = counts.astype(np.float64)
    m = n.sum(axis=1)
    pairs = np.where(m > 1, m * (m - 1), np.nan)
    agree = (n * (n - 1)).sum(axis=1) / pairs  # share of agreeing pairs of annotators
    within = n * (n - 1) / np.where(m > 1, m - 1, np.nan)[:, None]  # coincidences k with k
    share = n / np.where(m > 0, m, np.nan)[:, None]
    ones = np.ones((len(n), 1))
    features = np.hstack([ones, agree[:, None], m[:, None], n, share, within])
    q = int((n.sum(axis=0) > 0).sum())
    return features, q


def _from_sums(sums: np.ndarray, k: int, q: int) -> dict[str, np.ndarray]:
    """The figures from rows of summed features (one row per resample)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        units = sums[:, 0]
        observed = sums[:, 1] / units
        total = sums[:, 2]
        nk = sums[:, 3 : 3 + k]
        pi = sums[:, 3 + k : 3 + 2 * k] / units[:, None]
        ok = sums[:, 3 + 2 * k : 3 + 3 * k]
        p = nk / total[:, None]
        chance = (p * p).sum(axis=1)
        fleiss = np.where(chance < 1 - 1e-12, (observed - chance) / (1 - chance), np.nan)
        spread = total * total - (nk * nk).sum(axis=1)
        alpha = np.where(
            spread > 1e-9, 1 - (total - 1) * (total - ok.sum(axis=1)) / spread, np.nan
        )
        if q >= 2:
            gwet_chance = (pi * (1 - pi)).sum(axis=1) / (q - 1)
            ac1 = np.where(gwet_chance < 1 - 1e-12, (observed - gwet_chance) / (1 - gwet_chance), np.nan)
        else:
            ac1 = np.full(len(sums), np.nan)
    none = units <= 0
    return {
        "percent": np.where(none, np.nan, observed),
        "fleiss_kappa": np.where(none, np.nan, fleiss),
        "krippendorff_alpha": np.where(none, np.nan, alpha),
        "gwet_ac1": np.where(none, np.nan, ac1),
    }


def _with_intervals(counts: np.ndarray, rng: np.random.Generator, resamples: int) -> dict[str, Figure]:
    counts = counts[counts.sum(axis=1) >= 2]
    k = counts.shape[1]
    if len(counts) == 0:
        return {name: Figure(None) for name in MEASURES}
    patterns, often = np.unique(counts, axis=0, return_counts=True)
    features, q = _features(patterns)
    point = _from_sums((often[:, None] * features).sum(axis=0, keepdims=True), k, q)
    weights = rng.multinomial(len(counts), often / often.sum(), size=resamples)
    spread = _from_sums(weights @ features, k, q)
    return {name: _figure(point[name][0], spread[name]) for name in MEASURES}


def cohen_kappa(confusion: np.ndarray) -> float | None:
    """Cohen's kappa of a confusion matrix (None when undefined)."""
    return _scalar(_cohen(np.asarray(confusion, dtype=np.float64)[None])[1][0])


def _cohen(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percent agreement and Cohen's kappa of stacked confusion matrices (r x k x k)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        total = cells.sum(axis=(1, 2))
        observed = np.trace(cells, axis1=1, axis2=2) / total
        chance = (cells.sum(axis=2) * cells.sum(axis=1)).sum(axis=1) / (total * total)
        kappa = np.where(chance < 1 - 1e-12, (observed - chance) / (1 - chance), np.nan)
    empty = total <= 0
    return np.where(empty, np.nan, observed), np.where(empty, np.nan, kappa)


def _pair_figures(
    confusion: np.ndarray, rng: np.random.Generator, resamples: int
) -> tuple[Figure, Figure]:
    n = int(confusion.sum())
    if n == 0:
        return Figure(None), Figure(None)
    k = confusion.shape[0]
    percent, kappa = _cohen(confusion[None].astype(np.float64))
    draws = rng.multinomial(n, confusion.ravel() / n, size=resamples).reshape(resamples, k, k)
    percents, kappas = _cohen(draws.astype(np.float64))
    return _figure(percent[0], percents), _figure(kappa[0], kappas)


def _figure(value: float, spread: np.ndarray) -> Figure:
    if not np.isfinite(value):
        return Figure(None)
    finite = spread[np.isfinite(spread)]
    if len(finite) == 0:
        return Figure(float(value))
    low, high = np.percentile(finite, [2.5, 97.5])
    return Figure(float(value), float(low), float(high))


def _scalar(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def claimant_agreement(
    store: Store,
    analyses: Callable[[str], Analysis | None],
    annotators: Sequence[str],
    problems: list[str] | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> ClaimantAgreement:
    """Agreement on the claimant of the sentences ``annotators`` labelled (see
    :class:`ClaimantAgreement`); ``analyses(article_id)`` gives an article's cached
    analysis (None: its labels are left out of this part and counted)."""
    from annotations.model import corrected_attribution
    from annotations.model import ClaimantMark
    from corpus.claimants import sentence_attribution

    chosen = set(annotators)
    ratings: list[tuple[str, str, int, str]] = []
    sources: dict[tuple[str, int], dict[str, tuple[int, int]]] = {}
    unknown = 0
    found: dict[str, Analysis | None] = {}
    for shard in store.shards():
        if shard.annotator not in chosen:
            continue
        for stored in shard.stored_articles():
            if stored.error:
                if problems is not None:
                    problems.append(f"{stored.error} (its claimants are not compared)")
                continue
            if stored.article_id not in found:
                found[stored.article_id] = analyses(stored.article_id)
            analysis = found[stored.article_id]
            for record in stored.labels:
                if record.label is None:
                    continue
                mark = ClaimantMark.parse(record.attribution)
                if mark is None and analysis is None:
                    unknown += 1
                    continue
                start, end = record.start, record.end
                seen = sentence_attribution(analysis.attributions, start, end) if analysis is not None else None
                attribution = corrected_attribution("", start, end, seen, mark)  # only whether there is one counts
                category = "outlet" if attribution is None else "attributed"
                ratings.append((shard.annotator, stored.article_id, record.sentence_index, category))
                if mark is not None and mark.source is not None:
                    sources.setdefault((stored.article_id, record.sentence_index), {})[shard.annotator] = mark.source
    report = agreement(
        collect_ratings(ratings, list(annotators), ("attributed", "outlet")), resamples=resamples, seed=seed
    )
    pairs = exact = 0
    for marked in sources.values():
        names = sorted(marked)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                pairs += 1
                exact += marked[names[a]] == marked[names[b]]
    return ClaimantAgreement(report, pairs, exact, unknown)


def store_agreement(
    store: Store,
    annotators: list[str] | None = None,
    problems: list[str] | None = None,
    analyses: Callable[[str], Analysis | None] | None = None,
) -> AgreementReport:
    """The agreement report of ``store`` (all annotators, or ``annotators``).

    Raises :class:`~annotations.errors.StoreError` in one line when a named annotator
    has no labels, or fewer than two annotators are left to compare. Store files that
    cannot be read are left out and named in ``problems``. With ``analyses`` (an
    article id -> its cached analysis), the report has the agreement on claimants too.
    """
    from annotations.errors import StoreError

    labels = list(store_labels(store, problems))
    present = sorted({who for who, *_ in labels})
    missing = [name for name in annotators or () if name not in present]
    if missing:
        raise StoreError(
            f"no labels by {', '.join(map(repr, missing))} in {store.path} "
            f"(annotators with labels: {', '.join(present) or 'none'})"
        )
    chosen = annotators or present
    if len(set(chosen)) < 2:
        raise StoreError(
            f"agreement needs two annotators; {store.path} has labels by "
            f"{', '.join(present) or 'nobody'}: label with another --annotator, or merge a colleague's store"
        )
    ratings = collect_ratings(labels, chosen, store.scheme.names)
    report = agreement(ratings)
    if analyses is not None:
        report.claimant = claimant_agreement(store, analyses, chosen, problems)
    return report
