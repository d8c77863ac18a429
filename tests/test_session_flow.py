"""The annotation session's flow, driven like a person would: label keys that advance,
ranges, jumps, review mode, per-article positions, progress and pace.

Everything is real: the spaCy pipeline, TinyDB files in tmp_path, the Textual app.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotations.store import Store
from corpus.articles import load_corpus
from tui.app import ClaimscopeApp
from tui.config import Config, ConfigError, PositionBook, load_config
from tui.screens.reader import ReaderScreen
from tui.widgets.article_table import ArticleTable

from apps import make_app, open_reader as _open_article

pytestmark = pytest.mark.anyio

# Fictional articles written for these tests.
HARBOUR = """Harbour authority reports record cargo

The Port of Westhaven handled 4.2 million tonnes of cargo in 2023, up 12% on the year before, the Westhaven Harbour Authority said on Monday.

Chief executive Maria Jensen said the new container terminal had cut waiting times by half. She expects traffic to grow again next year.

Critics in the town council said the figures hid a fall in fishing jobs. Councillor Tom Reyes said 300 jobs had gone since 2019.

The authority will publish its full accounts in March.
"""

LIBRARY = """Library opens late on Sundays

Brookfield Library will open until 8pm on Sundays from April, the city council said.

The change costs £45,000 a year. Visitor numbers rose by 9% last year.
"""

FERRY = """Ferry fares to rise

Ferry fares between Westhaven and Holm will rise by 5% in May, the operator said.

It blamed fuel costs. Passengers were not consulted.
"""

#: One label key per sentence, chosen by the sentence's index (the default scheme's keys).
KEYS = ("1", "2", "x", "3", "4", "x", "5", "6", "c")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in (("a-harbour.txt", HARBOUR), ("b-library.txt", LIBRARY), ("c-ferry.txt", FERRY)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def advancing(**options) -> dict:
    """App options with the default `advance` (make_app keeps the cursor otherwise)."""
    return {"config": Config(), **options}


async def open_reader(app: ClaimscopeApp, pilot, article_id: str = "a-harbour.txt") -> ReaderScreen:
    return await _open_article(app, pilot, article_id)


def status(reader: ReaderScreen) -> str:
    return str(reader.query_one("#sentence-status").render())


def stored(corpus_dir: Path, store_dir: Path, analyzer, article_id: str) -> dict[int, object]:
    """The article's records, read afresh from the store files."""
    corpus = load_corpus(corpus_dir)
    article = corpus.get(article_id)
    assert article is not None
    with Store.open(corpus.root, annotator="tester", store_dir=store_dir, read_only=True) as store:
        return dict(store.article(article, analyzer.analyze(article).sentences).labels)


def label_name(key: str) -> str:
    return {"1": "quantity", "2": "cause", "3": "prediction", "4": "rule", "5": "experience", "6": "other",
            "x": "none", "c": "other"}[key]


async def test_one_key_per_sentence_labels_a_real_article(shared_corpus: Path, tmp_path: Path, analyzer) -> None:
    folder = tmp_path / "real"
    shutil.copytree(shared_corpus, folder)
    store_dir = tmp_path / "store"
    app = make_app(folder, store_dir, analyzer, **advancing())
    article_id = app.corpus.articles[0].id
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot, article_id)
        total = len(reader.analysis.sentences)
        assert total > 10
        presses = 0
        for _ in range(total):
            await pilot.press(KEYS[reader.view.cursor % len(KEYS)])
            presses += 1
        assert presses == total  # one key per sentence: no j between them
        assert "article reviewed" in status(reader)
    app.store.close()
    labels = stored(folder, store_dir, analyzer, article_id)
    assert {i: r.label for i, r in labels.items()} == {i: label_name(KEYS[i % len(KEYS)]) for i in range(total)}


@pytest.mark.parametrize(("advance", "cursor"), [("next-unreviewed", 2), ("next", 1), ("stay", 0)])
async def test_the_three_advance_settings(corpus_dir: Path, tmp_path: Path, analyzer, advance, cursor) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, config=Config(advance=advance))
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        reader.doc.set_label(1, "rule")  # already reviewed: next-unreviewed skips it
        await pilot.press("1")
        assert reader.doc.label_of(0) == "quantity"
        assert reader.view.cursor == cursor
        await pilot.press("x")  # `x` (not a claim) advances the same way
        assert reader.view.cursor == {"next-unreviewed": 3, "next": 2, "stay": 0}[advance]
    app.store.close()


def test_advance_in_config_toml(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path).advance == "next-unreviewed"  # the default, also without a file
    path.write_text('advance = "stay"\n', encoding="utf-8")
    assert load_config(path).advance == "stay"
    path.write_text('advance = "fast"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "\n" not in message and "'fast'" in message and str(path) in message and "next-unreviewed" in message


async def test_the_palette_cycles_advance(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, **advancing())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        seen = []
        for _ in range(3):
            await pilot.press("ctrl+p")
            await pilot.press(*"After a label")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            seen.append(app.advance)
        assert seen == ["next", "stay", "next-unreviewed"]
        assert app.screen is reader
        await pilot.press("2")
        assert reader.view.cursor == 1
    app.store.close()


async def test_undo_and_redo_return_the_cursor(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, **advancing())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1", "2", "3")
        assert reader.view.cursor == 3
        await pilot.press("u")
        assert reader.view.cursor == 2 and reader.doc.label_of(2) is None
        await pilot.press("u")
        assert reader.view.cursor == 1 and reader.doc.label_of(1) is None
        await pilot.press("G", "ctrl+r")
        assert reader.view.cursor == 1 and reader.doc.label_of(1) == "cause"
    app.store.close()


async def test_article_reviewed_then_bracket_opens_the_next_to_review(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    corpus = load_corpus(corpus_dir)
    library = corpus.get("b-library.txt")
    with Store.open(corpus.root, annotator="tester", store_dir=store_dir) as store:  # the library is done (earlier, by the same annotator)
        doc = store.article(library, analyzer.analyze(library).sentences)
        with doc.batch():
            for index in range(len(doc.sentences)):
                doc.set_label(index, "none")
    app = make_app(corpus_dir, store_dir, analyzer, **advancing())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        for _ in range(len(reader.analysis.sentences)):
            await pilot.press("x")
        assert "article reviewed" in status(reader)
        await pilot.press("right_square_bracket")  # skips the reviewed library
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.article.id == "c-ferry.txt"
        for _ in range(len(reader.analysis.sentences)):
            await pilot.press("x")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.screen.article.id == "c-ferry.txt"  # none left: it stays and says so
        assert any("no other article has unreviewed sentences" in n.message for n in app._notifications)
    app.store.close()


async def test_a_range_is_labelled_in_one_undoable_step(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer, **advancing())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        sentences = reader.analysis.sentences
        await pilot.press("j", "V", "j", "j")
        assert "SELECT s2–s4" in status(reader)
        assert reader.view._selection == (sentences[1].start, sentences[3].end)  # shown in the text
        writes = []
        storage = reader.doc._db.storage
        write = storage.write
        storage.write = lambda data: (writes.append(1), write(data))[1]  # counts, then writes for real
        await pilot.press("2")
        storage.write = write
        assert len(writes) == 1  # the store writes once for the range
        assert [reader.doc.label_of(i) for i in range(5)] == [None, "cause", "cause", "cause", None]
        assert reader.view.cursor == 4  # advanced past the range
        assert "SELECT" not in status(reader)
        await pilot.press("u")  # one undo takes back the whole range
        assert [reader.doc.label_of(i) for i in range(5)] == [None] * 5
        assert reader.view.cursor == 1
        assert len(app.store.last_step) == 3
        await pilot.press("V", "j", "escape", "x")  # escape cancels: x labels one sentence
        assert [reader.doc.label_of(i) for i in range(4)] == [None, None, "none", None]
    app.store.close()
    assert {i: r.label for i, r in stored(corpus_dir, store_dir, analyzer, "a-harbour.txt").items()} == {2: "none"}


async def test_jump_keys(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    from tui.screens.label_picker import LabelPickerScreen

    app = make_app(corpus_dir, tmp_path / "store", analyzer, **advancing())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        reader.doc.set_checkworthy(4, True)
        reader.doc.set_note(3, "ask the council")
        reader.doc.set_label(2, "rule")
        reader.doc.set_label(5, "rule")
        await pilot.press("asterisk")
        assert reader.view.cursor == 4
        await pilot.press("apostrophe")
        assert reader.view.cursor == 3  # the next noted sentence, going round the end
        await pilot.press("T")
        assert isinstance(app.screen, LabelPickerScreen)
        await pilot.press("4")
        assert app.screen is reader and reader.view.cursor == 5
        await pilot.press("T", "4")
        assert reader.view.cursor == 2
        await pilot.press("asterisk", "asterisk")
        assert reader.view.cursor == 4 and "no other check-worthy" in status(reader)
    app.store.close()


async def test_review_mode_visits_only_one_label(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, **advancing())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        for index, label in ((1, "quantity"), (2, "cause"), (4, "quantity")):
            reader.doc.set_label(index, label)
        await pilot.press("R", "1")
        assert reader.review_label == "quantity" and reader.view.cursor == 1
        assert "REVIEW" in status(reader) and "R/esc leaves" in status(reader)
        await pilot.press("j")
        assert reader.view.cursor == 4
        await pilot.press("j")
        assert reader.view.cursor == 4 and "no more quantity" in status(reader)
        await pilot.press("k")
        assert reader.view.cursor == 1
        await pilot.press("1")  # confirming advances to the next quantity sentence
        assert reader.view.cursor == 4
        await pilot.press("escape")
        assert reader.review_label is None and app.screen is reader
        await pilot.press("k")
        assert reader.view.cursor == 3
    app.store.close()


async def test_each_article_reopens_at_its_own_sentence(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    positions = PositionBook(tmp_path / "positions.json")
    app = make_app(corpus_dir, store_dir, analyzer, positions=positions)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("j", "j", "j", "q")
        reader = await open_reader(app, pilot, "b-library.txt")
        await pilot.press("j", "q")
        reader = await open_reader(app, pilot)
        assert reader.view.cursor == 3
        reader = await open_reader(app, pilot, "b-library.txt")
        assert reader.view.cursor == 1
    app.store.close()
    again = make_app(corpus_dir, store_dir, analyzer, positions=PositionBook(tmp_path / "positions.json"))
    async with again.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(again, pilot)
        assert reader.view.cursor == 3  # kept across runs too
    again.store.close()


async def test_list_shows_progress_per_article_and_the_corpus_total(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    corpus = load_corpus(corpus_dir)
    sentences = {article.id: len(analyzer.analyze(article).sentences) for article in corpus.articles}
    app = make_app(corpus_dir, tmp_path / "store", analyzer, **advancing())
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await open_reader(app, pilot)
        await pilot.press("1", "2", "q")
        await pilot.pause()
        table = app.list_screen.query_one(ArticleTable)
        assert str(table.get_row("a-harbour.txt")[7]) == f"2/{sentences['a-harbour.txt']}"
        assert str(table.get_row("b-library.txt")[7]) == f"0/{sentences['b-library.txt']}"
        header = str(app.list_screen.query_one("#list-header").render())
        assert f"2/{sum(sentences.values())} reviewed" in header
    app.store.close()


async def test_header_shows_pace_and_what_is_left(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    corpus = load_corpus(corpus_dir)
    sentences = {article.id: len(analyzer.analyze(article).sentences) for article in corpus.articles}
    app = make_app(corpus_dir, tmp_path / "store", analyzer, **advancing())
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        reader = await open_reader(app, pilot)
        title = str(reader.query_one("#reader-title").render())
        assert "no labels yet" in title
        await pilot.press("1", "2", "x")
        title = str(reader.query_one("#reader-title").render())
        here = sentences["a-harbour.txt"] - 3
        assert f"{here} left here" in title
        assert f"{sum(sentences.values()) - 3} in corpus" in title
        # Three quick keys are no pace yet: the rate waits for a minute of labelling.
        assert "3 labelled" in title and "/h" not in title
        assert app.pace.labelled == 3 and app.pace.per_hour() is None
    app.store.close()


def test_pace_is_a_rate_only_after_a_minute() -> None:
    from tui.session import Pace

    now = [1000.0]
    pace = Pace(clock=lambda: now[0])
    for seconds in (0, 2, 4):
        now[0] = 1000.0 + seconds
        pace.add()
    assert pace.per_hour() is None and pace.describe() == "3 labelled"
    now[0] = 1000.0 + 120
    pace.add(2)
    # 4 labels after the first, over two minutes: 120 an hour.
    assert pace.per_hour() == 120 and pace.describe() == "5 labelled · 120/h"
