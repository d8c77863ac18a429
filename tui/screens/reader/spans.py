"""Span mode (v): a token cursor inside the cursor sentence; h/l move, H/L extend,
enter labels the selection (add or relabel), D removes the span under it; s marks the
selection as the sentence's source (who claims it), t as its cue, o says it has no
source (the outlet's own). Also where a span comes from (model, rule, or corrected by a
reader)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from annotations.model import ClaimantMark
from corpus.model import Span
from tui import navigation
from tui.screens.reader.status import short


@dataclass
class SpanCursor:
    """Span mode state: the tokens of the sentence, the cursor and the selection anchor."""

    tokens: list[tuple[int, int]]
    cursor: int = 0
    anchor: int = 0

    @property
    def selection(self) -> tuple[int, int]:
        low, high = sorted((self.anchor, self.cursor))
        return self.tokens[low][0], self.tokens[high][1]

    @property
    def token(self) -> tuple[int, int]:
        return self.tokens[self.cursor]


#: Figure labels only the rule layer gives (corpus/figures.py); the model gives the others too.
RULE_ONLY_LABELS = frozenset({"COUNT", "RANGE", "SCORE", "AGE"})


class SpanMode:
    """Span mode: ``span_cursor`` is its state, or None outside it.

    The state it works on is the screen's (screen.py). Calls into labelling.py
    (`_editable`, `_store_call`); moves.py (`_ready`); status.py (`_update_status`).
    """

    def action_span_mode(self) -> None:
        if not self._ready():
            return
        if self.span_cursor is not None:
            self._leave_span_mode()
            return
        sentence = self.view.sentences[self.view.cursor]
        tokens = navigation.tokens(self.article.text, sentence.start, sentence.end)
        if not tokens:
            self.notify("this sentence has no tokens to mark")
            return
        self.span_cursor = SpanCursor(tokens)
        self._show_span_cursor()
        self.notify("span mode: h/l move, H/L extend, enter label, D remove, s source, t cue, o no source, escape done", timeout=4)

    def _leave_span_mode(self) -> None:
        self.span_cursor = None
        self.view.set_selection(None, None)
        self.refresh_bindings()
        self._update_status()

    def _show_span_cursor(self) -> None:
        assert self.span_cursor is not None
        self.view.set_selection(self.span_cursor.selection, self.span_cursor.token)
        self.refresh_bindings()
        self._update_status()

    def action_span_move(self, step: int) -> None:
        cursor = self.span_cursor
        if cursor is not None:
            cursor.cursor = min(max(0, cursor.cursor + step), len(cursor.tokens) - 1)
            cursor.anchor = cursor.cursor
            self._show_span_cursor()

    def action_span_extend(self, step: int) -> None:
        cursor = self.span_cursor
        if cursor is not None:
            cursor.cursor = min(max(0, cursor.cursor + step), len(cursor.tokens) - 1)
            self._show_span_cursor()

    def _span_under_cursor(self) -> Span | None:
        if self.span_cursor is None:
            return None
        start, end = self.span_cursor.selection
        overlapping = [span for span in self.view.spans if span.start < end and span.end > start]
        exact = [span for span in overlapping if (span.start, span.end) == (start, end)]
        return (exact or overlapping or [None])[0]

    def _span_source(self, span: Span) -> str:
        """``corrected`` (by a reader, in the store), ``rule`` or ``model``.

        `Span` records do not say which of the model and the figure rules found a
        figure, so a figure label both can give is "model or rule"; the labels only
        the rules give (and entities and dates, only the model) are exact.
        """
        if self.doc is not None and any(
            (c.start, c.end) == (span.start, span.end) for c in self.doc.span_corrections if c.action != "remove"
        ):
            return "corrected"
        if span.kind != "figure":
            return "model"
        return "rule" if span.label in RULE_ONLY_LABELS else "model or rule"

    def action_span_label(self) -> None:
        if self.span_cursor is None or not self._editable():
            return
        from tui.screens.span_label import SpanLabelScreen

        start, end = self.span_cursor.selection
        existing = self._span_under_cursor()
        exact = existing is not None and (existing.start, existing.end) == (start, end)

        def chosen(label: str | None) -> None:
            if label is None:
                return
            what = f"span “{short(text, 24)}” {label} saved"
            if exact:
                ok = self._store_call(what, self.doc.relabel_span, start, end, label)
            else:
                ok = self._store_call(what, self.doc.add_span, start, end, label)
            if ok:
                self._refresh_annotations()
                self.host.article_changed(self.article.id)

        text = self.article.text[start:end]
        current = (existing.label, self._span_source(existing)) if existing is not None else None
        self.app.push_screen(SpanLabelScreen(text, current, exact=exact), chosen)

    def action_span_remove(self) -> None:
        if self.span_cursor is None or not self._editable():
            return
        span = self._span_under_cursor()
        if span is None:
            self.notify("no highlighted span under the cursor")
            return
        removed = f"span “{short(self.article.text[span.start : span.end], 24)}” removed"
        if self._store_call(removed, self.doc.remove_span, span.start, span.end):
            self._refresh_annotations()

    # ---------------------------------------------------------- who claims it
    def _mark_claimant(self, mark: ClaimantMark | None, what: str) -> None:
        """Store this annotator's correction of who claims the cursor sentence."""
        if not self._editable():
            return
        index = self.view.cursor
        if self._store_call(what, self.doc.set_claimant, index, mark):
            self._refresh_annotations()
            self.host.article_changed(self.article.id)

    def _selection_in_sentence(self) -> tuple[int, int] | None:
        """The span-mode selection as offsets from the cursor sentence's start."""
        if self.span_cursor is None:
            return None
        start, end = self.span_cursor.selection
        sentence = self.view.sentences[self.view.cursor]
        return start - sentence.start, end - sentence.start

    def _marked(self, part: str) -> None:
        where = self._selection_in_sentence()
        if where is None:
            return
        current = self._claimant_mark(self.view.cursor) or ClaimantMark()
        base = ClaimantMark(source=current.source, cue=current.cue)  # "no source" gives way
        words = short(self.article.text[self.span_cursor.selection[0] : self.span_cursor.selection[1]], 24)
        if getattr(base, part) == where:  # the same selection again: take the mark back
            mark = replace(base, **{part: None})
            what = f"{part} mark “{words}” taken back"
        else:
            mark = replace(base, **{part: where})
            what = f"{part} “{words}” saved"
        self._mark_claimant(mark if mark.value() else None, what)

    def action_span_source(self) -> None:
        self._marked("source")

    def action_span_cue(self) -> None:
        self._marked("cue")

    def action_span_no_source(self) -> None:
        """The sentence is the outlet's own (nobody is said to claim it); again: undo that."""
        if self.span_cursor is None:
            return
        current = self._claimant_mark(self.view.cursor)
        if current is not None and current.no_source:
            self._mark_claimant(None, "no-source mark taken back")
        else:
            self._mark_claimant(ClaimantMark(no_source=True), "no source (outlet) saved")
