"""Range selection (V): select consecutive sentences with j/k; a label key labels
them all in one write and one undo step."""

from __future__ import annotations


class RangeSelection:
    """The V selection: ``range_anchor`` is where it started, or None.

    The state it works on is the screen's (screen.py). Calls into labelling.py
    (`_advance`, `_store_call`); moves.py (`_ready`); spans.py (`_leave_span_mode`);
    status.py (`_say`, `_update_status`); suggesting.py (`_learn`).
    """

    def action_select_range(self) -> None:
        """V: select sentences from here (j/k extend); a label key labels them all."""
        if not self._ready():
            return
        if self.range_anchor is not None:
            self._end_range()
            return
        if self.span_cursor is not None:
            self._leave_span_mode()
        self.range_anchor = self.view.cursor
        self._show_range()

    def _selected(self) -> range:
        assert self.range_anchor is not None
        low, high = sorted((self.range_anchor, self.view.cursor))
        return range(low, high + 1)

    def _show_range(self) -> None:
        sentences = self.view.sentences
        chosen = self._selected()
        self.view.set_selection((sentences[chosen.start].start, sentences[chosen[-1]].end), None)
        self._update_status()

    def _end_range(self) -> None:
        self.range_anchor = None
        self.view.set_selection(None, None)
        self._update_status()

    def _label_range(self, name: str | None) -> None:
        """Label every selected sentence: one write, one undo step."""
        chosen = self._selected()

        def label_all() -> None:
            with self.doc.batch():
                for index in chosen:
                    self.doc.set_label(index, name)

        if not self._store_call("saved" if name else "cleared", label_all):
            return
        if name is not None:
            self.host.pace.add(len(chosen))  # before the header is redrawn
            self._learn(len(chosen))
        self._end_range()
        self.host.article_changed(self.article.id)
        self._refresh_annotations()
        if name is not None:
            self._advance(chosen[-1])
        if self.status_note is None:
            self._say(f"{len(chosen)} sentences {'labelled ' + name if name else 'cleared'} (u undoes all)")
