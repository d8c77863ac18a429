"""Records of JSONL/JSON files keep their ids, and so their labels, when the file is edited."""

from __future__ import annotations

import json
from pathlib import Path

from annotations.store import Store
from corpus.articles import load_corpus
from corpus.model import Article, text_hash

STORIES = {
    "harbour": "The harbour plan cost 40 million euros. Residents signed a petition. The vote is in May.",
    "clinic": "The clinic saw 1,200 patients in March. Waiting times fell by 12 per cent. Staff were hired.",
    "floods": "Floods closed 30 schools on Monday. Repairs will take six weeks. The mayor visited.",
    "new": "A new story arrived today. It has no labels at all.",
}


def write_feed(folder: Path, lines: list[str]) -> Path:
    path = folder / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(name: str, **fields) -> str:
    return json.dumps({"title": name, "text": STORIES[name], **fields})


def label_each(folder: Path, store_dir: Path, analyzer) -> None:
    """Label sentence 1 of each story with a label of its own (harbour: quantity, ...)."""
    corpus = load_corpus(folder)
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        for article, label in zip(corpus.articles, ("quantity", "cause", "prediction")):
            doc = store.article(article, analyzer.analyze(article).sentences)
            doc.set_label(1, label)


def labelled_sentences(
    folder: Path, store_dir: Path, analyzer, gone: int = 0
) -> dict[str, tuple[str, str]]:
    """Title -> (label, sentence text) as a fresh load and store opening see them.

    ``gone``: how many store files belong to records no longer in the file.
    """
    corpus = load_corpus(folder)
    found: dict[str, tuple[str, str]] = {}
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        ids = {a.id for a in corpus.articles}
        assert len(set(store.summary()) - ids) == gone
        for article in corpus.articles:
            sentences = analyzer.analyze(article).sentences
            doc = store.article(article, sentences)
            assert doc.orphans == []
            for i, record in doc.labels.items():
                if record.label is not None:
                    found[article.title] = (record.label, article.text[sentences[i].start : sentences[i].end])
    return found


def test_labels_stay_on_their_record_when_records_are_inserted_deleted_and_reordered(
    tmp_path: Path, analyzer
) -> None:
    folder, store_dir = tmp_path / "corpus", tmp_path / "store"
    folder.mkdir()
    write_feed(folder, [record("harbour"), record("clinic"), record("floods")])
    label_each(folder, store_dir, analyzer)
    expected = {
        "harbour": ("quantity", "Residents signed a petition."),
        "clinic": ("cause", "Waiting times fell by 12 per cent."),
        "floods": ("prediction", "Repairs will take six weeks."),
    }
    assert labelled_sentences(folder, store_dir, analyzer) == expected

    # A blank line and a new record at the top: every line number moves by two.
    write_feed(folder, ["", record("new"), record("harbour"), record("clinic"), record("floods")])
    assert labelled_sentences(folder, store_dir, analyzer) == expected
    # A record deleted, the rest reordered.
    write_feed(folder, [record("floods"), record("new"), record("harbour")])
    del expected["clinic"]
    assert labelled_sentences(folder, store_dir, analyzer, gone=1) == expected
    # The deleted record comes back (at another line): its labels are back on it.
    write_feed(folder, [record("clinic"), record("floods"), record("harbour")])
    expected["clinic"] = ("cause", "Waiting times fell by 12 per cent.")
    assert labelled_sentences(folder, store_dir, analyzer) == expected


def test_own_ids_are_used_and_a_duplicate_never_merges_two_records(tmp_path: Path) -> None:
    write_feed(
        tmp_path,
        [
            record("harbour", id=7),
            record("clinic", _id="c-1"),
            record("floods", id="7"),  # the same id as line 1 (7 and "7" are one id)
        ],
    )
    harbour, clinic, floods = load_corpus(tmp_path).articles
    assert harbour.id == "feed.jsonl#id:7"
    assert clinic.id == "feed.jsonl#id:c-1"
    assert floods.id == f"feed.jsonl#t:{text_hash(STORIES['floods'])[:12]}"
    assert len(floods.warnings) == 1
    assert floods.warnings[0].startswith("line 3: \"id\" '7' is also the id of the record on line 1")
    assert harbour.warnings == clinic.warnings == ()


def test_records_with_the_same_text_get_distinct_ids_in_file_order(tmp_path: Path) -> None:
    write_feed(tmp_path, [record("harbour"), record("clinic"), record("harbour")])
    first, _, second = load_corpus(tmp_path).articles
    base = f"feed.jsonl#t:{text_hash(STORIES['harbour'])[:12]}"
    assert (first.id, second.id) == (base, base + "-2")
    assert second.warnings == ("line 3: same text as the record on line 1; copy 2 in file order",)


def test_a_json_list_uses_the_same_ids(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        json.dumps([{"text": STORIES["clinic"], "doc_id": "x"}, {"text": STORIES["floods"]}, 5]),
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == [
        "list.json#id:x",
        f"list.json#t:{text_hash(STORIES['floods'])[:12]}",
    ]
    assert [e.id for e in corpus.errors] == ["list.json#record:3"]


def test_line_separators_inside_a_record_keep_true_line_numbers(tmp_path: Path) -> None:
    text = "First part\u2028second part\u2029third\x85fourth. It ends here."
    raw = json.dumps({"text": text}, ensure_ascii=False)
    (tmp_path / "feed.jsonl").write_text(f"{raw}\n\n{{not json\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    (article,) = corpus.articles
    assert article.text == text
    (error,) = corpus.errors
    assert error.id == "feed.jsonl#line:3"
    assert error.message.startswith("feed.jsonl line 3: not valid JSON")


def relocate_labels(store: Store, corpus) -> list[str]:
    from annotations.relocate import relocate_labels  # here: the other tests run without it

    return relocate_labels(store, corpus)


def old_store_file(store: Store, article_id: str, text: str, analyzer, label: str) -> Path:
    """Label sentence 1 of ``text`` under ``article_id`` (a claimscope 0.1 positional id)."""
    article = Article(id=article_id, path="", text=text, title=article_id)
    doc = store.article(article, analyzer.analyze(article).sentences)
    doc.set_label(1, label)
    return store.file_for(article_id)


def test_a_store_with_positional_ids_moves_to_the_new_ids_by_text(tmp_path: Path, analyzer) -> None:
    folder, store_dir = tmp_path / "corpus", tmp_path / "store"
    folder.mkdir()
    edited = STORIES["clinic"].replace("Staff were hired.", "Staff were hired in April.")
    with Store.open(folder, annotator="ana", store_dir=store_dir) as store:
        # 0.1 numbered records by line: harbour was line 1, clinic line 2.
        first = old_store_file(store, "feed.jsonl#1", STORIES["harbour"], analyzer, "quantity")
        second = old_store_file(store, "feed.jsonl#2", STORIES["clinic"], analyzer, "cause")
    # Since then: a record at the top (line 1 is now floods) and the clinic text edited.
    (folder / "feed.jsonl").write_text(
        "\n".join(
            json.dumps({"text": t}) for t in (STORIES["floods"], STORIES["harbour"], edited)
        )
        + "\n",
        encoding="utf-8",
    )
    corpus = load_corpus(folder)
    floods, harbour, clinic = corpus.articles
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        notices = relocate_labels(store, corpus)
        assert notices == [
            f"labels of feed.jsonl#1 moved to {harbour.id} (same text)",
            f"labels of feed.jsonl#2 moved to {clinic.id} (same labelled sentences)",
        ]
        assert not first.exists() and not second.exists()
        assert not store.file_for(floods.id).exists()  # never reassigned by position
        meta = json.loads(store.file_for(harbour.id).read_text(encoding="utf-8"))
        assert meta["meta"]["1"]["article_id"] == harbour.id
        assert {r["article_id"] for r in meta["labels"].values()} == {harbour.id}
        assert set(store.summary()) == {harbour.id, clinic.id}
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        assert relocate_labels(store, corpus) == []
        for article, label, sentence in (
            (harbour, "quantity", "Residents signed a petition."),
            (clinic, "cause", "Waiting times fell by 12 per cent."),
        ):
            sentences = analyzer.analyze(article).sentences
            doc = store.article(article, sentences)
            (i,) = [i for i, r in doc.labels.items() if r.label is not None]
            assert (doc.labels[i].label, article.text[sentences[i].start : sentences[i].end]) == (
                label,
                sentence,
            )


def test_an_ambiguous_store_file_stays_orphaned_and_is_reported(tmp_path: Path, analyzer) -> None:
    folder, store_dir = tmp_path / "corpus", tmp_path / "store"
    folder.mkdir()
    with Store.open(folder, annotator="ana", store_dir=store_dir) as store:
        old = old_store_file(store, "feed.jsonl#1", STORIES["harbour"], analyzer, "quantity")
    before = old.read_bytes()
    # Two edited records both hold the labelled sentence: which one is meant is unknowable.
    texts = (STORIES["harbour"] + " One more line.", STORIES["harbour"] + " Another ending.")
    (folder / "feed.jsonl").write_text(
        "\n".join(json.dumps({"text": t}) for t in texts) + "\n", encoding="utf-8"
    )
    corpus = load_corpus(folder)
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        notices = relocate_labels(store, corpus)
    assert len(notices) == 1
    assert notices[0].startswith(f"feed.jsonl#1: labels in {old.name} kept but orphaned")
    assert "2 records contain its labelled sentences" in notices[0]
    assert old.read_bytes() == before
    assert sorted(p.name for p in (store_dir / "annotators" / "ana" / "articles").glob("*.json")) == [old.name]


def test_a_store_locked_by_another_process_only_reports(tmp_path: Path, analyzer) -> None:
    folder, store_dir = tmp_path / "corpus", tmp_path / "store"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(record("clinic") + "\n", encoding="utf-8")
    corpus = load_corpus(folder)
    with Store.open(folder, annotator="ana", store_dir=store_dir) as writer:  # holds the lock
        old = old_store_file(writer, "feed.jsonl#1", STORIES["clinic"], analyzer, "cause")
        reader = Store.open(corpus.root, annotator="ana", store_dir=store_dir, read_only=True)
        try:
            (notice,) = relocate_labels(reader, corpus)
        finally:
            reader.close()
        assert notice.startswith(f"feed.jsonl#1: labels in {old.name} belong to {corpus.articles[0].id}")
        assert "not moved" in notice and old.exists()
    # Lock free: a read-only opening (stats, export) moves them through a short-lived writer.
    reader = Store.open(corpus.root, annotator="ana", store_dir=store_dir, read_only=True)
    try:
        assert relocate_labels(reader, corpus) == [
            f"labels of feed.jsonl#1 moved to {corpus.articles[0].id} (same text)"
        ]
        assert set(reader.summary()) == {corpus.articles[0].id}
    finally:
        reader.close()
    assert not old.exists()


def test_a_single_file_corpus_never_adopts_labels_of_other_files(tmp_path: Path, analyzer) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(STORIES["harbour"] + "\n", encoding="utf-8")
    store_dir = tmp_path / "store"
    with Store.open(folder, annotator="ana", store_dir=store_dir) as store:
        old = old_store_file(store, "b.txt", STORIES["harbour"], analyzer, "quantity")
    corpus = load_corpus(folder / "a.txt")
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        assert relocate_labels(store, corpus) == []
    assert old.exists()


def test_the_app_moves_old_labels_and_says_so(tmp_path: Path, analyzer) -> None:
    from tui.app import create_app

    folder, store_dir = tmp_path / "corpus", tmp_path / "store"
    folder.mkdir()
    with Store.open(folder, annotator="ana", store_dir=store_dir) as store:
        old_store_file(store, "feed.jsonl#1", STORIES["floods"], analyzer, "prediction")
    write_feed(folder, ["", record("floods")])
    app = create_app(folder, store_dir=store_dir, restore=False, annotator="ana")  # ana's labels
    try:
        (article,) = app.corpus.articles
        assert f"labels of feed.jsonl#1 moved to {article.id} (same text)" in app.notices
        assert app.store.summary()[article.id].reviewed == 1
    finally:
        app.store.close()
