"""The :class:`Store`: opening a shard (its lock, the schema and migration), closing it.

``Store.open`` picks the store folder (``paths.py``), takes the shard's lock (or opens
read-only, saying why), checks the schema and migrates an old store into shards, then
reads the summary index. The rest of ``Store`` comes in parts, one module each:
``shards.py`` (the other annotators' shards), ``history.py`` (undo/redo),
``summary.py`` (the summary index), ``reading.py`` (files read as they are on disk);
``Store.article()`` opens an article's document (``document.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Sequence

from corpus.model import Article, Segment

from annotations import lock as lockfile
from annotations.errors import CorruptStoreFileError, ReadOnlyStoreError, StoreError
from annotations.migrations import STORE_SCHEMA, migrate_article_data, split_by_annotator
from annotations.model import ArticleSummary, Change, utc_now
from annotations.scheme import Scheme, default_scheme
from annotations.storage import atomic_write_text, dump_json, read_json
from annotations.store.document import ArticleAnnotations
from annotations.store.history import History
from annotations.store.paths import (
    ANNOTATORS_DIR,
    ARTICLES_DIR,
    BACKUPS_DIR,
    GOLD_SHARD,
    INDEX_FILE,
    STORE_DIR_NAME,
    STORE_META,
    _name_shard,
    article_file_name,
    article_files,
    check_annotator,
    corpus_folder,
    data_store_dir,
    default_store_dir,
    shard_folder_name,
    store_fingerprint,
    unwritable_reason,
)
from annotations.store.reading import StoredFiles, table_docs
from annotations.store.shards import Shards
from annotations.store.summary import SummaryIndex
from annotations.store.writer import WriteBehind


class Store(Shards, History, SummaryIndex, StoredFiles, WriteBehind):
    """Labels of one corpus; see ``annotations/store/__init__.py`` for the layout.

    Use :meth:`Store.open`. A store opened while another process holds the lock is
    read-only: :attr:`read_only_reason` says why, and every change raises
    :class:`ReadOnlyStoreError`.
    """

    def __init__(
        self,
        path: Path,
        *,
        annotator: str,
        scheme: Scheme,
        corpus_root: Path | None,
        lock: lockfile.Lock | None,
        read_only_reason: str | None,
        unwritable: str | None = None,
        asked_read_only: bool = False,
        fallback: bool = False,
        shard: Path | None = None,
    ) -> None:
        self.path = path
        self.annotator = annotator
        #: the folder this store writes: ``annotators/<name>`` (the store folder itself for
        #: a store of the old single-folder layout that could not be migrated)
        self.shard = shard or path / ANNOTATORS_DIR / shard_folder_name(annotator)
        self.scheme = scheme
        self.corpus_root = corpus_root
        self._lock = lock
        self.read_only_reason = read_only_reason
        #: why the store folder cannot be written (``read-only file system``), else None
        self.unwritable = unwritable
        #: True when this is the data-folder store of a corpus whose folder is not writable
        self.fallback = fallback
        self._asked_read_only = asked_read_only  # read-only by choice (stats), not a problem
        self.notices: list[str] = []  # one-line facts worth showing (lock taken over, migration)
        self._docs: dict[str, ArticleAnnotations] = {}
        # One undo step is a tuple of changes: one for a key, all of a `batch()` together.
        self._undo: list[tuple[Change, ...]] = []
        self._redo: list[tuple[Change, ...]] = []
        #: the changes the last undo/redo took back or made again (several for a batch)
        self.last_step: tuple[Change, ...] = ()
        self._summary: dict[str, ArticleSummary] | None = None
        self._index_entries: dict[str, dict[str, Any]] = {}
        self._index_dirty = False
        self._closed = False
        self._unsaved = []  # undo steps whose write is still queued (writer.py)

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(
        cls,
        corpus_root: Path | None,
        annotator: str = "annotator",
        scheme: Scheme | None = None,
        store_dir: Path | None = None,
        *,
        read_only: bool = False,
        gold: bool = False,
    ) -> Store:
        """Open (creating if needed) ``annotator``'s shard of the store of ``corpus_root``.

        Never raises because of a lock: a shard locked by another live process (the
        same annotator in another terminal) opens read-only with
        :attr:`read_only_reason` set; other annotators' shards have their own locks.
        ``read_only=True`` opens without taking the lock (export, stats). ``gold=True``
        opens the adjudicated-label shard, ``annotator`` being who decides. Raises
        :class:`StoreError` only when the folder cannot be created at all.
        """
        chosen = store_dir is not None
        if store_dir is None:
            if corpus_root is None:
                raise StoreError("no store folder: give a corpus folder or --store DIR")
            store_dir = default_store_dir(Path(corpus_root))
        path = Path(store_dir).expanduser().resolve()
        scheme = scheme or default_scheme()
        root = Path(corpus_root).expanduser().resolve() if corpus_root is not None else None
        reason: str | None = None
        lock: lockfile.Lock | None = None
        notices: list[str] = []
        if not gold and not read_only:
            check_annotator(annotator)
        shard = path / ANNOTATORS_DIR / (GOLD_SHARD if gold else shard_folder_name(annotator))
        # An existing store that cannot be written opens read-only where it is, saying why.
        unwritable = unwritable_reason(path) if path.is_dir() else None
        if unwritable is not None:
            reason = f"store {path} cannot be written ({unwritable}); opened read-only"
        elif read_only:
            reason = f"store {path} opened read-only"
        else:
            try:
                (shard / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
            except OSError as error:
                if not path.is_dir():
                    raise StoreError(
                        f"cannot create the store folder {path} ({error.strerror}); "
                        "choose another with --store DIR"
                    ) from None
                reason = f"store {path} is not writable ({error.strerror}); opened read-only"
            if reason is None:
                try:
                    lock = lockfile.acquire(shard)
                except lockfile.Locked as locked:
                    who = locked.holder.describe() if locked.holder else "another process"
                    whose = "the gold labels" if gold else f"annotator {annotator!r}"
                    reason = (
                        f"store {path} is locked by {who} for {whose}; opened read-only "
                        f"(the same annotator cannot write from two places: close the other "
                        f"claimscope, use another --annotator, or delete {locked.path} if it "
                        "is not running)"
                    )
                except OSError as error:
                    reason = f"store {path} cannot be locked ({error.strerror}); opened read-only"
                else:
                    if not gold:
                        _name_shard(shard, annotator)
                    if lock.took_over is not None:
                        notices.append(
                            f"took over a stale lock left by {lock.took_over.describe()}: "
                            f"{lock.stale_because}"
                        )
                    elif lock.stale_because:  # a lock file nobody holds, with no holder to name
                        notices.append(f"took over the lock file {lock.path}: {lock.stale_because}")
        local = root is not None and path == corpus_folder(root) / STORE_DIR_NAME
        store = cls(
            path,
            annotator=annotator,
            scheme=scheme,
            corpus_root=root,
            lock=lock,
            read_only_reason=reason,
            unwritable=unwritable,
            asked_read_only=read_only and unwritable is None,
            fallback=not chosen and root is not None and not local,
            shard=shard,
        )
        store.notices.extend(notices)
        try:
            store._prepare()
            if local and unwritable is None:
                assert root is not None
                store._note_fallback(data_store_dir(corpus_folder(root)))
        except BaseException:
            store.close()
            raise
        return store

    def _note_fallback(self, fallback: Path) -> None:
        """Say so when the corpus's fallback store holds labels not merged here yet."""
        fingerprint = store_fingerprint(fallback)
        if fingerprint is None or self._merged().get(str(fallback)) == fingerprint:
            return
        count = 0
        for file in article_files(fallback):
            try:
                data = read_json(file)
                count += len(table_docs(data.get("labels"))) + len(table_docs(data.get("orphans")))
            except (StoreError, TypeError, ValueError, AttributeError):
                continue  # merge names the unreadable files
        if count:
            self.notices.append(
                f"{count} labels in fallback store {fallback}; run "
                f"`claimscope merge {self.corpus_root} {fallback}` to bring them in"
            )

    def _merged(self) -> dict[str, str]:
        """Store folders merged into this one: path -> their fingerprint when merged."""
        try:
            meta = read_json(self.path / STORE_META)
        except StoreError:
            return {}
        merged = meta.get("merged_stores") if isinstance(meta, dict) else None
        return merged if isinstance(merged, dict) else {}

    def remember_merge(self, source: Path) -> None:
        """Record that ``source`` was merged as it is now (silences the fallback notice)."""
        self.check_writable()
        meta_path = self.path / STORE_META
        meta = read_json(meta_path) if meta_path.exists() else {}
        merged = self._merged()
        fingerprint = store_fingerprint(source)
        if fingerprint is None or merged.get(str(source)) == fingerprint:
            return
        merged[str(source)] = fingerprint
        meta["merged_stores"] = merged
        atomic_write_text(meta_path, dump_json(meta))

    def describe(self) -> str:
        """One line naming the store and, when it cannot be written, why.

        ``store: /c/.claimscope (read-only: read-only file system)``; every command prints it.
        """
        why = self.unwritable or (None if self._asked_read_only else self.read_only_reason)
        line = f"store: {self.path}"
        if self.fallback:
            line += " (fallback: the corpus folder cannot be written)"
        return line + (f" (read-only: {why})" if why else "")

    def _prepare(self) -> None:
        """Check the schema (migrating when writable), tidy temp files, read the index."""
        meta_path = self.path / STORE_META
        schema = STORE_SCHEMA
        legacy = self._legacy_files()
        if meta_path.exists():
            try:
                meta = read_json(meta_path)
            except CorruptStoreFileError as error:
                self._make_read_only(f"{error}; the store opened read-only")
                return
            value = meta.get("schema", 0) if isinstance(meta, dict) else None
            if not isinstance(value, int) or value < 0:
                self._make_read_only(
                    f"store file {meta_path} has no valid schema number; it was left untouched "
                    "and the store opened read-only: repair it"
                )
                return
            schema = value
        elif legacy:
            schema = 0  # files from before store.json existed
        if schema > STORE_SCHEMA:
            self._make_read_only(
                f"store {self.path} was written by a newer claimscope (schema {schema}, this one "
                f"knows {STORE_SCHEMA}); opened read-only: upgrade claimscope"
            )
            return
        if not self.read_only:
            self._remove_temp_files()
            if schema < STORE_SCHEMA or legacy:
                self._migrate(schema, legacy)
            elif not meta_path.exists():
                self._write_store_meta()
        if self.read_only and self._legacy_files():
            self.shard = self.path  # not migrated (read-only): read the old layout as it is
        self._load_index()

    def _legacy_files(self) -> list[Path]:
        """Article files of the old single-folder layout (``articles/`` beside store.json)."""
        return sorted(f for f in (self.path / ARTICLES_DIR).glob("*.json") if not f.name.startswith("."))

    def _write_store_meta(self) -> None:
        data = {
            "app": "claimscope",
            "corpus": str(self.corpus_root) if self.corpus_root else None,
            "created": utc_now(),
            "schema": STORE_SCHEMA,
        }
        atomic_write_text(self.path / STORE_META, dump_json(data))

    def _migrate(self, schema: int, legacy: list[Path]) -> None:
        """Back up the store, then move every old-layout article file into the shards of
        its records' annotators (migrating the file's schema on the way).

        Runs under a lock on the store folder itself, the lock older claimscopes take:
        while one of them (or another migration) holds it, this store opens read-only.
        """
        try:
            guard = lockfile.acquire(self.path)
        except (lockfile.Locked, OSError):
            self._make_read_only(
                f"store {self.path} is in use by an older claimscope or being migrated; opened "
                "read-only (close the other claimscope and reopen)"
            )
            return
        try:
            self._migrate_files(schema, legacy)
        finally:
            guard.release()

    def _migrate_files(self, schema: int, legacy: list[Path]) -> None:
        stamp = utc_now().replace(":", "").replace(".", "")
        backup = self.path / BACKUPS_DIR / f"schema-{schema}-{stamp}"
        backup.mkdir(parents=True, exist_ok=True)
        if (self.path / STORE_META).exists():
            shutil.copy2(self.path / STORE_META, backup / STORE_META)
        if legacy:
            shutil.copytree(self.path / ARTICLES_DIR, backup / ARTICLES_DIR, dirs_exist_ok=True)
        bad: list[str] = []
        for file in legacy:
            try:
                migrated = migrate_article_data(read_json(file), source=str(file))
                name = article_file_name(str(migrated["meta"]["1"]["article_id"]))
                parts = split_by_annotator(migrated)
            except StoreError as error:
                bad.append(f"{error} (kept in {self.path / ARTICLES_DIR})")
                continue
            except (TypeError, ValueError, KeyError, AttributeError):
                bad.append(
                    f"store file {file} does not have the expected tables; it was left in "
                    f"{self.path / ARTICLES_DIR}: repair it, then reopen"
                )
                continue
            for annotator, part in parts.items():
                folder = self.path / ANNOTATORS_DIR / shard_folder_name(annotator) / ARTICLES_DIR
                folder.mkdir(parents=True, exist_ok=True)
                _name_shard(folder.parent, annotator)
                atomic_write_text(folder / name, dump_json(part))
            file.unlink()  # every shard file is durable first; a crash here re-runs this
        try:
            (self.path / INDEX_FILE).unlink()  # the old layout's cache
        except OSError:
            pass
        # store.json last: a crash before here re-runs the (idempotent) migration.
        meta_path = self.path / STORE_META
        meta: dict[str, Any] = {}
        if meta_path.exists():
            meta = read_json(meta_path)
        if schema < STORE_SCHEMA:
            meta.update(
                {
                    "app": "claimscope",
                    "schema": STORE_SCHEMA,
                    "migrated": {"from": schema, "at": utc_now(), "backup": str(backup)},
                }
            )
        meta.setdefault("created", utc_now())
        meta.setdefault("corpus", str(self.corpus_root) if self.corpus_root else None)
        atomic_write_text(meta_path, dump_json(meta))
        if schema < STORE_SCHEMA:
            self.notices.append(
                f"migrated store from schema {schema} to {STORE_SCHEMA} (one folder per "
                f"annotator); backup in {backup}"
            )
        self.notices.extend(bad)
        if not bad:
            try:
                (self.path / ARTICLES_DIR).rmdir()
            except OSError:
                pass

    def _remove_temp_files(self) -> None:
        """Temp files left by a writer killed mid-write (the real files are intact)."""
        for folder in (self.path, self.shard, self._article_dir()):
            for tmp in folder.glob(".*.tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass

    def _make_read_only(self, reason: str) -> None:
        self.read_only_reason = reason
        self._asked_read_only = False
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # ------------------------------------------------------------ properties

    @property
    def read_only(self) -> bool:
        """True when changes are refused (see :attr:`read_only_reason`)."""
        return self.read_only_reason is not None

    def _article_dir(self) -> Path:
        return self.shard / ARTICLES_DIR

    def file_for(self, article_id: str) -> Path:
        """The file that holds (or will hold) an article's annotations."""
        return self._article_dir() / article_file_name(article_id)

    def check_writable(self) -> None:
        """Raise :class:`ReadOnlyStoreError` when the store is read-only."""
        if self.read_only:
            raise ReadOnlyStoreError(f"cannot save: {self.read_only_reason}")
        if self._closed:  # e.g. closed by a hang-up signal: its lock is gone
            raise ReadOnlyStoreError(f"cannot save: store {self.path} is closed")

    # -------------------------------------------------------------- articles

    def article(self, article: Article, sentences: Sequence[Segment]) -> ArticleAnnotations:
        """The annotations of ``article``, re-anchored to ``sentences``.

        The same object is returned again while the article text and sentences are
        unchanged, so undo/redo act on the instance the caller holds.
        """
        cached = self._docs.get(article.id)
        sentences = tuple(sentences)
        # A read-only store re-reads the file: the writing process may have changed it.
        if (
            cached is not None
            and not self.read_only
            and cached.text == article.text
            and cached.base_sentences == sentences
        ):
            return cached
        if cached is not None:
            self.flush()  # the old document's queued writes land before the new one reads the file
        doc = ArticleAnnotations(self, article, sentences)
        if not self.read_only:  # kept for undo/redo; a read-only store has neither
            self._docs[article.id] = doc
            self._note_summary(doc)
        return doc

    # --------------------------------------------------------------- closing

    def close(self) -> None:
        """Write the index and release the lock. Safe to call twice."""
        if self._closed:
            return
        try:
            self._stop_writer()  # no queued label is lost: each is durable before the lock goes
        finally:
            self._closed = True
        try:
            if self._lock is not None:
                self._save_index()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

