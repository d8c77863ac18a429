"""The article list, startup and configuration: the app as it first appears."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.notifications import Notify

from corpus.articles import load_corpus, sample_corpus_path
from corpus.errors import ClaimscopeError
from tui.app import create_app
from tui.config import Config, ConfigError, Position, PositionBook, load_config
from tui.screens.articles import ArticlesScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article_table import ArticleTable

from apps import make_app

pytestmark = pytest.mark.anyio

ARTICLES = {
    "alpha.txt": "Alpha council [draft] budget\n\nThe council of Alpha will spend 3 million euros on roads in 2025.\n",
    "beta.md": "---\ntitle: Beta river clean-up\nsource: Valley Post\ndate: 2024-05-02\n---\n\nVolunteers removed 2 tonnes of rubbish from the Beta river. They plan to return in June.\n",
    "gamma.txt": "Gamma school wins prize\n\nGamma School won a national science prize on Friday. Pupils built a solar car.\n",
}



@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    return folder



def titles(table: ArticleTable) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_list_shows_articles_errors_and_header(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticlesScreen)
        table = screen.query_one(ArticleTable)
        shown = titles(table)
        assert "Alpha council [draft] budget" in shown
        assert "Beta river clean-up" in shown
        assert any(title.startswith("⚠ broken.json") for title in shown)
        header = str(screen.query_one("#list-header").render())
        assert "tester" in header and "store" in header and "unreadable" in header
        assert str((tmp_path / "store").name) in header
        # the beta row knows its source and date
        beta = table.get_row("beta.md")
        assert str(beta[1]) == "Valley Post" and str(beta[2]) == "2024-05-02"
    app.store.close()


async def test_sort_filter_and_open(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ArticlesScreen)
        table = screen.query_one(ArticleTable)
        await pilot.press("s")  # sort by title
        assert screen.sort_column == "title"
        order = [t for t in titles(table) if not t.startswith("⚠")]
        assert order == sorted(order, key=str.casefold)
        await pilot.press("S")
        assert [t for t in titles(table) if not t.startswith("⚠")] == order[::-1]
        await pilot.press("s", "s", "s")  # words, largest first
        assert screen.sort_column == "words"
        words = [int(str(table.get_row_at(i)[3])) for i in range(len(order))]
        assert words == sorted(words, reverse=True)
        await pilot.press("slash", *"river")
        assert titles(table) == ["Beta river clean-up"]
        await pilot.press("q")  # typing in the filter, not quitting
        assert app.is_running and titles(table) == []
        await pilot.press("backspace", "enter")
        assert titles(table) == ["Beta river clean-up"]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.id == "beta.md"
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")  # clears the filter
        assert len(titles(table)) == 4
    app.store.close()


async def test_escape_leaves_the_filter_field(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        table = screen.query_one(ArticleTable)
        await pilot.press("slash", "q")  # q is typed into the field, not "quit"
        assert app.is_running and screen.query_one("#filter").has_focus and screen.filter_text == "q"
        await pilot.press("escape")
        assert table.has_focus and not screen.query_one("#filter").display
        assert screen.filter_text == "" and table.row_count == 4
        await pilot.press("down", "end", "home", "enter")  # the table answers keys again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.id == table.row_keys[0]
    app.store.close()


async def test_table_draws_only_what_is_on_screen(tmp_path: Path, analyzer) -> None:
    """A thousand rows: cells are made for the rows drawn, not for every row."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1000):
        (folder / f"a{n:04d}.txt").write_text(f"Title {n:04d}\n\nBody {n} words here.\n", encoding="utf-8")
    app = make_app(folder, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticlesScreen)
        table = screen.query_one(ArticleTable)
        assert table.row_count == 1000
        made = [row for row in screen.rows if row.words is not None]
        assert 0 < len(made) < 100  # words counted only for the rows drawn so far
        await pilot.press("end")
        assert table.cursor_key == "a0999.txt" and table.scroll_y > 900
        await pilot.press("s")  # sort by title: every row is ordered, still without drawing them all
        assert table.get_row_at(0)[0].plain == "Title 0000"
    app.store.close()


async def test_error_row_says_why(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    notes: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        table = app.screen.query_one(ArticleTable)
        table.move_cursor(row=table.get_row_index("broken.json"))
        await pilot.press("enter")
        assert isinstance(app.screen, ArticlesScreen)
        assert notes and "json" in notes[-1].lower()
    app.store.close()


async def test_progress_columns_follow_labels(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        app.open_article("gamma.txt")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("1", "j", "x", "q")
        row = app.list_screen.query_one(ArticleTable).get_row("gamma.txt")
        assert str(row[6]) == "1"  # one claim
        assert str(row[7]) == "2/2"  # both sentences reviewed
    app.store.close()


async def test_counts_fill_in_when_an_article_is_first_analysed(corpus_dir: Path, tmp_path: Path, nlp) -> None:
    """A new corpus: the list starts with dashes and an opened article's row gets its counts."""
    from corpus.analysis import Analyzer

    fresh = Analyzer(cache_dir=tmp_path / "fresh-cache")  # nothing of this corpus analysed yet
    app = make_app(corpus_dir, tmp_path / "store", fresh)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.list_screen.query_one(ArticleTable)
        assert [str(cell) for cell in table.get_row("alpha.txt")[4:6]] == ["–", "–"]
        app.open_article("alpha.txt")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        analysis = app.reader.analysis
        entities = sum(1 for span in analysis.spans if span.kind == "entity")
        figures = sum(1 for span in analysis.spans if span.kind == "figure")
        assert entities >= 1 and figures >= 1  # "Alpha", "3 million euros"
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ArticlesScreen)
        assert [str(cell) for cell in table.get_row("alpha.txt")[4:6]] == [str(entities), str(figures)]
        assert [str(cell) for cell in table.get_row("gamma.txt")[4:6]] == ["–", "–"]  # not opened
    app.store.close()


async def test_missing_model_opens_and_reads(corpus_dir: Path, tmp_path: Path) -> None:
    notes: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    app = create_app(
        corpus_dir, model="no_such_pipeline_xyz", store_dir=tmp_path / "store", annotator="tester", restore=False
    )
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        app.open_article("alpha.txt")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert any("pip install" in note for note in notes)
        await pilot.press("j", "1")  # keys answer; nothing to label without sentences
        await pilot.pause()
        assert app.is_running
        assert any("could not be analysed" in note for note in notes)
        assert not any("still being analysed" in note for note in notes)
    app.store.close()


def test_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert load_config(path).keys == {}
    path.write_text('theme = "textual-light"\n[keys]\n"reader.claim" = "C"\n"reader.next_sentence" = ["j", "t"]\n')
    config = load_config(path)
    assert config.theme == "textual-light"
    assert config.keys == {"reader.claim": "C", "reader.next_sentence": "j,t"}
    path.write_text("[keys\n")
    with pytest.raises(ConfigError) as bad:
        load_config(path)
    assert isinstance(bad.value, ClaimscopeError) and str(path) in str(bad.value)
    path.write_text("[keys]\n'reader.claim' = 3\n")
    with pytest.raises(ConfigError, match="reader.claim"):
        load_config(path)


def test_positions_survive_a_damaged_file(tmp_path: Path) -> None:
    book = PositionBook(tmp_path / "positions.json")
    assert book.get(tmp_path) is None
    book.set(tmp_path, Position("a.txt", 4))
    assert book.get(tmp_path) == Position("a.txt", 4)
    (tmp_path / "positions.json").write_text("{oops")
    assert book.get(tmp_path) is None
    book.set(tmp_path, Position("b.txt", 1))
    assert json.loads((tmp_path / "positions.json").read_text())


async def test_light_theme_from_config(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, config=Config(theme="textual-light"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light" and not app.current_theme.dark
        app.toggle_dark()
        assert app.current_theme.dark
    app.store.close()


def test_startup_does_not_import_spacy(tmp_path: Path) -> None:
    """The list of a corpus comes up without spaCy in the process (checked in a fresh one)."""
    script = f"""
import asyncio, sys
from pathlib import Path
from tui.app import create_app

async def main():
    app = create_app(Path({str(sample_corpus_path())!r}), store_dir=Path({str(tmp_path / 'store')!r}),
                     annotator="tester", restore=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = app.list_screen.query_one("ArticleTable").row_count
    app.store.close()
    print(rows, "spacy" in sys.modules)

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows, spacy_loaded = result.stdout.split()[-2:]
    assert int(rows) >= 5
    assert spacy_loaded == "False"


async def test_quitting_while_the_reader_is_being_built_is_clean(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    # The reader is built off-screen once the list is up; a quit at that moment (q typed
    # at once) used to end in a NoMatches traceback from the half-built screen.
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)):
        app._prepare_reader()
        assert app.reader is not None
        app.exit()
    assert app.return_code == 0
    app.store.close()


def test_start_up_does_not_import_the_reader_screen(corpus_dir: Path, tmp_path: Path) -> None:
    # Start-up checks the label keys against the reader's keys, which needs only the
    # reader's bindings: the screen and its parts load after the list is painted.
    script = (
        "import sys; from pathlib import Path; from tui.app import create_app\n"
        f"app = create_app(Path({str(corpus_dir)!r}), store_dir=Path({str(tmp_path / 'store')!r}), restore=False)\n"
        "app.store.close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui.screens.reader')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['tui.screens.reader', 'tui.screens.reader.bindings']"


async def test_cached_counts_fill_in_after_the_first_frame(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    """Counts of articles analysed before start arrive by themselves, whether the app
    starts on the list or reopens straight into the reader (the list never drawn)."""
    corpus = load_corpus(corpus_dir)
    alpha = next(article for article in corpus.articles if article.id == "alpha.txt")
    if analyzer.counts(alpha) is None:
        analyzer.analyze(alpha)  # into the cache, as `claimscope analyze` would
    counts = analyzer.counts(alpha)
    expected = [str(counts.entities), str(counts.figures)]
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.list_screen.query_one(ArticleTable)
        assert [str(cell) for cell in table.get_row("alpha.txt")[4:6]] == expected
        app.remember("alpha.txt", 0)
        app.save_position()
    app.store.close()
    again = make_app(corpus_dir, store_dir, analyzer, restore=True)
    async with again.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(again.screen, ArticlesScreen)  # reopened in the reader
        table = again.list_screen.query_one(ArticleTable)
        assert [str(cell) for cell in table.get_row("alpha.txt")[4:6]] == expected
    again.store.close()
