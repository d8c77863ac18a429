"""Undo and redo of a session's changes.

One step is a tuple of :class:`~annotations.model.Change`: one change for a key, every
change of an ``ArticleAnnotations.batch()`` together (the batch folds its steps into one
when it is written). Undo puts each change's ``before`` back through the article
document's writers, redo its ``after``; both are durable when they return, or, with
writes behind (``writer.py``), queued behind the changes before them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.model import BoundaryState
from annotations.errors import StoreError
from annotations.model import Change, SentenceLabel, SpanCorrection

if TYPE_CHECKING:
    from annotations.store.document import ArticleAnnotations


class History:
    """The :class:`~annotations.store.Store`'s undo and redo stacks (a part of ``Store``)."""

    _docs: dict[str, ArticleAnnotations]
    # One undo step is a tuple of changes: one for a key, all of a `batch()` together.
    _undo: list[tuple[Change, ...]]
    _redo: list[tuple[Change, ...]]
    #: the changes the last undo/redo took back or made again (several for a batch)
    last_step: tuple[Change, ...]

    if TYPE_CHECKING:  # provided by the other parts of Store
        def check_writable(self) -> None: ...
        def _note_unsaved(
            self, doc: ArticleAnnotations, kind: str, step: tuple[Change, ...], cleared: tuple[tuple[Change, ...], ...] = ()
        ) -> None: ...

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
        self._note_unsaved(self._docs[step[0].article_id], "undo", step)
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
        self._note_unsaved(self._docs[step[0].article_id], "redo", step)
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
        step = (change,)
        self._undo.append(step)
        cleared = tuple(self._redo)
        self._redo.clear()
        doc = self._docs.get(change.article_id)
        if doc is not None:
            self._note_unsaved(doc, "do", step, cleared)
