"""The note editor: the sentence it annotates above, a multi-line note below."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from corpus.terminal import visible


class NoteScreen(ModalScreen[str | None]):
    """Edit a note: ctrl+s saves (an empty note removes it), escape cancels; enter is a new line."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True),
    ]

    def __init__(self, note: str, sentence: int, sentence_text: str = "") -> None:
        super().__init__()
        self.note = note
        self.sentence = sentence
        self.sentence_text = sentence_text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Content.styled(f"Note on sentence {self.sentence + 1}", "bold"))
            if self.sentence_text:
                # Article text: Content, never markup.
                yield Static(Content(visible(" ".join(self.sentence_text.split()))), id="note-sentence")
            # A note with escape sequences in it (from an import, a merged store) is edited
            # with them visible: the editor draws its text as it is.
            yield TextArea(visible(self.note, keep="\t\n\r"), id="note-input", soft_wrap=True, show_line_numbers=False)
            yield Static(Content.styled("ctrl+s: save · empty: remove · escape: cancel · enter: new line", "dim"))

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
