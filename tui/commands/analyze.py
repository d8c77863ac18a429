"""``claimscope analyze PATH``: analyse a corpus with a progress bar and fill the cache.

A second run finds every article in the cache ("N cached, 0 analysed") and never
loads spaCy. ``--dask SCHEDULER`` (``tcp://HOST:PORT`` or ``local:N``) parses on a Dask
cluster instead and fills the same cache (see ``corpus/cluster.py``); without it Dask
is never imported.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from tui.output import Console

if TYPE_CHECKING:  # pragma: no cover
    from corpus.model import Article


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path, and how many processes spaCy may use."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder or file (default: the sample)")
    parser.add_argument(
        "--processes",
        "-p",
        type=int,
        default=1,
        metavar="N",
        help="spaCy worker processes (default 1; more helps only on large corpora)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=64, metavar="N", help="texts per nlp.pipe batch (default 64)"
    )
    parser.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="analyse on a Dask cluster: a scheduler address (tcp://HOST:PORT) or local:N for N local "
        "worker processes (needs pip install 'claimscope[dask]')",
    )


def run(args: argparse.Namespace) -> int:
    """Analyse every article of the corpus; print counts, cache hits, time and tokens/s."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path
    from corpus.errors import ClaimscopeError

    if args.processes < 1 or args.batch_size < 1:
        raise ClaimscopeError("--processes and --batch-size must be 1 or more")
    scheduler = None
    if getattr(args, "dask", None):
        from corpus.cluster import parse_scheduler

        scheduler = parse_scheduler(args.dask)  # a bad address fails before the corpus is read
    root = args.path if args.path is not None else sample_corpus_path()
    corpus = load_corpus(root)
    analyzer = Analyzer(model=getattr(args, "model", None))
    out = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    for error in corpus.errors:
        err.print(Text(f"warning: {error.message}", style="yellow"))

    entities = figures = dates = sentences = 0
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("analysing", total=len(corpus.articles))
        finished = 0

        def article_done(_article: object, _cached: bool) -> None:
            nonlocal finished
            finished += 1
            progress.update(task, completed=finished, description="analysing")

        def piece_done(article: Article, done: int, total: int) -> None:
            # a long article moves the bar piece by piece, and says which one it is
            if total > 1:
                progress.update(
                    task, completed=finished + done / total, description=f"analysing {escape(article.id)} ({done}/{total} pieces)"
                )

        if scheduler is not None:
            from corpus.cluster import analyze_on_dask

            results = analyze_on_dask(
                analyzer, corpus.articles, scheduler, batch_size=args.batch_size, progress=article_done
            )
        else:
            results = analyzer.analyze_many(
                corpus.articles,
                n_process=args.processes,
                batch_size=args.batch_size,
                progress=article_done,
                pieces=piece_done,
            )
        for _article, analysis in results:
            sentences += len(analysis.sentences)
            for span in analysis.spans:
                if span.kind == "entity":
                    entities += 1
                elif span.kind == "figure":
                    figures += 1
                else:
                    dates += 1

    stats = analyzer.stats
    speed = (
        f", {stats.tokens_per_second:,.0f} tokens/s (+{stats.load_seconds:.1f} s to load the model)"
        if stats.tokens
        else ""
    )
    out.print(
        Text(
            f"{len(corpus.articles)} articles: {stats.cached} cached, {stats.analysed} analysed "
            f"in {stats.seconds:.1f} s{speed} (model {analyzer.model_name} {analyzer.model_version})"
        )
    )
    out.print(
        Text(f"{sentences:,} sentences, {entities:,} entities, {figures:,} figures, {dates:,} dates")
    )
    if corpus.errors:
        out.print(Text(f"{len(corpus.errors)} files or records could not be read (see warnings above)"))
    out.print(Text(f"cache: {analyzer.cache.folder}"))
    return 0
