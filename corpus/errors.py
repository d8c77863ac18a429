"""Errors a user can cause. Each carries one clear line: what, which thing, what to do."""

from __future__ import annotations


class ClaimscopeError(Exception):
    """Base of every error that is shown to the user as a single line (no traceback)."""


class ModelNotFoundError(ClaimscopeError):
    """The chosen spaCy pipeline is not installed."""


class CorpusNotFoundError(ClaimscopeError):
    """The corpus path does not exist or is not readable."""
