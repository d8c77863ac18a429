"""What the open article's labels say, as the other parts ask it: which sentences are
reviewed, which are headings nobody labelled (skipped), which carry a given label, the
other annotators' labels, and the gutter mark of one stored record."""

from __future__ import annotations

from typing import Any

from corpus.errors import ClaimscopeError
from tui.widgets.article_view import Mark


class ArticleLabels:
    """The open article's labels, read for the other parts (no widgets are touched here but
    the view's cursor).

    The state it works on is the screen's (screen.py). It calls no other part.
    """

    def _skipped(self) -> set[int]:
        """Headings, captions and credits nobody labelled: progress and advance pass them by."""
        if self.analysis is None:
            return set()
        sentences = self.analysis.sentences
        if self._non_sentences[0] is not sentences:  # found once per set of sentences, not per key
            self._non_sentences = (sentences, tuple(i for i, s in enumerate(sentences) if s.non_sentence))
        labels = self.doc.labels if self.doc is not None else {}
        return {i for i in self._non_sentences[1] if i not in labels or labels[i].label is None}

    def _total(self) -> int:
        """The sentences that count toward this article's progress."""
        return len(self.analysis.sentences) - len(self._skipped()) if self.analysis is not None else 0

    def _reviewed(self) -> set[int]:
        if self.doc is None:
            return set()
        return {i for i, record in self.doc.labels.items() if record.label is not None}

    def _with_label(self, name: str) -> list[int]:
        """The sentences labelled ``name``, in reading order."""
        labels = self.doc.labels if self.doc is not None else {}
        return sorted(i for i, record in labels.items() if record.label == name)

    def _load_others(self) -> None:
        """Read the other annotators' labels of this article (once per opening and reload,
        never per key: the side panel and review mode show them for the cursor)."""
        self.others = {}
        if self.analysis is None:
            return
        try:
            self.others = self.host.store.others_labels(self.article, self.analysis.sentences)
        except ClaimscopeError as error:  # a colleague's unreadable file: their labels stay unseen
            self.notify(str(error), title="Other annotators' labels", severity="warning", timeout=10)

    def _others_here(self) -> list[tuple[str, str, str]]:
        """``(annotator, label, note)`` of the other annotators for the cursor sentence."""
        return [
            (record.annotator, record.label or "", " ".join((record.note or "").split()))
            for record in self.others.get(self.view.cursor, ())
        ]

    def _mark(self, record: Any) -> Mark | None:
        scheme = self.host.scheme
        star, note = record.checkworthy, bool(record.note)
        if record.label is None:
            if star or note:
                return Mark(key="·", color="#808080", checkworthy=star, claim=False, note=note, labelled=False)
            return None
        label = scheme.get(record.label)
        if label is None:  # a label the scheme no longer has: shown, named, in red
            return Mark(key="?", color="#ff5555", checkworthy=star, name=record.label, note=note)
        return Mark(
            key=label.key, color=label.color, checkworthy=star, claim=label.claim, name=label.name, note=note
        )
