"""Sentence boundaries: m merges the cursor sentence with the next, S (span mode)
splits it before the token under the cursor; the view is rebuilt from the store's
sentence list whenever it differs from the analyser's."""

from __future__ import annotations

from dataclasses import replace

from corpus.model import Analysis


class SentenceBoundaries:
    """Merging and splitting sentences, and showing the corrected sentence list.

    The state it works on is the screen's (screen.py). Calls into labelling.py
    (`_editable`, `_store_call`); panel.py (`_apply_layers`); spans.py
    (`_leave_span_mode`).
    """

    def _corrected(self, analysis: Analysis) -> Analysis:
        """``analysis`` with the sentences the store holds (a person merged or split some)."""
        if self.doc is None or self.doc.sentences is analysis.sentences:
            return analysis
        return replace(analysis, sentences=self.doc.sentences)

    def _show_sentences(self) -> None:
        """Redraw with the store's sentence list when a merge or split (or its undo) changed it."""
        assert self.model_analysis is not None
        analysis = self._corrected(self.model_analysis)
        if self.analysis is not None and analysis.sentences == self.analysis.sentences:
            return
        self.analysis = analysis
        scroll = self.view.scroll_y
        self.range_anchor = None
        self.view.load(self.article, analysis)
        self._apply_layers()
        self.view.scroll_to(y=scroll, animate=False)
        self._status_for = None

    def action_merge_sentence(self) -> None:
        """m: merge the sentence with the next one (a quote cut from its attribution)."""
        if not self._editable():
            return
        index = self.view.cursor
        if self._store_call(f"s{index + 1} and s{index + 2} merged (u undoes)", self.doc.merge_sentences, index):
            self._boundaries_changed(index)

    def action_span_split(self) -> None:
        """S in span mode: split the sentence before the token under the cursor."""
        if self.span_cursor is None or not self._editable():
            return
        index, at = self.view.cursor, self.span_cursor.token[0]
        self._leave_span_mode()
        if self._store_call(f"s{index + 1} split in two (u undoes)", self.doc.split_sentence, index, at):
            self._boundaries_changed(index)

    def _boundaries_changed(self, index: int) -> None:
        self._show_sentences()
        self._refresh_annotations()
        self._move(index)
        self.host.article_changed(self.article.id)
