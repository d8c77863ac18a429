"""The article list: one row per article (and per file that failed to load).

Counts that need an analysis (entities, figures) are read from the analysis cache in a
thread worker after the list is shown, so a large corpus is interactive at once. The
table draws only the rows on screen (`tui.widgets.article_table`), so filling, sorting
and filtering a thousand rows costs no more than ten.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from corpus.listing import body_words
from corpus.model import Article, ArticleError
from corpus.terminal import visible
from tui.widgets.article_table import ArticleTable, Column
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from tui.host import Host

#: (column key, heading, short heading for narrow terminals, fixed width) in display order.
COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("title", "Title", "Title", 0),
    ("source", "Source", "", 14),
    ("date", "Date", "Date", 12),
    ("words", "Words", "Words", 5),
    ("entities", "Entities", "Ents", 8),
    ("figures", "Figures", "Figs", 7),
    ("claims", "Claims", "Clms", 6),
    ("reviewed", "Reviewed", "Rev", 8),
    ("expected", "Expected", "Exp", 9),  # expected claims, from the suggestions (room for the sort arrow)
)
#: Below this width the list drops the source column and uses the short headings.
NARROW = 110
_NUMERIC = {"words", "entities", "figures", "claims", "expected", "reviewed"}
ERROR_PREFIX = "error:"


@dataclass
class Row:
    """What the list shows for one article or load error."""

    id: str
    title: str
    source: str = ""
    date: str = ""
    words: int | None = None  # counted when first shown or sorted on (see `word_count`)
    entities: int | None = None
    figures: int | None = None
    claims: int = 0
    expected: float | None = None  # the sum of the sentences' claim scores (analysed articles)
    reviewed: int = 0
    total: int = 0
    error: str | None = None
    article: Article | None = field(default=None, repr=False)

    def word_count(self) -> int:
        """Words in the article's body (counted once, when first needed)."""
        if self.words is None:
            self.words = body_words(self.article) if self.article is not None else 0
        return self.words

    @property
    def reviewed_share(self) -> float | None:
        return self.reviewed / self.total if self.total else None

    def sort_value(self, column: str) -> Any:
        if column == "reviewed":
            share = self.reviewed_share
            return -1.0 if share is None else share
        if column == "words":
            return self.word_count()
        value = getattr(self, column)
        if value is None:
            return -1
        return value.casefold() if isinstance(value, str) else value

    def cells(self, narrow: bool = False) -> list[Text]:
        """The row's cells in column order (the table cuts them to their column's width)."""
        columns = len(COLUMNS) - (1 if narrow else 0)
        if self.error is not None:
            where = "" if self.error.startswith(self.id) else f"{self.id}: "
            message = Text(f"⚠ {where}{self.error}", style="bold red")
            return [message] + [Text("")] * (columns - 1)
        source = [] if narrow else [Text(self.source)]
        return [
            Text(self.title),
            *source,
            Text(self.date),
            _number(self.word_count()),
            _number(self.entities),
            _number(self.figures),
            _number(self.claims),
            Text(f"{self.reviewed}/{self.total}" if self.total else "–", justify="right"),
            Text("–" if self.expected is None else f"{self.expected:.1f}", justify="right"),
        ]

    def matches(self, query: str) -> bool:
        haystack = " ".join((self.title, self.source, self.date, self.id, self.error or ""))
        return all(word in haystack.casefold() for word in query.casefold().split())


def display_path(path: Path | str) -> str:
    """A path as a person would type it: relative to the working folder, or with ~."""
    return _display_path(str(path), os.getcwd())


@functools.lru_cache(maxsize=64)
def _display_path(where: str, cwd: str) -> str:
    # resolve() costs a few system calls per part: the header asks for the same paths often
    path = Path(where)
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            relative = path.resolve().relative_to(base.resolve())
        except (ValueError, OSError):
            continue
        return prefix + str(relative) if str(relative) != "." else (prefix.rstrip("/") or ".")
    return str(path)


def _number(value: int | None) -> Text:
    return Text("–" if value is None else str(value), justify="right")


def article_row(article: Article) -> Row:
    """A row for an article, before its counts are known."""
    return Row(
        id=article.id,
        title=article.title or article.id,
        source=article.meta.get("source", ""),
        date=article.meta.get("date", ""),
        article=article,
    )


def error_row(error: ArticleError) -> Row:
    """A row of its own for a file that could not be read."""
    return Row(id=error.id, title=error.id, error=error.message)


class CountsReady(Message):
    """Entity, figure and sentence counts read from the analysis cache (article id -> counts)."""

    def __init__(self, counts: dict[str, tuple[int, int, int]]) -> None:
        self.counts = counts
        super().__init__()


class ArticlesScreen(Screen[None]):
    """The corpus as a sortable, filterable table."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="list.filter"),
        Binding("s", "sort_next", "Sort", id="list.sort"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="list.sort_reverse"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="list.clear_filter"),
        Binding("q", "app.quit", "Quit", id="list.quit"),
    ]
    AUTO_FOCUS = "#articles"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self._expected_stale = False  # new expected claims came while the list was hidden
        self._rows_stale: set[str] = set()  # rows whose counts changed while the list was hidden
        self._by_id: dict[str, Row] = {}
        self.order: list[str] = []
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.filter_text = ""
        self._narrow: bool | None = None
        self._store_errors_told: set[str] = set()  # unreadable store files, each named once
        self._first_frame = True  # the first frame is drawn at the first idle (`on_idle`)
        self._waiting_first_frame: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []

    @property
    def host(self) -> Host:
        """The app, as far as this screen needs it (`tui.host.Host`)."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="list-header")
        yield Input(placeholder="filter: words in title, source, date or file", id="filter")
        yield ArticleTable(id="articles")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        corpus = self.host.corpus
        self.rows = [article_row(article) for article in corpus.articles]
        self.rows += [error_row(error) for error in corpus.errors]
        self._by_id = {row.id: row for row in self.rows}
        self.update_header()
        self.refresh_progress()
        self.rebuild()
        self.expected_changed()  # the suggestions may have scored the corpus before the list was up
        # The counts come from a thread: started after the first paint, so it does not slow it.
        self.after_first_frame(self.read_counts, list(corpus.articles))

    def after_first_frame(self, callback: Callable[..., Any], *args: Any) -> None:
        """Call ``callback(*args)`` once the list's first frame is on the terminal."""
        if self._first_frame:
            self._waiting_first_frame.append((callback, args))
        else:
            self.call_after_refresh(callback, *args)

    def on_idle(self) -> None:
        # The list is composed inside the app's start-up batch: a refresh in the batch
        # is never shown (so `call_after_refresh` would run work before any frame), and
        # the frame after it would wait for the screen's update timer (1/60 s). The first
        # idle after the batch draws the frame now, then lets the waiting work start.
        if not self._first_frame or getattr(self.app, "_batch_count", 0):  # (Textual 8's start-up batch)
            return
        self._first_frame = False
        paint = getattr(self, "_on_timer_update", None)  # what the update timer runs (Textual 8)
        if paint is not None and self.is_current:
            paint()
        for callback, args in self._waiting_first_frame:
            self.call_after_refresh(callback, *args)
        self._waiting_first_frame.clear()

    def update_header(self) -> None:
        app = self.host
        store = app.store
        parts: list[Any] = [
            ("annotator ", "dim"),
            Content(visible(app.annotator)),
            ("  ·  ", "dim"),
            (f"{len(app.corpus.articles)} articles", "bold"),
        ]
        reviewed, total, unknown = self.progress()
        if total:
            parts += [("  ·  ", "dim"), (f"{reviewed}/{total} reviewed", "bold")]
            if unknown:
                parts.append((f" ({unknown} not analysed yet)", "dim"))
        if app.corpus.errors:
            parts.append((f", {len(app.corpus.errors)} unreadable", "bold $error"))
        if store.read_only:
            parts += ["  ", (" READ-ONLY ", "bold reverse $warning")]
        parts += [
            "\n",
            ("corpus ", "dim"),
            Content(visible(display_path(app.corpus.root))),
            ("  store ", "dim"),
            Content(visible(display_path(store.path))),
        ]
        if store.read_only:
            reason = store.read_only_reason or "another claimscope holds the lock"
            parts += ["\n", Content(visible(reason))]
        self.query_one("#list-header", Static).update(Content.assemble(*parts))

    @work(thread=True, exclusive=True, exit_on_error=False, group="counts", description="read cached counts")
    def read_counts(self, articles: list[Article]) -> None:
        """Read cached analyses in a thread (never spaCy) and send the counts back."""
        analyzer = self.host.analyzer
        counts: dict[str, tuple[int, int, int]] = {}
        for article in articles:
            try:
                found = analyzer.counts(article)
            except Exception:  # a damaged cache entry only costs the counts of one row
                continue
            if found is not None:
                counts[article.id] = (found.entities, found.figures, found.sentences)
        self.post_message(CountsReady(counts))

    def on_counts_ready(self, message: CountsReady) -> None:
        for row in self.rows:
            if row.id in message.counts and row.error is None:
                row.entities, row.figures, sentences = message.counts[row.id]
                row.total = row.total or sentences  # the store's count wins: it is of the opened text
        self.update_header()
        self.query_one(ArticleTable).refresh_rows()  # one repaint for the lot

    def analysed(self, article_id: str, entities: int, figures: int, sentences: int) -> None:
        """Fill one row's entity, figure and sentence counts from an analysis made now.

        The counts read at start-up come from the cache alone, so an article first
        analysed in this session (opened in the reader) would keep its dashes until
        the next start.
        """
        row = self._by_id.get(article_id)
        if row is None or row.error is not None:
            return
        if (row.entities, row.figures) == (entities, figures) and row.total:
            return
        row.entities, row.figures = entities, figures
        row.total = row.total or sentences  # the store's count wins, as in on_counts_ready
        self._redraw_row(article_id)

    def _redraw_row(self, article_id: str | None) -> None:
        """Draw the header and the row ``article_id`` again (None: the header alone), or,
        under the reader, mark the row to be drawn when the list is shown again."""
        if not self.is_mounted:
            return
        if article_id is not None and self.app.screen_stack[-1:] != [self]:
            # Under the reader (a label key): the rows hold the counts now; the hidden
            # header and row are drawn when the list is shown again, not in the key's frame.
            self._rows_stale.add(article_id)
            return
        self.update_header()
        if article_id is not None:
            self.query_one(ArticleTable).refresh_row(article_id)

    def refresh_progress(self, article_id: str | None = None) -> None:
        """Read claims and reviewed counts from the store (all rows, or one)."""
        try:
            summary = self.host.store.summary()
        except Exception as error:  # a damaged store file must not hide the list
            self.notify(f"could not read progress from the store: {error}", severity="error")
            return
        for item in summary.values():
            if item.error and item.error not in self._store_errors_told:
                self._store_errors_told.add(item.error)  # its labels are not counted: say which file
                self.notify(item.error, severity="error", timeout=10)
        for row in self.rows:
            if row.error is None and (article_id is None or row.id == article_id):
                item = summary.get(row.id)
                if item is not None:
                    row.claims, row.reviewed = item.claims, item.reviewed
                    row.total = item.total or row.total  # 0: never opened, the cache may know
        self._redraw_row(article_id)

    def expected_changed(self) -> None:
        """The suggestions scored the corpus (again): show each article's expected claims.

        Under the reader this waits until the list is shown again: a new model comes
        every few labels, and the hidden table need not follow each one.
        """
        if self.is_mounted and self.app.screen_stack[-1:] != [self]:
            self._expected_stale = True
            return
        self._expected_stale = False
        suggestions = self.host.suggestions
        for row in self.rows:
            if row.error is None:
                row.expected = suggestions.expected(row.id)
        if not self.is_mounted:
            return
        if self.sort_column == "expected":
            self.rebuild()
        else:
            self.query_one(ArticleTable).refresh_rows()

    def progress(self, leave_out: str | None = None) -> tuple[int, int, int]:
        """Corpus progress: (sentences reviewed, sentences known, articles whose count is unknown),
        without the article ``leave_out``."""
        articles = [row for row in self.rows if row.error is None and row.id != leave_out]
        unknown = sum(1 for row in articles if not row.total)
        return sum(row.reviewed for row in articles), sum(row.total for row in articles), unknown

    def unfinished(self, article_id: str) -> bool:
        """Whether an article may still have unreviewed sentences (unknown counts as yes)."""
        row = self._by_id.get(article_id)
        return row is not None and row.error is None and (not row.total or row.reviewed < row.total)

    def rebuild(self) -> None:
        """Refill the table from the rows, with the current filter and sort."""
        table = self.query_one(ArticleTable)
        current = table.cursor_key
        rows = [row for row in self.rows if row.matches(self.filter_text)] if self.filter_text.strip() else list(self.rows)
        if self.sort_column is not None:
            column = self.sort_column
            articles = [row for row in rows if row.error is None]
            articles.sort(key=lambda row: row.sort_value(column), reverse=self.sort_reverse)
            rows = articles + [row for row in rows if row.error is not None]  # errors stay last
        narrow = (self.size.width or self.app.size.width) < NARROW
        if narrow != self._narrow:
            self._narrow = narrow
            table.set_columns(
                [
                    Column(key, short if narrow else heading, self._width(key), "right" if key in _NUMERIC else "left")
                    for key, heading, short, _width in COLUMNS
                    if short or not narrow
                ]
            )
        table.set_rows([row.id for row in rows], self._cells_of, cursor_key=current)
        self.order = [row.id for row in rows if row.error is None]
        self._label_sort_column()

    def _cells_of(self, article_id: str) -> list[Text]:
        return self._by_id[article_id].cells(bool(self._narrow))

    def _width(self, key: str) -> int:
        """A column's fixed width: room for its heading (and sort arrow) and its values."""
        for column, heading, short, width in COLUMNS:
            if column == key:
                if not width:
                    return 0
                if self._narrow and key not in ("date", "reviewed"):  # "12/18" needs its room
                    return max(len(short) + 1, 5)
                return width
        return 0

    def on_resize(self) -> None:
        # The table fits its columns to any width itself; only the narrow layout changes them.
        narrow = (self.size.width or self.app.size.width) < NARROW
        if self.rows and narrow != self._narrow:
            self.rebuild()

    def _label_sort_column(self) -> None:
        table = self.query_one(ArticleTable)
        for column in table.columns:
            arrow = ""
            if column.key == self.sort_column:
                arrow = "▼" if self.sort_reverse else "▲"
            table.set_heading(column.key, column.label + arrow)

    def current_id(self) -> str | None:
        """The id of the row under the cursor."""
        return self.query_one(ArticleTable).cursor_key

    def select(self, article_id: str) -> None:
        """Move the cursor to an article's row (if shown)."""
        if not self.is_mounted:
            return
        table = self.query_one(ArticleTable)
        if article_id in self.order:
            table.move_cursor(row=table.get_row_index(article_id))

    @on(ArticleTable.RowSelected)
    def _open(self, event: ArticleTable.RowSelected) -> None:
        key = event.row_key
        row = next((r for r in self.rows if r.id == key), None)
        if row is None:
            return
        if row.error is not None:
            self.notify(row.error, title=f"cannot read {row.id}", severity="error", timeout=8)
            return
        self.host.open_article(key)

    @on(ArticleTable.HeaderSelected)
    def _header(self, event: ArticleTable.HeaderSelected) -> None:
        column = event.column_key
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, column in _NUMERIC
        self.rebuild()

    def action_sort_next(self) -> None:
        keys = [key for key, *_ in COLUMNS if not (self._narrow and key == "source")]
        position = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        self.sort_column = keys[position % len(keys)]
        self.sort_reverse = self.sort_column in _NUMERIC  # biggest numbers first
        self.rebuild()
        self.notify(f"sorted by {self.sort_column}", timeout=1.5)

    def action_sort_reverse(self) -> None:
        if self.sort_column is None:
            self.sort_column = "title"
        else:
            self.sort_reverse = not self.sort_reverse
        self.rebuild()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(ArticleTable).focus()
        if not event.value.strip():
            self.query_one("#filter", Input).display = False

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or self.filter_text:
            field.value = ""
            self.filter_text = ""
            field.display = False
            self.rebuild()
            self.query_one(ArticleTable).focus()

    def on_screen_resume(self) -> None:
        if self._expected_stale:
            self.expected_changed()
        stale, self._rows_stale = self._rows_stale, set()
        table = self.query_one(ArticleTable)
        for article_id in stale:
            table.refresh_row(article_id)
        self.update_header()
