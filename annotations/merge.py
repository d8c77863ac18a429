"""Merging another store (a fallback store, a colleague's ``.claimscope/``) into this one.

Every record keeps its annotator and times. Labels are found by article id and put
on the current sentences by their text (the store's re-anchoring); those that fit
no sentence are kept as orphans. When both stores labelled the same sentence
differently, the record with the newer ``updated`` wins (the store's own on a
tie) and the conflict is reported. Merging the same store twice adds nothing.
Each record goes to the shard of its annotator (whose lock is taken for it: an
annotator labelling right now keeps their shard, and the merge says so); the gold
shard's records go to the gold shard, with their provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from corpus.model import Analysis, Article

from annotations.anchoring import anchor_labels, anchor_spans
from annotations.errors import StoreError
from annotations.model import SentenceLabel, SpanCorrection
from annotations.store import (
    ANNOTATORS_DIR,
    ARTICLES_DIR,
    GOLD_SHARD,
    ArticleAnnotations,
    ShardWriters,
    Store,
    StoredArticle,
    article_files,
)

#: article id -> (article, its analysis), or None when the corpus has no such article
Resolver = Callable[[str], "tuple[Article, Analysis] | None"]


@dataclass
class MergeReport:
    """What a merge did: counts, and one line per conflict and per skipped file."""

    labels: int = 0  # sentence labels and orphans written
    spans: int = 0  # span corrections written
    unchanged: int = 0  # records already here, identical
    articles: set[str] = field(default_factory=set)  # article ids that got something
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def merge_store(
    store: Store,
    source: Path,
    resolve: Resolver,
    progress: Callable[[int], None] | None = None,
) -> MergeReport:
    """Bring every record of the store folder ``source`` into ``store``; returns the report.

    Raises :class:`StoreError` when ``store`` is read-only, ``source`` is not a store
    or is ``store`` itself.
    """
    source = source_store(source)
    if source == store.path:
        raise StoreError(f"{source} is the store being merged into; give another store folder")
    store.check_writable()
    report = MergeReport()
    other = Store.open(None, scheme=store.scheme, store_dir=source, read_only=True)
    writers = ShardWriters(store)
    try:
        for shard in other.shards(gold=True):
            gold = shard.shard.name == GOLD_SHARD
            for stored in shard.stored_articles():
                if stored.error is not None:
                    report.skipped.append(stored.error)
                # Gold records go to the gold shard whole: their annotator is who decided.
                parts = {"": stored} if gold and stored.error is None else _by_annotator(stored)
                for annotator, part in parts.items():
                    writer = writers.get(annotator, gold=gold)
                    if writer is not None:
                        _merge_article(writer, part, resolve, report)
                if progress is not None:
                    progress(1)
    finally:
        other.close()
        writers.close()
    report.skipped.extend(f"{what} not merged: {why}" for what, why in writers.refused.items())
    store.remember_merge(source)
    return report


def _by_annotator(stored: StoredArticle) -> dict[str, StoredArticle]:
    """``stored`` cut into one part per annotator of its records (an unreadable file: none)."""
    if stored.error is not None:
        return {}
    names = {r.annotator for r in (*stored.labels, *stored.orphans, *stored.spans)}
    return {
        name: replace(
            stored,
            labels=tuple(r for r in stored.labels if r.annotator == name),
            orphans=tuple(r for r in stored.orphans if r.annotator == name),
            spans=tuple(r for r in stored.spans if r.annotator == name),
        )
        for name in sorted(names)
    }


def source_store(source: Path) -> Path:
    """``source`` resolved; raises :class:`StoreError` when it is not a store folder."""
    source = Path(source).expanduser().resolve()
    if not ((source / ARTICLES_DIR).is_dir() or (source / ANNOTATORS_DIR).is_dir()):
        raise StoreError(
            f"{source} is not a claimscope store (it has no {ANNOTATORS_DIR}/ or {ARTICLES_DIR}/ folder)"
        )
    return source


def count_articles(source: Path) -> int:
    """How many article files a store folder holds (for a progress bar)."""
    return len(article_files(Path(source)))


def _merge_article(
    store: Store, stored: StoredArticle, resolve: Resolver, report: MergeReport
) -> None:
    if stored.error is not None:
        report.skipped.append(stored.error)
        return
    found = resolve(stored.article_id)
    if found is None:
        count = len(stored.labels) + len(stored.orphans) + len(stored.spans)
        report.skipped.append(
            f"{stored.article_id}: not in the corpus ({count} records in {stored.path.name} left out)"
        )
        return
    article, analysis = found
    doc = store.article(article, analysis.sentences)
    if doc.error is not None:
        report.skipped.append(f"{stored.article_id}: {doc.error}")
        return
    before = report.labels + report.spans
    with doc.batch():
        _merge_labels(doc, stored, report)
        _merge_spans(doc, stored.spans, report)
    if report.labels + report.spans > before:
        report.articles.add(doc.article_id)


def _merge_labels(doc: ArticleAnnotations, stored: StoredArticle, report: MergeReport) -> None:
    placed, lost, _ = anchor_labels(
        [*stored.labels, *stored.orphans], doc.text, doc.sentences, doc.article_hash
    )
    for index, theirs in sorted(placed.items()):
        ours = doc.labels.get(index)
        if ours is None:
            doc.keep_label(index, theirs)
            report.labels += 1
        elif _same(ours, theirs):
            report.unchanged += 1
        else:
            report.conflicts.append(
                f"{doc.article_id} s{index + 1}: here {_say(ours)}, merged {_say(theirs)}; "
                + _kept(ours, theirs)
            )
            if theirs.updated > ours.updated:
                doc.keep_label(index, theirs)
                report.labels += 1
    known = {_content(r) for r in doc.orphans}
    for record in lost:
        if _content(record) in known:
            report.unchanged += 1
            continue
        doc.keep_orphan(record)
        known.add(_content(record))
        report.labels += 1


def _merge_spans(
    doc: ArticleAnnotations, spans: Sequence[SpanCorrection], report: MergeReport
) -> None:
    placed, _ = anchor_spans(spans, doc.text, doc.article_hash)
    ours_by_key = {(c.start, c.end): c for c in doc.span_corrections}
    known_orphans = {_content(c) for c in doc.span_orphans}
    for theirs in placed:
        if theirs.orphan:
            if _content(theirs) in known_orphans:
                report.unchanged += 1
            else:
                doc.keep_orphan(theirs)
                known_orphans.add(_content(theirs))
                report.spans += 1
            continue
        key = (theirs.start, theirs.end)
        ours = ours_by_key.get(key)
        if ours is not None and _same(ours, theirs):
            report.unchanged += 1
            continue
        if ours is not None:
            report.conflicts.append(
                f"{doc.article_id} span {key[0]}-{key[1]}: here {ours.action} {ours.label} by "
                f"{ours.annotator} at {ours.updated}, merged {theirs.action} {theirs.label} by "
                f"{theirs.annotator} at {theirs.updated}; " + _kept(ours, theirs)
            )
            if theirs.updated <= ours.updated:
                continue
        doc.keep_span(theirs)
        ours_by_key[key] = theirs
        report.spans += 1


def _content(record: SentenceLabel | SpanCorrection) -> tuple[object, ...]:
    """What makes two records the same record (position aside)."""
    if isinstance(record, SentenceLabel):
        return (
            record.text, record.label, record.checkworthy, record.note,
            record.annotator, record.created, record.updated, record.attribution,
        )
    return (
        record.text, record.action, record.label, record.annotator, record.created, record.updated,
    )


def _same(a: SentenceLabel | SpanCorrection, b: SentenceLabel | SpanCorrection) -> bool:
    return _content(a)[1:] == _content(b)[1:]  # placed on the same spot: text may differ in spaces


def _kept(ours: SentenceLabel | SpanCorrection, theirs: SentenceLabel | SpanCorrection) -> str:
    """Which side a conflict keeps, in words: the newer ``updated``; this store's on a tie."""
    if theirs.updated > ours.updated:
        return "kept the merged one (newer)"
    if theirs.updated == ours.updated:
        return "same time: kept this store's"
    return "kept this store's (newer)"


def _say(record: SentenceLabel) -> str:
    label = record.label or "(no label)"
    extras = "".join(
        (
            ", check-worthy" if record.checkworthy else "",
            ", with a note" if record.note else "",
            ", with its claimant corrected" if record.attribution else "",
        )
    )
    return f"{label}{extras} by {record.annotator or '(unknown)'} at {record.updated or '?'}"
