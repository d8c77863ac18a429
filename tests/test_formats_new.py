"""The Label Studio, CoNLL, Hugging Face token and brat formats (issue 11, "Interchange").

A real corpus in tmp_path with CRLF line ends, an emoji, U+2028 inside a sentence and
overlapping spans; real stores; the real ``claimscope`` CLI through ``main``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotations.store import Store
from corpus.tokens import load_tokenizer
from corpus.articles import load_corpus
from tui.cli import main

ARTICLE_A = (
    "Prices in May\r\n\r\n"
    "Prices rose by 5% in May\r\naccording to officials \U0001F600 today.\r\n\r\n"
    "The bank said rates\u2028would rise to 3% next year.\r\n\r\n"
    "Nobody knows why this happened at all.\r\n"
)
ARTICLE_B = (
    "Survey results\n\n"
    "A survey says 40% of people agree with the plan.\n\n"
    "Another sentence here counts 12 items.\n\n"
    "Nobody expected that outcome.\n"
)
LABELS = ("quantity", "prediction", "none")


def spans_to_add(text: str) -> list[tuple[int, int, str]]:
    """Span corrections over article A: overlapping the model's PERCENT and DATE, across
    the CRLF, and ending on the emoji."""
    at = text.index("rose by 5%")
    may = text.index("May\r\naccording")
    emoji = text.index("\U0001F600")
    return [
        (at, at + len("rose by 5%"), "QUANTITY"),
        (may, may + len("May\r\naccording"), "EVENT"),
        (text.index("officials"), emoji + 1, "ORG"),
    ]


@pytest.fixture
def corpus(tmp_path: Path, analyzer) -> Path:
    """Two labelled articles (first three sentences each), notes, a flag, overlapping spans."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_bytes(ARTICLE_A.encode("utf-8"))
    (root / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    loaded = load_corpus(root)
    with Store.open(loaded.root, annotator="ana") as store:
        for article in loaded.articles:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            for i, name in enumerate(LABELS[: len(analysis.sentences)]):
                doc.set_label(i, name)
            doc.set_checkworthy(0, True)
            doc.set_note(1, "=check this\nsecond line\tand a tab")
            if article.id == "a.txt":
                for start, end, label in spans_to_add(article.text):
                    doc.add_span(start, end, label)
    return root


def export(root: Path, fmt: str, out: Path, *extra: str) -> None:
    assert main(["export", str(root), "-f", fmt, "-o", str(out), *extra]) == 0


def stored(root: Path, store_dir: Path | None, analyzer) -> dict[tuple[str, int], tuple]:
    """(article id, sentence index) -> (label, annotator, checkworthy, note), read through a store."""
    loaded = load_corpus(root)
    found = {}
    with Store.open(loaded.root, annotator="x", store_dir=store_dir, read_only=True) as reader:
        for store, article in ((s, a) for s in reader.shards() for a in loaded.articles):  # every annotator's shard
            doc = store.article(article, analyzer.analyze(article).sentences)
            for i, r in doc.labels.items():
                found[(article.id, i)] = (r.label, r.annotator, r.checkworthy, r.note)
    return found


# ------------------------------------------------------------- Label Studio


def test_label_studio_export_import_export_is_byte_identical(corpus: Path, tmp_path: Path, analyzer, capsys) -> None:
    out = tmp_path / "ls"
    export(corpus, "label-studio", out)
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    config = (out / "config.xml").read_text(encoding="utf-8")
    assert len(tasks) == 6
    names = set(re.findall(r'name="([^"]+)"', config))
    for task in tasks:
        text = task["data"]["text"]
        (result,) = [a["result"] for a in task["annotations"]]
        choices = [r for r in result if r["type"] == "choices"]
        assert [c["value"]["choices"] for c in choices] == [[task["data"]["meta"]["label"]]]
        for r in result:  # every result points at controls of the config
            if r["type"] == "relation":  # the source-to-cue relation: between two regions of the result
                assert {r["from_id"], r["to_id"]} <= {x.get("id") for x in result} and r["labels"] == ["attribution"]
                assert '<Relation value="attribution"/>' in config
                continue
            assert {r["from_name"], r["to_name"]} <= names
            if r["type"] == "labels":
                v = r["value"]
                assert text[v["start"] : v["end"]] == v["text"]
                assert f'<Label value="{v["labels"][0]}"/>' in config
    first = next(t for t in tasks if "\r\n" in t["data"]["text"])
    spans = {(r["value"]["text"], r["value"]["labels"][0]) for r in first["annotations"][0]["result"] if r["type"] == "labels"}
    # overlapping spans, the CRLF and the emoji all kept
    assert {("rose by 5%", "QUANTITY"), ("5%", "PERCENT"), ("May\r\naccording", "EVENT"), ("May", "DATE"),
            ("officials \U0001F600", "ORG")} <= spans
    assert any("\u2028" in t["data"]["text"] for t in tasks)

    fresh = tmp_path / "fresh"
    assert main(["import", str(corpus), str(out / "tasks.json"), "--store", str(fresh)]) == 0
    err = capsys.readouterr().err
    assert "6 imported, 0 unchanged, 0 rejected" in err and "Traceback" not in err
    assert stored(corpus, fresh, analyzer) == stored(corpus, None, analyzer)
    again = tmp_path / "again"
    assert main(["export", str(corpus), "--store", str(fresh), "-f", "label-studio", "-o", str(again)]) == 0
    assert (again / "tasks.json").read_bytes() == (out / "tasks.json").read_bytes()
    assert (again / "config.xml").read_bytes() == (out / "config.xml").read_bytes()


def label_studio_export(tasks: list[dict]) -> list[dict]:
    """What Label Studio's Export -> JSON gives for imported tasks: ids, users, times."""
    out = []
    for n, task in enumerate(tasks, start=1):
        annotations = [
            {
                "id": n, "completed_by": 1, "created_username": " lead@example.com, 1",
                "created_ago": "0 minutes", "result": a["result"], "was_cancelled": False,
                "ground_truth": False, "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z", "lead_time": 1.5, "task": n, "project": 1,
            }
            for a in task["annotations"]
        ]
        out.append({"id": n, "annotations": annotations, "drafts": [], "predictions": [],
                    "data": task["data"], "meta": {}, "inner_id": n, "project": 1})
    return out


def test_label_studio_export_with_a_changed_label_imports_with_the_label_studio_user(corpus: Path, tmp_path: Path, analyzer, capsys) -> None:
    out = tmp_path / "ls"
    export(corpus, "label-studio", out)
    tasks = label_studio_export(json.loads((out / "tasks.json").read_text(encoding="utf-8")))
    changed = tasks[1]
    choice = next(r for r in changed["annotations"][0]["result"] if r["type"] == "choices")
    choice["value"]["choices"] = ["none"]
    tasks[2]["annotations"][0]["was_cancelled"] = True  # skipped in Label Studio: not imported
    tasks[3]["annotations"][0]["result"].append(
        {"from_name": "claim", "to_name": "text", "type": "choices", "value": {"choices": ["nonsense"]}}
    )
    export_file = tmp_path / "project-1-at-2026.json"
    export_file.write_text(json.dumps(tasks, indent=2, ensure_ascii=False), encoding="utf-8")

    fresh = tmp_path / "fresh"
    assert main(["import", str(corpus), str(export_file), "--store", str(fresh)]) == 1
    err = capsys.readouterr().err
    assert "4 imported, 0 unchanged, 1 rejected" in err
    # named by the true line the bad task starts on in the indented file
    starts = [i + 1 for i, l in enumerate(export_file.read_text(encoding="utf-8").split("\n")) if l == "  {"]
    assert f"line {starts[3]}: several labels ['quantity', 'nonsense'] for one sentence" in err
    got = stored(corpus, fresh, analyzer)
    article, index = changed["data"]["meta"]["article_id"], changed["data"]["meta"]["sentence_index"]
    assert got[(article, index)][:2] == ("none", "lead@example.com")
    assert got[("a.txt", 0)][:3] == ("quantity", "ana", True)  # unchanged: the original annotator
    skipped = tasks[2]["data"]["meta"]
    assert (skipped["article_id"], skipped["sentence_index"]) not in got


def test_label_studio_broken_json_is_one_line(corpus: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "tasks.json"
    bad.write_text('[\n{"data": {"text": "x"}, "annotations": []},\n{"data": \n', encoding="utf-8")
    assert main(["import", str(corpus), str(bad), "--store", str(tmp_path / "fresh")]) == 2
    err = capsys.readouterr().err
    assert "tasks.json is not a Label Studio JSON export (Expecting value at line 4 column 1)" in err and "Traceback" not in err


# ------------------------------------------------------------------ CoNLL


def test_conll_and_hf_tokens_tag_spacy_tokens(corpus: Path, tmp_path: Path, analyzer) -> None:
    conll = tmp_path / "labels.conll"
    export(corpus, "conll", conll)
    hf = tmp_path / "hf"
    export(corpus, "hf-tokens", hf)
    text = conll.read_text(encoding="utf-8")
    docs = text.split("-DOCSTART- -X- O O\n\n")
    assert docs[0] == "" and len(docs) == 3  # one per article
    blocks = [b for d in docs[1:] for b in d.split("\n\n") if b.strip()]
    records = [json.loads(line) for line in (hf / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    tags = json.loads((hf / "tags.json").read_text(encoding="utf-8"))
    assert tags[0] == "O" and len(blocks) == len(records) == 6
    nlp_tokens = load_tokenizer()
    loaded = {a.id: a for a in load_corpus(corpus).articles}
    for block, record in zip(blocks, records):
        rows = [line.split(" ") for line in block.split("\n")]
        assert all(len(r) == 4 and r[1:3] == ["_", "_"] for r in rows)
        words, iob = [r[0] for r in rows], [r[3] for r in rows]
        assert record["tokens"] == words and [tags[i] for i in record["ner_tags"]] == iob
        article = loaded[record["article_id"]]
        seg = analyzer.analyze(article).sentences[record["sentence_index"]]
        sentence = article.text[seg.start : seg.end]
        assert words == [t.text for t in nlp_tokens(sentence) if not t.text.isspace()]
        for i, tag in enumerate(iob):  # well-formed IOB2: I- continues its own label
            if tag.startswith("I-"):
                assert iob[i - 1][2:] == tag[2:] and iob[i - 1] != "O"
    first = next(r for r in records if "\U0001F600" in r["tokens"])
    tagged = dict(zip(first["tokens"], [tags[i] for i in first["ner_tags"]]))
    # the longest of the overlapping spans wins; the span across the CRLF skips the CRLF token
    assert tagged["rose"] == "B-QUANTITY" and tagged["5"] == "I-QUANTITY" and tagged["%"] == "I-QUANTITY"
    assert tagged["May"] == "B-EVENT" and tagged["according"] == "I-EVENT"
    assert tagged["officials"] == "B-ORG" and tagged["\U0001F600"] == "I-ORG"
    assert "\r\n" not in first["tokens"]


# ------------------------------------------------------------------- brat


def test_brat_offsets_slice_the_txt_exactly(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    export(corpus, "brat", out)
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "Claim\tArg:Sentence, Value:" in conf and "<OVERLAP>" in conf
    entity_types = set(conf.split("[entities]\n")[1].split("\n\n")[0].split("\n"))
    txts = sorted(out.glob("*.txt"))
    assert len(txts) == 2
    originals = {a.text for a in load_corpus(corpus).articles}
    seen_fragments = seen_emoji = relations = 0
    for txt in txts:
        with txt.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        assert text in originals  # the article text exactly, CRLF kept
        lines = (txt.with_suffix(".ann")).read_text(encoding="utf-8").split("\n")
        assert lines[-1] == ""
        ids = set()
        claims = []
        for line in lines[:-1]:
            kind = line[0]
            if kind == "T":
                tid, middle, shown = line.split("\t")
                label, where = middle.split(" ", 1)
                assert label in entity_types
                pieces = [tuple(map(int, p.split(" "))) for p in where.split(";")]
                seen_fragments += len(pieces) > 1
                assert " ".join(text[s:e] for s, e in pieces) == shown
                assert all("\n" not in text[s:e] and "\r" not in text[s:e] for s, e in pieces)
                seen_emoji += "\U0001F600" in shown
                ids.add(tid)
            elif kind == "A":
                _, attr = line.split("\t")
                name, target, *value = attr.split(" ")
                assert target in ids and name in ("Claim", "Checkworthy")
                if name == "Claim":
                    claims.append(value[0])
            elif kind == "R":  # who claims a sentence: its SOURCE to its CUE, both declared
                _, relation = line.split("\t")
                name, source, cue = relation.split(" ")
                assert name == "Attribution" and source[5:] in ids and cue[5:] in ids
                assert "Attribution\tArg1:SOURCE, Arg2:CUE" in conf and {"SOURCE", "CUE"} <= entity_types
                relations += 1
            else:
                assert line.startswith("#") and "AnnotatorNotes" in line
                assert line.endswith("=check this second line and a tab")
        assert claims == list(LABELS)
    assert relations >= 1  # the corpus says "according to" and "said"
    assert seen_fragments >= 3  # the sentence and the span across CRLF, the sentence with U+2028
    assert seen_emoji == 2  # the sentence and the ORG span


def test_brat_regions_cut_at_line_breaks_the_same_with_the_breaks_found_first() -> None:
    """The positions of the line breaks, found once per article, decide as a search of each region does."""
    from annotations.formats.brat import _breaks_of, _standoff

    text = "ab\r\ncd\u2028e\x85f\n\ngh\x1ci \U0001F600\rj\u2029"
    breaks = _breaks_of(text)
    assert [text[i] for i in breaks] == ["\r", "\n", "\u2028", "\x85", "\n", "\n", "\x1c", "\r", "\u2029"]
    cut = 0
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            found = _standoff(text, start, end, breaks)
            assert found == _standoff(text, start, end)
            cut += found is not None and ";" in found
    assert cut > 50  # regions over a break were compared too


@pytest.mark.anyio
async def test_the_palette_exports_every_registered_format(tmp_path: Path, analyzer) -> None:
    # The palette lists the registry, not a hand-kept tuple: brat and the others show up.
    from apps import make_app
    from tui.palette import ClaimscopeCommands

    from annotations.export import FORMATS

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text("Fares rose 8% in May. Riders complained.\n", encoding="utf-8")
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        provider = ClaimscopeCommands(app.screen)
        titles = [title for title, _, _ in provider._commands()]
    app.store.close()
    for fmt in FORMATS:
        assert f"Export labels as {fmt}" in titles, fmt


def test_label_studio_tasks_are_the_json_of_the_task_dicts() -> None:
    """The writer puts each task's JSON together from pieces; it must be exactly what
    ``json.dumps`` gives for the task dict (one row, and several annotators' rows)."""
    from annotations.export import ExportRow
    from annotations.formats.jsonl import dumps
    from annotations.formats.claimant import RowClaimant
    from annotations.formats.label_studio import shared_task, task, task_json
    from corpus.model import Reading

    text = 'Prices rose "5%" to €2.3bn\nin May — 🇬🇧 \\ ok'
    readings = {
        (10, 12, "PERCENT"): Reading(5, "percent", "up", None, "value"),
        (16, 22, "MONEY"): Reading((2.3e9, 2.5e9), "EUR", "~", "homes", "range"),
    }
    spans = ((7, 12, "PERCENT"), (16, 22, "MONEY"), (23, 29, "DATE"))
    base = ExportRow("a/ü.txt", 'Tïtle "q"', 3, 10, 10 + len(text), text, "quantity", True,
                     "note\twith\ttabs\n", "ana", "2024-01-01", spans, False, readings, "")
    variants = [
        base,
        base._replace(spans=(), readings={}),
        base._replace(label=None, annotator="", checkworthy=False, note=""),
        base._replace(label=None, spans=()),
        base._replace(source="suggestion", spans=((10, 12, "PERCENT"),), start=0),
        # who claims it: a source and a cue (regions and a relation), a cue alone, nobody
        base._replace(claimant=RowClaimant("corrected", 'Ana "Q" Ruiz ü', (0, 6), (7, 11))),
        base._replace(label=None, spans=(), claimant=RowClaimant("found", "he", None, (7, 11))),
        base._replace(claimant=RowClaimant("outlet", "outlet")),
    ]
    for row in variants:
        assert task_json([row]) == dumps(task(row))
    for group in (variants[:2], [variants[2], base._replace(annotator="bob")], [base, variants[3]],
                  [base._replace(annotator=n, label=l) for n, l in (("a", None), ("b", "none"), ("c", "rule"))],
                  [variants[5], variants[7]._replace(annotator="bob")]):
        assert task_json(group) == dumps(shared_task(group))
