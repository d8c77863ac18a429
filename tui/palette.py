"""The command palette (ctrl+p): open an article, export, toggle layers, switch theme,
and every reader action by name, so nothing needs a key to be remembered."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from corpus.terminal import visible
from tui.config import next_advance

if TYPE_CHECKING:
    from tui.app import ClaimscopeApp

class ClaimscopeCommands(Provider):
    """claimscope's own commands for the palette."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        from tui.screens.reader import ReaderScreen

        app: ClaimscopeApp = self.app  # type: ignore[assignment]
        for layer in ("entities", "figures", "dates"):
            state = "off" if app.layers[layer] else "on"
            yield (f"Highlights: turn {layer} {state}", partial(app.toggle_layer, layer), f"toggle the {layer} layer")
        yield ("Theme: switch light/dark", app.toggle_dark, "toggle between textual-light and textual-dark")
        yield (
            f"After a label: {next_advance(app.advance)} (now {app.advance})",
            app.cycle_advance,
            "where a label key moves the cursor: next-unreviewed, next, stay",
        )
        suggestions = app.suggestions
        other = "reading" if suggestions.order == "most-useful" else "most-useful"
        yield (
            f"Order of unreviewed sentences: {other} (now {suggestions.order})",
            partial(_cycle_order, app),
            "space and advance: reading order, or most useful next (closest to claim/not claim)",
        )
        yield ("Retrain suggestions", partial(_retrain, app), f"learn from this store's labels now ({suggestions.describe()})")
        from annotations.export import FORMATS  # the registry: every format, new ones included

        for fmt in FORMATS:
            yield (f"Export labels as {fmt}", partial(app.export_labels, fmt), "write every label of this corpus")
        yield ("Help: keys and label guidelines", app.action_help, "show every binding and the scheme")
        yield ("Figures: every figure in the corpus", _show_figures(app), "value, unit and sentence; filter, sort, open")
        yield ("Agreement", partial(_push_team_screen, app, "agreement"), "kappas, alpha, AC1 and confusion between annotators")
        yield ("Adjudicate", partial(_push_team_screen, app, "adjudicate"), "decide gold labels where annotators disagree")
        if isinstance(self.screen, ReaderScreen):
            screen = self.screen
            for binding in app.reader_keys:
                if not binding.description or not binding.id:
                    continue
                action = binding.action
                if "(" in action and not action.startswith(("label(", "toggle_layer", "step_article", "span_", "jump(")):
                    continue
                label = app.scheme.get(binding.id.removeprefix("label."))
                if binding.id.startswith("label.") and label is not None:
                    title, keys = f"Label sentence: {label.name}", label.key
                else:
                    title, keys = f"Reader: {binding.description}", app.keys_for(binding)
                yield (title, partial(screen.run_action, action), f"key: {visible(keys)}")  # a scheme key may be any character
        for article in app.corpus.articles:
            title = visible(article.title or article.id)  # a title or file name may hold escape sequences
            yield (f"Open: {title}", partial(app.open_article, article.id), visible(article.id))

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            if not name.startswith("Open: "):
                # The palette reads `help` as markup; it may hold a file name or a "[" key.
                yield DiscoveryHit(Content(name), command, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                score += _RANK_STEP * title_rank(query, name)
                yield Hit(score, _highlight(matcher, query, name), command, text=name, help=escape(help_text))


#: Above any fuzzy score Textual gives a title of a few dozen letters: a better rank always wins.
_RANK_STEP = 10_000.0


def title_rank(query: str, title: str) -> int:
    """How well ``query`` names the command ``title`` (any case, spaces folded).

    2: the whole title, or one side of its "Group: name" ("Figures", "Agreement",
    "quantity"); 1: the title or its name starts with it; 0: only a fuzzy match.
    The palette ranks by this before the fuzzy score, so typing a command's own title
    and enter runs that command, not one that merely mentions the word.
    """
    wanted = " ".join(query.lower().split())
    if not wanted:
        return 0
    full = " ".join(title.lower().split())
    head, colon, tail = full.partition(": ")
    sides = (full, head, tail) if colon else (full,)
    if wanted in sides:
        return 2
    if any(side.startswith(wanted) for side in sides):
        return 1
    return 0


def _push_team_screen(app: ClaimscopeApp, which: str) -> None:
    """Open the agreement tables or the adjudication review."""
    if which == "agreement":
        from tui.screens.agreement import AgreementScreen

        app.push_screen(AgreementScreen(app.store))
    else:
        from tui.screens.adjudicate import AdjudicateScreen

        # One review per app: a second one would find the gold lock held by the first.
        open_one = next((s for s in app.screen_stack if isinstance(s, AdjudicateScreen)), None)
        if open_one is not None:
            while app.screen is not open_one:
                app.pop_screen()
            return
        app.push_screen(AdjudicateScreen(app))


def _show_figures(app: ClaimscopeApp) -> Callable[[], object]:
    def show() -> None:
        from tui.screens.figures import FiguresScreen

        app.push_screen(FiguresScreen())

    return show


def _highlight(matcher: Matcher, query: str, candidate: str) -> Content:
    """Like ``Matcher.highlight`` but never parses the candidate as markup (titles may hold [brackets])."""
    content = Content(candidate)
    _score, offsets = matcher.fuzzy_search.match(query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style or "reverse", offset, offset + 1)
    return content


def _cycle_order(app: ClaimscopeApp) -> None:
    order = app.suggestions.cycle_order()
    app.notify(f"unreviewed sentences: {order} order (set order in config.toml to keep it)", timeout=3)


def _retrain(app: ClaimscopeApp) -> None:
    app.suggestions.retrain(announce=True)
    app.notify("retraining suggestions in the background", timeout=2)
