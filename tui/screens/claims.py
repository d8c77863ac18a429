"""The corpus-wide claims view (palette: "Claims"): every sentence labelled as a claim,
with who claims it, the cue, the claim type, its figures and the article, grouped by
claimant; type to filter ("ministry", "percent", a type), enter opens the article at
the claim's sentence (in the filter: the first match). Before any claim is labelled,
the view lists what the suggestions take for claims, marked "suggested", as
``claimscope claims`` does, rather than an empty table.

The rows are those of ``claimscope claims`` (`annotations.claims.claim_rows`), read in a
thread from the store and the cached analyses (an article not analysed yet goes through
the app's analysis process). Every cell is `rich.text.Text`: article words never go
through markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from corpus.errors import ClaimscopeError
from tui.screens.corpus_table import CorpusTableScreen
from tui.shown import clean

if TYPE_CHECKING:
    from annotations.claims import ClaimRow


#: The claimant column's widest name: a long source ("Those who fled during the first
#: wave") is cut with "…" so the cue and type stay on an 80-column screen; the filter
#: still matches every word of it.
NAME_WIDTH = 28


def shortened(name: str, width: int = NAME_WIDTH) -> str:
    """``name`` on at most ``width`` characters, cut with "…"."""
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def haystack(row: ClaimRow) -> str:
    """The words a filter matches: claimant, cue, type, annotator, figures, article, sentence."""
    from annotations.claims import figure_words

    words = [row.claimant, row.cue[2] if row.cue else "", row.label, row.annotator, row.article_id, row.text]
    words += [figure_words(figure) for figure in row.figures]
    return " ".join(" ".join(words).split()).casefold()


class ClaimsScreen(CorpusTableScreen):
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

    NAME = "claims"
    COLUMNS = ("claimant", "cue", "type", "figures", "article", "sentence")
    PLACEHOLDER = "filter: a claimant, a claim type, a figure, an article…"
    READING = "reading the labels and analyses…"
    NOUN = "claim"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[ClaimRow, str]] = []
        self.suggested = False  # no claim labelled yet: the rows are the suggestions' claims

    @work(thread=True, exclusive=True, exit_on_error=False, group="claims")
    def load(self) -> None:
        """Labels from the store, analyses from the cache or the analysis process (never the UI thread)."""
        from annotations.claims import claim_rows

        pairs, missed = self.analysed()
        app = self.app
        try:
            rows = claim_rows(app.store, pairs)  # type: ignore[attr-defined]
            if not rows:  # nothing labelled as a claim yet: what the suggestions take for claims
                suggester = app.suggestions.suggester  # type: ignore[attr-defined]
                rows = claim_rows(app.store, pairs, suggester=suggester)  # type: ignore[attr-defined]
                self.suggested = bool(rows)
        except ClaimscopeError as error:
            app.call_from_thread(self._failed, str(error))
            return
        app.call_from_thread(self._read, [(row, haystack(row)) for row in rows], missed)

    def _failed(self, message: str) -> None:
        self.loaded = True
        self.query_one("#claims-status", Static).update(clean(Text(f"cannot list the claims: {message}")))

    def _read(self, rows: list[tuple[ClaimRow, str]], missed: int) -> None:
        self.rows = rows
        self.rows_read(missed)

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
            name = shortened(row.claimant) if row.claimant != previous else ""
            previous = row.claimant
            cells.append(tuple(map(clean, (
                Text(name, style="bold" if row.attributed else "dim"),
                Text(" ".join(row.cue[2].split()) if row.cue else "", style="italic"),
                Text(f"{row.label} (suggested)" if row.suggested else row.label, style="dim" if row.suggested else ""),
                Text("; ".join(figure_words(figure) for figure in row.figures), style="magenta"),
                Text(row.article_id, style="dim"),
                Text(" ".join(row.text.split())),
            ))))
        table.add_rows(cells)
        claimants = len({row.claimant for row in self.shown})
        missed = f" · {self.missed} articles not analysed (no model)" if self.missed else ""
        matching = f"{len(self.shown)} of {len(self.rows)}" if words else f"{len(self.rows)}"
        plural = "" if len(self.rows) == 1 and not words else "s"
        what = "suggested claim" if self.suggested else "claim"
        self.status(
            f"{matching} {what}{plural} by {claimants} claimant{'' if claimants == 1 else 's'}"
            f" · enter opens the sentence{missed}"
            + (" · none labelled yet: label them in the reader to make them claims" if self.suggested else "")
        )

    def open_row(self, number: int) -> None:
        """Open the article of shown row ``number`` at its claim's sentence."""
        if 0 <= number < len(self.shown):
            row = self.shown[number]
            self.host.open_article(row.article_id, row.sentence_index)
