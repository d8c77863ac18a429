"""The article list: one row per article (title, source, date, counts) and per unreadable file.

What both the app's list and the printed table (``claimscope`` without a terminal)
show. Counts come from the analysis cache only, never from spaCy: an article not yet
analysed (or a model that is not installed) has ``entities``/``figures`` None and its
words counted from the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corpus.articles import Corpus, load_corpus
from corpus.cache import Counts
from corpus.collector_pause import collector_paused
from corpus.model import Article


class CountsSource(Protocol):
    """Anything that finds cached counts: ``corpus.analysis.Analyzer``."""

    def counts(self, article: Article) -> Counts | None: ...


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the article list. ``error`` is set (and the counts are 0/None) for a bad file."""

    id: str
    title: str
    source: str = ""
    date: str = ""
    words: int = 0
    entities: int | None = None  # None: not analysed yet
    figures: int | None = None
    error: str | None = None


@dataclass(slots=True)
class Listing:
    """A loaded corpus and its rows: the articles in corpus order, then the errors."""

    corpus: Corpus
    rows: list[Row]


def body_words(article: Article) -> int:
    """Words (whitespace-separated) in the article's body: the list's count before analysis."""
    start, end = article.body
    return len(article.text[start:end].split())


def article_row(article: Article, counts: Counts | None) -> Row:
    """The row of one article, with its cached counts when there are any."""
    if counts is None:
        words, entities, figures = body_words(article), None, None
    else:
        words, entities, figures = counts.words, counts.entities, counts.figures
    meta = article.meta
    return Row(
        id=article.id,
        title=article.title,
        source=meta.get("source", ""),
        date=meta.get("date", ""),
        words=words,
        entities=entities,
        figures=figures,
    )


def rows_of(corpus: Corpus, analyzer: CountsSource | None = None) -> list[Row]:
    """Rows for every article of ``corpus`` (counts from ``analyzer``'s cache) and every error."""
    # Many small objects, no cycles: the cyclic collector would only re-walk the corpus.
    with collector_paused():
        return _rows(corpus, analyzer)


def _rows(corpus: Corpus, analyzer: CountsSource | None) -> list[Row]:
    rows: list[Row] = []
    for article in corpus.articles:
        counts = None
        if analyzer is not None:
            try:
                counts = analyzer.counts(article)
            except OSError:  # an unreadable cache entry only costs this row its counts
                counts = None
        rows.append(article_row(article, counts))
    rows.extend(Row(id=error.id, title=error.message, error=error.message) for error in corpus.errors)
    return rows


def list_corpus(
    root: Path | str, analyzer: CountsSource | None = None, *, cache_dir: Path | str | None = None
) -> Listing:
    """Load the corpus at ``root`` (through its metadata index) and make its rows."""
    corpus = load_corpus(root, cache_dir=cache_dir)
    return Listing(corpus, rows_of(corpus, analyzer))
