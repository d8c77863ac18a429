"""``claimscope export PATH --format FORMAT -o OUT``: write labels for other tools."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``export``."""
    from annotations.export import FORMATS

    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")
    parser.add_argument(
        "--format", "-f", dest="format", required=True, choices=list(FORMATS),
        help=", ".join(fmt.help for fmt in FORMATS.values()),
    )
    parser.add_argument("-o", "--output", dest="output", required=True, type=Path, help="file to write")
    parser.add_argument("--label", metavar="L", help="only sentences with this label")
    parser.add_argument(
        "--only-annotator", dest="only_annotator", metavar="A",
        help="only labels by this annotator (same as the global --annotator A here)",
    )
    parser.add_argument(
        "--include-unreviewed", action="store_true",
        help="also export sentences without a label (label empty; Prodigy answer 'ignore'; "
        "spacy: in a second file, OUT.unreviewed.spacy)",
    )
    parser.add_argument(
        "--gold", action="store_true",
        help="one label per sentence: the adjudicated one, else the one every annotator gave "
        "(at least two); without it every annotator's label is a row of its own, except in "
        "the training formats (spacy, conll, hf-tokens): there the adjudicated label, else "
        "the one everybody who labelled the sentence gave (sentences they disagree on are "
        "left out and counted)",
    )


def run(args: argparse.Namespace) -> int:
    """Export; returns 0 (errors are ClaimscopeErrors shown by the CLI)."""
    from annotations.export import Withheld, articles_to_export, stored_outside, summary_lines
    from annotations.export_halves import export_articles
    from annotations.outputs import refuse_inside_corpus
    from annotations.scheme import find_scheme
    from annotations.stats import corrupt_articles, outside_warning
    from annotations.store import Store
    from corpus.articles import load_corpus

    console = Console(stderr=True)
    corpus = load_corpus(args.path)
    refuse_inside_corpus(args.output, args.path, corpus.root)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    # `--annotator A` (a global option) filters here; cli.py keeps the value as given.
    annotator_filter = args.only_annotator or getattr(args, "annotator_flag", None)
    store = Store.open(
        corpus.root, annotator=args.annotator, scheme=scheme,
        store_dir=getattr(args, "store", None), read_only=True,
    )
    try:
        from annotations.relocate import relocate_labels

        for notice in relocate_labels(store, corpus):  # labels of records whose id changed
            console.print(f"claimscope: {notice}", markup=False, highlight=False, soft_wrap=True)
        if args.label is not None:
            scheme.require(args.label)
        console.print(Text(store.describe()), soft_wrap=True)  # stderr: names the store, and why read-only
        for notice in store.notices:
            console.print(Text(notice, style="yellow"), soft_wrap=True)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=False,
        ) as progress:
            wanted = articles_to_export(
                corpus, store, include_unreviewed=args.include_unreviewed,
                label=args.label, annotator=annotator_filter,
            )
            reading = progress.add_task("analyses", total=len(wanted))
            analyzer = None
            if wanted:
                from corpus.analysis import Analyzer

                analyzer = Analyzer(model=getattr(args, "model", None))
            problems: list[str] = []
            withheld = Withheld()
            writing: list[Any] = []  # the task, once the rows are made and counted

            def rows_made(total: int) -> None:
                writing.append(progress.add_task(f"writing {args.format}", total=total))

            # A big export reads, makes its rows and writes in two processes (see
            # annotations/export_halves.py); the token formats need no spaCy for cached analyses.
            written = export_articles(
                store, wanted, analyzer, args.format, args.output, scheme,
                label=args.label, annotator=annotator_filter, include_unreviewed=args.include_unreviewed,
                gold=args.gold, problems=problems, withheld=withheld,
                on_articles=lambda n: progress.advance(reading, n), on_rows=rows_made,
                progress=lambda n: progress.advance(writing[0], n),
            )
        outside = stored_outside(corpus.articles, store)
        problems.extend(corrupt_articles(store, corpus.articles).values())
    finally:
        store.close()
    for line in summary_lines(written, args.format):
        console.print(Text(line), soft_wrap=True)
    left_out = withheld.message()
    if left_out:
        console.print(Text(left_out, style="yellow"), soft_wrap=True)
    for problem in dict.fromkeys(problems):  # a corrupt file can be met twice
        console.print(Text(f"warning: {problem}", style="yellow"), soft_wrap=True)
    warning = outside_warning(outside, "exported")
    if warning:  # the same articles, left out of export and stats alike
        console.print(Text(warning, style="yellow"), soft_wrap=True)
    return 0
