"""``claimscope suggest PATH [-o FILE] [--min-score X]``: every sentence of a corpus ranked by check-worthiness.

Scores come from the store's trained model when there is one (``<store>/models/``),
else from the rule prior. Analyses come from the cache; the rest are analysed with a
progress bar. ``-o`` writes JSON lines (``.jsonl``) or CSV (``.csv``); without it the
JSON lines go to stdout.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from corpus.errors import ClaimscopeError
from corpus.terminal import visible_json
from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path, the output file and the score threshold."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder or file (default: the sample)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE: .jsonl or .csv (default: JSON lines on stdout)")
    parser.add_argument("--min-score", type=float, default=0.0, metavar="X", help="only sentences scoring at least X (0..1)")


def run(args: argparse.Namespace) -> int:
    """Rank the corpus's sentences and write them; returns 0."""
    from annotations.outputs import refuse_inside_corpus, staged_output
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from annotations.suggest.model import ModelFileError, Suggester, models_dir, read_model
    from annotations.suggest.ranking import RANKING_SUFFIXES, rank_sentences, write_ranking
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path

    if not 0.0 <= args.min_score <= 1.0:
        raise ClaimscopeError(f"--min-score {args.min_score} is not between 0 and 1")
    fmt = ".jsonl"
    if args.output is not None:
        fmt = args.output.suffix.lower()
        if fmt not in RANKING_SUFFIXES:
            raise ClaimscopeError(f"{args.output}: give a file ending in {' or '.join(RANKING_SUFFIXES)}")
    root = args.path if args.path is not None else sample_corpus_path()
    corpus = load_corpus(root)
    if args.output is not None:
        refuse_inside_corpus(args.output, Path(root), corpus.root)  # as `export -o`: never into the corpus
    err = Console(stderr=True, soft_wrap=True)
    for error in corpus.errors:
        err.print(Text(f"warning: {error.message}", style="yellow"))
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    store = Store.open(corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None), read_only=True)
    try:
        err.print(Text(store.describe()))
        for notice in store.notices:
            err.print(Text(notice, style="yellow"))
        try:
            model = read_model(models_dir(store.path))
        except ModelFileError as error:  # "model file unreadable: ...; suggestions from rules"
            model = None
            err.print(Text(str(error), style="yellow"))
        else:
            err.print(Text(f"suggestions: {'model of ' + str(model.trained_on) + ' labels' if model else 'rules only (no trained model in the store yet)'}"))
        analyzer = Analyzer(model=getattr(args, "model", None))
        if analyzer.model_error is not None and any(analyzer.cached(a) is None for a in corpus.articles):
            raise analyzer.model_error
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as progress:
            task = progress.add_task("scoring", total=len(corpus.articles))
            items = analyzer.analyze_many(corpus.articles, progress=lambda _a, _c: progress.advance(task))

            unreadable: list[str] = []

            def labels_of(article, analysis):  # type: ignore[no-untyped-def]
                placed = store.placed_labels(article, analysis.sentences)
                if placed.error is not None:  # named below; its sentences are ranked unlabelled
                    unreadable.append(f"{placed.error} (the labels of {article.id!r} are not shown)")
                return {i: record.get("label") for i, record in placed.records.items()}

            rows = rank_sentences(Suggester(scheme, model), items, labels_of)
        for problem in unreadable:
            err.print(Text(f"warning: {problem}", style="yellow"))
    finally:
        store.close()
    rows = [row for row in rows if row.score >= args.min_score]
    if args.output is None:
        lines = io.StringIO(newline="")
        write_ranking(rows, lines, fmt)
        # JSON keeps its value; DEL and C1 characters of the text go out as escapes.
        sys.stdout.buffer.write(visible_json(lines.getvalue()).encode("utf-8", "surrogatepass"))
        sys.stdout.flush()
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with staged_output(args.output) as staged:  # renamed into place once whole
            with staged.open("w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
                write_ranking(rows, fh, fmt)
    except OSError as error:
        raise ClaimscopeError(f"cannot write {args.output}: {error.strerror or error}") from None
    err.print(Text(f"{len(rows)} sentences written to {args.output}"))
    return 0
