"""``claimscope train PATH -o DIR``: the store's labels as a spaCy pipeline that sets ``doc.cats``.

The pipeline is spaCy's blank English plus the ``claimscope_claims`` component
(`annotations.suggest.pipeline`), fitted on the labelled sentences' text, so
``spacy.load(DIR)`` runs it wherever claimscope is installed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from corpus.errors import ClaimscopeError
from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path and the output folder."""
    parser.add_argument("path", type=Path, help="corpus folder or file whose store holds the labels")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write the spaCy pipeline to")


def run(args: argparse.Namespace) -> int:
    """Fit on the store's labels and write the pipeline; returns 0."""
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from annotations.suggest.features import SentenceInput
    from annotations.suggest.model import Example, fit
    from annotations.suggest.pipeline import write_pipeline
    from annotations.suggest.training import examples_from_store
    from corpus.articles import load_corpus

    out: Path = args.output
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "config.cfg").exists())):
        raise ClaimscopeError(f"{out} exists and is not a spaCy pipeline folder; give a new or empty folder")
    corpus = load_corpus(args.path)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    err = Console(stderr=True, soft_wrap=True)
    with Store.open(corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None), read_only=True) as store:
        err.print(Text(store.describe()))
        # Text alone: the written pipeline has no entity recogniser to give spans.
        examples = [Example(SentenceInput(e.sentence.text), e.label) for e in examples_from_store(store)]
    model = fit(examples, scheme)
    if model is None:
        raise ClaimscopeError(
            f"the store has {len(examples)} labelled sentences; label at least one claim and one "
            "not-claim sentence, then train again"
        )
    try:
        write_pipeline(model, [(label.name, label.claim) for label in scheme], scheme.default_claim, out)
    except OSError as error:
        raise ClaimscopeError(f"cannot write {out}: {error.strerror or error}") from None
    err.print(Text(f"trained on {model.trained_on} labels in {model.seconds:.2f} s; spaCy pipeline written to {out}"))
    err.print(Text(f'use it: nlp = spacy.load("{out}"); nlp(text).cats'))
    return 0
