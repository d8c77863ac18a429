"""Print the corpus table: what the bare command does when there is no terminal to draw on.

``claimscope`` run from a script, a pipe or CI (stdin or stdout not a terminal) cannot
open the interactive app, so it prints the article list and exits successfully.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The listing takes only the corpus path."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder (default: the sample)")


def run(args: argparse.Namespace) -> int:
    """Print one row per article (and per load error); return 0."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path
    from corpus.errors import ModelNotFoundError

    root = args.path if args.path is not None else sample_corpus_path()
    corpus = load_corpus(root)
    try:
        analyzer: Analyzer | None = Analyzer(model=getattr(args, "model", None))
    except ModelNotFoundError as error:  # the list still shows; only the counts are missing
        print(f"claimscope: warning: {error}")
        analyzer = None
    console = Console(soft_wrap=False)

    table = Table(title=f"claimscope: {corpus.root}", title_justify="left")
    for name, justify in (
        ("title", "left"),
        ("source", "left"),
        ("date", "left"),
        ("words", "right"),
        ("entities", "right"),
        ("figures", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for article in corpus.articles:
        counts = analyzer.counts(article) if analyzer is not None else None
        if counts is None:
            words = str(len(article.text[slice(*article.body)].split()))
            entities = figures = "–"
        else:
            words, entities, figures = str(counts.words), str(counts.entities), str(counts.figures)
        table.add_row(
            Text(article.title),
            Text(article.meta.get("source", "")),
            Text(article.meta.get("date", "")),
            words,
            entities,
            figures,
        )
    for error in corpus.errors:
        table.add_row(Text(f"⚠ {error.message}", style="red"), "", "", "", "", "")
    console.print(table)
    console.print(
        f"{len(corpus.articles)} articles, {len(corpus.errors)} could not be read. "
        "Run `claimscope` in a terminal to read and annotate; "
        "`claimscope analyze PATH` fills the entity/figure counts."
    )
    return 0
