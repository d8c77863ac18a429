"""The labelling flow: a label key (or c, 0, w, n) on the cursor sentence, written to
the store and said "saved" only once it is durable, then the cursor advanced as the
`advance` setting says; a failed write is one line and a redraw from what the store holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpus.errors import ClaimscopeError
from tui import navigation

if TYPE_CHECKING:
    from annotations.store.writer import Written


class Labelling:
    """Label keys, check-worthy and notes on the cursor sentence, and what follows a write.

    The state it works on is the screen's (screen.py). Calls into labels_here.py
    (`_mark`, `_reviewed`, `_skipped`, `_total`, `_with_label`); moves.py
    (`_ready`); panel.py (`_update_panel`); ranges.py (`_label_range`); search.py
    (`_step_hit`); status.py (`_say`, `_update_progress`, `_update_status`);
    suggesting.py (`_learn`, `_next_open`).
    """

    _saving_note = False

    def _editable(self) -> bool:
        store = self.host.store
        if store.read_only:
            reason = store.read_only_reason or "another claimscope holds the lock"
            self.notify(f"the store is read-only ({reason}); labels cannot be changed", severity="warning")
            return False
        if not self._ready():
            return False
        if self.doc is None:
            self.notify("this article's labels could not be loaded; editing is off", severity="error")
            return False
        if getattr(self.doc, "read_only", False):
            reason = getattr(self.doc, "error", None) or "its store file cannot be written"
            self.notify(f"this article is read-only: {reason}", severity="warning")
            return False
        return True

    def _store_call(self, what: str, call: Any, *args: Any, note: bool = False) -> bool:
        """Run one store call; the indicator says "pending" while its write is queued on the
        store's writer thread and "saved" only once it is durable (`store_written`)."""
        before = self.host.store.last_ticket
        try:
            call(*args)
        except (ClaimscopeError, OSError) as error:
            self._not_saved(error, note=note)
            return False
        self._acknowledge(what, before)
        return True

    def _acknowledge(self, what: str, before: int | None) -> None:
        """Say `what` as pending when a write was queued since ticket ``before``, else saved."""
        ticket = self.host.store.last_ticket
        if ticket is not None and ticket != before:
            self.save_indicator.pending(what, ticket)
        else:
            self.save_indicator.saved(what)  # written in place, or nothing to write

    def store_written(self, result: Written, rolled_back: bool) -> None:
        """The store's writer thread finished writes (the app hands each result here after
        `Store.settle`): a pending change turns to saved, or a failure is said in one line
        and, when the store put the article back, the reader redraws from what it holds."""
        if result.ok:
            self.save_indicator.durable(result.last)
            return
        assert result.error is not None
        if rolled_back:
            here = self.doc is not None and self.doc.article_id == result.article_id
            self._not_saved(result.error, note=self._saving_note, redraw=here)
        elif self.save_indicator.ticket is not None and result.covers(self.save_indicator.ticket):
            self.save_indicator.failed()  # the same failure as one already said: no second line

    def _not_saved(self, error: ClaimscopeError | OSError, *, note: bool = False, redraw: bool = True) -> None:
        """A change did not reach the disk: say so in one line, show what the store holds.

        ``note``: it was the note editor's save, which is retried with ctrl+s, not a key."""
        if isinstance(error, OSError):  # the store words its own errors; this is a last resort
            reason = f"cannot write {self.host.store.path} ({error.strerror or error})"
        else:
            reason = str(error)
        if note:
            reason = reason.replace("label not saved", "note not saved", 1)
            reason = reason.replace("press the key again", "press ctrl+s again", 1)
        self.save_indicator.failed()
        # The store's own messages already say what was not saved ("label not saved: disk full ...").
        self.last_failure = reason if "not saved" in reason else f"not saved: {reason}"
        self.notify(self.last_failure, severity="error", timeout=10)
        if redraw and self.doc is not None:
            # The store keeps memory as the file is: redraw from it, not from what was asked.
            self._refresh_annotations()

    def set_label(self, name: str | None) -> None:
        """Label the current sentence (``None`` clears it)."""
        if not self._editable():
            return
        if self.range_anchor is not None:
            self._label_range(name)
            return
        index = self.view.cursor
        if self._store_call(f"s{index + 1} {name} saved" if name else f"s{index + 1} cleared", self.doc.set_label, index, name):
            if name is not None:
                self.host.pace.add(1)  # before the header is redrawn
                self._learn(1)
            self._after_sentence_edit(index)
            if name is not None:
                self._advance(index)

    def _advance(self, after: int) -> None:
        """After a label key: move as the `advance` setting says; say when the article is done."""
        mode = self.host.advance
        total = len(self.view.sentences)
        reviewed = self._reviewed()
        skipped = self._skipped()  # headings and captions: advance passes them by
        target: int | None = None
        if mode != "stay":
            if self.review_label is not None:
                target = navigation.next_in(self._with_label(self.review_label), after)
            elif mode == "next":
                target = next((i for i in range(after + 1, total) if i not in skipped), None)
            else:
                target = self._next_open(reviewed | skipped, after)
        if target is not None:
            self._move(target)
        elif self.review_label is not None and mode != "stay":
            self._say(f"last {self.review_label} sentence in this article")
        if len(reviewed) >= self._total():
            self._say("article reviewed · ] opens the next article to review")

    def _after_sentence_edit(self, index: int) -> None:
        record = self.doc.labels.get(index)
        self.view.set_mark(index, self._mark(record) if record is not None else None)
        self._update_progress()
        self._update_status()
        self._update_panel()
        self.host.article_changed(self.article.id)

    def action_label(self, name: str) -> None:
        self.set_label(name)

    def action_claim(self) -> None:
        self.set_label(self.host.scheme.default_claim)

    def action_clear_label(self) -> None:
        self.set_label(None)

    def action_toggle_checkworthy(self) -> None:
        if not self._editable():
            return
        index = self.view.cursor
        record = self.doc.labels.get(index)
        value = not (record is not None and record.checkworthy)
        if self._store_call("saved", self.doc.set_checkworthy, index, value):
            self._after_sentence_edit(index)

    def action_note_or_next_hit(self) -> None:
        if self.search_query is not None:
            self._step_hit(1)
            return
        if not self._editable():
            return
        from tui.screens.note import NoteScreen

        index = self.view.cursor
        record = self.doc.labels.get(index)

        doc = self.doc

        def save(note: str) -> str | None:
            # Called by the editor, which stays open with the text when this fails.
            if doc is not self.doc:  # cannot happen while the editor is up; never write elsewhere
                return "not saved: the article changed under the editor"
            if not self._store_call("note saved", doc.set_note, index, note, note=True):
                return self.last_failure
            # The editor closes only on a durable note: wait for the writer (a short write).
            self._saving_note = True
            try:
                if any(not result.ok for result in self.host.settle_writes()):
                    return self.last_failure
            finally:
                self._saving_note = False
            self._after_sentence_edit(index)
            return None

        sentence = self.analysis.sentences[index] if self.analysis else None
        text = self.article.text[sentence.start : sentence.end] if sentence else ""
        self.app.push_screen(NoteScreen(record.note if record else "", index, text, save=save))
