"""``claimscope claims``: labelled claims with their claimant, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from annotations.claims import OUTLET, claim_rows
from annotations.scheme import default_scheme
from annotations.store import Store
from corpus.analysis import Analyzer
from corpus.articles import load_corpus

STORY = (
    "Harbour fees to rise\n\n"
    "The port authority said on Monday that fees would rise by 12% in April.\n\n"
    "Mayor Jon Park opened the new quay on Tuesday. He said the harbour had 40 berths.\n\n"
    "Ferries carry 3,000 people a day.\n"
)


def labelled_corpus(tmp_path: Path) -> Path:
    """A corpus of one article with three sentences labelled as claims by "ana"."""
    root = tmp_path / "news"
    root.mkdir()
    (root / "harbour.txt").write_text(STORY, encoding="utf-8")
    corpus = load_corpus(root)
    scheme = default_scheme()
    analyzer = Analyzer(cache_dir=tmp_path / "cache")
    store = Store.open(corpus.root, annotator="ana", scheme=scheme)
    try:
        for article in corpus.articles:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            texts = [article.text[s.start : s.end] for s in analysis.sentences]
            doc.set_label(next(i for i, t in enumerate(texts) if "fees would rise" in t), "quantity")
            doc.set_label(next(i for i, t in enumerate(texts) if "40 berths" in t), "quantity")
            doc.set_label(next(i for i, t in enumerate(texts) if "Ferries carry" in t), "quantity")
            doc.set_label(next(i for i, t in enumerate(texts) if "opened the new quay" in t), "none")
    finally:
        store.close()
    return root


def test_claim_rows_name_the_claimant(tmp_path, nlp):
    root = labelled_corpus(tmp_path)
    corpus = load_corpus(root)
    analyzer = Analyzer(cache_dir=tmp_path / "cache")
    store = Store.open(corpus.root, annotator="ana", scheme=default_scheme(), read_only=True)
    try:
        rows = claim_rows(analyzer.analyze_many(corpus.articles), store, default_scheme())
    finally:
        store.close()
    said = {row.text.split()[0]: (row.said_by, row.cue) for row in rows}
    assert said == {"The": ("port authority", "said"), "He": ("Jon Park", "said"), "Ferries": (OUTLET, None)}
    berths = next(row for row in rows if "40 berths" in row.text)
    assert [STORY[s.start : s.end] for s in berths.figures] == ["40"]


def test_claims_command_json_and_filters(tmp_path, nlp):
    root = labelled_corpus(tmp_path)
    command = shutil.which("claimscope")
    assert command, "the claimscope command is installed"
    env = dict(os.environ, CLAIMSCOPE_CACHE_DIR=str(tmp_path / "cache"))

    def claims(*extra: str) -> list[dict]:
        done = subprocess.run(
            [command, "--annotator", "ana", "claims", str(root), "--json", *extra], capture_output=True, env=env
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return json.loads(done.stdout.decode("utf-8"))

    everything = claims()
    assert [(c["claimant"], c["cue"]) for c in everything] == [("port authority", "said"), ("Jon Park", "said"), (None, None)]
    park = claims("--claimant", "park")
    assert len(park) == 1 and park[0]["source"] == "He" and park[0]["figures"][0]["text"] == "40"
    assert [c["text"] for c in claims("--claimant", "outlet")] == ["Ferries carry 3,000 people a day."]
    bad = subprocess.run(
        [command, "--annotator", "ana", "claims", str(root), "--label", "nope"], capture_output=True, env=env
    )
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
    assert bad.stderr.decode().startswith("claimscope: error:")
