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

from rich.table import Table
from rich.text import Text

from corpus.terminal import visible_json
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
    from corpus.readings import figure_rows, reading_json, select_rows, value_text

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
    table = Table(title=Text(f"{len(rows)} figures in {root}"), show_lines=False)
    for name, options in (
        ("figure", {"style": "bold magenta", "no_wrap": True}),
        ("value", {"justify": "right", "no_wrap": True}),
        ("unit", {}),
        ("change", {"justify": "center"}),
        ("counted", {}),
        ("article", {"style": "dim", "max_width": 24, "no_wrap": True}),
        ("sentence", {"min_width": 40, "overflow": "fold"}),
    ):
        table.add_column(name, **options)
    for row in rows:
        reading = row.reading
        # every cell is a Text: article words never go through rich markup
        table.add_row(
            Text(row.text),
            Text(value_text(reading.value if reading else None)),
            Text((reading.unit or "") if reading else ""),
            Text(reading.change if reading else ""),
            Text((reading.counted or "") if reading else ""),
            Text(row.article_id),
            Text(" ".join(row.sentence.split())),
        )
    Console(soft_wrap=False).print(table)
    return 0
