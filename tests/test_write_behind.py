"""A label key does not wait for the disk: the store's writer thread makes it durable.

The key labels, advances and repaints at once while the save cell says "pending"; the
cell says "saved" only once the write is durable; a failed write puts the label back
and says why in one line; quitting waits for every queued write; and a process killed
with SIGKILL right after a burst of keys has every label it showed as saved on disk.

The disk is held back with a real delay: the writer's durable write waits on an event
the test sets, then runs the real write (temp file, fsync, rename) on a real file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from annotations.store import Store
from annotations.storage import AtomicJSONStorage
from corpus.articles import load_corpus
from tui.config import Config
from tui.widgets.save_indicator import SaveIndicator

from apps import corpus_folder, make_app, open_reader
from terminal import TMUX, env_prefix

pytestmark = pytest.mark.anyio

ARTICLE = """Harbour reports record cargo

The Port of Westhaven handled 4.2 million tonnes of cargo in 2023, the authority said on Monday.

Chief executive Maria Jensen said waiting times had halved. She expects traffic to grow next year.

Dock workers will get a 3% raise from April, the union said.
"""


class HeldDisk:
    """The writer's durable write, held until the test lets it go (then the real write)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.waiting = threading.Event()
        self.writes = 0

    def __call__(self, storage: AtomicJSONStorage, data: dict) -> None:
        self.waiting.set()
        assert self.release.wait(30), "the test never let the write go"
        storage.write(data)
        self.writes += 1


def stored_labels(store_dir: Path) -> dict[int, str]:
    """Sentence index -> label, read straight from the article files on disk."""
    got: dict[int, str] = {}
    for path in store_dir.glob("annotators/*/articles/*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data.get("labels", {}).values():
            got[record["sentence_index"]] = record["label"]
    return got


def held_app(tmp_path: Path, analyzer, disk: HeldDisk, advance: str = "next"):
    corpus_dir = corpus_folder(tmp_path, {"harbour.txt": ARTICLE})
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer, config=Config(advance=advance))
    # The app's own writer thread, with the held disk (the app keeps a writer already on).
    app.store.write_behind(app._writer_said, write=disk)
    return app, store_dir


async def test_the_key_paints_and_advances_before_the_write_and_says_saved_after(tmp_path: Path, analyzer) -> None:
    disk = HeldDisk()
    app, store_dir = held_app(tmp_path, analyzer, disk)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot, "harbour.txt")
        cell = reader.query_one(SaveIndicator)
        await pilot.press("1")
        await pilot.pause()
        assert disk.waiting.wait(10)  # the write has started and is held at the disk
        # Painted and advanced while the write is held: memory, the view and the cell.
        assert reader.doc.label_of(0) == "quantity" and reader.view.cursor == 1
        assert "s1 quantity pending" in str(cell.render()) and "saved" not in str(cell.render())
        assert "s1 quantity pending" in app.export_screenshot().replace("&#160;", " ")
        assert stored_labels(store_dir) == {}  # nothing on disk yet
        assert app.store.pending_writes() == 1
        # More keys queue behind it, in order (the second and third may become one write).
        await pilot.press("2", "x")
        await pilot.pause()
        assert reader.view.cursor == 3 and "pending" in str(cell.render())
        disk.release.set()
        app.settle_writes()
        await pilot.pause()
        assert "s3 none saved" in str(cell.render())
        assert stored_labels(store_dir) == {0: "quantity", 1: "cause", 2: "none"}
        assert disk.writes in (2, 3)  # coalesced or not, never more writes than keys
        # Undo of a pending label: queued behind it, and the file ends as memory says.
        disk.release.clear()
        await pilot.press("3", "u")
        await pilot.pause()
        assert reader.doc.label_of(3) is None and "pending" in str(cell.render())
        disk.release.set()
        app.settle_writes()
        assert stored_labels(store_dir) == {0: "quantity", 1: "cause", 2: "none"}
    app.store.close()


async def test_a_failed_write_puts_the_label_back_and_says_why_in_one_line(tmp_path: Path, analyzer) -> None:
    disk = HeldDisk()
    disk.release.set()
    app, store_dir = held_app(tmp_path, analyzer, disk)
    notes: list[str] = []

    def hook(message) -> None:
        from textual.notifications import Notify

        if isinstance(message, Notify):
            notes.append(message.notification.message)

    async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
        reader = await open_reader(app, pilot, "harbour.txt")
        cell = reader.query_one(SaveIndicator)
        await pilot.press("1")
        await pilot.pause()
        app.settle_writes()
        assert stored_labels(store_dir) == {0: "quantity"}
        # The disk is held while the key is answered; then the article folder is gone
        # (a real file in its place), so the real write fails.
        disk.release.clear()
        await pilot.press("2")
        await pilot.pause()
        assert reader.doc.label_of(1) == "cause" and "pending" in str(cell.render())
        [articles] = store_dir.glob("annotators/*/articles")
        moved = articles.with_name("articles-away")
        articles.rename(moved)
        articles.write_text("not a folder\n", encoding="utf-8")
        disk.release.set()
        app.settle_writes()
        await pilot.pause()
        # Back as the file holds it: s2 unlabelled, on screen and in memory; one line says why.
        assert reader.doc.label_of(1) is None and reader.doc.label_of(0) == "quantity"
        assert "not saved" in str(cell.render())
        failures = [note for note in notes if "not saved" in note]
        assert len(failures) == 1 and "\n" not in failures[0], notes
        assert str(articles) in failures[0] and failures[0].startswith("label not saved"), failures[0]
        assert app.store.can_undo  # the saved label's step is still there; the failed one is not
        # The folder back: the same key works.
        articles.unlink()
        moved.rename(articles)
        await pilot.press("k", "2")
        await pilot.pause()
        app.settle_writes()
        assert "s2 cause saved" in str(cell.render())
    app.store.close()
    assert stored_labels(store_dir) == {0: "quantity", 1: "cause"}


async def test_quitting_with_writes_pending_waits_for_them(tmp_path: Path, analyzer) -> None:
    disk = HeldDisk()
    app, store_dir = held_app(tmp_path, analyzer, disk)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_reader(app, pilot, "harbour.txt")
        await pilot.press("1", "2", "x", "3")
        await pilot.pause()
        assert disk.waiting.wait(10)
        assert stored_labels(store_dir) == {}
        # The disk comes back a moment after the quit key; the app must not finish before.
        threading.Timer(0.3, disk.release.set).start()
        await pilot.press("ctrl+q")
    # run_test has returned: the app unmounted; the store is not closed yet.
    assert disk.release.is_set()
    assert stored_labels(store_dir) == {0: "quantity", 1: "cause", 2: "none", 3: "prediction"}
    app.store.close()


def test_the_store_writes_behind_in_order_and_close_waits(tmp_path: Path, analyzer) -> None:
    corpus_dir = corpus_folder(tmp_path, {"harbour.txt": ARTICLE})
    corpus = load_corpus(corpus_dir)
    article = corpus.get("harbour.txt")
    sentences = analyzer.analyze(article).sentences
    disk = HeldDisk()
    results = []
    store = Store.open(corpus.root, annotator="tester", store_dir=tmp_path / "store")
    store.write_behind(results.append, write=disk)
    doc = store.article(article, sentences)
    for index, name in enumerate(("quantity", "cause", "none", "prediction")):
        doc.set_label(index, name)  # returns at once: the disk is held
    assert disk.waiting.wait(10) and stored_labels(tmp_path / "store") == {}
    assert doc.label_of(3) == "prediction" and store.pending_writes() == 4
    disk.release.set()
    store.close()  # waits for the queue
    assert stored_labels(tmp_path / "store") == {0: "quantity", 1: "cause", 2: "none", 3: "prediction"}
    assert all(result.ok for result in results) and results[-1].last == 4
    # In ticket order, no ticket twice: 1 alone (held), then 2-4 as one write or more.
    tickets = [t for result in results for t in range(result.first, result.last + 1)]
    assert tickets == [1, 2, 3, 4] and disk.writes == len(results) <= 4


# ------------------------------------------------------------------ kill -9


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True)


def _wait(session: str, predicate, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session).stdout
        if predicate(screen):
            return screen
        time.sleep(0.05)
    raise AssertionError(f"timed out in tmux; the screen was:\n{screen}")


@pytest.mark.e2e
def test_sigkill_after_fast_label_keys_keeps_every_label_shown_saved(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("no tmux installed, so there is no real terminal to drive")
    corpus_dir = corpus_folder(tmp_path, {"harbour.txt": ARTICLE})
    store_dir = tmp_path / "store"
    command = shutil.which("claimscope") or "claimscope"
    shell = (
        f"exec env {env_prefix()} {shlex.quote(command)} {shlex.quote(str(corpus_dir))} "
        f"--store {shlex.quote(str(store_dir))}"
    )
    keys = "123x"  # quantity, cause, prediction, none on s1..s4 (advance on label)
    names = {"1": "quantity", "2": "cause", "3": "prediction", "x": "none"}
    session = f"claimscope-behind-{os.getpid()}"
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell)
    try:
        _wait(session, lambda s: "Harbour reports" in s)
        _tmux("send-keys", "-t", session, "Enter")
        _wait(session, lambda s: "reviewed · s" in s)  # the reader's status line, not the list's
        _tmux("send-keys", "-t", session, "g", *keys)  # one burst, as fast as tmux types
        screen = _wait(session, lambda s: re.search(r"s\d \w+ saved", s) is not None)
        pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").stdout.strip())
        os.kill(pid, signal.SIGKILL)  # right away
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
    finally:
        _tmux("kill-session", "-t", session)
    stored = stored_labels(store_dir)
    shown = re.search(r"s(\d) (\w+) saved", screen)
    if shown is not None:
        # Written in key order: "sN saved" means s1..sN are all durable.
        last = int(shown.group(1))
        assert shown.group(2) == names[keys[last - 1]]
        for index in range(last):
            assert stored.get(index) == names[keys[index]], (screen, stored)
    # Nothing on disk that was not asked for; whatever is there is whole, parseable JSON.
    assert all(stored[index] == names[keys[index]] for index in stored), stored


def test_a_failed_write_behind_puts_memory_and_undo_back_and_later_writes_go_on(tmp_path: Path, analyzer) -> None:
    corpus_dir = corpus_folder(tmp_path, {"harbour.txt": ARTICLE})
    corpus = load_corpus(corpus_dir)
    article = corpus.get("harbour.txt")
    sentences = analyzer.analyze(article).sentences
    results = []
    store = Store.open(corpus.root, annotator="tester", store_dir=tmp_path / "store")
    store.write_behind(results.append)
    doc = store.article(article, sentences)
    doc.set_label(0, "quantity")
    doc.set_label(1, "cause")
    store.flush()
    for result in results:
        assert not store.settle(result)
    results.clear()
    # The article folder gone (a file in its place): the next writes fail for real.
    [articles] = (tmp_path / "store").glob("annotators/*/articles")
    away = articles.with_name("away")
    articles.rename(away)
    articles.write_text("", encoding="utf-8")
    doc.set_label(2, "none")  # fails
    store.undo()  # takes back s3's label: queued behind it, dropped with it
    doc.set_label(1, "prediction")  # same generation: dropped too
    assert doc.label_of(1) == "prediction"
    store.flush()
    assert [result.ok for result in results] == [False] * len(results) and results
    rolled = [store.settle(result) for result in results]
    assert rolled[0] and not any(rolled[1:])  # one roll-back, however many results
    # Memory is what was last made durable, and the undo stack as before the failed keys.
    assert {i: r.label for i, r in doc.labels.items()} == {0: "quantity", 1: "cause"}
    assert not store.can_redo
    # The folder back: a new change of the rolled-back article is written.
    articles.unlink()
    away.rename(articles)
    results.clear()
    store.undo()  # s2's cause, the last saved step
    assert doc.label_of(1) is None
    store.flush()
    assert all(store.settle(result) is False for result in results) and all(r.ok for r in results)
    store.close()
    assert stored_labels(tmp_path / "store") == {0: "quantity"}


async def test_the_list_shows_the_labels_of_the_reader_when_it_comes_back(tmp_path: Path, analyzer) -> None:
    # The hidden list is not redrawn in the label key's frame; it is when shown again.
    corpus_dir = corpus_folder(tmp_path, {"harbour.txt": ARTICLE})
    app = make_app(corpus_dir, tmp_path / "store", analyzer, config=Config(advance="next"))
    async with app.run_test(size=(140, 30)) as pilot:
        await open_reader(app, pilot, "harbour.txt")
        await pilot.press("1", "2")
        await pilot.pause()
        app.settle_writes()
        await pilot.press("q")  # back to the list
        await pilot.pause()
        assert app.screen is app.list_screen
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "2/4" in shown and "2/4 reviewed" in shown
    app.store.close()
