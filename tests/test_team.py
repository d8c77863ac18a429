"""Team annotation: two annotators on one corpus at once (real apps, one store folder),
agreement and exports from the CLI, adjudication in the app, export --gold, merge and
the migration of a store from before per-annotator shards."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotations.scheme import default_scheme
from annotations.store import Store, article_file_name
from corpus.articles import load_corpus
from corpus.model import Article
from tui.app import ClaimscopeApp
from tui.cli import main
from tui.config import Config
from tui.screens.adjudicate import AdjudicateScreen
from tui.screens.reader import ReaderScreen

pytestmark = pytest.mark.anyio

ARTICLE = (
    "Ferry fares rise\n\n"
    "Ferry fares will rise by 12% next year. The council blamed higher fuel costs. "
    "Passengers said the service was often late. The operator expects 2 million journeys in 2026.\n"
)
# default scheme keys: 1 quantity, 2 cause, x none


def make_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def app_for(corpus_dir: Path, store_dir: Path, annotator: str, analyzer) -> ClaimscopeApp:
    corpus = load_corpus(corpus_dir)
    store = Store.open(corpus.root, annotator=annotator, scheme=default_scheme(), store_dir=store_dir)
    return ClaimscopeApp(corpus, store, default_scheme(), analyzer, restore=False, config=Config(advance="stay"))


async def open_reader(app: ClaimscopeApp, pilot) -> ReaderScreen:
    app.open_article("ferry.txt")
    for _ in range(2000):  # the analysis comes from the app's analysis process
        await pilot.pause()
        await app.workers.wait_for_complete()
        if isinstance(app.screen, ReaderScreen) and app.screen.analysis is not None:
            break
    assert isinstance(app.screen, ReaderScreen) and app.screen.analysis is not None
    return app.screen


async def label_together(tmp_path: Path, analyzer) -> tuple[Path, Path]:
    """ana and bob label the article in two apps whose stores are open at the same time.

    The apps run one after the other (two Textual apps in one test task share its
    active-app context), but both hold their store (and its lock) throughout.
    """
    corpus_dir, store_dir = make_corpus(tmp_path), tmp_path / "store"
    ana, bob = app_for(corpus_dir, store_dir, "ana", analyzer), app_for(corpus_dir, store_dir, "bob", analyzer)
    try:
        assert not ana.store.read_only and not bob.store.read_only  # no lock conflict
        async with ana.run_test(size=(120, 36)) as pilot:
            reader = await open_reader(ana, pilot)
            await pilot.press("1", "j", "2", "j", "x")  # s0 quantity, s1 cause, s2 none
            await pilot.pause()
            assert {i: r.label for i, r in reader.doc.labels.items()} == {0: "quantity", 1: "cause", 2: "none"}
        async with bob.run_test(size=(120, 36)) as pilot:
            reader = await open_reader(bob, pilot)
            await pilot.press("1", "j", "1", "j", "j", "2")  # s0 quantity, s1 quantity, s3 cause
            await pilot.pause()
            # bob's app shows bob's labels, not ana's (s2 is ana's only).
            assert {i: r.label for i, r in reader.doc.labels.items()} == {0: "quantity", 1: "quantity", 3: "cause"}
        # Each sees the other's labels read-only beside their own (side panel, review).
        article = ana.corpus.articles[0]
        others = ana.store.others_labels(article, reader.doc.sentences)
        assert {i: [(r.annotator, r.label) for r in rs] for i, rs in others.items()} == {
            0: [("bob", "quantity")], 1: [("bob", "quantity")], 3: [("bob", "cause")]
        }
        # The same annotator a second time is read-only, and told why.
        again = Store.open(corpus_dir, annotator="ana", store_dir=store_dir)
        assert again.read_only and "the same annotator cannot write from two places" in again.read_only_reason
        again.close()
    finally:
        ana.store.close()
        bob.store.close()
    return corpus_dir, store_dir


async def test_two_annotators_label_one_corpus_at_once_and_both_labels_are_kept(
    tmp_path: Path, analyzer, capsys
) -> None:
    corpus_dir, store_dir = await label_together(tmp_path, analyzer)
    name = article_file_name("ferry.txt")
    for who, labels in (("ana", {0: "quantity", 1: "cause", 2: "none"}), ("bob", {0: "quantity", 1: "quantity", 3: "cause"})):
        data = json.loads((store_dir / "annotators" / who / "articles" / name).read_text("utf-8"))
        assert {r["sentence_index"]: r["label"] for r in data["labels"].values()} == labels
        assert {r["annotator"] for r in data["labels"].values()} == {who}

    capsys.readouterr()
    assert main(["agree", str(corpus_dir), "--store", str(store_dir), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["annotators"] == ["ana", "bob"] and figures["sentences"] == 2
    assert figures["overall"]["percent"]["value"] == 0.5
    (pair,) = figures["pairs"]
    labels = pair["confusion"]["labels"]
    q, c = labels.index("quantity"), labels.index("cause")
    assert pair["confusion"]["matrix"][q][q] == 1 and pair["confusion"]["matrix"][c][q] == 1
    assert main(["agree", str(corpus_dir), "--store", str(store_dir)]) == 0
    shown = capsys.readouterr().out
    assert "Krippendorff's alpha" in shown and "ana / bob" in shown
    assert main(["agree", str(corpus_dir), "--store", str(store_dir), "--annotators", "ana,zed"]) == 2
    assert "no labels by 'zed'" in capsys.readouterr().err

    # Without --gold every annotator's label is a row, with its annotator.
    out = tmp_path / "all.csv"
    assert main(["export", str(corpus_dir), "--store", str(store_dir), "-f", "csv", "-o", str(out)]) == 0
    rows = [(int(r["sentence_index"]), r["annotator"], r["label"]) for r in csv.DictReader(out.open(encoding="utf-8"))]
    assert rows == [
        (0, "ana", "quantity"), (0, "bob", "quantity"), (1, "ana", "cause"),
        (1, "bob", "quantity"), (2, "ana", "none"), (3, "bob", "cause"),
    ]
    # stats counts every annotator's labels.
    assert main(["stats", str(corpus_dir), "--store", str(store_dir)]) == 0
    stats = capsys.readouterr().out
    assert "4 sentences reviewed" in " ".join(stats.split())


async def test_adjudication_in_the_app_is_undoable_resumable_and_export_gold_uses_it(
    tmp_path: Path, analyzer, capsys
) -> None:
    corpus_dir, store_dir = await label_together(tmp_path, analyzer)
    cy = app_for(corpus_dir, store_dir, "cy", analyzer)
    try:
        async with cy.run_test(size=(120, 36)) as pilot:
            screen = AdjudicateScreen(cy)
            cy.push_screen(screen)
            await pilot.pause()
            await cy.workers.wait_for_complete()
            await pilot.pause()
            assert screen.work is not None
            assert [(c.index, [r.label for r in c.labels]) for c in screen.work.cases] == [(1, ["cause", "quantity"])]
            assert "0 decided, 1 to go" in screen.render_case().plain
            await pilot.press("2")  # the scheme key of cause
            gold = screen.work.decision(screen.work.cases[0])
            assert gold is not None and gold.label == "cause" and gold.annotator == "cy"
            assert gold.decided_from == "ana=cause; bob=quantity"
            await pilot.press("u")  # undo
            assert screen.work.decision(screen.work.cases[0]) is None
            await pilot.press("tab", "enter")  # take bob's label
            assert screen.work.decision(screen.work.cases[0]).label == "quantity"
            assert "1 decided, 0 to go" in screen.render_case().plain
    finally:
        cy.store.close()
    gold_file = store_dir / "annotators" / "_gold" / "articles" / article_file_name("ferry.txt")
    record = json.loads(gold_file.read_text("utf-8"))["labels"]["2"]
    assert (record["label"], record["annotator"], record["decided_from"]) == ("quantity", "cy", "ana=cause; bob=quantity")

    # Reopened, the review resumes (everything is decided) and shows the decision.
    again = app_for(corpus_dir, store_dir, "cy", analyzer)
    try:
        async with again.run_test(size=(120, 36)) as pilot:
            screen = AdjudicateScreen(again, include_single=True)
            again.push_screen(screen)
            await pilot.pause()
            await again.workers.wait_for_complete()
            await pilot.pause()
            assert screen.work is not None and len(screen.work.cases) == 3  # + s2, s3 (one label each)
            assert screen.case is not None and screen.case.index == 2  # the first undecided
            assert screen.work.progress() == (1, 3)
    finally:
        again.store.close()

    out = tmp_path / "gold.csv"
    assert main(["export", str(corpus_dir), "--store", str(store_dir), "-f", "csv", "-o", str(out), "--gold"]) == 0
    rows = [(int(r["sentence_index"]), r["annotator"], r["label"]) for r in csv.DictReader(out.open(encoding="utf-8"))]
    # s0: both said quantity (unanimous); s1: adjudicated; s2, s3: one annotator only, not gold.
    assert rows == [(0, "ana+bob", "quantity"), (1, "cy", "quantity")]


def test_merge_puts_a_colleagues_labels_in_their_shard_with_times_kept(tmp_path: Path, analyzer, capsys) -> None:
    corpus_dir = make_corpus(tmp_path)
    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    with Store.open(corpus.root, annotator="ana") as mine:
        mine.article(article, sentences).set_label(0, "quantity")
    other = tmp_path / "colleague"
    with Store.open(None, annotator="dan", store_dir=other) as theirs:
        theirs.article(article, sentences).set_label(0, "cause")
        theirs.article(article, sentences).set_label(1, "none")
    dan = {r.sentence_index: r for s in Store.open(None, annotator="dan", store_dir=other, read_only=True).shards() for a in s.stored_articles() for r in a.labels}
    assert main(["merge", str(corpus_dir), str(other), "--annotator", "ana"]) == 0
    with Store.open(corpus.root, annotator="dan", read_only=True) as merged:
        doc = merged.article(article, sentences)
        assert doc.labels[0].label == "cause" and doc.labels[0].updated == dan[0].updated
        assert doc.labels[1].created == dan[1].created
    with Store.open(corpus.root, annotator="ana", read_only=True) as mine:
        assert mine.article(article, sentences).labels[0].label == "quantity"  # no conflict: two annotators
        assert [s.annotator for s in mine.shards()] == ["ana", "dan"]


def test_a_store_from_before_shards_is_split_by_annotator_with_a_backup(tmp_path: Path, analyzer) -> None:
    corpus_dir = make_corpus(tmp_path)
    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    store_dir = corpus_dir / ".claimscope"
    (store_dir / "articles").mkdir(parents=True)

    def record(index: int, label: str, who: str) -> dict:
        seg = sentences[index]
        return {
            "annotator": who, "article_hash": article.hash, "article_id": article.id, "checkworthy": False,
            "created": "2024-01-01T00:00:00.000Z", "end": seg.end, "label": label, "note": "", "orphan": False,
            "sentence_index": index, "start": seg.start, "text": article.text[seg.start : seg.end],
            "updated": "2024-01-02T00:00:00.000Z",
        }

    old = {
        "labels": {"1": record(0, "quantity", "ana"), "2": record(1, "cause", "bob")},
        "meta": {"1": {"article_hash": article.hash, "article_id": article.id, "schema": 1, "sentences": len(sentences), "title": article.title}},
        "orphans": {},
        "spans": {},
    }
    name = article_file_name(article.id)
    (store_dir / "articles" / name).write_text(json.dumps(old), "utf-8")
    (store_dir / "store.json").write_text(json.dumps({"schema": 1}), "utf-8")
    with Store.open(corpus.root, annotator="ana") as store:
        assert any("migrated store from schema 1 to 2" in n for n in store.notices)
        assert {i: r.label for i, r in store.article(article, sentences).labels.items()} == {0: "quantity"}
    with Store.open(corpus.root, annotator="bob", read_only=True) as store:
        assert {i: r.label for i, r in store.article(article, sentences).labels.items()} == {1: "cause"}
    assert not (store_dir / "articles").exists()
    [backup] = (store_dir / "backups").iterdir()
    assert json.loads((backup / "articles" / name).read_text("utf-8")) == old
    assert json.loads((store_dir / "store.json").read_text("utf-8"))["schema"] == 2


def status_of(reader: ReaderScreen) -> str:
    return str(reader.query_one("#sentence-status").render())


def panel_lines(reader: ReaderScreen) -> list[str]:
    panel = reader.panel
    assert panel is not None
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


async def test_the_reader_shows_other_annotators_labels_in_the_side_panel_and_review_mode(
    tmp_path: Path, analyzer
) -> None:
    corpus_dir, store_dir = make_corpus(tmp_path), tmp_path / "store"
    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    with Store.open(corpus.root, annotator="bob", store_dir=store_dir) as bob:
        doc = bob.article(article, sentences)
        doc.set_label(0, "cause")
        doc.set_note(0, "[b]fuel[/b]\nmaybe")  # markup-like text shows as typed
    with Store.open(corpus.root, annotator="dan", store_dir=store_dir) as dan:
        dan.article(article, sentences).set_label(0, "none")
    ana = app_for(corpus_dir, store_dir, "ana", analyzer)
    try:
        async with ana.run_test(size=(140, 40)) as pilot:
            reader = await open_reader(ana, pilot)
            await pilot.press("1")  # ana: quantity on s0 (the cursor stays)
            await pilot.press("p")
            await pilot.pause()
            lines = panel_lines(reader)
            assert lines[:3] == ["Other annotators (s1)", "  bob: cause ([b]fuel[/b] maybe)", "  dan: none"]
            await pilot.press("j")
            await pilot.pause()
            assert panel_lines(reader)[:2] == ["Other annotators (s2)", "  none for this sentence"]
            assert any(line.startswith("Claims") for line in panel_lines(reader))  # the rest stays
            # Review mode: the status line names the others' labels of the cursor sentence.
            await pilot.press("R", "1")  # review ana's quantity sentences: the cursor goes to s0
            await pilot.pause()
            assert reader.review_label == "quantity" and reader.view.cursor == 0
            assert "bob: cause · dan: none" in status_of(reader)
    finally:
        ana.store.close()


def test_import_writes_each_record_into_its_annotators_shard(tmp_path: Path, analyzer, capsys) -> None:
    corpus_dir, store_dir = make_corpus(tmp_path), tmp_path / "store"
    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    text = [article.text[s.start : s.end] for s in sentences]

    def line(index: int, label: str, who: str | None) -> str:
        meta = {"article_id": article.id, "sentence_index": index, **({"annotator": who} if who else {})}
        return json.dumps({"text": text[index], "label": [label], "meta": meta})

    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join([line(0, "cause", "cy"), line(1, "quantity", None), line(2, "none", "bob"), line(3, "cause", "bob")]) + "\n",
        encoding="utf-8",
    )
    busy = Store.open(corpus.root, annotator="bob", store_dir=store_dir)  # bob is labelling right now
    try:
        assert not busy.read_only
        code = main(["import", str(corpus_dir), str(path), "--store", str(store_dir), "--annotator", "ana"])
        err = capsys.readouterr().err
        assert code == 1
        (said,) = [l for l in err.splitlines() if "bob" in l]  # one line for bob's two records
        assert "line 3 and 1 more:" in said and "locked by" in said and "not imported" in said
        assert busy.article(article, sentences).labels == {}  # bob's shard untouched
    finally:
        busy.close()
    shards = {s.annotator: s for s in Store.open(corpus.root, annotator="ana", store_dir=store_dir, read_only=True).shards()}
    assert {i: (r.label, r.annotator) for i, r in shards["cy"].article(article, sentences).labels.items()} == {0: ("cause", "cy")}
    assert {i: (r.label, r.annotator) for i, r in shards["ana"].article(article, sentences).labels.items()} == {1: ("quantity", "ana")}
    # With bob's shard free again, the same file brings bob's records into bob's shard.
    assert main(["import", str(corpus_dir), str(path), "--store", str(store_dir), "--annotator", "ana"]) == 0
    with Store.open(corpus.root, annotator="bob", store_dir=store_dir, read_only=True) as bob:
        assert {i: r.label for i, r in bob.article(article, sentences).labels.items()} == {2: "none", 3: "cause"}


def test_relocating_labels_of_changed_record_ids_walks_every_shard(tmp_path: Path, analyzer) -> None:
    from annotations.relocate import relocate_labels

    folder, store_dir = tmp_path / "corpus", tmp_path / "store"
    folder.mkdir()
    texts = ["The clinic saw 1,200 patients in March. Waiting times fell by 12 per cent. Staff were hired.",
             "Floods closed 30 schools on Monday. Repairs will take six weeks. The mayor visited."]
    (folder / "feed.jsonl").write_text("".join(json.dumps({"title": f"t{i}", "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8")
    corpus = load_corpus(folder)

    def old_file(store: Store, number: int, label: str) -> Path:
        """A claimscope 0.1 positional id (feed.jsonl#N) labelled in ``store``'s shard."""
        article = Article(id=f"feed.jsonl#{number}", path="", text=texts[number - 1], title="old")
        doc = store.article(article, analyzer.analyze(article).sentences)
        doc.decide(1, label, "ana=cause") if store.shard.name == "_gold" else doc.set_label(1, label)
        return store.file_for(article.id)

    with Store.open(folder, annotator="bob", store_dir=store_dir) as bob:
        bobs = old_file(bob, 2, "quantity")
    with Store.open(folder, annotator="cy", store_dir=store_dir, gold=True) as gold:
        golds = old_file(gold, 1, "cause")
    dan = Store.open(folder, annotator="dan", store_dir=store_dir)  # dan is labelling right now
    try:
        dans = old_file(dan, 1, "none")
        with Store.open(folder, annotator="ana", store_dir=store_dir) as ana:
            anas = old_file(ana, 1, "cause")
            notices = relocate_labels(ana, corpus)
        clinic, floods = (a.id for a in corpus.articles)
        assert sorted(n for n in notices if "moved to" in n) == sorted(
            [f"labels of feed.jsonl#1 moved to {clinic} (same text)"] * 2
            + [f"labels of feed.jsonl#2 moved to {floods} (same text)"]
        )
        (held,) = [n for n in notices if "not moved" in n]
        assert held.startswith(f"feed.jsonl#1: labels in {dans.name} belong to {clinic}") and "locked by" in held
        assert not anas.exists() and not bobs.exists() and not golds.exists() and dans.exists()
        assert (bobs.parent / article_file_name(floods)).exists() and (golds.parent / article_file_name(clinic)).exists()
        record = json.loads((golds.parent / article_file_name(clinic)).read_text("utf-8"))["labels"]["2"]
        assert (record["article_id"], record["decided_from"]) == (clinic, "ana=cause")
    finally:
        dan.close()


def test_merge_brings_the_gold_shard_with_its_provenance(tmp_path: Path, analyzer) -> None:
    corpus_dir = make_corpus(tmp_path)
    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    other = tmp_path / "colleague"
    with Store.open(None, annotator="dan", store_dir=other) as theirs:
        theirs.article(article, sentences).set_label(1, "cause")
    with Store.open(None, annotator="cy", store_dir=other, gold=True) as gold:
        decided = gold.article(article, sentences).decide(1, "quantity", "dan=cause; eve=quantity")
    assert main(["merge", str(corpus_dir), str(other), "--annotator", "ana"]) == 0
    with Store.open(corpus.root, annotator="ana", read_only=True) as mine:
        assert "cy" not in [s.annotator for s in mine.shards()]  # cy decided: no label of cy's own
        record = mine.gold().article(article, sentences).labels[1]
    assert (record.label, record.annotator, record.decided_from) == ("quantity", "cy", "dan=cause; eve=quantity")
    assert (record.created, record.updated) == (decided.created, decided.updated)


def test_a_long_annotator_name_gets_a_short_folder_and_a_blank_one_is_refused(
    tmp_path: Path, analyzer, capsys
) -> None:
    corpus_dir = make_corpus(tmp_path)
    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    long = "Łódź-" + "名" * 59  # 64 characters, 550 bytes percent-encoded: over the 255-byte name limit
    with Store.open(corpus.root, annotator=long) as store:
        store.article(article, sentences).set_label(0, "cause")
        folder = store.shard
    assert len(folder.name.encode()) <= 100 and folder.name.startswith("%C5%81%C3%B3d%C5%BA-%E5%90%8D")
    assert json.loads((folder / "annotator.json").read_text("utf-8")) == {"annotator": long}
    with Store.open(corpus.root, annotator="ana") as store:
        assert store.shard.name == "ana"  # short names keep their folder: existing stores still work
        (theirs,) = [s for s in store.shards() if s is not store]
        assert theirs.annotator == long and theirs.article(article, sentences).labels[0].label == "cause"
    for blank in ("", "   "):
        assert main(["stats", str(corpus_dir), "--annotator", blank]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "is blank" in err and "Traceback" not in err
