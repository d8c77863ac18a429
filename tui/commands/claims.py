"""``claimscope claims PATH``: the sentences labelled as claims, grouped by who claims them.

Each claim shows its claimant (the resolved name, or the source as written, or
``outlet`` for the outlet's own statement), the cue, the claim type (its label), its
figures with their readings, and its article. ``--claimant NAME`` keeps the claims of
one claimant (a case-insensitive part of the name; ``outlet`` for unattributed ones),
``--label L`` one claim type; ``--json`` prints one object per claim::

    {"article", "sentence", "start", "end", "text", "label", "annotator",
     "claimant", "source", "cue", "figures": [{"start", "end", "text", "label",
     "value", "unit", "change", "counted", "shape"}]}

The labels are the annotator's (``--annotator``), read from the store without taking
its lock.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.text import Text

from corpus.terminal import visible_json
from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path and the filters."""
    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")
    parser.add_argument("--json", action="store_true", help="print the claims as a JSON list")
    parser.add_argument("--claimant", metavar="NAME", help="only claims of this claimant (part of the name; 'outlet': unattributed)")
    parser.add_argument("--label", metavar="L", help="only claims with this label")


def run(args: argparse.Namespace) -> int:
    """Analyse the corpus (through the cache), read the claims and print them; return 0."""
    from annotations.claims import claim_rows
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus
    from corpus.readings import reading_json

    corpus = load_corpus(args.path)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    if args.label is not None:
        scheme.require(args.label)  # an unknown label is one line naming the known ones
    err = Console(stderr=True, soft_wrap=True)
    for error in corpus.errors:
        err.print(Text(f"warning: {error.message}", style="yellow"))
    analyzer = Analyzer(model=getattr(args, "model", None))
    if analyzer.model_error is not None and any(analyzer.cached(a) is None for a in corpus.articles):
        raise analyzer.model_error
    store = Store.open(
        corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None), read_only=True
    )
    try:
        rows = claim_rows(
            analyzer.analyze_many(corpus.articles), store, scheme, claimant=args.claimant, label=args.label
        )
    finally:
        store.close()

    if args.json:
        payload = [
            {
                "article": row.article_id,
                "sentence": row.sentence_index,
                "start": row.start,
                "end": row.end,
                "text": row.text,
                "label": row.label,
                "annotator": row.annotator,
                "claimant": row.claimant,
                "source": row.source,
                "cue": row.cue,
                "figures": [
                    {"start": s.start, "end": s.end, "text": row.text[s.start - row.start : s.end - row.start],
                     "label": s.label, **reading_json(s.reading)}
                    for s in row.figures
                ],
            }
            for row in rows
        ]
        sys.stdout.buffer.write((visible_json(json.dumps(payload, ensure_ascii=False)) + "\n").encode("utf-8", "surrogatepass"))
        sys.stdout.flush()
        return 0

    console = Console(soft_wrap=True)
    console.print(Text(store.describe()))
    if not rows:
        console.print(Text("no claims labelled" + (" that match" if args.claimant or args.label else "")))
        return 0
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.said_by, []).append(row)
    from corpus.readings import describe

    for said_by, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold())):
        console.print()
        console.print(Text.assemble((said_by, "bold"), (f"  {len(members)} claim{'s' * (len(members) != 1)}", "dim")))
        for row in members:
            head = Text.assemble(("  ", ""), (row.label, "bold magenta"), " · ", (row.cue or "no cue", "cyan"))
            if row.source and row.source != row.claimant:
                head.append(f" ({row.source})", "dim")
            head.append(f" · {row.article_id} s{row.sentence_index + 1}", "dim")
            console.print(head)
            console.print(Text("    " + " ".join(row.text.split())))
            for span in row.figures:
                figure = row.text[span.start - row.start : span.end - row.start]
                console.print(Text.assemble(("    figure: ", "dim"), describe(figure, span.reading)))
    return 0
