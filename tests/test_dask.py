"""``claimscope analyze PATH --dask local:2``: the same analyser on a Dask LocalCluster of
two worker processes writes the same cache as the single-process analysis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.analysis import Analyzer
from corpus.articles import load_corpus

# Fictional articles written for this test: figures, dates, entities, a header line.
ARTICLES = {
    "port.txt": "Mar 14, 2024 - Business\n\nPort traffic rises\n\nThe Port of Westhaven handled 4.2 million "
    "tonnes of cargo in 2023, up 12% on the year before.\n\nChief executive Maria Jensen said waiting "
    "times were cut by half.\n",
    "army.txt": "The army wants 300,000 new recruits by 2030, the defence ministry said on Tuesday.\n\n"
    "Spending on training will rise by 40 per cent next year.\n",
    "school.txt": "Enrolment fell by 12% in the county this autumn.\n\nThe council will hire 150 teachers "
    "within 48 hours of the vote, councillor Tom Reyes said.\n",
    "club.txt": "The club sold 5,000 tickets for £25 each.\n\nThe match ended 2 – 1 after 90 minutes.\n",
    "rain.txt": "More than a fifth of the rain fell in one week in May 2021.\n\nTens of thousands of homes lost power.\n",
}


def _cache_files(root: Path) -> dict[str, bytes]:
    """Every analysis file of a cache folder, by path inside it (the journal and the
    corpus index apart)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted((root / "analyses").rglob("*.json"))
    }


def _journal_lines(root: Path) -> set[str]:
    return {line for path in root.rglob("counts-*.log") for line in path.read_text(encoding="utf-8").splitlines()}


def test_analyze_on_a_two_worker_local_cluster_writes_the_same_cache(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="Dask is not installed: pip install 'claimscope[dask]'")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for name, text in ARTICLES.items():
        (corpus_dir / name).write_text(text, encoding="utf-8")

    single = tmp_path / "single"
    analyzer = Analyzer(cache_dir=single)
    analysed = list(analyzer.analyze_many(load_corpus(corpus_dir).articles))
    assert len(analysed) == len(ARTICLES) and analyzer.stats.analysed == len(ARTICLES)

    clustered = tmp_path / "clustered"
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "analyze", str(corpus_dir), "--dask", "local:2"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "CLAIMSCOPE_CACHE_DIR": str(clustered), "COLUMNS": "200"},
        cwd=Path(__file__).resolve().parents[1],
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(ARTICLES)} articles: 0 cached, {len(ARTICLES)} analysed" in result.stdout

    files = _cache_files(clustered)
    assert len(files) == len(ARTICLES)
    assert files == _cache_files(single)  # byte for byte, readings included
    assert _journal_lines(clustered) == _journal_lines(single)

    # the app reads it: a fresh Analyzer finds every article cached, equal to the single run
    reader = Analyzer(cache_dir=clustered)
    for article, analysis in analysed:
        cached = reader.cached(article)
        assert cached == analysis
        assert [s.reading for s in cached.spans] == [s.reading for s in analysis.spans]


def test_a_bad_scheduler_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "analyze", str(tmp_path), "--dask", "somewhere"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "claimscope: error: --dask 'somewhere': expected a scheduler address (tcp://HOST:PORT) "
        "or local:N (N worker processes here)"
    ]


def test_without_dask_the_analysis_never_imports_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The club sold 5,000 tickets.\n", encoding="utf-8")
    code = (
        "import sys; from tui.cli import main; rc = main(['analyze', sys.argv[1]]); "
        "print('dask' in sys.modules or 'distributed' in sys.modules); sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "CLAIMSCOPE_CACHE_DIR": str(tmp_path / "cache")},
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
