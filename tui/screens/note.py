"""A small dialog to write the note on the current sentence."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteScreen(ModalScreen[str | None]):
    """Edit a note: enter saves (an empty note removes it), escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, note: str, sentence: int) -> None:
        super().__init__()
        self.note = note
        self.sentence = sentence

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Content.styled(f"Note on sentence {self.sentence + 1}", "bold"))
            yield Input(value=self.note, placeholder="a note for this sentence", id="note-input")
            yield Static(Content.styled("enter: save · empty: remove · escape: cancel", "dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
