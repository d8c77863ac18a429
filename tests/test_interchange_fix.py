"""Issue 11, "Interchange" (fix): each export loads in its tool and comes back unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotations.export import collect_rows, write_export
from annotations.importing import import_file
from annotations.store import Store
from corpus.model import Analysis, Article, Segment, Span

# Emoji, CRLF between sentences, a line separator inside one, formula-like text.
SENTENCES = [
    "Inflation rose to 5.4% in Britain 🇬🇧 last month.",
    "=SUM(A1) said\u2028the Bank of England, -3 @ana.",
    "+44 figures from the ONS were not checked.",
    "Nobody knows why.",
]


def build() -> tuple[Article, Analysis]:
    segments, pos = [], 0
    for s in SENTENCES:
        segments.append(Segment(pos, pos + len(s)))
        pos += len(s) + 2
    text = "\r\n".join(SENTENCES)
    b = segments[1].start
    spans = (
        Span(18, 22, "PERCENT", "figure"),
        Span(26, 33, "GPE", "entity"),
        Span(b + 18, b + 33, "ORG", "entity"),  # "Bank of England" (after "the")
        Span(b + 22, b + 33, "GPE", "entity"),  # "of England": overlaps the ORG
    )
    return (
        Article(id="news/a.txt", path="news/a.txt", text=text, title="=cmd|' /C calc'!A0"),
        Analysis((Segment(0, len(text)),), tuple(segments), spans),
    )


def labelled(path: Path, article: Article, analysis: Analysis) -> Store:
    store = Store.open(None, annotator="ana", store_dir=path)
    doc = store.article(article, analysis.sentences)
    doc.set_label(0, "quantity")
    doc.set_checkworthy(0, True)
    doc.set_note(0, "-3 is down; =1+1\r\nsecond line")
    doc.set_label(1, "none", annotator="bea")
    doc.set_label(2, "prediction")
    b = analysis.sentences[2].start
    doc.add_span(b + 5, b + 10, "MISC")  # "igure": cut mid-word, kept exact
    doc.add_span(b + 6, b + 9, "X")  # inside it: an overlap
    return store


@pytest.fixture
def world(tmp_path: Path):
    article, analysis = build()
    store = labelled(tmp_path / "a", article, analysis)
    yield store, article, analysis, tmp_path
    store.close()


def export(store: Store, items, fmt: str, out: Path, notes: list[str] | None = None, **kw) -> Path:
    rows = list(collect_rows(store, items, **kw))
    write_export(rows, fmt, out, store.scheme, notes=notes, texts={a.id: a.text for a, _ in items})
    return out


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x]


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "doccano-spans", "csv"])
def test_export_import_export_is_byte_identical(world, fmt: str) -> None:
    """Emoji, CRLF, U+2028, formula-like cells, a mid-word span and overlaps all survive."""
    store, article, analysis, tmp = world
    items = [(article, analysis)]
    first = export(store, items, fmt, tmp / f"first.{fmt}").read_bytes()
    target = Store.open(None, annotator="someone-else", store_dir=tmp / "b")
    try:
        report = import_file(target, tmp / f"first.{fmt}", {article.id: (article, analysis)}.get)
        assert report.errors == [] and report.imported == 3
        second = export(target, items, fmt, tmp / f"second.{fmt}").read_bytes()
    finally:
        target.close()
    assert second == first


def test_prodigy_import_keeps_exact_offsets(world) -> None:
    """A mid-word span goes to Prodigy widened to tokens, but comes back exact, so the
    other formats still see its true offsets."""
    store, article, analysis, tmp = world
    items = [(article, analysis)]
    task = jsonl(export(store, items, "prodigy", tmp / "p.jsonl"))[2]
    misc = [s for s in task["spans"] if s["label"] == "MISC"][0]
    assert task["text"][misc["start"] : misc["end"]] == "figures"  # whole tokens for Prodigy
    assert misc["meta"] == {"start": 5, "end": 10}
    target = Store.open(None, annotator="x", store_dir=tmp / "b")
    try:
        import_file(target, tmp / "p.jsonl", {article.id: (article, analysis)}.get)
        record = jsonl(export(target, items, "doccano", tmp / "d.jsonl"))[2]
    finally:
        target.close()
    assert [5, 10, "MISC"] in record["entities"]


def test_doccano_label_changed_in_doccano_comes_back(world) -> None:
    """Text classification exports the edited ``label``, intent detection the edited
    ``cats``; either way the change is imported, by the doccano user."""
    store, article, analysis, tmp = world
    records = jsonl(export(store, [(article, analysis)], "doccano", tmp / "d.jsonl"))
    assert [r["meta"]["label"] for r in records] == ["quantity", "none", "prediction"]
    # doccano 1.8 without collaborative annotation: one <username>.jsonl per user,
    # doccano's id on each record, the rest of the imported record kept as it was.
    edited = dict(records[0], id=11, label=["cause"])  # text classification: label edited
    intent = dict(records[1], id=12, cats=["rule"])  # intent detection: cats edited
    same = dict(records[2], id=13)
    path = tmp / "carol.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (edited, intent, same)), encoding="utf-8")
    report = import_file(store, path, {article.id: (article, analysis)}.get)
    assert report.errors == [] and report.imported == 2
    # doccano's user is the annotator: the changes go to carol's shard, ana's stay as they were
    carol = next(s for s in store.shards() if s.annotator == "carol")
    labels = carol.article(article, analysis.sentences).labels
    assert (labels[0].label, labels[0].annotator) == ("cause", "carol")
    assert (labels[1].label, labels[1].annotator) == ("rule", "carol")
    assert store.article(article, analysis.sentences).labels[0].label == "quantity"
    labels = store.article(article, analysis.sentences).labels
    assert (labels[2].label, labels[2].annotator) == ("prediction", "ana")


def test_prodigy_not_a_claim_is_a_choice(world, tmp_path: Path) -> None:
    store, article, analysis, tmp = world
    tasks = jsonl(export(store, [(article, analysis)], "prodigy", tmp / "p.jsonl", include_unreviewed=True))
    assert {o["id"] for o in tasks[0]["options"]} == set(store.scheme.names)  # "none" too
    assert (tasks[1]["accept"], tasks[1]["answer"], tasks[1]["_view_id"]) == (["none"], "accept", "choice")
    assert (tasks[3]["accept"], tasks[3]["answer"]) == ([], "ignore")
    # the shape written before issue 11 still reads as not a claim
    old = dict(tasks[1], label="none", answer="reject", accept=[])
    del old["_view_id"]
    (tmp / "old.jsonl").write_text(json.dumps(old) + "\n", encoding="utf-8")
    target = Store.open(None, annotator="x", store_dir=tmp / "b")
    try:
        report = import_file(target, tmp / "old.jsonl", {article.id: (article, analysis)}.get)
        labels = {i: r for s in target.shards() for i, r in s.article(article, analysis.sentences).labels.items()}
        assert report.errors == [] and labels[1].label == "none"
    finally:
        target.close()


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "doccano-spans", "spacy", "csv"])
def test_every_export_says_what_it_does_with_overlaps(world, fmt: str) -> None:
    store, article, analysis, tmp = world
    notes: list[str] = []
    export(store, [(article, analysis)], fmt, tmp / f"o.{fmt}", notes=notes)
    assert [n for n in notes if n.startswith("4 overlapping spans: ")], notes


def test_spacy_docbin_missing_tags_spans_and_user_data(world) -> None:
    import spacy
    from spacy.tokens import DocBin

    store, article, analysis, tmp = world
    out = export(store, [(article, analysis)], "spacy", tmp / "o.spacy", include_unreviewed=True)
    docs = list(DocBin(store_user_data=True).from_disk(out).get_docs(spacy.blank("en").vocab))
    assert len(docs) == 4
    # the last sentence: nobody reviewed it, so its entity tags are missing, not O
    assert [t.ent_iob_ for t in docs[3]] == [""] * len(docs[3])
    assert docs[3].user_data == {
        "article_id": "news/a.txt", "sentence_index": 3, "annotator": "",
        "label_source": "unreviewed", "spans_reviewed": False,
    }
    assert docs[1].user_data["annotator"] == "bea" and docs[1].user_data["label_source"] == "annotator"
    assert all(t.ent_iob_ in "BIO" and t.ent_iob_ for t in docs[1])
    # spancat gets every span, overlaps included; ents keep the longest
    assert [(s.text, s.label_) for s in docs[1].spans["sc"]] == [("Bank of England", "ORG"), ("of England", "GPE")]
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Bank of England", "ORG")]


def test_csv_cells_do_not_run_as_formulas_and_keep_updated(world) -> None:
    store, article, analysis, tmp = world
    out = export(store, [(article, analysis)], "csv", tmp / "o.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert rows[0]["title"].startswith("'=") and rows[0]["note"].startswith("'-3")
    assert rows[1]["sentence"].startswith("'=SUM") and rows[2]["sentence"].startswith("'+44")
    updated = [r["updated"] for r in rows]
    target = Store.open(None, annotator="x", store_dir=tmp / "b")
    try:
        assert import_file(target, out, {article.id: (article, analysis)}.get).errors == []
        labels = {i: r for s in target.shards() for i, r in s.article(article, analysis.sentences).labels.items()}
        assert labels[0].note == "-3 is down; =1+1\r\nsecond line"  # the ' is taken off again
        assert [labels[i].updated for i in range(3)] == updated  # not the import's time
    finally:
        target.close()
