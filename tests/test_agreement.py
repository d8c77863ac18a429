"""Agreement figures (annotations/agreement.py) on textbook examples, against a second
library (scikit-learn, statsmodels, krippendorff), and where they are undefined."""

from __future__ import annotations

import numpy as np
import pytest

from annotations.agreement import (
    Ratings,
    agreement,
    coefficients,
    cohen_kappa,
    collect_ratings,
)


def ratings_of(columns: dict[str, list[str | None]]) -> Ratings:
    """Ratings from one list per annotator (None: that annotator gave no label)."""
    labels = [
        (who, "a.txt", unit, label)
        for who, given in columns.items()
        for unit, label in enumerate(given)
        if label is not None
    ]
    return collect_ratings(labels)


def test_cohen_kappa_of_the_textbook_two_by_two() -> None:
    # 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15 -> po .7, pe .5, kappa .4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    report = agreement(ratings_of({"ana": a, "bob": b}))
    (pair,) = report.pairs
    assert pair.units == 50
    assert pair.percent.value == pytest.approx(0.7)
    assert pair.cohen_kappa.value == pytest.approx(0.4)
    no, yes = report.categories.index("no"), report.categories.index("yes")
    assert pair.confusion[yes][yes] == 20 and pair.confusion[yes][no] == 5
    assert pair.confusion[no][yes] == 10 and pair.confusion[no][no] == 15
    # Gwet's AC1 by its formula: pi(yes) = 55/100, pe = 2 * .55 * .45 = .495
    assert report.overall["gwet_ac1"].value == pytest.approx((0.7 - 0.495) / (1 - 0.495))


FLEISS_TABLE = np.array(  # Fleiss' worked example: 10 subjects, 14 raters, 5 categories
    [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
)


def test_fleiss_kappa_of_the_worked_example_and_statsmodels() -> None:
    from statsmodels.stats.inter_rater import fleiss_kappa

    figures = coefficients(FLEISS_TABLE)
    assert figures["fleiss_kappa"] == pytest.approx(0.20993, abs=1e-5)
    assert figures["fleiss_kappa"] == pytest.approx(fleiss_kappa(FLEISS_TABLE, method="fleiss"))


def test_krippendorff_alpha_of_the_textbook_example_with_missing_values() -> None:
    import krippendorff

    # Krippendorff's nominal example: 4 observers, 12 units, some values missing.
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    ratings = ratings_of({f"o{n}": [None if v is None else str(v) for v in row] for n, row in enumerate(data)})
    report = agreement(ratings)
    assert report.overall["krippendorff_alpha"].value == pytest.approx(0.743, abs=5e-4)
    reliability = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    assert report.overall["krippendorff_alpha"].value == pytest.approx(expected)


def test_random_ratings_match_scikit_learn_statsmodels_and_krippendorff() -> None:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import fleiss_kappa

    rng = np.random.default_rng(3)
    truth = rng.integers(0, 5, 600)
    codes = np.where(rng.random((600, 3)) < 0.6, truth[:, None], rng.integers(0, 5, (600, 3)))
    names = ["quantity", "cause", "prediction", "rule", "none"]
    ratings = ratings_of({w: [names[c] for c in codes[:, n]] for n, w in enumerate(("ana", "bob", "cy"))})
    report = agreement(ratings)
    mapped = np.array([[ratings.categories.index(names[c]) for c in row] for row in codes])
    for pair in report.pairs:
        a, b = ratings.annotators.index(pair.first), ratings.annotators.index(pair.second)
        assert pair.cohen_kappa.value == pytest.approx(cohen_kappa_score(mapped[:, a], mapped[:, b]))
    table = np.stack([(mapped == k).sum(axis=1) for k in range(len(ratings.categories))], axis=1)
    assert report.overall["fleiss_kappa"].value == pytest.approx(fleiss_kappa(table, method="fleiss"))
    assert report.overall["krippendorff_alpha"].value == pytest.approx(
        krippendorff.alpha(reliability_data=mapped.T.astype(float), level_of_measurement="nominal")
    )
    # One label against the rest is the same figure on yes/no labels.
    k = ratings.categories.index("rule")
    binary = (mapped == k).astype(int)
    assert report.per_label["rule"]["krippendorff_alpha"].value == pytest.approx(
        krippendorff.alpha(reliability_data=binary.T.astype(float), level_of_measurement="nominal")
    )
    # Bootstrap: seeded (the same twice), and the interval holds the value.
    again = agreement(ratings)
    for name, figure in report.overall.items():
        assert again.overall[name] == figure
        assert figure.low is not None and figure.high is not None
        assert figure.low <= figure.value <= figure.high  # type: ignore[operator]


def test_no_shared_sentence_is_undefined_not_one() -> None:
    report = agreement(ratings_of({"ana": ["quantity", None], "bob": [None, "cause"]}))
    assert report.units == 0
    assert all(figure.value is None for figure in report.overall.values())
    assert report.pairs[0].units == 0 and report.pairs[0].cohen_kappa.value is None
    assert report.to_json()["overall"]["fleiss_kappa"] == {"value": None, "low": None, "high": None}


def test_a_single_category_is_undefined_not_one() -> None:
    report = agreement(ratings_of({"ana": ["none"] * 5, "bob": ["none"] * 5}))
    assert report.units == 5
    for name in ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1"):
        assert report.overall[name].value is None, name
    assert report.pairs[0].cohen_kappa.value is None
    assert cohen_kappa(np.array([[5, 0], [0, 0]])) is None
    assert report.overall["percent"].value == 1.0  # they did agree on every sentence
    assert report.per_article["a.txt"]["krippendorff_alpha"].value is None


def test_per_article_figures_use_that_articles_sentences_only() -> None:
    labels = [
        ("ana", "a.txt", 0, "quantity"), ("bob", "a.txt", 0, "quantity"),
        ("ana", "a.txt", 1, "none"), ("bob", "a.txt", 1, "none"),
        ("ana", "b.txt", 0, "quantity"), ("bob", "b.txt", 0, "none"),
        ("ana", "b.txt", 1, "none"), ("bob", "b.txt", 1, "quantity"),
        ("ana", "c.txt", 0, "none"),  # one annotator only: not compared
    ]
    report = agreement(collect_ratings(labels, categories=("quantity", "none")))
    assert report.units == 4 and report.article_units == {"a.txt": 2, "b.txt": 2}
    assert report.per_article["a.txt"]["krippendorff_alpha"].value == pytest.approx(1.0)
    assert report.per_article["b.txt"]["percent"].value == 0.0
    assert report.per_article["b.txt"]["fleiss_kappa"].value == pytest.approx(-1.0)
