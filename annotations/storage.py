"""A TinyDB ``Storage`` that writes durably and atomically, in a stable JSON layout.

Every write goes to a temporary file in the same folder, is fsynced, and replaces
the old file with ``os.replace`` (atomic on POSIX and Windows); then the folder is
fsynced so the rename itself survives a power cut. A process killed at any moment
leaves the file either old or new, never half-written.

The JSON is pretty, key-sorted and UTF-8 (``ensure_ascii=False``) with a trailing
newline, so store files diff well under git.
"""

from __future__ import annotations

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
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = ""
        if isinstance(error, json.JSONDecodeError):
            where = f" at line {error.lineno} column {error.colno}"
        raise CorruptStoreFileError(
            f"store file {path} is not valid JSON{where}; it was left untouched: "
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
            self.path, dump_json(data), what="label not saved", retry="press the key again"
        )

    def close(self) -> None:
        """Nothing to release: no file stays open between calls."""
