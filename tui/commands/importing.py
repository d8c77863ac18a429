"""``claimscope import PATH FILE``: read Prodigy/doccano JSONL or claimscope CSV back into the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``import``."""
    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")
    parser.add_argument("file", type=Path, help="Prodigy or doccano JSONL, or a CSV from `claimscope export --format csv`")


def article_resolver(corpus, model: str | None):
    """Article id -> (article, analysis) for the corpus (analysing when not cached), or None.

    What ``import`` and ``merge`` use to put stored records on the current sentences.
    """
    from corpus.analysis import Analyzer

    by_id = {a.id: a for a in corpus.articles}
    analyzer = Analyzer(model=model)

    def resolve(article_id: str):
        article = by_id.get(article_id)
        return None if article is None else (article, analyzer.analyze(article))

    return resolve


def run(args: argparse.Namespace) -> int:
    """Import; returns 0 when every line was imported, 1 when some lines were rejected."""
    from annotations.errors import ImportFileError, StoreError
    from annotations.importing import import_file
    from annotations.scheme import find_scheme
    from contextlib import ExitStack

    from annotations.lock import exit_on_signals
    from annotations.store import Store
    from corpus.articles import load_corpus

    if not args.file.is_file():  # checked before the store is opened (or created)
        raise ImportFileError(f"{args.file} does not exist or is not a file")
    console = Console(stderr=True)
    corpus = load_corpus(args.path)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    stack = ExitStack()  # closes the store also on a hang-up or kill (releasing its lock)
    stack.enter_context(exit_on_signals())
    store = Store.open(
        corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None)
    )
    try:
        console.print(Text(store.describe()), soft_wrap=True)
        for notice in store.notices:
            console.print(Text(notice, style="yellow"), soft_wrap=True)
        if store.read_only:
            raise StoreError(f"cannot import: {store.read_only_reason}")
        from annotations.relocate import relocate_labels

        for notice in relocate_labels(store, corpus):  # labels of records whose id changed
            console.print(f"claimscope: {notice}", markup=False, highlight=False, soft_wrap=True)
        resolve = article_resolver(corpus, getattr(args, "model", None))
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task(f"importing {args.file.name}", total=None)
            report = import_file(
                store, args.file, resolve,
                progress=lambda n: progress.advance(task, n),
                on_records=lambda n: progress.update(task, total=n),
            )
    finally:
        store.close()
        stack.close()
    console.print(
        f"{report.lines} lines: {report.imported} imported, {report.unchanged} unchanged, "
        f"{report.rejected} rejected",
        soft_wrap=True,
    )
    for warning in report.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)
    for error in report.errors:
        console.print(Text(error, style="red"), soft_wrap=True)
    return 1 if report.errors else 0
