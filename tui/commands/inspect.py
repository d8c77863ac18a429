"""``claimscope inspect FILE``: one article's analysis, highlighted or as JSON.

``--json`` prints ``{"id", "title", "meta", "text", "paragraphs", "sentences",
"spans", "attributions"}`` with every offset a Python ``str`` index into ``text``; each
span also has ``value``, ``unit``, ``change`` and ``counted`` (its figure reading, or
nulls); each attribution is ``{"source": {"start", "end", "text"} or null, "cue":
{"start", "end", "text"}, "content": [{"start", "end"}], "claimant": name or null}``. A JSONL/JSON file
with several records shows the first, or the one chosen with ``--record N``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.text import Text

from corpus.model import Analysis, Article
from corpus.readings import reading_json
from corpus.terminal import visible_json, visible_lines
from tui.output import Console

#: Span styles for the readable rendering, by kind (figure/date) or entity label.
KIND_STYLES = {"figure": "bold magenta", "date": "cyan"}
ENTITY_STYLES = {
    "PERSON": "bold yellow",
    "ORG": "bold green",
    "GPE": "bold blue",
    "LOC": "blue",
    "NORP": "green",
}
DEFAULT_ENTITY_STYLE = "underline green"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One article file, optionally a record number, and the output form."""
    parser.add_argument("file", type=Path, help="an article file (.txt, .md, .html, .jsonl, .json)")
    parser.add_argument("--json", action="store_true", help="print the analysis as JSON")
    parser.add_argument(
        "--record",
        type=int,
        default=1,
        metavar="N",
        help="which article of a JSONL/JSON file with several records (1-based, default 1)",
    )


def attributions_json(text: str, analysis: Analysis) -> list[dict[str, object]]:
    """The ``attributions`` field: source, cue, content and claimant of each attribution."""
    return [
        {
            "source": None
            if a.source is None
            else {"start": a.source[0], "end": a.source[1], "text": text[a.source[0] : a.source[1]]},
            "cue": {"start": a.cue[0], "end": a.cue[1], "text": text[a.cue[0] : a.cue[1]]},
            "content": [{"start": s, "end": e} for s, e in a.content],
            "claimant": a.claimant,
        }
        for a in analysis.attributions
    ]


def analysis_json(article: Article, analysis: Analysis) -> dict[str, object]:
    """The JSON form of one article and its analysis."""
    return {
        "id": article.id,
        "title": article.title,
        "meta": dict(article.meta),
        "text": article.text,
        "paragraphs": [{"start": p.start, "end": p.end} for p in analysis.paragraphs],
        "sentences": [{"start": s.start, "end": s.end} for s in analysis.sentences],
        "spans": [
            {"start": s.start, "end": s.end, "label": s.label, "kind": s.kind, **reading_json(s.reading)}
            for s in analysis.spans
        ],
        "attributions": attributions_json(article.text, analysis),
    }


def run(args: argparse.Namespace) -> int:
    """Analyse the chosen article and print it; return 0."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus
    from corpus.errors import ClaimscopeError

    analyzer = Analyzer(model=getattr(args, "model", None))
    corpus = load_corpus(args.file)
    articles = corpus.articles
    if not articles:
        reason = corpus.errors[0].message if corpus.errors else f"{args.file}: no article found"
        raise ClaimscopeError(reason)
    if not 1 <= args.record <= len(articles):
        raise ClaimscopeError(
            f"{args.file} holds {len(articles)} article(s); --record must be between 1 and {len(articles)}"
        )
    article = articles[args.record - 1]
    analysis = analyzer.analyze(article)

    if args.json:
        payload = visible_json(json.dumps(analysis_json(article, analysis), ensure_ascii=False)) + "\n"
        # UTF-8 whatever the terminal's locale: JSON consumers expect it.
        sys.stdout.buffer.write(payload.encode("utf-8", "surrogatepass"))
        sys.stdout.flush()
        return 0

    console = Console()
    console.print(Text(article.title or article.id, style="bold"))
    for key, value in article.meta.items():
        console.print(Text.assemble((f"{key}: ", "dim"), value))
    counts = {kind: sum(1 for s in analysis.spans if s.kind == kind) for kind in ("entity", "figure", "date")}
    console.print(
        Text(
            f"{article.id} · {len(analysis.paragraphs)} paragraphs · {len(analysis.sentences)} sentences · "
            f"{counts['entity']} entities · {counts['figure']} figures · {counts['date']} dates",
            style="dim",
        )
    )
    console.print()
    # Each paragraph on its own, separated by a blank line; spans styled by offset.
    spans = analysis.spans
    k = 0
    for paragraph in analysis.paragraphs:
        # Same length as the text (a CRLF line's \r a space, controls visible): spans stay put.
        body = Text(visible_lines(article.text[paragraph.start : paragraph.end]))
        while k < len(spans) and spans[k].start < paragraph.end:
            span = spans[k]
            k += 1
            if span.start >= paragraph.start:
                style = KIND_STYLES.get(span.kind) or ENTITY_STYLES.get(span.label, DEFAULT_ENTITY_STYLE)
                body.stylize(style, span.start - paragraph.start, span.end - paragraph.start)
        console.print(body)
        console.print()
    legend = Text("legend: ")
    legend.append("figure", KIND_STYLES["figure"]).append("  ")
    legend.append("date", KIND_STYLES["date"]).append("  ")
    for label, style in ENTITY_STYLES.items():
        legend.append(label, style).append("  ")
    legend.append("other entity", DEFAULT_ENTITY_STYLE)
    console.print(legend)
    return 0
