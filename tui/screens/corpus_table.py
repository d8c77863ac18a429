"""What the corpus-wide views (palette: "Figures", "Claims") share: a filter field on
top, a status line, a table of rows over the whole corpus and a footer; the analyses
read off the UI thread (the cache, else the app's analysis process); enter in the filter
opens the first match (or, with no filter, goes to the table), enter on a row opens
its article at the row's sentence, escape goes back.

A view says what its rows are (`load`, in a thread worker, then `rows_read`), how they are
shown for the filter (`refill`) and where a row opens (`open_row`); its bindings keep
their own ids (config remaps name them).
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from corpus.errors import ClaimscopeError


class CorpusHost(Protocol):
    """What the views need of the app (kept small, so they do not import it)."""

    corpus: Any
    analyzer: Any
    analysis_process: Any

    def open_article(self, article_id: str, sentence: int | None = None) -> None: ...


class CorpusTableScreen(Screen[None]):
    """A filtered table over the corpus; subclasses fill it (see the module's docstring)."""

    #: the ids' stem (``NAME-filter``, ``NAME-status``, ``NAME-table``), the columns,
    #: the filter's placeholder, the status before the rows are read, and the noun a
    #: filter with no match is told about ("no figure matches the filter")
    NAME = ""
    COLUMNS: tuple[str, ...] = ()
    PLACEHOLDER = ""
    READING = "reading the analyses…"
    NOUN = "row"

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[Any] = []
        self.loaded = False
        self.missed = 0  # articles left out: not in the cache and no model to analyse them
        self._open_first = False  # enter was pressed in the filter before the rows were read

    @property
    def host(self) -> CorpusHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.PLACEHOLDER, id=f"{self.NAME}-filter")
        yield Static(self.READING, id=f"{self.NAME}-status", markup=False)
        table: DataTable[Text] = DataTable(id=f"{self.NAME}-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in self.COLUMNS:
            table.add_column(name, key=name)
        self.query_one(Input).focus()
        self.load()

    def load(self) -> None:
        """Read the rows (a thread worker in each view), then call `rows_read` on the UI thread."""
        raise NotImplementedError

    def analysed(self) -> tuple[list[tuple[Any, Any]], int]:
        """Every article with its analysis (from a worker thread: the cache, else the
        analysis process), and how many were left out for want of a model."""
        host = self.host
        pairs, missed = [], 0
        for article in host.corpus.articles:
            analysis = host.analyzer.cached(article)
            if analysis is None:
                try:
                    analysis = host.analysis_process.analyze(host.analyzer, article)
                except ClaimscopeError:
                    missed += 1  # no model: only what the cache holds is shown
                    continue
            pairs.append((article, analysis))
        return pairs, missed

    def rows_read(self, missed: int) -> None:
        """The rows are read: show them (and open the first match if enter came first)."""
        self.loaded, self.missed = True, missed
        self.refill()
        if self._open_first:
            self._open_first = False
            self._filter_submitted()

    def refill(self) -> None:
        """Show the rows that match the filter."""
        raise NotImplementedError

    def open_row(self, number: int) -> None:
        """Open the article of shown row ``number`` at its sentence."""
        raise NotImplementedError

    def status(self, text: str) -> None:
        """Say ``text`` on the status line (plain text: never markup)."""
        self.query_one(f"#{self.NAME}-status", Static).update(Text(text))

    @on(Input.Changed)
    def _filter_changed(self) -> None:
        if self.loaded:
            self.refill()

    @on(Input.Submitted)
    def _filter_submitted(self) -> None:
        """Enter in the filter opens the first match; with no filter it goes to the table."""
        if not self.query_one(Input).value.strip():
            self.query_one(DataTable).focus()
        elif not self.loaded:
            self._open_first = True  # the rows are still being read: open it when they are
        elif self.shown:
            self.open_row(0)
        else:
            self.notify(f"no {self.NOUN} matches the filter", severity="warning", timeout=3)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.cursor_row)

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
