"""Python's cyclic garbage collector paused while many long-lived objects are made:
an export's records (``annotations``), the article list's rows (``corpus.listing``).

An export of 100,000 sentences makes millions of small objects that all stay alive
(the store's records, the rows, the writers' chunk tables) and holds no reference
cycles; the automatic collections walked them again and again as they grew (about
a quarter of the time spent reading the store and building the rows, in
benchmarks/store.py). Reference counting still frees everything as before.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import wraps
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collections inside; afterwards the collector is as it was (a
    caller that had turned it off keeps it off)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def paused_throughout(generator: Callable[..., Iterator[T]]) -> Callable[..., Iterator[T]]:
    """``generator`` with the collector paused from its first item to its last (or
    until its caller lets go of it)."""

    @wraps(generator)
    def paused(*args: object, **kwargs: object) -> Iterator[T]:
        with collector_paused():
            yield from generator(*args, **kwargs)

    return paused
