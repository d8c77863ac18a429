"""`claimscope merge PATH OTHER_STORE`: every record of another store comes in, as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations.store import Store
from corpus.articles import load_corpus
from tui.cli import main


@pytest.fixture
def corpus_dir(tmp_path: Path, shared_corpus: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(shared_corpus, folder, ignore=shutil.ignore_patterns(".claimscope"))
    return folder


def records(store_dir: Path, article_id: str) -> dict[int, dict]:
    """The stored label records of an article, by sentence index, straight from disk."""
    with Store.open(None, annotator="ana", store_dir=store_dir, read_only=True) as store:
        for stored in store.stored_articles():
            if stored.article_id == article_id:
                return {r.sentence_index: r.to_json() for r in stored.labels}
    return {}


def test_merge_brings_in_everything_keeps_provenance_reports_conflicts_and_is_idempotent(
    corpus_dir: Path, analyzer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = load_corpus(corpus_dir)
    article, second = corpus.articles[0], corpus.articles[1]
    sentences = analyzer.analyze(article).sentences
    texts = [article.text[s.start : s.end] for s in sentences]
    target = corpus_dir / ".claimscope"
    other = tmp_path / "colleague" / ".claimscope"

    # This store first: sentence 1 labelled by ana (older than bob's), sentence 2 newer.
    with Store.open(corpus.root, annotator="ana") as mine:
        doc = mine.article(article, sentences)
        doc.set_label(1, "none")
    # ana's store from another machine (an older sentence split: one extra sentence at the
    # top). Labels are per annotator, so conflicts are between two records of one annotator
    # (a colleague's labels go to their own shard: tests/test_team.py).
    moved = article.__class__(
        id=article.id, path=article.path, title=article.title,
        text="A sentence that is gone now. " + article.text,
    )
    shift = len("A sentence that is gone now. ")
    old_sentences = (sentences[0].__class__(0, shift - 1),) + tuple(
        s.__class__(s.start + shift, s.end + shift) for s in sentences
    )
    with Store.open(None, annotator="ana", store_dir=other) as theirs:
        doc = theirs.article(moved, old_sentences)
        doc.set_label(0, "quantity")  # the gone sentence: an orphan after the merge
        doc.set_label(1, "prediction")  # = sentence 0 now
        doc.set_checkworthy(1, True)
        doc.set_note(1, "ask the ministry")
        doc.set_label(2, "cause")  # = sentence 1 now: conflicts with ana's older label
        doc.set_label(3, "rule")  # = sentence 2 now
        doc.add_span(sentences[0].start + shift, sentences[0].start + shift + 4, "ORG")
        theirs.article(second, analyzer.analyze(second).sentences).set_label(0, "other")
        ghost = second.__class__(id="not-here.txt", path="not-here.txt", text="Gone.", title="G")
        theirs.article(ghost, (sentences[0].__class__(0, 5),)).set_label(0, "quantity")
    with Store.open(corpus.root, annotator="ana") as mine:
        mine.article(article, sentences).set_label(2, "experience")  # newer than bob's 'rule'
    corrupt = other / "annotators" / "ana" / "articles" / "broken-0000000000.json"
    corrupt.write_text("{not json", "utf-8")
    bob = records(other, article.id)

    capsys.readouterr()
    assert main(["merge", str(corpus_dir), str(other)]) == 1  # 1: some files were skipped
    err = " ".join(capsys.readouterr().err.split())
    assert f"store: {target}" in err
    # prediction (s0), cause (s1, newer), orphan, second article = 4 labels; rule lost to ana.
    assert "merged 4 labels and 1 span corrections into 2 articles" in err
    assert "2 conflicts, 2 skipped" in err
    assert f"{article.id} s2: here none by ana" in err and "kept the merged one (newer)" in err
    assert f"{article.id} s3: here experience by ana" in err and "kept this store's (newer)" in err
    assert "not-here.txt: not in the corpus" in err
    assert f"store file {corrupt} is not valid JSON" in err

    merged = records(target, article.id)
    # Provenance kept exactly; placed on the current sentence by its text.
    for now, before in ((0, 1), (1, 2)):
        want = dict(bob[before], sentence_index=now, start=sentences[now].start,
                    end=sentences[now].end, article_hash=article.hash)
        assert merged[now] == want
        assert merged[now]["text"] == texts[now]
    assert merged[0]["checkworthy"] and merged[0]["note"] == "ask the ministry"
    assert merged[2]["label"] == "experience" and merged[2]["annotator"] == "ana"
    with Store.open(corpus.root, annotator="ana", read_only=True) as mine:
        doc = mine.article(article, sentences)
        assert [o.label for o in doc.orphans] == ["quantity"]
        assert doc.orphans[0].annotator == "ana"
        assert [(c.start, c.end, c.label, c.annotator) for c in doc.span_corrections] == [
            (sentences[0].start, sentences[0].start + 4, "ORG", "ana")
        ]
        assert mine.article(second, analyzer.analyze(second).sentences).label_of(0) == "other"
    before_files = {p.name: p.read_bytes() for p in (target / "annotators" / "ana" / "articles").glob("*.json")}

    # Twice: nothing new, files byte-identical.
    assert main(["merge", str(corpus_dir), str(other)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "merged 0 labels and 0 span corrections into 0 articles" in err
    assert {p.name: p.read_bytes() for p in (target / "annotators" / "ana" / "articles").glob("*.json")} == before_files


def test_merge_refuses_a_folder_that_is_not_a_store_and_the_store_itself(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["merge", str(corpus_dir), str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"claimscope: error: {(tmp_path / 'empty').resolve()} is not a claimscope store "
        "(it has no annotators/ or articles/ folder)"
    )
    Store.open(corpus_dir).close()
    assert main(["merge", str(corpus_dir), str(corpus_dir / ".claimscope")]) == 2
    assert "is the store being merged into" in capsys.readouterr().err


def test_merge_into_a_locked_store_is_refused_in_one_line(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    (other / "articles").mkdir(parents=True)
    holder = Store.open(corpus_dir, annotator="ana")
    try:
        assert main(["merge", str(corpus_dir), str(other), "--annotator", "ana"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("claimscope: error: cannot merge: store ")
        assert "locked by" in err[-1]
    finally:
        holder.close()
    assert json.loads((corpus_dir / ".claimscope" / "store.json").read_text("utf-8"))["schema"] >= 1


def test_merge_brings_in_a_corrected_claimant(corpus_dir: Path, analyzer, tmp_path: Path) -> None:
    from annotations.model import ClaimantMark

    corpus = load_corpus(corpus_dir)
    article = corpus.articles[0]
    sentences = analyzer.analyze(article).sentences
    other = tmp_path / "colleague" / ".claimscope"
    with Store.open(corpus.root, annotator="ana") as mine:
        mine.article(article, sentences).set_label(2, "none")
    with Store.open(None, annotator="ana", store_dir=other) as theirs:
        doc = theirs.article(article, sentences)
        doc.set_label(1, "quantity")
        doc.set_claimant(1, ClaimantMark(source=(0, 3), cue=(4, 8)))
        doc.set_claimant(3, ClaimantMark(no_source=True))  # a claimant mark alone, no label
    assert main(["merge", str(corpus_dir), str(other)]) == 0
    merged = records(corpus_dir / ".claimscope", article.id)
    assert merged[1]["attribution"] == "source=0-3;cue=4-8" and merged[1]["label"] == "quantity"
    assert merged[3]["attribution"] == "outlet" and merged[3]["label"] is None
    assert merged[2]["label"] == "none"
