"""``claimscope train PATH -o DIR``: the store's labels as a spaCy pipeline that sets ``doc.cats``.

The pipeline is the analysis model's own (``--model``, else the default: its tokenizer,
tagger, parser and entity recogniser, copied from it) plus the ``claimscope_claims``
component (`annotations.suggest.pipeline`), fitted on the labelled sentences with the
spans of their analyses, as the app's suggestions are. ``spacy.load(DIR)(text)`` gives
sentences, entities and ``cats`` at once wherever claimscope is installed, and
``--model DIR`` analyses with it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from corpus.errors import ClaimscopeError
from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path and the output folder."""
    parser.add_argument("path", type=Path, help="corpus folder or file whose store holds the labels")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write the spaCy pipeline to")


def run(args: argparse.Namespace) -> int:
    """Fit on the store's labels and write the pipeline; returns 0."""
    from annotations.export import articles_to_export
    from annotations.outputs import pipeline_folder, refuse_inside_corpus, staged_output
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from annotations.suggest.model import fit
    from annotations.suggest.pipeline import write_pipeline
    from annotations.suggest.training import examples_from_store
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus

    out: Path = args.output
    if out.exists() and (not out.is_dir() or pipeline_folder(out, out) is not None):
        raise ClaimscopeError(f"{out} exists and is not a spaCy pipeline folder; give a new or empty folder")
    corpus = load_corpus(args.path)
    refuse_inside_corpus(out, args.path, corpus.root)  # as `export -o`: never into the corpus
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    analyzer = Analyzer(model=getattr(args, "model", None))
    if analyzer.model_error is not None:
        raise analyzer.model_error
    err = Console(stderr=True, soft_wrap=True)
    with Store.open(corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None), read_only=True) as store:
        err.print(Text(store.describe()))
        # The component reads the spans the pipeline's own analysis gives, so it learns
        # from the same: labelled articles not analysed yet are analysed first.
        by_id = {a.id: a for a in articles_to_export(corpus, store)}
        todo = [a for a in by_id.values() if analyzer.cached(a) is None]
        if todo:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=err, transient=True) as progress:
                task = progress.add_task("analyses", total=len(todo))
                for _ in analyzer.analyze_many(todo, progress=lambda _a, _c: progress.advance(task)):
                    pass
        examples = examples_from_store(store, by_id.get, analyzer)
    model = fit(examples, scheme)
    if model is None:
        raise ClaimscopeError(
            f"the store has {len(examples)} labelled sentences; label at least one claim and one "
            "not-claim sentence, then train again"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # Written beside DIR and swapped in whole: a killed run leaves the old pipeline.
        with staged_output(out, folder=True, replaceable=pipeline_folder) as staged:
            write_pipeline(
                model, [(label.name, label.claim) for label in scheme], scheme.default_claim, staged,
                source=analyzer.model_name,
            )
    except OSError as error:
        raise ClaimscopeError(f"cannot write {out}: {error.strerror or error}") from None
    err.print(Text(f"trained on {model.trained_on} labels in {model.seconds:.2f} s; spaCy pipeline written to {out}"))
    err.print(Text(f'use it: nlp = spacy.load("{out}"); doc = nlp(text); doc.sents, doc.ents, doc.cats'))
    err.print(Text(f"or analyse with it: claimscope --model {out} ..."))
    return 0
