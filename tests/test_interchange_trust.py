"""Import, export and stats never drop or misreport labels (issue 7, "Trust").

Real corpora in tmp_path, the real spaCy model, real TinyDB stores, and the real
``claimscope`` CLI (in process through ``main``, or as a subprocess where a
traceback would only show there).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotations.formats.table import unguard
from annotations.store import Store
from corpus.articles import load_corpus
from tui.cli import main

# Each labelled sentence holds one of the characters str.splitlines() splits at.
ARTICLE_A = (
    "Prices in May\n\n"
    "Prices rose by 5% in May\u2028according to officials.\n\n"
    "The bank said rates\u2029would rise to 3% next year.\n\n"
    "Unemployment fell\u0085to 4% last year.\n\n"
    "Nobody knows why this happened at all.\n"
)
ARTICLE_B = (
    "Survey results\n\n"
    "A survey says 40% of people agree with the plan.\n\n"
    "Another sentence here counts 12 items.\n\n"
    "Nobody expected that outcome.\n"
)
LABELS = ("quantity", "prediction", "none")


def make_corpus(root: Path, *, separators: bool = True) -> Path:
    """Articles a.txt and b.txt; ``separators=False`` puts spaces for U+2028, U+2029, U+0085."""
    root.mkdir()
    text = ARTICLE_A if separators else re.sub("[\u2028\u2029\u0085]", " ", ARTICLE_A)
    (root / "a.txt").write_text(text, encoding="utf-8")
    (root / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    return root


def label_corpus(root: Path, analyzer, notes: dict[int, str] | None = None) -> dict[str, dict[str, str]]:
    """Label the first three sentences of every article; returns article id -> sentence text -> label."""
    corpus = load_corpus(root)
    expected: dict[str, dict[str, str]] = {}
    with Store.open(corpus.root, annotator="ana") as store:
        for article in corpus.articles:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            for i, name in enumerate(LABELS[: len(analysis.sentences)]):
                doc.set_label(i, name)
                seg = analysis.sentences[i]
                expected.setdefault(article.id, {})[article.text[seg.start : seg.end]] = name
            for i, note in (notes or {}).items():
                doc.set_note(i, note)
            doc.set_checkworthy(0, True)
    return expected


def labels_in(root: Path, store_dir: Path | None, analyzer) -> dict[str, dict[str, str]]:
    """What a store holds, read back through the store: article id -> sentence text -> label
    (every annotator's shard: an import goes to the importing annotator's)."""
    corpus = load_corpus(root)
    found: dict[str, dict[str, str]] = {}
    with Store.open(corpus.root, annotator="x", store_dir=store_dir, read_only=True) as reader:
        for store, article in ((s, a) for s in reader.shards() for a in corpus.articles):
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            assert not doc.orphans
            for i, record in doc.labels.items():
                seg = analysis.sentences[i]
                assert (record.start, record.end) == (seg.start, seg.end)
                if record.label is not None:
                    found.setdefault(article.id, {})[article.text[seg.start : seg.end]] = record.label
    return found


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``claimscope`` command (as a user runs it), wide so lines are not wrapped."""
    beside = Path(sys.executable).parent / "claimscope"
    command = [str(beside)] if beside.exists() else [sys.executable, "-m", "tui.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "250"}, stdin=subprocess.DEVNULL,
    )


# ------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "csv"])
def test_line_separators_in_sentences_survive_export_and_import(tmp_path: Path, analyzer, capsys, fmt: str) -> None:
    root = make_corpus(tmp_path / "corpus")
    expected = label_corpus(root, analyzer)
    odd = [t for t in expected["a.txt"] if any(c in t for c in "\u2028\u2029\u0085")]
    assert len(odd) == 3  # the test is about these
    out = tmp_path / f"labels.{fmt}"
    assert main(["export", str(root), "-f", fmt, "-o", str(out)]) == 0
    fresh = tmp_path / "fresh"
    assert main(["import", str(root), str(out), "--store", str(fresh)]) == 0
    err = capsys.readouterr().err
    assert "6 imported, 0 unchanged, 0 rejected" in err and "Traceback" not in err
    assert labels_in(root, fresh, analyzer) == expected
    # and out again: the same file
    again = tmp_path / f"again.{fmt}"
    assert main(["export", str(root), "--store", str(fresh), "-f", fmt, "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_import_reports_true_line_numbers(tmp_path: Path, analyzer, capsys) -> None:
    root = make_corpus(tmp_path / "corpus")
    label_corpus(root, analyzer)
    out = tmp_path / "labels.jsonl"
    assert main(["export", str(root), "-f", "doccano", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    assert "\u2028" in lines[0]
    lines.insert(3, json.dumps({"text": "x", "label": ["nonsense"], "meta": {"article_id": "a.txt"}}))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))  # CRLF too: the \r is not part of a record
    assert main(["import", str(root), str(bad), "--store", str(tmp_path / "fresh")]) == 1
    err = capsys.readouterr().err
    assert "6 imported, 0 unchanged, 1 rejected" in err
    assert "line 4: unknown label 'nonsense'" in err
    assert len(re.findall(r"^line \d+", err, re.M)) == 1


def test_csv_export_imports_back_with_notes_and_checkworthy(tmp_path: Path, analyzer, capsys) -> None:
    root = make_corpus(tmp_path / "corpus")
    notes = {0: "=SUM(A1) check, \"quoted\"", 1: "+44 source?\nsecond line", 2: "-3 is down; @ana"}
    expected = label_corpus(root, analyzer, notes)
    out = tmp_path / "labels.csv"
    assert main(["export", str(root), "-f", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    fresh = tmp_path / "fresh"
    assert main(["import", str(root), str(out), "--store", str(fresh), "--annotator", "zed"]) == 0
    err = capsys.readouterr().err
    assert "6 lines: 6 imported" in err and "not valid JSON" not in err
    assert labels_in(root, fresh, analyzer) == expected
    again = tmp_path / "again.csv"
    assert main(["export", str(root), "--store", str(fresh), "-f", "csv", "-o", str(again)]) == 0
    back = list(csv.DictReader(again.open(encoding="utf-8", newline="")))
    keep = ("article_id", "sentence_index", "sentence", "label", "checkworthy", "note", "annotator", "updated")
    assert [{k: r[k] for k in keep} for r in back] == [{k: r[k] for k in keep} for r in rows]
    assert {unguard(r["note"]) for r in back} >= set(notes.values())  # ' against CSV injection
    assert [r["checkworthy"] for r in back].count("true") == 2

    # A spreadsheet's edit: a bad label in the row after a two-line note is reported at its
    # true line, the rest imported.
    text = out.read_text(encoding="utf-8")
    assert "\nsecond line" in text
    edited = tmp_path / "edited.csv"
    row_line = text.split("\n").index(next(line for line in text.split("\n") if ",none," in line and "a.txt" in line)) + 1
    edited.write_text(text.replace(",none,", ",nonsense,", 1), encoding="utf-8")
    assert main(["import", str(root), str(edited), "--store", str(tmp_path / "other")]) == 1
    err = capsys.readouterr().err
    assert f"line {row_line}: unknown label 'nonsense' (known: " in err
    assert "5 imported, 0 unchanged, 1 rejected" in err


# ------------------------------------------------------------- files that are not exports


def _xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")


@pytest.mark.parametrize(
    "name, make, expect",
    [
        ("labels.xlsx", _xlsx, "is a zip file (a spreadsheet such as .xlsx?)"),
        ("other.csv", lambda p: p.write_text("id,text,tag\n1,hello,x\n", encoding="utf-8"),
         "is not a claimscope CSV export (missing columns article_id, sentence_index, sentence, label"),
        ("labels.spacy", lambda p: p.write_bytes(b"x\x9c\x00\x01binary\x00\xff"), "is binary data, not text"),
        ("latin1.jsonl", lambda p: p.write_bytes(b'{"text": "caf\xe9"}\n'), "is not UTF-8 text (line 1)"),
        ("array.json", lambda p: p.write_text('[{"text": "x"}]\n', encoding="utf-8"), "holds one JSON array"),
        ("notes.txt", lambda p: p.write_text("just\nsome\nwords\n", encoding="utf-8"), "is neither JSON lines nor"),
        ("folder", lambda p: p.mkdir(), "does not exist or is not a file"),
    ],
)
def test_import_refuses_a_file_that_is_not_an_export_in_one_line(tmp_path: Path, name: str, make, expect: str) -> None:
    root = make_corpus(tmp_path / "corpus")
    bad = tmp_path / name
    make(bad)
    result = run_cli("import", str(root), str(bad), "--store", str(tmp_path / "store"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(("store:", "importing"))]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"claimscope: error: {bad}") and expect in lines[0]


def test_import_of_an_empty_file_imports_nothing(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "corpus")
    for name in ("empty.jsonl", "empty.csv"):
        (tmp_path / name).write_bytes(b"")
        result = run_cli("import", str(root), str(tmp_path / name), "--store", str(tmp_path / "store"))
        assert result.returncode == 0 and "Traceback" not in result.stderr
        assert "0 lines: 0 imported, 0 unchanged, 0 rejected" in result.stderr


# ------------------------------------------------------------- corrupt store files


def test_a_corrupt_store_file_is_skipped_by_import_and_named_by_stats_and_export(tmp_path: Path, analyzer, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    root = make_corpus(tmp_path / "corpus", separators=False)
    label_corpus(root, analyzer)
    out = tmp_path / "labels.jsonl"
    assert main(["export", str(root), "-f", "prodigy", "-o", str(out)]) == 0
    capsys.readouterr()
    with Store.open(root, annotator="ana", read_only=True) as store:  # ana's shard
        broken = store.file_for("a.txt")
        fine = store.file_for("b.txt")
    broken.write_text('{"labels": {"1": {"label": "quan', encoding="utf-8")
    fine.unlink()  # b's labels must come back from the import

    result = run_cli("import", str(root), str(out), "--annotator", "ana")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "6 lines: 3 imported, 0 unchanged, 3 rejected" in result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and "article 'a.txt'" in skipped[0] and str(broken) in skipped[0]
    assert "repair it" in skipped[0] and "move it away" in skipped[0]
    assert broken.read_text(encoding="utf-8") == '{"labels": {"1": {"label": "quan'  # untouched
    assert labels_in_article(root, "b.txt", analyzer) == {0: "quantity", 1: "prediction", 2: "none"}

    assert main(["stats", str(root)]) == 0
    stats_out = capsys.readouterr().out
    assert "not in the corpus" not in stats_out and broken.stem not in stats_out.replace(str(broken), "")
    assert f"corrupt store file for article 'a.txt' (its labels are not counted): store file {broken}" in stats_out
    assert "3 sentences reviewed in 1 of 2 articles" in stats_out

    assert main(["export", str(root), "-f", "csv", "-o", str(tmp_path / "x.csv")]) == 0
    err = capsys.readouterr().err
    assert "not in the corpus" not in err
    assert err.count(f"corrupt store file for article 'a.txt' (its labels are not exported): store file {broken}") == 1


def labels_in_article(root: Path, article_id: str, analyzer) -> dict[int, str]:
    corpus = load_corpus(root)
    article = corpus.get(article_id)
    analysis = analyzer.analyze(article)
    with Store.open(corpus.root, annotator="x", read_only=True) as reader:
        return {
            i: r.label
            for store in reader.shards()
            for i, r in store.article(article, analysis.sentences).labels.items()
            if r.label
        }


# ------------------------------------------------------------- stats follow the text


def summary_line(out: str) -> str:
    return next(line for line in out.splitlines() if "sentences reviewed" in line)


def test_stats_follow_an_edited_article_like_export(tmp_path: Path, analyzer, capsys) -> None:
    root = make_corpus(tmp_path / "corpus")
    (root / "b.txt").unlink()
    label_corpus(root, analyzer)
    assert main(["stats", str(root)]) == 0
    assert summary_line(capsys.readouterr().out) == "3 sentences reviewed in 1 of 1 articles; 0 orphaned labels."
    # The second labelled sentence is deleted from the article (nobody opens it since).
    text = ARTICLE_A.replace("The bank said rates\u2029would rise to 3% next year.\n\n", "")
    (root / "a.txt").write_text(text, encoding="utf-8")

    assert main(["stats", str(root)]) == 0
    out = capsys.readouterr().out
    assert summary_line(out) == "2 sentences reviewed in 1 of 1 articles; 1 orphaned labels."
    labels = {line.split()[1]: line.split()[-2] for line in out.splitlines() if line.startswith("│ ") and len(line.split()) == 7}
    assert (labels["quantity"], labels["prediction"], labels["none"]) == ("1", "0", "1")

    out_csv = tmp_path / "x.csv"
    assert main(["export", str(root), "-f", "csv", "-o", str(out_csv)]) == 0
    err = capsys.readouterr().err
    assert "1 orphaned label(s)" in err
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8", newline="")))
    assert len(rows) == 2 and {r["label"] for r in rows} == {"quantity", "none"}
    # stats read only: the store file still holds the old placement
    with Store.open(root, annotator="ana", read_only=True) as store:
        assert {s.article_id: len(s.labels) for s in store.stored_articles()} == {"a.txt": 3}


# ------------------------------------------------------------- export output path


@pytest.mark.parametrize("where", ["out.jsonl", ".claimscope/out.jsonl", "sub/../deeper.jsonl", "."])
def test_export_refuses_to_write_inside_the_corpus_folder(tmp_path: Path, analyzer, capsys, where: str) -> None:
    root = make_corpus(tmp_path / "corpus")
    label_corpus(root, analyzer)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    out = root / where
    assert main(["export", str(root), "-f", "prodigy", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"claimscope: error: {out} is inside the corpus folder {root.resolve()}; exported files "
        "would be read as articles. Write it elsewhere."
    )
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert [a.id for a in load_corpus(root).articles] == ["a.txt", "b.txt"]


def test_export_beside_the_corpus_folder_is_fine(tmp_path: Path, analyzer) -> None:
    root = make_corpus(tmp_path / "corpus")
    label_corpus(root, analyzer)
    (tmp_path / "corpus-exports").mkdir()
    out = tmp_path / "corpus-exports" / "x.jsonl"  # a sibling whose name starts like the corpus
    assert main(["export", str(root), "-f", "prodigy", "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").split("\n")) == 7


# ------------------------------------------------------------- bad input, no traceback


def test_import_survives_deep_nesting_and_lone_surrogates(tmp_path: Path, analyzer) -> None:
    root = make_corpus(tmp_path / "corpus", separators=False)
    corpus = load_corpus(root)
    article = corpus.get("b.txt")
    analysis = analyzer.analyze(article)
    first, second = (article.text[s.start : s.end] for s in analysis.sentences[:2])
    lines = [
        '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        # json.dumps writes a lone surrogate as the escape \ud83d, as other tools do
        json.dumps({"text": first, "label": ["quantity"], "meta": {"article_id": "b.txt", "note": "see \ud83d"}}),
        json.dumps({"text": second, "label": ["none"], "meta": {"article_id": "b.txt", "annotator": "\udc00x"}}),
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("import", str(root), str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "line 1: not valid JSON here (nested too deeply)" in result.stderr
    assert "line 2: 1 lone surrogate escape(s)" in result.stderr and "line 3: 1 lone surrogate" in result.stderr
    # the store file stays readable UTF-8 and holds both labels
    with Store.open(root, annotator="tester", read_only=True) as store:  # the importing annotator
        store.file_for("b.txt").read_bytes().decode("utf-8")
        doc = store.article(article, analysis.sentences)
        assert doc.error is None
        assert (doc.labels[0].label, doc.labels[0].note) == ("quantity", "see \ufffd")
        other = next(s for s in store.shards() if s.annotator == "\ufffdx")  # the record's annotator's shard
        assert (other.article(article, analysis.sentences).labels[1].label, other.annotator) == ("none", "\ufffdx")


@pytest.mark.parametrize("field, value", [("label", ["quantity"]), ("sentence_index", "0"), ("updated", 3), ("annotator", 7)])
def test_a_store_record_with_a_wrong_type_is_named_as_corrupt(tmp_path: Path, analyzer, field: str, value) -> None:
    root = make_corpus(tmp_path / "corpus", separators=False)
    label_corpus(root, analyzer)
    with Store.open(root, annotator="ana", read_only=True) as store:  # label_corpus's shard
        broken = store.file_for("b.txt")
    data = json.loads(broken.read_text(encoding="utf-8"))
    data["labels"]["1"][field] = value
    broken.write_text(json.dumps(data), encoding="utf-8")
    for command in (["stats", str(root)], ["export", str(root), "-f", "csv", "-o", str(tmp_path / "x.csv")]):
        result = run_cli(*command)
        output = result.stdout + result.stderr
        assert result.returncode == 0 and "Traceback" not in output, output
        assert "corrupt store file for article 'b.txt'" in output and str(broken) in output
    rows = list(csv.DictReader((tmp_path / "x.csv").open(encoding="utf-8", newline="")))
    assert {r["article_id"] for r in rows} == {"a.txt"}  # a.txt's labels still exported
