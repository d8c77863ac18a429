"""Print the corpus table: what the bare command does when there is no terminal to draw on.

``claimscope`` run from a script, a pipe or CI (stdin or stdout not a terminal) cannot
open the interactive app, so it prints the article list and exits successfully.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.table import Table
from rich.text import Text

from tui.output import Console, echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The listing takes only the corpus path."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder (default: the sample)")


def run(args: argparse.Namespace) -> int:
    """Print one row per article (and per load error); return 0."""
    from corpus.analysis import Analyzer
    from corpus.articles import sample_corpus_path
    from corpus.listing import list_corpus

    root = args.path if args.path is not None else sample_corpus_path()
    # Never raises for a missing model: the list still shows, only the counts are missing.
    analyzer = Analyzer(model=getattr(args, "model", None))
    if analyzer.model_error is not None:
        echo(f"claimscope: warning: {analyzer.model_error}", sys.stdout)
    listing = list_corpus(root, analyzer)
    corpus = listing.corpus
    console = Console(soft_wrap=False)

    table = Table(title=Text(f"claimscope: {corpus.root}"), title_justify="left")  # a path, not markup
    for name, justify in (
        ("title", "left"),
        ("source", "left"),
        ("date", "left"),
        ("words", "right"),
        ("entities", "right"),
        ("figures", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in listing.rows:
        if row.error is not None:
            table.add_row(Text(f"⚠ {row.error}", style="red"), "", "", "", "", "")
            continue
        table.add_row(
            Text(row.title),
            Text(row.source),
            Text(row.date),
            str(row.words),
            "–" if row.entities is None else str(row.entities),
            "–" if row.figures is None else str(row.figures),
        )
    console.print(table)
    console.print(
        f"{len(corpus.articles)} articles, {len(corpus.errors)} could not be read. "
        "Run `claimscope` in a terminal to read and annotate; "
        "`claimscope analyze PATH` fills the entity/figure counts."
    )
    return 0
