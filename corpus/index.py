"""The per-corpus metadata index: what reading each file found, so the next load skips the parsing.

Reading a file is cheap; finding its header shapes, front matter, HTML text and JSON
records is not (about 25 µs per plain article, far more per HTML page). The index keeps,
per file of a corpus folder, the items reading it gave (articles without their text,
and error records), keyed by the file's id and a digest of its *bytes*. A later load
still reads every file (the app needs the texts, and reading is the floor of any
listing) but reuses the items of every file whose bytes are unchanged. So an edit is
always noticed, whatever the file times say, and ids, offsets and metadata come out
exactly as a fresh read gives them.

An article whose text is the whole decoded file (``.txt``, ``.md``) is stored without
its text, which is decoded again from the bytes with the codec found the first time
(no second guess for a legacy encoding); any other text (HTML extracts, JSON records)
is stored in the index. Problems that stop a file from being read at all
(permissions, broken links) are never stored: they are looked at every time.

One JSON file per corpus folder under ``<cache dir>/corpora/``. It is valid only for
the same :data:`INDEX_FORMAT`, the same source of the modules that read articles
(changing a parser invalidates every index) and the same folder. It is written whole
(temp file + ``os.replace``), and only when something changed; files gone from the
corpus drop out. An index that cannot be read or written only costs a full read.
Extracted HTML text is not re-extracted when trafilatura is upgraded, until the file
changes or the index is deleted.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from corpus.decoding import decode_again
from corpus.files import replace_file
from corpus.model import Article, ArticleError

#: Bump when the layout of an index file or the meaning of what it holds changes
#: (2: record ids of JSONL/JSON files are their own ids or text hashes, not positions).
INDEX_FORMAT = 2
#: Modules whose code decides what reading a file gives (their source is part of the key).
_PARSER_MODULES = (
    "articles.py", "readers.py", "metadata.py", "record_ids.py", "sample_corpus.py",
    "headers.py", "decoding.py", "index.py",
)

Item = Article | ArticleError


@functools.cache
def parser_digest() -> str:
    """A digest of the article-reading code, so an index never outlives a parser change."""
    digest = hashlib.sha256(str(INDEX_FORMAT).encode())
    here = Path(__file__).resolve().parent
    for name in _PARSER_MODULES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # no source beside the module (a frozen build): the format alone
            digest.update(name.encode())
    return digest.hexdigest()[:24]


def digest_of(data: bytes) -> str:
    """The digest that says a file's bytes are unchanged."""
    return hashlib.sha256(data).hexdigest()[:32]


def index_path(root: Path, cache_dir: Path | str | None = None) -> Path:
    """The index file for corpus folder ``root`` (resolved, so any spelling finds it)."""
    from corpus.cache import cache_root

    base = Path(cache_dir) if cache_dir is not None else cache_root()
    folder = str(root.resolve())
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(folder).name)[:40] or "root"
    key = hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return base / "corpora" / f"{name}-{key}.json"


class CorpusIndex:
    """The stored items of one corpus folder, and the items of this load to store next."""

    def __init__(self, path: Path | None, root: Path) -> None:
        self.path = path
        self.root = str(root.resolve())
        # file id -> [bytes digest, stored items, encoding (as decode_bytes reported it)]
        self._old: dict[str, list[Any]] = {}  # as read from the index file
        self._new: dict[str, list[Any]] = {}  # for every file of this load: what to save
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, root: Path, cache_dir: Path | str | None = None) -> CorpusIndex:
        """The index of ``root`` as stored (empty when absent, stale or unreadable)."""
        index = cls(index_path(root, cache_dir), root)
        try:
            data = json.loads(index.path.read_bytes())  # type: ignore[union-attr]
            if (
                isinstance(data, dict)
                and data.get("format") == INDEX_FORMAT
                and data.get("parser") == parser_digest()
                and data.get("root") == index.root
                and isinstance(data.get("files"), dict)
            ):
                index._old = data["files"]
        except (OSError, ValueError, RecursionError):  # RecursionError: "[" * 100_000
            pass
        return index

    def lookup(self, rel: str, where: str, data: bytes, digest: str) -> list[Item] | None:
        """The items of file ``rel`` when its bytes ``data`` still have ``digest``, else None.

        ``where`` is the path the items carry. An article whose text is the whole file
        gets it decoded from ``data`` with the codec found the first time.
        """
        entry = self._old.get(rel)
        if not isinstance(entry, list) or len(entry) != 3 or entry[0] != digest:
            return None
        decoded: list[str] = []

        def file_text() -> str:
            if not decoded:
                decoded.append(decode_again(data, entry[2]))
            return decoded[0]

        try:
            items = [_item(stored, where, file_text) for stored in entry[1]]
        except (ValueError, TypeError, KeyError, IndexError, LookupError, AttributeError):
            return None  # a damaged entry (or codec): read the file afresh
        self._new[rel] = entry
        self.hits += 1
        return items

    def record(
        self, rel: str, digest: str, items: list[Item], file_text: str, encoding: str
    ) -> None:
        """Keep what reading file ``rel`` (bytes with ``digest``, decoded with ``encoding``) gave."""
        stored = [_stored(item, file_text) for item in items]
        self._new[rel] = [digest, stored, encoding]
        self.misses += 1

    @property
    def changed(self) -> bool:
        """Whether the stored index differs from what this load found."""
        return self.misses > 0 or len(self._new) != len(self._old)

    def save(self) -> None:
        """Write the index when it changed (atomically); failures are ignored."""
        if self.path is None or not self.changed:
            return
        payload = {
            "format": INDEX_FORMAT,
            "parser": parser_digest(),
            "root": self.root,
            "files": self._new,
        }
        # ASCII with escapes: a lone surrogate in a text survives the round trip.
        data = json.dumps(payload, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, data.encode("ascii"))
        except (OSError, UnicodeError):
            pass  # a read-only cache dir: the next load reads everything again


def _stored(item: Item, file_text: str) -> dict[str, Any]:
    """One item as JSON; the path is left out (it depends on how the root was spelled)."""
    if isinstance(item, ArticleError):
        return {"i": item.id, "error": item.message}
    stored: dict[str, Any] = {
        "i": item.id,
        "t": item.title,
        "m": dict(item.meta),
        "b": item.body_start,
        "e": item.body_end,
    }
    if item.warnings:
        stored["w"] = list(item.warnings)
    if item.text is not file_text and item.text != file_text:
        stored["x"] = item.text
    return stored


def _item(stored: Mapping[str, Any], where: str, file_text: Callable[[], str]) -> Item:
    """An item back from its JSON form (raises on anything malformed).

    Runs once per article of a warm load: the checks are few and cheap.
    """
    if "error" in stored:
        return ArticleError(stored["i"], where, stored["error"])
    text = stored.get("x")
    if text is None:
        text = file_text()
    start, end, meta, title = stored["b"], stored["e"], stored["m"], stored["t"]
    if (
        type(text) is not str
        or type(title) is not str
        or type(meta) is not dict
        or type(start) is not int
        or type(end) is not int
        or not 0 <= start <= len(text)
        or not -1 <= end <= len(text)
    ):
        raise ValueError("malformed index entry")
    warnings = stored.get("w")
    return Article(
        stored["i"],
        where,
        text,
        title,
        meta,
        start,
        end,
        tuple(warnings) if warnings else (),
    )
