"""Bad input at the corpus level: lone surrogates, a stray byte, a package that is no pipeline."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.articles import load_corpus

CLAIMSCOPE = shutil.which("claimscope", path=str(Path(sys.executable).parent)) or "claimscope"


def claimscope(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would (no terminal: the bare command lists)."""
    return subprocess.run(
        [CLAIMSCOPE, *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


@pytest.fixture
def surrogate_corpus(tmp_path: Path) -> Path:
    """A JSONL file whose second record holds lone surrogates in its text, title and meta."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    good = json.dumps({"text": "The port handled 3 million containers. Trade grew."})
    bad = (
        '{"title": "Half an emoji \\ud83d", "meta": {"source": "Wire \\udc00"}, '
        '"text": "Fans cheered \\ud83d as 40,000 people watched. The club won 2-1."}'
    )
    (folder / "feed.jsonl").write_text(f"{good}\n\n{bad}\n", encoding="utf-8")
    return folder


def test_a_lone_surrogate_is_replaced_and_warned_about_with_its_line(surrogate_corpus: Path) -> None:
    corpus = load_corpus(surrogate_corpus, index=False)
    assert corpus.errors == []
    _, article = corpus.articles
    assert article.text == "Fans cheered \ufffd as 40,000 people watched. The club won 2-1."
    assert article.title == "Half an emoji \ufffd"
    assert article.meta["source"] == "Wire \ufffd"
    assert len(article.warnings) == 1 and article.warnings[0].startswith(
        "line 3: 3 lone surrogate escape(s)"
    )
    article.text.encode("utf-8")  # no surrogate left to stop an encoder


@pytest.mark.parametrize(
    "command",
    [
        ("corpus",),  # the bare command without a terminal: the listing
        ("stats", "corpus"),
        ("inspect", "corpus/feed.jsonl", "--record", "2"),
        ("analyze", "corpus"),
        ("export", "corpus", "--format", "prodigy", "--include-unreviewed", "-o", "out.jsonl"),
    ],
    ids=lambda c: c[0] if c[0] != "corpus" else "listing",
)
def test_every_command_reads_a_corpus_with_lone_surrogates(
    surrogate_corpus: Path, command: tuple[str, ...], nlp
) -> None:
    done = claimscope(*command, cwd=surrogate_corpus.parent)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 0, done.stderr
    if command[0] == "export":
        lines = (surrogate_corpus.parent / "out.jsonl").read_text(encoding="utf-8").splitlines()
        assert any("Fans cheered \ufffd as 40,000" in json.loads(line)["text"] for line in lines)


STRAY_BYTES = {
    # One stray cp1252 byte among many good UTF-8 characters.
    "among UTF-8": (
        "Málaga — the café reopened.\nSão Paulo sent 12 señoras.\nThe caf\xe9 on line three.\n",
        b"", "\xe9 on", 3,
    ),
    # Only one other non-ASCII character: without the BOM this would read as a legacy
    # file, but a UTF-8 byte-order mark says what the file is meant to be (and offsets
    # count from after it).
    "after a UTF-8 BOM": ("The café\nreopened on line two: it cost 12 \xa3 pounds\n", codecs.BOM_UTF8, "\xa3 pounds", 2),
}


@pytest.mark.parametrize("case", sorted(STRAY_BYTES))
def test_one_stray_byte_keeps_the_rest_of_a_utf8_file(tmp_path: Path, case: str) -> None:
    text, bom, stray, line = STRAY_BYTES[case]
    at = text.index(stray)  # the stray's first character is written as one cp1252 byte
    data = bom + text[:at].encode("utf-8") + stray[0].encode("cp1252") + text[at + 1 :].encode("utf-8")
    (tmp_path / "story.txt").write_bytes(data)
    article = load_corpus(tmp_path, index=False).articles[0]
    assert article.text == text[:at] + "\ufffd" + text[at + 1 :]
    assert article.warnings == (
        f"line {line}: 1 byte that is not UTF-8 was replaced with U+FFFD; "
        "fix the text there and save the file as UTF-8",
    )
    # The index gives the same text again (it re-decodes by the encoding found).
    cache = tmp_path.parent / f"{tmp_path.name}-cache"
    first = load_corpus(tmp_path, cache_dir=cache).articles[0]
    assert load_corpus(tmp_path, cache_dir=cache).articles[0] == first == article


def test_a_truly_legacy_file_is_still_decoded_as_legacy(tmp_path: Path) -> None:
    text = "Le café de la gare a rouvert. Les élèves étaient là, à l'école.\n"
    (tmp_path / "story.txt").write_bytes(text.encode("cp1252"))
    article = load_corpus(tmp_path, index=False).articles[0]
    assert "\ufffd" not in article.text and article.text.startswith("Le café de la gare")
    assert article.warnings[0].startswith("decoded as cp125")  # a guess, not U+FFFDs


def test_model_naming_a_package_that_is_not_a_pipeline_is_one_line(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("The council spent 40 million euros on the port.\n", encoding="utf-8")
    done = claimscope("inspect", str(story), "--model", "numpy", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        "claimscope: error: 'numpy' is an installed Python package but not a spaCy pipeline"
    )
