"""The annotation store with real TinyDB files: durability, layout, lock, corruption,
re-anchoring, migration, undo/redo and summaries."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.errors import (
    CorruptStoreFileError,
    ReadOnlyStoreError,
    StoreError,
    UnknownLabelError,
)
from annotations.store import Store, article_file_name, default_store_dir
from corpus.model import Article, Segment, Span

from folders import read_only

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def make_article(article_id: str, sentences: list[str], sep: str = " ") -> tuple[Article, tuple[Segment, ...]]:
    """An article whose text is ``sentences`` joined by ``sep``, with their segments."""
    segments = []
    pos = 0
    for i, sentence in enumerate(sentences):
        segments.append(Segment(pos, pos + len(sentence)))
        pos += len(sentence) + (len(sep) if i < len(sentences) - 1 else 0)
    text = sep.join(sentences)
    return Article(id=article_id, path=article_id, text=text, title=f"Title of {article_id}"), tuple(segments)


SENTENCES = [
    "Unemployment fell to 4.2% in March.",
    "The minister said the policy worked.",
    "Prices will rise next year.",
    "It was a sunny day.",
]


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def open_store(corpus_dir: Path, annotator: str = "ana") -> Store:
    return Store.open(corpus_dir, annotator=annotator)


def test_a_saved_label_is_on_disk_with_provenance(corpus_dir: Path) -> None:
    article, sentences = make_article("world/putin.txt", SENTENCES)
    store = open_store(corpus_dir)
    assert store.path == (corpus_dir / ".claimscope").resolve()
    assert not store.read_only and store.read_only_reason is None
    doc = store.article(article, sentences)
    record = doc.set_label(0, "quantity")
    assert record is not None and record.label == "quantity"
    # Durable before close: a fresh reader sees it.
    reader = Store.open(corpus_dir, annotator="ana", read_only=True)  # labels are per annotator
    again = reader.article(article, sentences)
    assert again.labels[0].label == "quantity"
    stored = again.labels[0]
    assert stored.annotator == "ana"
    assert ISO_UTC.match(stored.created) and ISO_UTC.match(stored.updated)
    assert stored.article_hash == article.hash
    assert stored.text == SENTENCES[0]
    assert (stored.start, stored.end) == (sentences[0].start, sentences[0].end)
    reader.close()
    store.close()


def test_files_are_pretty_sorted_json_with_safe_names(corpus_dir: Path) -> None:
    store = open_store(corpus_dir)
    for article_id in ("world/putin.txt", "feed.jsonl#3", "Ünïcode names/ok?.md"):
        article, sentences = make_article(article_id, SENTENCES)
        store.article(article, sentences).set_label(1, "none")
    store.close()
    names = sorted(p.name for p in (store.shard / "articles").iterdir())
    assert len(names) == 3
    for name in names:
        assert re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{10}\.json", name), name
        raw = (store.shard / "articles" / name).read_text(encoding="utf-8")
        data = json.loads(raw)
        assert raw == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert data["meta"]["1"]["schema"] == 1
    assert article_file_name("world/putin.txt") == article_file_name("world/putin.txt")
    assert article_file_name("a/b") != article_file_name("a-b")
    assert article_file_name("world/putin.txt").startswith("world-putin-txt-")
    # The store folder holds nothing but the documented files.
    assert sorted(p.name for p in store.path.iterdir()) == ["annotators", "store.json"]
    assert sorted(p.name for p in store.shard.iterdir()) == ["annotator.json", "articles", "index.json"]
    assert store.shard == store.path / "annotators" / "ana"


def test_unknown_label_and_bad_index_are_clear_errors(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    with open_store(corpus_dir) as store:
        doc = store.article(article, sentences)
        with pytest.raises(UnknownLabelError, match="unknown label 'claimy'"):
            doc.set_label(0, "claimy")
        with pytest.raises(StoreError, match="sentence 9 does not exist"):
            doc.set_label(9, "none")
        with pytest.raises(StoreError, match="outside"):
            doc.add_span(5, 500, "ORG")
        assert not doc.path.exists()  # nothing was written


def test_clearing_and_notes_and_flags(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    with open_store(corpus_dir) as store:
        doc = store.article(article, sentences)
        doc.set_label(2, "prediction")
        doc.set_note(2, "check the forecast source")
        doc.set_checkworthy(2, True)
        doc.set_label(2, None)
        kept = doc.labels[2]  # the note and flag keep the record, now unreviewed
        assert kept.label is None and not kept.reviewed and kept.note and kept.checkworthy
        doc.set_note(2, "")
        doc.set_checkworthy(2, False)
        assert 2 not in doc.labels
    with open_store(corpus_dir) as store:
        assert store.article(article, sentences).labels == {}


def test_second_store_is_read_only_with_reason(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    first = open_store(corpus_dir)
    other = open_store(corpus_dir, annotator="bob")
    assert not other.read_only  # another annotator writes a shard of their own
    other.close()
    second = open_store(corpus_dir)  # the same annotator twice
    assert second.read_only
    assert "the same annotator cannot write from two places" in second.read_only_reason
    assert f"locked by pid {os.getpid()}" in second.read_only_reason
    assert str(second.path) in second.read_only_reason
    assert "opened read-only" in second.read_only_reason
    with pytest.raises(ReadOnlyStoreError, match="locked by pid"):
        second.article(article, sentences).set_label(0, "quantity")
    first.article(article, sentences).set_label(0, "cause")
    # The read-only store still reads the writer's labels.
    assert second.summary()["a.txt"].reviewed == 1
    second.close()
    first.close()
    third = open_store(corpus_dir)
    assert not third.read_only
    third.close()
    assert not (third.shard / "lock").exists()


def test_stale_lock_of_a_dead_process_is_taken_over(corpus_dir: Path) -> None:
    store = open_store(corpus_dir)
    store.close()
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead_pid = int(child.stdout)
    import socket

    (store.shard / "lock").write_text(
        json.dumps({"pid": dead_pid, "host": socket.gethostname(), "started": "2020-01-01T00:00:00Z"}),
        encoding="utf-8",
    )
    again = open_store(corpus_dir)
    assert not again.read_only
    assert any(f"stale lock left by pid {dead_pid}" in n for n in again.notices)
    info = json.loads((again.shard / "lock").read_text(encoding="utf-8"))
    assert info["pid"] == os.getpid()
    again.close()


def test_corrupt_file_is_named_preserved_and_others_stay_usable(corpus_dir: Path) -> None:
    good, good_sents = make_article("good.txt", SENTENCES)
    bad, bad_sents = make_article("bad.txt", SENTENCES)
    with open_store(corpus_dir) as store:
        store.article(good, good_sents).set_label(0, "quantity")
        store.article(bad, bad_sents).set_label(0, "quantity")
        bad_path = store.file_for("bad.txt")
    garbage = b'{"labels": {"1": {"label": "quant'  # a torn write from some other tool
    bad_path.write_bytes(garbage)
    with open_store(corpus_dir) as store:
        doc = store.article(bad, bad_sents)
        assert doc.read_only and doc.error and str(bad_path) in doc.error
        assert "not valid JSON" in doc.error
        with pytest.raises(CorruptStoreFileError) as info:
            doc.set_label(1, "none")
        assert str(bad_path) in str(info.value) and "move it away" in str(info.value)
        other = store.article(good, good_sents)
        other.set_label(1, "none")
        assert other.labels[0].label == "quantity"
        summary = store.summary(refresh=True)
        assert any(s.error and str(bad_path) in s.error for s in summary.values())
    assert bad_path.read_bytes() == garbage  # never overwritten


def test_reanchoring_moves_labels_and_keeps_orphans(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    with open_store(corpus_dir) as store:
        doc = store.article(article, sentences)
        doc.set_label(0, "quantity")
        doc.set_label(1, "none")
        doc.set_label(2, "prediction")
        doc.set_label(3, "other")
        doc.add_span(21, 25, "PERCENT")  # "4.2%"
    assert article.text[21:25] == "4.2%"
    # New text: a new first sentence, sentence 1 re-spaced, sentence 3 rewritten.
    changed_sentences = [
        "A new lead sentence.",
        SENTENCES[0],
        "The  minister said\nthe policy worked.",
        SENTENCES[2],
        "It rained all day.",
    ]
    changed, changed_sents = make_article("a.txt", changed_sentences)
    assert changed.hash != article.hash
    with open_store(corpus_dir) as store:
        doc = store.article(changed, changed_sents)
        assert doc.labels[1].label == "quantity"
        assert doc.labels[2].label == "none"  # whitespace-insensitive match
        assert doc.labels[2].text == changed_sentences[2]
        assert doc.labels[3].label == "prediction"
        assert 4 not in doc.labels and 0 not in doc.labels
        assert [o.label for o in doc.orphans] == ["other"]
        assert doc.orphans[0].text == SENTENCES[3]
        for i, record in doc.labels.items():
            assert changed.text[record.start : record.end] == record.text
            assert record.article_hash == changed.hash
        span = doc.span_corrections[0]
        assert changed.text[span.start : span.end] == "4.2%"
        assert any("orphans" in n for n in store.notices)
    # The orphan survives reopening and shows up in the summary.
    with open_store(corpus_dir) as store:
        doc = store.article(changed, changed_sents)
        assert [o.label for o in doc.orphans] == ["other"]
        assert store.summary()["a.txt"].orphans == 1


def test_migration_from_schema_0_with_backup(corpus_dir: Path) -> None:
    article, sentences = make_article("old/a.txt", SENTENCES)
    store_dir = corpus_dir / ".claimscope"
    (store_dir / "articles").mkdir(parents=True)
    v0 = {
        "_default": {
            "1": {"article": "old/a.txt", "sentence": 0, "text": SENTENCES[0], "label": "quantity", "annotator": "zed", "time": "2023-01-01T00:00:00Z"},
            "2": {"article": "old/a.txt", "sentence": 2, "text": SENTENCES[2], "label": "prediction", "annotator": "zed", "time": "2023-01-02T00:00:00Z"},
        }
    }
    old_file = store_dir / "articles" / "legacy.json"
    old_file.write_text(json.dumps(v0), encoding="utf-8")
    with open_store(corpus_dir, annotator="zed") as store:  # each label moves to its annotator's shard
        assert any("migrated store from schema 0 to 2" in n for n in store.notices)
        doc = store.article(article, sentences)
        assert doc.labels[0].label == "quantity" and doc.labels[0].annotator == "zed"
        assert doc.labels[2].label == "prediction"
        assert doc.labels[0].start == sentences[0].start  # offsets filled in by re-anchoring
    meta = json.loads((store_dir / "store.json").read_text(encoding="utf-8"))
    assert meta["schema"] == 2 and meta["migrated"]["from"] == 0
    backups = list((store_dir / "backups").iterdir())
    assert len(backups) == 1
    assert json.loads((backups[0] / "articles" / "legacy.json").read_text(encoding="utf-8")) == v0
    assert not old_file.exists()
    assert (store_dir / "annotators" / "zed" / "articles" / article_file_name("old/a.txt")).exists()


def test_newer_schema_opens_read_only(corpus_dir: Path) -> None:
    store_dir = corpus_dir / ".claimscope"
    store_dir.mkdir()
    (store_dir / "store.json").write_text('{"schema": 99}\n', encoding="utf-8")
    with open_store(corpus_dir) as store:
        assert store.read_only and "newer claimscope" in store.read_only_reason


def test_undo_and_redo_cover_every_kind_of_change(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    store = open_store(corpus_dir)
    doc = store.article(article, sentences)
    doc.set_label(0, "quantity")
    doc.set_label(0, "cause")
    doc.set_checkworthy(1, True)
    doc.set_note(2, "why?")
    doc.relabel_span(21, 25, "MONEY")
    assert store.undo().field == "span"
    assert doc.spans([Span(21, 25, "PERCENT", "figure")]) == (Span(21, 25, "PERCENT", "figure"),)
    change = store.undo()
    assert (change.article_id, change.sentence_index, change.field) == ("a.txt", 2, "note")
    assert 2 not in doc.labels
    assert store.undo().sentence_index == 1 and 1 not in doc.labels
    change = store.undo()
    assert change.sentence_index == 0 and doc.labels[0].label == "quantity"
    assert "cause -> " not in change.description and "quantity -> cause" in change.description
    assert store.undo() is not None and 0 not in doc.labels
    assert store.undo() is None
    assert store.redo().field == "label" and doc.labels[0].label == "quantity"
    assert store.redo() is not None and doc.labels[0].label == "cause"
    store.close()
    # Undo/redo reached the disk too.
    with open_store(corpus_dir) as again:
        assert again.article(article, sentences).labels[0].label == "cause"
        assert again.undo() is None  # history is per session


def test_a_new_change_clears_redo(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    with open_store(corpus_dir) as store:
        doc = store.article(article, sentences)
        doc.set_label(0, "quantity")
        store.undo()
        doc.set_label(1, "none")
        assert store.redo() is None
        assert 0 not in doc.labels


def test_span_corrections_override_model_spans(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    model = [Span(0, 12, "ORG", "entity"), Span(21, 25, "PERCENT", "figure"), Span(29, 34, "DATE", "date")]
    with open_store(corpus_dir) as store:
        doc = store.article(article, sentences)
        doc.remove_span(0, 12)
        doc.relabel_span(29, 34, "TIME")
        doc.add_span(40, 48, "PERSON")
        assert doc.spans(model) == (
            Span(21, 25, "PERCENT", "figure"),
            Span(29, 34, "TIME", "date"),
            Span(40, 48, "PERSON", "entity"),
        )
        assert doc.sentence_of(41) == 1
    with open_store(corpus_dir) as store:
        assert len(store.article(article, sentences).spans(model)) == 3


def test_summary_uses_index_and_sees_changes(corpus_dir: Path) -> None:
    with open_store(corpus_dir) as store:
        for n in range(3):
            article, sentences = make_article(f"a{n}.txt", SENTENCES)
            doc = store.article(article, sentences)
            for i in range(n + 1):
                doc.set_label(i, "none" if i == 0 else "quantity")
        summary = store.summary()
        assert [summary[f"a{n}.txt"].reviewed for n in range(3)] == [1, 2, 3]
        assert [summary[f"a{n}.txt"].claims for n in range(3)] == [0, 1, 2]
        assert summary["a0.txt"].total == 4 and summary["a0.txt"].title == "Title of a0.txt"
    index = json.loads((store.shard / "index.json").read_text(encoding="utf-8"))
    assert len(index["articles"]) == 3
    with open_store(corpus_dir) as store:
        assert store.summary()["a2.txt"].reviewed == 3  # from the index, no article opened
        article, sentences = make_article("a2.txt", SENTENCES)
        store.article(article, sentences).set_label(3, "rule")
        assert store.summary()["a2.txt"].reviewed == 4


def test_default_location_and_data_dir(corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_store_dir(corpus_dir) == (corpus_dir / ".claimscope").resolve()
    from corpus.articles import sample_corpus_path

    data = tmp_path / "data"
    monkeypatch.setenv("CLAIMSCOPE_DATA_DIR", str(data))
    sample_store = default_store_dir(sample_corpus_path())
    assert sample_store.parent == data / "stores"
    assert sample_store.name.startswith("sample-")
    assert default_store_dir(sample_corpus_path()) == sample_store  # stable


def test_read_only_corpus_uses_the_data_dir(corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_DATA_DIR", str(tmp_path / "data"))
    # A read-only bind mount stops root too (chmod does not): as root this runs for real.
    with read_only(corpus_dir):
        store_dir = default_store_dir(corpus_dir)
    assert store_dir.parent == tmp_path / "data" / "stores"
    assert store_dir.name.startswith("corpus-")


def test_store_dir_override(corpus_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    with Store.open(corpus_dir, annotator="ana", store_dir=elsewhere) as store:
        assert store.path == elsewhere.resolve()
        article, sentences = make_article("a.txt", SENTENCES)
        store.article(article, sentences).set_label(0, "rule")
    assert (elsewhere / "annotators" / "ana" / "articles").is_dir()
    assert not (corpus_dir / ".claimscope").exists()


def test_batch_writes_once_and_is_durable(corpus_dir: Path) -> None:
    article, sentences = make_article("a.txt", SENTENCES)
    with open_store(corpus_dir) as store:
        doc = store.article(article, sentences)
        with doc.batch():
            for i in range(4):
                doc.set_label(i, "other")
            assert not doc.path.exists()  # nothing written inside the batch
        assert doc.path.exists()
    with open_store(corpus_dir) as store:
        assert len(store.article(article, sentences).labels) == 4


def test_corrupt_store_json_opens_read_only_and_is_kept(corpus_dir: Path) -> None:
    store_dir = corpus_dir / ".claimscope"
    store_dir.mkdir()
    (store_dir / "store.json").write_text("[1, 2", encoding="utf-8")
    with open_store(corpus_dir) as store:
        assert store.read_only and "store.json" in store.read_only_reason
        assert "read-only" in store.read_only_reason
    assert (store_dir / "store.json").read_text(encoding="utf-8") == "[1, 2"


def test_empty_lock_file_left_by_a_dead_process_is_taken_over(corpus_dir: Path) -> None:
    store = open_store(corpus_dir)
    store.close()
    lock = store.path / "lock"
    lock.write_text("", encoding="utf-8")  # killed between creating the lock and writing to it
    old = lock.stat().st_mtime - 5
    os.utime(lock, (old, old))
    with open_store(corpus_dir) as again:
        assert not again.read_only, again.read_only_reason
