"""Snapshots of the screens (SVG, in tests/__snapshots__): list, reader, help, 80×24, light.

The app runs from inside tmp_path so the header shows relative paths, labels are put
in the store before the app starts (the save indicator shows no clock), and analyses
are cached first so no worker runs while the picture is taken.
Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.scheme import find_scheme
from annotations.store import Store
from corpus.articles import load_corpus
from tui.app import ClaimscopeApp
from tui.config import Config

ARTICLE = """Island ferry fares to rise by 8% [update]

The Northsea Ferry Company will raise fares by 8% from 1 June, its owners said on Tuesday. A return ticket to Marrow Island will cost £38.

Company director Ruth Okafor said fuel costs had risen by a third since 2022. She said the firm carried 410,000 passengers last year.

Islanders said the rise would hit families hardest. The Marrow Island Council will discuss the fares at its meeting in May.

“We cannot keep absorbing the costs,” Okafor said. Tickets bought before Friday keep the old price.
"""

SECOND = """Town library extends Sunday hours

Brookfield Library will open until 8pm on Sundays from April, the city council said. The change costs £45,000 a year.
"""


@pytest.fixture
def snapshot_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analyzer):
    """An app over two articles, with three labels already stored."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "library.txt").write_text(SECOND, encoding="utf-8")
    (folder / "notes.json").write_text("[1, 2", encoding="utf-8")  # an unreadable file
    corpus = load_corpus(folder)
    scheme = find_scheme(corpus.root)
    store = Store.open(corpus.root, annotator="tester", scheme=scheme, store_dir=tmp_path / "store")
    for article in corpus.articles:
        analysis = analyzer.analyze(article)
        if article.id == "ferry.txt":
            doc = store.article(article, analysis.sentences)
            doc.set_label(0, "quantity")
            doc.set_checkworthy(0, True)
            doc.set_label(1, "none")
            doc.set_label(2, "quantity")

    def build(**options) -> ClaimscopeApp:
        options.setdefault("restore", False)
        return ClaimscopeApp(corpus, store, scheme, analyzer, **options)

    yield build
    store.close()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _open_ferry(panel: bool = True):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.open_article("ferry.txt")
        await _settle(pilot)
        await pilot.press("j", "j")
        if panel:
            await pilot.press("p")
        await _settle(pilot)

    return run_before


def test_list(snap_compare, snapshot_app) -> None:
    assert snap_compare(snapshot_app(), terminal_size=(120, 30), run_before=_settle)


def test_reader_all_layers(snap_compare, snapshot_app) -> None:
    assert snap_compare(snapshot_app(), terminal_size=(140, 40), run_before=_open_ferry())


def test_help(snap_compare, snapshot_app) -> None:
    async def run_before(pilot) -> None:
        await _open_ferry(panel=False)(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(snapshot_app(), terminal_size=(120, 40), run_before=run_before)


def test_reader_80x24(snap_compare, snapshot_app) -> None:
    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=_open_ferry(panel=False))


def test_list_80x24(snap_compare, snapshot_app) -> None:
    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=_settle)


def test_reader_light_theme(snap_compare, snapshot_app) -> None:
    app = snapshot_app(config=Config(theme="textual-light"))
    assert snap_compare(app, terminal_size=(100, 30), run_before=_open_ferry(panel=False))


def _every_label(pilot) -> None:
    """Every label of the scheme on the ferry article, a star, a note and a corrected span."""
    reader = pilot.app.screen
    for index, label in enumerate(pilot.app.scheme):
        if index < len(reader.analysis.sentences):
            reader.doc.set_label(index, label.name)
    reader.doc.set_checkworthy(3, True)
    reader.doc.set_note(4, "ask the [company] for the\nfuel figures")
    text = reader.article.text
    start = text.index("Ruth Okafor")
    reader.doc.relabel_span(start, start + len("Ruth Okafor"), "ORG")
    reader._refresh_annotations()


def _open_every_label(size_note: str):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.open_article("ferry.txt")
        await _settle(pilot)
        _every_label(pilot)
        await pilot.press("G")
        await _settle(pilot)

    return run_before


def test_reader_every_label_80x24(snap_compare, snapshot_app) -> None:
    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=_open_every_label("80x24"))


def test_reader_every_label_120x40(snap_compare, snapshot_app) -> None:
    assert snap_compare(snapshot_app(), terminal_size=(120, 40), run_before=_open_every_label("120x40"))
