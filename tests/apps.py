"""Building the real app over a corpus folder and a store folder, for the app tests."""

from __future__ import annotations

from pathlib import Path

from annotations.scheme import find_scheme
from annotations.store import Store
from corpus.articles import load_corpus
from tui.app import ClaimscopeApp
from tui.config import Config
from tui.screens.reader import ReaderScreen


def corpus_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """A corpus folder ``tmp_path/corpus`` holding ``files`` (name -> UTF-8 text)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def make_app(corpus_dir: Path, store_dir: Path, analyzer, **options) -> ClaimscopeApp:
    """The app over ``corpus_dir`` with a real store in ``store_dir`` (no position restore).

    The cursor stays after a label key unless ``config`` says otherwise: these tests move
    with j themselves; tests/test_session_flow.py drives the default (advance on label).
    """
    corpus = load_corpus(corpus_dir)
    scheme = find_scheme(corpus.root)
    store = Store.open(corpus.root, annotator="tester", scheme=scheme, store_dir=store_dir)
    options.setdefault("restore", False)
    options.setdefault("config", Config(advance="stay"))
    return ClaimscopeApp(corpus, store, scheme, analyzer, **options)


async def open_reader(app: ClaimscopeApp, pilot, article_id: str) -> ReaderScreen:
    """Open ``article_id`` in the reader and wait until its analysis is shown."""
    app.open_article(article_id)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReaderScreen) and screen.analysis is not None
    assert screen.article.id == article_id
    return screen
