"""The article list: rows with cached counts, error rows, no model, and the printed table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from corpus.analysis import Analyzer
from corpus.listing import Row, list_corpus, rows_of

STORY = (
    "Mar 14, 2024 - Business\n\n"
    "Harbour plan wins approval\n\n"
    "LISBON — The European Commission and the Portuguese government approved the €250 million plan on Wednesday.\n\n"
    "Residents collected 18,400 signatures against it.\n"
)


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "harbour.txt").write_text(STORY, encoding="utf-8")
    (folder / "second.md").write_text("---\ntitle: Second story\nsource: Wire\n---\nA short body.\n", encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    return folder


def test_rows_before_and_after_analysis(tmp_path, nlp):
    folder = make_corpus(tmp_path / "corpus")
    analyzer = Analyzer(cache_dir=tmp_path / "cache")
    listing = list_corpus(folder, analyzer, cache_dir=tmp_path / "cache")
    by_id = {row.id: row for row in listing.rows}
    harbour = listing.corpus.get("harbour.txt")
    assert by_id["harbour.txt"] == Row(
        id="harbour.txt",
        title="Harbour plan wins approval",
        date="2024-03-14",
        words=len(harbour.text[slice(*harbour.body)].split()),
    )
    assert by_id["second.md"].source == "Wire" and by_id["second.md"].entities is None
    assert [row.id for row in listing.rows][-1] == "broken.json"  # errors after the articles
    assert by_id["broken.json"].error.startswith("broken.json: not valid JSON")

    analysis = analyzer.analyze(harbour)
    row = {r.id: r for r in rows_of(listing.corpus, Analyzer(cache_dir=tmp_path / "cache"))}["harbour.txt"]
    assert row.entities == sum(1 for s in analysis.spans if s.kind == "entity") >= 1
    assert row.figures == sum(1 for s in analysis.spans if s.kind == "figure") >= 2
    assert row.words == by_id["harbour.txt"].words


def test_rows_without_a_model_or_an_analyzer(tmp_path):
    folder = make_corpus(tmp_path / "corpus")
    missing = Analyzer(model="no_such_model", cache_dir=tmp_path / "cache")
    with_missing = list_corpus(folder, missing, cache_dir=tmp_path / "cache").rows
    without = list_corpus(folder, cache_dir=tmp_path / "cache").rows
    assert with_missing == without
    assert [row.entities for row in without] == [None, None, None]
    assert [row.title for row in without][:2] == ["Harbour plan wins approval", "Second story"]


def run_listing(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`claimscope [options] PATH` with no terminal: the printed table."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *options, str(folder)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_the_printed_list_with_and_without_the_model(tmp_path):
    folder = make_corpus(tmp_path / "corpus")
    shown = run_listing(folder)
    assert shown.returncode == 0, shown.stderr
    assert "Harbour plan wins approval" in shown.stdout and "Second story" in shown.stdout
    assert "broken.json: not valid JSON" in shown.stdout
    assert "2 articles, 1 could not be read" in shown.stdout
    assert "warning" not in shown.stdout

    missing = run_listing(folder, "--model", "no_such_model")
    assert missing.returncode == 0, missing.stderr
    first = missing.stdout.splitlines()[0]
    assert first.startswith("claimscope: warning: spaCy pipeline 'no_such_model' is not installed")
    assert "Harbour plan wins approval" in missing.stdout
