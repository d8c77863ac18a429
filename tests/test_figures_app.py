"""Figure readings in the app and in exports: the status line names the reading of the
figure under the cursor, the side panel lists the figures with their values, the
palette's figures view filters, sorts and opens a sentence, and the exports carry the
readings without breaking the round trip.

Everything is real: the spaCy pipeline (session fixture), the store in tmp_path, the
Textual app under `run_test`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotations.export import collect_rows, write_export
from annotations.importing import import_file
from annotations.store import Store
from corpus.articles import load_corpus
from tui.screens.figures import FiguresScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.side_panel import SidePanel

from apps import corpus_folder, make_app, open_reader as _open_article

pytestmark = pytest.mark.anyio

# Fictional articles written for these tests.
ARMY = """Army plans a bigger reserve

The army wants 300,000 new recruits by 2030, the defence ministry said.

Spending on training will rise by 40 per cent next year.

Officers said morale was good.
"""

SCHOOLS = """Schools report fewer pupils

Enrolment fell by 12% in the county this autumn.

The council will hire 150 new recruits for its youth service.
"""


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return corpus_folder(tmp_path, {"army.txt": ARMY, "schools.txt": SCHOOLS})


async def open_reader(app, pilot, article_id: str = "army.txt") -> ReaderScreen:
    return await _open_article(app, pilot, article_id)


def status_of(reader: ReaderScreen) -> str:
    return str(reader.query_one("#sentence-status").render())


async def test_status_line_names_the_reading_of_the_figure_under_the_cursor(corpus_dir, tmp_path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(160, 40)) as pilot:
        reader = await open_reader(app, pilot)
        # the title line has no sentence; the cursor starts on the recruits sentence
        assert "300,000 new recruits · value 300000 · unit recruit · change =" in status_of(reader)
        await pilot.press("j")
        assert "40 per cent · value 40 · unit percent · change up" in status_of(reader)
        await pilot.press("j")
        assert "value" not in status_of(reader)  # no figure in "Officers said morale was good."
        # span mode: the reading of the span under the token cursor
        await pilot.press("k", "k", "v")
        for _ in range(3):  # The army wants [300,000]
            await pilot.press("l")
        await pilot.pause()
        status = status_of(reader)
        assert "“300,000”" in status and "value 300000 · unit recruit" in status
    app.store.close()


async def test_status_line_reads_a_figure_added_by_hand(corpus_dir, tmp_path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(160, 40)) as pilot:
        reader = await open_reader(app, pilot)
        text = reader.article.text
        start = text.index("2030")
        reader.doc.remove_span(*next((s.start, s.end) for s in reader.view.spans if s.start <= start < s.end))
        reader.doc.remove_span(text.index("300,000"), text.index("300,000") + len("300,000"))
        reader.doc.add_span(start, start + 4, "CARDINAL")  # a hand-added figure, no reading of its own
        reader.reload_annotations()
        await pilot.pause()
        assert "2030 · value 2030 · change =" in status_of(reader)
    app.store.close()


async def test_side_panel_lists_figures_with_values(corpus_dir, tmp_path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(160, 40)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        panel = reader.query_one(SidePanel)
        prompts = [str(option.prompt) for option in panel.options]
        assert any(p.startswith("Figures (") for p in prompts)
        assert "  300,000 = 300,000 recruit" in prompts
        assert "  40 per cent = up 40 percent" in prompts
        panel.focus()
        figure = next(i for i, option in enumerate(panel.options) if option.id == "figure:1")
        panel.highlighted = figure
        await pilot.press("enter")
        sentence = reader.analysis.sentences[reader.view.cursor]
        assert "40 per cent" in reader.article.text[sentence.start : sentence.end]
    app.store.close()


async def test_figures_view_filters_sorts_and_opens_the_sentence(corpus_dir, tmp_path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+p", *"Figures: every figure")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FiguresScreen)
        every = {(f.row.article_id, f.row.text) for f in screen.shown}
        assert {("army.txt", "300,000"), ("schools.txt", "150"), ("schools.txt", "12%")} <= every
        await pilot.press(*"recruits")
        await pilot.pause()
        assert sorted(f.row.text for f in screen.shown) == ["150", "300,000"]  # the same noun, two articles
        await pilot.press("ctrl+s")  # by value
        assert [f.row.text for f in screen.shown] == ["150", "300,000"]
        await pilot.press(*["backspace"] * len("recruits"), *"percent")
        await pilot.pause()
        assert {f.row.text for f in screen.shown} == {"40 per cent", "12%"}
        assert "2 of" in str(screen.query_one("#figures-status").render())
        await pilot.press("down", "down")  # into the table, second row (sorted by value: 40 per cent)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == "army.txt"
        sentence = reader.analysis.sentences[reader.view.cursor]
        assert "40 per cent" in reader.article.text[sentence.start : sentence.end]
    app.store.close()


async def test_figures_view_shows_article_words_as_text_not_markup(tmp_path, analyzer) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "m.txt").write_text("Markup test\n\nThe [bold]club[/bold] sold 5,000 [red]tickets[/red].\n", encoding="utf-8")
    app = make_app(folder, tmp_path / "store", analyzer)
    async with app.run_test(size=(160, 40)) as pilot:
        app.push_screen(FiguresScreen())
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        sentence = table.get_cell_at((0, 6))
        assert "[bold]club[/bold]" in sentence.plain
    app.store.close()


# ------------------------------------------------------------------ exports


def _labelled_store(corpus_dir: Path, store_dir: Path, analyzer, by_hand: bool = True) -> tuple[Store, list]:
    corpus = load_corpus(corpus_dir)
    store = Store.open(corpus.root, annotator="ana", store_dir=store_dir)
    items = [(article, analyzer.analyze(article)) for article in corpus.articles]
    for article, analysis in items:
        doc = store.article(article, analysis.sentences)
        for index in range(len(analysis.sentences)):
            doc.set_label(index, "quantity")
    if by_hand:
        army, analysis = items[0]
        doc = store.article(army, analysis.sentences)
        start = army.text.index("2030")
        doc.add_span(start, start + 4, "CARDINAL")  # hand-added: read with read_span on export
    return store, items


def test_exports_carry_readings_and_round_trip_byte_identical(corpus_dir, tmp_path, analyzer) -> None:
    store, items = _labelled_store(corpus_dir, tmp_path / "store", analyzer)
    rows = list(collect_rows(store, items))
    out = {}
    for fmt, name in (("prodigy", "p.jsonl"), ("csv", "c.csv"), ("label-studio", "ls")):
        out[fmt] = tmp_path / name
        write_export(rows, fmt, out[fmt], store.scheme)
    store.close()

    tasks = [json.loads(line) for line in out["prodigy"].read_text(encoding="utf-8").splitlines()]
    spans = {(t["text"][s["start"] : s["end"]], s["label"]): s.get("meta", {}) for t in tasks for s in t["spans"]}
    assert spans[("300,000", "CARDINAL")] == {
        "value": 300000, "unit": "recruit", "change": "=", "counted": "new recruits", "shape": "value"
    }
    assert spans[("40 per cent", "PERCENT")]["value"] == 40 and spans[("40 per cent", "PERCENT")]["change"] == "up"
    assert spans[("2030", "CARDINAL")]["value"] == 2030  # the hand-added span got a reading

    with out["csv"].open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    # figures, then who claims it (issue 19), after the columns that were there before
    assert table[0][-4:] == ["figures", "claimant", "source", "cue"] and table[0][:3] == ["article_id", "title", "sentence_index"]
    cells = {row[5]: json.loads(row[-4]) for row in table[1:]}
    recruits = next(v for k, v in cells.items() if "300,000" in k)
    assert {"text": "300,000", "value": 300000, "unit": "recruit", "change": "=", "counted": "new recruits", "shape": "value"} in recruits
    assert cells["Officers said morale was good."] == []

    ls_tasks = json.loads((out["label-studio"] / "tasks.json").read_text(encoding="utf-8"))
    metas = [r.get("meta") for t in ls_tasks for a in t["annotations"] for r in a["result"] if r["type"] == "labels"]
    assert {"value": 300000, "unit": "recruit", "change": "=", "counted": "new recruits", "shape": "value"} in metas

    # import (the readings are ignored) into an empty store, export again: the same bytes
    round_trip(items, tmp_path, {"prodigy": out["prodigy"], "label-studio": out["label-studio"] / "tasks.json"})


def test_csv_figures_column_round_trips(corpus_dir, tmp_path, analyzer) -> None:
    """CSV holds no spans, so its import brings no span correction back (as before the
    figures column): without one, the column comes back the same from the analysis."""
    store, items = _labelled_store(corpus_dir, tmp_path / "store", analyzer, by_hand=False)
    out = tmp_path / "c.csv"
    write_export(list(collect_rows(store, items)), "csv", out, store.scheme)
    store.close()
    assert "\"unit\":\"recruit\"" in out.read_text(encoding="utf-8").replace('""', '"')
    round_trip(items, tmp_path, {"csv": out})


def round_trip(items, tmp_path: Path, files: dict[str, Path]) -> None:
    """Each file imported into an empty store and exported again gives the same bytes."""
    for fmt, path in files.items():
        target = Store.open(None, annotator="other", store_dir=tmp_path / f"again-{fmt}")
        try:
            report = import_file(target, path, {a.id: (a, an) for a, an in items}.get)
            assert report.errors == [], report.errors
            again = tmp_path / f"again-{fmt}.out"
            write_export(list(collect_rows(target, items)), fmt, again, target.scheme)
        finally:
            target.close()
        if fmt == "label-studio":
            assert (again / "tasks.json").read_bytes() == path.read_bytes()
        else:
            assert again.read_bytes() == path.read_bytes()
