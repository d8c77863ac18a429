"""The agreement report as Rich tables: what `claimscope agree` prints and the app's
agreement screen shows (figures with their 95% intervals, pairs, per label and per
article, confusion tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from annotations.agreement import AgreementReport, Figure
    from tui.output import Console


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

    if report.claimant is not None:
        out.append(claimant_table(report))

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


def claimant_table(report: AgreementReport) -> Table:
    """Agreement on who claims each sentence: attributed or the outlet's own, and the
    sources two annotators both marked."""
    from annotations.agreement import MEASURE_NAMES, MEASURES

    claimant = report.claimant
    assert claimant is not None
    figures = claimant.attributed
    title = f"who claims it: attributed or the outlet's own, on {figures.units} sentences"
    if claimant.unknown:
        title += f" ({claimant.unknown} labels left out: their article is not analysed yet)"
    table = Table(title=Text(title))
    table.add_column("measure")
    table.add_column("value (95% interval)", justify="right")
    for name in MEASURES:
        table.add_row(Text(MEASURE_NAMES[name]), Text(say(figures.overall[name])))
    for pair in figures.pairs:
        table.add_row(Text(f"{pair.first} / {pair.second}: percent"), Text(say(pair.percent)))
    if claimant.source_pairs:
        share = claimant.source_exact / claimant.source_pairs
        shown = f"{claimant.source_exact} of {claimant.source_pairs} ({share:.0%})"
    else:
        shown = "no sentence where two annotators both marked a source"
    table.add_row(Text("same source, where both marked one"), Text(shown))
    return table
