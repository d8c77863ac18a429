"""The agreement view (palette: "Agreement"): the tables of `claimscope agree`, computed
off the UI thread from every annotator's shard. Names and labels are rich `Text`."""

from __future__ import annotations

from typing import Any, Callable

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from corpus.errors import ClaimscopeError
from tui.shown import clean


class AgreementScreen(Screen[None]):
    """Agreement between the store's annotators; escape closes."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, store: Any, analyses: Callable[[str], Any] | None = None) -> None:
        super().__init__()
        self.store = store
        self.analyses = analyses  # article id -> cached analysis: the claimant agreement too

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("computing agreement..."), id="agreement")
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def compute(self) -> None:
        from annotations.agreement import store_agreement
        from tui.agreement_tables import tables

        self.store.flush()  # every annotator's files are read, this one's queued labels too
        try:
            # Annotator names and labels come from the store: their control characters made visible.
            report = store_agreement(self.store, analyses=self.analyses)
            shown: Any = Group(*(clean(table) for table in tables(report)))
        except ClaimscopeError as error:
            shown = clean(Text(str(error)))
        self.app.call_from_thread(self.query_one("#agreement", Static).update, shown)
