"""The legend under the reader: entity colours present, figure and date styles, layer switches."""

from __future__ import annotations

from rich.style import Style
from textual.content import Content
from textual.widgets import Static


class Legend(Static):
    """One line saying what each highlight means and which layers are on."""

    _shown: Content | None = None
    _lines = 0

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
        keys: tuple[str, str, str] = ("e", "f", "d"),
    ) -> None:
        """Redraw the legend for the labels in the open article; ``keys`` switch the three layers."""
        parts: list[Content | tuple[str, str | Style]] = []
        for label in entity_labels:
            style = entity_styles[label] if entities else Style(dim=True, strike=True)
            parts += [Content.from_rich_text(_styled(label, style)), " "]
        if not entity_labels:
            parts.append(("no entities ", "dim"))
        parts += [
            Content.from_rich_text(_styled("figure", figure_style if figures else Style(dim=True, strike=True))),
            " ",
            Content.from_rich_text(_styled("date", date_style if dates else Style(dim=True, strike=True))),
            ("  │ ", "dim"),
            _switch(keys[0], "entities", entities),
            _switch(keys[1], "figures", figures),
            _switch(keys[2], "dates", dates),
        ]
        content = Content.assemble(*parts)
        if content == self._shown:
            return
        # The legend is one line, or two when it wraps: only a change of that needs a new layout.
        width = max(1, self.content_region.width)
        lines = 1 if content.cell_length <= width else 2
        self.update(content, layout=lines != self._lines)
        self._shown, self._lines = content, lines


def _styled(text: str, style: Style):
    from rich.text import Text

    return Text(f" {text} " if style.bgcolor else text, style=style)


def _switch(key: str, name: str, on: bool) -> Content:
    state = "on" if on else "off"
    return Content.assemble((key, "bold"), (f" {name} {state}  ", "" if on else "dim"))
