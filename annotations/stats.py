"""Progress numbers for ``claimscope stats``: per article, per label, per annotator.

The numbers follow the article text: an article whose text changed since it was
labelled has its labels placed on its current sentences (as export does), so
re-anchored labels and orphans are counted as export will see them. Unchanged
articles are counted straight from their store files. Every annotator's shard counts: a
sentence is reviewed when anyone labelled it; per label and per annotator, every label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from corpus.model import Analysis, Article

from annotations.boundaries import countable
from annotations.errors import ClaimscopeError
from annotations.model import ArticleSummary
from annotations.store import Store

#: Gives an article's current analysis (cached or made now); may raise ClaimscopeError.
AnalysisOf = Callable[[Article], Analysis]


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
    #: ids of stored articles not in the corpus: named, their labels not counted
    outside_corpus: list[str] = field(default_factory=list)

    @property
    def reviewed(self) -> int:
        return sum(a.reviewed for a in self.articles)

    @property
    def total(self) -> int:
        return sum(a.total for a in self.articles)


def corrupt_message(article_id: str | None, error: str, consequence: str) -> str:
    """One line for an unreadable store file: which article, what it means, the file's error
    (which names the file and says to repair it or move it away)."""
    who = f"article {article_id!r}" if article_id else "a stored article"
    return f"corrupt store file for {who} ({consequence}): {error}"


def corrupt_articles(store: Store, articles: Iterable[Article]) -> dict[str, str]:
    """Article id -> :func:`corrupt_message` for every unreadable store file (for export).

    Read from the store's summary (its index), so it costs no more than a listing. An
    unreadable file has no readable article id: it is matched to a corpus article by
    its file name, else keyed by that name.
    """
    broken = {
        s.article_id: s.error for shard in store.shards() for s in shard.summary().values() if s.error
    }
    if not broken:
        return {}
    ids = {a.id for a in articles}
    by_stem = {store.file_for(i).stem: i for i in ids}
    found: dict[str, str] = {}
    for key, error in sorted(broken.items()):
        article_id = key if key in ids else by_stem.get(key)
        found[article_id or key] = corrupt_message(article_id, error, "its labels are not exported")
    return found


def outside_warning(outside: list[str], left: str) -> str | None:
    """The one line that names stored articles missing from the corpus, as export and
    stats both say it (``left``: "exported", "counted"); None when there are none."""
    if not outside:
        return None
    more = " ..." if len(outside) > 5 else ""
    return (
        f"warning: {len(outside)} stored articles are not in the corpus and were not "
        f"{left}: {', '.join(outside[:5])}{more}"
    )


def stored_outside(articles: Iterable[Article], store: Store) -> list[str]:
    """Ids of stored articles, of any annotator or the gold shard, that are not among
    ``articles`` (the corpus): export leaves their labels out and stats does not count them.

    Unreadable store files are not among them: they are reported as corrupt
    (:func:`corrupt_articles`), since their article id cannot be read.
    """
    ids = {a.id for a in articles}
    return sorted(
        {
            s.article_id
            for shard in store.shards(gold=True)
            for s in shard.summary().values()
            if s.article_id not in ids and not s.error
        }
    )


def compute_stats(
    store: Store,
    articles: Sequence[Article] | None = None,
    totals: dict[str, int] | None = None,
    analysis_of: AnalysisOf | None = None,
) -> StoreStats:
    """Stats of ``store``; ``articles`` (the corpus) add articles not yet annotated.

    ``totals`` maps article id -> sentence count for articles never opened (e.g. from
    cached analyses), so their progress shows as 0 of N rather than 0 of ?.
    ``analysis_of`` gives the current sentences of an article whose text changed since
    it was labelled; without it (or when it fails) the article's stored numbers are
    shown with a warning saying they may be out of date.
    """
    stats = StoreStats(store.path, store.read_only_reason)
    totals = totals or {}
    # Labels of articles no longer in the corpus are named, not counted (export leaves them out).
    outside = set(stored_outside(articles, store)) if articles is not None else set()
    by_id = {a.id: a for a in articles or ()}
    by_file = {store.file_for(a.id).name: a for a in articles or ()}
    per_label = {name: 0 for name in store.scheme.names}
    per_annotator: dict[str, int] = {}
    found: dict[str, ArticleSummary] = {}
    # article id -> sentences reviewed / claimed by anyone (labels of several annotators)
    reviewed_by_id: dict[str, set[int]] = {}
    claims_by_id: dict[str, set[int]] = {}
    for shard, stored in ((s, a) for s in store.shards() for a in s.stored_articles()):
        if stored.error:
            article = by_file.get(stored.path.name)
            key = article.id if article else stored.article_id
            message = corrupt_message(article and article.id, stored.error, "its labels are not counted")
            stats.errors.append(message)
            title = article.title if article else ""
            found[key] = ArticleSummary(key, title, total=totals.get(key, 0), error=message)
            continue
        if stored.article_id in outside:
            continue
        article = by_id.get(stored.article_id)
        # (sentence, label, annotator, updated) of each stored record, where it sits now.
        records: Iterable[tuple[Any, Any, Any, Any]] = (
            (r.sentence_index, r.label, r.annotator, r.updated) for r in stored.labels
        )
        orphans, total = len(stored.orphans), stored.total or totals.get(stored.article_id, 0)
        if article is not None and _changed(stored.article_hash, stored.total, article, totals):
            try:
                if analysis_of is None:
                    raise ClaimscopeError("no analysis available")
                analysis = analysis_of(article)
            except ClaimscopeError as error:
                stats.errors.append(
                    f"article {article.id!r} changed since it was labelled and could not be "
                    f"analysed, so its numbers are as stored and may be out of date: {error}"
                )
            else:
                placed = shard.placed_labels(article, analysis.sentences)
                records = (
                    (i, r.get("label"), r.get("annotator", ""), r.get("updated", ""))
                    for i, r in placed.records.items()
                )
                sentences = placed.sentences if placed.sentences is not None else analysis.sentences
                reviewed_here = [i for i, r in placed.records.items() if r.get("label") is not None]
                orphans, total = placed.orphans, countable(sentences, reviewed_here)
        reviewed = reviewed_by_id.setdefault(stored.article_id, set())
        claims = claims_by_id.setdefault(stored.article_id, set())
        before = found.get(stored.article_id)
        updated = before.updated if before else ""
        for index, label, annotator, when in records:
            updated = max(updated, str(when or ""))
            if label is None:
                continue
            reviewed.add(index)
            if store.scheme.is_claim(label):
                claims.add(index)
            per_label[label] = per_label.get(label, 0) + 1
            per_annotator[annotator] = per_annotator.get(annotator, 0) + 1
        stats.orphans += orphans
        if before is not None:
            orphans += before.orphans
            total = max(total, before.total)
        title = article.title if article is not None else stored.title
        found[stored.article_id] = ArticleSummary(
            stored.article_id, title, len(reviewed), len(claims), total, orphans, updated
        )
    stats.per_label = per_label
    stats.per_annotator = dict(sorted(per_annotator.items(), key=lambda kv: (-kv[1], kv[0])))
    if articles is None:
        stats.articles = [found[k] for k in sorted(found)]
        return stats
    for article in articles:
        stats.articles.append(
            found.get(article.id) or ArticleSummary(article.id, article.title, total=totals.get(article.id, 0))
        )
    stats.outside_corpus = sorted(outside)
    stats.articles.extend(found[k] for k in sorted(found) if k not in by_id)  # unreadable files not matched to an article
    return stats


def _changed(stored_hash: str, stored_total: int, article: Article, totals: dict[str, int]) -> bool:
    """True when the stored labels may no longer sit on the article's sentences: its text
    changed, or its cached analysis splits it into a different number of sentences."""
    if stored_hash != article.hash:
        return True
    return article.id in totals and stored_total not in (0, totals[article.id])
