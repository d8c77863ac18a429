"""The summary index: per-article counts of a shard, cached in its ``index.json``.

``Store.summary()`` (progress per article for the list and stats) and
``Store.files_with_labels()`` (which files export must read) are answered from the
index; :meth:`SummaryIndex._fresh_entries` is the one loop that checks each article
file against its entry and re-reads a file that is newer. The index is only a cache:
written on ``close()``, rebuilt when unreadable, harmless when stale.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from annotations.errors import CorruptStoreFileError, StoreError
from annotations.migrations import CURRENT_SCHEMA
from annotations.model import ArticleSummary
from annotations.scheme import Scheme
from annotations.storage import atomic_write_text, dump_json, read_json
from annotations.store.paths import INDEX_FILE
from annotations.store.reading import StoredArticle

if TYPE_CHECKING:
    from annotations.store.document import ArticleAnnotations
    from annotations.store.opening import Store


class SummaryIndex:
    """The :class:`~annotations.store.Store`'s summary index (a part of ``Store``)."""

    shard: Path
    scheme: Scheme
    notices: list[str]
    _docs: dict[str, ArticleAnnotations]
    _summary: dict[str, ArticleSummary] | None
    _index_entries: dict[str, dict[str, Any]]
    _index_dirty: bool

    if TYPE_CHECKING:  # provided by the other parts of Store
        @property
        def read_only(self) -> bool: ...
        def _article_dir(self) -> Path: ...
        def shards(self, *, gold: bool = False) -> list[Store]: ...
        def _read_stored(self, file: Path) -> StoredArticle: ...

    def files_with_labels(self, label: str | None = None, annotator: str | None = None) -> set[str]:
        """Names of the article files that may hold labels (with ``label``, by ``annotator``).

        Answered from the index: only a file whose index entry is missing or older
        than the file is read. Export uses this to skip loading analyses of articles it
        would not export. Every annotator's shard (and the gold shard) counts.
        """
        names: set[str] = set()
        for shard in self.shards(gold=True):
            names |= shard._files_with_labels(label, annotator)
        return names

    def _files_with_labels(self, label: str | None, annotator: str | None) -> set[str]:
        names: set[str] = set()
        for name, cached in self._fresh_entries():
            counts = cached.get("counts") or {}
            who = cached.get("annotators") or {}
            if (counts if label is None else counts.get(label)) and (
                annotator is None or who.get(annotator)
            ):
                names.add(name)
        return names

    def summary(self, refresh: bool = False) -> dict[str, ArticleSummary]:
        """Article id -> progress, for every article with a store file or opened this session.

        The first call (or ``refresh=True``, or any call on a read-only store, whose
        files another process may be changing) checks the files on disk against the
        index; later calls only apply this session's own changes.
        """
        if self._summary is None or refresh or self.read_only:
            self._summary = self._scan()
            if not self.read_only:  # our own docs are newer than the index (same files)
                for doc in self._docs.values():
                    self._summary[doc.article_id] = doc.summary()
        return dict(self._summary)

    def _note_summary(self, doc: ArticleAnnotations) -> None:
        if self._summary is not None:
            self._summary[doc.article_id] = doc.summary()
        self._index_dirty = True

    def _scan(self) -> dict[str, ArticleSummary]:
        result: dict[str, ArticleSummary] = {}
        seen: set[str] = set()
        for name, cached in self._fresh_entries():
            seen.add(name)
            summary = self._summary_from_entry(cached)
            result[summary.article_id] = summary
        for name in list(self._index_entries):
            if name not in seen:
                del self._index_entries[name]
                self._index_dirty = True
        return result

    def _fresh_entries(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(file name, index entry)`` of every article file of this shard, each entry
        as fresh as its file: one missing from the index, or whose file changed since
        the index was written, is made now from the file (an unreadable file gets an
        entry holding its error and no labels)."""
        folder = self._article_dir()
        if not folder.is_dir():
            return
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".json") or entry.name.startswith("."):
                    continue
                st = entry.stat()
                cached = self._index_entries.get(entry.name)
                if not (
                    cached
                    and cached.get("mtime_ns") == st.st_mtime_ns
                    and cached.get("size") == st.st_size
                ):
                    cached = self._index_entry(Path(entry.path), st)
                    self._index_entries[entry.name] = cached
                    self._index_dirty = True
                yield entry.name, cached

    def _index_entry(self, file: Path, st: os.stat_result) -> dict[str, Any]:
        stored = self._read_stored(file)
        counts: dict[str, int] = {}
        annotators: dict[str, int] = {}
        updated = ""
        for record in stored.labels:
            if record.label is not None:
                counts[record.label] = counts.get(record.label, 0) + 1
                annotators[record.annotator] = annotators.get(record.annotator, 0) + 1
            updated = max(updated, record.updated)
        return {
            "annotators": annotators,
            "article_id": stored.article_id,
            "counts": counts,
            "error": stored.error,
            "mtime_ns": st.st_mtime_ns,
            "orphans": len(stored.orphans),
            "size": st.st_size,
            "title": stored.title,
            "total": stored.total,
            "updated": updated,
        }

    def _summary_from_entry(self, entry: dict[str, Any]) -> ArticleSummary:
        counts: dict[str, int] = entry.get("counts", {})
        return ArticleSummary(
            article_id=entry.get("article_id", ""),
            title=entry.get("title", ""),
            reviewed=sum(counts.values()),
            claims=sum(n for name, n in counts.items() if self.scheme.is_claim(name)),
            total=int(entry.get("total", 0)),
            orphans=int(entry.get("orphans", 0)),
            updated=entry.get("updated", ""),
            error=entry.get("error"),
        )

    def _load_index(self) -> None:
        path = self.shard / INDEX_FILE
        if not path.exists():
            return
        try:
            data = read_json(path)
            entries = data["articles"]
            if not isinstance(entries, dict) or not all(
                isinstance(name, str) and _valid_index_entry(entry)
                for name, entry in entries.items()
            ):
                raise TypeError
        except (CorruptStoreFileError, KeyError, TypeError):
            if self.read_only:  # rebuilt in memory; the writer will deal with the file
                self.notices.append(f"index {path} is unreadable; rebuilt in memory (left for the next writer to replace)")
                return
            # The index is only a cache; keep the bad copy for inspection and rebuild.
            bad = path.with_name(f"{INDEX_FILE}.bad-{os.getpid()}")
            try:
                os.replace(path, bad)
            except OSError:
                pass
            self.notices.append(f"index {path} was unreadable; kept as {bad.name} and rebuilt")
            self._index_dirty = True
            return
        self._index_entries = entries

    def _save_index(self) -> None:
        """Write the index (refreshing entries of files this session changed)."""
        if self.read_only or not self._index_dirty:
            return
        self._scan()
        try:
            atomic_write_text(
                self.shard / INDEX_FILE,
                dump_json({"schema": CURRENT_SCHEMA, "articles": self._index_entries}),
            )
        except StoreError:
            return  # only a cache (e.g. the disk is full): the next open rebuilds it
        self._index_dirty = False


#: index.json entry field -> the types it may hold (bool is not an int here)
_INDEX_FIELDS: dict[str, tuple[type, ...]] = {
    "annotators": (dict,),
    "article_id": (str,),
    "counts": (dict,),
    "error": (str, type(None)),
    "mtime_ns": (int,),
    "orphans": (int,),
    "size": (int,),
    "title": (str,),
    "total": (int,),
    "updated": (str,),
}


def _valid_index_entry(entry: Any) -> bool:
    """True when an index entry has every field with the type the store writes."""
    if type(entry) is not dict:
        return False
    for name, types in _INDEX_FIELDS.items():
        if name not in entry or type(entry[name]) not in types:
            return False
    return all(
        isinstance(key, str) and type(n) is int
        for table in (entry["counts"], entry["annotators"])
        for key, n in table.items()
    )

