"""Errors of the annotation layer; all are one-line ``ClaimscopeError``s."""

from __future__ import annotations

from corpus.errors import ClaimscopeError


class SchemeError(ClaimscopeError):
    """A label scheme file is malformed (the message names the file and line)."""


class UnknownLabelError(ClaimscopeError):
    """A label name that the scheme does not have."""


class StoreError(ClaimscopeError):
    """The annotation store cannot be used as asked."""


class ReadOnlyStoreError(StoreError):
    """A change was asked of a store (or one article of it) that is open read-only."""


class CorruptStoreFileError(StoreError):
    """A store file cannot be parsed; it is left untouched."""


class StoreWriteError(StoreError):
    """A store file could not be written (disk full, I/O error); the old file is intact.

    ``path`` is the file, ``errno`` the OS error number (``errno.ENOSPC`` for a full disk).
    """

    def __init__(self, message: str, path: object = None, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno


class ExportError(ClaimscopeError):
    """An export cannot be written (unknown format, bad output path, ...)."""


class ImportFileError(ClaimscopeError):
    """An import file cannot be read at all (missing, not JSONL)."""
