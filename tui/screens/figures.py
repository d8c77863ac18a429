"""The corpus-wide figures view (palette: "Figures"): every figure with its value, unit
and sentence, filtered as you type and sorted by a key or a click on a column header;
enter opens the article at the figure's sentence (in the filter: the first match).

A reader sees here the same number reported differently in two articles: type
"recruits" or "percent" and the figures about them line up. Analyses come from the
cache; an article not analysed yet goes through the app's analysis process, so the
table fills without the UI waiting on spaCy. Every cell is `rich.text.Text`: article
words never go through markup.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable, Input

from corpus.readings import FigureRow, figure_rows, select_rows, value_text
from tui.screens.corpus_table import CorpusTableScreen
from tui.shown import clean

if TYPE_CHECKING:
    from corpus.model import Analysis, Article

#: The orders ``s`` cycles through, as `select_rows` names them.
SORTS = ("article", "value", "unit")


@dataclass(frozen=True, slots=True)
class Figure:
    """A row of the view: the figure, the sentence it is in, and the words a filter matches."""

    row: FigureRow
    sentence_index: int | None
    haystack: str  # lower-case figure, unit, counted noun, change, article id and sentence


def matches(figure: Figure, query: str) -> bool:
    """Every word of ``query`` is in the figure's words (any case)."""
    return all(word in figure.haystack for word in query.lower().split())


def figures_of(pairs: Sequence[tuple[Article, Analysis]]) -> list[Figure]:
    """The view's rows for analysed articles, in article and text order."""
    starts = {article.id: [s.start for s in analysis.sentences] for article, analysis in pairs}
    out = []
    for row in figure_rows(pairs):
        reading = row.reading
        words = [row.text, row.label, row.article_id, " ".join(row.sentence.split())]
        if reading is not None:
            words += [reading.unit or "", reading.counted or "", reading.change, value_text(reading.value)]
        index = bisect_right(starts[row.article_id], row.start) - 1
        out.append(Figure(row, index if index >= 0 else None, " ".join(words).lower()))
    return out


class FiguresScreen(CorpusTableScreen):
    """Every figure of the corpus; type to filter, ``ctrl+s`` to change the order."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="figures.back"),
        Binding("ctrl+s", "cycle_sort", "Sort", id="figures.sort"),
        Binding("ctrl+f", "focus_filter", "Filter", id="figures.filter"),
        # From the filter, down goes to the matches (the table's own down moves its cursor).
        Binding("down", "focus_table", "Matches", id="figures.table", show=False),
    ]

    DEFAULT_CSS = """
    FiguresScreen #figures-filter { dock: top; }
    FiguresScreen #figures-status { dock: top; height: 1; padding: 0 1; color: $text-muted; }
    FiguresScreen DataTable { height: 1fr; }
    """

    NAME = "figures"
    COLUMNS = ("figure", "value", "unit", "change", "counted", "article", "sentence")
    PLACEHOLDER = "filter: recruits, percent, USD, an article…"
    NOUN = "figure"

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[Figure] = []
        self.sort = SORTS[0]

    @work(thread=True, exclusive=True, exit_on_error=False, group="figures")
    def load(self) -> None:
        """Analyses from the cache, the rest from the app's analysis process (thread: never the UI)."""
        pairs, missed = self.analysed()
        figures = figures_of(pairs)
        self.app.call_from_thread(self._read, figures, missed)

    def _read(self, figures: list[Figure], missed: int) -> None:
        self.figures = figures
        self.rows_read(missed)

    def refill(self) -> None:
        """Show the figures that match the filter, in the chosen order."""
        query = self.query_one(Input).value
        wanted = [f for f in self.figures if matches(f, query)] if query.strip() else list(self.figures)
        by_row = {id(f.row): f for f in wanted}
        self.shown = [by_row[id(row)] for row in select_rows([f.row for f in wanted], sort=self.sort)]
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            [
                # article text and file names: control characters made visible
                tuple(map(clean, (
                    Text(f.row.text, style="bold magenta"),
                    Text(value_text(f.row.reading.value, f.row.reading.shape) if f.row.reading else "", justify="right"),
                    Text((f.row.reading.unit or "") if f.row.reading else ""),
                    Text(f.row.reading.change if f.row.reading else ""),
                    Text((f.row.reading.counted or "") if f.row.reading else ""),
                    Text(f.row.article_id, style="dim"),
                    Text(" ".join(f.row.sentence.split())),
                )))
                for f in self.shown
            ]
        )
        total = len(self.figures)
        missed = f" · {self.missed} articles not analysed (no model)" if self.missed else ""
        matching = f"{len(self.shown)} of {total}" if query.strip() else f"{total}"
        self.status(f"{matching} figures · sorted by {self.sort} (ctrl+s) · enter opens the sentence{missed}")

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in SORTS:
            self.sort = key
        elif key == "figure":
            self.sort = "value"
        self.refill()

    def open_row(self, number: int) -> None:
        """Open the article of shown row ``number`` at its figure's sentence."""
        if not 0 <= number < len(self.shown):
            return
        figure = self.shown[number]
        self.host.open_article(figure.row.article_id, figure.sentence_index)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refill()
