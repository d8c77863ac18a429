"""`claimscope stats` (and export's CLI filters) on the sample corpus with a real store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotations.store import Store
from tui.cli import main


@pytest.fixture
def sample_store(tmp_path: Path, analyzer):
    from corpus.articles import load_corpus, sample_corpus_path

    corpus = load_corpus(sample_corpus_path())
    store_dir = tmp_path / "store"
    for annotator, article in zip(("ana", "ana", "bea"), corpus.articles[:3]):
        with Store.open(corpus.root, annotator=annotator, store_dir=store_dir) as store:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            doc.set_label(0, "quantity")
            doc.set_label(1, "none")
    return corpus, store_dir


def test_stats_prints_store_path_progress_and_counts(sample_store, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    corpus, store_dir = sample_store
    assert main(["stats", str(corpus.root), "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert f"store: {store_dir.resolve()}" in out
    lines = out.splitlines()
    label_rows = {line.split()[1]: line.split()[-2] for line in lines if line.startswith("│ ") and len(line.split()) == 7}
    assert label_rows.get("quantity") == "3" and label_rows.get("none") == "3" and label_rows.get("cause") == "0"
    assert any("ana" in line and "4" in line for line in lines)
    assert any("bea" in line and "2" in line for line in lines)
    assert "6 sentences reviewed in 3 of" in out
    for article in corpus.articles:
        assert any(article.id[:20] in line for line in lines)


def test_stats_works_while_the_app_holds_the_lock(sample_store, capsys) -> None:
    corpus, store_dir = sample_store
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as writer:
        assert not writer.read_only
        assert main(["stats", str(corpus.root), "--store", str(store_dir)]) == 0
    assert "6 sentences reviewed" in capsys.readouterr().out


def test_bad_scheme_file_is_one_line_with_the_line_number(sample_store, tmp_path: Path, capsys) -> None:
    corpus, store_dir = sample_store
    bad = tmp_path / "labels.toml"
    bad.write_text('[[labels]]\nname = "a"\nkey = "1"\n\n[[labels]]\nname = "b"\nkey = "1"\n', encoding="utf-8")
    assert main(["stats", str(corpus.root), "--store", str(store_dir), "--labels", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"claimscope: error: label scheme {bad}, line 7: duplicate key '1': already used by label 'a' (line 3); give each label its own key"


def test_export_cli_filters_by_annotator_and_label(sample_store, tmp_path: Path, capsys) -> None:
    corpus, store_dir = sample_store
    out = tmp_path / "bea.csv"
    base = ["export", str(corpus.root), "--store", str(store_dir), "-f", "csv", "-o", str(out)]
    assert main(base + ["--annotator", "bea"]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["annotator"] for r in rows} == {"bea"} and len(rows) == 2
    assert main(base + ["--label", "quantity"]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        assert [r["label"] for r in csv.DictReader(fh)] == ["quantity"] * 3
    assert main(base + ["--label", "bogus"]) == 2
    assert "unknown label 'bogus'" in capsys.readouterr().err
    assert main(base + ["--include-unreviewed"]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(1 for r in rows if r["label"]) == 6 and len(rows) > 6
