"""The reader: one article with highlights, a sentence cursor, and the labelling keys.

The screen owns the state of the open article (its analysis, its annotations from the
store, the cursor, span mode and search); the widgets only draw what it hands them.
Analysis runs in a thread worker so the text shows at once and keys keep working.

Opening an article must stay well under 100 ms (benchmarks/tui.py, part 2), and Textual
restyles every widget of a screen each time it comes back: so the screen holds few
widgets (the progress bar is text in the status line) and mounts the side panel and
the search field only when first asked for.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from annotations.errors import SchemeError
from corpus.errors import ClaimscopeError
from corpus.model import Analysis, Article, Reading, Span
from corpus.readings import describe, read_span, value_text
from corpus.terminal import visible
from tui import navigation
from tui.shown import visible_content
from tui.widgets.article_view import ENTITY_COLORS, ArticleView, Mark, entity_style
from tui.widgets.key_bar import KeyBar
from tui.widgets.legend import LabelBar, Legend
from tui.widgets.save_indicator import SaveIndicator
from tui.widgets.search_box import SearchBox
from tui.widgets.side_panel import ClaimEntry, EntityEntry, FigureEntry, SidePanel

if TYPE_CHECKING:
    from annotations.scheme import Scheme
    from tui.app import ClaimscopeApp
    from tui.config import Config

_TYPE = Binding.Group("Type", compact=True)
_SPAN = Binding.Group("Span")
_MOVE = Binding.Group("Move", compact=True)

READER_BINDINGS: list[Binding] = [
    Binding("j,down", "next_sentence", "Next sentence", id="reader.next_sentence", key_display="j", group=_MOVE),
    Binding("k,up", "previous_sentence", "Previous sentence", id="reader.previous_sentence", key_display="k", group=_MOVE),
    Binding("J", "next_paragraph", "Next paragraph", show=False, id="reader.next_paragraph"),
    Binding("K", "previous_paragraph", "Previous paragraph", show=False, id="reader.previous_paragraph"),
    Binding("g", "first_sentence", "First sentence", show=False, id="reader.first_sentence"),
    Binding("G", "last_sentence", "Last sentence", show=False, id="reader.last_sentence"),
    Binding("space", "next_unreviewed", "Unreviewed", id="reader.next_unreviewed", tooltip="next sentence without a label"),
    Binding("asterisk", "jump('checkworthy')", "Next check-worthy", show=False, id="reader.next_checkworthy"),
    Binding("apostrophe", "jump('noted')", "Next note", show=False, id="reader.next_noted"),
    Binding("T", "jump_to_label", "Next with label", show=False, id="reader.next_labelled"),
    Binding("R", "review", "Review a label", show=False, id="reader.review"),
    Binding("V", "select_range", "Select sentences", show=False, id="reader.select"),
    # The scheme's labels are bound here, each on its own key (see `reader_bindings`).
    Binding("c", "claim", "Claim", id="reader.claim"),
    Binding("0,backspace", "clear_label", "Clear", show=False, id="reader.clear"),
    Binding("w", "toggle_checkworthy", "Check-worthy", show=False, id="reader.checkworthy"),
    Binding("n", "note_or_next_hit", "Note", id="reader.note"),
    Binding("N", "previous_hit", "Previous hit", show=False, id="reader.previous_hit"),
    Binding("u", "undo", "Undo", id="reader.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="reader.redo"),
    Binding("e", "toggle_layer('entities')", "Entities", show=False, id="reader.toggle_entities"),
    Binding("f", "toggle_layer('figures')", "Figures", show=False, id="reader.toggle_figures"),
    Binding("d", "toggle_layer('dates')", "Dates", show=False, id="reader.toggle_dates"),
    Binding("v", "span_mode", "Spans", show=False, id="reader.span_mode"),
    Binding("h", "span_move(-1)", "Token left", group=_SPAN, id="reader.span_left"),
    Binding("l", "span_move(1)", "Token right", group=_SPAN, id="reader.span_right"),
    Binding("H", "span_extend(-1)", "Extend left", group=_SPAN, id="reader.span_extend_left"),
    Binding("L", "span_extend(1)", "Extend right", group=_SPAN, id="reader.span_extend_right"),
    Binding("enter", "span_label", "Label span", id="reader.span_label"),
    # Outside span mode enter accepts the suggested label (check_action picks one of the two).
    # The status line names the key beside the suggestion, so the key bar stays as it was.
    Binding("enter", "accept_suggestion", "Accept suggestion", show=False, id="reader.accept_suggestion"),
    Binding("D", "span_remove", "Remove span", id="reader.span_remove"),
    Binding("S", "span_split", "Split sentence here", show=False, group=_SPAN, id="reader.split"),
    Binding("m", "merge_sentence", "Merge with next", show=False, id="reader.merge"),
    Binding("right_square_bracket", "next_to_review", "Next article to review", show=False, id="reader.next_article"),
    Binding("left_square_bracket", "step_article(-1)", "Previous article", show=False, id="reader.previous_article"),
    Binding("slash", "search", "Search", id="reader.search"),
    Binding("p", "toggle_panel", "Side panel", show=False, id="reader.panel"),
    Binding("escape,q", "back", "Back", id="reader.back", key_display="q"),
]

#: Actions that only make sense in span mode.
_SPAN_ACTIONS = {"span_move", "span_extend", "span_label", "span_remove", "span_split"}
#: Actions that change the store.
_EDIT_ACTIONS = {
    "label",
    "claim",
    "clear_label",
    "toggle_checkworthy",
    "undo",
    "redo",
    "span_label",
    "span_remove",
    "span_split",
    "merge_sentence",
}



def reader_bindings(scheme: Scheme, config: Config, also: Iterable[Binding] = ()) -> list[Binding]:
    """The reader's keys for this scheme and this user.

    `READER_BINDINGS` with the remaps of ``config`` applied, plus one binding per label
    on exactly the key the scheme gives it (claim types before `c`, not-a-claim after,
    as the key bar shows them). ``also`` are other bindings live in the reader (the
    app's). A label key that is already one of those keys raises `SchemeError` naming
    the scheme's line, the binding, and how to free the key.
    """
    own = [_remapped(binding, config) for binding in READER_BINDINGS]
    taken = BindingsMap([*own, *(_remapped(binding, config) for binding in also)]).key_to_bindings
    claims: list[Binding] = []
    others: list[Binding] = []
    for label in scheme:
        binding = Binding(
            _character_to_key(label.key),
            f"label({label.name!r})",
            "Claim type" if label.claim else "Not claim",
            key_display=label.key,
            group=_TYPE if label.claim else None,
            id=f"label.{label.name}",
        )
        for clash in taken.get(binding.key, ()):
            where = f", line {label.key_line}" if label.key_line else ""
            config_file = config.path or "config.toml"
            raise SchemeError(
                f"label scheme {scheme.source}{where}: label {label.name!r} key {label.key!r} is already "
                f"{clash.id or clash.action} ({(clash.description or clash.action).lower()}); pick another key for "
                f"{label.name!r}, or remap {clash.id or clash.action} in {config_file}"
            )
        (claims if label.claim else others).append(binding)
    at = next(i for i, binding in enumerate(own) if binding.id == "reader.claim")
    return [*own[:at], *claims, own[at], *others, *own[at + 1 :]]


def _remapped(binding: Binding, config: Config) -> Binding:
    keys = config.keys.get(binding.id or "")
    return binding.with_key(keys, key_display=None) if keys else binding


def _character_to_key(character: str) -> str:
    """Textual's key name for a character ("," is "comma": a bare comma would split the key list)."""
    from textual.keys import _character_to_key as to_key  # what Binding does for one-character keys

    return to_key(character)


class AnalysisReady(Message):
    """The worker finished analysing an article."""

    def __init__(self, article_id: str, analysis: Analysis) -> None:
        self.article_id = article_id
        self.analysis = analysis
        super().__init__()


class SuggestionsReady(Message):
    """The worker scored the sentences of an analysis for claim suggestions."""

    def __init__(self, article_id: str, analysis: Analysis, suggestions: list[Any]) -> None:
        self.article_id = article_id
        self.analysis = analysis
        self.suggestions = suggestions
        super().__init__()


class AnalysisFailed(Message):
    """The worker could not analyse an article (one line for the user)."""

    def __init__(self, article_id: str, message: str) -> None:
        self.article_id = article_id
        self.message = message
        super().__init__()


@dataclass
class SpanCursor:
    """Span mode state: the tokens of the sentence, the cursor and the selection anchor."""

    tokens: list[tuple[int, int]]
    cursor: int = 0
    anchor: int = 0

    @property
    def selection(self) -> tuple[int, int]:
        low, high = sorted((self.anchor, self.cursor))
        return self.tokens[low][0], self.tokens[high][1]

    @property
    def token(self) -> tuple[int, int]:
        return self.tokens[self.cursor]


#: Figure labels only the rule layer gives (corpus/figures.py); the model gives the others too.
RULE_ONLY_LABELS = frozenset({"COUNT", "RANGE", "SCORE", "AGE"})


def _span_chip(span: Span, no_color: bool) -> Any:
    """A span's label drawn as the reader draws the span."""
    from rich.text import Text

    style = entity_style(span.label, no_color) if span.kind == "entity" else "bold underline"
    return Text(f" {span.label} ", style=style)


def history_message(which: str, change: Any, model_spans: Sequence[Span] = ()) -> str:
    """What undo or redo did, in its direction: "undo: sentence 11 back to prediction",
    "redo: sentence 11 to quantity", "undo: span “Marrow Island” back to GPE (model)",
    "undo: note on sentence 4 removed", "undo: note on sentence 4 restored to “…”".
    """
    record = change.before if which == "undo" else change.after
    to = "back to" if which == "undo" else "to"
    if change.field == "span" and change.span is not None:
        start, end = change.span
        other = change.after if which == "undo" else change.before
        text = getattr(record, "text", "") or getattr(other, "text", "")
        if record is None:
            model = next((s for s in model_spans if (s.start, s.end) == (start, end)), None)
            state = f"{model.label} (model)" if model else "no span"
        elif record.action == "remove":
            state = "removed"
        else:
            state = record.label
        return f"{which}: span “{_short(text)}” {to} {state}"
    where = f"sentence {change.sentence_index + 1}"
    if change.field == "label":
        return f"{which}: {where} {to} {getattr(record, 'label', None) or 'unreviewed'}"
    if change.field == "checkworthy":
        return f"{which}: {where} {to} {'check-worthy' if getattr(record, 'checkworthy', False) else 'not check-worthy'}"
    if change.field == "note":
        # Never "back to none": that reads like the label none.
        note = getattr(record, "note", "")
        if not note:
            return f"{which}: note on {where} removed"
        return f"{which}: note on {where} {'restored to' if which == 'undo' else 'to'} “{_short(note)}”"
    return f"{which}: {change.description}"


def _reading_words(reading: Reading | None) -> str:
    """``300,000 recruit``, ``~10–15 percent``: a figure's value and unit for the side panel."""
    if reading is None or reading.value is None:
        return ""
    sign = "" if reading.change == "=" else f"{reading.change} "
    return f"{sign}{value_text(reading.value, reading.shape)} {reading.unit or ''}".rstrip()


def _short(text: str, width: int = 40) -> str:
    """One line of at most ``width`` characters (notes may hold newlines)."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def progress_bar(done: int, total: int, width: int = 6) -> Content:
    """A short bar of reviewed sentences; full and empty cells differ in shape too (NO_COLOR)."""
    filled = round(width * done / total) if total else 0
    return Content.assemble(("█" * filled, "$success"), ("░" * (width - filled), "dim"))


class ReaderScreen(Screen[None]):
    """One article: read it, move by sentence, tag claims."""

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

    @property
    def capp(self) -> ClaimscopeApp:
        return self.app  # type: ignore[return-value]

    # ----------------------------------------------------------------- compose
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

    def _title_content(self) -> Content:
        meta = self.article.meta
        details = [meta[key] for key in ("source", "date", "author") if meta.get(key)]
        details.append(self.article.id)
        return visible_content(Content.assemble(
            Content.styled(visible(self.article.title or self.article.id), "bold"),
            "\n",
            self._session_content(),
            Content.styled(visible(" · ".join(details)), "dim"),
        ))

    def _session_content(self) -> Content:
        """``12 left here · 286 in corpus · 42 labelled · 310/h · `` (the session's pace)."""
        parts: list[str] = []
        if self.analysis is not None:
            parts.append(f"{self._total() - len(self._reviewed())} left here")
        screen = self.capp.list_screen
        if screen is not None:
            # The other articles from the list, this one from its labels now (the list's row may lag).
            reviewed, total, unknown = screen.progress(leave_out=self.article.id)
            here = self._total() - len(self._reviewed()) if self.analysis is not None else 0
            parts.append(f"{total - reviewed + here}{'+' if unknown or self.analysis is None else ''} in corpus")
        parts.append(self.capp.pace.describe() if self.capp.pace.labelled else "no labels yet")
        return Content.styled(" · ".join(parts) + "  │  ", "bold")

    def _update_title(self) -> None:
        self.query_one("#reader-title", Static).update(self._title_content(), layout=False)  # fixed height

    def on_mount(self) -> None:
        self.view = self.query_one(ArticleView)
        self.save_indicator = self.query_one(SaveIndicator)
        self._built = True
        self.capp.suggestions.listeners.append(self._model_changed)
        self.query_one(LabelBar).show_labels([(label.key, label.name, label.color) for label in self.capp.scheme])
        if self.capp.store.read_only:
            self.save_indicator.read_only()
        if self.capp.show_panel:
            self._mount_panel()
        if self._shown_on_mount:
            self.show_article(self.article, self.start_sentence)

    def _mount_panel(self) -> SidePanel:
        """The side panel, mounted the first time it is shown."""
        if self.panel is None:
            self.panel = SidePanel(id="side-panel")
            self.query_one("#reader-body").mount(self.panel)
        return self.panel

    def _search_field(self) -> SearchBox:
        """The search field, mounted the first time it is asked for."""
        if self.search_box is None:
            self.search_box = SearchBox(placeholder="search this article (enter: find, escape: cancel)", id="search")
            self.search_box.display = False
            self.mount(self.search_box, before="#reader-status")
        return self.search_box

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
        cached = self.capp.analyzer.cached(article)
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

    # ---------------------------------------------------------------- analysis
    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis", description="analyse the open article")
    def analyse(self, article: Article) -> None:
        """Analyse (in the child process, see `tui.background`) from a thread worker.

        The result comes back as a message; the worker never touches widgets.
        """
        try:
            analysis = self.capp.analysis_process.analyze(self.capp.analyzer, article)
        except ClaimscopeError as error:
            self.post_message(AnalysisFailed(article.id, str(error)))
            return
        except Exception as error:  # a bug or a broken model must not take the app down
            self.post_message(AnalysisFailed(article.id, f"analysing {article.id} failed: {error}"))
            return
        self.post_message(AnalysisReady(article.id, analysis))

    def on_analysis_ready(self, message: AnalysisReady) -> None:
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
            self.doc = self.capp.store.article(self.article, analysis.sentences)
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

    def _corrected(self, analysis: Analysis) -> Analysis:
        """``analysis`` with the sentences the store holds (a person merged or split some)."""
        if self.doc is None or self.doc.sentences is analysis.sentences:
            return analysis
        return replace(analysis, sentences=self.doc.sentences)

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

    def _load_others(self) -> None:
        """Read the other annotators' labels of this article (once per opening and reload,
        never per key: the side panel and review mode show them for the cursor)."""
        self.others = {}
        if self.analysis is None:
            return
        try:
            self.others = self.capp.store.others_labels(self.article, self.analysis.sentences)
        except ClaimscopeError as error:  # a colleague's unreadable file: their labels stay unseen
            self.notify(str(error), title="Other annotators' labels", severity="warning", timeout=10)

    def _others_here(self) -> list[tuple[str, str, str]]:
        """``(annotator, label, note)`` of the other annotators for the cursor sentence."""
        return [
            (record.annotator, record.label or "", " ".join((record.note or "").split()))
            for record in self.others.get(self.view.cursor, ())
        ]

    def _refresh_annotations(self) -> None:
        """Redraw everything that depends on the stored labels and span corrections."""
        if self.doc is not None:
            spans = self.doc.spans(self.model_spans)
            marks = {i: self._mark(record) for i, record in self.doc.labels.items()}
            self.view.set_spans(spans)
            self.view.set_marks({i: m for i, m in marks.items() if m is not None})
        else:
            self.view.set_spans(self.model_spans)
        if self.analysis is not None and self._suggested_for is not self.analysis:
            self._load_suggestions()
        self._update_panel()
        self._update_progress()
        self._update_status()
        self._update_legend()

    def _mark(self, record: Any) -> Mark | None:
        scheme = self.capp.scheme
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

    # ------------------------------------------------------------ side widgets
    def _update_progress(self) -> None:
        self._update_status()  # the progress bar is part of the status line
        self._update_title()  # what is left, and the pace

    def _reviewed(self) -> set[int]:
        if self.doc is None:
            return set()
        return {i for i, record in self.doc.labels.items() if record.label is not None}

    def _update_status(self) -> None:
        status = self.query_one("#sentence-status", Static)
        if self.analysis is None:
            return
        self.capp.suggestions.draw_waiting()  # a new model's ghosts: right after this key's frame
        total = self._total()
        index = self.view.cursor
        reviewed = len(self._reviewed())
        parts: list[Content | str | tuple[str, str]] = [
            progress_bar(reviewed, total),
            f" {reviewed}/{total} reviewed · s{index + 1} ",
        ]
        parts += self._flow_status()
        record = self.doc.labels.get(index) if self.doc is not None else None
        suggestion: list[Content | str | tuple[str, str]] = []
        if record is not None and record.label is not None:
            label = self.capp.scheme.get(record.label)
            color = label.color if label else "#ff0000"
            parts.append((f" {record.label} ", f"bold #000000 on {color}"))
        elif self.analysis.sentences and self.analysis.sentences[index].non_sentence:
            parts.append(("heading or caption: not counted (label it if it is a sentence)", "dim"))
        else:
            suggestion = self._suggestion_status(index)
            if not suggestion:  # a suggestion is only offered for an unreviewed sentence: it says so
                parts.append(("unreviewed", "dim"))
        # The reader's own marks come before what the machine offers: the line is short.
        if record is not None and record.checkworthy:
            parts.append((" ★ check-worthy", "bold"))
        if record is not None and record.note:
            parts += [" ✎ ", Content(visible(record.note))]  # one line: a newline shows as ␊
        parts += suggestion
        if self.span_cursor is None:
            parts += self._figure_status(self._first_figure(index))
        if self.span_cursor is not None:
            parts = [(" SPAN ", "bold reverse"), f" s{index + 1} ", *self._span_status()]
        if self.search_query is not None:
            found = f"{(self.hit_index or 0) + 1}/{len(self.hits)}" if self.hits else "no hits"
            parts += [(" search ", "reverse"), Content(f" {self.search_query!s} "), f"{found} (n/N, esc)"]
        # Label names, notes, names and article text: no control character reaches the terminal.
        status.update(visible_content(Content.assemble(*parts)), layout=False)  # one fixed line: no relayout per key

    def _flow_status(self) -> list[Content | str | tuple[str, str]]:
        """The status line's part for the range selection, review mode and the last message."""
        parts: list[Content | str | tuple[str, str]] = []
        if self.status_note is not None:
            parts += [(f"{self.status_note}", "bold"), " "]
        if self.range_anchor is not None:
            low, high = sorted((self.range_anchor, self.view.cursor))
            parts += [(f" SELECT s{low + 1}–s{high + 1} ", "bold reverse"), " label key: all · esc cancels "]
        if self.review_label is not None:
            matching = self._with_label(self.review_label)
            here = f"{matching.index(self.view.cursor) + 1}/{len(matching)}" if self.view.cursor in matching else f"–/{len(matching)}"
            parts += [(" REVIEW ", "bold reverse"), Content(f" {self.review_label} {here} "), "j/k: only these · R/esc leaves "]
            others = [Content(f"{name}: {label}") for name, label, _ in self._others_here()]
            if others:
                parts += [Content(" · ").join(others), " "]
        return parts

    def _say(self, note: str) -> None:
        """A one-line message in the status line (kept until the cursor moves)."""
        self.status_note = note
        self._update_status()

    def _span_status(self) -> list[Content | str | tuple[str, str]]:
        """What the token cursor is on: the span's label, its text, where it comes from."""
        span = self._span_under_cursor()
        if span is None:
            return [("no span here", "dim"), "  enter: add one"]
        text = " ".join(self.article.text[span.start : span.end].split())
        return [
            Content.from_rich_text(_span_chip(span, self.view.palette.no_color)),
            " ",
            Content(f"“{text}”"),
            (f" · {self._span_source(span)}", "dim" if not self.view.palette.no_color else "italic"),
            *self._figure_status(span if span.kind == "figure" else None),
        ]

    def _first_figure(self, index: int) -> Span | None:
        """The first figure span of sentence ``index``."""
        if self.analysis is None or not 0 <= index < len(self.analysis.sentences):
            return None
        sentence = self.analysis.sentences[index]
        spans = self.view.spans  # sorted by start: a huge article is not walked per key
        at = bisect_left(spans, sentence.start, key=lambda span: span.start)
        for span in spans[at : bisect_left(spans, sentence.end, key=lambda span: span.start)]:
            if span.kind == "figure" and span.end <= sentence.end:
                return span
        return None

    def _figure_status(self, span: Span | None) -> list[Content | str | tuple[str, str]]:
        """`` · 300,000 new recruits · value 300000 · unit recruit · change =`` for a figure
        (a span added by hand is read from the text here; it has no reading of its own)."""
        if span is None:
            return []
        reading = span.reading or read_span(self.article.text, span.start, span.end, span.label)
        return ["  ", Content(describe(self.article.text[span.start : span.end], reading))]

    def _span_source(self, span: Span) -> str:
        """``corrected`` (by a reader, in the store), ``rule`` or ``model``.

        `Span` records do not say which of the model and the figure rules found a
        figure, so a figure label both can give is "model or rule"; the labels only
        the rules give (and entities and dates, only the model) are exact.
        """
        if self.doc is not None and any(
            (c.start, c.end) == (span.start, span.end) for c in self.doc.span_corrections if c.action != "remove"
        ):
            return "corrected"
        if span.kind != "figure":
            return "model"
        return "rule" if span.label in RULE_ONLY_LABELS else "model or rule"

    def _update_panel(self) -> None:
        if self.analysis is None or self.panel is None or not self.panel.display:
            return  # filled when shown
        text = self.article.text
        claims: list[ClaimEntry] = []
        if self.doc is not None:
            for index in sorted(self.doc.labels):
                record = self.doc.labels[index]
                if record.label is None or not self.capp.scheme.is_claim(record.label):
                    continue
                sentence = self.analysis.sentences[index]
                label = self.capp.scheme.get(record.label)
                snippet = " ".join(text[sentence.start : sentence.end].split())
                claims.append(
                    ClaimEntry(index, sentence.start, record.label, label.color if label else "#ff0000", snippet)
                )
        groups: dict[str, dict[str, list[int]]] = {}
        for span in self.view.spans:
            if span.kind != "entity":
                continue
            surface = " ".join(text[span.start : span.end].split())
            groups.setdefault(span.label, {}).setdefault(surface, []).append(span.start)
        entities = {
            label: sorted(
                (EntityEntry(label, surface, tuple(offsets)) for surface, offsets in by_text.items()),
                key=lambda entry: (-len(entry.offsets), entry.text.lower()),
            )
            for label, by_text in sorted(groups.items(), key=lambda item: -sum(map(len, item[1].values())))
        }
        figures = [
            FigureEntry(span.start, " ".join(text[span.start : span.end].split()), _reading_words(reading))
            for span in self.view.spans
            if span.kind == "figure"
            for reading in (span.reading or read_span(text, span.start, span.end, span.label),)
        ]
        self.panel.show_items(claims, entities, ENTITY_COLORS, figures)
        self._update_panel_others()

    def _update_panel_others(self) -> None:
        """The side panel's "Other annotators" part, for the cursor sentence."""
        if self.panel is not None and self.panel.display and self.analysis is not None:
            self.panel.show_others(self.view.cursor if self.others else None, self._others_here())

    def _update_legend(self) -> None:
        labels = sorted({span.label for span in self.view.spans if span.kind == "entity"})
        palette = self.view.palette
        keys = {binding.id: binding.key.split(",")[0] for binding in self.capp.reader_keys}
        self.query_one(Legend).show_legend(
            labels,
            {label: entity_style(label, palette.no_color) for label in labels},
            palette.figure,
            palette.date,
            entities=self.capp.layers["entities"],
            figures=self.capp.layers["figures"],
            dates=self.capp.layers["dates"],
            keys=tuple(
                self.app.get_key_display(Binding(keys[f"reader.toggle_{layer}"], ""))
                for layer in ("entities", "figures", "dates")
            ),
        )

    def _apply_layers(self) -> None:
        layers = self.capp.layers
        self.view.set_layers(entities=layers["entities"], figures=layers["figures"], dates=layers["dates"])
        self._update_legend()

    # ------------------------------------------------------------------ events
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
        self.capp.remember(self.article.id, message.index)

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
        if self.range_anchor is not None and action in _SPAN_ACTIONS | {"span_mode"}:
            return False  # one selection at a time
        if action == "accept_suggestion":
            return self.span_cursor is None  # enter labels the span in span mode
        if action in _SPAN_ACTIONS:
            return self.span_cursor is not None
        if action == "previous_hit":
            return self.search_query is not None
        return True

    # ------------------------------------------------------------- navigation
    def _ready(self) -> bool:
        if self.analysis is None or not self.analysis.sentences:
            if self.analysis is not None:
                self.notify("no sentences")
            elif self.analysis_failed:
                self.notify("this article could not be analysed, so it has no sentences to move between")
            else:
                self.notify("this article is still being analysed")
            return False
        return True

    def action_next_sentence(self) -> None:
        if self._ready():
            self._step(1)

    def action_previous_sentence(self) -> None:
        if self._ready():
            self._step(-1)

    def _step(self, step: int) -> None:
        """j/k: the next sentence, or in review mode the next one with the reviewed label."""
        if self.review_label is None:
            self._move(self.view.cursor + step)
            return
        target = navigation.next_in(self._with_label(self.review_label), self.view.cursor, step)
        if target is None:
            self._say(f"no more {self.review_label} sentences that way in this article")
        else:
            self._move(target)

    def _with_label(self, name: str) -> list[int]:
        """The sentences labelled ``name``, in reading order."""
        labels = self.doc.labels if self.doc is not None else {}
        return sorted(i for i, record in labels.items() if record.label == name)

    def action_jump(self, what: str) -> None:
        """Go to the next check-worthy (★) or noted sentence (going round the end)."""
        if not self._ready():
            return
        labels = self.doc.labels if self.doc is not None else {}
        if what == "checkworthy":
            found, name = sorted(i for i, r in labels.items() if r.checkworthy), "check-worthy (★)"
        else:
            found, name = sorted(i for i, r in labels.items() if r.note), "noted (✎)"
        self._jump_to(found, name)

    def _jump_to(self, found: list[int], name: str) -> None:
        target = navigation.next_in(found, self.view.cursor, wrap=True)
        if target is None:
            here = " other" if self.view.cursor in found else ""
            self._say(f"no{here} {name} sentence in this article")
        else:
            self._move(target)

    def action_jump_to_label(self) -> None:
        """Pick a label (one key), then go to the next sentence that has it."""
        if not self._ready():
            return
        from tui.screens.label_picker import LabelPickerScreen

        def chosen(name: str | None) -> None:
            if name is not None:
                self._jump_to(self._with_label(name), f"{name!r}")

        self.app.push_screen(LabelPickerScreen(self.capp.scheme, "Go to the next sentence labelled:"), chosen)

    def action_review(self) -> None:
        """Review mode: pick a label; j/k then visit only its sentences. R again leaves."""
        if self.review_label is not None:
            self._leave_review()
            return
        if not self._ready():
            return
        from tui.screens.label_picker import LabelPickerScreen

        def chosen(name: str | None) -> None:
            if name is None:
                return
            found = self._with_label(name)
            if not found:
                self._say(f"no sentence is labelled {name} in this article")
                return
            self.review_label = name
            target = navigation.next_in(found, self.view.cursor - 1, wrap=True)
            self._move(target if target is not None else found[0])
            self._update_status()

        self.app.push_screen(LabelPickerScreen(self.capp.scheme, "Review the sentences labelled:"), chosen)

    def _leave_review(self) -> None:
        self.review_label = None
        self._say("review mode off")

    def action_select_range(self) -> None:
        """V: select sentences from here (j/k extend); a label key labels them all."""
        if not self._ready():
            return
        if self.range_anchor is not None:
            self._end_range()
            return
        if self.span_cursor is not None:
            self._leave_span_mode()
        self.range_anchor = self.view.cursor
        self._show_range()

    def _selected(self) -> range:
        assert self.range_anchor is not None
        low, high = sorted((self.range_anchor, self.view.cursor))
        return range(low, high + 1)

    def _show_range(self) -> None:
        sentences = self.view.sentences
        chosen = self._selected()
        self.view.set_selection((sentences[chosen.start].start, sentences[chosen[-1]].end), None)
        self._update_status()

    def _end_range(self) -> None:
        self.range_anchor = None
        self.view.set_selection(None, None)
        self._update_status()

    def action_next_paragraph(self) -> None:
        if self._ready():
            assert self.analysis is not None
            self._move(
                navigation.next_paragraph(
                    self.analysis.sentences, self.analysis.paragraphs, self.view.cursor
                )
            )

    def action_previous_paragraph(self) -> None:
        if self._ready():
            assert self.analysis is not None
            self._move(
                navigation.previous_paragraph(
                    self.analysis.sentences, self.analysis.paragraphs, self.view.cursor
                )
            )

    def action_first_sentence(self) -> None:
        if self._ready():
            self._move(0)

    def action_last_sentence(self) -> None:
        if self._ready():
            self._move(len(self.view.sentences) - 1)

    def action_next_unreviewed(self) -> None:
        if self._ready():
            target = self._next_open(self._reviewed() | self._skipped() | {self.view.cursor}, self.view.cursor)
            if target is None:
                self.notify("every sentence in this article is reviewed")
            else:
                self._move(target)

    def action_step_article(self, step: int) -> None:
        self.capp.step_article(self.article.id, step)

    def action_next_to_review(self) -> None:
        found = self.capp.suggestions.most_useful_article(self.article.id) if self._most_useful() else None
        if found is not None:  # most useful next across the corpus: that article, at that sentence
            self.capp.open_article(*found)
            return
        self.capp.open_next_to_review(self.article.id)

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

    def action_toggle_panel(self) -> None:
        self.capp.show_panel = not self.capp.show_panel
        self._mount_panel().display = self.capp.show_panel
        self._update_panel()

    def action_toggle_layer(self, layer: str) -> None:
        self.capp.toggle_layer(layer)

    def layers_changed(self) -> None:
        """The app's highlight switches changed (from a key or the palette)."""
        self._apply_layers()

    # ------------------------------------------------------------ suggestions
    def _load_suggestions(self, keep_ghosts: bool = False) -> None:
        """Score this article's sentences off the UI thread; ghost labels follow.

        ``keep_ghosts``: a newer model for the same sentences; the old ghosts stay until
        the new ones are in, so nothing blinks, and scores the training process already
        made are shown at once (no worker, no extra frame).
        """
        self._suggested_for = self.analysis
        if self.analysis is not None and keep_ghosts:
            ready = self.capp.suggestions.scored(self.article, self.analysis)
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
        scores = self.capp.suggestions.for_article(article, analysis)
        self.post_message(SuggestionsReady(article.id, analysis, scores))

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        if message.article_id != self.article.id or message.analysis is not self.analysis:
            return  # another article, or the sentences changed since (a merge or split)
        self._show_suggestions(message.suggestions)

    def _show_suggestions(self, suggestions: Any) -> None:
        self.suggestions = suggestions
        self.view.set_ghosts({i: s.label for i, s in enumerate(self.suggestions) if s.label})
        self.capp.suggestions.note_reviewed(self.article.id, self._reviewed())
        self._update_status()
        if self.capp.list_screen is not None:
            self.capp.list_screen.expected_changed()  # this article may not have been scored before

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
        return next((b.key.split(",")[0] for b in self.capp.reader_keys if b.id == binding_id), "enter")

    def _most_useful(self) -> bool:
        return self.capp.suggestions.order == "most-useful"

    def _next_open(self, done: set[int], after: int) -> int | None:
        """The next unreviewed sentence: in reading order, or the most useful one next
        (closest to the claim/not-claim boundary) when that order is chosen."""
        if self._most_useful() and self._suggestion(0) is not None:
            from annotations.suggest.ranking import most_useful

            return most_useful(self.suggestions, done)
        return navigation.next_unreviewed(len(self.view.sentences), done, after)

    def _learn(self, count: int) -> None:
        """Labels were added: tell the suggestions (they retrain after every few)."""
        self.capp.suggestions.note_reviewed(self.article.id, self._reviewed())
        self.capp.suggestions.labelled(count)

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
            self.capp.pace.add(1)
            self._learn(1)
            self._after_sentence_edit(index)
            self._advance(index)

    # ---------------------------------------------------------------- editing
    def _editable(self) -> bool:
        store = self.capp.store
        if store.read_only:
            reason = store.read_only_reason or "another claimscope holds the lock"
            self.notify(f"the store is read-only ({reason}); labels cannot be changed", severity="warning")
            return False
        if not self._ready():
            return False
        if self.doc is None:
            self.notify("this article's labels could not be loaded; editing is off", severity="error")
            return False
        if getattr(self.doc, "read_only", False):
            reason = getattr(self.doc, "error", None) or "its store file cannot be written"
            self.notify(f"this article is read-only: {reason}", severity="warning")
            return False
        return True

    def _store_call(self, what: str, call: Any, *args: Any, note: bool = False) -> bool:
        """Run one store call; the indicator says "saved" only once it has returned."""
        try:
            call(*args)
        except (ClaimscopeError, OSError) as error:
            self._not_saved(error, note=note)
            return False
        self.save_indicator.saved(what)
        return True

    def _not_saved(self, error: ClaimscopeError | OSError, *, note: bool = False) -> None:
        """A change did not reach the disk: say so in one line, show what the store holds.

        ``note``: it was the note editor's save, which is retried with ctrl+s, not a key."""
        if isinstance(error, OSError):  # the store words its own errors; this is a last resort
            reason = f"cannot write {self.capp.store.path} ({error.strerror or error})"
        else:
            reason = str(error)
        if note:
            reason = reason.replace("label not saved", "note not saved", 1)
            reason = reason.replace("press the key again", "press ctrl+s again", 1)
        self.save_indicator.failed()
        # The store's own messages already say what was not saved ("label not saved: disk full ...").
        self.last_failure = reason if "not saved" in reason else f"not saved: {reason}"
        self.notify(self.last_failure, severity="error", timeout=10)
        if self.doc is not None:
            # The store keeps memory as the file is: redraw from it, not from what was asked.
            self._refresh_annotations()

    def set_label(self, name: str | None) -> None:
        """Label the current sentence (``None`` clears it)."""
        if not self._editable():
            return
        if self.range_anchor is not None:
            self._label_range(name)
            return
        index = self.view.cursor
        if self._store_call(f"s{index + 1} {name} saved" if name else f"s{index + 1} cleared", self.doc.set_label, index, name):
            if name is not None:
                self.capp.pace.add(1)  # before the header is redrawn
                self._learn(1)
            self._after_sentence_edit(index)
            if name is not None:
                self._advance(index)

    def _label_range(self, name: str | None) -> None:
        """Label every selected sentence: one write, one undo step."""
        chosen = self._selected()

        def label_all() -> None:
            with self.doc.batch():
                for index in chosen:
                    self.doc.set_label(index, name)

        if not self._store_call("saved" if name else "cleared", label_all):
            return
        if name is not None:
            self.capp.pace.add(len(chosen))  # before the header is redrawn
            self._learn(len(chosen))
        self._end_range()
        self.capp.article_changed(self.article.id)
        self._refresh_annotations()
        if name is not None:
            self._advance(chosen[-1])
        if self.status_note is None:
            self._say(f"{len(chosen)} sentences {'labelled ' + name if name else 'cleared'} (u undoes all)")

    def _advance(self, after: int) -> None:
        """After a label key: move as the `advance` setting says; say when the article is done."""
        mode = self.capp.advance
        total = len(self.view.sentences)
        reviewed = self._reviewed()
        skipped = self._skipped()  # headings and captions: advance passes them by
        target: int | None = None
        if mode != "stay":
            if self.review_label is not None:
                target = navigation.next_in(self._with_label(self.review_label), after)
            elif mode == "next":
                target = next((i for i in range(after + 1, total) if i not in skipped), None)
            else:
                target = self._next_open(reviewed | skipped, after)
        if target is not None:
            self._move(target)
        elif self.review_label is not None and mode != "stay":
            self._say(f"last {self.review_label} sentence in this article")
        if len(reviewed) >= self._total():
            self._say("article reviewed · ] opens the next article to review")

    def _after_sentence_edit(self, index: int) -> None:
        record = self.doc.labels.get(index)
        self.view.set_mark(index, self._mark(record) if record is not None else None)
        self._update_progress()
        self._update_status()
        self._update_panel()
        self.capp.article_changed(self.article.id)

    def action_label(self, name: str) -> None:
        self.set_label(name)

    def action_claim(self) -> None:
        self.set_label(self.capp.scheme.default_claim)

    def action_clear_label(self) -> None:
        self.set_label(None)

    def action_toggle_checkworthy(self) -> None:
        if not self._editable():
            return
        index = self.view.cursor
        record = self.doc.labels.get(index)
        value = not (record is not None and record.checkworthy)
        if self._store_call("saved", self.doc.set_checkworthy, index, value):
            self._after_sentence_edit(index)

    def action_note_or_next_hit(self) -> None:
        if self.search_query is not None:
            self._step_hit(1)
            return
        if not self._editable():
            return
        from tui.screens.note import NoteScreen

        index = self.view.cursor
        record = self.doc.labels.get(index)

        doc = self.doc

        def save(note: str) -> str | None:
            # Called by the editor, which stays open with the text when this fails.
            if doc is not self.doc:  # cannot happen while the editor is up; never write elsewhere
                return "not saved: the article changed under the editor"
            if not self._store_call("note saved", doc.set_note, index, note, note=True):
                return self.last_failure
            self._after_sentence_edit(index)
            return None

        sentence = self.analysis.sentences[index] if self.analysis else None
        text = self.article.text[sentence.start : sentence.end] if sentence else ""
        self.app.push_screen(NoteScreen(record.note if record else "", index, text, save=save))

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        store = self.capp.store
        if store.read_only:
            self._editable()
            return
        try:
            change = store.undo() if which == "undo" else store.redo()
        except (ClaimscopeError, OSError) as error:
            self._not_saved(error)
            return
        if change is None:
            self.notify(f"nothing to {which}")
            return
        # The feedback goes to the status line (a toast would cover the text or the legends).
        self.save_indicator.saved(history_message(which, change, self.model_spans if change.article_id == self.article.id else ()))
        self.capp.article_changed(change.article_id)
        if change.article_id != self.article.id:
            self.capp.open_article(change.article_id, change.sentence_index)
            return
        self.reload_annotations()
        if change.sentence_index is not None:
            self._move(change.sentence_index)
        if len(store.last_step) > 1:
            self._say(f"{which}: {len(store.last_step)} sentences at once")

    def reload_annotations(self) -> None:
        """Read this article's labels again from the store (after undo/redo)."""
        if self.model_analysis is None:
            return
        try:
            self.doc = self.capp.store.article(self.article, self.model_analysis.sentences)
        except ClaimscopeError as error:
            self.notify(str(error), severity="error")
            return
        self._show_sentences()
        self._load_others()
        self._refresh_annotations()

    def _show_sentences(self) -> None:
        """Redraw with the store's sentence list when a merge or split (or its undo) changed it."""
        assert self.model_analysis is not None
        analysis = self._corrected(self.model_analysis)
        if self.analysis is not None and analysis.sentences == self.analysis.sentences:
            return
        self.analysis = analysis
        scroll = self.view.scroll_y
        self.range_anchor = None
        self.view.load(self.article, analysis)
        self._apply_layers()
        self.view.scroll_to(y=scroll, animate=False)
        self._status_for = None

    def action_merge_sentence(self) -> None:
        """m: merge the sentence with the next one (a quote cut from its attribution)."""
        if not self._editable():
            return
        index = self.view.cursor
        if self._store_call(f"s{index + 1} and s{index + 2} merged (u undoes)", self.doc.merge_sentences, index):
            self._boundaries_changed(index)

    def action_span_split(self) -> None:
        """S in span mode: split the sentence before the token under the cursor."""
        if self.span_cursor is None or not self._editable():
            return
        index, at = self.view.cursor, self.span_cursor.token[0]
        self._leave_span_mode()
        if self._store_call(f"s{index + 1} split in two (u undoes)", self.doc.split_sentence, index, at):
            self._boundaries_changed(index)

    def _boundaries_changed(self, index: int) -> None:
        self._show_sentences()
        self._refresh_annotations()
        self._move(index)
        self.capp.article_changed(self.article.id)

    # -------------------------------------------------------------- span mode
    def action_span_mode(self) -> None:
        if not self._ready():
            return
        if self.span_cursor is not None:
            self._leave_span_mode()
            return
        sentence = self.view.sentences[self.view.cursor]
        tokens = navigation.tokens(self.article.text, sentence.start, sentence.end)
        if not tokens:
            self.notify("this sentence has no tokens to mark")
            return
        self.span_cursor = SpanCursor(tokens)
        self._show_span_cursor()
        self.notify("span mode: h/l move, H/L extend, enter label, D remove, escape done", timeout=4)

    def _leave_span_mode(self) -> None:
        self.span_cursor = None
        self.view.set_selection(None, None)
        self.refresh_bindings()
        self._update_status()

    def _show_span_cursor(self) -> None:
        assert self.span_cursor is not None
        self.view.set_selection(self.span_cursor.selection, self.span_cursor.token)
        self.refresh_bindings()
        self._update_status()

    def action_span_move(self, step: int) -> None:
        cursor = self.span_cursor
        if cursor is not None:
            cursor.cursor = min(max(0, cursor.cursor + step), len(cursor.tokens) - 1)
            cursor.anchor = cursor.cursor
            self._show_span_cursor()

    def action_span_extend(self, step: int) -> None:
        cursor = self.span_cursor
        if cursor is not None:
            cursor.cursor = min(max(0, cursor.cursor + step), len(cursor.tokens) - 1)
            self._show_span_cursor()

    def _span_under_cursor(self) -> Span | None:
        if self.span_cursor is None:
            return None
        start, end = self.span_cursor.selection
        overlapping = [span for span in self.view.spans if span.start < end and span.end > start]
        exact = [span for span in overlapping if (span.start, span.end) == (start, end)]
        return (exact or overlapping or [None])[0]

    def action_span_label(self) -> None:
        if self.span_cursor is None or not self._editable():
            return
        from tui.screens.span_label import SpanLabelScreen

        start, end = self.span_cursor.selection
        existing = self._span_under_cursor()
        exact = existing is not None and (existing.start, existing.end) == (start, end)

        def chosen(label: str | None) -> None:
            if label is None:
                return
            what = f"span “{_short(text, 24)}” {label} saved"
            if exact:
                ok = self._store_call(what, self.doc.relabel_span, start, end, label)
            else:
                ok = self._store_call(what, self.doc.add_span, start, end, label)
            if ok:
                self._refresh_annotations()
                self.capp.article_changed(self.article.id)

        text = self.article.text[start:end]
        current = (existing.label, self._span_source(existing)) if existing is not None else None
        self.app.push_screen(SpanLabelScreen(text, current, exact=exact), chosen)

    def action_span_remove(self) -> None:
        if self.span_cursor is None or not self._editable():
            return
        span = self._span_under_cursor()
        if span is None:
            self.notify("no highlighted span under the cursor")
            return
        removed = f"span “{_short(self.article.text[span.start : span.end], 24)}” removed"
        if self._store_call(removed, self.doc.remove_span, span.start, span.end):
            self._refresh_annotations()

    # ----------------------------------------------------------------- search
    def action_search(self) -> None:
        field = self._search_field()
        field.display = True
        field.value = self.search_query or ""
        field.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
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

    @on(SearchBox.Cancelled)
    def _search_cancelled(self) -> None:
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
