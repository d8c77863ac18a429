"""Import Prodigy and doccano JSONL: round trips are exact, bad lines are reported one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.export import collect_rows, write_export
from annotations.importing import import_file, import_lines
from annotations.store import Store
from corpus.model import Analysis, Article, Segment, Span
from tui.cli import main

SENTENCES = [
    "Inflation rose to 5.4% in Britain 🇬🇧 last month.",
    "Ministers said it was regrettable.",
    "The Bank of England will raise rates.",
    "Nobody knows why.",
]


def build(article_id: str = "news/a.txt") -> tuple[Article, Analysis]:
    segments, pos = [], 0
    for s in SENTENCES:
        segments.append(Segment(pos, pos + len(s)))
        pos += len(s) + 2
    text = "\r\n".join(SENTENCES)
    spans = (
        Span(18, 22, "PERCENT", "figure"),
        Span(26, 33, "GPE", "entity"),
        Span(segments[2].start + 4, segments[2].start + 20, "ORG", "entity"),
    )
    return (
        Article(id=article_id, path=article_id, text=text, title="T"),
        Analysis((Segment(0, len(text)),), tuple(segments), spans),
    )


def labelled_store(path: Path, article: Article, analysis: Analysis) -> Store:
    store = Store.open(None, annotator="ana", store_dir=path)
    doc = store.article(article, analysis.sentences)
    doc.set_label(0, "quantity")
    doc.set_checkworthy(0, True)
    doc.set_note(0, "check ✓\nsecond line")
    doc.set_label(1, "none", annotator="bea")
    doc.set_label(2, "prediction")
    seg = analysis.sentences[2]
    doc.relabel_span(seg.start + 4, seg.start + 20, "FAC")
    doc.add_span(seg.start + 30, seg.start + 35, "MISC")  # "rates" -> added span
    doc.remove_span(18, 22)
    return store


def export_to(store: Store, items, fmt: str, out: Path) -> bytes:
    write_export(list(collect_rows(store, items)), fmt, out, store.scheme)
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "doccano-spans"])
def test_export_import_export_is_identical(tmp_path: Path, fmt: str) -> None:
    article, analysis = build()
    items = [(article, analysis)]
    source = labelled_store(tmp_path / "a", article, analysis)
    first = export_to(source, items, fmt, tmp_path / "first.jsonl")
    source.close()
    target = Store.open(None, annotator="someone-else", store_dir=tmp_path / "b")
    resolve = {article.id: (article, analysis)}.get
    report = import_file(target, tmp_path / "first.jsonl", resolve)
    assert report.errors == [] and report.imported == 3
    second = export_to(target, items, fmt, tmp_path / "second.jsonl")
    assert second == first
    # Importing the same file again changes nothing.
    again = import_file(target, tmp_path / "first.jsonl", resolve)
    assert (again.imported, again.unchanged) == (0, 3)
    target.close()


def test_import_matches_by_text_when_sentences_moved(tmp_path: Path) -> None:
    article, analysis = build()
    line = json.dumps({"text": SENTENCES[3], "label": ["other"], "meta": {"article_id": article.id, "sentence_index": 0}})
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s") as store:
        report = import_lines(store, [line], {article.id: (article, analysis)}.get)
        assert report.imported == 1
        assert store.article(article, analysis.sentences).labels[3].label == "other"


def test_bad_lines_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    article, analysis = build()
    good = {"text": SENTENCES[1], "label": ["none"], "meta": {"article_id": article.id, "sentence_index": 1}}
    lines = [
        json.dumps(good),
        '{"text": "broken',
        json.dumps({"text": SENTENCES[0], "label": ["foo"], "meta": {"article_id": article.id}}),
        json.dumps({"text": "x", "label": ["none"], "meta": {"article_id": "gone.txt"}}),
        json.dumps({"text": SENTENCES[0], "label": [[0, 500, "ORG"]], "meta": {"article_id": article.id}}),
        "",
        json.dumps({"text": "Not in the article.", "label": ["none"], "meta": {"article_id": article.id}}),
        json.dumps({"text": SENTENCES[2], "label": ["cause"]}),
        json.dumps({"text": SENTENCES[2], "answer": "accept", "accept": ["rule"], "meta": {"article_id": article.id}}),
        json.dumps({"text": SENTENCES[0], "label": ["quantity", "cause"], "meta": {"article_id": article.id}}),
    ]
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s") as store:
        report = import_lines(store, lines, {article.id: (article, analysis)}.get)
        labels = store.article(article, analysis.sentences).labels
    assert report.imported == 2
    assert {i: r.label for i, r in labels.items()} == {1: "none", 2: "rule"}
    errors = report.errors
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1].startswith("line 3: unknown label 'foo' (known: quantity, cause,")
    assert errors[2] == "line 4: unknown article 'gone.txt' (not in the corpus)"
    assert errors[3].startswith("line 5: span 0-500 is outside the sentence")
    assert errors[4].startswith("line 7: sentence not found in article 'news/a.txt'")
    assert errors[5].startswith("line 8: no meta.article_id")
    assert errors[6].startswith("line 10: several labels")
    assert len(errors) == 7


def test_cli_round_trip_on_the_sample_corpus(tmp_path: Path, analyzer, capsys) -> None:
    from corpus.articles import load_corpus, sample_corpus_path

    corpus = load_corpus(sample_corpus_path())
    with Store.open(corpus.root, annotator="ana", store_dir=tmp_path / "a") as store:
        for article in corpus.articles[:3]:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            for i in range(min(3, len(analysis.sentences))):
                doc.set_label(i, ("quantity", "none", "cause")[i])
            if analysis.spans:
                first = analysis.spans[0]
                doc.relabel_span(first.start, first.end, "EVENT")
    root = str(corpus.root)
    assert main(["export", root, "--store", str(tmp_path / "a"), "-f", "prodigy", "-o", str(tmp_path / "one.jsonl")]) == 0
    assert main(["import", root, str(tmp_path / "one.jsonl"), "--store", str(tmp_path / "b")]) == 0
    assert main(["export", root, "--store", str(tmp_path / "b"), "-f", "prodigy", "-o", str(tmp_path / "two.jsonl")]) == 0
    one = (tmp_path / "one.jsonl").read_text(encoding="utf-8")
    assert one and one == (tmp_path / "two.jsonl").read_text(encoding="utf-8")
    assert len(one.splitlines()) == 9
    err = capsys.readouterr().err
    assert "9 imported" in err and str(tmp_path / "a") in err

    (tmp_path / "bad.jsonl").write_text(
        '{"text": "x", "label": ["nonsense"], "meta": {"article_id": "porto-cup-final.txt"}}\n', encoding="utf-8"
    )
    assert main(["import", root, str(tmp_path / "bad.jsonl"), "--store", str(tmp_path / "b")]) == 1
    assert "line 1: unknown label 'nonsense'" in capsys.readouterr().err
    assert main(["import", root, str(tmp_path / "missing.jsonl"), "--store", str(tmp_path / "b")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_doccano_entities_and_cats_are_imported(tmp_path: Path) -> None:
    """doccano's intent-detection shape (``cats`` + ``entities``, its own dict form too)."""
    article, analysis = build()
    seg = analysis.sentences[2]
    offset_of = SENTENCES[2].index("rates")
    lines = [
        json.dumps(
            {
                "text": SENTENCES[2],
                "cats": ["prediction"],
                "entities": [
                    {"start_offset": 4, "end_offset": 20, "label": "FAC"},
                    {"start_offset": offset_of, "end_offset": offset_of + 5, "label": "MISC"},
                ],
                "meta": {"article_id": article.id, "sentence_index": 2, "annotator": "bea"},
            }
        ),
        json.dumps(
            {
                "text": SENTENCES[1],
                "label": ["none"],
                "cats": ["cause"],
                "meta": {"article_id": article.id, "sentence_index": 1},
            }
        ),
        json.dumps(
            {
                "text": SENTENCES[0],
                "label": ["quantity"],
                "entities": [[0, 9, "EVENT"]],
                "meta": {"article_id": article.id},
            }
        ),
    ]
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s") as store:
        report = import_lines(store, lines, {article.id: (article, analysis)}.get)
        doc = store.article(article, analysis.sentences)
        assert report.imported == 2
        assert report.errors == ["line 2: \"label\" ['none'] and \"cats\" ['cause'] disagree"]
        bea = next(s for s in store.shards() if s.annotator == "bea").article(article, analysis.sentences)
        assert (bea.labels[2].label, bea.labels[2].annotator) == ("prediction", "bea")  # in bea's shard
        assert doc.labels[0].label == "quantity"
        spans = {(s.start, s.end, s.label) for s in doc.spans(analysis.spans) if s.start < seg.start}
        spans |= {(s.start, s.end, s.label) for s in bea.spans(analysis.spans) if s.start >= seg.start}
        assert (seg.start + 4, seg.start + 20, "FAC") in spans  # relabelled from ORG
        assert (seg.start + offset_of, seg.start + offset_of + 5, "MISC") in spans  # added
        # the entities list is the sentence's whole span set: the model's two spans in
        # sentence 0 are replaced by the one given
        assert {s for s in spans if s[1] <= analysis.sentences[0].end} == {(0, 9, "EVENT")}
