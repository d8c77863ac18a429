"""The reader's colours: displaCy's entity palette, the theme palette, label chips and tints.

Plain Rich styles, no widget: `Palette.make` gives the colours of a dark or light
theme (or attributes alone under NO_COLOR), `entity_style` the highlight of an entity
label, `chip_styles` the gutter chip and the sentence tint of a label colour, kept
at 4.5:1 contrast by ``tui/contrast.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.style import Style

from tui import contrast

#: displaCy's entity palette (spaCy ``displacy/render.py`` DEFAULT_LABEL_COLORS).
ENTITY_COLORS: dict[str, str] = {
    "ORG": "#7aecec",
    "PRODUCT": "#bfeeb7",
    "GPE": "#feca74",
    "LOC": "#ff9561",
    "PERSON": "#aa9cfc",
    "NORP": "#c887fb",
    "FAC": "#9cc9cc",
    "EVENT": "#ffeb80",
    "LAW": "#ff8197",
    "LANGUAGE": "#ff8197",
    "WORK_OF_ART": "#f0d0ff",
    "DATE": "#bfe1d9",
    "TIME": "#bfe1d9",
}
#: displaCy draws labels it has no colour for in light grey.
DEFAULT_ENTITY_COLOR = "#dddddd"
#: How strongly a labelled sentence's background leans toward its label colour.
TINT = 0.3


@dataclass(frozen=True, slots=True)
class Palette:
    """The reader's colours for one theme (and plain attributes under NO_COLOR)."""

    base: Style
    current: Style
    cursor_bar: Style
    figure: Style
    date: Style
    hit: Style
    current_hit: Style
    selection: Style
    token: Style
    dim: Style
    #: Who claims (an attribution's source) and the words that attribute (its cue).
    source: Style = Style(underline2=True)
    cue: Style = Style(italic=True, underline=True)
    no_color: bool = False

    @classmethod
    def make(cls, *, dark: bool, no_color: bool) -> Palette:
        """The palette for a dark or light theme."""
        if no_color:
            # Monochrome: everything must still be told apart by attributes alone.
            return cls(
                base=Style(),
                current=Style(bold=True),
                cursor_bar=Style(bold=True),
                figure=Style(bold=True, underline=True),
                date=Style(italic=True),
                hit=Style(reverse=True),
                current_hit=Style(reverse=True, bold=True, underline=True),
                selection=Style(reverse=True),
                token=Style(reverse=True, underline=True),
                dim=Style(dim=True),
                source=Style(underline2=True),
                cue=Style(italic=True, underline=True),
                no_color=True,
            )
        if dark:
            return cls(
                base=Style(),
                current=Style(bgcolor="#2b3b5c"),
                cursor_bar=Style(color="#ffb000", bold=True),
                figure=Style(color="#ff9f1a", bold=True, underline=True),
                date=Style(color="#8fdccb", italic=True),
                hit=Style(color="#000000", bgcolor="#e8e36a"),
                current_hit=Style(color="#000000", bgcolor="#ffd000", bold=True, underline=True),
                selection=Style(color="#000000", bgcolor="#61afef", bold=True),
                token=Style(color="#000000", bgcolor="#c0e0ff", underline=True),
                dim=Style(color="#7f848e"),
                source=Style(bgcolor="#44315c"),
                cue=Style(color="#d7a6ff", italic=True),
            )
        return cls(
            base=Style(),
            current=Style(bgcolor="#dce7fb"),
            # Darker than a white page needs: textual-light's page is #e0e0e0.
            cursor_bar=Style(color="#8a4500", bold=True),
            figure=Style(color="#9a3412", bold=True, underline=True),
            date=Style(color="#004d40", italic=True),
            hit=Style(color="#000000", bgcolor="#fff59d"),
            current_hit=Style(color="#000000", bgcolor="#ffca28", bold=True, underline=True),
            selection=Style(color="#ffffff", bgcolor="#1565c0", bold=True),
            token=Style(color="#000000", bgcolor="#90caf9", underline=True),
            dim=Style(color="#4b5563"),
            source=Style(bgcolor="#ecdcf8"),
            cue=Style(color="#6a1b9a", italic=True),
        )


@lru_cache(maxsize=256)
def entity_style(label: str, no_color: bool = False) -> Style:
    """The highlight of one entity label: displaCy's background, black text (made once per label)."""
    if no_color:
        return Style(reverse=True)
    return Style(color="#000000", bgcolor=ENTITY_COLORS.get(label, DEFAULT_ENTITY_COLOR))


def chip_styles(color: str, palette: Palette, base: Style) -> tuple[Style, Style]:
    """The gutter chip style and the sentence tint for a label colour on text of style ``base``."""
    if palette.no_color:
        return (Style(reverse=True, bold=True), Style())
    background = base.bgcolor.get_truecolor() if base.bgcolor else None
    foreground = base.color.get_truecolor() if base.color else None
    back = contrast.hex_of(tuple(background)) if background else "#121212"
    fore = contrast.hex_of(tuple(foreground)) if foreground else contrast.text_on(back)
    # Figures and dates keep their own text colour on the tint: it must suit them too.
    drawn = [fore, *(str(style.color.name) for style in (palette.figure, palette.date) if style.color)]
    return (
        Style(color=contrast.text_on(color), bgcolor=color, bold=True),
        Style(bgcolor=contrast.tint(color, back, drawn, TINT)),
    )
