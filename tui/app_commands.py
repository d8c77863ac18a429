"""The app's commands for the palette: highlight layers, theme, where a label key moves
the cursor, the order of unreviewed sentences, retraining, exports, help, the figures,
agreement and adjudication views, and "Open: ..." for every article.

`ClaimscopeApp` registers `app_commands` and `open_commands` in its `CommandRegistry`
(`tui.palette`); each takes the app as a `tui.host.Host`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Iterator

from corpus.terminal import visible
from tui.config import next_advance
from tui.palette import Command

if TYPE_CHECKING:
    from tui.host import Host


def app_commands(app: Host, screen: Any) -> Iterator[Command]:
    """The commands the palette offers on any screen (``screen`` is not needed)."""
    for layer in ("entities", "figures", "dates", "attribution"):
        state = "off" if app.layers[layer] else "on"
        yield Command(f"Highlights: turn {layer} {state}", partial(app.toggle_layer, layer), f"toggle the {layer} layer")
    yield Command("Theme: switch light/dark", app.toggle_dark, "toggle between textual-light and textual-dark")
    yield Command(
        f"After a label: {next_advance(app.advance)} (now {app.advance})",
        app.cycle_advance,
        "where a label key moves the cursor: next-unreviewed, next, stay",
    )
    suggestions = app.suggestions
    other = "reading" if suggestions.order == "most-useful" else "most-useful"
    yield Command(
        f"Order of unreviewed sentences: {other} (now {suggestions.order})",
        partial(_cycle_order, app),
        "space and advance: reading order, or most useful next (closest to claim/not claim)",
    )
    yield Command("Retrain suggestions", partial(_retrain, app), f"learn from this store's labels now ({suggestions.describe()})")
    from annotations.export import FORMATS  # the registry: every format, new ones included

    for fmt in FORMATS:
        yield Command(f"Export labels as {fmt}", partial(app.export_labels, fmt), "write every label of this corpus")
    yield Command("Help: keys and label guidelines", app.action_help, "show every binding and the scheme")
    yield Command("Figures: every figure in the corpus", _show_figures(app), "value, unit and sentence; filter, sort, open")
    yield Command("Claims: every labelled claim and who claims it", partial(_show_claims, app), "claimant, cue, type, figures; filter, open")
    yield Command("Agreement", partial(_push_team_screen, app, "agreement"), "kappas, alpha, AC1 and confusion between annotators")
    yield Command("Adjudicate", partial(_push_team_screen, app, "adjudicate"), "decide gold labels where annotators disagree")


def open_commands(app: Host, screen: Any) -> Iterator[Command]:
    """Every article of the corpus as "Open: TITLE" (listed last; searched, not discovered)."""
    for article in app.corpus.articles:
        title = visible(article.title or article.id)  # a title or file name may hold escape sequences
        yield Command(f"Open: {title}", partial(app.open_article, article.id), visible(article.id))


def _push_team_screen(app: Host, which: str) -> None:
    """Open the agreement tables or the adjudication review."""
    if which == "agreement":
        from tui.screens.agreement import AgreementScreen

        def cached(article_id: str) -> object:
            article = app.corpus.get(article_id)
            return app.analyzer.cached(article) if article is not None else None

        app.push_screen(AgreementScreen(app.store, cached))
    else:
        from tui.screens.adjudicate import AdjudicateScreen

        # One review per app: a second one would find the gold lock held by the first.
        open_one = next((s for s in app.screen_stack if isinstance(s, AdjudicateScreen)), None)
        if open_one is not None:
            while app.screen is not open_one:
                app.pop_screen()
            return
        app.push_screen(AdjudicateScreen(app))


def _show_figures(app: Host) -> Callable[[], object]:
    def show() -> None:
        from tui.screens.figures import FiguresScreen

        app.push_screen(FiguresScreen())

    return show


def _show_claims(app: Host) -> None:
    from tui.screens.claims import ClaimsScreen

    app.push_screen(ClaimsScreen())


def _cycle_order(app: Host) -> None:
    order = app.suggestions.cycle_order()
    app.notify(f"unreviewed sentences: {order} order (set order in config.toml to keep it)", timeout=3)


def _retrain(app: Host) -> None:
    app.suggestions.retrain(announce=True)
    app.notify("retraining suggestions in the background", timeout=2)
