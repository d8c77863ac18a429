"""What the CLI prints: every command's tables and messages go through here.

:class:`Console` is Rich's console with the rule of :mod:`corpus.terminal` applied
before anything is laid out: each ``Text``, string and table cell printed has its
control characters replaced by visible stand-ins (one character for one, so
highlights by offset stay on their characters and columns keep their widths). As a
last guard, the text of every segment written is checked again, so a renderable this
module does not know cannot carry an escape sequence to the terminal either; Rich's
own styles and cursor moves are not text and pass. :func:`echo` is the same for a
plain line (errors, notices).
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, TextIO

from rich.console import Console as RichConsole
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from corpus.terminal import visible

#: Kept as they are in printed text: Rich lays out tabs and newlines itself.
_KEEP = "\t\n"


def clean(renderable: Any) -> Any:
    """A renderable with its text made visible: ``Text`` (copied when it changes), ``str``
    and ``Table`` (title, caption, headers, footers and cells, in place); others as they are."""
    if isinstance(renderable, str):
        return visible(renderable, _KEEP)
    if isinstance(renderable, Text):
        shown = visible(renderable.plain, _KEEP)
        if shown != renderable.plain:
            renderable = renderable.copy()
            renderable.plain = shown  # same length: the spans stay where they were
        return renderable
    if isinstance(renderable, Table):
        renderable.title = clean(renderable.title)
        renderable.caption = clean(renderable.caption)
        for column in renderable.columns:
            column.header = clean(column.header)
            column.footer = clean(column.footer)
            column._cells = [clean(cell) for cell in column._cells]  # Rich keeps the cells there
    return renderable


class Console(RichConsole):
    """Rich's console that never writes a control character taken from text."""

    def print(self, *objects: Any, **options: Any) -> None:  # type: ignore[override]
        super().print(*(clean(item) for item in objects), **options)

    def render_str(self, text: str, **options: Any) -> Text:  # type: ignore[override]
        # Strings printed or put in table cells: cleaned before markup is read.
        return super().render_str(visible(text, _KEEP), **options)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        # The last guard: text segments only (control segments are Rich's own moves).
        return super()._render_buffer(
            segment if segment.control or not segment.text else Segment(visible(segment.text, _KEEP), segment.style)
            for segment in buffer
        )


def echo(message: str, file: TextIO | None = None) -> None:
    """Print one plain message (to stderr unless ``file`` is given) with its control
    characters made visible."""
    print(visible(message, _KEEP), file=sys.stderr if file is None else file)
