"""Pick one sentence label with one key press (for jumping to it or reviewing it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.shown import visible_content

if TYPE_CHECKING:
    from annotations.scheme import Scheme


class LabelPickerScreen(ModalScreen[str | None]):
    """The scheme's labels with their keys; a label key picks it, escape picks nothing."""

    DEFAULT_CSS = """
    LabelPickerScreen { align: center middle; }
    LabelPickerScreen > Vertical {
        width: auto; max-width: 95%; height: auto; max-height: 95%; padding: 1 2;
        border: round $accent; background: $surface;
    }
    /* A Static is 1fr wide by default, which is nothing inside a box as wide as its
       content: the box drew empty. The text sets the width here. */
    LabelPickerScreen > Vertical > Static { width: auto; max-width: 66; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=False)]

    def __init__(self, scheme: Scheme, question: str) -> None:
        super().__init__()
        self.scheme = scheme
        self.question = question

    def compose(self) -> ComposeResult:
        lines: list[Content | str | tuple[str, str]] = [Content(self.question), "\n"]
        for label in self.scheme:
            # The key in reverse and the name: readable without colour (NO_COLOR) too.
            lines += ["\n", (f" {label.key} ", f"bold #000000 on {label.color}"), " ", Content(label.name)]
        lines += ["\n\n", ("escape: cancel", "dim")]
        with Vertical():
            yield Static(visible_content(Content.assemble(*lines)))  # a scheme's key may be any character

    def on_key(self, event: events.Key) -> None:
        for label in self.scheme:
            if event.character == label.key:
                event.stop()
                self.dismiss(label.name)
                return
