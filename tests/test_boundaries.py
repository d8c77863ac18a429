"""Sentence boundaries and non-sentences, on a real news article: `m` merges a quote with
the sentence before it, `S` splits at the token cursor, both undoable and re-anchored by
text; headings ("Return to normalcy") do not count toward progress, and `x` still
labels them. Everything is real: spaCy, TinyDB files in tmp_path, the Textual app.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from annotations.export import export_corpus
from annotations.store import Store
from corpus.articles import load_corpus
from tui.config import Config
from tui.screens.reader import ReaderScreen

from apps import make_app, open_reader as _open_article

pytestmark = pytest.mark.anyio

ARTICLE = "003_a6c593d0cdc332f4.txt"
QUOTE = "“I carry my papers on me at all times,” he said"  # sentence 4 (index 3) starts so
NEXT = "“My military ID, which states I have a health condition, and my work pass.”"
HEADINGS = ["Return to normalcy", "Ramping up recruitment", "Second draft in the works", "Various views — and strategies"]


@pytest.fixture
def corpus_dir(tmp_path: Path, shared_corpus: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(shared_corpus / ARTICLE, folder / ARTICLE)
    return folder


def texts(doc) -> list[str]:
    return [doc.text[s.start : s.end] for s in doc.sentences]


async def open_reader(app, pilot) -> ReaderScreen:
    return await _open_article(app, pilot, ARTICLE)


async def go_to(pilot, reader: ReaderScreen, index: int) -> None:
    await pilot.press("g", *["j"] * index)
    assert reader.view.cursor == index


def status(reader: ReaderScreen) -> str:
    return str(reader.query_one("#sentence-status").render())


async def test_m_merges_a_quote_with_its_attribution_and_u_undoes_it(corpus_dir, tmp_path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_reader(app, pilot)
        count = len(reader.analysis.sentences)
        await go_to(pilot, reader, 3)
        assert reader.doc.text[reader.analysis.sentences[3].start :].startswith(QUOTE)
        await pilot.press("1", "j", "x", "k")  # a claim, then "none" on the quote's second half
        await pilot.press("m")
        doc = reader.doc
        merged = texts(doc)[3]
        assert merged.startswith(QUOTE) and merged.endswith(NEXT)
        assert len(doc.sentences) == count - 1 and reader.view.sentences == doc.sentences
        # The first sentence's label wins; the other, different one is kept as an orphan.
        first_label = doc.labels[3].label
        assert first_label == app.scheme.by_key("1").name
        assert doc.labels[3].text == merged
        assert [o.label for o in doc.orphans] == ["none"]
        assert "merged" in str(reader.save_indicator.render())
        # On disk: one merge correction, with its pieces' text (once the writer thread has it there).
        assert app.store.flush(timeout=10)
        stored = json.loads(doc.path.read_text(encoding="utf-8"))
        (record,) = stored["boundaries"].values()
        assert (record["action"], record["first"], record["second"], record["annotator"]) == (
            "merge", merged[: merged.index(NEXT)].rstrip(), NEXT, "tester"
        )
        await pilot.press("u")
        doc = reader.doc
        assert len(doc.sentences) == count and texts(doc)[4] == NEXT
        assert (doc.labels[3].label, doc.labels[4].label) == (first_label, "none")
        assert doc.labels[4].text == NEXT and not doc.orphans
        assert app.store.flush(timeout=10)
        assert "boundaries" not in json.loads(doc.path.read_text(encoding="utf-8"))
        assert reader.view.cursor == 3 and len(reader.view.sentences) == count


async def test_S_splits_the_sentence_at_the_token_cursor_and_u_undoes_it(corpus_dir, tmp_path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_reader(app, pilot)
        count = len(reader.analysis.sentences)
        await go_to(pilot, reader, 3)
        await pilot.press("2")  # a label on the whole sentence, then split it
        await pilot.press("v")
        while reader.doc.text[reader.span_cursor.token[0] :][:7] != "he said":
            await pilot.press("l")
        await pilot.press("S")
        doc = reader.doc
        assert len(doc.sentences) == count + 1
        assert texts(doc)[3] == "“I carry my papers on me at all times,”"
        assert texts(doc)[4].startswith("he said, lowering his voice")
        label = doc.labels[3].label
        assert label is not None and doc.labels[4].label == label  # both pieces keep it
        assert doc.labels[4].text == texts(doc)[4]
        assert reader.span_cursor is None and len(reader.view.sentences) == count + 1
        await pilot.press("u")
        doc = reader.doc
        assert len(doc.sentences) == count and texts(doc)[3].startswith(QUOTE)
        assert doc.labels[3].label == label and 4 not in doc.labels


async def test_labels_stay_on_their_text_after_merge_split_and_an_article_edit(corpus_dir, tmp_path, analyzer) -> None:
    corpus = load_corpus(corpus_dir)
    (article,) = corpus.articles
    analysis = analyzer.analyze(article)
    store = Store.open(corpus_dir, annotator="ana", store_dir=tmp_path / "store")
    doc = store.article(article, analysis.sentences)
    before = texts(doc)
    for i, name in ((2, "quantity"), (5, "none"), (10, "prediction"), (20, "quantity")):
        doc.set_label(i, name)
    labelled = {doc.labels[i].text: doc.labels[i].label for i in (2, 5, 10, 20)}
    doc.merge_sentences(3)  # the quote and its second half
    seg = doc.sentences[15]
    cut = doc.text.index(" ", seg.start + 20) + 1
    doc.split_sentence(15, cut)
    pieces = texts(doc)[15:17]
    assert "".join(pieces).replace(" ", "") == before[16].replace(" ", "")
    assert len(doc.sentences) == len(before)
    for record in doc.labels.values():
        assert texts(doc)[record.sentence_index] == record.text
    assert {doc.labels[i].text: doc.labels[i].label for i in doc.labels if doc.labels[i].text in labelled} == labelled
    store.close()

    # The article changes: a new paragraph near the top, a word changed further down.
    path = corpus_dir / ARTICLE
    text = path.read_text(encoding="utf-8")
    text = text.replace("Now back in Moscow", "He spoke to us in January.\nNow back in Moscow", 1)
    path.write_text(text.replace("military experts say", "military analysts say"), encoding="utf-8")
    (edited,) = load_corpus(corpus_dir).articles
    store = Store.open(corpus_dir, annotator="ana", store_dir=tmp_path / "store")
    doc = store.article(edited, analyzer.analyze(edited).sentences)
    now = texts(doc)
    merged = [t for t in now if t.startswith(QUOTE)]
    assert len(merged) == 1 and merged[0].endswith(NEXT)  # the merge followed its text
    at = now.index(pieces[0])
    assert now[at + 1] == pieces[1]  # so did the split
    for record in doc.labels.values():
        assert now[record.sentence_index] == record.text
    assert {r.text: r.label for r in doc.labels.values() if r.text in labelled} == labelled
    assert not doc.boundary_orphans
    store.close()


async def test_exports_carry_the_corrected_sentences(corpus_dir, tmp_path, analyzer) -> None:
    corpus = load_corpus(corpus_dir)
    (article,) = corpus.articles
    store = Store.open(corpus_dir, annotator="ana", store_dir=tmp_path / "store")
    doc = store.article(article, analyzer.analyze(article).sentences)
    doc.set_label(3, "quantity")
    doc.set_label(30, "none")
    doc.merge_sentences(3)
    merged = texts(doc)[3]
    doc.split_sentence(29, doc.sentences[29].start + texts(doc)[29].index(" ", 10) + 1)
    pieces = texts(doc)[29:31]
    out = tmp_path / "out"
    out.mkdir()
    assert export_corpus(corpus, store, "csv", out / "labels.csv", analyzer=analyzer) == 3
    rows = list(csv.DictReader((out / "labels.csv").open(encoding="utf-8")))
    assert [(r["sentence_index"], r["sentence"], r["label"]) for r in rows] == [
        ("3", merged, "quantity"),
        ("29", pieces[0], "none"),
        ("30", pieces[1], "none"),
    ]
    assert export_corpus(corpus, store, "prodigy", out / "labels.jsonl", analyzer=analyzer) == 3
    lines = [json.loads(line) for line in (out / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["meta"]["sentence_index"], x["text"], x["accept"]) for x in lines] == [
        (3, merged, ["quantity"]),
        (29, pieces[0], ["none"]),
        (30, pieces[1], ["none"]),
    ]
    store.close()


def test_real_headings_are_non_sentences_and_real_sentences_are_not(analyzer, shared_corpus) -> None:
    found = {}
    for article in load_corpus(shared_corpus).articles:
        analysis = analyzer.analyze(article)
        found[article.id] = [article.text[s.start : s.end] for s in analysis.sentences if s.non_sentence]
    assert found[ARTICLE] == HEADINGS
    assert all(ids == [] for name, ids in found.items() if name != ARTICLE)


async def test_non_sentences_do_not_count_toward_progress_and_x_works_on_them(corpus_dir, tmp_path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer, config=Config())  # advance on label
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_reader(app, pilot)
        sentences = reader.analysis.sentences
        heading = next(i for i, s in enumerate(sentences) if reader.doc.text[s.start : s.end] == HEADINGS[0])
        total = len(sentences) - len(HEADINGS)
        assert f"0/{total} reviewed" in status(reader)
        await go_to(pilot, reader, heading - 1)
        await pilot.press("space")  # the next unreviewed sentence is past the heading
        assert reader.view.cursor == heading + 1
        await pilot.press("k", "k", "x")  # labelling the sentence before advances past the heading too
        assert reader.view.cursor == heading + 1
        await pilot.press("k")
        assert reader.view.cursor == heading and "not counted" in status(reader)
        await pilot.press("x")  # the reader disagrees: now it is a sentence, and it counts
        assert reader.doc.labels[heading].label == "none"
        assert f"2/{total + 1} reviewed" in status(reader)
        assert app.store.summary()[ARTICLE].total == total + 1
