"""Moving a store file whose article id is gone to the article it belongs to, by text.

claimscope 0.1 named the records of JSONL/JSON files by position (``feed.jsonl#3``);
now a record is named by its own id or a hash of its text (``corpus/articles.py``).
A store file whose article id is no longer an id of the corpus, while its file
(``feed.jsonl``) still is in the corpus, is matched by *text*, never by position:

1. a record of the same file whose text hash is the file's ``article_hash`` (the
   first such one without a store file of its own: records with the same text are
   interchangeable);
2. else the one record of the same file that contains every labelled sentence text
   of the store file, when it is the only one and has no store file of its own.

A match moves the file to the new id (``meta.article_id``, the ``article_id`` of
every record, the file name): the new file is written durably first, then the old
one removed. Anything else is left untouched and reported as orphaned. A store
opened read-only by choice (``stats``, ``export``), another annotator's shard and the
gold shard move them through a short-lived writer when the shard's lock is free; a
store that cannot be written, or a shard whose lock another process holds, only says
what would move. Labels never
move to another file of the corpus: a single-file corpus must not adopt the labels
of the folder's other files.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from corpus.articles import Corpus
from corpus.errors import ClaimscopeError
from corpus.files import fsync_dir
from corpus.model import Article

from annotations.errors import StoreError
from annotations.migrations import migrate_article_data
from annotations.storage import atomic_write_text, dump_json, read_json
from annotations.store import GOLD_SHARD, Store

_TABLES = ("labels", "orphans", "spans")
#: Notices beyond this many are summed up in one line (a whole corpus may move at once).
MAX_NOTICES = 8


def relocate_labels(store: Store, corpus: Corpus) -> list[str]:
    """Move store files of ids missing from ``corpus`` to their article, in every shard
    (each annotator's and the gold one); one-line notices.

    Call once after the corpus is loaded and the store opened, before anything reads
    labels (the store's summary is refreshed when files moved).
    """
    by_file: dict[str, list[Article]] = {}
    for article in corpus.articles:
        by_file.setdefault(_file_part(article.id), []).append(article)
    notices: list[str] = []
    moved = 0
    for shard in store.shards(gold=True):
        lost = _lost_ids(shard, corpus, by_file)
        if not lost:
            continue
        writer, why = _writer_for(shard) if shard.read_only else (None, None)
        try:
            for old_id in lost:
                candidates = by_file.get(_file_part(old_id), [])
                notice, state = _relocate(writer or shard, old_id, candidates, why)
                notices.append(notice)
                moved += state == "moved"
        finally:
            if writer is not None:
                writer.close()
    if moved:
        store.summary(refresh=True)  # the summary read above still has the old ids
    if len(notices) > MAX_NOTICES:
        rest = len(notices) - MAX_NOTICES + 1
        notices[MAX_NOTICES - 1 :] = [
            f"... and {rest} more store files of records whose id changed "
            f"({moved} moved in all, {len(notices) - moved} not)"
        ]
    return notices


def _lost_ids(shard: Store, corpus: Corpus, by_file: dict[str, list[Article]]) -> list[str]:
    """The article ids of ``shard``'s files that the corpus no longer has while their
    file (``feed.jsonl``) still is in it."""
    known = {a.id for a in corpus.articles} | {e.id for e in corpus.errors}
    files = set(by_file) | {_file_part(e.id) for e in corpus.errors}
    return sorted(
        summary.article_id
        for summary in shard.summary().values()
        if summary.error is None
        and summary.article_id not in known
        and _file_part(summary.article_id) in files
    )


def _writer_for(shard: Store) -> tuple[Store | None, str | None]:
    """A short-lived writable opening of a shard read here read-only (a store opened by
    choice read-only, stats or export; another annotator's shard; the gold shard).

    (None, why) when it cannot be written or another process holds its lock: then the
    notices say what would move, and why not.
    """
    gold = shard.shard.name == GOLD_SHARD
    try:
        writer = Store.open(
            shard.corpus_root, annotator=shard.annotator, scheme=shard.scheme,
            store_dir=shard.path, gold=gold,
        )
    except ClaimscopeError as error:
        return None, str(error)
    if writer.read_only:
        why = writer.read_only_reason
        writer.close()
        return None, why
    return writer, None


def _file_part(article_id: str) -> str:
    return article_id.partition("#")[0]


def _relocate(
    store: Store, old_id: str, candidates: list[Article], why: str | None = None
) -> tuple[str, str]:
    """Move one store file; the notice saying what happened, and "moved", "movable"
    (the store is read-only: ``why``, else its own reason) or "kept"."""
    old = store.file_for(old_id)
    try:
        data = migrate_article_data(read_json(old), source=str(old))
        meta = data["meta"]["1"]
        texts = {
            r["text"]
            for table in ("labels", "orphans")
            for r in _records(data, table)
            if isinstance(r.get("text"), str) and r["text"]
        }
    except (StoreError, TypeError, KeyError, ValueError, AttributeError):
        return f"{old_id}: store file {old} could not be read to find its article; kept as is", "kept"

    target, how = _match(store, meta.get("article_hash"), texts, candidates)
    if target is None:
        return (
            f"{old_id}: labels in {old.name} kept but orphaned: no article of the corpus "
            f"matches by text ({how}); they reappear when the record is back",
            "kept",
        )
    if store.read_only:
        return (
            f"{old_id}: labels in {old.name} belong to {target.id} ({how}); not moved: "
            f"{why or store.read_only_reason}",
            "movable",
        )
    meta["article_id"] = target.id
    for table in _TABLES:
        for record in _records(data, table):
            if "article_id" in record:
                record["article_id"] = target.id
    new = store.file_for(target.id)
    try:
        atomic_write_text(new, dump_json(data))  # durable before the old file goes
    except OSError as error:
        return (
            f"{old_id}: labels in {old.name} belong to {target.id} ({how}) but could not be "
            f"moved ({error.strerror or error}); kept as is",
            "kept",
        )
    try:
        old.unlink()
        fsync_dir(old.parent)
    except OSError:
        pass  # both files hold the same labels; the next run reports the old one
    return f"labels of {old_id} moved to {target.id} ({how})", "moved"


def _match(
    store: Store, article_hash: Any, texts: set[str], candidates: list[Article]
) -> tuple[Article | None, str]:
    """The article the labels belong to, and how it was found (or why none was)."""
    free = {a.id for a in candidates if not store.file_for(a.id).exists()}
    same = [a for a in candidates if article_hash and a.hash == article_hash]
    if same:
        for article in same:
            if article.id in free:
                return article, "same text"
        return None, "the record with the same text has labels of its own"
    if not texts:
        return None, "the text changed and no sentence is labelled"
    holders = [a for a in candidates if _contains_all(a.text, texts)]
    if not holders:
        return None, "no record contains its labelled sentences"
    if len(holders) > 1:
        return None, f"{len(holders)} records contain its labelled sentences"
    if holders[0].id not in free:
        return None, f"{holders[0].id}, which holds its labelled sentences, has labels of its own"
    return holders[0], "same labelled sentences"


def _contains_all(text: str, pieces: Iterable[str]) -> bool:
    return all(piece in text for piece in pieces)


def _records(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    docs = data.get(table) or {}
    return [r for r in docs.values() if isinstance(r, dict)]
