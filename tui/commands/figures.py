"""``claimscope figures PATH``: every figure of a corpus with its value, unit and sentence.

A table (or ``--json``: one object per figure) to compare numbers across articles:
``--unit percent`` keeps percentages, ``--counted recruits`` figures whose counted
noun phrase contains "recruits", ``--sort value|unit|article`` orders them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.align import Align
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from corpus.terminal import visible, visible_json
from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path, the filters and the order."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder or file (default: the sample)")
    parser.add_argument("--json", action="store_true", help="print the figures as a JSON list")
    parser.add_argument("--unit", metavar="UNIT", help="only figures with this unit (percent, USD, year, people, ...)")
    parser.add_argument("--counted", metavar="TEXT", help="only figures whose counted noun phrase contains TEXT")
    parser.add_argument(
        "--sort", choices=("value", "unit", "article"), default="article", help="order of the rows (default: article)"
    )


def run(args: argparse.Namespace) -> int:
    """Analyse the corpus (through the cache) and print its figures; return 0."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path
    from corpus.readings import figure_rows, reading_json, select_rows

    root = args.path if args.path is not None else sample_corpus_path()
    corpus = load_corpus(root)
    err = Console(stderr=True, soft_wrap=True)
    for error in corpus.errors:
        err.print(Text(f"warning: {error.message}", style="yellow"))
    analyzer = Analyzer(model=getattr(args, "model", None))
    if analyzer.model_error is not None and any(analyzer.cached(a) is None for a in corpus.articles):
        raise analyzer.model_error
    rows = select_rows(
        figure_rows(analyzer.analyze_many(corpus.articles)), unit=args.unit, counted=args.counted, sort=args.sort
    )
    if args.json:
        payload = [
            {"article": row.article_id, "start": row.start, "end": row.end, "text": row.text, "label": row.label,
             **reading_json(row.reading), "sentence": row.sentence}
            for row in rows
        ]
        sys.stdout.buffer.write((visible_json(json.dumps(payload, ensure_ascii=False)) + "\n").encode("utf-8", "surrogatepass"))
        sys.stdout.flush()
        return 0
    console = Console(soft_wrap=False)
    console.print(figures_table(rows, Text(f"{len(rows)} figures in {root}"), console.width))
    return 0


#: Columns that may wrap, the narrowest each may get, in the order they give way.
_GIVES_WAY = (
    ("sentence", 40), ("article", 12), ("figure", 14), ("counted", 10),
    ("sentence", 24), ("article", 8), ("figure", 10), ("counted", 9), ("sentence", 12),
)
#: Below this width each figure's article and sentence go on the full width under its row.
_NARROW = 120


def figures_table(rows: list, title: Text, width: int) -> RenderableType:
    """The figures in ``width`` columns: value, unit and change are never cut or wrapped;
    figure and counted wrap between words and the sentence folds. A narrow terminal (or
    a pipe at 80 columns) gets each figure's row with its article and sentence on the
    full width below it, instead of a sentence column a dozen cells wide."""
    from rich.cells import cell_len

    from corpus.readings import value_text

    # Control characters become visible stand-ins first, so widths are measured as shown.
    cells = [
        {
            "figure": row.text,
            "value": value_text(row.reading.value, row.reading.shape) if row.reading else "",
            "unit": (row.reading.unit or "") if row.reading else "",
            "change": row.reading.change if row.reading else "",
            "counted": (row.reading.counted or "") if row.reading else "",
            "article": row.article_id,
            "sentence": " ".join(row.sentence.split()),
        }
        for row in rows
    ]
    cells = [{name: visible(value) for name, value in cell.items()} for cell in cells]
    compact = width < _NARROW
    names = ["figure", "value", "unit", "change", "counted"] + ([] if compact else ["article", "sentence"])
    natural = {name: max([cell_len(name), *(cell_len(cell[name]) for cell in cells)]) for name in names}
    # Rules and padding: 3 cells between columns, and 2 at each edge unless compact.
    overhead = 3 * (len(names) - 1) + (0 if compact else 4)
    widths = dict(natural)
    for name, narrowest in _GIVES_WAY:
        excess = sum(widths.values()) + overhead - width
        if excess <= 0:
            break
        if name in widths:
            widths[name] = min(widths[name], max(narrowest, widths[name] - excess))
    if not compact:
        table = _table(names, widths, natural, title=title, compact=False)
        for values in cells:
            table.add_row(*_row(names, values))
        return table
    # Compact: the same columns in every figure's own grid (fixed widths keep them
    # aligned), then "article: sentence" folded on the whole width, a blank line apart.
    parts: list[RenderableType] = [Align.center(title), _table(names, widths, natural, title=None, compact=True)]
    for values in cells:
        grid = _table(names, widths, natural, title=None, compact=True, header=False)
        grid.add_row(*_row(names, values))
        where = Text(values["article"] + ": ", style="dim")
        where.append(values["sentence"])
        parts += [grid, Padding(where, (0, 0, 1, 2))]
    return Group(*parts)


def _table(
    names: list[str], widths: dict[str, int], natural: dict[str, int], *, title: Text | None, compact: bool, header: bool = True
) -> Table:
    from rich import box

    table = Table(
        title=title,
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        show_edge=not compact,
        pad_edge=not compact,
        show_header=header,
    )
    for name in names:
        if name in ("value", "unit", "change"):  # whole, always
            justify = {"value": "right", "change": "center"}.get(name, "left")
            table.add_column(name, no_wrap=True, width=natural[name], justify=justify)  # type: ignore[arg-type]
        elif name == "article":
            table.add_column(name, style="dim", width=widths[name], no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(name, width=widths[name], overflow="fold")
    return table


def _row(names: list[str], values: dict[str, str]) -> list[Text]:
    """One figure's cells as Text: article words are never read as markup."""
    return [Text(values[name], style="bold magenta" if name == "figure" else "") for name in names]
