"""Export to Prodigy, doccano, CSV and spaCy from a real store, with exact offsets."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotations.errors import ExportError, UnknownLabelError
from annotations.export import CSV_COLUMNS, FORMATS, collect_rows, write_export
from annotations.formats.table import unguard
from annotations.scheme import default_scheme
from annotations.store import Store
from corpus.model import Analysis, Article, Segment, Span

SCHEME = default_scheme()


def build(sentences: list[str], sep: str, spans: list[tuple[int, int, int, str]], article_id: str = "news/a.txt"):
    """Article + analysis; ``spans`` are (sentence, start, end, label) within a sentence."""
    segments, pos = [], 0
    for i, s in enumerate(sentences):
        segments.append(Segment(pos, pos + len(s)))
        pos += len(s) + (len(sep) if i < len(sentences) - 1 else 0)
    text = sep.join(sentences)
    model_spans = tuple(
        Span(segments[i].start + a, segments[i].start + b, label, "figure" if label in ("PERCENT", "MONEY", "CARDINAL") else "entity")
        for i, a, b, label in spans
    )
    article = Article(id=article_id, path=article_id, text=text, title="A title")
    analysis = Analysis((Segment(0, len(text)),), tuple(segments), model_spans)
    return article, analysis


SENTENCES = [
    "Inflation rose to 5.4% in Britain 🇬🇧 last month.",
    "Ministers said it was regrettable.",
    "The Bank of England will raise rates.",
    "Nobody knows why.",
]
SPANS = [(0, 18, 22, "PERCENT"), (0, 26, 33, "GPE"), (2, 4, 20, "ORG"), (1, 0, 9, "NORP")]


@pytest.fixture
def labelled(tmp_path: Path):
    article, analysis = build(SENTENCES, "\r\n", SPANS)
    store = Store.open(tmp_path / "corpus", annotator="ana", store_dir=tmp_path / "store")
    doc = store.article(article, analysis.sentences)
    doc.set_label(0, "quantity")
    doc.set_checkworthy(0, True)
    doc.set_note(0, "ONS figure, check ✓")
    doc.set_label(1, "none")
    doc.set_label(2, "prediction", annotator="bea")
    doc.relabel_span(analysis.sentences[1].start, analysis.sentences[1].start + 9, "ORG")
    # an added span that does not sit on token boundaries ("ank of Eng")
    doc.add_span(analysis.sentences[2].start + 5, analysis.sentences[2].start + 15, "ORG")
    yield store, article, analysis, tmp_path
    store.close()


def export(store, items, fmt, out, **filters):
    rows = list(collect_rows(store, items, **filters))
    return write_export(rows, fmt, out, store.scheme, texts={a.id: a.text for a, _ in items}), rows


def test_prodigy_tasks(labelled) -> None:
    store, article, analysis, tmp = labelled
    n, _ = export(store, [(article, analysis)], "prodigy", tmp / "out.jsonl")
    tasks = [json.loads(line) for line in (tmp / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert n == len(tasks) == 3
    first, second, third = tasks
    assert first["text"] == SENTENCES[0]
    # claim typing as Prodigy's choice interface writes it (issue 11), "none" included
    assert (first["answer"], first["accept"], first["_view_id"]) == ("accept", ["quantity"], "choice")
    assert (second["answer"], second["accept"]) == ("accept", ["none"])
    assert "label" not in first
    assert first["options"] == [{"id": name, "text": name} for name in SCHEME.names]
    assert first["meta"] == {
        "annotator": "ana", "article_id": "news/a.txt", "attribution": "outlet", "checkworthy": True,
        "claimant": "outlet", "end": len(SENTENCES[0]), "note": "ONS figure, check ✓", "sentence_index": 0,
        "start": 0, "title": "A title",
    }
    assert third["meta"]["annotator"] == "bea"
    assert [(s["start"], s["end"], s["label"]) for s in first["spans"]] == [(18, 22, "PERCENT"), (26, 33, "GPE")]
    assert [s["label"] for s in second["spans"]] == ["ORG"]  # relabelled
    for task in tasks:
        tokens = task["tokens"]
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        for t in tokens:
            assert task["text"][t["start"] : t["end"]] == t["text"]
        for s in task["spans"]:
            assert tokens[s["token_start"]]["start"] == s["start"]
            assert tokens[s["token_end"]]["end"] == s["end"]
        for key in ("_input_hash", "_task_hash"):
            assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
    # the misaligned added span was widened to whole tokens: "Bank of England";
    # its exact offsets ride in the span's meta
    widened = [s for s in third["spans"] if s["label"] == "ORG"]
    assert {third["text"][s["start"] : s["end"]] for s in widened} == {"Bank of England"}
    assert (5, 15) in {(s["meta"]["start"], s["meta"]["end"]) for s in widened if "meta" in s}
    # deterministic
    export(store, [(article, analysis)], "prodigy", tmp / "again.jsonl")
    assert (tmp / "again.jsonl").read_bytes() == (tmp / "out.jsonl").read_bytes()


def test_doccano_both_shapes(labelled) -> None:
    store, article, analysis, tmp = labelled
    export(store, [(article, analysis)], "doccano", tmp / "d.jsonl")
    records = [json.loads(x) for x in (tmp / "d.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["label"] for r in records] == [["quantity"], ["none"], ["prediction"]]
    assert [r["cats"] for r in records] == [r["label"] for r in records]
    # one file carries the label list and the sentence's spans
    assert records[0]["entities"] == [[18, 22, "PERCENT"], [26, 33, "GPE"]]
    assert records[1]["entities"] == [[0, 9, "ORG"]]  # relabelled
    for r in records:
        for s, e, _ in r["entities"]:
            assert 0 <= s < e <= len(r["text"])
    assert records[0]["meta"]["note"] == "ONS figure, check ✓"
    export(store, [(article, analysis)], "doccano-spans", tmp / "s.jsonl")
    records = [json.loads(x) for x in (tmp / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[0]["label"] == [[18, 22, "PERCENT"], [26, 33, "GPE"]]
    assert records[0]["meta"]["label"] == "quantity"
    for r in records:
        for s, e, _ in r["label"]:
            assert 0 <= s < e <= len(r["text"])


def test_csv_rows_and_filters(labelled) -> None:
    store, article, analysis, tmp = labelled
    out = tmp / "labels.csv"
    export(store, [(article, analysis)], "csv", out, include_unreviewed=True)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(SENTENCES)
    for row in rows[1:]:
        record = dict(zip(CSV_COLUMNS, row))
        assert article.text[int(record["start"]) : int(record["end"])] == record["sentence"]
    assert [r[6] for r in rows[1:]] == ["quantity", "none", "prediction", ""]
    assert rows[1][7] == "true" and rows[2][7] == "false"
    _, only = export(store, [(article, analysis)], "csv", out, label="none")
    assert [r.sentence_index for r in only] == [1]
    _, bea = export(store, [(article, analysis)], "csv", out, annotator="bea")
    assert [r.sentence_index for r in bea] == [2]
    with pytest.raises(UnknownLabelError):
        export(store, [(article, analysis)], "csv", out, label="bogus")
    with pytest.raises(ExportError, match="unknown export format"):
        write_export([], "xml", out, SCHEME)


def test_prodigy_unreviewed_is_ignore(labelled) -> None:
    store, article, analysis, tmp = labelled
    export(store, [(article, analysis)], "prodigy", tmp / "all.jsonl", include_unreviewed=True)
    tasks = [json.loads(x) for x in (tmp / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [t["answer"] for t in tasks] == ["accept", "accept", "accept", "ignore"]
    assert tasks[3]["accept"] == []


def test_spacy_docbin_trains_a_textcat(labelled) -> None:
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Example

    store, article, analysis, tmp = labelled
    out = tmp / "train.spacy"
    n, _ = export(store, [(article, analysis)], "spacy", out)
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert n == len(docs) == 3
    assert docs[0].cats == {name: (1.0 if name == "quantity" else 0.0) for name in SCHEME.names}
    assert [(e.text, e.label_) for e in docs[0].ents] == [("5.4%", "PERCENT"), ("Britain", "GPE")]

    textcat = nlp.add_pipe("textcat")
    for name in SCHEME.names:
        textcat.add_label(name)
    examples = [Example(nlp.make_doc(d.text), d) for d in docs]
    optimizer = nlp.initialize(lambda: examples)
    losses: dict[str, float] = {}
    for _ in range(5):
        nlp.update(examples, sgd=optimizer, losses=losses)
    assert losses["textcat"] > 0
    model_dir = tmp / "model"
    nlp.to_disk(model_dir)
    loaded = spacy.load(model_dir)
    cats = loaded("Unemployment fell to 3.9% in May.").cats
    assert set(cats) == set(SCHEME.names)
    assert abs(sum(cats.values()) - 1.0) < 1e-4  # exclusive classes


def test_spacy_ents_from_overlapping_spans_are_filtered(tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    import spacy

    article, analysis = build(["The Bank of England raised rates by 0.25 points."], " ", [(0, 4, 19, "ORG"), (0, 12, 19, "GPE"), (0, 36, 40, "CARDINAL")])
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s") as store:
        store.article(article, analysis.sentences).set_label(0, "quantity")
        export(store, [(article, analysis)], "spacy", tmp_path / "o.spacy")
    doc = next(DocBin().from_disk(tmp_path / "o.spacy").get_docs(spacy.blank("en").vocab))
    assert [(e.text, e.label_) for e in doc.ents] == [("Bank of England", "ORG"), ("0.25", "CARDINAL")]


def test_every_format_writes(labelled) -> None:
    store, article, analysis, tmp = labelled
    for fmt in FORMATS:
        n, _ = export(store, [(article, analysis)], fmt, tmp / f"o.{fmt}")
        assert n == 3 and (tmp / f"o.{fmt}").stat().st_size > 0


# Text with emoji (astral code points), CRLF, combining marks, RTL and look-alike letters.
PIECES = ["ab", "Zoë", "e\u0301", "👍🏽", "🇬🇧", "\r\n", " ", "مرحبا", "Ѕреаk", "42%", "£5m", "\t", "x"]
sentence_text = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sentences=st.lists(sentence_text, min_size=1, max_size=4),
    sep=st.sampled_from([" ", "\r\n", "\n\n"]),
    data=st.data(),
)
def test_offsets_slice_exactly(sentences: list[str], sep: str, data) -> None:
    spans = []
    for i, s in enumerate(sentences):
        if len(s) >= 2:
            a = data.draw(st.integers(0, len(s) - 2))
            b = data.draw(st.integers(a + 1, len(s)))
            spans.append((i, a, b, "CARDINAL"))
    article, analysis = build(sentences, sep, spans)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with Store.open(None, annotator="h", store_dir=tmp_path / "s") as store:
            doc = store.article(article, analysis.sentences)
            with doc.batch():
                for i in range(len(sentences)):
                    doc.set_label(i, SCHEME.names[i % len(SCHEME.names)])
            rows = list(collect_rows(store, [(article, analysis)]))
            for row, seg in zip(rows, analysis.sentences):
                assert row.text == article.text[seg.start : seg.end]
            write_export(rows, "csv", tmp_path / "o.csv", SCHEME)
            write_export(rows, "doccano-spans", tmp_path / "d.jsonl", SCHEME)
            write_export(rows, "prodigy", tmp_path / "p.jsonl", SCHEME)
        with (tmp_path / "o.csv").open(encoding="utf-8", newline="") as fh:
            for record in list(csv.DictReader(fh)):
                # a cell a spreadsheet would run as a formula has a ' in front (unguard takes it off)
                assert article.text[int(record["start"]) : int(record["end"])] == unguard(record["sentence"])
        by_sentence = {i: [(a, b) for j, a, b, _ in spans if j == i] for i in range(len(sentences))}
        for i, line in enumerate((tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            assert record["text"] == sentences[i]
            assert [(s, e) for s, e, _ in record["label"]] == by_sentence[i]
        for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines():
            task = json.loads(line)
            text, tokens = task["text"], task["tokens"]
            assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
            for s in task["spans"]:
                assert tokens[s["token_start"]]["start"] == s["start"]
                assert tokens[s["token_end"]]["end"] == s["end"]
                assert 0 <= s["start"] < s["end"] <= len(text)


def test_unexportable_labels_are_reported(tmp_path: Path) -> None:
    article, analysis = build(SENTENCES, " ", [])
    broken, broken_analysis = build(SENTENCES, " ", [], article_id="broken.txt")
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s") as store:
        doc = store.article(article, analysis.sentences)
        doc.set_label(3, "other")
        doc.set_label(0, "quantity")
        store.article(broken, broken_analysis.sentences).set_label(0, "none")
        store.file_for("broken.txt").write_text("{not json", encoding="utf-8")
    changed, changed_analysis = build(SENTENCES[:3] + ["Something else entirely."], " ", [])
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s", read_only=True) as store:
        problems: list[str] = []
        rows = list(collect_rows(store, [(changed, changed_analysis), (broken, broken_analysis)], problems=problems))
    assert [(r.article_id, r.sentence_index) for r in rows] == [("news/a.txt", 0)]
    assert problems[0] == "news/a.txt: 1 orphaned label(s) (their sentence changed) not exported"
    assert str(tmp_path / "s" / "annotators" / "ana" / "articles") in problems[1] and "not valid JSON" in problems[1]


def test_export_corpus_for_the_app(tmp_path: Path, analyzer) -> None:
    from annotations.export import export_corpus
    from corpus.articles import load_corpus, sample_corpus_path

    corpus = load_corpus(sample_corpus_path())
    article = corpus.articles[0]
    with Store.open(corpus.root, annotator="ana", store_dir=tmp_path / "s") as store:
        analysis = analyzer.analyze(article)
        store.article(article, analysis.sentences).set_label(0, "quantity")
        out = tmp_path / "exports" / "labels.jsonl"
        assert export_corpus(corpus, store, "prodigy", out, analyzer=analyzer) == 1
    task = json.loads(out.read_text(encoding="utf-8"))
    seg = analysis.sentences[0]
    assert task["text"] == article.text[seg.start : seg.end]
    assert task["meta"]["article_id"] == article.id


# ------------------------------------------------- the same as spaCy's own objects

# Chunks that exercise the tokenizer's prefixes, suffixes, infixes and special cases.
WORDS = [
    "a.m.", "U.S.", "don't", "Mr.", "e.g.", ":)", "(", ")", "\"", "'s", "£5m", "42%", "3.9%",
    "1,000", "x", "Zoë", "e\u0301", "👍🏽", "🇬🇧", "مرحبا", "Ѕреаk", "—", "...", "co-op",
    "https://example.org/a?b=c", "#tag", "@ana", "$", "5", "km", "soft\u00adhyphen", "zw\u200dj",
    "C:\\dir", "\x07bell",
]
GAPS = [" ", " ", " ", "", "  ", "\n", "\r\n", "\t", "\xa0", " \n "]
messy_text = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), min_size=1, max_size=12).map(
    lambda parts: "".join(w + g for w, g in parts)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(messy_text, min_size=1, max_size=6))
# Two emoticons' chunks tokenised in one call once lent each other a special case.
@example(texts=[":)a.m. :):)"])
def test_chunk_tokenizer_matches_spacy(texts: list[str]) -> None:
    from annotations.export import tokenizer
    from corpus.tokens import ChunkTokenizer, flatten

    chunker = ChunkTokenizer(tokenizer())
    expected = [[(t.idx, t.idx + len(t), t.orth, bool(t.whitespace_)) for t in tokenizer()(x)] for x in texts]
    assert [flatten(forms) for forms in chunker.pipe(texts)] == expected
    # and again, now from the chunk cache
    assert [flatten(forms) for forms in chunker.pipe(texts)] == expected


def test_chunk_tokenizer_on_real_news(shared_corpus: Path, nlp) -> None:
    """On real articles: the same tokens as the pipeline's own tokenizer."""
    from annotations.export import tokenizer
    from corpus.tokens import ChunkTokenizer, flatten

    texts = []
    for file in sorted(shared_corpus.glob("*.txt")):
        text = file.read_text(encoding="utf-8")
        texts.extend(text.splitlines())
        texts.extend(sent.text for sent in nlp(text).sents)
    assert len(texts) > 20
    got = [flatten(forms) for forms in ChunkTokenizer(tokenizer()).pipe(texts)]
    for text, tokens in zip(texts, got):
        assert [(s, e) for s, e, _, _ in tokens] == [(t.idx, t.idx + len(t)) for t in nlp.tokenizer(text)]


def reference_doc(text: str, spans):
    """A sentence Doc made the plain spaCy way: the tokenizer, then ents from
    ``char_span(alignment_mode="expand")`` + ``filter_spans`` (tokens outside them O)."""
    from spacy.util import filter_spans

    from annotations.export import tokenizer

    doc = tokenizer()(text)
    ents = [doc.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in spans]
    doc.ents = filter_spans([x for x in ents if x is not None and len(x)])
    return doc


span_cases = st.lists(messy_text, min_size=1, max_size=5).flatmap(
    lambda texts: st.tuples(
        st.just(texts),
        st.tuples(
            *[
                st.lists(
                    st.tuples(st.integers(0, len(t)), st.integers(0, len(t)), st.sampled_from(["ORG", "MONEY", "DATE"]))
                    .filter(lambda x: x[0] < x[1]),
                    max_size=4,
                )
                for t in texts
            ]
        ),
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=span_cases, labels=st.lists(st.sampled_from([None, "quantity", "none"]), min_size=5, max_size=5))
def test_docbin_and_prodigy_spans_match_spacy(case, labels) -> None:
    """Tokens, spaces, ents and cats in the DocBin, and the Prodigy token spans, are
    what spaCy's own Doc/char_span/filter_spans give, overlaps and odd offsets included."""
    import spacy
    from spacy.tokens import DocBin

    from annotations.export import ExportRow

    texts, spans = case
    rows = [
        ExportRow("a", "T", i, 0, len(t), t, labels[i], False, "", "", "", tuple(sorted(sp, key=lambda x: (x[0], -x[1]))))
        for i, (t, sp) in enumerate(zip(texts, spans))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o.spacy"
        assert write_export(rows, "spacy", out, SCHEME) == len(rows)
        vocab = spacy.blank("en").vocab
        docs = list(DocBin().from_disk(out).get_docs(vocab))
        lines = {}
        for fmt in ("prodigy", "doccano", "doccano-spans"):
            write_export(rows, fmt, Path(tmp) / f"{fmt}.jsonl", SCHEME)
            lines[fmt] = (Path(tmp) / f"{fmt}.jsonl").read_text(encoding="utf-8").splitlines()
        tasks = [json.loads(x) for x in lines["prodigy"]]
    # The lines are put together by hand; they must be exactly what json.dumps writes.
    for fmt, written in lines.items():
        assert [json.dumps(json.loads(x), ensure_ascii=False) for x in written] == written, fmt
    assert len(docs) == len(tasks) == len(rows)
    for row, doc, task in zip(rows, docs, tasks):
        ref = reference_doc(row.text, row.spans)
        assert doc.text == row.text
        assert [(t.text, t.whitespace_) for t in doc] == [(t.text, t.whitespace_) for t in ref]
        widened = [ref.char_span(s, e, alignment_mode="expand") for s, e, _ in row.spans]
        if row.label is None:  # nobody reviewed its spans: missing (-), not O; no sc spans
            assert not doc.ents and [t.ent_iob_ for t in doc] == [""] * len(doc)
            assert not doc.spans.get("sc")
        else:
            assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in ref.ents]
            assert [t.ent_iob_ for t in doc] == [t.ent_iob_ for t in ref]
            # every span, overlaps included, in doc.spans["sc"] (widened to tokens)
            assert [(x.start, x.end, x.label_, x.start_char, x.end_char) for x in doc.spans.get("sc", [])] == [
                (x.start, x.end, label, x.start_char, x.end_char)
                for x, (_, _, label) in zip(widened, row.spans) if x is not None and len(x)
            ]
        assert doc.cats == ({} if row.label is None else {n: float(n == row.label) for n in SCHEME.names})
        assert [(t["start"], t["end"], t["text"], t["ws"]) for t in task["tokens"]] == [
            (t.idx, t.idx + len(t), t.text, bool(t.whitespace_)) for t in ref
        ]
        assert [(s["start"], s["end"], s["token_start"], s["token_end"]) for s in task["spans"]] == [
            (x.start_char, x.end_char, x.start, x.end - 1) for x in widened if x is not None and len(x)
        ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=span_cases)
def test_conll_and_hf_tokens_files_follow_the_plain_tagging(case) -> None:
    """The token writers put tags together per whitespace chunk; the files must be
    exactly what the plain per-token tagging (``tagged_sentences``) gives, on messy
    whitespace, overlapping spans and spans over whitespace alike."""
    from annotations.export import ExportRow
    from annotations.formats.conll import DOCSTART, span_labels, tagged_sentences

    texts, spans = case
    rows = [
        ExportRow(f"a{i // 2}", "T", i, 0, len(t), t, "quantity", False, "", "", "", tuple(sorted(sp, key=lambda x: (x[0], -x[1]))))
        for i, (t, sp) in enumerate(zip(texts, spans))
    ]
    names = ["O"] + [f"{p}-{label}" for label in span_labels(rows) for p in ("B", "I")]
    conll, hf, article = [], [], None
    for row, tagged in zip(rows, tagged_sentences(rows)):
        if row.article_id != article:
            article = row.article_id
            conll.append(f"{DOCSTART}\n\n")
        if tagged:
            conll.append("".join(f"{''.join('_' if c.isspace() else c for c in w)} _ _ {t}\n" for w, t in tagged) + "\n")
            hf.append({
                "id": f"{row.article_id}#{row.sentence_index}", "tokens": [w for w, _ in tagged],
                "ner_tags": [names.index(t) for _, t in tagged], "article_id": row.article_id,
                "sentence_index": row.sentence_index, "label": row.label,
            })
    with tempfile.TemporaryDirectory() as tmp:
        write_export(rows, "conll", Path(tmp) / "o.conll", SCHEME)
        write_export(rows, "hf-tokens", Path(tmp) / "hf", SCHEME)
        got_conll = (Path(tmp) / "o.conll").read_text(encoding="utf-8")
        got_hf = (Path(tmp) / "hf" / "train.jsonl").read_text(encoding="utf-8")
    assert got_conll == "".join(conll)
    assert [json.loads(x) for x in got_hf.splitlines()] == hf
    assert [json.dumps(json.loads(x), ensure_ascii=False) for x in got_hf.splitlines()] == got_hf.splitlines()


def test_token_tags_of_spans_in_any_order_follow_the_plain_tagging() -> None:
    """Spans in no order, overlapping, across chunks and over whitespace: the token
    writers tag a chunk at a time and skip the overlap rule when no two spans share a
    token; the tags must still be the plain per-token tagging's."""
    import random

    from annotations.export import ExportRow
    from annotations.formats.conll import span_labels, tagged_sentences

    rnd = random.Random(20)
    words = ["Acme", "Research", "said", "42%", "£3.5m,", "U.S.", "don't", "(BBC)", "x", "\n", "\t", "😀", "e-mail"]
    rows = []
    for i in range(600):
        text = "".join(rnd.choice(words) + rnd.choice([" ", " ", " ", "", "  ", "\n"]) for _ in range(rnd.randint(1, 10)))
        spans = [
            (*sorted(rnd.sample(range(len(text) + 1), 2)), rnd.choice(["ORG", "MONEY", "DATE"]))
            for _ in range(rnd.randint(0, 5) if len(text) > 1 else 0)
        ]
        rows.append(ExportRow(f"a{i // 3}", "T", i, 0, len(text), text, "quantity", False, "", "", "", tuple(spans)))
    assert sum(1 for row in rows if [s[0] for s in row.spans] != sorted(s[0] for s in row.spans)) > 100
    names = ["O"] + [f"{p}-{label}" for label in span_labels(rows) for p in ("B", "I")]
    expected = [([w for w, _ in tagged], [names.index(t) for _, t in tagged]) for tagged in tagged_sentences(rows) if tagged]
    assert any(any(n) for _, n in expected)
    with tempfile.TemporaryDirectory() as tmp:
        write_export(rows, "hf-tokens", Path(tmp) / "hf", SCHEME)
        write_export(rows, "conll", Path(tmp) / "o.conll", SCHEME)
        got = [json.loads(x) for x in (Path(tmp) / "hf" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
        conll = (Path(tmp) / "o.conll").read_text(encoding="utf-8")
    assert [(x["tokens"], x["ner_tags"]) for x in got] == expected
    sentences = [block for block in conll.split("\n\n") if block and not block.startswith("-DOCSTART-")]
    assert [[line.rsplit(" ", 1)[1] for line in block.splitlines()] for block in sentences] == [
        [names[n] for n in tags] for _, tags in expected
    ]


def test_empty_and_spanless_rows(tmp_path: Path) -> None:
    """No rows, empty sentences and rows without spans all write loadable files."""
    import spacy
    from spacy.tokens import DocBin

    from annotations.export import ExportRow

    assert write_export([], "spacy", tmp_path / "none.spacy", SCHEME) == 0
    assert list(DocBin().from_disk(tmp_path / "none.spacy").get_docs(spacy.blank("en").vocab)) == []
    rows = [
        ExportRow("a", "T", 0, 0, 0, "", "none", False, "", "", ""),
        ExportRow("a", "T", 1, 1, 9, "No spans", "quantity", False, "", "", ""),
    ]
    assert write_export(rows, "spacy", tmp_path / "o.spacy", SCHEME) == 2
    docs = list(DocBin().from_disk(tmp_path / "o.spacy").get_docs(spacy.blank("en").vocab))
    assert [d.text for d in docs] == ["", "No spans"]
    assert [t.ent_iob_ for t in docs[1]] == ["O", "O"]  # annotated: no entities here
    for fmt in ("prodigy", "doccano", "doccano-spans", "csv"):
        assert write_export(rows, fmt, tmp_path / f"o.{fmt}", SCHEME) == 2
    task = json.loads((tmp_path / "o.prodigy").read_text(encoding="utf-8").splitlines()[0])
    assert (task["text"], task["tokens"], task["spans"]) == ("", [], [])


def test_fast_store_read_matches_the_full_one(tmp_path: Path) -> None:
    """``Store.placed_labels`` (export's reader) places labels exactly as ``Store.article``,
    for an unchanged article and for one whose sentences moved."""
    article, analysis = build(SENTENCES, " ", [(0, 18, 22, "PERCENT"), (2, 4, 20, "ORG")])
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s") as store:
        doc = store.article(article, analysis.sentences)
        doc.set_label(0, "quantity")
        doc.set_note(1, "only a note")
        doc.set_label(3, "other")
        doc.relabel_span(analysis.sentences[2].start + 4, analysis.sentences[2].start + 20, "FAC")
    moved, moved_analysis = build(["New first sentence."] + SENTENCES[::-1], " ", [])
    with Store.open(None, annotator="ana", store_dir=tmp_path / "s", read_only=True) as store:
        for art, an in ((article, analysis), (moved, moved_analysis)):
            fast = store.placed_labels(art, an.sentences)
            full = store.article(art, an.sentences)
            assert fast.records == {i: r.to_json() for i, r in full.labels.items()}
            assert fast.corrections == {(c.start, c.end): c for c in full.span_corrections}
            assert fast.orphans == len(full.orphans) and fast.error is None
        assert store.placed_labels(moved, moved_analysis.sentences).records[4]["label"] == "quantity"


def test_export_reads_analyses_only_for_articles_it_exports(tmp_path: Path, analyzer) -> None:
    from annotations.export import corpus_items
    from corpus.articles import load_corpus, sample_corpus_path

    corpus = load_corpus(sample_corpus_path())
    first, second, third = corpus.articles[:3]
    with Store.open(corpus.root, annotator="ana", store_dir=tmp_path / "s") as store:
        store.article(first, analyzer.analyze(first).sentences).set_label(0, "quantity")
        store.article(second, analyzer.analyze(second).sentences).set_label(0, "none", annotator="bea")
        store.article(third, analyzer.analyze(third).sentences).set_note(0, "only a note")
    with Store.open(corpus.root, store_dir=tmp_path / "s", read_only=True) as store:
        def ids(**filters) -> list[str]:
            return [a.id for a, _ in corpus_items(corpus, store, analyzer, **filters)]

        assert ids() == [first.id, second.id]  # the note-only article has nothing to export
        assert ids(label="quantity") == [first.id]
        assert ids(annotator="bea") == [second.id]
        assert ids(label="cause") == []
        assert ids(include_unreviewed=True, label="none") == [second.id]
        assert len(ids(include_unreviewed=True)) == len(corpus.articles)
    # A file changed behind the index's back is read, not trusted to the index.
    with Store.open(corpus.root, annotator="ana", store_dir=tmp_path / "s") as store:
        store.article(third, analyzer.analyze(third).sentences).set_label(1, "cause")
        with Store.open(corpus.root, store_dir=tmp_path / "s", read_only=True) as reader:
            assert third.id in [a.id for a, _ in corpus_items(corpus, reader, analyzer, label="cause")]


def test_prodigy_written_by_two_processes_is_the_same_file(labelled) -> None:
    """The forked writer (used for big exports) gives the same bytes as one process,
    and a failure in the child fails the export with its reason and leaves no temp file."""
    from annotations.export import ExportRow

    store, article, analysis, tmp = labelled
    rows = list(collect_rows(store, [(article, analysis)], include_unreviewed=True)) * 7
    assert write_export(rows, "prodigy", tmp / "one.jsonl", SCHEME, processes=1) == len(rows)
    seen: list[int] = []
    assert write_export(rows, "prodigy", tmp / "two.jsonl", SCHEME, processes=2, progress=seen.append) == len(rows)
    assert (tmp / "two.jsonl").read_bytes() == (tmp / "one.jsonl").read_bytes()
    assert sum(seen) == len(rows)
    broken = rows + [ExportRow("a", "T", 0, 0, 1, None, None, False, "", "", "")]  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="cannot write"):
        write_export(broken, "prodigy", tmp / "three.jsonl", SCHEME, processes=2)
    assert not [p for p in tmp.iterdir() if p.name.endswith(".part")]


def test_csv_figures_cell_is_the_plain_json_of_each_rows_readings(tmp_path: Path) -> None:
    """The figures cell (each reading serialised once, shared by the rows of every
    annotator) is byte for byte ``json.dumps`` of the row's figures and readings."""
    from corpus.model import Reading
    from corpus.readings import reading_json

    sentences = ['Prices rose "5.4%" to £4.2m, \\ up 😀 from 3.', "Between 10 and 15 fell from 1,200 to 950."]
    article, analysis = build(sentences, "\n", [(0, 12, 18, "PERCENT"), (0, 22, 27, "MONEY"), (0, 39, 40, "CARDINAL"), (1, 0, 17, "CARDINAL"), (1, 18, 40, "CARDINAL")])
    readings = [
        Reading(5.4, "percent", "up", None, "value"),
        Reading(4200000, "GBP", "=", 'c"ounted ça', "value"),
        None,
        Reading((10, 15), None, "~", None, "range"),
        Reading((1200, 950), None, "down", None, "from-to"),
    ]
    spans = tuple(Span(s.start, s.end, s.label, s.kind, r) for s, r in zip(analysis.spans, readings))
    analysis = Analysis(analysis.paragraphs, analysis.sentences, spans)
    for who, name in (("bea", "none"), ("ana", "quantity")):  # two annotators, two shards
        store = Store.open(tmp_path / "corpus", annotator=who, store_dir=tmp_path / "store")
        doc = store.article(article, analysis.sentences)
        for index in (0, 1):
            doc.set_label(index, name)
        if who == "bea":
            store.close()
    rows = list(collect_rows(store, [(article, analysis)]))
    store.close()
    assert [(r.sentence_index, r.annotator) for r in rows] == [(0, "ana"), (0, "bea"), (1, "ana"), (1, "bea")]
    write_export(rows, "csv", tmp_path / "o.csv", SCHEME)
    with (tmp_path / "o.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    cells = [line[table[0].index("figures")] for line in table][1:]
    expected = [
        json.dumps(
            [{"text": r.text[s:e], **reading_json(r.reading((s, e, label)))} for s, e, label in r.spans if label in ("PERCENT", "MONEY", "CARDINAL")],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for r in rows
    ]
    assert cells == expected
    assert '"value":[1200,950]' in cells[2] and '"counted":"c\\"ounted ça"' in cells[0] and '"value":null' in cells[0]


def test_collect_rows_pauses_the_collector_and_gives_it_back(labelled) -> None:
    """The rows are made with the cyclic collector off (a big export's speed), and it is
    on again once they are all made or the caller stops early; a caller that had turned
    it off keeps it off."""
    import gc

    store, article, analysis, _tmp = labelled
    assert gc.isenabled()
    rows = collect_rows(store, [(article, analysis)])
    next(rows)
    assert not gc.isenabled()
    rows.close()
    assert gc.isenabled()
    assert len(list(collect_rows(store, [(article, analysis)]))) == 3
    assert gc.isenabled()
    gc.disable()
    try:
        list(collect_rows(store, [(article, analysis)]))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_prodigy_tokens_of_long_sentences_and_of_every_annotator_are_spacys() -> None:
    """The Prodigy writer formats a token's numbers from tables for sentences up to a
    few hundred characters and 160 tokens, else one by one; a sentence's tokens are
    made once for the tasks of all its annotators. Every way gives spaCy's tokens."""
    from annotations.export import ExportRow
    from annotations.formats.prodigy import prodigy_lines
    from corpus.tokens import tokenizer

    texts = [
        "Prices rose 12% in Zürich, said the café's owner.",
        "In 2024, " + "the council spent £3.5m, " * 30 + "officials said.",  # > 514 characters
        "a " * 199 + "end.",  # 200 tokens in 402 characters
        "Costs (" + "1,200; " * 4000 + "in all) doubled.",  # > 20,000 characters
        "",
    ]
    rows = [
        ExportRow("a.txt", "T", i, 0, len(text), text, label, False, "", who, "", ((0, 5, "ORG"),) if len(text) > 5 else ())
        for i, text in enumerate(texts)
        for who, label in (("ana", "quantity"), ("bob", None))
    ]
    tasks = [json.loads(line) for line in prodigy_lines(rows, SCHEME)]
    for row, task in zip(rows, tasks):
        doc = tokenizer()(row.text)
        assert task["text"] == row.text
        assert task["tokens"] == [
            {"end": t.idx + len(t.text), "id": t.i, "start": t.idx, "text": t.text, "ws": bool(t.whitespace_)}
            for t in doc
        ]
        assert task["answer"] == ("accept" if row.label else "ignore")
    assert [len(task["tokens"]) for task in tasks[4:6]] == [201, 201]


def test_prodigy_tasks_are_the_same_whatever_the_batch_of_sentences_made_together(monkeypatch) -> None:
    """The tokens of a batch's sentences are made together, those too long for the
    tables one by one: batches of 1, 2, 3 and 100 sentences, short and long sentences
    mixed, spans on tokens of a batch's later sentences, two annotators' rows of each
    sentence kept in one batch, give the same file; and each span's token numbers
    count from its own sentence's first token."""
    from annotations.export import ExportRow
    from annotations.formats import prodigy
    from corpus.tokens import tokenizer

    texts = [
        "",
        "Prices rose 12% in Zürich, said the café's owner.",
        "In 2024, " + "the council spent £3.5m, " * 30 + "officials said.",  # > 514 characters
        'She said: "It\'s 3.9% of the C:\\ drive."',
        "a " * 199 + "end.",  # 200 tokens
        "Acme Research counted 1,000 homes.",
        "Line one\nline two  with\ttabs.",
    ]
    rows = [
        ExportRow(
            "a.txt", "T", i, 0, len(text), text, label, False, "", who, "",
            ((len(text) - 9, len(text) - 2, "ORG"),) if len(text) > 9 else (),
        )
        for i, text in enumerate(texts * 3)
        for who, label in (("ana", "quantity"), ("bob", None))
    ]
    made = {}
    for size in (1, 2, 3, 100):
        monkeypatch.setattr(prodigy, "_BATCH_SENTENCES", size)
        made[size] = list(prodigy.prodigy_lines(rows, SCHEME))
    assert made[1] == made[2] == made[3] == made[100]
    for row, line in zip(rows, made[3]):
        task = json.loads(line)
        doc = tokenizer()(row.text)
        assert [t["text"] for t in task["tokens"]] == [t.text for t in doc]
        for span in task["spans"]:
            piece = doc.char_span(span["start"], span["end"])
            assert (span["token_start"], span["token_end"]) == (piece.start, piece.end - 1)


def test_a_damaged_cached_token_entry_does_not_shift_the_next_sentences_tokens() -> None:
    """A sentence's cached whole-sentence tokens that do not add up to its length (a
    damaged cache entry) are made on their own: the next sentence of the batch still
    has spaCy's tokens at their offsets."""
    from annotations.export import ExportRow
    from annotations.formats.prodigy import prodigy_lines
    from corpus.tokens import SentenceTokens, tokenizer

    text = "Ab cd. Ef gh."
    # sentence 0 "tokenised whole" with a gap (5 of its 6 characters); sentence 1 cut at 12
    cached = SentenceTokens([0, 6, 7, 13], "12", [[0, 0, 2, 1, 4, 6, 0]], len(text))
    rows = [
        ExportRow("a.txt", "T", k, a, b, text[a:b], "quantity", False, "", "ana", "", ())
        for k, (a, b) in enumerate([(0, 6), (7, 13)])
    ]
    tasks = [json.loads(line) for line in prodigy_lines(rows, SCHEME, {"a.txt": cached})]
    assert [t["start"] for t in tasks[0]["tokens"]] == [0, 3]  # as cached, left alone
    assert tasks[1]["tokens"] == [
        {"end": t.idx + len(t.text), "id": t.i, "start": t.idx, "text": t.text, "ws": bool(t.whitespace_)}
        for t in tokenizer()("Ef gh.")
    ]


_SPAN = st.tuples(st.integers(0, 40), st.integers(1, 10)).map(lambda p: (p[0], p[0] + p[1], "X"))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_SPAN, max_size=6), max_size=4))
def test_overlapping_counts_every_span_that_shares_a_character_with_another(sentences) -> None:
    """The count a Prodigy or CoNLL export reports, against its definition, span by span."""
    from annotations.formats.rows import ExportRow, overlapping

    rows = []
    expected = 0
    for k, found in enumerate(sentences):
        spans = tuple(sorted(found, key=lambda s: (s[0], -s[1])))  # as rows hold them
        expected += sum(
            any(j != i and start < e and s < end for j, (s, e, _) in enumerate(spans))
            for i, (start, end, _) in enumerate(spans)
        )
        rows.append(ExportRow("a", "t", k, 0, 60, "x" * 60, None, False, "", "", "", spans, False, {}, "", "", None))
    assert overlapping(rows) == expected


def test_a_rows_meta_is_json_dumps_of_its_fields_whoever_claims_it_and_whatever_its_note() -> None:
    """``meta_json`` (every JSON lines format's ``meta``) against ``json.dumps`` of the
    same fields, keys sorted: no claimant, the outlet's own sentence (the shared
    ``NOBODY``, written from a constant), a named claimant; no note, and a note with
    quotes, markup and a backslash."""
    from annotations.export import ExportRow
    from annotations.formats.claimant import NOBODY, RowClaimant
    from annotations.formats.jsonl import meta_json

    base = ExportRow("feed/1.txt", 'T "x" [b]', 3, 10, 24, "a sentence", "quantity", True, "", "ana", "2026-12-07", ())
    for claimant in (None, NOBODY, RowClaimant("found", 'Ana "B" \\ C', (0, 3), (4, 8))):
        for note in ("", 'a "note" [/x] \\ end'):
            for with_label in (False, True):
                row = base._replace(claimant=claimant, note=note)
                fields = {
                    "annotator": "ana", "article_id": "feed/1.txt", "checkworthy": True, "end": 24, "note": note,
                    "sentence_index": 3, "start": 10, "title": 'T "x" [b]',
                }
                if claimant is not None:
                    fields |= {"attribution": claimant.how, "claimant": claimant.name}
                if with_label:
                    fields["label"] = "quantity"
                expected = json.dumps(dict(sorted(fields.items())), ensure_ascii=False)
                assert meta_json(row, {}, with_label=with_label) == expected, (claimant, note, with_label)
