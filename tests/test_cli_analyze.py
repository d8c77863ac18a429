"""`claimscope analyze` and `claimscope inspect`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

STORY = (
    "Porto fans celebrate cup win\n\n"
    "Porto beat Braga 2-1 on Sunday in front of tens of thousands of fans.\n"
    "Club president Ana Ferreira, 47, said ticket sales rose 40 per cent to €3.5m.\n"
)
OTHER = "Lisbon port grows\n\nThe port of Lisbon will hire between 200 and 300 workers, officials said.\n"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("CLAIMSCOPE_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "news"
    root.mkdir()
    (root / "porto.txt").write_text(STORY, encoding="utf-8")
    (root / "lisbon.txt").write_text(OTHER, encoding="utf-8")
    records = [
        {"title": "Madrid", "text": "Madrid said 😀 70% of 1,200 flats are empty."},
        {"title": "Rome", "text": "Rome hired a 38-year-old engineer.\r\nShe starts in May."},
    ]
    (root / "briefs.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return root


def test_analyze_then_everything_is_cached(corpus, capsys, nlp):
    assert main(["analyze", str(corpus)]) == 0
    first = capsys.readouterr().out
    assert "4 articles: 0 cached, 4 analysed" in first
    assert "tokens/s" in first
    assert main(["analyze", str(corpus), "--processes", "1"]) == 0
    second = capsys.readouterr().out
    assert "4 articles: 4 cached, 0 analysed" in second
    # same totals both times
    assert first.splitlines()[1] == second.splitlines()[1]


def test_analyze_rejects_a_bad_process_count(corpus, capsys):
    assert main(["analyze", str(corpus), "--processes", "0"]) == 2
    assert "--processes" in capsys.readouterr().err


def inspect_json(capsys, *args: str) -> dict:
    assert main(["inspect", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_inspect_json_offsets_slice_the_text(corpus, capsys, nlp):
    data = inspect_json(capsys, str(corpus / "porto.txt"))
    assert set(data) == {"id", "title", "meta", "text", "paragraphs", "sentences", "spans", "attributions"}
    assert data["id"] == "porto.txt"
    assert data["text"] == STORY
    text = data["text"]
    for key in ("paragraphs", "sentences", "spans"):
        assert data[key]
        for item in data[key]:
            piece = text[item["start"] : item["end"]]
            assert piece and piece == piece.strip()
    for sentence in data["sentences"]:
        assert any(p["start"] <= sentence["start"] and sentence["end"] <= p["end"] for p in data["paragraphs"])
    found = {text[s["start"] : s["end"]]: (s["label"], s["kind"]) for s in data["spans"]}
    assert found["2-1"] == ("SCORE", "figure")
    assert found["47"] == ("AGE", "figure")
    assert found["40 per cent"] == ("PERCENT", "figure")


def test_inspect_picks_a_record(corpus, capsys, nlp):
    first = inspect_json(capsys, str(corpus / "briefs.jsonl"))
    second = inspect_json(capsys, str(corpus / "briefs.jsonl"), "--record", "2")
    assert first["id"] != second["id"] and second["id"].startswith("briefs.jsonl#")
    assert "😀" in first["text"]  # not escaped: ensure_ascii=False
    text = second["text"]
    assert [text[s["start"] : s["end"]] for s in second["spans"] if s["label"] == "AGE"] == ["38-year-old"]
    assert main(["inspect", str(corpus / "briefs.jsonl"), "--record", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--record" in err


def test_inspect_readable(corpus, capsys, nlp):
    assert main(["inspect", str(corpus / "porto.txt")]) == 0
    out = capsys.readouterr().out
    assert "Porto fans celebrate cup win" in out
    assert "tens of thousands of fans" in out
    assert "figures" in out


def test_inspect_missing_file_is_one_line(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("claimscope: error:") and err.count("\n") == 1


def test_missing_model_exits_2_with_one_line(corpus):
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--model", "no_such_model", "inspect", str(corpus / "porto.txt")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no_such_model" in lines[0] and "pip install" in lines[0]
    assert "Traceback" not in result.stderr
