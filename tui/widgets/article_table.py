"""The article list's table, drawn through Textual's line API.

Textual's `DataTable` measures every cell of every row it is given and renders cells
through Rich one by one: for a 1,000-article corpus that cost more than the whole
start-up budget (benchmarks/tui.py, part 3). This table holds only the rows' keys and a
function giving a row's cells; cells are asked for, and a screen line made, when the
compositor draws that line (`render_line`), and both are kept in small caches. So
filling, sorting and filtering cost the same for ten rows or ten thousand, and a cursor
move redraws two lines.

Line 0 is the column header, fixed while the rows scroll under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from corpus.terminal import visible

PADDING = 1  # cells of space either side of every column


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, heading, width in cells (0: whatever the others leave) and alignment."""

    key: str
    label: str
    width: int = 0
    justify: Literal["left", "right"] = "left"


class ArticleTable(ScrollView, can_focus=True):
    """Rows of `Text` cells under a header, with a row cursor; enter or a click selects."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES = {
        "article-table--header",
        "article-table--even-row",
        "article-table--cursor",
    }

    DEFAULT_CSS = """
    ArticleTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
            & > .article-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .article-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .article-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .article-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .article-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    # repaint=False: watch_cursor_row redraws just the two rows that change.
    cursor_row: reactive[int] = reactive(0, always_update=False, init=False, layout=False, repaint=False)

    class RowSelected(Message):
        """Enter (or a click on the cursor row) chose a row."""

        def __init__(self, row_key: str) -> None:
            self.row_key = row_key
            super().__init__()

    class HeaderSelected(Message):
        """A column heading was clicked."""

        def __init__(self, column_key: str) -> None:
            self.column_key = column_key
            super().__init__()

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: tuple[Column, ...] = ()
        self._headings: dict[str, str] = {}
        self._keys: list[str] = []
        self._cells_of: Callable[[str], Sequence[Text]] = lambda key: ()
        self._cells: LRUCache[str, Sequence[Text]] = LRUCache(1024)
        self._index: dict[str, int] = {}
        self._widths: list[int] = []
        self._width = -1
        self._lines: LRUCache[tuple[int, bool], Strip] = LRUCache(256)

    # ---------------------------------------------------------------- content
    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (rows must be set again after this)."""
        self.columns = tuple(columns)
        self._headings = {column.key: column.label for column in self.columns}
        self._width = -1
        self.set_rows([], lambda key: ())

    def set_heading(self, key: str, label: str) -> None:
        """Change one column's heading (e.g. to show the sort arrow)."""
        if self._headings.get(key) != label:
            self._headings[key] = label
            self.refresh_lines(int(self.scroll_y))  # the header is always the top screen line

    def set_rows(
        self,
        keys: Sequence[str],
        cells_of: Callable[[str], Sequence[Text]],
        cursor_key: str | None = None,
    ) -> None:
        """Show these rows, top to bottom; ``cells_of(key)`` gives a row's cells in column order.

        Cells are asked for only when a row is drawn (or looked up). The cursor goes to
        ``cursor_key`` if it is among the rows, else to the top.
        """
        self._keys = list(keys)
        self._cells_of = cells_of
        self._index = {key: index for index, key in enumerate(self._keys)}
        self._cells.clear()
        self._lines.clear()
        self.virtual_size = Size(0, len(self._keys) + 1)
        row = self._index.get(cursor_key, 0) if cursor_key is not None else 0
        self.set_reactive(ArticleTable.cursor_row, self._clamp(row))
        if self.is_mounted:
            self.scroll_to_cursor()
        self.refresh()

    def refresh_row(self, key: str) -> None:
        """A row's cells changed: ask for them again and redraw only that row."""
        index = self._index.get(key)
        if index is None:
            return
        self._cells.discard(key)
        self._lines.discard((index, False))
        self._lines.discard((index, True))
        self.refresh_lines(index + 1)

    def refresh_rows(self) -> None:
        """Many rows' cells changed: ask again for all of them, in one repaint."""
        self._cells.clear()
        self._lines.clear()
        self.refresh()

    # ----------------------------------------------------------------- lookup
    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def row_keys(self) -> list[str]:
        """The keys of the rows, top to bottom."""
        return list(self._keys)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor."""
        return self._keys[self.cursor_row] if self._keys else None

    def get_row_at(self, index: int) -> list[Text]:
        """The cells of the row at ``index``."""
        return list(self._row_cells(self._keys[index]))

    def get_row(self, key: str) -> list[Text]:
        """The cells of the row with ``key`` (KeyError if there is none)."""
        return list(self._row_cells(self._keys[self._index[key]]))

    def _row_cells(self, key: str) -> Sequence[Text]:
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells_of(key)
            self._cells.set(key, cells)
        return cells

    def get_row_index(self, key: str) -> int:
        """The position of the row with ``key`` (KeyError if there is none)."""
        return self._index[key]

    def move_cursor(self, *, row: int) -> None:
        """Put the cursor on a row and scroll it into view."""
        self.cursor_row = row

    # ----------------------------------------------------------------- cursor
    def _clamp(self, row: int) -> int:
        return min(max(0, row), max(0, len(self._keys) - 1))

    def validate_cursor_row(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_lines(old + 1)
        self.refresh_lines(new + 1)
        self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        """Scroll so the cursor row is below the header and on screen."""
        rows = self.scrollable_content_region.height - 1
        if rows <= 0:
            return
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= max(1, self.scrollable_content_region.height - 2)

    def action_page_down(self) -> None:
        self.cursor_row += max(1, self.scrollable_content_region.height - 2)

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._keys) - 1

    def action_select(self) -> None:
        if self._keys:
            self.post_message(self.RowSelected(self._keys[self.cursor_row]))

    def on_click(self, event: Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x)
            if key is not None:
                self.post_message(self.HeaderSelected(key))
            return
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < len(self._keys):
            if row == self.cursor_row:
                self.post_message(self.RowSelected(self._keys[row]))
            else:
                self.cursor_row = row

    def _column_at(self, x: int) -> str | None:
        self._ensure_widths()
        left = 0
        for column, width in zip(self.columns, self._widths):
            right = left + width + 2 * PADDING
            if left <= x < right:
                return column.key
            left = right
        return None

    # -------------------------------------------------------------- rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def on_focus(self) -> None:
        self._lines.clear()  # the cursor row looks different with focus
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    def _ensure_widths(self) -> None:
        width = self.scrollable_content_region.width
        if width == self._width:
            return
        fixed = sum(column.width + 2 * PADDING for column in self.columns if column.width)
        flexible = [column for column in self.columns if not column.width]
        share = max(8, (width - fixed) // max(1, len(flexible)) - 2 * PADDING) if flexible else 0
        self._widths = [column.width or share for column in self.columns]
        self._width = width
        self._lines.clear()

    def render_line(self, y: int) -> Strip:
        self._ensure_widths()
        width = max(self._width, 1)
        if y == 0:
            return self._render_header(width)
        row = int(self.scroll_y) + y - 1
        if not 0 <= row < len(self._keys):
            return Strip.blank(width, self.rich_style)
        key = (row, row == self.cursor_row)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_row(row, width)
            self._lines.set(key, strip)
        return strip

    def _render_header(self, width: int) -> Strip:
        style = self.get_component_rich_style("article-table--header")
        cells = [Text(self._headings.get(column.key, column.label)) for column in self.columns]
        return self._strip(cells, style, width)

    def _render_row(self, row: int, width: int) -> Strip:
        style = self.rich_style
        if row == self.cursor_row:
            style += self.get_component_rich_style("article-table--cursor")
        elif row % 2:
            style += self.get_component_rich_style("article-table--even-row")
        return self._strip(self._row_cells(self._keys[row]), style, width)

    def _strip(self, cells: Sequence[Text], style: Style, width: int) -> Strip:
        console = self.app.console
        pad = " " * PADDING
        segments: list[Segment] = []
        columns: Sequence[Column] = self.columns
        widths = self._widths
        if cells and not any(cell.plain for cell in cells[1:]):
            # Only the first cell (e.g. a file that could not be read): give it the row.
            columns, widths = columns[:1], [max(1, width - 2 * PADDING)]
        for column, cell_width, cell in zip(columns, widths, cells):
            if not cell._spans and not cell.style:
                # The common cell, plain and short enough: its one segment made directly,
                # as rendering the padded Text would make it (Rich's Text.render gives a
                # Text without spans as one unstyled segment).
                plain = visible(cell.plain)
                length = cell_len(plain)
                if length <= cell_width:
                    gap = " " * (cell_width - length)
                    if column.justify == "right":
                        segments.append(Segment(pad + gap + plain + pad))
                    else:
                        segments.append(Segment(pad + plain + gap + pad))
                    continue
            text = cell.copy()
            shown = visible(text.plain)  # titles and file names may hold escape sequences
            if shown != text.plain:
                text.plain = shown  # same length: the cell's styles stay put
            text.truncate(cell_width, overflow="ellipsis")
            gap = " " * (cell_width - text.cell_len)
            if column.justify == "right":
                text = Text.assemble(pad + gap, text, pad)
            else:
                text = Text.assemble(pad, text, gap + pad)
            segments.extend(text.render(console))
        return Strip(Segment.apply_style(segments, style)).adjust_cell_length(width, style)
