"""``claimscope merge PATH OTHER_STORE``: bring in every label of another store folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from tui.output import Console

#: conflict and skip lines printed in full; the rest are counted
SHOWN = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``merge``."""
    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")
    parser.add_argument(
        "other", type=Path, metavar="OTHER_STORE",
        help="a store folder to merge in: a fallback store, or a colleague's .claimscope/",
    )


def run(args: argparse.Namespace) -> int:
    """Merge; returns 0, or 1 when some files were skipped."""
    from annotations.errors import StoreError
    from annotations.lock import exit_on_signals
    from annotations.merge import count_articles, merge_store, source_store
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from corpus.articles import load_corpus
    from tui.commands.importing import article_resolver

    console = Console(stderr=True)
    other = source_store(args.other)  # before the store is opened (or created)
    corpus = load_corpus(args.path)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    with exit_on_signals():  # a hang-up or kill still closes the store (its lock)
        store = Store.open(
            corpus.root, annotator=args.annotator, scheme=scheme,
            store_dir=getattr(args, "store", None),
        )
        try:
            console.print(Text(store.describe()), soft_wrap=True)
            for notice in store.notices:
                if str(other) not in notice:  # the fallback notice about this very store
                    console.print(Text(notice, style="yellow"), soft_wrap=True)
            if store.read_only:
                raise StoreError(f"cannot merge: {store.read_only_reason}")
            from annotations.relocate import relocate_labels

            told = len(store.notices)
            for notice in relocate_labels(store, corpus):  # labels of records whose id changed
                console.print(Text(f"claimscope: {notice}"), soft_wrap=True)
            for notice in store.notices[told:]:  # met reading the other shards (an unreadable annotator.json)
                console.print(Text(notice, style="yellow"), soft_wrap=True)
            resolve = article_resolver(corpus, getattr(args, "model", None))
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
            ) as progress:
                task = progress.add_task(
                    f"merging {other}", total=count_articles(other)
                )
                report = merge_store(
                    store, other, resolve, progress=lambda n: progress.advance(task, n)
                )
        finally:
            store.close()
    console.print(
        f"merged {report.labels} labels and {report.spans} span corrections into "
        f"{len(report.articles)} articles; {report.unchanged} already here, "
        f"{len(report.conflicts)} conflicts, {len(report.skipped)} skipped",
        soft_wrap=True,
    )
    if report.conflicts:
        console.print("conflicts (the newer `updated` is kept; this store's on a tie):")
        _print_some(console, report.conflicts, "yellow")
    if report.skipped:
        console.print("skipped:")
        _print_some(console, report.skipped, "red")
    return 1 if report.skipped else 0


def _print_some(console: Console, lines: list[str], style: str) -> None:
    for line in lines[:SHOWN]:
        console.print(Text(f"  {line}", style=style), soft_wrap=True)
    if len(lines) > SHOWN:
        console.print(f"  ... and {len(lines) - SHOWN} more")
