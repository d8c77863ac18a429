"""`ClaimscopeApp`: the article list, the reader and help, over one corpus and one store.

The app is handed everything it works on (corpus, store, scheme, analyzer, config) so
tests and the CLI build it the same way; `create_app` does that from a path.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel

from corpus.errors import ClaimscopeError
from corpus.model import Article
from corpus.terminal import visible
from tui.background import AnalysisProcess, TrainingProcess, start_resource_tracker
from tui.config import Config, Position, PositionBook, next_advance
from tui.app_commands import app_commands, open_commands
from tui.palette import ClaimscopeCommands, CommandRegistry
from tui.screens.articles import ArticlesScreen
from tui.session import Pace

if TYPE_CHECKING:
    from annotations.scheme import Scheme
    from annotations.store import Store
    from annotations.store.writer import Written
    from corpus.analysis import Analyzer
    from corpus.articles import Corpus
    from tui.screens.reader import ReaderScreen

LAYERS = ("entities", "figures", "dates", "attribution")


class StoreWritten(Message):
    """The store's writer thread has results waiting (`ClaimscopeApp._written`)."""


class ClaimscopeApp(App[None]):
    """Read a corpus of news articles and tag claims, sentence by sentence."""

    CSS_PATH = "app.tcss"
    TITLE = "claimscope"
    COMMANDS = App.COMMANDS | {ClaimscopeCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        corpus: Corpus,
        store: Store,
        scheme: Scheme,
        analyzer: Analyzer,
        *,
        annotator: str | None = None,
        config: Config | None = None,
        positions: PositionBook | None = None,
        restore: bool = True,
        notices: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.store = store
        self.scheme = scheme
        self.analyzer = analyzer
        self.annotator = annotator or store.annotator
        self.config = config or Config()
        #: the palette's commands: the app's here, the reader's added when it is mounted
        self.commands = CommandRegistry()
        self.commands.add(partial(app_commands, self))
        self.commands.add(partial(open_commands, self), order=20)
        from tui.screens.reader.bindings import reader_bindings

        # Before anything runs: a label key that is already a reader key is a SchemeError.
        self.reader_keys = reader_bindings(scheme, self.config, also=self.BINDINGS)
        self.positions = positions or PositionBook()
        #: article id -> the sentence this annotator left it at (this corpus), saved with the position
        self.article_positions = self.positions.sentences(corpus.root, self.annotator)
        self.advance = self.config.advance  # where a label key moves the cursor; the palette cycles it
        self.pace = Pace()
        self.restore = restore
        self.notices = notices
        self.layers: dict[str, bool] = {layer: True for layer in LAYERS}
        self.show_panel = False
        self.list_screen: ArticlesScreen | None = None
        self.reader: ReaderScreen | None = None
        self.analysis_process = AnalysisProcess()
        self.training_process = TrainingProcess()  # claim suggestions are fitted there
        from tui.suggestions import Suggestions

        self.suggestions = Suggestions(self, order=self.config.order)
        self._position: Position | None = None
        self._positions_changed = False
        from tui.collector import IdleCollector

        self.collector = IdleCollector()  # full garbage collections wait for a pause in the keys
        #: results of the store's writer thread not yet taken in (`_take_written`)
        self._written: deque[Written] = deque()

    # -------------------------------------------------------------- lifecycle
    def on_mount(self) -> None:
        self._hang_up_signals = _on_hang_up(self._hang_up)
        if not self.store.read_only:
            # Label keys do not wait for the disk: the store's writer thread makes each
            # change durable in order and says so (`_writer_said`); the reader shows
            # "pending" until then. `store.close()` waits for every queued write.
            self.store.write_behind(self._writer_said)
        if self.config.keys:
            # The reader's keys have the remaps in them already (beside the scheme's label
            # keys, which Textual's keymap would drop when a remapped binding left their key).
            self.set_keymap({bid: keys for bid, keys in self.config.keys.items() if not bid.startswith("reader.")})
            unknown = sorted(set(self.config.keys) - known_binding_ids())
            if unknown:
                # Older versions had reader.label_1..9 and reader.not_claim: say where those keys went.
                labels = any(bid.startswith(("reader.label_", "label.")) or bid == "reader.not_claim" for bid in unknown)
                where = "; label keys are each label's `key` in the label scheme" if labels else ""
                self.notify(
                    f"{self.config.path}: [keys] has unknown binding ids: {', '.join(unknown)} "
                    f"(see ? for the ids){where}",
                    severity="warning",
                    timeout=10,
                )
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                known = ", ".join(sorted(self.available_themes))
                self.notify(f"{self.config.path}: unknown theme {self.config.theme!r} (known: {known})", severity="warning")
        self.sub_title = visible(str(self.corpus.root))
        self.list_screen = ArticlesScreen()
        self.push_screen(self.list_screen)
        for notice in (*self.notices, *getattr(self.store, "notices", ())):
            self.notify(notice, timeout=8)
        if self.suggestions.problem:  # "model file unreadable: ...; suggestions from rules"
            self.notify(self.suggestions.problem, severity="warning", timeout=10)
        if self.restore:
            position = self.positions.get(self.corpus.root, self.annotator)
            if position is not None and self.corpus.get(position.article_id) is not None:
                # After the list has composed, so it can put its cursor on the article too.
                self.call_after_refresh(self.open_article, position.article_id, position.sentence)
        # Reading positions are a convenience: write them every few seconds, not per key.
        self.set_interval(2.0, self.save_position)
        self.collector.take_over()  # full collections only at pauses in the keys
        self.set_interval(0.5, self.collector.tick)
        # The reader is not needed for the list: build it once the list is up, so start-up
        # does not wait for it and the first article opens about as fast as the next.
        self.set_timer(0.3, self._prepare_reader)
        self.list_screen.after_first_frame(self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What start-up need not wait for, once the list has been painted."""
        from tui.collector import resume_after_start

        resume_after_start()  # the automatic garbage collections, off while the process started
        # multiprocessing's helper process: a second interpreter starting beside ours
        start_resource_tracker()
        # Expected claims per article, from cached analyses: a thread that holds the GIL
        # for a second on a big corpus, so it starts once the list has been painted.
        self.suggestions.score_corpus()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.input()  # also when the last key came, for the suggestions' quiet timer
            if not isinstance(event, events.MouseMove) and self.collector.hold():
                # no garbage collection while this input's frame is made: right after it
                self.call_after_refresh(self.collector.resume)
        await super().on_event(event)

    def on_unmount(self) -> None:
        # Quitting (q, ctrl+c, a closed tab) waits here until every queued label is durable;
        # the screens are going, so the results are taken in by the store alone.
        self.store.flush()
        while self._written:
            self.store.settle(self._written.popleft())
        self.collector.release()
        self.save_position()
        self.analysis_process.close()
        self.training_process.close()
        _on_hang_up(None, self._hang_up_signals)

    def _writer_said(self, result: Written) -> None:
        """On the store's writer thread: queue the result for the UI thread."""
        self._written.append(result)
        self.post_message(StoreWritten())  # thread-safe; one drain takes every queued result

    def on_store_written(self, _message: StoreWritten) -> None:
        self._take_written()

    def _take_written(self) -> list[Written]:
        """Take in the writer's results, in order, on the UI thread that owns the store."""
        taken: list[Written] = []
        while self._written:
            result = self._written.popleft()
            taken.append(result)
            rolled_back = self.store.settle(result)
            reader = self.reader
            if reader is not None and reader.is_mounted:
                reader.store_written(result, rolled_back)
            elif not result.ok and rolled_back:
                self.notify(str(result.error), severity="error", timeout=10)
            if rolled_back:
                self.article_changed(result.article_id)
        return taken

    def settle_writes(self) -> list[Written]:
        """Wait until every queued write is durable (or failed) and take in the results now."""
        self.store.flush()
        return self._take_written()

    def _hang_up(self, signum: int) -> None:
        """The terminal closed (SIGHUP) or a kill (SIGTERM): release the store now, then quit."""
        self.store.close()  # the lock goes at once, even if quitting stalls on a dead terminal
        self.exit(return_code=128 + signum)

    def _prepare_reader(self) -> None:
        """Make and start (compose, mount) the reader screen without showing it."""
        if self.reader is not None or not self.corpus.articles or not self.is_running:
            return
        from tui.screens.reader import ReaderScreen

        start = getattr(self, "_get_screen", None)
        if start is None:  # a Textual without it: the first open builds the reader instead
            return
        self.reader = ReaderScreen(self.corpus.articles[0], bindings=self.reader_keys, shown=False)
        self.install_screen(self.reader, name="reader")
        # What push_screen does first for a screen that is not running yet (Textual 8);
        # the screen stays off the stack until `open_article` pushes it.
        self._load_screen_css(self.reader)
        start(self.reader)

    # --------------------------------------------------------------- articles
    def open_article(self, article_id: str, sentence: int | None = None) -> None:
        """Show an article in the reader.

        One reader screen is made and installed the first time, then reused: showing an
        article is a new text and analysis in existing widgets, not a new screen.
        """
        article = self.corpus.get(article_id)
        if article is None:
            self.notify(f"no article {article_id!r} in {self.corpus.root}", severity="error")
            return
        if self.list_screen is not None:
            self.list_screen.select(article_id)
        if sentence is None:
            sentence = self.article_positions.get(article_id)  # where this article was left
        self.remember(article_id, sentence or 0)
        while len(self.screen_stack) > 1 and not (self.screen is self.reader or isinstance(self.screen, ArticlesScreen)):
            self.pop_screen()
        if self.reader is None:
            from tui.screens.reader import ReaderScreen

            self.reader = ReaderScreen(article, sentence, bindings=self.reader_keys)
            self.install_screen(self.reader, name="reader")
            self.push_screen("reader")
            return
        if self.screen is not self.reader:
            self.push_screen("reader")
        self.reader.open(article, sentence)

    def step_article(self, article_id: str, step: int) -> None:
        """Open the next (or previous) article in the list's current order."""
        order = self.list_screen.order if self.list_screen else [a.id for a in self.corpus.articles]
        if article_id not in order:
            order = [a.id for a in self.corpus.articles]
        index = order.index(article_id) + step
        if not 0 <= index < len(order):
            self.notify("no more articles that way")
            return
        self.open_article(order[index])

    def open_next_to_review(self, article_id: str) -> None:
        """Open the next article in the list's order that still has unreviewed sentences."""
        from tui.navigation import next_article_to_review

        order = self.list_screen.order if self.list_screen else [a.id for a in self.corpus.articles]
        unfinished = self.list_screen.unfinished if self.list_screen else (lambda _article_id: True)
        target = next_article_to_review(order, article_id, unfinished)
        if target is None:
            self.notify("no other article has unreviewed sentences")
            return
        self.open_article(target)

    def cycle_advance(self) -> None:
        """Switch where a label key moves the cursor: next unreviewed, next, stay."""
        self.advance = next_advance(self.advance)
        self.notify(f"after a label: {self.advance} (set advance in config.toml to keep it)", timeout=3)

    def article_changed(self, article_id: str) -> None:
        """Labels of an article changed: refresh its row in the list."""
        if self.list_screen is not None:
            self.list_screen.refresh_progress(article_id)

    def current_article(self) -> Article | None:
        """The article open in the reader, if any."""
        return self.reader.article if self.reader is not None and self.screen is self.reader else None

    # ------------------------------------------------------------ positions
    def remember(self, article_id: str, sentence: int) -> None:
        """Note the reading position (written to disk by `save_position`)."""
        self._position = Position(article_id, sentence)
        self.article_positions[article_id] = sentence
        self._positions_changed = True

    def save_position(self) -> None:
        """Write the reading positions if they changed."""
        if self._position is not None and self._positions_changed:
            self.positions.set(self.corpus.root, self._position, self.article_positions, self.annotator)
            self._positions_changed = False

    # --------------------------------------------------------------- layers
    def toggle_layer(self, layer: str) -> None:
        """Switch the entity, figure, date or attribution (sources and cues) highlights on or off."""
        self.layers[layer] = not self.layers[layer]
        if self.reader is not None and self.reader.is_mounted:
            self.reader.layers_changed()
        state = "on" if self.layers[layer] else "off"
        self.notify(f"{layer} highlights {state}", timeout=1.5)

    def toggle_dark(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # ----------------------------------------------------------------- keys
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification, always as plain text.

        Messages carry file names, titles, notes and error text, any of which may hold
        [brackets]: as markup they vanish or raise `MarkupError`, and control characters
        (escape sequences), which are shown as visible stand-ins. Every `notify` of a
        screen or widget lands here, so ``markup`` is ignored.
        """
        super().notify(
            visible(message, keep="\t\n"), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def keys_for(self, binding: Binding) -> str:
        """The keys a binding answers to, after the user's remapping."""
        if binding.id and binding.id in self.config.keys:
            return self.config.keys[binding.id]
        return binding.key

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def run_reader_action(self, action: str) -> None:
        """Run a reader action by name (used by the command palette)."""
        screen = self.screen
        if screen is self.reader:
            self.call_later(screen.run_action, action)

    # --------------------------------------------------------------- export
    def export_labels(self, fmt: str) -> None:
        """Export every label of the corpus into ``<store>/exports/`` (from the palette).

        Rows are collected here, on the UI thread that owns the store; the file is
        written by a thread worker (the spaCy format loads a tokenizer). Labelled
        articles were analysed when they were labelled, so their analyses come from
        the cache; one whose cache entry is gone is analysed again rather than left out.
        """
        from annotations.export import Withheld, collect_rows, corpus_items, format_named

        chosen = format_named(fmt)
        output = Path(self.store.path) / "exports" / chosen.output_name(f"labels-{fmt}")
        withheld = Withheld()  # training formats: one label per sentence (see collect_rows)
        self.settle_writes()  # what is exported is what is on disk: the queued labels first
        try:
            items = corpus_items(self.corpus, self.store, self.analyzer)
            rows = list(collect_rows(self.store, items, agreed=chosen.training, withheld=withheld))
            output.parent.mkdir(parents=True, exist_ok=True)
        except ClaimscopeError as error:
            self.notify(str(error), severity="error")
            return
        except OSError as error:
            self.notify(f"cannot write {output.parent}: {error.strerror}", severity="error")
            return
        left_out = withheld.message()
        self._write_export(
            rows, fmt, output, {article.id: article.text for article, _ in items}, [left_out] if left_out else []
        )

    @work(thread=True, exit_on_error=False, group="export", description="write an export")
    def _write_export(
        self, rows: list[Any], fmt: str, output: Path, texts: dict[str, str], said: list[str] | None = None
    ) -> None:
        from annotations.export import sentence_count, write_export

        try:
            notes: list[str] = list(said or [])  # what was left out, what became of overlapping spans, ...
            count = write_export(rows, fmt, output, self.scheme, texts=texts, notes=notes)
        except ClaimscopeError as error:
            self.call_from_thread(self.notify, str(error), severity="error")
            return
        except Exception as error:  # never let an export bug close the app
            self.call_from_thread(self.notify, f"export failed: {error}", severity="error")
            return
        self.call_from_thread(self.notify, f"exported {sentence_count(count)} to {output}", timeout=8)
        for note in notes:
            self.call_from_thread(self.notify, note, severity="warning", timeout=12)


def known_binding_ids() -> set[str]:
    """Every binding id a user may remap in the config file."""
    from tui.screens.help import HelpScreen
    from tui.screens.reader import READER_BINDINGS

    bindings = [*READER_BINDINGS, *ArticlesScreen.BINDINGS, *ClaimscopeApp.BINDINGS, *HelpScreen.BINDINGS]
    return {binding.id for binding in bindings if isinstance(binding, Binding) and binding.id}


def _on_hang_up(handler: Any, installed: tuple[int, ...] = ()) -> tuple[int, ...]:
    """Call ``handler(signum)`` on SIGHUP/SIGTERM in the event loop; returns the signals set.

    ``handler=None`` removes the ``installed`` ones. Where the loop cannot take signal
    handlers (Windows, not the main thread) nothing is set: a lock whose process is
    gone is taken over by the next start anyway.
    """
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    if handler is None:
        for signum in installed:
            loop.remove_signal_handler(signum)
        return ()
    done: list[int] = []
    for name in ("SIGHUP", "SIGTERM"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            loop.add_signal_handler(signum, handler, signum)
        except (NotImplementedError, RuntimeError, ValueError):
            break
        done.append(signum)
    return tuple(done)


def create_app(
    path: Path | None = None,
    *,
    model: str | None = None,
    store_dir: Path | None = None,
    annotator: str = "annotator",
    labels: Path | None = None,
    config: Config | None = None,
    restore: bool = True,
) -> ClaimscopeApp:
    """Build the app for a corpus folder (or the bundled sample): what `claimscope PATH` runs.

    The caller owns the store: close it with ``app.store.close()`` after the app exits.
    """
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path
    from tui.config import load_config

    corpus = load_corpus(path if path is not None else sample_corpus_path())
    scheme = find_scheme(corpus.root, labels)
    config = config if config is not None else load_config()
    from tui.screens.reader.bindings import reader_bindings

    reader_bindings(scheme, config, also=ClaimscopeApp.BINDINGS)  # a key clash: one line before the store is locked
    notices: list[str] = []
    # Never raises for a missing model: spaCy is imported when an analysis first runs.
    analyzer = Analyzer(model=model)
    if analyzer.model_error is not None:
        notices.append(f"{analyzer.model_error} (articles open without highlights)")
    store = Store.open(corpus.root, annotator=annotator, scheme=scheme, store_dir=store_dir)
    from annotations.relocate import relocate_labels

    notices.extend(relocate_labels(store, corpus))  # labels of records whose id changed
    return ClaimscopeApp(
        corpus,
        store,
        scheme,
        analyzer,
        annotator=annotator,
        config=config,
        restore=restore,
        notices=tuple(notices),
    )
