"""The two legend lines under the reader.

`LabelBar`: the scheme's keys and labels in their colours (what the gutter chips mean).
`Legend`: the entity colours present, the figure and date styles, the layer switches.
Each is one line at any width: long forms when they fit, short forms when not.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from tui import contrast
from tui.shown import visible_content


class LabelBar(Static):
    """Key → label, as chips in the label colours; always one line."""

    DEFAULT_CSS = """
    LabelBar {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _labels: tuple[tuple[str, str, str], ...] = ()

    def show_labels(self, labels: list[tuple[str, str, str]]) -> None:
        """``labels``: (key, name, colour) per label, in scheme order."""
        self._labels = tuple(labels)
        self.refresh()

    def render(self) -> Content:
        width = max(1, self.content_region.width)
        for cut in (None, 5, 3, 1):
            content = self._line(cut)
            if content.cell_length <= width:
                return content
        return content

    def _line(self, cut: int | None) -> Content:
        parts: list[Content | tuple[str, str] | str] = []
        for key, name, color in self._labels:
            shown = name if cut is None else name[:cut]
            chip = f"bold {contrast.text_on(color)} on {color}"
            parts += [(key, "bold"), (f" {shown} ", chip), " "]
        return visible_content(Content.assemble(*parts).rstrip())  # a scheme's key may be any character


class Legend(Static):
    """One line saying what each highlight means and which layers are on."""

    DEFAULT_CSS = """
    Legend {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _parts: tuple[Content, Content, Content] | None = None

    def show_legend(
        self,
        entity_labels: list[str],
        entity_styles: dict[str, Style],
        figure_style: Style,
        date_style: Style,
        *,
        entities: bool,
        figures: bool,
        dates: bool,
        keys: tuple[str, ...] = ("e", "f", "d"),
        attribution: bool | None = None,
        source_style: Style | None = None,
        cue_style: Style | None = None,
    ) -> None:
        """Redraw the legend for the labels in the open article; ``keys`` switch the layers
        (entities, figures, dates, and with ``attribution`` given, sources and cues)."""
        off = Style(dim=True, strike=True)
        chips: list[Content | tuple[str, str] | str] = []
        for label in entity_labels:
            chips += [Content.from_rich_text(_styled(label, entity_styles[label] if entities else off)), " "]
        if not entity_labels:
            chips.append(("no entities ", "dim"))
        chips += [
            Content.from_rich_text(_styled("figure", figure_style if figures else off)),
            " ",
            Content.from_rich_text(_styled("date", date_style if dates else off)),
        ]
        names, switched = ["entities", "figures", "dates"], [entities, figures, dates]
        if attribution is not None:
            chips += [
                " ",
                Content.from_rich_text(_styled("source", (source_style or Style()) if attribution else off)),
                " ",
                Content.from_rich_text(_styled("cue", (cue_style or Style()) if attribution else off)),
            ]
            names.append("who")
            switched.append(attribution)
        states = tuple(zip(keys, names, switched))
        long = Content.assemble(("  │ ", "dim"), *(_switch(key, name, on) for key, name, on in states))
        short = Content.assemble(("  │ ", "dim"), *(_switch(key, "", on) for key, _name, on in states))
        parts = (Content.assemble(*chips), long, short)
        if parts != self._parts:
            self._parts = parts
            self.refresh()

    def render(self) -> Content:
        if self._parts is None:
            return Content("")
        chips, long, short = self._parts
        width = max(1, self.content_region.width)
        # The switches stay whole; the entity chips give way (cut with an ellipsis).
        switches = long if chips.cell_length + long.cell_length <= width else short
        room = max(0, width - switches.cell_length)
        if chips.cell_length > room:
            chips = chips.truncate(room, ellipsis=True)
        return chips + switches


def _styled(text: str, style: Style) -> Text:
    return Text(f" {text} " if style.bgcolor else text, style=style)


def _switch(key: str, name: str, on: bool) -> Content:
    state = "on" if on else "off"
    label = f" {name} {state}  " if name else f":{state} "
    return Content.assemble((key, "bold"), (label, "" if on else "dim"))
