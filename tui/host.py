"""`Host`: what the screens and the palette's command sources need of the app.

Screens depend on this Protocol, never on `tui.app.ClaimscopeApp`, so the arrow points
one way (the app imports the screens, not back) and a screen can be read, and tested,
against anything that has these members. `ClaimscopeApp` is the one implementation.
The members are the app's state (corpus, store, scheme, settings) and the few things a
screen asks the app to do (open an article, say that one changed, switch a layer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from textual.binding import Binding, BindingType

    from annotations.scheme import Scheme
    from annotations.store import Store
    from annotations.store.writer import Written
    from corpus.analysis import Analyzer
    from corpus.articles import Corpus
    from tui.background import AnalysisProcess
    from tui.config import Config
    from tui.palette import CommandRegistry
    from tui.session import Pace
    from tui.suggestions import Suggestions


class ArticleList(Protocol):
    """What the reader asks of the article list (`tui.screens.articles.ArticlesScreen`)."""

    def progress(self, leave_out: str | None = None) -> tuple[int, int, bool]:
        """Reviewed and total sentences of the listed articles, and whether some are unknown."""
        ...

    def expected_changed(self) -> None:
        """New expected-claim counts are in."""
        ...

    def analysed(self, article_id: str, entities: int, figures: int, sentences: int) -> None:
        """An article was analysed while the app ran: its row's counts are known now."""
        ...


class Host(Protocol):
    """The app as its screens see it."""

    #: The app's own bindings (the help lists them under "anywhere").
    BINDINGS: ClassVar[list[BindingType]]

    corpus: Corpus
    store: Store
    scheme: Scheme
    analyzer: Analyzer
    config: Config
    analysis_process: AnalysisProcess
    suggestions: Suggestions
    pace: Pace
    #: the palette's commands; the app and the screens add theirs
    commands: CommandRegistry
    #: the reader's keys for this scheme and config (`tui.screens.reader.reader_bindings`)
    reader_keys: list[Binding]
    #: highlight layer -> shown
    layers: dict[str, bool]
    show_panel: bool
    #: where a label key moves the cursor: next-unreviewed, next, stay
    advance: str
    list_screen: ArticleList | None

    def open_article(self, article_id: str, sentence: int | None = None) -> None: ...

    def step_article(self, article_id: str, step: int) -> None: ...

    def open_next_to_review(self, article_id: str) -> None: ...

    def article_changed(self, article_id: str) -> None: ...

    def settle_writes(self) -> list[Written]:
        """Wait for the store's writer thread and take in its results now (each one also
        reaches the reader); the results."""
        ...

    def remember(self, article_id: str, sentence: int) -> None: ...

    def toggle_layer(self, layer: str) -> None: ...

    def toggle_dark(self) -> None: ...

    def cycle_advance(self) -> None: ...

    def keys_for(self, binding: Binding) -> str: ...

    def export_labels(self, fmt: str) -> None: ...

    def action_help(self) -> None: ...

    # What every Textual app has, used by command sources that hold only a Host.
    @property
    def screen(self) -> Any: ...

    @property
    def screen_stack(self) -> list[Any]: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def pop_screen(self) -> Any: ...

    def notify(self, message: str, **options: Any) -> None: ...
