"""The store's writer thread: article files written durably off the caller's path.

With :meth:`Store.write_behind` on (the app does this), a change updates memory at
once and queues a snapshot of its article's file here; one thread writes the queue in
order (temp file, fsync, rename, folder fsync: ``storage.py``). Each change has a
ticket, a number that grows with every queued write; the thread says what became of
each run of tickets through the ``notify`` callback (:class:`Written`), called on the
writer thread, after the file is durable or the write has failed.

Snapshots queued back to back for the same file become one write (the last one holds
every change before it), so a burst of keys costs one fsync, not one each; the order
of the files is kept. When a file's write fails, every later snapshot of that file
from the same generation is dropped unwritten (each holds the failed change), until
the owner has rolled its memory back to the file (a new generation,
``ArticleAnnotations._roll_back``). Nothing here imports Textual: the app is told
through ``notify`` and asks through :meth:`flush`.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from annotations.errors import StoreError
from annotations.storage import AtomicJSONStorage


@dataclass(frozen=True)
class Written:
    """What became of the queued writes ``first``..``last`` (tickets) of one article file."""

    first: int
    last: int
    article_id: str
    #: the article document's generation when the writes were queued
    generation: int
    #: why the file was not written (None when the tickets are durable)
    error: StoreError | None = None
    #: the snapshot now durable in the file (None after a failure)
    data: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def covers(self, ticket: int) -> bool:
        return self.first <= ticket <= self.last


@dataclass(frozen=True)
class _Job:
    ticket: int
    article_id: str
    generation: int
    storage: AtomicJSONStorage
    data: dict[str, Any]


#: ``write(storage, data)``: what makes one snapshot durable. Tests may pass a function
#: that waits on an event before the real write, to hold the disk back; nothing else.
DurableWrite = Callable[[AtomicJSONStorage, dict[str, Any]], None]


def _write(storage: AtomicJSONStorage, data: dict[str, Any]) -> None:
    storage.write(data)


class StoreWriter:
    """One thread that writes queued article snapshots in ticket order."""

    def __init__(self, notify: Callable[[Written], None], *, write: DurableWrite | None = None) -> None:
        self._notify = notify
        self._write = write or _write
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._done = threading.Condition()
        self._queued = 0  # the last ticket handed out
        self._finished = 0  # every ticket up to this one is durable or failed
        self._poisoned: dict[Path, int] = {}  # file -> the generation whose write failed
        self._failed: list[Written] = []  # failures since the last take_failures()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="claimscope-store-writer", daemon=True)
        self._thread.start()

    @property
    def last_ticket(self) -> int:
        """The ticket of the last queued write (0 before any)."""
        return self._queued

    def submit(self, article_id: str, generation: int, storage: AtomicJSONStorage, data: dict[str, Any]) -> int:
        """Queue ``data`` (a snapshot nobody changes afterwards) for ``storage``'s file; its ticket."""
        if self._stopped:
            raise StoreError("cannot save: the store's writer has stopped")
        with self._done:
            self._queued += 1
            ticket = self._queued
        self._queue.put(_Job(ticket, article_id, generation, storage, data))
        return ticket

    def durable(self, ticket: int) -> bool:
        """Whether the write of ``ticket`` has finished (durable, unless a failure said otherwise)."""
        return ticket <= self._finished

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write queued so far has finished; False when ``timeout`` ran out."""
        with self._done:
            target = self._queued
            return self._done.wait_for(lambda: self._finished >= target, timeout)

    def pending(self) -> int:
        """How many queued writes have not finished."""
        return self._queued - self._finished

    def take_failures(self) -> list[Written]:
        """The failures since the last call (for a caller that was not listening)."""
        with self._done:
            failed, self._failed = self._failed, []
        return failed

    def close(self) -> None:
        """Finish every queued write, then stop the thread. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._queue.put(None)
        self._thread.join()

    # ------------------------------------------------------------ the thread

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            batch: list[_Job | None] = [job]
            while True:  # whatever queued up meanwhile, coalesced below
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            jobs: list[_Job] = []
            stop = False
            for item in batch:
                if item is None:
                    stop = True
                    break
                jobs.append(item)
            start = 0
            while start < len(jobs):
                end = start + 1
                first = jobs[start]
                while (
                    end < len(jobs)
                    and jobs[end].storage.path == first.storage.path
                    and jobs[end].generation == first.generation
                ):
                    end += 1
                self._write_run(jobs[start:end])
                start = end
            if stop:
                return

    def _write_run(self, run: list[_Job]) -> None:
        """Write the last snapshot of ``run`` (consecutive jobs of one file and generation)."""
        last = run[-1]
        path = last.storage.path
        error: StoreError | None = None
        if self._poisoned.get(path, -1) >= last.generation:
            error = StoreError(
                f"label not saved: an earlier change of {last.article_id} could not be written to {path}"
            )
        else:
            try:
                self._write(last.storage, last.data)
            except StoreError as failure:
                error = failure
            except Exception as failure:  # never let the thread die with writes queued
                error = StoreError(f"label not saved: cannot write {path} ({failure})")
            if error is not None:
                self._poisoned[path] = last.generation
        result = Written(
            run[0].ticket, last.ticket, last.article_id, last.generation, error, None if error else last.data
        )
        with self._done:
            if error is not None:
                self._failed.append(result)
        try:
            # Told before flush() returns, so a caller that flushed finds every result posted.
            self._notify(result)
        except Exception:  # pragma: no cover - a listener that is gone (the app closing)
            pass
        with self._done:
            self._finished = last.ticket
            self._done.notify_all()


@dataclass(frozen=True)
class _Unsaved:
    """An undo step whose write is queued: what to put back if that write fails."""

    ticket: int
    article_id: str
    kind: str  # "do" (recorded), "undo" or "redo" (the step moved between the stacks)
    step: tuple[Any, ...]
    #: for "do": the redo steps that recording it cleared
    cleared: tuple[tuple[Any, ...], ...] = ()


class WriteBehind:
    """Writing behind (a part of ``Store``): a change returns once it is in memory and
    queued; :class:`StoreWriter` makes it durable in order. Off unless
    :meth:`write_behind` is called; then :meth:`settle` must be called, on the thread
    that changes the store, with every :class:`Written` the writer reports."""

    _writer: StoreWriter | None = None
    _unsaved: list[_Unsaved]
    _docs: dict[str, Any]
    _undo: list[tuple[Any, ...]]
    _redo: list[tuple[Any, ...]]

    def write_behind(self, notify: Callable[[Written], None], *, write: DurableWrite | None = None) -> None:
        """From now on changes are written by a writer thread; ``notify`` hears each result
        (on that thread: hand it to your own thread, then call :meth:`settle`)."""
        if self._writer is None:
            self._unsaved = []
            self._writer = StoreWriter(notify, write=write)

    @property
    def last_ticket(self) -> int | None:
        """The ticket of the last queued write; None when writes are not behind."""
        return self._writer.last_ticket if self._writer is not None else None

    def pending_writes(self) -> int:
        """How many queued writes are not durable yet (0 when writes are not behind)."""
        return self._writer.pending() if self._writer is not None else 0

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued write is durable or has failed (True when none is left)."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def settle(self, result: Written) -> bool:
        """Take in a writer's result. A failure puts the article back as its file holds it,
        and its undo steps as they were; True when that happened (a later failure of the
        same generation was already put back by the first and gives False)."""
        doc = self._docs.get(result.article_id)
        current = doc is not None and doc.generation == result.generation
        if result.ok:
            self._unsaved = [u for u in self._unsaved if u.ticket > result.last]
            if current:
                doc.durable = result.data
            return False
        if not current:
            return False
        lost = [u for u in self._unsaved if u.article_id == result.article_id and u.ticket >= result.first]
        for unsaved in reversed(lost):
            step = unsaved.step
            if unsaved.kind == "do":
                _take(self._undo, step) or _take(self._redo, step)
                self._redo[:0] = unsaved.cleared  # as if the change had never been made
            elif unsaved.kind == "undo" and _take(self._redo, step):
                self._undo.append(step)
            elif unsaved.kind == "redo" and _take(self._undo, step):
                self._redo.append(step)
        self._unsaved = [u for u in self._unsaved if u not in lost]
        doc._roll_back()
        return True

    def _note_unsaved(
        self, doc: Any, kind: str, step: tuple[Any, ...], cleared: tuple[tuple[Any, ...], ...] = ()
    ) -> None:
        if self._writer is not None and not doc._batch_depth:
            self._unsaved.append(_Unsaved(self._writer.last_ticket, doc.article_id, kind, step, cleared))

    def _stop_writer(self) -> None:
        """Every queued write made durable (or failed and put back), then the thread gone."""
        writer = self._writer
        if writer is None:
            return
        writer.close()
        for failure in writer.take_failures():
            self.settle(failure)
        self._writer = None


def _take(steps: list[tuple[Any, ...]], step: tuple[Any, ...]) -> bool:
    """Remove ``step`` itself (not an equal one) from ``steps``; whether it was there."""
    for n in range(len(steps) - 1, -1, -1):
        if steps[n] is step:
            del steps[n]
            return True
    return False
