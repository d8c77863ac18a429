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
``storage.py``), so a keypress costs the same with 10 or 100,000 labels stored; in
the app that write happens on the store's writer thread (``writer.py``).
The index is only a cache of per-article counts: it is written on ``close()``, and
any file newer than its index entry is re-read, so a stale index is harmless.

Article file tables (TinyDB JSON, ids as strings):

- ``meta``  ``{"1": {schema, article_id, article_hash, title, sentences}}``
- ``labels`` one :class:`SentenceLabel` per sentence, doc id = sentence index + 1
- ``orphans`` labels that no longer fit any sentence (kept, reported)
- ``spans`` :class:`SpanCorrection` records

The package, one idea a module (import from ``annotations.store``; the names below
are its public surface):

- ``paths.py``    where a store lives: folder and file names, shard folders
- ``opening.py``  :class:`Store`: opening (lock, schema, migration) and closing
- ``shards.py``   the other annotators' shards: read-only views, :class:`ShardWriters`
- ``document.py`` :class:`ArticleAnnotations`: one article's labels, spans, boundaries
- ``history.py``  undo/redo steps
- ``summary.py``  the summary index (``index.json``): progress per article
- ``writer.py``   writes behind: one thread that makes article files durable in order,
  so the app's keys do not wait for the disk (:meth:`Store.write_behind`)
- ``reading.py``  article files read as they are on disk (:class:`StoredArticle`,
  :class:`PlacedLabels` for export)
"""

from annotations.store.document import ArticleAnnotations
from annotations.store.opening import Store
from annotations.store.paths import (
    ANNOTATORS_DIR,
    ARTICLES_DIR,
    BACKUPS_DIR,
    GOLD_SHARD,
    INDEX_FILE,
    MAX_SHARD_NAME,
    SHARD_META,
    STORE_DIR_NAME,
    STORE_META,
    annotator_of_folder,
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
from annotations.store.reading import PlacedLabels, StoredArticle, apply_corrections
from annotations.store.shards import ShardWriters

__all__ = [
    "ANNOTATORS_DIR",
    "ARTICLES_DIR",
    "BACKUPS_DIR",
    "GOLD_SHARD",
    "INDEX_FILE",
    "MAX_SHARD_NAME",
    "SHARD_META",
    "STORE_DIR_NAME",
    "STORE_META",
    "ArticleAnnotations",
    "PlacedLabels",
    "ShardWriters",
    "Store",
    "StoredArticle",
    "annotator_of_folder",
    "apply_corrections",
    "article_file_name",
    "article_files",
    "check_annotator",
    "corpus_folder",
    "data_store_dir",
    "default_store_dir",
    "shard_folder_name",
    "store_fingerprint",
    "unwritable_reason",
]
