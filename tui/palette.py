"""The command palette (ctrl+p): open an article, export, toggle layers, switch theme,
and every reader action by name, so nothing needs a key to be remembered.

This module holds the palette's machinery only: `CommandRegistry`, which the app and
the screens fill with command sources (registered, not imported: nothing here knows
the app or a screen), `ClaimscopeCommands`, the Textual `Provider` that lists what the
registry gives for the screen the palette opened on, and the ranking of titles. The
commands themselves are in `tui/app_commands.py` (the app's) and
`tui/screens/reader/commands.py` (the reader's).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape


class Command(NamedTuple):
    """One palette entry: its title, what it runs, and the help line under it."""

    title: str
    run: Callable[[], object]
    help: str


#: A command source: given the screen the palette opened on, the commands it offers there.
CommandSource = Callable[[Any], Iterable[Command]]


class CommandRegistry:
    """The palette's command sources, in the order their commands are listed.

    Each source has an ``order``; sources with a lower one come first, and sources of
    the same order in the order they were added (the app's commands, then the reader's
    when it is open, then "Open: ..." for every article).
    """

    def __init__(self) -> None:
        self._sources: list[tuple[int, CommandSource]] = []

    def add(self, source: CommandSource, *, order: int = 0) -> None:
        """Offer ``source``'s commands in the palette from now on."""
        self._sources.append((order, source))
        self._sources.sort(key=lambda entry: entry[0])  # stable: same order keeps insertion

    def remove(self, source: CommandSource) -> None:
        """Stop offering ``source``'s commands (a screen that goes away)."""
        self._sources = [(order, known) for order, known in self._sources if known != source]

    def commands(self, screen: Any) -> Iterator[Command]:
        """Every command the sources offer on ``screen``, in order."""
        for _order, source in self._sources:
            yield from source(screen)


class ClaimscopeCommands(Provider):
    """claimscope's own commands for the palette: what the app's registry holds."""

    def _commands(self) -> Iterator[Command]:
        registry: CommandRegistry | None = getattr(self.app, "commands", None)
        if registry is not None:
            yield from registry.commands(self.screen)

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


def _highlight(matcher: Matcher, query: str, candidate: str) -> Content:
    """Like ``Matcher.highlight`` but never parses the candidate as markup (titles may hold [brackets])."""
    content = Content(candidate)
    _score, offsets = matcher.fuzzy_search.match(query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style or "reverse", offset, offset + 1)
    return content
