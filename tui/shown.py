"""The app's side of :mod:`corpus.terminal`: what a widget draws has no control character.

Widgets build their lines from titles, file names, annotator names, notes, label
names and article text; :func:`visible_content` takes the finished ``Content`` (or a string)
and replaces every control character with its visible stand-in, keeping tabs and the
newlines that break lines. The text keeps its length, so styles stay on their
characters. Rich renderables (``Text``, tables) go through :func:`clean`, the rule
the CLI prints with.
"""

from __future__ import annotations

from textual.content import Content

from corpus.terminal import visible
from tui.output import clean

__all__ = ["clean", "visible", "visible_content"]


def visible_content(content: Content | str) -> Content:
    """``content`` with every control character but tab and newline made visible."""
    if isinstance(content, str):
        return Content(visible(content, keep="\t\n"))
    plain = content.plain
    safe = visible(plain, keep="\t\n")
    if safe == plain:
        return content
    return Content(safe, list(content.spans), strip_control_codes=False)
