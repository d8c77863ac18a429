"""The annotation store: one TinyDB JSON file per article, a small index, one writer.

Layout of a store folder (default ``<corpus>/.claimscope``)::

    store.json            schema version, corpus path, creation time
    annotators/<name>/    one shard per annotator (``_gold``: adjudicated labels)
        index.json        per-article summaries (a cache, rebuilt from the files)
        lock              pid + host + start time of the process writing this shard
        articles/<slug>-<hash>.json   one TinyDB file per annotated article
    backups/              copies made before a schema migration

A :class:`Store` writes its annotator's shard only, under that shard's lock, so two
annotators work on one corpus at once; :meth:`Store.shards` gives every reader
(stats, export, agreement, merge) read-only views of the others.

Saving a label rewrites only that article's small file (atomically, fsynced; see
``storage.py``), so a keypress costs the same with 10 or 100,000 labels stored.
The index is only a cache of per-article counts: it is written on ``close()``, and
any file newer than its index entry is re-read, so a stale index is harmless.

Article file tables (TinyDB JSON, ids as strings):

- ``meta``  ``{"1": {schema, article_id, article_hash, title, sentences}}``
- ``labels`` one :class:`SentenceLabel` per sentence, doc id = sentence index + 1
- ``orphans`` labels that no longer fit any sentence (kept, reported)
- ``spans`` :class:`SpanCorrection` records
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from urllib.parse import quote, unquote
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from tinydb import TinyDB
from tinydb.table import Document

from corpus.model import Article, Segment, Span, kind_of

from annotations import lock as lockfile
from annotations.anchoring import anchor_labels, anchor_spans
from annotations.boundaries import (
    BoundaryCorrection,
    BoundaryState,
    anchor_boundaries,
    apply_boundaries,
    countable,
    merged_state,
    split_state,
)
from annotations.errors import (
    CorruptStoreFileError,
    ReadOnlyStoreError,
    StoreError,
)
from annotations.migrations import (
    CURRENT_SCHEMA,
    STORE_SCHEMA,
    file_schema,
    migrate_article_data,
    split_by_annotator,
)
from annotations.model import ArticleSummary, Change, SentenceLabel, SpanCorrection, utc_now
from annotations.scheme import Scheme, default_scheme
from annotations.storage import JSON_ERRORS, AtomicJSONStorage, atomic_write_text, dump_json, read_json

STORE_DIR_NAME = ".claimscope"
STORE_META = "store.json"
INDEX_FILE = "index.json"
ARTICLES_DIR = "articles"
BACKUPS_DIR = "backups"
ANNOTATORS_DIR = "annotators"
#: the shard holding adjudicated (gold) labels; each record's ``annotator`` is who decided
GOLD_SHARD = "_gold"


#: longest shard folder name kept whole; longer ones become a prefix plus a hash (the
#: percent-encoding of a 64-character non-ASCII name is over the 255-byte name limit)
MAX_SHARD_NAME = 100
#: in a shard folder: the annotator's name as given (``{"annotator": ...}``)
SHARD_META = "annotator.json"


def shard_folder_name(annotator: str) -> str:
    """The folder of an annotator's shard: the name percent-encoded, so any name maps to
    one safe folder and back (:func:`annotator_of_folder`); a leading ``.`` or ``_`` is
    encoded too, keeping hidden names and ``_gold`` for the store. A name longer than
    :data:`MAX_SHARD_NAME` encoded is cut (never inside an escape) and a hash added; the
    shard's ``annotator.json`` then names its annotator."""
    name = _encoded(annotator)
    if len(name) > MAX_SHARD_NAME:
        digest = hashlib.sha256(annotator.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        head = ""  # whole characters, so the prefix stays readable
        for char in annotator:
            if len(_encoded(head + char)) > 60:
                break
            head += char
        name = f"{_encoded(head)}~{digest}"
    return name


def _encoded(annotator: str) -> str:
    name = quote(annotator, safe="") or "%00"
    if name[0] in "._":
        name = f"%{ord(name[0]):02X}{name[1:]}"
    return name


def annotator_of_folder(folder: str | Path, problems: list[str] | None = None) -> str:
    """The annotator whose shard is ``folder`` (see :func:`shard_folder_name`): a folder
    path's ``annotator.json`` when it has one, else its name decoded.

    An ``annotator.json`` that cannot be used is left as it is and named in ``problems``."""
    decoded = Path(folder).name if isinstance(folder, Path) else folder
    decoded = "" if decoded == "%00" else unquote(decoded)
    if not isinstance(folder, Path):
        return decoded
    meta = folder / SHARD_META
    if not meta.exists():
        return decoded
    try:
        name = read_json(meta).get("annotator")
        why = f"store file {meta} does not name its annotator"
    except StoreError as error:  # not JSON, nested too deeply, unreadable
        name, why = None, str(error)
    except AttributeError:
        name, why = None, f"store file {meta} does not hold a JSON object"
    if isinstance(name, str):
        return name
    if problems is not None:
        problems.append(f"{why}; the shard's annotator is taken from its folder name ({decoded!r})")
    return decoded


def check_annotator(annotator: str) -> str:
    """``annotator`` when it can name a shard; raises :class:`StoreError` (one line) when
    it is empty or only spaces."""
    if not annotator.strip():
        raise StoreError(
            f"annotator name {annotator!r} is blank; give a name with --annotator NAME "
            "or $CLAIMSCOPE_ANNOTATOR"
        )
    return annotator


def article_files(store_dir: Path) -> list[Path]:
    """Every article file of a store folder, old layout (``articles/``) and shards alike."""
    store_dir = Path(store_dir)
    files = list((store_dir / ARTICLES_DIR).glob("*.json"))
    files.extend(store_dir.glob(f"{ANNOTATORS_DIR}/*/{ARTICLES_DIR}/*.json"))
    return sorted(f for f in files if not f.name.startswith("."))


def default_store_dir(corpus_root: Path) -> Path:
    """``<corpus>/.claimscope``, or a per-corpus data folder when that cannot be used.

    An existing store with labels is always used where it is, even when it cannot be
    written (it then opens read-only, saying why): swapping it for an empty one would
    hide its labels. The data folder (``$CLAIMSCOPE_DATA_DIR`` or platformdirs'
    ``user_data_dir("claimscope")``, then ``stores/<basename>-<hash of the path>``)
    is only for a corpus with no store yet whose folder cannot be written, and for
    the bundled sample.
    """
    folder = corpus_folder(corpus_root)
    local = folder / STORE_DIR_NAME
    if _is_bundled_sample(folder):
        return data_store_dir(folder)  # never write inside the installed package
    if local.is_dir():
        if _has_data(local) or unwritable_reason(local) is None:
            return local
    elif unwritable_reason(folder) is None:
        return local
    return data_store_dir(folder)


def corpus_folder(corpus_root: Path) -> Path:
    """The folder a corpus's store belongs to (the parent of a one-file corpus)."""
    root = Path(corpus_root).expanduser().resolve()
    return root if root.is_dir() else root.parent


def unwritable_reason(folder: Path) -> str | None:
    """Why ``folder`` cannot be written (``read-only file system``, ...), None when it can."""
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except (OSError, AttributeError):  # no statvfs on Windows
        pass
    return "no permission to write there" if folder.exists() else "folder missing"


def _has_data(store_dir: Path) -> bool:
    """True when a store folder holds a store (its meta file or any article file)."""
    return (store_dir / STORE_META).exists() or bool(article_files(store_dir))


def store_fingerprint(store_dir: Path) -> str | None:
    """A digest of the names, sizes and times of a store's article files (None: no files).

    Cheap (no file is read): it tells whether a fallback store changed since it was merged.
    """
    try:
        entries = [
            # Old-layout files by name alone, as before shards: merged stores stay merged.
            (f.name if f.parent.parent == Path(store_dir) else str(f.relative_to(store_dir)),
             st.st_size, st.st_mtime_ns)
            for f in article_files(Path(store_dir))
            for st in (f.stat(),)
        ]
    except OSError:
        return None
    if not entries:
        return None
    return hashlib.sha256(repr(entries).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _is_bundled_sample(folder: Path) -> bool:
    try:
        from corpus.articles import sample_corpus_path

        return folder == sample_corpus_path().resolve()
    except (ImportError, OSError):  # pragma: no cover
        return False


def data_store_dir(folder: Path) -> Path:
    """The per-corpus store folder inside the user data directory."""
    env = os.environ.get("CLAIMSCOPE_DATA_DIR")
    if env:
        base = Path(env)
    else:
        from platformdirs import user_data_dir

        base = Path(user_data_dir("claimscope"))
    digest = hashlib.sha256(str(folder).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    name = _slug(folder.name) or "corpus"
    return base / "stores" / f"{name}-{digest}"


def article_file_name(article_id: str) -> str:
    """A safe, stable file name for an article id: readable slug plus a short hash."""
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    slug = _slug(article_id)[:60].strip("-") or "article"
    return f"{slug}-{digest}.json"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """Everything stored for one article, read straight from its file."""

    article_id: str
    title: str
    article_hash: str
    total: int
    labels: tuple[SentenceLabel, ...]
    orphans: tuple[SentenceLabel, ...]
    spans: tuple[SpanCorrection, ...]
    path: Path
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PlacedLabels:
    """An article's stored labels placed on its current sentences, for reading (export).

    ``records`` maps sentence index -> the label's stored fields, as in the
    ``labels`` table of the article file (``label``, ``annotator``, ``checkworthy``,
    ``note``, ``updated``, ...; see docs/store.md). They are plain dicts because
    export reads 100,000 of them and builds its own rows. ``corrections`` are the
    placed span corrections by ``(start, end)``; ``orphans`` counts labels that fit
    no sentence; ``error`` says why the file could not be read (then nothing else is set).
    ``sentences`` is the corrected sentence list (``annotations/boundaries.py``) the
    indices refer to, None when it is the one given.
    """

    records: dict[int, dict[str, Any]]
    corrections: dict[tuple[int, int], SpanCorrection]
    orphans: int = 0
    error: str | None = None
    sentences: tuple[Segment, ...] | None = None

    def spans(self, model_spans: Sequence[Span]) -> tuple[Span, ...]:
        """``model_spans`` with the corrections applied (see :func:`apply_corrections`)."""
        return apply_corrections(model_spans, self.corrections)


def apply_corrections(
    model_spans: Sequence[Span], corrections: dict[tuple[int, int], SpanCorrection]
) -> tuple[Span, ...]:
    """``model_spans`` with span ``corrections`` applied, sorted by position.

    A correction owns its exact ``(start, end)`` range: ``remove`` drops the model
    span there, ``add``/``relabel`` put a span with the corrected label there.
    """
    if not corrections:
        return tuple(model_spans)
    out = [s for s in model_spans if (s.start, s.end) not in corrections]
    out.extend(
        Span(c.start, c.end, c.label, kind_of(c.label))
        for c in corrections.values()
        if c.action != "remove"
    )
    out.sort(key=lambda s: (s.start, -s.end))
    return tuple(out)


# Fields every stored label has; a record without them takes the slow, checking path.
_LABEL_KEYS = frozenset(("article_id", "sentence_index", "start", "end", "text", "label"))


class Store:
    """Labels of one corpus; see the module docstring for the layout.

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
                count += len(_docs_of(data.get("labels"))) + len(_docs_of(data.get("orphans")))
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

    def shards(self, *, gold: bool = False) -> list[Store]:
        """Every annotator's labels: this store for its own shard and a read-only view of
        each other annotator's, sorted by annotator (``gold=True``: the gold shard's view
        too, last). A store of the old layout, not migrated, is one shard: itself."""
        if self.shard == self.path:
            return [self]
        views: dict[str, Store] = {}
        own = None if self.shard.name == GOLD_SHARD else self.annotator
        folder = self.path / ANNOTATORS_DIR
        names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        for name in names:
            if name == GOLD_SHARD:
                continue
            problems: list[str] = []
            annotator = annotator_of_folder(folder / name, problems)
            self.notices.extend(p for p in problems if p not in self.notices)
            views[annotator] = self if annotator == own else self._view(annotator, folder / name)
        if own is not None and own not in views and self._article_dir().is_dir():
            views[own] = self
        out = [views[k] for k in sorted(views)]
        if gold:
            out.append(self if own is None else self._view(self.annotator, folder / GOLD_SHARD))
        return out

    def others_labels(
        self, article: Article, sentences: Sequence[Segment]
    ) -> dict[int, list[SentenceLabel]]:
        """Sentence index -> the other annotators' labels of it (by annotator), read-only:
        for showing a colleague's labels beside one's own (side panel, review mode)."""
        out: dict[int, list[SentenceLabel]] = {}
        for shard in self.shards():
            if shard is self or not shard.file_for(article.id).exists():
                continue
            for index, record in sorted(shard.article(article, sentences).labels.items()):
                if record.label is not None:
                    out.setdefault(index, []).append(replace(record, annotator=shard.annotator))
        return out

    def gold(self) -> Store:
        """A read-only view of the gold shard (adjudicated labels)."""
        if self.shard.name == GOLD_SHARD:
            return self
        return self._view(self.annotator, self.path / ANNOTATORS_DIR / GOLD_SHARD)

    def _view(self, annotator: str, shard: Path) -> Store:
        view = Store(
            self.path,
            annotator=annotator,
            scheme=self.scheme,
            corpus_root=self.corpus_root,
            lock=None,
            read_only_reason=f"{shard} is another annotator's shard (read-only here)",
            asked_read_only=True,
            shard=shard,
        )
        view._load_index()
        self.notices.extend(n for n in view.notices if n not in self.notices)  # an unreadable index, named
        return view

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
        doc = ArticleAnnotations(self, article, sentences)
        if not self.read_only:  # kept for undo/redo; a read-only store has neither
            self._docs[article.id] = doc
            self._note_summary(doc)
        return doc

    def undo(self) -> Change | None:
        """Undo the last step of this session; returns its first change (None when nothing
        is left). A step made in one `batch()` is undone whole, in one write; all of its
        changes are in `last_step`."""
        if not self._undo:
            return None
        self.check_writable()
        step = self._undo[-1]
        self._apply_step(step, undo=True)  # may raise (e.g. the file became unreadable)
        self._redo.append(self._undo.pop())
        self.last_step = step
        return step[0]

    def redo(self) -> Change | None:
        """Redo the last undone step; returns its first change (None when nothing is left)."""
        if not self._redo:
            return None
        self.check_writable()
        step = self._redo[-1]
        self._apply_step(step, undo=False)
        self._undo.append(self._redo.pop())
        self.last_step = step
        return step[0]

    def _apply_step(self, step: tuple[Change, ...], *, undo: bool) -> None:
        if len(step) == 1:
            self._apply(step[0], step[0].before if undo else step[0].after)
            return
        doc = self._docs[step[0].article_id]  # a batch is one article's
        with doc.batch():
            for change in reversed(step) if undo else step:
                self._apply(change, change.before if undo else change.after)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def _apply(self, change: Change, record: SentenceLabel | SpanCorrection | None) -> None:
        doc = self._docs.get(change.article_id)
        if doc is None:  # pragma: no cover - docs are kept for the whole session
            raise StoreError(f"article {change.article_id} is no longer open; cannot undo")
        if change.field == "span":
            assert change.span is not None
            doc._put_span(change.span, record if isinstance(record, SpanCorrection) else None)
        elif isinstance(record, BoundaryState):
            doc._put_boundaries(record)
        else:
            assert change.sentence_index is not None
            doc._put_label(
                change.sentence_index, record if isinstance(record, SentenceLabel) else None
            )

    def _record(self, change: Change) -> None:
        self._undo.append((change,))
        self._redo.clear()

    # --------------------------------------------------------------- reading

    def placed_labels(self, article: Article, sentences: Sequence[Segment]) -> PlacedLabels:
        """The labels of ``article`` placed on ``sentences``, read from disk; never writes.

        The same placement as :meth:`article` gives. The file is parsed with a plain
        ``json.loads``, and when every record still sits on its sentence (the usual
        case: the article has not changed) the records are used as they are, without
        building a :class:`SentenceLabel` per label: exporting 100,000 labels spends
        its time on the formats, not here. Anything else (a changed article, orphans,
        an old schema, an unreadable file) goes through :meth:`article`.
        """
        path = self.file_for(article.id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return PlacedLabels({}, {})
        except OSError:
            raw = None  # the slow path words the error
        if raw is not None:
            try:
                data = json.loads(raw.decode("utf-8"))
            except JSON_ERRORS:  # the slow path names the file
                data = None
            if data is not None:
                placed = _place_unchanged(data, article.text, article.hash, sentences)
                if placed is not None:
                    return placed
        doc = self.article(article, sentences)
        if doc.error is not None:
            return PlacedLabels({}, {}, 0, doc.error)
        return PlacedLabels(
            {i: r.to_json() for i, r in sorted(doc.labels.items())},
            dict(doc._spans),
            len(doc.orphans),
            sentences=None if doc.sentences == tuple(sentences) else doc.sentences,
        )

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
        folder = self._article_dir()
        names: set[str] = set()
        if not folder.is_dir():
            return names
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
                    # Changed since the index was written: read this one file now (an
                    # unreadable one holds nothing to export).
                    cached = self._index_entry(Path(entry.path), st)
                    self._index_entries[entry.name] = cached
                    self._index_dirty = True
                counts = cached.get("counts") or {}
                who = cached.get("annotators") or {}
                if (counts if label is None else counts.get(label)) and (
                    annotator is None or who.get(annotator)
                ):
                    names.add(entry.name)
        return names

    def stored_articles(self) -> Iterator[StoredArticle]:
        """Every article file of the store, read as it is on disk (migrated in memory)."""
        folder = self._article_dir()
        if not folder.is_dir():
            return
        for file in sorted(folder.glob("*.json")):
            yield self._read_stored(file)

    def _read_stored(self, file: Path) -> StoredArticle:
        try:
            data = migrate_article_data(read_json(file), source=str(file))
            meta = _first(data.get("meta"))
            labels = tuple(
                SentenceLabel.from_json(d) for d in _docs_of(data.get("labels"))
            )
            orphans = tuple(SentenceLabel.from_json(d) for d in _docs_of(data.get("orphans")))
            spans = tuple(SpanCorrection.from_json(d) for d in _docs_of(data.get("spans")))
            total = int(meta.get("sentences", 0) or 0)
            # headings and captions count toward progress only once labelled
            total -= len(set(meta.get("non_sentences") or ()) - {r.sentence_index for r in labels if r.reviewed})
        except StoreError as error:
            return StoredArticle(file.stem, "", "", 0, (), (), (), file, str(error))
        except (TypeError, ValueError, KeyError, AttributeError):
            message = (
                f"store file {file} does not have the expected tables; it was left untouched: "
                "repair it or move it away, then reopen"
            )
            return StoredArticle(file.stem, "", "", 0, (), (), (), file, message)
        return StoredArticle(
            str(meta.get("article_id", file.stem)),
            str(meta.get("title", "")),
            str(meta.get("article_hash", "")),
            total,
            tuple(sorted(labels, key=lambda r: r.sentence_index)),
            orphans,
            spans,
            file,
        )

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
        folder = self._article_dir()
        seen: set[str] = set()
        if folder.is_dir():
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.name.endswith(".json") or entry.name.startswith("."):
                        continue
                    seen.add(entry.name)
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
                    summary = self._summary_from_entry(cached)
                    result[summary.article_id] = summary
        for name in list(self._index_entries):
            if name not in seen:
                del self._index_entries[name]
                self._index_dirty = True
        return result

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

    # --------------------------------------------------------------- closing

    def close(self) -> None:
        """Write the index and release the lock. Safe to call twice."""
        if self._closed:
            return
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


def _name_shard(shard: Path, annotator: str) -> None:
    """Write the shard's ``annotator.json`` once (its folder name may be cut, see
    :func:`shard_folder_name`); a failure only leaves the folder name to go by."""
    meta = shard / SHARD_META
    if not meta.exists():
        try:
            atomic_write_text(meta, dump_json({"annotator": annotator}))
        except OSError:
            pass


class ShardWriters:
    """Writable shards of one store, each opened (and locked) once, for writing records
    into the shard of their annotator (merge, import); close them with :meth:`close`.

    :meth:`get` gives None for a shard that cannot be written now (another process
    holds its lock) and keeps the one-line reason in :attr:`refused`.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        own = (store.shard.name == GOLD_SHARD, "" if store.shard.name == GOLD_SHARD else store.annotator)
        self._open: dict[tuple[bool, str], Store | None] = {own: store}
        #: what could not be opened -> why (``labels by 'bob'``, ``gold labels``)
        self.refused: dict[str, str] = {}

    def get(self, annotator: str, *, gold: bool = False) -> Store | None:
        """The writable shard of ``annotator`` (``gold``: the gold shard), or None."""
        key = (gold, "" if gold else annotator)
        if key not in self._open:
            store = self.store
            what = "gold labels" if gold else f"labels by {annotator!r}"
            try:
                writer: Store | None = Store.open(
                    store.corpus_root, annotator=store.annotator if gold else annotator,
                    scheme=store.scheme, store_dir=store.path, gold=gold,
                )
            except StoreError as error:
                self.refused[what] = str(error)
                writer = None
            else:
                if writer.read_only:
                    self.refused[what] = str(writer.read_only_reason)
                    writer.close()
                    writer = None
            self._open[key] = writer
        return self._open[key]

    def close(self) -> None:
        """Close every shard opened here (never the store it was made from)."""
        for writer in self._open.values():
            if writer is not None and writer is not self.store:
                writer.close()

    def __enter__(self) -> ShardWriters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


def _docs_of(table: Any) -> list[dict[str, Any]]:
    """The documents of a TinyDB table dict in doc-id order."""
    if not table:
        return []
    if not isinstance(table, dict):
        raise TypeError("table is not an object")
    return [table[k] for k in sorted(table, key=lambda k: int(k))]


def _place_unchanged(
    data: Any, text: str, article_hash: str, sentences: Sequence[Segment]
) -> PlacedLabels | None:
    """The file's labels and corrections when all still fit where they were saved, else None.

    "Fit" is what the first pass of :func:`~annotations.anchoring.anchor_labels` and
    :func:`~annotations.anchoring.anchor_spans` accept without moving anything, so
    the result equals theirs; None sends the caller to the full re-anchoring.
    """
    if not isinstance(data, dict) or file_schema(data) != CURRENT_SCHEMA or data.get("orphans") or data.get("boundaries"):
        return None
    labels = data.get("labels") or {}
    spans = data.get("spans") or {}
    if not isinstance(labels, dict) or not isinstance(spans, dict):
        return None
    count = len(sentences)
    records: dict[int, dict[str, Any]] = {}
    for record in labels.values():
        if type(record) is not dict or not _LABEL_KEYS <= record.keys() or record.get("orphan"):
            return None
        i = record["sentence_index"]
        if type(i) is not int or not 0 <= i < count or i in records:
            return None
        seg = sentences[i]
        if (
            record["start"] != seg.start
            or record["end"] != seg.end
            or record.get("article_hash") != article_hash
            or record["text"] != text[seg.start : seg.end]
        ):
            return None
        records[i] = record
    corrections: dict[tuple[int, int], SpanCorrection] = {}
    for record in spans.values():
        try:
            c = SpanCorrection.from_json(record)
        except (TypeError, AttributeError):
            return None
        key = (c.start, c.end)
        if c.orphan or key in corrections or c.article_hash != article_hash:
            return None
        if type(c.start) is not int or type(c.end) is not int or text[c.start : c.end] != c.text:
            return None
        corrections[key] = c
    return PlacedLabels(records, corrections)


def _first(table: Any) -> dict[str, Any]:
    docs = _docs_of(table)
    return docs[0] if docs else {}


class ArticleAnnotations:
    """The labels and span corrections of one article, re-anchored to its sentences.

    ``labels`` maps sentence index -> :class:`SentenceLabel`; ``orphans`` lists
    labels whose sentence is gone. Each setter returns once the change is durable
    on disk and is recorded for undo. When the article's store file cannot be
    read, ``error`` says why and the article is read-only.
    """

    def __init__(self, store: Store, article: Article, sentences: tuple[Segment, ...]) -> None:
        self._store = store
        self.article_id = article.id
        self.title = article.title
        self.text = article.text
        self.article_hash = article.hash
        self.base_sentences = sentences  # the model's; `sentences` has the boundary corrections
        self.sentences = sentences
        self.boundaries: dict[int, BoundaryCorrection] = {}  # by cut (annotations/boundaries.py)
        self.boundary_orphans: list[BoundaryCorrection] = []
        self.path = store.file_for(article.id)
        self.error: str | None = None
        self.labels: dict[int, SentenceLabel] = {}
        self.orphans: list[SentenceLabel] = []
        self._spans: dict[tuple[int, int], SpanCorrection] = {}
        self.span_orphans: list[SpanCorrection] = []
        self._db: TinyDB | None = None
        self._batch_depth = 0
        self._batch_dirty = False
        self._load()

    # ---------------------------------------------------------------- loading

    def _load(self) -> None:
        storage_read_only = self._store.read_only
        data: dict[str, Any] = {}
        if self.path.exists():
            try:
                raw = read_json(self.path)
                data = migrate_article_data(raw, source=str(self.path))
                labels = [SentenceLabel.from_json(d) for d in _docs_of(data.get("labels"))]
                orphans = [SentenceLabel.from_json(d) for d in _docs_of(data.get("orphans"))]
                spans = [SpanCorrection.from_json(d) for d in _docs_of(data.get("spans"))]
                bounds = [BoundaryCorrection.from_json(d) for d in _docs_of(data.get("boundaries"))]
                meta = _first(data.get("meta"))
            except StoreError as error:
                self.error = str(error)
                return
            except (TypeError, ValueError, KeyError, AttributeError):
                self.error = (
                    f"store file {self.path} does not have the expected tables; it was left "
                    "untouched: repair it or move it away, then reopen"
                )
                return
        else:
            labels, orphans, spans, bounds, meta = [], [], [], [], {}
            raw = None
        # Boundary corrections first: labels are placed on the corrected sentences.
        self.boundaries, self.boundary_orphans, bounds_changed = anchor_boundaries(
            bounds, self.text, self.article_hash
        )
        self.sentences = apply_boundaries(self.base_sentences, self.boundaries.values())
        placed, lost, labels_changed = anchor_labels(
            labels + orphans, self.text, self.sentences, self.article_hash
        )
        anchored_spans, spans_changed = anchor_spans(spans, self.text, self.article_hash)
        self.labels = placed
        self.orphans = lost
        for c in anchored_spans:
            key = (c.start, c.end)
            if c.orphan or key in self._spans:
                self.span_orphans.append(c if c.orphan else replace(c, orphan=True))
            else:
                self._spans[key] = c
        new_meta = self._counted(
            {
                "article_hash": self.article_hash,
                "article_id": self.article_id,
                "schema": CURRENT_SCHEMA,
                "title": self.title,
            }
        )
        needs_rewrite = raw is not None and (
            labels_changed or spans_changed or bounds_changed or data is not raw or meta != new_meta
        )
        self._meta = new_meta
        if not storage_read_only:
            self._db = TinyDB(self.path, storage=AtomicJSONStorage)
            if needs_rewrite:
                # One atomic write with everything re-anchored (never a drop-then-insert).
                try:
                    self._write_full()
                except StoreError as error:
                    # The old file stays; the same re-anchoring runs again next time.
                    self._store.notices.append(f"{self.article_id}: re-anchored labels {error}")
                if lost and len(lost) != len(orphans):
                    self._store.notices.append(
                        f"{self.article_id}: {len(lost)} label(s) could not be re-anchored and are kept as orphans"
                    )

    def _full_data(self) -> dict[str, dict[str, Any]]:
        spans = list(self._spans.values()) + self.span_orphans
        return {
            "labels": {str(i + 1): r.to_json() for i, r in sorted(self.labels.items())},
            "meta": {"1": dict(self._meta)},
            "orphans": {str(n + 1): r.to_json() for n, r in enumerate(self.orphans)},
            "spans": {str(n + 1): c.to_json() for n, c in enumerate(spans)},
            **self._boundary_table(),
        }

    def _counted(self, meta: dict[str, Any]) -> dict[str, Any]:
        """``meta`` with the sentence count and, when there are any, the indices of the
        non-sentences (headings, captions: progress leaves them out unless labelled)."""
        meta = {k: v for k, v in meta.items() if k != "non_sentences"}
        meta["sentences"] = len(self.sentences)
        skipped = [i for i, s in enumerate(self.sentences) if s.non_sentence]
        if skipped:
            meta["non_sentences"] = skipped
        return meta

    def _boundary_table(self) -> dict[str, dict[str, Any]]:
        """The ``boundaries`` table, left out of files that have none (they stay as they were)."""
        bounds = [self.boundaries[k] for k in sorted(self.boundaries)] + self.boundary_orphans
        return {"boundaries": {str(n + 1): b.to_json() for n, b in enumerate(bounds)}} if bounds else {}

    # -------------------------------------------------------------- queries

    @property
    def read_only(self) -> bool:
        """True when this article cannot be changed (store read-only or file unreadable)."""
        return self._store.read_only or self.error is not None

    @property
    def span_corrections(self) -> tuple[SpanCorrection, ...]:
        """The placed span corrections, by position."""
        return tuple(self._spans[k] for k in sorted(self._spans))

    def label_of(self, index: int) -> str | None:
        """The label name of sentence ``index`` (None when unreviewed)."""
        record = self.labels.get(index)
        return record.label if record else None

    def sentence_of(self, offset: int) -> int | None:
        """The index of the sentence holding character ``offset`` (None if outside all)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            seg = self.sentences[mid]
            if offset < seg.start:
                hi = mid
            elif offset >= seg.end:
                lo = mid + 1
            else:
                return mid
        return None

    def spans(self, model_spans: Sequence[Span]) -> tuple[Span, ...]:
        """``model_spans`` with this article's corrections applied, sorted by position.

        A correction owns its exact ``(start, end)`` range: ``remove`` drops the model
        span there, ``add``/``relabel`` put a span with the corrected label there.
        """
        return apply_corrections(model_spans, self._spans)

    def summary(self) -> ArticleSummary:
        """Progress on this article."""
        reviewed = sum(1 for r in self.labels.values() if r.label is not None)
        claims = sum(1 for r in self.labels.values() if self._store.scheme.is_claim(r.label))
        updated = max((r.updated for r in self.labels.values()), default="")
        return ArticleSummary(
            self.article_id,
            self.title,
            reviewed,
            claims,
            countable(self.sentences, [i for i, r in self.labels.items() if r.label is not None]),
            len(self.orphans),
            updated,
            self.error,
        )

    # ------------------------------------------------------------- changes

    # ``annotator`` defaults to the store's annotator; import passes the file's.

    def set_label(
        self, index: int, label: str | None, *, annotator: str | None = None, source: str = ""
    ) -> SentenceLabel | None:
        """Label sentence ``index`` (a scheme label name, or None to clear); returns the record.

        ``source="suggestion"`` records that the label is an accepted suggestion.
        """
        if label is not None:
            self._store.scheme.require(label)
        return self._change_sentence(index, "label", annotator, label=label, source=source if label else "")

    def decide(self, index: int, label: str, decided_from: str) -> SentenceLabel | None:
        """Record the gold ``label`` of sentence ``index`` (in the gold shard), with the
        labels it was decided from (see :attr:`SentenceLabel.decided_from`); undoable."""
        self._store.scheme.require(label)
        return self._change_sentence(index, "label", None, label=label, decided_from=decided_from)

    def set_checkworthy(
        self, index: int, value: bool, *, annotator: str | None = None
    ) -> SentenceLabel | None:
        """Set or clear the checkworthy flag of sentence ``index``."""
        return self._change_sentence(index, "checkworthy", annotator, checkworthy=bool(value))

    def set_note(self, index: int, note: str, *, annotator: str | None = None) -> SentenceLabel | None:
        """Set the free-text note of sentence ``index`` (empty to clear)."""
        return self._change_sentence(index, "note", annotator, note=str(note))

    def add_span(
        self, start: int, end: int, label: str, *, annotator: str | None = None
    ) -> SpanCorrection:
        """Add a span ``text[start:end]`` with ``label`` (replacing any correction there)."""
        return self._change_span(start, end, "add", _check_span_label(label), annotator)

    def remove_span(self, start: int, end: int, *, annotator: str | None = None) -> SpanCorrection:
        """Hide the model's span at exactly ``start:end``."""
        return self._change_span(start, end, "remove", "", annotator)

    def relabel_span(
        self, start: int, end: int, label: str, *, annotator: str | None = None
    ) -> SpanCorrection:
        """Give the span at exactly ``start:end`` a new label."""
        return self._change_span(start, end, "relabel", _check_span_label(label), annotator)

    def _check_writable(self) -> None:
        if self.error is not None:
            raise CorruptStoreFileError(f"cannot save {self.article_id}: {self.error}")
        self._store.check_writable()

    def _change_sentence(
        self, index: int, field: str, annotator: str | None, **values: Any
    ) -> SentenceLabel | None:
        self._check_writable()
        if not isinstance(index, int) or not 0 <= index < len(self.sentences):
            raise StoreError(
                f"sentence {index} does not exist in {self.article_id} "
                f"(it has {len(self.sentences)} sentences)"
            )
        before = self.labels.get(index)
        if before is not None and all(getattr(before, k) == v for k, v in values.items()):
            return before  # nothing changes: no write, no undo step
        if before is None and not any(values.values()):
            return None  # clearing what is not there
        now = utc_now()
        seg = self.sentences[index]
        base = before or SentenceLabel(
            article_id=self.article_id,
            sentence_index=index,
            start=seg.start,
            end=seg.end,
            text=self.text[seg.start : seg.end],
            label=None,
            created=now,
            article_hash=self.article_hash,
        )
        after: SentenceLabel | None = replace(
            base, annotator=annotator or self._store.annotator, updated=now, **values
        )
        assert after is not None
        if after.empty:
            after = None
        self._put_label(index, after)
        self._store._record(Change(self.article_id, index, field, before, after))  # type: ignore[arg-type]
        return after

    def _change_span(
        self, start: int, end: int, action: str, label: str, annotator: str | None = None
    ) -> SpanCorrection:
        self._check_writable()
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text)):
            raise StoreError(
                f"span {start}-{end} is outside {self.article_id} (its text has {len(self.text)} characters)"
            )
        key = (start, end)
        before = self._spans.get(key)
        now = utc_now()
        after = SpanCorrection(
            article_id=self.article_id,
            action=action,  # type: ignore[arg-type]
            start=start,
            end=end,
            label=label,
            text=self.text[start:end],
            annotator=annotator or self._store.annotator,
            created=before.created if before else now,
            updated=now,
            article_hash=self.article_hash,
        )
        if before is not None and (before.action, before.label) == (action, label):
            return before
        self._put_span(key, after)
        self._store._record(
            Change(self.article_id, self.sentence_of(start), "span", before, after, span=key)
        )
        return after

    @contextmanager
    def batch(self) -> Iterator[ArticleAnnotations]:
        """Group many changes into one write at the end (import, bulk edits).

        Inside the block changes are kept in memory only; they become durable when
        the block exits (also on an exception, for the changes made so far).
        """
        self._check_writable()
        store = self._store
        undo_mark, redo_before = len(store._undo), list(store._redo)
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._batch_dirty:
                self._batch_dirty = False
                try:
                    self._write_full()
                except BaseException:
                    # Nothing of the batch reached the disk: show what is there instead,
                    # and forget undo steps for changes that were never saved.
                    del store._undo[undo_mark:]
                    store._redo[:] = redo_before
                    self._reload()
                    raise
                # The batch is one undo step (one `u` takes back a labelled range).
                steps = store._undo[undo_mark:]
                if len(steps) > 1:
                    store._undo[undo_mark:] = [tuple(change for step in steps for change in step)]

    def _reload(self) -> None:
        """Drop the in-memory state and read the article's file again."""
        self.labels, self.orphans, self._spans, self.span_orphans = {}, [], {}, []
        self.error = None
        self._load()
        self._store._note_summary(self)

    # Sentence boundaries (``annotations/boundaries.py``): a merge or split is one
    # undo step that puts the boundaries and every sentence record back in one write.

    def merge_sentences(self, index: int, *, annotator: str | None = None) -> None:
        """Merge sentence ``index`` with the next one (``m``); labels as boundaries.py says."""
        self._check_writable()
        self._change_boundaries(index, merged_state(self, index, annotator or self._store.annotator))

    def split_sentence(self, index: int, at: int, *, annotator: str | None = None) -> None:
        """Split sentence ``index`` before the character offset ``at`` (``S`` in span mode)."""
        self._check_writable()
        self._change_boundaries(index, split_state(self, index, at, annotator or self._store.annotator))

    def _change_boundaries(self, index: int, after: BoundaryState) -> None:
        before = BoundaryState(
            tuple(self.boundaries[k] for k in sorted(self.boundaries)),
            tuple(self.labels[i] for i in sorted(self.labels)),
            tuple(self.orphans),
        )
        self._put_boundaries(after)
        self._store._record(Change(self.article_id, index, "boundary", before, after))

    def _put_boundaries(self, state: BoundaryState) -> None:
        self._check_writable()
        previous = (self.boundaries, self.sentences, self.labels, self.orphans, self._meta)
        self.boundaries = {c.cut: c for c in state.corrections}
        self.sentences = apply_boundaries(self.base_sentences, state.corrections)
        self.labels = {r.sentence_index: r for r in state.labels}
        self.orphans = list(state.orphans)
        self._meta = self._counted(self._meta)
        try:
            if self._batch_depth:
                self._batch_dirty = True
            else:
                self._write_full()
        except BaseException:
            self.boundaries, self.sentences, self.labels, self.orphans, self._meta = previous
            raise
        self._store._note_summary(self)

    # Merging (``annotations/merge.py``): records keep their annotator and times, and
    # are not undo steps. Use inside ``batch()``.

    def keep_label(self, index: int, record: SentenceLabel) -> SentenceLabel:
        """Put ``record`` (from another store) on sentence ``index`` as it is."""
        self._check_writable()
        seg = self.sentences[index]
        record = replace(
            record,
            article_id=self.article_id,
            sentence_index=index,
            start=seg.start,
            end=seg.end,
            text=self.text[seg.start : seg.end],
            article_hash=self.article_hash,
            orphan=False,
        )
        self._put_label(index, record)
        return record

    def keep_orphan(self, record: SentenceLabel | SpanCorrection) -> None:
        """Keep a label or span correction (from another store) that fits nowhere here."""
        self._check_writable()
        record = replace(record, article_id=self.article_id, orphan=True)
        kept: list[Any] = self.orphans if isinstance(record, SentenceLabel) else self.span_orphans
        kept.append(record)
        if self._batch_depth:
            self._batch_dirty = True
        else:
            try:
                self._write_full()
            except BaseException:
                kept.pop()  # memory stays as the file is
                raise
        self._store._note_summary(self)

    def keep_span(self, record: SpanCorrection) -> None:
        """Put a placed span correction (from another store) at its offsets as it is."""
        self._put_span((record.start, record.end), replace(record, article_id=self.article_id))

    # The two writers below are also what undo/redo use.

    def _put_label(self, index: int, record: SentenceLabel | None) -> None:
        self._check_writable()
        assert self._db is not None
        previous = _replace_entry(self.labels, index, record)
        try:
            if self._batch_depth:
                self._batch_dirty = True
            elif not self.path.exists():
                self._write_full()  # first change: meta and label in one write
            elif record is None:
                self._db.table("labels").remove(doc_ids=[index + 1])
            elif previous is not None:
                # update/insert rather than upsert: upsert of a new doc reads and writes twice.
                self._db.table("labels").update(record.to_json(), doc_ids=[index + 1])
            else:
                self._db.table("labels").insert(Document(record.to_json(), doc_id=index + 1))
        except BaseException:
            _replace_entry(self.labels, index, previous)  # memory stays as the file is
            raise
        self._store._note_summary(self)

    def _put_span(self, key: tuple[int, int], record: SpanCorrection | None) -> None:
        self._check_writable()
        previous = _replace_entry(self._spans, key, record)
        try:
            if self._batch_depth:
                self._batch_dirty = True
            elif not self.path.exists():
                self._write_full()
            else:
                # Span corrections are few per article: rewrite their table in one write.
                self._write_table("spans", list(self._spans.values()) + self.span_orphans)
        except BaseException:
            _replace_entry(self._spans, key, previous)  # memory stays as the file is
            raise
        self._store._note_summary(self)

    def _write_full(self) -> None:
        assert self._db is not None
        self._db.storage.write(self._full_data())

    def _write_table(self, name: str, records: Sequence[SpanCorrection]) -> None:
        assert self._db is not None
        data = dict(self._db.storage.read() or {})
        data[name] = {str(n + 1): r.to_json() for n, r in enumerate(records)}
        self._db.storage.write(data)


def _replace_entry(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    """Set ``mapping[key]`` to ``value`` (remove it for None); return what was there."""
    previous = mapping.get(key)
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value
    return previous


def _check_span_label(label: str) -> str:
    if not isinstance(label, str) or not label.strip() or any(ch.isspace() for ch in label):
        raise StoreError(f"span label {label!r} must be one word such as PERSON, MONEY or DATE")
    return label
