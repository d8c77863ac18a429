"""Claim suggestions, used as a person would: the prior on fresh text, the app learning
from labels as they are given, enter accepting a suggestion, and the two commands.

Everything is real: the spaCy pipeline, TinyDB files in tmp_path, the Textual app,
scikit-learn fitting in the training child process, and `spacy.load` in a subprocess.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.scheme import default_scheme
from annotations.store import Store
from annotations.suggest.features import SentenceInput
from annotations.suggest.model import Example, Suggester, fit, load_model, models_dir
from corpus.articles import load_corpus, sample_corpus_path
from tui.cli import main
from tui.config import Config
from tui.screens.reader import ReaderScreen

from apps import corpus_folder, make_app
from suggest_examples import small_model

# Fictional articles written for these tests.
BUDGET = """City budget adds 200 teachers

The city will hire 200 more teachers next year, the council said on Tuesday.

Spending on schools rose 7% to £41 million, according to the budget papers.

I think this is wonderful news for everyone.

What do parents want?

Thank you all for coming tonight.

The new law requires every school to publish its class sizes.

Unemployment fell to 4.1% in March because exports grew.

We love our town and its people.
"""

MARKET = """Market hall reopens

The market hall reopened on Saturday after a two-year repair costing £3.5 million.

Traders said footfall was up 30% on the first day.

It was a lovely sunny morning.

Honestly, who does not like a market?
"""


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return corpus_folder(tmp_path, {"budget.txt": BUDGET, "market.txt": MARKET})


def test_prior_scores_checkable_sentences_above_opinions_and_names_a_type() -> None:
    suggester = Suggester(default_scheme())  # no model: the rules alone
    figure = suggester.suggest(SentenceInput("Spending on schools rose 7% to £41 million, the council said."))
    opinion = suggester.suggest(SentenceInput("I think this is wonderful news for everyone."))
    question = suggester.suggest(SentenceInput("What do parents want?"))
    rule = suggester.suggest(SentenceInput("The new law requires every school to publish its class sizes."))
    forecast = suggester.suggest(SentenceInput("Prices will rise by 3% next year, the bank expects."))
    assert figure.score > 0.8 and figure.label == "quantity" and figure.source == "prior"
    assert opinion.score < 0.3 and opinion.label == "none"
    assert question.score < 0.3 and question.label == "none"
    assert rule.label == "rule" and rule.score > 0.5
    assert forecast.label == "prediction"


def test_fit_learns_from_labels_and_survives_a_save_and_load(tmp_path: Path) -> None:
    scheme = default_scheme()
    model = small_model()
    assert model.trained_on == 7 and set(model.types) == {"quantity", "rule"}
    from annotations.suggest.model import save_model

    save_model(model, models_dir(tmp_path))
    again = load_model(models_dir(tmp_path))
    assert again is not None and again.trained_on == 7
    sentence = SentenceInput("Imports rose 8% last month.")
    assert again.score(sentence)[0] == pytest.approx(model.score(sentence)[0], abs=1e-4)
    # One side only: nothing to learn the boundary from.
    assert fit([Example(SentenceInput("Hello there."), "none")], scheme) is None


async def _open(app, pilot, article_id: str = "budget.txt") -> ReaderScreen:
    app.open_article(article_id)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReaderScreen) and screen.analysis is not None
    return screen


@pytest.mark.anyio
async def test_labels_retrain_the_model_and_enter_accepts_a_suggestion_with_its_source(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await _open(app, pilot)
        n = len(reader.analysis.sentences)
        assert n >= 7
        assert len(reader.suggestions) == n and app.suggestions.model is None
        before = [s.score for s in reader.suggestions]
        # Ghost labels in the gutter of unreviewed sentences, the score on the status line.
        assert reader.view._ghosts and set(reader.view._ghosts.values()) <= set(app.scheme.names)
        status = str(reader.query_one("#sentence-status").render())
        assert "suggested" in status and f"{reader.suggestions[0].score:.2f}" in status
        # Five labels typed by hand: a retraining starts in the background.
        for key in ("1", "j", "1", "j", "x", "j", "x", "j", "x"):
            await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()  # the reader scores the article with the new model
        await pilot.pause()
        model = app.suggestions.model
        assert model is not None and model.trained_on == 5
        assert (models_dir(store_dir) / "claims.json").is_file()
        assert [s.score for s in reader.suggestions] != before
        assert {s.source for s in reader.suggestions} == {"model"}
        # enter on an unreviewed sentence records its suggested label, marked as a suggestion.
        await pilot.press("j")
        index = reader.view.cursor
        assert index not in reader.doc.labels
        suggested = reader.suggestions[index].label
        await pilot.press("enter")
        await pilot.pause()
        assert reader.doc.labels[index].label == suggested
    app.store.close()
    corpus = load_corpus(corpus_dir)
    article = corpus.get("budget.txt")
    with Store.open(corpus.root, annotator="tester", store_dir=store_dir, read_only=True) as store:
        labels = store.article(article, analyzer.analyze(article).sentences).labels
        assert labels[index].label == suggested and labels[index].source == "suggestion"
        assert labels[0].source == ""  # typed by hand
        from annotations.export import export_corpus

        out = tmp_path / "labels.jsonl"
        export_corpus(corpus, store, "prodigy", out, analyzer=analyzer)
        metas = {json.loads(line)["meta"]["sentence_index"]: json.loads(line)["meta"] for line in out.read_text().splitlines()}
        assert metas[index]["source"] == "suggestion" and "source" not in metas[0]
    # A new session starts with the saved model.
    again = make_app(corpus_dir, store_dir, analyzer)
    try:
        assert again.suggestions.model is not None and again.suggestions.model.trained_on == 5
    finally:
        again.store.close()


@pytest.mark.anyio
async def test_enter_still_labels_a_span_in_span_mode(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    from tui.screens.span_label import SpanLabelScreen

    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await _open(app, pilot)
        await pilot.press("v", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SpanLabelScreen)
        assert 0 not in reader.doc.labels  # no suggestion was accepted
    app.store.close()


@pytest.mark.anyio
async def test_most_useful_next_goes_to_the_sentence_closest_to_the_boundary(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, config=Config(advance="stay", order="most-useful"))
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await _open(app, pilot)
        scores = [s.score for s in reader.suggestions]
        expected = min(range(1, len(scores)), key=lambda i: (abs(scores[i] - 0.5), i))
        await pilot.press("space")
        await pilot.pause()
        assert reader.view.cursor == expected
        # The palette's toggle goes back to reading order: space then visits the next sentence.
        assert app.suggestions.cycle_order() == "reading"
        await pilot.press("g", "space")
        assert reader.view.cursor == 1
    app.store.close()


@pytest.mark.anyio
async def test_list_shows_expected_claims_and_sorts_by_them(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    corpus = load_corpus(corpus_dir)
    for article in corpus.articles:
        analyzer.analyze(article)  # cached: the list scores analysed articles only
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.list_screen
        rows = {row.id: row for row in screen.rows}
        assert rows["budget.txt"].expected is not None and rows["market.txt"].expected is not None
        assert rows["budget.txt"].expected > rows["market.txt"].expected  # more checkable sentences
        screen.sort_column, screen.sort_reverse = "expected", True
        screen.rebuild()
        assert screen.order == ["budget.txt", "market.txt"]
        header = str(screen.query_one("#articles").render_line(0).text)
        assert "Expected" in header
    app.store.close()


def test_suggest_ranks_the_sample_corpus_to_jsonl_and_csv(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ranked.jsonl"
    assert main(["suggest", str(sample_corpus_path()), "-o", str(out), "--store", str(tmp_path / "store")]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 30
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1
    assert {"article_id", "sentence_index", "text", "suggested", "by", "label"} <= rows[0].keys()
    table = tmp_path / "ranked.csv"
    assert main(["suggest", str(sample_corpus_path()), "-o", str(table), "--min-score", "0.7", "--store", str(tmp_path / "store")]) == 0
    with table.open(encoding="utf-8", newline="") as fh:
        kept = list(csv.DictReader(fh))
    assert kept and all(float(row["score"]) >= 0.7 for row in kept) and len(kept) < len(rows)
    assert main(["suggest", str(sample_corpus_path()), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "give a file ending in .jsonl or .csv" in capsys.readouterr().err


def test_train_writes_a_pipeline_that_spacy_loads_in_another_process(tmp_path: Path, analyzer, capsys) -> None:
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(sample_corpus_path(), corpus_dir, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    corpus = load_corpus(corpus_dir)
    store_dir = tmp_path / "store"
    out = tmp_path / "pipeline"
    assert main(["train", str(corpus_dir), "-o", str(out), "--store", str(store_dir)]) == 2
    assert "label at least one claim and one not-claim" in capsys.readouterr().err
    scheme = default_scheme()
    suggester = Suggester(scheme)
    with Store.open(corpus.root, annotator="ana", scheme=scheme, store_dir=store_dir) as store:
        from annotations.suggest.features import sentence_inputs

        for article in corpus.articles[:3]:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            for i, sentence in enumerate(sentence_inputs(article, analysis)):
                doc.set_label(i, suggester.suggest(sentence).label)  # a reader who agrees with every suggestion
    assert main(["train", str(corpus_dir), "-o", str(out), "--store", str(store_dir)]) == 0
    assert (out / "config.cfg").is_file() and (out / "claimscope_claims" / "model.json").is_file()
    script = (
        "import json, spacy; nlp = spacy.load(__import__('sys').argv[1]); "
        "print(json.dumps([nlp(t).cats for t in ('Unemployment rose 12% in 2023, the ministry said.', 'Thank you so much!')]))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    claim, thanks = json.loads(done.stdout)
    assert set(claim) == set(scheme.names) and sum(claim.values()) == pytest.approx(1.0)
    assert claim["none"] < 0.5 < thanks["none"]


def test_the_training_child_reads_the_store_itself_saves_and_scores_the_corpus(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    """The app sends only paths and ids; the child finds the labels, articles and cached
    analyses on its own, fits, saves with the store and scores every analysed article."""
    from annotations.suggest.training import TrainingRequest, articles_by_file, examples_from_store
    from tui.background import TrainingProcess

    corpus = load_corpus(corpus_dir)
    scheme = default_scheme()
    budget, market = corpus.get("budget.txt"), corpus.get("market.txt")
    analyses = {article.id: analyzer.analyze(article) for article in (budget, market)}  # cached for the child
    store_dir = tmp_path / "store"
    labelled = {0: "quantity", 1: "quantity", 2: "none", 4: "none"}
    with Store.open(corpus.root, annotator="tester", scheme=scheme, store_dir=store_dir) as store:
        doc = store.article(budget, analyses[budget.id].sentences)
        for index, label in labelled.items():
            doc.set_label(index, label)
    with Store.open(corpus.root, annotator="tester", scheme=scheme, store_dir=store_dir, read_only=True) as store:
        examples = examples_from_store(store, articles_by_file(corpus.root), analyzer)
    figure = next(e for e in examples if "7%" in e.sentence.text)
    assert {label for _, _, label in figure.sentence.spans} >= {"PERCENT"}  # spans from the cached analysis

    request = TrainingRequest(
        store_dir=store_dir,
        annotator="tester",
        corpus_root=corpus.root,
        analysis_model=analyzer.model_name,
        cache_dir=analyzer.cache.root,
        score=(budget.id, market.id, "gone.txt"),
    )
    process = TrainingProcess()
    try:
        result = process.train(request, scheme)
        assert result.model is not None and result.model.trained_on == len(labelled) and result.warning is None
        assert load_model(models_dir(store_dir)).trained_on == len(labelled)  # saved with the store
        assert set(result.scores) == {budget.id, market.id}  # an id not in the corpus is left out
        scored = result.scores[budget.id]
        assert scored.digest == budget.hash and scored.reviewed == frozenset(labelled)
        assert len(scored.suggestions) == len(analyses[budget.id].sentences)
        assert {s.source for s in scored.suggestions} == {"model"}
        # A read-only store: the model is used, nothing is written.
        other = tmp_path / "other"
        shutil.copytree(store_dir, other, ignore=shutil.ignore_patterns("models"))
        result = process.train(TrainingRequest(other, "tester", corpus.root, save=False), scheme)
        assert result.model is not None and result.scores == {}
        assert not models_dir(other).exists()
    finally:
        process.close()
