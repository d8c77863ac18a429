"""A widget's finished lines kept per content line, so a scroll repaints from a table.

Textual draws a widget in two steps: the widget's `render_line(y)` gives the content
of a row, and the widget's styles cache finishes it (padding, background, tint, the
app's line filters such as ANSI-to-truecolour). That cache is kept by screen row, so
a scroll, which changes what every row shows, finishes every row again: in the
reader, a `j` that scrolled the view finished its 34 rows and the scrollbar's 34,
about a third of that key's time (benchmarks/tui.py part 1).

A finished line depends only on its content line and on the widget's styles, not on
the row it is drawn at (for a widget with no border, padding or outline above or
below its content). `FinishedLines` keeps the finished line of each content line it
has met, with the styles it was finished under, and draws a row from that table:
after a scroll the rows that were on screen before, and those the widget finished
ahead of time (`finish_ahead`), cost a lookup. A line not in the table is finished by
the styles cache's own `render_line`, so every line is exactly what Textual draws;
a widget whose styles this does not cover is drawn by Textual as before.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable

from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

#: Finished lines kept at most (then the table starts again): some screens' worth.
LIMIT = 4096


class FinishedLines:
    """Mixin for a `Widget` whose `render_lines` should come from a table of finished lines.

    A content line is known by its identity (``BY_VALUE = False``: the widget keeps its
    content strips, as the reader's strip cache does) or by its segments
    (``BY_VALUE = True``: the widget makes equal strips again, as a scrollbar does).
    """

    BY_VALUE = False

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.__dict__.get("_finished_off"):
            return super().render_lines(crop)  # type: ignore[misc]
        try:
            return self._render_from_table(crop)
        except (AttributeError, TypeError):
            # This leans on Textual's styles cache (read in Textual 8.2): should another
            # release of Textual 8 lay it out otherwise, draw as Textual does from now on.
            self.__dict__["_finished_off"] = True
            return super().render_lines(crop)  # type: ignore[misc]

    def _render_from_table(self, crop: Region) -> list[Strip]:
        finish = self._line_finisher(crop)
        if finish is None:
            return super().render_lines(crop)  # type: ignore[misc]
        table = self._finished_table()
        render_line = self.render_line  # type: ignore[attr-defined]
        lines = []
        if self.BY_VALUE:
            for y in crop.line_range:
                content = render_line(y)
                key = tuple(content)
                finished = table.get(key)
                if finished is None:
                    finished = table[key] = finish(content)
                lines.append(finished)
        else:
            for y in crop.line_range:
                content = render_line(y)
                entry = table.get(id(content))
                if entry is None or entry[0] is not content:
                    entry = table[id(content)] = (content, finish(content))
                lines.append(entry[1])
        # The styles cache is left as it was: the rows it keeps stay marked dirty until
        # it draws them again, so falling back to it later draws nothing stale.
        return lines

    def finish_ahead(self, contents: Iterable[Strip]) -> None:
        """Finish content lines before they are drawn (between keys, not in a frame)."""
        if self.__dict__.get("_finished_off"):
            return
        size = self.region.size  # type: ignore[attr-defined]  # the scrollbar's column too, as in a frame
        try:
            finish = self._line_finisher(Region(0, 0, size.width, size.height))
        except (AttributeError, TypeError):  # see render_lines
            self.__dict__["_finished_off"] = True
            return
        if finish is None or self.BY_VALUE:
            return
        table = self._finished_table()
        try:
            for content in contents:
                entry = table.get(id(content))
                if entry is None or entry[0] is not content:
                    table[id(content)] = (content, finish(content))
        except (AttributeError, TypeError):  # see render_lines
            self.__dict__["_finished_off"] = True

    def _finished_table(self) -> dict[Hashable, object]:
        table = self.__dict__.get("_finished")
        if table is None or len(table) > LIMIT:
            table = self.__dict__["_finished"] = {}
        return table

    def _line_finisher(self, crop: Region) -> Callable[[Strip], Strip] | None:
        """What finishes one content line now, as the styles cache would; None where the
        widget's styles make a row's look depend on more than its content."""
        widget = self  # a Widget
        styles = widget.styles  # type: ignore[attr-defined]
        size = widget.region.size  # type: ignore[attr-defined]
        if crop.column_span != (0, size.width) or widget.BLANK:  # type: ignore[attr-defined]
            return None
        if widget._border_title is not None or widget._border_subtitle is not None:  # type: ignore[attr-defined]
            return None
        gutter = styles.gutter
        outline = styles.outline
        if gutter.top or gutter.bottom or outline[0][0] or outline[2][0]:
            return None  # rows above or below the content are drawn differently
        if widget.auto_links and widget.hover_style._link_id:  # type: ignore[attr-defined]
            return None  # a hovered link is restyled after the cache
        base_background, background = widget.background_colors  # type: ignore[attr-defined]
        content_size = widget.content_region.size  # type: ignore[attr-defined]
        padding = styles.padding
        opacity = widget.opacity  # type: ignore[attr-defined]
        app = widget.app  # type: ignore[attr-defined]
        ansi_theme, native_ansi = app.ansi_theme, app.native_ansi_color
        filters = tuple(widget.get_line_filters())  # type: ignore[attr-defined]
        hatch = styles.hatch if styles.has_rule("hatch") else None
        stamp = (
            size, content_size, padding, base_background, background, opacity, ansi_theme, native_ansi,
            filters, styles.border, outline, styles.tint, styles.text_opacity, hatch,
        )
        if stamp != self.__dict__.get("_finished_stamp"):
            self.__dict__["_finished"] = {}  # finished under other styles
            self.__dict__["_finished_stamp"] = stamp
        render_line = widget._styles_cache.render_line  # type: ignore[attr-defined]

        def finish(content: Strip) -> Strip:
            line = render_line(
                styles, 0, size, content_size, padding, base_background, background,
                lambda _y: content, None, None, opacity, ansi_theme, native_ansi,
            )
            for line_filter in filters:
                line = line.apply_filter(line_filter, background)
            return line

        return finish


class FinishedScrollBar(FinishedLines, ScrollBar):
    """Textual's scrollbar, its rows drawn from a table of finished lines: a scroll moves
    the thumb, and the few different rows a bar is made of are finished once."""

    BY_VALUE = True


def vertical_scrollbar(widget) -> ScrollBar:
    """A widget's vertical scrollbar as `Widget.vertical_scrollbar` makes it, but a
    `FinishedScrollBar` (for a widget's ``vertical_scrollbar`` property)."""
    if widget._vertical_scrollbar is None:
        scroll_bar = FinishedScrollBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
        widget._vertical_scrollbar = scroll_bar
        scroll_bar.display = False
        widget.app._start_widget(widget, scroll_bar)
    return widget._vertical_scrollbar
