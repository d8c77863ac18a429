"""Undo and redo (u, ctrl+r): the store's history, the status line's words for what
changed (`history_message`), and reloading the article's labels after a step."""

from __future__ import annotations

from typing import Any, Sequence

from corpus.errors import ClaimscopeError
from corpus.model import Span
from tui.screens.reader.status import short


def history_message(which: str, change: Any, model_spans: Sequence[Span] = ()) -> str:
    """What undo or redo did, in its direction: "undo: sentence 11 back to prediction",
    "redo: sentence 11 to quantity", "undo: span “Marrow Island” back to GPE (model)",
    "undo: note on sentence 4 removed", "undo: note on sentence 4 restored to “…”".
    """
    record = change.before if which == "undo" else change.after
    to = "back to" if which == "undo" else "to"
    if change.field == "span" and change.span is not None:
        start, end = change.span
        other = change.after if which == "undo" else change.before
        text = getattr(record, "text", "") or getattr(other, "text", "")
        if record is None:
            model = next((s for s in model_spans if (s.start, s.end) == (start, end)), None)
            state = f"{model.label} (model)" if model else "no span"
        elif record.action == "remove":
            state = "removed"
        else:
            state = record.label
        return f"{which}: span “{short(text)}” {to} {state}"
    where = f"sentence {change.sentence_index + 1}"
    if change.field == "label":
        return f"{which}: {where} {to} {getattr(record, 'label', None) or 'unreviewed'}"
    if change.field == "checkworthy":
        return f"{which}: {where} {to} {'check-worthy' if getattr(record, 'checkworthy', False) else 'not check-worthy'}"
    if change.field == "note":
        # Never "back to none": that reads like the label none.
        note = getattr(record, "note", "")
        if not note:
            return f"{which}: note on {where} removed"
        return f"{which}: note on {where} {'restored to' if which == 'undo' else 'to'} “{short(note)}”"
    return f"{which}: {change.description}"


class UndoRedo:
    """u and ctrl+r: one step of the store's history, any article.

    The state it works on is the screen's (screen.py). Calls into boundaries.py
    (`_show_sentences`); labelling.py (`_editable`, `_not_saved`); labels_here.py
    (`_load_others`); status.py (`_say`).
    """

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        store = self.host.store
        if store.read_only:
            self._editable()
            return
        before = store.last_ticket
        try:
            change = store.undo() if which == "undo" else store.redo()
        except (ClaimscopeError, OSError) as error:
            self._not_saved(error)
            return
        if change is None:
            self.notify(f"nothing to {which}")
            return
        # The feedback goes to the status line (a toast would cover the text or the legends).
        self._acknowledge(history_message(which, change, self.model_spans if change.article_id == self.article.id else ()), before)
        self.host.article_changed(change.article_id)
        if change.article_id != self.article.id:
            self.host.open_article(change.article_id, change.sentence_index)
            return
        self.reload_annotations()
        if change.sentence_index is not None:
            self._move(change.sentence_index)
        if len(store.last_step) > 1:
            self._say(f"{which}: {len(store.last_step)} sentences at once")

    def reload_annotations(self) -> None:
        """Read this article's labels again from the store (after undo/redo)."""
        if self.model_analysis is None:
            return
        try:
            self.doc = self.host.store.article(self.article, self.model_analysis.sentences)
        except ClaimscopeError as error:
            self.notify(str(error), severity="error")
            return
        self._show_sentences()
        self._load_others()
        self._refresh_annotations()
