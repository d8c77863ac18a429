"""Pick the label for a span in span mode: one key per label, or type to filter.

Each entity, figure and date label has a lowercase key shown beside it (``o`` ORG,
``1`` AGE, ...): pressing it chooses at once. Typing a capital letter (label names
are capitals) or ``/`` goes to the filter field; enter chooses the highlighted label.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from corpus.model import DATE_LABELS, ENTITY_LABELS, FIGURE_LABELS, kind_of
from tui.widgets.article_colors import entity_style

#: The labels offered, entities first (displaCy order), then figures, then dates.
SPAN_LABELS: tuple[str, ...] = (
    *sorted(ENTITY_LABELS),
    *sorted(FIGURE_LABELS),
    *sorted(DATE_LABELS),
)

#: One key per label: letters for entities and dates (mnemonic where free), digits for figures.
SPAN_KEYS: dict[str, str] = {
    "PERSON": "p",
    "ORG": "o",
    "GPE": "g",
    "LOC": "l",
    "NORP": "n",
    "FAC": "f",
    "EVENT": "e",
    "PRODUCT": "r",
    "LAW": "w",
    "LANGUAGE": "a",
    "WORK_OF_ART": "k",
    **{label: str(number) for number, label in enumerate(sorted(FIGURE_LABELS), start=1)},
    "DATE": "d",
    "TIME": "t",
}


class SpanLabelScreen(ModalScreen[str | None]):
    """The span labels with their keys; dismisses with the chosen one, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="span_label.cancel")]

    def __init__(self, text: str, current: tuple[str, str] | None = None, *, exact: bool = True) -> None:
        """``current``: (label, source) of the span under the cursor, if any; ``exact``:
        it covers exactly the selection (so choosing relabels it)."""
        super().__init__()
        self.span_text = text
        self.current = current
        self.exact = exact

    def compose(self) -> ComposeResult:
        title = "Relabel" if self.current and self.exact else "Label"
        with Vertical(id="span-dialog", classes="dialog"):
            yield Static(Content.assemble((f"{title} ", "bold"), Content(repr(self.span_text))))
            if self.current is not None:
                label, source = self.current
                where = "now" if self.exact else "overlaps a span"
                yield Static(Content.assemble(f"{where}: ", (f" {label} ", "bold reverse"), (f" {source}", "dim")),
                             id="span-current")
            else:
                yield Static(Content.styled("no span here yet", "dim"), id="span-current")
            yield Input(placeholder="filter: type a name (capitals) or / first", id="span-filter")
            yield OptionList(id="span-options")
            yield Static(Content.styled("key: choose · A-Z or /: filter · enter: highlighted · esc: cancel", "dim"))

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(OptionList).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        names = [name for name in SPAN_LABELS if query.upper() in name]
        current = self.current[0] if self.current else None
        options.set_options(
            Option(
                Content.assemble(
                    (SPAN_KEYS[name], "bold"),
                    " ",
                    Content.from_rich_text(_chip(name)),
                    (f"  {kind_of(name)}", "dim"),
                    ("  (current)", "italic") if name == current else "",
                ),
                id=name,
            )
            for name in names
        )
        if names:
            options.highlighted = names.index(current) if current in names else 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        field = self.query_one(Input)
        options = self.query_one(OptionList)
        if field.has_focus:
            # Up/down in the filter field move the highlight in the list below it.
            if event.key in ("up", "down") and options.option_count:
                current = options.highlighted or 0
                step = 1 if event.key == "down" else -1
                options.highlighted = min(max(0, current + step), options.option_count - 1)
                event.stop()
            return
        character = event.character or ""
        chosen = next((name for name, key in SPAN_KEYS.items() if key == character), None)
        if chosen is not None:
            event.stop()
            self.dismiss(chosen)
        elif event.key == "slash" or (len(character) == 1 and character.isupper()):
            event.stop()
            field.focus()
            if character.isupper():
                field.insert_text_at_cursor(character)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _chip(name: str):
    from rich.text import Text

    style = entity_style(name) if kind_of(name) == "entity" else "bold underline"
    return Text(f" {name} ", style=style)
