"""Search (/): the search field, every hit in the article's body, n/N between hits,
escape to end it."""

from __future__ import annotations

from textual.widgets import Input

from tui import navigation
from tui.widgets.search_box import SearchBox


class Search:
    """Search in the article: ``search_query``, ``hits`` and ``hit_index``.

    The state it works on is the screen's (screen.py). Calls into status.py
    (`_update_status`).
    """

    def _search_field(self) -> SearchBox:
        """The search field, mounted the first time it is asked for."""
        if self.search_box is None:
            self.search_box = SearchBox(placeholder="search this article (enter: find, escape: cancel)", id="search")
            self.search_box.display = False
            self.mount(self.search_box, before="#reader-status")
        return self.search_box

    def action_search(self) -> None:
        field = self._search_field()
        field.display = True
        field.value = self.search_query or ""
        field.focus()

    def _submit_search(self, event: Input.Submitted) -> None:
        """enter in the search field: find every hit, go to the first one after the cursor."""
        event.stop()
        field = self._search_field()
        field.display = False
        self.view.focus()
        query = event.value.strip()
        if not query:
            self._end_search()
            return
        self.search_query = query
        start, end = self.article.body
        self.hits = navigation.find_all(self.article.text, query, start, end)
        if not self.hits:
            self.hit_index = None
            self.view.set_hits([], None)
            self.notify(f"no match for {query!r} in this article")
            self._update_status()
            self.refresh_bindings()
            return
        here = self.view.sentences[self.view.cursor].start if self.view.sentences else 0
        self.hit_index = next((i for i, hit in enumerate(self.hits) if hit[0] >= here), 0)
        self._show_hit()
        self.refresh_bindings()

    def _cancel_search(self) -> None:
        """escape in the search field: hide it, keep the search as it was."""
        self._search_field().display = False
        self.view.focus()

    def _step_hit(self, step: int) -> None:
        if not self.hits or self.hit_index is None:
            return
        self.hit_index = (self.hit_index + step) % len(self.hits)
        self._show_hit()

    def _show_hit(self) -> None:
        assert self.hit_index is not None
        self.view.set_hits(self.hits, self.hit_index)
        index = self.view.sentence_at(self.hits[self.hit_index][0])
        if index is not None and self.view.sentences:
            self._move(index)
        self._update_status()

    def _end_search(self) -> None:
        self.search_query = None
        self.hits, self.hit_index = [], None
        self.view.set_hits([], None)
        self.refresh_bindings()
        self._update_status()

    def action_previous_hit(self) -> None:
        self._step_hit(-1)
