"""The reader screen: one article with highlights, a sentence cursor, and the labelling keys.

This module is the screen itself and nothing else: its widgets, the state of the open
article (its analysis, its annotations from the store, the cursor), opening an article
and analysing it in a thread worker, and the routing of events and keys to the parts
that do the work, one idea each (see `tui/screens/reader/__init__.py` for the list).
The widgets only draw what the screen hands them.

Opening an article must stay well under 100 ms (benchmarks/tui.py, part 2), and Textual
restyles every widget of a screen each time it comes back: so the screen holds few
widgets (the progress bar is text in the status line) and mounts the side panel and
the search field only when first asked for.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from corpus.cache import listed_counts
from corpus.errors import ClaimscopeError
from corpus.model import Analysis, Article, Span
from tui.screens.reader.bindings import SPAN_ACTIONS
from tui.screens.reader.commands import reader_commands
from tui.screens.reader.boundaries import SentenceBoundaries
from tui.screens.reader.history import UndoRedo
from tui.screens.reader.labelling import Labelling
from tui.screens.reader.labels_here import ArticleLabels
from tui.screens.reader.moves import Moves
from tui.screens.reader.panel import PanelAndLegend
from tui.screens.reader.ranges import RangeSelection
from tui.screens.reader.review import ReviewMode
from tui.screens.reader.search import Search
from tui.screens.reader.spans import SpanCursor, SpanMode
from tui.screens.reader.status import StatusLine
from tui.screens.reader.suggesting import Suggesting
from tui.widgets.article_view import ArticleView
from tui.widgets.key_bar import KeyBar
from tui.widgets.legend import LabelBar, Legend
from tui.widgets.save_indicator import SaveIndicator
from tui.widgets.search_box import SearchBox
from tui.widgets.side_panel import SidePanel

if TYPE_CHECKING:
    from tui.host import Host


class AnalysisReady(Message):
    """The worker finished analysing an article."""

    def __init__(self, article_id: str, analysis: Analysis) -> None:
        self.article_id = article_id
        self.analysis = analysis
        super().__init__()


class AnalysisFailed(Message):
    """The worker could not analyse an article (one line for the user)."""

    def __init__(self, article_id: str, message: str) -> None:
        self.article_id = article_id
        self.message = message
        super().__init__()


class ReaderScreen(
    Moves,
    ReviewMode,
    RangeSelection,
    Labelling,
    UndoRedo,
    SentenceBoundaries,
    SpanMode,
    Suggesting,
    Search,
    StatusLine,
    PanelAndLegend,
    ArticleLabels,
    Screen[None],
):
    """One article: read it, move by sentence, tag claims.

    The parts it is made of are plain classes (no Textual base) whose methods work on
    this screen's state; the screen holds that state, its widgets and the event
    handlers (Textual registers ``@on`` handlers of the screen's own class only).
    """

    AUTO_FOCUS = "ArticleView"

    def __init__(
        self, article: Article, sentence: int | None = None, *, bindings: Sequence[Binding], shown: bool = True
    ) -> None:
        """``bindings`` come from `reader_bindings` (they depend on the scheme and the config).

        ``shown=False`` builds the screen ahead of time: mounting it then loads no article.
        """
        super().__init__()
        # Per instance, not BINDINGS: the label keys are the scheme's. The user's remaps are
        # already in them, so the app leaves reader ids out of Textual's keymap.
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(bindings)])
        self.article = article
        self.start_sentence = sentence
        self._shown_on_mount = shown
        self._built = False  # set once mounted: the widgets exist
        self.analysis: Analysis | None = None  # with the store's boundary corrections applied
        self.model_analysis: Analysis | None = None  # as the analyser gave it
        self.analysis_failed = False
        self.doc: Any = None  # annotations.store.ArticleAnnotations once analysed
        self.model_spans: tuple[Span, ...] = ()
        self.span_cursor: SpanCursor | None = None
        self.search_query: str | None = None
        self.hits: list[tuple[int, int]] = []
        self.hit_index: int | None = None
        self._status_for: int | None = None
        self.panel: SidePanel | None = None
        self.search_box: SearchBox | None = None
        self.range_anchor: int | None = None  # V: the sentence the range selection started at
        self.review_label: str | None = None  # review mode: j/k visit only sentences with it
        self.status_note: str | None = None  # a one-line message in the status line, until the next move
        self.suggestions: list[Any] = []  # a Suggestion per sentence of `_suggested_for`, once scored
        self._non_sentences: tuple[Any, tuple[int, ...]] = (None, ())  # (sentences, indexes of headings etc.)
        self._suggested_for: Analysis | None = None
        self.others: dict[int, list[Any]] = {}  # sentence -> other annotators' labels (see _load_others)
        self.last_failure = ""  # the one-line message of the last change that was not saved
        self._palette_commands: Any = None  # this reader's command source, registered while mounted

    @property
    def host(self) -> Host:
        """The app, as far as this screen needs it (`tui.host.Host`)."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(self._title_content(), id="reader-title")
        with Horizontal(id="reader-body"):
            yield ArticleView(self.article, id="article-view")
        with Horizontal(id="reader-status"):
            yield Static(id="sentence-status")
            yield SaveIndicator(id="save-indicator")
        yield LabelBar(id="label-bar")
        yield Legend(id="legend")
        yield KeyBar()

    def on_mount(self) -> None:
        try:
            self.view = self.query_one(ArticleView)
            self.save_indicator = self.query_one(SaveIndicator)
        except NoMatches:
            return  # the app quit while the reader was being built (before its first show)
        self._built = True
        self.host.suggestions.listeners.append(self._model_changed)
        self._palette_commands = partial(reader_commands, self, self.host)  # what this reader offers in ctrl+p
        self.host.commands.add(self._palette_commands, order=10)  # after the app's, before "Open: ..."
        self.query_one(LabelBar).show_labels([(label.key, label.name, label.color) for label in self.host.scheme])
        if self.host.store.read_only:
            self.save_indicator.read_only()
        if self.host.show_panel:
            self._mount_panel()
        if self._shown_on_mount:
            self.show_article(self.article, self.start_sentence)

    def on_unmount(self) -> None:
        if self._palette_commands is not None:
            self.host.commands.remove(self._palette_commands)

    def open(self, article: Article, sentence: int | None = None) -> None:
        """Show an article now, or as soon as the screen is mounted (if built ahead of time)."""
        if self._built:
            self.show_article(article, sentence)
        else:
            self.article, self.start_sentence, self._shown_on_mount = article, sentence, True

    def show_article(self, article: Article, sentence: int | None = None) -> None:
        """Show another article in this screen (the app keeps one reader and reuses it)."""
        self.workers.cancel_group(self, "analysis")
        self.article = article
        self.start_sentence = sentence
        self.analysis = self.model_analysis = None
        self.analysis_failed = False
        self.doc = None
        self.model_spans = ()
        self.span_cursor = None
        self.search_query, self.hits, self.hit_index = None, [], None
        self.range_anchor, self.status_note = None, None  # review mode stays on: a second pass spans articles
        self._status_for = None
        self.suggestions, self._suggested_for = [], None
        self.others = {}
        self.query_one("#reader-title", Static).update(self._title_content(), layout=False)  # fixed height
        if self.search_box is not None:
            self.search_box.display = False
        cached = self.host.analyzer.cached(article)
        self.view.load(article, cached)  # one layout: with the analysis when it is cached
        self.view.scroll_to(y=0, animate=False)
        self.view.focus()
        self._apply_layers()
        self._update_progress()
        if cached is not None:
            self.apply_analysis(cached)
        else:
            status = self.query_one("#sentence-status", Static)
            status.update(Content.styled("analysing…", "italic"), layout=False)
            if self.panel is not None:
                self.panel.clear_options()
            self.analyse(article)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis", description="analyse the open article")
    def analyse(self, article: Article) -> None:
        """Analyse (in the child process, see `tui.background`) from a thread worker.

        The result comes back as a message; the worker never touches widgets.
        """
        try:
            analysis = self.host.analysis_process.analyze(self.host.analyzer, article)
        except ClaimscopeError as error:
            self.post_message(AnalysisFailed(article.id, str(error)))
            return
        except Exception as error:  # a bug or a broken model must not take the app down
            self.post_message(AnalysisFailed(article.id, f"analysing {article.id} failed: {error}"))
            return
        self.post_message(AnalysisReady(article.id, analysis))

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        listing = self.host.list_screen
        if listing is not None:  # an article first analysed now: its row shows the counts
            listing.analysed(message.article_id, *listed_counts(message.analysis))
        if message.article_id == self.article.id:
            self.apply_analysis(message.analysis)

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        if message.article_id == self.article.id:
            self.analysis_failed = True
            self.notify(message.message, title="No highlights", severity="error", timeout=10)
            self.query_one("#sentence-status", Static).update(
                Content.styled("not analysed: reading only", "italic")
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Errors are caught inside the worker; this is the last line of defence.
        if event.state == WorkerState.ERROR:
            self.notify(f"background task failed: {event.worker.error}", severity="error")

    def apply_analysis(self, analysis: Analysis) -> None:
        """Show highlights and sentences, and load this article's labels from the store."""
        self.model_analysis = self.analysis = analysis
        self.model_spans = analysis.spans
        try:
            self.doc = self.host.store.article(self.article, analysis.sentences)
        except ClaimscopeError as error:
            self.doc = None
            self.notify(str(error), title="Labels unavailable", severity="error", timeout=10)
        else:
            if getattr(self.doc, "error", None):
                self.notify(str(self.doc.error), title="Labels read-only", severity="warning", timeout=10)
        analysis = self.analysis = self._corrected(analysis)
        if self.view.analysis is not analysis:
            self.view.load(self.article, analysis)
        self._load_others()
        self._refresh_annotations()
        if self.start_sentence is not None:
            self._move(self.start_sentence)
            self.view.scroll_to_cursor(center=True)
        else:
            self._move(0)
        self._update_legend()

    def _refresh_annotations(self) -> None:
        """Redraw everything that depends on the stored labels and span corrections."""
        if self.doc is not None:
            spans = self.doc.spans(self.model_spans)
            marks = {i: self._mark(record) for i, record in self.doc.labels.items()}
            self.view.set_spans(spans)
            self.view.set_marks({i: m for i, m in marks.items() if m is not None})
            self.view.set_attribution_marks(self._attribution_marks())
        else:
            self.view.set_spans(self.model_spans)
        if self.analysis is not None and self._suggested_for is not self.analysis:
            self._load_suggestions()
        self._update_panel()
        self._update_progress()
        self._update_status()
        self._update_legend()

    def _move(self, index: int) -> None:
        """Move the cursor and redraw the status line in the same frame."""
        self.view.cursor = index
        self._cursor_moved(ArticleView.CursorMoved(self.view.cursor))

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        if message.index == self._status_for:
            return  # already handled by _move
        self._status_for = message.index
        self.status_note = None
        if self.range_anchor is not None:
            self._show_range()
        if self.span_cursor is not None and self.analysis is not None:
            sentence = self.analysis.sentences[message.index]
            if not (sentence.start <= self.span_cursor.token[0] < sentence.end):
                self._leave_span_mode()
        self._update_status()
        self._update_panel_others()
        self.host.remember(self.article.id, message.index)

    @on(ArticleView.SentenceClicked)
    def _sentence_clicked(self, message: ArticleView.SentenceClicked) -> None:
        self._move(message.index)

    @on(SidePanel.Jump)
    def _jump(self, message: SidePanel.Jump) -> None:
        index = self.view.sentence_at(message.offset)
        if index is not None:
            self._move(index)
        self.view.scroll_to_offsets(message.offset, message.offset, center=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.range_anchor is not None and action in SPAN_ACTIONS | {"span_mode"}:
            return False  # one selection at a time
        if action == "accept_suggestion":
            return self.span_cursor is None  # enter labels the span in span mode
        if action in SPAN_ACTIONS:
            return self.span_cursor is not None
        if action == "previous_hit":
            return self.search_query is not None
        return True

    def action_back(self) -> None:
        if self.search_query is not None:
            self._end_search()
        elif self.span_cursor is not None:
            self._leave_span_mode()
        elif self.range_anchor is not None:
            self._end_range()
        elif self.review_label is not None:
            self._leave_review()
        else:
            self.app.pop_screen()

    # The search field's events: the search part (search.py) does the work.
    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._submit_search(event)

    @on(SearchBox.Cancelled)
    def _search_cancelled(self) -> None:
        self._cancel_search()
