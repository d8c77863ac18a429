"""A TinyDB ``Storage`` that writes durably and atomically, in a stable JSON layout.

Every write goes to a temporary file in the same folder, is fsynced, and replaces
the old file with ``os.replace`` (atomic on POSIX and Windows); then the folder is
fsynced so the rename itself survives a power cut. A process killed at any moment
leaves the file either old or new, never half-written.

The JSON is pretty, key-sorted and UTF-8 (``ensure_ascii=False``) with a trailing
newline, so store files diff well under git.
"""

from __future__ import annotations

import copy
import errno
import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from corpus.decoding import LONE_SURROGATE
from corpus.files import fsync_dir, replace_file  # noqa: F401  (fsync_dir is re-exported)
from annotations.errors import CorruptStoreFileError, ReadOnlyStoreError, StoreWriteError


def dump_json(data: Any) -> str:
    """The store's canonical JSON text for ``data`` (pretty, key-sorted, UTF-8, final newline)."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class DocumentTexts:
    """`dump_json` of a TinyDB file, byte for byte, re-encoding only the documents that changed.

    json's pretty printer is pure Python: a label key in an article with a few
    thousand labels spent tens of milliseconds encoding documents that had not changed.
    Each document's line is kept beside a copy of the document and the types of its
    values, and reused while both match (C-level comparisons).
    """

    def __init__(self) -> None:
        #: (table, doc id) -> (copy of the document, its value types or None, its text)
        self._kept: dict[tuple[str, str], tuple[Any, tuple[type, ...] | None, str]] = {}

    def dump(self, data: Any) -> str:
        """The same text as ``dump_json(data)``."""
        if not isinstance(data, dict) or not all(
            isinstance(name, str) and isinstance(table, dict) and all(isinstance(key, str) for key in table)
            for name, table in data.items()
        ):
            return dump_json(data)  # not a table layout: nothing to reuse
        kept, self._kept = self._kept, {}
        tables: list[str] = []
        for name in sorted(data):
            table = data[name]
            if not table:
                tables.append(f"  {_key(name)}: {{}}")
                continue
            lines = []
            for doc_id in sorted(table):
                document = table[doc_id]
                entry = kept.get((name, doc_id))
                if entry is None or not _unchanged(entry, document):
                    entry = _entry(doc_id, document)
                self._kept[(name, doc_id)] = entry
                lines.append(entry[2])
            tables.append(f"  {_key(name)}: {{\n" + ",\n".join(lines) + "\n  }")
        return "{\n" + ",\n".join(tables) + "\n}\n" if tables else "{}\n"


def _entry(doc_id: str, document: Any) -> tuple[Any, tuple[type, ...] | None, str]:
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n    ")
    types = tuple(map(type, document.values())) if isinstance(document, dict) else None
    flat = types is not None and not any(t in _DEEP for t in types)
    kept = dict(document) if flat else copy.deepcopy(document)  # a flat record holds only immutable values
    return (kept, types if flat else None, f"    {_key(doc_id)}: {text}")


def _unchanged(entry: tuple[Any, tuple[type, ...] | None, str], document: Any) -> bool:
    """Whether ``document`` has the text kept in ``entry``."""
    kept, types, _ = entry
    if kept != document:
        return False
    if types is not None:  # a flat record of strings, ints, booleans and nulls: the types settle it
        return isinstance(document, dict) and tuple(map(type, document.values())) == types
    return _same(kept, document)


def _same(kept: Any, now: Any) -> bool:
    """The same JSON text: equal, and of the same types throughout (``1``, ``True`` and
    ``1.0`` are equal but three texts; so are ``0.0`` and ``-0.0``)."""
    if kept != now or type(kept) is not type(now):
        return False
    if isinstance(now, dict):
        return list(kept) == list(now) and all(_same(kept[k], v) for k, v in now.items())
    if isinstance(now, (list, tuple)):
        return all(map(_same, kept, now))
    return type(now) is not float or repr(kept) == repr(now)


#: Values whose equality does not settle their text.
_DEEP = (dict, list, tuple, float)


def _key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def atomic_write_text(
    path: Path, text: str, *, what: str = "not saved", retry: str = "try again"
) -> None:
    """Write ``text`` to ``path`` via temp file + fsync + ``os.replace`` + folder fsync.

    Any OS error (a full disk above all) becomes a one-line :class:`StoreWriteError`
    that starts with ``what`` and ends with ``retry``; the old file is left as it was
    and no temp file stays (``replace_file`` removes it).
    """
    try:
        # A lone surrogate (a pasted half of an emoji) cannot be UTF-8: written with
        # "surrogatepass" it would make the whole file unreadable, so it becomes U+FFFD.
        replace_file(Path(path), LONE_SURROGATE.sub("\ufffd", text).encode("utf-8"), durable=True)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            full = "disk full" if error.errno == errno.ENOSPC else "disk quota exceeded"
            message = f"{what}: {full} writing {path}; free space and {retry}"
        else:
            reason = error.strerror or str(error)
            message = f"{what}: cannot write {path} ({reason}); fix that and {retry}"
        raise StoreWriteError(message, path, error.errno) from None


#: What ``json.loads`` raises on hostile bytes: ``ValueError`` (not JSON, not UTF-8, an
#: integer of more than 4,300 digits) and ``RecursionError`` (arrays or objects nested
#: deeper than the interpreter's recursion limit, e.g. ``"[" * 100_000``). Every reader of
#: a file that a user or another program can write catches these, never one of them alone.
JSON_ERRORS: tuple[type[Exception], ...] = (ValueError, RecursionError)


def json_error_detail(error: Exception) -> str:
    """Where or why ``json.loads`` failed, as a phrase to put after "not valid JSON"."""
    if isinstance(error, json.JSONDecodeError):
        return f" at line {error.lineno} column {error.colno}"
    if isinstance(error, RecursionError):
        return " (nested too deeply)"
    if isinstance(error, UnicodeDecodeError):
        return " (not UTF-8)"
    reason = str(error).partition(":")[0]  # "Exceeds the limit (4300 digits) for integer string conversion"
    return f" ({reason})" if reason else ""


def read_json(path: Path) -> Any:
    """Parse a store file; raises :class:`CorruptStoreFileError` naming it when it is not JSON."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise CorruptStoreFileError(
            f"store file {path} cannot be read ({error.strerror}); check its permissions"
        ) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except JSON_ERRORS as error:
        raise CorruptStoreFileError(
            f"store file {path} is not valid JSON{json_error_detail(error)}; it was left untouched: "
            "repair it (e.g. from git or a backup) or move it away, then reopen"
        ) from None


class AtomicJSONStorage(Storage):
    """TinyDB storage for one JSON file with atomic, durable writes.

    ``read_only=True`` makes :meth:`write` raise :class:`ReadOnlyStoreError`.
    A file that exists but is not valid JSON raises :class:`CorruptStoreFileError`
    on read and is never written over.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self._texts = DocumentTexts()

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The whole file as TinyDB's table dict, or None when the file does not exist yet."""
        if not self.path.exists():
            return None
        data = read_json(self.path)
        if not isinstance(data, dict):
            raise CorruptStoreFileError(
                f"store file {self.path} does not hold a JSON object; it was left untouched: "
                "repair it or move it away, then reopen"
            )
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file with ``data``; returns once it is durable on disk."""
        if self.read_only:
            raise ReadOnlyStoreError(f"store file {self.path} is open read-only")
        atomic_write_text(
            self.path, self._texts.dump(data), what="label not saved", retry="press the key again"
        )

    def close(self) -> None:
        """Nothing to release: no file stays open between calls."""
