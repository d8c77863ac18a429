"""``claimscope claims PATH``: the sentences labelled as claims, with who claims them.

One row per labelled claim: its claimant (the resolved name of the attribution's source;
"unnamed" when a cue names nobody, as "reportedly"; "outlet" when nobody is said to
make it), the cue ("said", "according to"), the claim
type, its figures with their readings, and the article. Rows are grouped by claimant.
``--claimant NAME`` keeps one claimant's claims ("ministry" finds "the Ministry of
Defence"), ``--label L`` one claim type; ``--json`` prints one object per claim:
``{"article", "title", "sentence", "start", "end", "text", "label", "annotator",
"claimant", "attributed", "source", "cue", "figures", "suggested", "score"}`` where ``source`` and ``cue``
are ``{"start", "end", "text"}`` or null and each figure is ``{"start", "end", "text",
"label", "value", "unit", "change", "counted", "shape"}``; offsets are into the article.

``--suggested`` adds the sentences nobody labelled that the suggestions take for claims
(``"suggested": true``, the suggested type as ``label``, its ``score``); a store with no
labels at all gets them without asking, with a line on stderr saying so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from corpus.terminal import visible, visible_json
from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus path and the filters."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder or file (default: the sample)")
    parser.add_argument("--json", action="store_true", help="print the claims as a JSON list")
    parser.add_argument("--claimant", metavar="NAME", help="only claims whose claimant has these words (any case)")
    parser.add_argument("--label", metavar="L", help="only sentences with this label (default: every claim type)")
    parser.add_argument(
        "--only-annotator", dest="only_annotator", metavar="A",
        help="only labels by this annotator (same as the global --annotator A here)",
    )
    parser.add_argument(
        "--suggested", action="store_true",
        help="also list the sentences nobody labelled that the suggestions take for claims (marked suggested)",
    )
    parser.add_argument(
        "--gold", action="store_true",
        help="one label per sentence: the adjudicated one, else the one every annotator gave (as export --gold)",
    )


def _place(place: tuple[int, int, str] | None) -> dict[str, object] | None:
    return None if place is None else {"start": place[0], "end": place[1], "text": place[2]}


def claims_json(rows: list) -> list[dict[str, object]]:
    """The ``--json`` form of claim rows (see the module's docstring)."""
    from corpus.readings import reading_json

    return [
        {
            "article": row.article_id,
            "title": row.title,
            "sentence": row.sentence_index,
            "start": row.start,
            "end": row.end,
            "text": row.text,
            "label": row.label,
            "annotator": row.annotator,
            "claimant": row.claimant,
            "attributed": row.attributed,
            "source": _place(row.source),
            "cue": _place(row.cue),
            "figures": [
                {"start": f.start, "end": f.end, "text": f.text, "label": f.label, **reading_json(f.reading)}
                for f in row.figures
            ],
            "suggested": row.suggested,
            "score": None if row.score is None else round(row.score, 4),
        }
        for row in rows
    ]


def run(args: argparse.Namespace) -> int:
    """List the claims; returns 0 (errors are ClaimscopeErrors shown by the CLI)."""
    from annotations.claims import claim_rows
    from annotations.export import articles_to_export, corpus_items
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from corpus.articles import load_corpus, sample_corpus_path

    root = args.path if args.path is not None else sample_corpus_path()
    corpus = load_corpus(root)
    err = Console(stderr=True, soft_wrap=True)
    for error in corpus.errors:
        err.print(Text(f"warning: {error.message}", style="yellow"))
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    if args.label is not None:
        scheme.require(args.label)
    annotator = args.only_annotator or getattr(args, "annotator_flag", None)
    store = Store.open(
        corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None), read_only=True
    )
    try:
        analyzer = None
        if articles_to_export(corpus, store, label=args.label, annotator=annotator):
            from corpus.analysis import Analyzer

            analyzer = Analyzer(model=getattr(args, "model", None))
        items = corpus_items(corpus, store, analyzer, label=args.label, annotator=annotator)
        rows = claim_rows(store, items, label=args.label, annotator=annotator, claimant=args.claimant, gold=args.gold)
        suggested = args.suggested
        if not suggested and not items:
            # Nothing labelled yet (a new store): what the suggestions take for claims,
            # said on stderr and marked in every row, beats an empty list.
            err.print(Text(
                f"no sentence is labelled yet in {store.path}: listing the sentences the suggestions "
                "take for claims (\"suggested\"); label them in the app to make them claims",
                style="yellow",
            ))
            suggested = True
        if suggested:
            rows = _with_suggestions(args, corpus, store, annotator, rows)
    finally:
        store.close()
    if args.json:
        data = json.dumps(claims_json(rows), ensure_ascii=False)
        sys.stdout.buffer.write((visible_json(data) + "\n").encode("utf-8", "surrogatepass"))
        sys.stdout.flush()
        return 0
    console = Console(soft_wrap=False)
    title = Text(visible(f"{len(rows)} claim{'s' if len(rows) != 1 else ''} in {root}"), style="bold")
    console.print(claims_listing(rows, title))
    return 0


def _with_suggestions(args: argparse.Namespace, corpus, store, annotator: str | None, rows: list) -> list:
    """The claim rows again, with the suggested claims of every article."""
    from annotations.claims import claim_rows
    from annotations.suggest.model import ModelFileError, Suggester, models_dir, read_model
    from corpus.analysis import Analyzer

    try:
        model = read_model(models_dir(store.path))
    except ModelFileError:
        model = None  # suggestions from rules, as `claimscope suggest` says
    analyzer = Analyzer(model=getattr(args, "model", None))
    if analyzer.model_error is not None and any(analyzer.cached(a) is None for a in corpus.articles):
        raise analyzer.model_error
    items = list(analyzer.analyze_many(corpus.articles))
    order = {article.id: n for n, article in enumerate(corpus.articles)}
    items.sort(key=lambda item: order[item[0].id])
    return claim_rows(
        store, items, label=args.label, annotator=annotator, claimant=args.claimant, gold=args.gold,
        suggester=Suggester(store.scheme, model),
    )


def claims_listing(rows: list, title: Text) -> RenderableType:
    """The claims grouped under their claimant: for each claim, its type, cue and place on
    one line, its figures on the next, then the sentence folded on the whole width (so
    it reads as well at 80 columns as at 200). Each line that folds keeps its indent."""
    from annotations.claims import figure_words

    parts: list[RenderableType] = [title, Text("")]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.claimant] = counts.get(row.claimant, 0) + 1
    previous = None
    for row in rows:
        if row.claimant != previous:
            if previous is not None:
                parts.append(Text(""))
            many = counts[row.claimant]
            heading = Text(visible(row.claimant), style="bold")
            heading.append(f"  {many} claim{'s' if many != 1 else ''}", style="dim")
            parts.append(heading)
            previous = row.claimant
        where = Text()
        where.append(visible(row.label), style="bold cyan")
        if row.suggested:
            where.append(f" (suggested, {row.score:.2f})", style="dim cyan")
        if row.cue:
            where.append(" · ")
            where.append(visible(" ".join(row.cue[2].split())), style="italic")
        where.append(" · ")
        where.append(visible(f"{row.article_id}, sentence {row.sentence_index + 1}"), style="dim")
        parts.append(Padding(where, (0, 0, 0, 2)))
        if row.figures:
            figures = Text("figures: ", style="dim")
            figures.append(visible("; ".join(figure_words(f) for f in row.figures)), style="magenta")
            parts.append(Padding(figures, (0, 0, 0, 4)))
        parts.append(Padding(Text(visible(" ".join(row.text.split()))), (0, 0, 0, 4)))
    return Group(*parts)
