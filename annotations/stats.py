"""Progress numbers for ``claimscope stats``: per article, per label, per annotator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from annotations.model import ArticleSummary
from annotations.store import Store


@dataclass(slots=True)
class StoreStats:
    """Everything ``claimscope stats`` prints."""

    store_path: Path
    read_only_reason: str | None
    articles: list[ArticleSummary] = field(default_factory=list)
    per_label: dict[str, int] = field(default_factory=dict)
    per_annotator: dict[str, int] = field(default_factory=dict)
    orphans: int = 0
    errors: list[str] = field(default_factory=list)
    outside_corpus: list[str] = field(default_factory=list)

    @property
    def reviewed(self) -> int:
        return sum(a.reviewed for a in self.articles)

    @property
    def total(self) -> int:
        return sum(a.total for a in self.articles)


def compute_stats(
    store: Store,
    articles: Sequence[Any] | None = None,
    totals: dict[str, int] | None = None,
) -> StoreStats:
    """Stats of ``store``; ``articles`` (corpus ``Article``s) add articles not yet annotated.

    ``totals`` maps article id -> sentence count for articles never opened (e.g. from
    cached analyses), so their progress shows as 0 of N rather than 0 of ?.
    """
    stats = StoreStats(store.path, store.read_only_reason)
    summary = store.summary(refresh=True)
    per_label = {name: 0 for name in store.scheme.names}
    per_annotator: dict[str, int] = {}
    for stored in store.stored_articles():
        if stored.error:
            stats.errors.append(stored.error)
            continue
        stats.orphans += len(stored.orphans)
        for record in stored.labels:
            if record.label is None:
                continue
            per_label[record.label] = per_label.get(record.label, 0) + 1
            per_annotator[record.annotator] = per_annotator.get(record.annotator, 0) + 1
    stats.per_label = per_label
    stats.per_annotator = dict(sorted(per_annotator.items(), key=lambda kv: (-kv[1], kv[0])))
    totals = totals or {}
    if articles is not None:
        known = set()
        for article in articles:
            known.add(article.id)
            found = summary.get(article.id)
            if found is None:
                found = ArticleSummary(article.id, article.title, total=totals.get(article.id, 0))
            elif found.total == 0 and article.id in totals:
                found = ArticleSummary(
                    found.article_id, found.title or article.title, found.reviewed, found.claims,
                    totals[article.id], found.orphans, found.updated, found.error,
                )
            stats.articles.append(found)
        stats.outside_corpus = sorted(k for k in summary if k not in known)
        stats.articles.extend(summary[k] for k in stats.outside_corpus)
    else:
        stats.articles = [summary[k] for k in sorted(summary)]
    return stats
