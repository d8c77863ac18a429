"""``claimscope stats PATH``: progress per article, counts per label and annotator, store path."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from tui.output import Console, echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``stats`` takes the corpus folder."""
    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")


def run(args: argparse.Namespace) -> int:
    """Print the stats tables; returns 0."""
    from annotations.scheme import find_scheme
    from annotations.stats import compute_stats, outside_warning
    from annotations.store import Store
    from corpus.articles import load_corpus

    corpus = load_corpus(args.path)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    store = Store.open(
        corpus.root,
        annotator=args.annotator,
        scheme=scheme,
        store_dir=getattr(args, "store", None),
        read_only=True,  # reading only: works while the app holds the lock
    )
    try:
        from annotations.relocate import relocate_labels

        for notice in relocate_labels(store, corpus):  # labels of records whose id changed
            echo(f"claimscope: {notice}", sys.stdout)
        from corpus.analysis import Analyzer
        from corpus.errors import ClaimscopeError

        try:
            analyzer = Analyzer(model=getattr(args, "model", None))
        except ClaimscopeError:  # a bad --model: stats still work from the store alone
            analyzer = None
        totals = _cached_totals(corpus.articles, analyzer) if analyzer else {}
        # Only articles changed since they were labelled are analysed (cache first).
        stats = compute_stats(
            store, corpus.articles, totals, analysis_of=analyzer.analyze if analyzer else None
        )
    finally:
        store.close()

    console = Console(soft_wrap=False)
    console.print(Text(store.describe()), soft_wrap=True)  # names the store, and why read-only
    for notice in store.notices:
        console.print(Text(notice, style="yellow"), soft_wrap=True)
    if not stats.store_path.exists():
        console.print("  (no store yet: nothing has been labelled in this corpus)")
    # Fixed widths for the numbers; article and title share what is left. Below 120
    # columns (80, a pipe) the rules are lighter and `updated` drops the year.
    compact = console.width < 120
    stamp = slice(5, 16) if compact else slice(0, 16)
    table = Table(
        title="progress per article",
        title_justify="left",
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        show_edge=not compact,
        pad_edge=not compact,
    )
    numbers = {name: max(4, len(name)) for name in ("done", "of", "%", "claims", "orphans")}
    updated = stamp.stop - stamp.start
    overhead = 3 * 7 + (0 if compact else 4)  # rules and padding of 8 columns
    rest = max(16, console.width - overhead - sum(numbers.values()) - updated)
    table.add_column("article", no_wrap=True, overflow="ellipsis", max_width=rest * 2 // 5)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=rest - rest * 2 // 5)
    for name, width in numbers.items():
        table.add_column(name, justify="right", no_wrap=True, min_width=width)
    table.add_column("updated", no_wrap=True, width=updated)
    for a in stats.articles:
        done = f"{100 * a.reviewed / a.total:.0f}%" if a.total else "–"
        total = str(a.total) if a.total else "?"
        title = Text(a.title)
        if a.error:
            title = Text(f"⚠ {a.error}", style="red")
        table.add_row(
            Text(a.article_id), title, str(a.reviewed), total, done, str(a.claims),
            str(a.orphans) if a.orphans else "", a.updated[stamp].replace("T", " "),
        )
    console.print(table)

    labels = Table(title="labels", title_justify="left")
    labels.add_column("label")
    labels.add_column("key")
    labels.add_column("count", justify="right")
    for name, count in stats.per_label.items():
        label = scheme.get(name)
        style = f"bold {label.color}" if label else "red"
        labels.add_row(Text(name, style=style), label.key if label else "(not in scheme)", str(count))
    console.print(labels)

    people = Table(title="annotators", title_justify="left")
    people.add_column("annotator")
    people.add_column("labels", justify="right")
    for name, count in stats.per_annotator.items():
        people.add_row(Text(name or "(unknown)"), str(count))
    console.print(people)

    console.print(
        f"{stats.reviewed} sentences reviewed in {sum(1 for a in stats.articles if a.reviewed)} "
        f"of {len(stats.articles)} articles; {stats.orphans} orphaned labels."
    )
    for error in stats.errors:
        console.print(Text(f"⚠ {error}", style="red"), soft_wrap=True)
    warning = outside_warning(stats.outside_corpus, "counted")
    if warning:  # the same articles, left out of export and stats alike
        console.print(Text(warning, style="yellow"), soft_wrap=True)
    return 0


def _cached_totals(articles: list, analyzer: Any) -> dict[str, int]:
    """Sentence counts from cached analyses (never runs spaCy)."""
    totals: dict[str, int] = {}
    for article in articles:
        analysis = analyzer.cached(article)
        if analysis is not None:
            totals[article.id] = sum(1 for s in analysis.sentences if not s.non_sentence)  # progress leaves headings out
    return totals
