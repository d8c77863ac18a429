"""Claim suggestions in the reader: scoring the article's sentences in a thread worker,
ghost labels in the view, the status line's "suggested ... (enter)", enter to accept,
and the most-useful-next order for space and advance. The app's side (models,
retraining) is `tui.suggestions`."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.message import Message

from corpus.model import Analysis, Article
from tui import navigation


class SuggestionsReady(Message):
    """The worker scored the sentences of an analysis for claim suggestions."""

    def __init__(self, article_id: str, analysis: Analysis, suggestions: list[Any]) -> None:
        self.article_id = article_id
        self.analysis = analysis
        self.suggestions = suggestions
        super().__init__()


class Suggesting:
    """Suggestions for the open article: ``suggestions`` holds one per sentence once
    scored.

    The state it works on is the screen's (screen.py). Calls into labelling.py
    (`_advance`, `_after_sentence_edit`, `_editable`, `_store_call`); labels_here.py
    (`_reviewed`); status.py (`_say`, `_update_status`).
    """

    def _load_suggestions(self, keep_ghosts: bool = False) -> None:
        """Score this article's sentences off the UI thread; ghost labels follow.

        ``keep_ghosts``: a newer model for the same sentences; the old ghosts stay until
        the new ones are in, so nothing blinks, and scores the training process already
        made are shown at once (no worker, no extra frame).
        """
        self._suggested_for = self.analysis
        if self.analysis is not None and keep_ghosts:
            ready = self.host.suggestions.scored(self.article, self.analysis)
            if ready is not None:
                self._show_suggestions(ready)
                return
        if not keep_ghosts:
            self.suggestions = []
            self.view.set_ghosts({})
        if self.analysis is not None and self.analysis.sentences:
            self._score_article(self.article, self.analysis)

    @work(thread=True, exclusive=True, exit_on_error=False, group="suggest", description="score sentences")
    def _score_article(self, article: Article, analysis: Analysis) -> None:
        scores = self.host.suggestions.for_article(article, analysis)
        self.post_message(SuggestionsReady(article.id, analysis, scores))

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        if message.article_id != self.article.id or message.analysis is not self.analysis:
            return  # another article, or the sentences changed since (a merge or split)
        self._show_suggestions(message.suggestions)

    def _show_suggestions(self, suggestions: Any) -> None:
        self.suggestions = suggestions
        self.view.set_ghosts({i: s.label for i, s in enumerate(self.suggestions) if s.label})
        self.host.suggestions.note_reviewed(self.article.id, self._reviewed())
        self._update_status()
        if self.host.list_screen is not None:
            self.host.list_screen.expected_changed()  # this article may not have been scored before

    def _model_changed(self) -> None:
        """A newer suggestion model is in use: score this article again."""
        if self.analysis is not None:
            self._load_suggestions(keep_ghosts=True)

    def _suggestion(self, index: int) -> Any:
        """The suggestion for sentence ``index``, once scored."""
        if self.analysis is None or len(self.suggestions) != len(self.analysis.sentences):
            return None
        return self.suggestions[index]

    def _suggestion_status(self, index: int) -> list[Content | str | tuple[str, str]]:
        """``suggested quantity 0.82 (enter)`` for an unreviewed sentence (the key accepts it)."""
        suggestion = self._suggestion(index)
        if suggestion is None or suggestion.label is None:
            return []
        key = self.app.get_key_display(Binding(self._key_of("reader.accept_suggestion"), ""))
        return [("suggested ", "dim"), Content(suggestion.label), (f" {suggestion.score:.2f} ({key})", "dim")]

    def _key_of(self, binding_id: str) -> str:
        return next((b.key.split(",")[0] for b in self.host.reader_keys if b.id == binding_id), "enter")

    def _most_useful(self) -> bool:
        return self.host.suggestions.order == "most-useful"

    def _next_open(self, done: set[int], after: int) -> int | None:
        """The next unreviewed sentence: in reading order, or the most useful one next
        (closest to the claim/not-claim boundary) when that order is chosen."""
        if self._most_useful() and self._suggestion(0) is not None:
            from annotations.suggest.ranking import most_useful

            return most_useful(self.suggestions, done)
        return navigation.next_unreviewed(len(self.view.sentences), done, after)

    def _learn(self, count: int) -> None:
        """Labels were added: tell the suggestions (they retrain after every few)."""
        self.host.suggestions.note_reviewed(self.article.id, self._reviewed())
        self.host.suggestions.labelled(count)

    def action_accept_suggestion(self) -> None:
        """enter: give the sentence under the cursor its suggested label (kept as ``source: suggestion``)."""
        if not self._editable():
            return
        if self.range_anchor is not None:
            self._say("enter accepts one sentence's suggestion; a label key labels the selection")
            return
        index = self.view.cursor
        record = self.doc.labels.get(index)
        if record is not None and record.label is not None:
            self._say(f"s{index + 1} is labelled {record.label} already")
            return
        suggestion = self._suggestion(index)
        if suggestion is None or suggestion.label is None:
            self._say("no suggestion for this sentence yet")
            return
        accept = partial(self.doc.set_label, source="suggestion")
        if self._store_call(f"s{index + 1} {suggestion.label} saved (suggestion)", accept, index, suggestion.label):
            self.host.pace.add(1)
            self._learn(1)
            self._after_sentence_edit(index)
            self._advance(index)
