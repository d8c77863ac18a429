"""``claimscope agree PATH [--annotators A,B,...] [--json]``: inter-annotator agreement."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from corpus.terminal import visible_json
from tui.output import Console, echo

if TYPE_CHECKING:
    from annotations.agreement import AgreementReport, Figure
    from annotations.store import Store


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
    from annotations.scheme import find_scheme
    from annotations.store import Store  # noqa: F811 (the run-time import)

    scheme = find_scheme(args.path, getattr(args, "labels", None))
    store = Store.open(
        args.path,
        annotator=args.annotator,
        scheme=scheme,
        store_dir=getattr(args, "store", None),
        read_only=True,
    )
    problems: list[str] = []
    try:
        report = compute(store, _names(args.annotators), problems)
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


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]


def compute(store: Store, annotators: list[str] | None = None, problems: list[str] | None = None) -> AgreementReport:
    """The agreement report of ``store`` (all annotators, or ``annotators``).

    Raises :class:`~annotations.errors.StoreError` in one line when a named annotator
    has no labels, or fewer than two annotators are left to compare. Store files that
    cannot be read are left out and named in ``problems``.
    """
    from annotations.agreement import agreement, collect_ratings, store_labels
    from annotations.errors import StoreError

    labels = list(store_labels(store, problems))
    present = sorted({who for who, *_ in labels})
    missing = [name for name in annotators or () if name not in present]
    if missing:
        raise StoreError(
            f"no labels by {', '.join(map(repr, missing))} in {store.path} "
            f"(annotators with labels: {', '.join(present) or 'none'})"
        )
    chosen = annotators or present
    if len(set(chosen)) < 2:
        raise StoreError(
            f"agreement needs two annotators; {store.path} has labels by "
            f"{', '.join(present) or 'nobody'}: label with another --annotator, or merge a colleague's store"
        )
    ratings = collect_ratings(labels, chosen, store.scheme.names)
    return agreement(ratings)


def say(figure: Figure) -> str:
    """``0.812 (0.790-0.833)``, or ``undefined``."""
    if figure.value is None:
        return "undefined"
    if figure.low is None or figure.high is None:
        return f"{figure.value:.3f}"
    return f"{figure.value:.3f} ({figure.low:.3f}-{figure.high:.3f})"


def tables(report: AgreementReport, console: Console | None = None) -> list[Table]:
    """The report as rich tables (text cells only: names are never markup).

    With a ``console``, a per-label or per-article table too wide for it (an 80-column
    terminal, a pipe) becomes a long one, a row per measure, so that no figure is cut.
    """
    from rich.measure import Measurement

    from annotations.agreement import MEASURE_NAMES, MEASURES

    out: list[Table] = []
    head = Table(title=Text(
        f"{report.units} sentences labelled by two or more of {', '.join(report.annotators)}; "
        f"95% intervals from {report.resamples} bootstrap resamples (seed {report.seed})"
    ))
    head.add_column("measure")
    head.add_column("value (95% interval)", justify="right")
    for name in MEASURES:
        head.add_row(Text(MEASURE_NAMES[name]), Text(say(report.overall[name])))
    out.append(head)

    pairs = Table(title=Text("pairs"))
    for column in ("annotators", "sentences", "percent agreement", "Cohen's kappa"):
        pairs.add_column(column, justify="left" if column == "annotators" else "right")
    for pair in report.pairs:
        pairs.add_row(
            Text(f"{pair.first} / {pair.second}"), Text(str(pair.units)),
            Text(say(pair.percent)), Text(say(pair.cohen_kappa)),
        )
    out.append(pairs)

    for title, rows, counts in (
        ("per label (that label against the rest)", report.per_label, None),
        ("per article", report.per_article, report.article_units),
    ):
        table = Table(title=Text(title))
        table.add_column("label" if counts is None else "article")
        if counts is not None:
            table.add_column("sentences", justify="right")
        for name in MEASURES:
            table.add_column(MEASURE_NAMES[name], justify="right")
        for key, figures in rows.items():
            cells = [Text(key)] + ([Text(str(counts[key]))] if counts is not None else [])
            table.add_row(*cells, *(Text(say(figures[name])) for name in MEASURES))
        wide = console.options.update_width(100_000) if console is not None else None  # measure unclamped
        if console is not None and Measurement.get(console, wide, table).maximum > console.width:
            table = Table(title=Text(title))
            table.add_column("label" if counts is None else "article", overflow="fold")
            if counts is not None:
                table.add_column("sentences", justify="right", no_wrap=True)
            table.add_column("measure", no_wrap=True)
            table.add_column("value (95% interval)", justify="right", no_wrap=True)
            for key, figures in rows.items():
                for n, name in enumerate(MEASURES):
                    first = n == 0  # the label (and count) once, on its first row
                    cells = [Text(key if first else "")]
                    if counts is not None:
                        cells.append(Text(str(counts[key]) if first else ""))
                    table.add_row(*cells, Text(MEASURE_NAMES[name]), Text(say(figures[name])), end_section=n == len(MEASURES) - 1)
        out.append(table)

    used = [
        n for n in range(len(report.categories))
        if any(pair.confusion[n][m] or pair.confusion[m][n] for pair in report.pairs for m in range(len(report.categories)))
    ]
    for pair in report.pairs:
        table = Table(title=Text(f"confusion: {pair.first} (rows) / {pair.second} (columns)"))
        table.add_column("")
        for n in used:
            table.add_column(Text(report.categories[n]), justify="right", overflow="fold")  # names whole, if folded
        for n in used:
            table.add_row(Text(report.categories[n]), *(Text(str(pair.confusion[n][m])) for m in used))
        out.append(table)
    return out
