"""``claimscope agree PATH [--annotators A,B,...] [--json]``: inter-annotator agreement."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.text import Text

from corpus.terminal import visible_json
from tui.agreement_tables import tables
from tui.output import Console, echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``agree`` takes the corpus folder, who to compare, and the output form."""
    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")
    parser.add_argument(
        "--annotators",
        metavar="A,B,...",
        help="compare only these annotators (default: everyone with labels)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace) -> int:
    """Print the agreement tables (or JSON); returns 0."""
    from annotations.agreement import store_agreement
    from annotations.scheme import find_scheme
    from annotations.store import Store

    scheme = find_scheme(args.path, getattr(args, "labels", None))
    store = Store.open(
        args.path,
        annotator=args.annotator,
        scheme=scheme,
        store_dir=getattr(args, "store", None),
        read_only=True,
    )
    problems: list[str] = []
    analyses = _cached_analyses(args)
    try:
        report = store_agreement(store, _names(args.annotators), problems, analyses)
    finally:
        store.close()
        err = Console(stderr=True, soft_wrap=True)
        for problem in (*store.notices, *problems):  # unreadable files, named: their labels were left out
            err.print(Text(f"warning: {problem}", style="yellow"))
    if args.json:
        echo(store.describe())
        sys.stdout.write(visible_json(json.dumps(report.to_json(), indent=2, ensure_ascii=False)) + "\n")
        return 0
    console = Console(soft_wrap=False)
    console.print(Text(store.describe()), soft_wrap=True)
    for table in tables(report, console):
        console.print(table)
    return 0


def _cached_analyses(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """article id -> its cached analysis (never spaCy: an article not analysed yet has
    None, and its labels are left out of the claimant agreement and counted)."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus

    try:
        corpus = load_corpus(args.path)
    except Exception:  # the labels can still be compared without the articles
        return lambda _article_id: None
    analyzer = Analyzer(model=getattr(args, "model", None))

    def cached(article_id: str):  # type: ignore[no-untyped-def]
        article = corpus.get(article_id)
        return analyzer.cached(article) if article is not None else None

    return cached


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]
