"""The corpus-wide claims view (palette: "Claims"): every sentence labelled as a claim,
with who claims it, the cue, the claim type, its figures and the article, grouped by
claimant; type to filter ("ministry", "percent", a type), enter opens the article at
the claim's sentence (in the filter: the first match).

The rows are those of ``claimscope claims`` (`annotations.claims.claim_rows`), read in a
thread from the store and the cached analyses (an article not analysed yet goes through
the app's analysis process). Every cell is `rich.text.Text`: article words never go
through markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from corpus.errors import ClaimscopeError
from tui.shown import clean

if TYPE_CHECKING:
    from annotations.claims import ClaimRow


class ClaimsHost(Protocol):
    """What the screen needs of the app (kept small, so the screen does not import it)."""

    corpus: Any
    analyzer: Any
    analysis_process: Any
    store: Any

    def open_article(self, article_id: str, sentence: int | None = None) -> None: ...


def haystack(row: ClaimRow) -> str:
    """The words a filter matches: claimant, cue, type, annotator, figures, article, sentence."""
    from annotations.claims import figure_words

    words = [row.claimant, row.cue[2] if row.cue else "", row.label, row.annotator, row.article_id, row.text]
    words += [figure_words(figure) for figure in row.figures]
    return " ".join(" ".join(words).split()).casefold()


class ClaimsScreen(Screen[None]):
    """Every labelled claim of the corpus with its claimant; type to filter."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="claims.back"),
        Binding("ctrl+f", "focus_filter", "Filter", id="claims.filter"),
        Binding("down", "focus_table", "Matches", id="claims.table", show=False),
    ]

    DEFAULT_CSS = """
    ClaimsScreen #claims-filter { dock: top; }
    ClaimsScreen #claims-status { dock: top; height: 1; padding: 0 1; color: $text-muted; }
    ClaimsScreen DataTable { height: 1fr; }
    """

    COLUMNS = ("claimant", "cue", "type", "figures", "article", "sentence")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[ClaimRow, str]] = []
        self.shown: list[ClaimRow] = []
        self.loaded = False
        self.missed = 0
        self._open_first = False

    @property
    def host(self) -> ClaimsHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: a claimant, a claim type, a figure, an article…", id="claims-filter")
        yield Static("reading the labels and analyses…", id="claims-status", markup=False)
        table: DataTable[Text] = DataTable(id="claims-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in self.COLUMNS:
            table.add_column(name, key=name)
        self.query_one(Input).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="claims")
    def load(self) -> None:
        """Labels from the store, analyses from the cache or the analysis process (never the UI thread)."""
        from annotations.claims import claim_rows

        host = self.host
        pairs, missed = [], 0
        for article in host.corpus.articles:
            analysis = host.analyzer.cached(article)
            if analysis is None:
                try:
                    analysis = host.analysis_process.analyze(host.analyzer, article)
                except ClaimscopeError:
                    missed += 1
                    continue
            pairs.append((article, analysis))
        try:
            rows = claim_rows(host.store, pairs)
        except ClaimscopeError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._loaded, [(row, haystack(row)) for row in rows], missed)

    def _failed(self, message: str) -> None:
        self.loaded = True
        self.query_one("#claims-status", Static).update(clean(Text(f"cannot list the claims: {message}")))

    def _loaded(self, rows: list[tuple[ClaimRow, str]], missed: int) -> None:
        self.rows, self.loaded, self.missed = rows, True, missed
        self.refill()
        if self._open_first:
            self._open_first = False
            self._filter_submitted()

    def refill(self) -> None:
        """Show the claims that match the filter (every word, any case), grouped by claimant."""
        from annotations.claims import figure_words

        words = self.query_one(Input).value.casefold().split()
        self.shown = [row for row, hay in self.rows if all(word in hay for word in words)]
        table = self.query_one(DataTable)
        table.clear()
        previous = None
        cells = []
        for row in self.shown:
            name = row.claimant if row.claimant != previous else ""
            previous = row.claimant
            cells.append(tuple(map(clean, (
                Text(name, style="bold" if row.attributed else "dim"),
                Text(" ".join(row.cue[2].split()) if row.cue else "", style="italic"),
                Text(row.label),
                Text("; ".join(figure_words(figure) for figure in row.figures), style="magenta"),
                Text(row.article_id, style="dim"),
                Text(" ".join(row.text.split())),
            ))))
        table.add_rows(cells)
        claimants = len({row.claimant for row in self.shown})
        missed = f" · {self.missed} articles not analysed (no model)" if self.missed else ""
        matching = f"{len(self.shown)} of {len(self.rows)}" if words else f"{len(self.rows)}"
        plural = "" if len(self.rows) == 1 and not words else "s"
        self.query_one("#claims-status", Static).update(
            Text(
                f"{matching} claim{plural} by {claimants} claimant{'' if claimants == 1 else 's'}"
                f" · enter opens the sentence{missed}"
            )
        )

    @on(Input.Changed, "#claims-filter")
    def _filter_changed(self) -> None:
        if self.loaded:
            self.refill()

    @on(Input.Submitted, "#claims-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter opens the first match; with no filter it goes to the table."""
        if not self.query_one(Input).value.strip():
            self.query_one(DataTable).focus()
        elif not self.loaded:
            self._open_first = True
        elif self.shown:
            self.open_row(0)
        else:
            self.notify("no claim matches the filter", severity="warning", timeout=3)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.cursor_row)

    def open_row(self, number: int) -> None:
        """Open the article of shown row ``number`` at its claim's sentence."""
        if 0 <= number < len(self.shown):
            row = self.shown[number]
            self.host.open_article(row.article_id, row.sentence_index)

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
