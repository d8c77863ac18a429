"""Who claims a sentence, through every export and back in by import (issue 19).

A real article in tmp_path, the real spaCy pipeline, real stores and the real CLI
through ``main``: a reader's corrected claimant goes out in Prodigy, doccano, Label
Studio, CSV, spaCy and brat; files edited as a person edits them in Label Studio and
doccano come back, and exports from before (no SOURCE, no CUE) change nothing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotations.model import ClaimantMark
from annotations.store import Store
from corpus.articles import load_corpus
from tui.cli import main

from tests.test_claims import ARTICLE  # the same harbour article: its claims are known there

OLD_CSV_COLUMNS = [
    "article_id", "title", "sentence_index", "start", "end", "sentence", "label", "checkworthy", "note",
    "annotator", "updated", "figures",
]


class Corpus:
    """The folder, its store, and the sentences by their first word."""

    def __init__(self, root: Path, store_dir: Path, analyzer) -> None:
        self.root, self.store_dir, self.analyzer = root, store_dir, analyzer
        self.article = load_corpus(root).articles[0]
        self.analysis = analyzer.analyze(self.article)
        self.index = {
            ARTICLE[s.start : s.end].split()[0]: i for i, s in enumerate(self.analysis.sentences)
        }

    def text(self, word: str) -> str:
        sentence = self.analysis.sentences[self.index[word]]
        return ARTICLE[sentence.start : sentence.end]

    def marks(self) -> dict[str, str]:
        """First word -> the stored claimant correction ("" none), as a reader of the store sees it."""
        with Store.open(self.root, annotator="ana", store_dir=self.store_dir, read_only=True) as store:
            doc = store.article(self.article, self.analysis.sentences)
            return {word: (doc.labels[i].attribution if i in doc.labels else "") for word, i in self.index.items()}

    def claimants(self) -> dict[str, str]:
        """First word -> claimant, as ``claimscope claims`` lists them."""
        from annotations.claims import claim_rows

        with Store.open(self.root, annotator="ana", store_dir=self.store_dir, read_only=True) as store:
            rows = claim_rows(store, [(self.article, self.analysis)])
        return {row.text.split()[0]: row.claimant for row in rows}

    def export(self, fmt: str, out: Path) -> Path:
        assert main(["export", str(self.root), "--store", str(self.store_dir), "-f", fmt, "-o", str(out)]) == 0
        return out

    def import_file(self, path: Path) -> None:
        assert main(["import", str(self.root), str(path), "--store", str(self.store_dir)]) == 0


@pytest.fixture
def harbour(tmp_path: Path, analyzer) -> Corpus:
    """Every sentence labelled a claim; the ferry sentence's source corrected to "Ferry tickets"."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    corpus = Corpus(root, tmp_path / "store", analyzer)
    with Store.open(root, annotator="ana", store_dir=corpus.store_dir) as store:
        doc = store.article(corpus.article, corpus.analysis.sentences)
        for i in range(len(corpus.analysis.sentences)):
            doc.set_label(i, "quantity")
        doc.set_claimant(corpus.index["Ferry"], ClaimantMark(source=(0, len("Ferry tickets"))))
    return corpus


def _task(tasks: list[dict], word: str) -> dict:
    (task,) = [t for t in tasks if t["data"]["text"].startswith(word)]
    return task


def test_every_format_carries_the_claimant(harbour: Corpus, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    for fmt in ("prodigy", "doccano-spans"):  # lines put together by hand: exactly what json.dumps writes
        lines = harbour.export(fmt, tmp_path / f"{fmt}.jsonl").read_text("utf-8").splitlines()
        assert [json.dumps(json.loads(x), ensure_ascii=False) for x in lines] == lines
    spans = json.loads(next(x for x in lines if x.startswith('{"text": "The port')))["label"]
    assert [s for s in spans if s[2] in ("SOURCE", "CUE")] == [[0, 18, "SOURCE"], [19, 23, "CUE"]]
    prodigy = [json.loads(x) for x in (tmp_path / "prodigy.jsonl").read_text("utf-8").splitlines()]
    by_word = {t["text"].split()[0]: t for t in prodigy}
    port = by_word["The"]
    assert (port["meta"]["claimant"], port["meta"]["attribution"]) == ("port authority", "found")
    parts = {s["label"]: port["text"][s["start"] : s["end"]] for s in port["spans"] if s["label"] in ("SOURCE", "CUE")}
    assert parts == {"SOURCE": "The port authority", "CUE": "said"}
    ferry = by_word["Ferry"]
    assert (ferry["meta"]["claimant"], ferry["meta"]["attribution"]) == ("Ferry tickets", "corrected")
    assert by_word["Crowds"]["meta"]["attribution"] == "outlet" and by_word["Crowds"]["meta"]["claimant"] == "outlet"
    assert not [s for s in by_word["Crowds"]["spans"] if s["label"] in ("SOURCE", "CUE")]
    for task in prodigy:  # token offsets, like the other spans
        tokens = {(t["start"], t["end"]) for t in task["tokens"]}
        starts, ends = {a for a, _ in tokens}, {b for _, b in tokens}
        assert all(s["start"] in starts and s["end"] in ends for s in task["spans"])

    lines = harbour.export("doccano", tmp_path / "d.jsonl").read_text("utf-8").splitlines()
    assert [json.dumps(json.loads(x), ensure_ascii=False) for x in lines] == lines  # put together by hand
    trust = next(json.loads(x) for x in lines if x.startswith('{"text": "According'))
    ids = {e["label"]: e["id"] for e in trust["entities"] if isinstance(e, dict)}
    assert trust["relations"] == [{"id": 1, "from_id": ids["SOURCE"], "to_id": ids["CUE"], "type": "attribution"}]
    assert "Harbour Trust" in trust["meta"]["claimant"]

    ls = tmp_path / "ls"
    harbour.export("label-studio", ls)
    tasks = json.loads((ls / "tasks.json").read_text("utf-8"))
    result = _task(tasks, "The port")["annotations"][0]["result"]
    regions = {r["id"]: r for r in result if r["type"] == "labels"}
    (relation,) = [r for r in result if r["type"] == "relation"]
    assert regions[relation["from_id"]]["value"]["labels"] == ["SOURCE"]
    assert regions[relation["to_id"]]["value"] == {"start": 19, "end": 23, "text": "said", "labels": ["CUE"]}
    assert relation["direction"] == "right" and relation["labels"] == ["attribution"]
    config = (ls / "config.xml").read_text("utf-8")
    assert '<Label value="SOURCE"/>' in config and '<Label value="CUE"/>' in config
    assert '<Relation value="attribution"/>' in config

    with (harbour.export("csv", tmp_path / "t.csv")).open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == OLD_CSV_COLUMNS + ["claimant", "source", "cue"]  # appended: old columns keep their places
    row = next(r for r in table if r[5].startswith("The port"))
    assert row[-3:] == ["port authority", "The port authority", "said"]
    assert next(r for r in table if r[5].startswith("Crowds"))[-3:] == ["outlet", "", ""]

    docs = list(DocBin().from_disk(harbour.export("spacy", tmp_path / "o.spacy")).get_docs(spacy.blank("en").vocab))
    port_doc = next(d for d in docs if d.text.startswith("The port"))
    assert [(s.text, s.label_) for s in port_doc.spans["attribution"]] == [("The port authority", "SOURCE"), ("said", "CUE")]
    assert [s.label_ for s in port_doc.spans["sc"]]  # the figure spans stay in their own group
    assert not next(d for d in docs if d.text.startswith("Crowds")).spans.get("attribution")

    ann = next((harbour.export("brat", tmp_path / "brat")).glob("*.ann")).read_text("utf-8").splitlines()
    where = {line.split("\t")[0]: line.split("\t") for line in ann if line.startswith("T")}
    (first, *_) = [line for line in ann if line.startswith("R")]
    name, source, cue = first.split("\t")[1].split(" ")
    assert name == "Attribution"
    assert where[source[5:]][1].startswith("SOURCE ") and where[source[5:]][2] == "The port authority"
    assert where[cue[5:]][1].startswith("CUE ") and where[cue[5:]][2] == "said"


def test_a_claimant_edited_in_label_studio_comes_back(harbour: Corpus, tmp_path: Path, capsys) -> None:
    ls = harbour.export("label-studio", tmp_path / "ls")
    tasks = json.loads((ls / "tasks.json").read_text("utf-8"))
    # Label Studio's Export -> JSON: an id and a user on each annotation.
    for n, task in enumerate(tasks, start=1):
        task["id"] = n
        for annotation in task["annotations"]:
            annotation.update({"id": n, "completed_by": {"id": 1, "email": "ana@example.com"}, "was_cancelled": False})
    # Maria Lopez's quote: the source region moved onto "reporters", the relation redrawn from it.
    lopez = _task(tasks, "\u201cWe")
    text = lopez["data"]["text"]
    result = lopez["annotations"][0]["result"]
    result[:] = [r for r in result if r.get("id") != "source" and r["type"] != "relation"]
    at = text.index("reporters")
    result.append({"id": "Xy12ab", "from_name": "spans", "to_name": "text", "type": "labels",
                   "value": {"start": at, "end": at + len("reporters"), "text": "reporters", "labels": ["SOURCE"]}})
    result.append({"from_id": "Xy12ab", "to_id": "cue", "type": "relation", "direction": "right", "labels": ["attribution"]})
    # The ferry sentence: its corrected source deleted: nobody makes the claim, as the analysis says.
    ferry = _task(tasks, "Ferry")["annotations"][0]["result"]
    ferry[:] = [r for r in ferry if r["type"] in ("choices",) or r["value"]["labels"][0] not in ("SOURCE", "CUE")]
    edited = tmp_path / "project-1-at-2026.json"
    edited.write_text(json.dumps(tasks, indent=2, ensure_ascii=False), encoding="utf-8")
    before = harbour.marks()
    capsys.readouterr()
    harbour.import_file(edited)
    assert "2 imported, 3 unchanged, 0 rejected" in capsys.readouterr().err
    marks = harbour.marks()
    assert ClaimantMark.parse(marks["\u201cWe"]).source == (at, at + len("reporters"))
    assert marks["Ferry"] == ""  # what the analysis says of it: the correction is taken off
    assert {w: m for w, m in marks.items() if w not in ("\u201cWe", "Ferry")} == {
        w: m for w, m in before.items() if w not in ("\u201cWe", "Ferry")
    }
    claimants = harbour.claimants()
    assert claimants["\u201cWe"] == "reporters" and claimants["Ferry"] == "outlet"
    assert "port authority" in claimants["The"]
    # Exported again, the edit is what Label Studio gets.
    again = json.loads((harbour.export("label-studio", tmp_path / "again") / "tasks.json").read_text("utf-8"))
    assert _task(again, "\u201cWe")["data"]["meta"]["attribution"] == "corrected"
    assert _task(again, "Ferry")["data"]["meta"]["attribution"] == "outlet"


def _doccano_export(lines: list[str]) -> list[dict]:
    """What doccano's relation project exports for the imported lines: its own ids for
    the examples, every entity an object with a new id, relations between those ids."""
    out = []
    next_id = 100
    for n, line in enumerate(lines, start=1):
        record = json.loads(line)
        renumber = {}
        entities = []
        for entity in record["entities"]:
            if isinstance(entity, list):
                entity = {"start_offset": entity[0], "end_offset": entity[1], "label": entity[2]}
            else:
                renumber[entity["id"]] = next_id
            entities.append({**entity, "id": next_id})
            next_id += 1
        relations = [
            {"id": 50 + k, "from_id": renumber[r["from_id"]], "to_id": renumber[r["to_id"]], "type": r["type"]}
            for k, r in enumerate(record.get("relations", []))
        ]
        out.append({"id": n, **record, "entities": entities, "relations": relations})
    return out


def test_a_claimant_edited_in_doccano_comes_back(harbour: Corpus, tmp_path: Path, capsys) -> None:
    lines = harbour.export("doccano", tmp_path / "d.jsonl").read_text("utf-8").splitlines()
    records = _doccano_export(lines)
    by_word = {r["text"].split()[0]: r for r in records}
    # "According to the Harbour Trust": its SOURCE and CUE deleted (doccano deletes the relation with them).
    trust = by_word["According"]
    trust["entities"] = [e for e in trust["entities"] if e["label"] not in ("SOURCE", "CUE")]
    trust["relations"] = []
    # The port authority's sentence: the source moved to "harbour fees", a new relation to the cue.
    port = by_word["The"]
    source = next(e for e in port["entities"] if e["label"] == "SOURCE")
    at = port["text"].index("harbour fees")
    source.update({"id": 999, "start_offset": at, "end_offset": at + len("harbour fees")})
    port["relations"][0]["from_id"] = 999
    # Maria Lopez: only the relation deleted, the regions kept: the claimant stays.
    by_word["\u201cWe"]["relations"] = []
    edited = tmp_path / "ana.jsonl"
    edited.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    before = harbour.claimants()
    capsys.readouterr()
    harbour.import_file(edited)
    assert "2 imported, 3 unchanged, 0 rejected" in capsys.readouterr().err
    marks = harbour.marks()
    assert marks["According"] == "outlet"
    assert ClaimantMark.parse(marks["The"]).source == (at, at + len("harbour fees"))
    claimants = harbour.claimants()
    assert claimants["According"] == "outlet" and claimants["The"] == "harbour fees"
    assert claimants["\u201cWe"] == before["\u201cWe"] and claimants["Ferry"] == "Ferry tickets"


def test_prodigy_spans_come_back_and_a_source_put_back_clears_the_correction(harbour: Corpus, tmp_path: Path) -> None:
    tasks = [json.loads(x) for x in harbour.export("prodigy", tmp_path / "p.jsonl").read_text("utf-8").splitlines()]
    ferry = next(t for t in tasks if t["text"].startswith("Ferry"))
    # The correction taken off in Prodigy: the SOURCE span removed; the analysis says outlet too.
    ferry["spans"] = [s for s in ferry["spans"] if s["label"] not in ("SOURCE", "CUE")]
    crowds = next(t for t in tasks if t["text"].startswith("Crowds"))
    crowds["spans"].append({"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "SOURCE"})
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    harbour.import_file(path)
    marks = harbour.marks()
    assert marks["Ferry"] == ""  # back to what the analysis says: nobody
    assert marks["Crowds"] == "source=0-6"
    assert harbour.claimants()["Crowds"] == "Crowds"


def test_exports_from_before_leave_the_claimant_alone(harbour: Corpus, tmp_path: Path, capsys) -> None:
    """No SOURCE/CUE and no meta.attribution: a file made before the claimant travelled."""
    before = harbour.marks()
    assert before["Ferry"]
    lines = harbour.export("prodigy", tmp_path / "p.jsonl").read_text("utf-8").splitlines()
    old = []
    for line in lines:
        task = json.loads(line)
        task["spans"] = [s for s in task["spans"] if s["label"] not in ("SOURCE", "CUE")]
        for key in ("claimant", "attribution"):
            del task["meta"][key]
        old.append(json.dumps(task, ensure_ascii=False))
    (tmp_path / "old.jsonl").write_text("\n".join(old) + "\n", encoding="utf-8")
    ls = harbour.export("label-studio", tmp_path / "ls")
    tasks = json.loads((ls / "tasks.json").read_text("utf-8"))
    for task in tasks:
        for key in ("claimant", "attribution"):
            del task["data"]["meta"][key]
        for annotation in task["annotations"]:
            annotation["result"] = [
                r for r in annotation["result"]
                if r["type"] == "choices" or (r["type"] == "labels" and r["value"]["labels"][0] not in ("SOURCE", "CUE"))
            ]
    (tmp_path / "old-ls.json").write_text(json.dumps(tasks), encoding="utf-8")
    capsys.readouterr()
    for path in (tmp_path / "old.jsonl", tmp_path / "old-ls.json"):
        harbour.import_file(path)
        assert "0 imported, 5 unchanged, 0 rejected" in capsys.readouterr().err
    assert harbour.marks() == before


def test_a_source_outside_the_sentence_is_left_out_and_reads_back_unchanged() -> None:
    """A quote's second sentence: its cue and source are in the first; the row keeps the name only."""
    from annotations.formats.claimant import ImportedClaimant, claimant_mark, row_claimant
    from corpus.model import Attribution

    text = "\u201cPrices will rise. They will rise fast,\u201d Ana Ruiz said."
    second = text.index("They")
    found = Attribution(source=(text.index("Ana"), text.index(" said")), cue=(text.index("said"), text.index("said") + 4),
                        content=((1, len(text) - 12),), claimant="Ana Ruiz")
    start, end = 0, second - 1
    row = row_claimant(text, start, end, found, "")
    assert (row.how, row.name, row.source, row.cue) == ("found", "Ana Ruiz", None, None)
    assert claimant_mark(text, start, end, found, "", ImportedClaimant(None, None)) is True
    marked = claimant_mark(text, start, end, found, "", ImportedClaimant((1, 7), None))
    assert isinstance(marked, ClaimantMark) and marked.source == (1, 7)


def test_a_relation_picks_the_source_and_cue_among_several() -> None:
    from annotations.formats.claimant import ImportedClaimant, take_claimant

    spans = ((0, 3, "SOURCE"), (4, 8, "CUE"), (9, 12, "ORG"), (13, 16, "SOURCE"))
    meta = {"attribution": "found"}
    assert take_claimant(spans, meta) == (((9, 12, "ORG"),), ImportedClaimant((0, 3), (4, 8)))  # the first of each
    assert take_claimant(spans, meta, [(3, 1)])[1] == ImportedClaimant((13, 16), (4, 8))
    assert take_claimant(spans, meta, [(1, 3)])[1] == ImportedClaimant((13, 16), (4, 8))  # drawn from the cue
    assert take_claimant(((9, 12, "ORG"),), meta)[1] == ImportedClaimant(None, None)  # the export said: nobody
    assert take_claimant(((9, 12, "ORG"),), {})[1] is None  # a file from before: says nothing
    assert take_claimant(None, meta) == (None, None)  # no spans at all: cannot say


def test_every_sentences_attribution_at_once_is_each_ones_own() -> None:
    """``sentence_attributions`` (what export and the status line use; a fast path for an
    attribution inside one sentence) gives what ``sentence_attribution`` gives per sentence."""
    import random

    from corpus.claimants import sentence_attribution, sentence_attributions
    from corpus.model import Attribution, Segment

    rng = random.Random(3)

    def part() -> tuple[int, int]:
        at = rng.randrange(0, 200)
        return (at, min(200, at + rng.randint(0, 30)))

    inside = 0
    for _ in range(2000):
        cuts = sorted(rng.sample(range(1, 200), rng.randint(1, 12)))
        gap = rng.random() < 0.5  # sentences with a space between them, or touching
        sentences = [Segment(a + (1 if gap and a else 0), b) for a, b in zip([0, *cuts], [*cuts, 200]) if b > a + 1]
        attributions = tuple(
            Attribution(source=part() if rng.random() < 0.7 else None, cue=part(),
                        content=tuple(part() for _ in range(rng.randint(0, 2))))
            for _ in range(rng.randint(0, 6))
        )
        got = sentence_attributions(attributions, sentences)
        assert got == [sentence_attribution(attributions, s.start, s.end) for s in sentences]
        inside += sum(1 for s in sentences for x in attributions if s.start <= x.cue[0] and x.cue[1] <= s.end)
    assert inside > 1000  # the fast path ran


def test_a_source_outside_its_sentence_is_one_rejected_line(harbour: Corpus, tmp_path: Path, capsys) -> None:
    lines = harbour.export("doccano", tmp_path / "d.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(x) for x in lines]
    port = next(r for r in records if r["text"].startswith("The port"))
    next(e for e in port["entities"] if isinstance(e, dict) and e["label"] == "SOURCE")["end_offset"] = 500
    port["label"] = port["cats"] = ["none"]  # a label change on the same line is not applied either
    edited = tmp_path / "all.jsonl"
    edited.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    before = harbour.marks()
    capsys.readouterr()
    assert main(["import", str(harbour.root), str(edited), "--store", str(harbour.store_dir)]) == 1
    err = capsys.readouterr().err
    assert "0 imported, 4 unchanged, 1 rejected" in err and "is outside the sentence" in err and "Traceback" not in err
    assert harbour.marks() == before
    assert "none" not in {c.label for c in _claim_rows(harbour)}


def _claim_rows(corpus: Corpus) -> list:
    from annotations.claims import claim_rows

    with Store.open(corpus.root, annotator="ana", store_dir=corpus.store_dir, read_only=True) as store:
        return claim_rows(store, [(corpus.article, corpus.analysis)], label="none")


def _utf16(text: str, index: int) -> int:
    """``index`` (a ``str`` index into ``text``) counted as a web page counts: UTF-16 units."""
    return index + sum(1 for c in text[:index] if ord(c) > 0xFFFF)


def test_a_source_moved_in_a_doccano_that_counts_utf16_units_comes_back_in_place(
    tmp_path: Path, analyzer, capsys
) -> None:
    # An emoji before the source: a doccano page that counts UTF-16 units puts every
    # offset after it one further on than claimscope's str indices.
    text = "\U0001F6A2 Ferry fares rose by 12% this year, the port authority said on Monday.\n"
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "ferry.txt").write_text(text, encoding="utf-8")
    store_dir = tmp_path / "store"
    article = load_corpus(root).articles[0]
    analysis = analyzer.analyze(article)
    with Store.open(root, annotator="ana", store_dir=store_dir) as store:
        store.article(article, analysis.sentences).set_label(0, "quantity")
    out = tmp_path / "d.jsonl"
    assert main(["export", str(root), "--store", str(store_dir), "-f", "doccano", "-o", str(out)]) == 0
    record = json.loads(out.read_text("utf-8").splitlines()[0])
    sentence = record["text"]
    assert any(e["label"] == "SOURCE" for e in record["entities"] if isinstance(e, dict))
    entities = []
    for entity in record["entities"]:  # as that doccano exports them: objects, UTF-16 offsets, no text
        start, end, label = (
            (entity["start_offset"], entity["end_offset"], entity["label"]) if isinstance(entity, dict) else entity
        )
        if label == "SOURCE":  # moved to the fares
            start, end = sentence.index("Ferry fares"), sentence.index("Ferry fares") + len("Ferry fares")
        moved = {"start_offset": _utf16(sentence, start), "end_offset": _utf16(sentence, end), "label": label}
        entities.append({**moved, "id": entity["id"]} if isinstance(entity, dict) and "id" in entity else moved)
    record["entities"] = entities
    edited = tmp_path / "ana.jsonl"
    edited.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(root), str(edited), "--store", str(store_dir)]) == 0
    err = capsys.readouterr().err
    assert "1 imported" in err and "UTF-16 units" in err
    with Store.open(root, annotator="ana", store_dir=store_dir, read_only=True) as store:
        mark = ClaimantMark.parse(store.article(article, analysis.sentences).labels[0].attribution)
    at = text.index("Ferry fares")
    assert mark.source == (at, at + len("Ferry fares"))
    # the other spans, read in the same unit, are where they were: nothing else changed
    with Store.open(root, annotator="ana", store_dir=store_dir, read_only=True) as store:
        assert store.article(article, analysis.sentences).span_corrections == ()
