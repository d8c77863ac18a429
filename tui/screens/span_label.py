"""Pick the label for a span in span mode: type to filter, enter to choose."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from corpus.model import DATE_LABELS, ENTITY_LABELS, FIGURE_LABELS, kind_of
from tui.widgets.article_view import ENTITY_COLORS

#: The labels offered, entities first (displaCy order), then figures, then dates.
SPAN_LABELS: tuple[str, ...] = (
    *sorted(ENTITY_LABELS),
    *sorted(FIGURE_LABELS),
    *sorted(DATE_LABELS),
)


class SpanLabelScreen(ModalScreen[str | None]):
    """A filterable list of span labels; dismisses with the chosen one, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="span_label.cancel")]

    def __init__(self, text: str, current: str | None = None) -> None:
        super().__init__()
        self.span_text = text
        self.current = current

    def compose(self) -> ComposeResult:
        title = "Relabel" if self.current else "Label"
        with Vertical(id="span-dialog", classes="dialog"):
            yield Static(Content.assemble((f"{title} ", "bold"), Content(repr(self.span_text))))
            yield Input(placeholder="filter labels", id="span-filter")
            yield OptionList(id="span-options")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        names = [name for name in SPAN_LABELS if query.upper() in name]
        options.set_options(
            Option(
                Content.assemble(
                    (f" {name} ", f"#000000 on {ENTITY_COLORS.get(name, '#dddddd')}")
                    if kind_of(name) == "entity"
                    else (f" {name} ", "bold underline"),
                    (f"  {kind_of(name)}", "dim"),
                    ("  (current)", "italic") if name == self.current else "",
                ),
                id=name,
            )
            for name in names
        )
        if names:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        option = options.highlighted_option
        if option is not None:
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        # Up/down in the filter field move the highlight in the list below it.
        if event.key in ("up", "down") and self.query_one(Input).has_focus:
            options = self.query_one(OptionList)
            if options.option_count:
                current = options.highlighted or 0
                step = 1 if event.key == "down" else -1
                options.highlighted = min(max(0, current + step), options.option_count - 1)
            event.stop()

    def action_cancel(self) -> None:
        self.dismiss(None)
