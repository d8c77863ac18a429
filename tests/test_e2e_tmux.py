"""End to end: the installed `claimscope` command in a real terminal (tmux).

Opens a corpus, tags a claim with a key press, quits, and reads the label back through
the annotations API. Skipped when tmux or the installed command is missing.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.store import Store
from corpus.articles import load_corpus

from terminal import TMUX, env_prefix

pytestmark = pytest.mark.e2e

ARTICLE = """Rail operator adds night trains

Northline Rail will run four extra night trains between Carlow and Dunmore from 3 May, the company said on Wednesday. Tickets will cost £12.

Passenger groups welcomed the plan.
"""


def _command() -> str | None:
    found = shutil.which("claimscope")
    if found:
        return found
    beside = Path(sys.executable).parent / "claimscope"
    return str(beside) if beside.exists() else None


def _capture(session: str) -> str:
    result = subprocess.run([*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True)
    return result.stdout


def _wait_for(session: str, predicate, timeout: float = 60.0) -> str:
    """Poll the pane until ``predicate(text)`` holds (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _capture(session)
        if predicate(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting in tmux; the screen was:\n{screen}")


def _alive(session: str) -> bool:
    return subprocess.run([*TMUX, "has-session", "-t", session], capture_output=True).returncode == 0


def _one_article(tmp_path: Path, analyzer, name: str, text: str):
    """The installed command, a corpus of one analysed article and a store folder, and
    the shell line that opens it (or a skip saying what is missing)."""
    if shutil.which("tmux") is None:
        pytest.skip("no tmux installed, so there is no real terminal to drive")
    command = _command()
    if command is None:
        pytest.skip("the `claimscope` command is not installed in this environment")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / name).write_text(text, encoding="utf-8")
    store_dir = tmp_path / "store"
    article = load_corpus(corpus_dir).get(name)
    assert article is not None
    analysis = analyzer.analyze(article)  # cached, so the app shows highlights at once
    shell = (
        f"env {env_prefix()} {shlex.quote(command)} {shlex.quote(str(corpus_dir))} "
        f"--store {shlex.quote(str(store_dir))} --annotator e2e"
    )
    return command, corpus_dir, store_dir, article, analysis, shell


def test_tag_a_claim_in_a_real_terminal(tmp_path: Path, analyzer) -> None:
    command, corpus_dir, store_dir, article, analysis, shell = _one_article(tmp_path, analyzer, "rail.txt", ARTICLE)
    session = f"claimscope-e2e-{os.getpid()}"
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell], check=True)
    try:
        # Some tmux servers keep 80x24 for detached sessions; ask again, and accept either
        # size (the app must work at 80x24 too).
        subprocess.run([*TMUX, "resize-window", "-t", session, "-x", "120", "-y", "40"], capture_output=True)
        _wait_for(session, lambda s: "Rail operator" in s and "annotator" in s)
        subprocess.run([*TMUX, "send-keys", "-t", session, "Enter"], check=True)
        _wait_for(session, lambda s: "reviewed" in s and "Northline Rail" in s)
        subprocess.run([*TMUX, "send-keys", "-t", session, "1"], check=True)
        _wait_for(session, lambda s: "saved" in s)
        subprocess.run([*TMUX, "send-keys", "-t", session, "q"], check=True)
        _wait_for(session, lambda s: "Filter" in s and "Rail operator" in s)
        subprocess.run([*TMUX, "send-keys", "-t", session, "q"], check=True)
        deadline = time.monotonic() + 20
        while _alive(session) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(session), "claimscope did not quit on q"
    finally:
        if _alive(session):
            subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)

    # What leaves the tool: the installed command exports the label just tagged.
    exported = tmp_path / "labels.csv"
    result = subprocess.run(
        [command, "export", str(corpus_dir), "--store", str(store_dir), "--format", "csv", "-o", str(exported)],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with exported.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["sentence_index"], row["label"], row["annotator"]) for row in rows] == [("0", "quantity", "e2e")]
    assert rows[0]["sentence"].startswith("Northline Rail will run four extra night trains")

    with Store.open(corpus_dir, annotator="e2e", store_dir=store_dir, read_only=True) as store:
        labels = store.article(article, analysis.sentences).labels
    assert labels[0].label == "quantity"
    assert labels[0].annotator == "e2e"


CLAIMS_ARTICLE = """Harbour fees to rise

Harbour fees will rise by 12% next year, the port authority said on Monday. Ferry tickets cost £4.50 today.
"""


def test_who_claims_at_80x24_in_a_real_terminal(tmp_path: Path, analyzer) -> None:
    """At 80x24: the status line names the claimant, a source corrected by key shows,
    and the palette's Claims view lists the claim under its claimant."""
    _, corpus_dir, store_dir, article, analysis, shell = _one_article(tmp_path, analyzer, "harbour.txt", CLAIMS_ARTICLE)
    session = f"claimscope-e2e-who-{os.getpid()}"
    keys = lambda *k: subprocess.run([*TMUX, "send-keys", "-t", session, *k], check=True)  # noqa: E731
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", shell], check=True)
    try:
        subprocess.run([*TMUX, "resize-window", "-t", session, "-x", "80", "-y", "24"], capture_output=True)
        _wait_for(session, lambda s: "Harbour fees" in s and "annotator" in s)
        keys("Enter")
        screen = _wait_for(session, lambda s: "reviewed · s1" in s)
        assert "source" in screen and "cue" in screen  # the layer's legend
        keys("1")  # a claim: quantity (the cursor moves on to the next sentence)
        _wait_for(session, lambda s: "saved" in s)
        keys("k")  # back to it: the status line names its claimant right after the label
        _wait_for(session, lambda s: "quantity  port authority" in s)
        keys("v", "s")  # span mode; its first token ("Harbour") as the source
        _wait_for(session, lambda s: "source “Harbour” saved" in s)
        keys("Escape")  # out of span mode: the status line names the corrected claimant
        _wait_for(session, lambda s: "quantity  Harbour · said" in s)
        keys("C-p")
        _wait_for(session, lambda s: "Search for commands" in s or ">" in s)
        keys("Claims")
        _wait_for(session, lambda s: "Claims: every labelled claim" in s)
        keys("Enter")
        screen = _wait_for(session, lambda s: "1 claim by 1 claimant" in s)
        assert "Harbour" in screen and "quantity" in screen and "12%" in screen
        keys("Escape")
        _wait_for(session, lambda s: "reviewed · s" in s)
        keys("q")
        _wait_for(session, lambda s: "Filter" in s)
        keys("q")
        deadline = time.monotonic() + 20
        while _alive(session) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(session), "claimscope did not quit on q"
    finally:
        if _alive(session):
            subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)
    with Store.open(corpus_dir, annotator="e2e", store_dir=store_dir, read_only=True) as store:
        labels = store.article(article, analysis.sentences).labels
    assert labels[0].label == "quantity" and labels[0].attribution == "source=0-7"
