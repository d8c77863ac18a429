"""The note editor: the sentence it annotates above, a multi-line note below."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from corpus.terminal import visible


class NoteScreen(ModalScreen[str | None]):
    """Edit a note: ctrl+s saves (an empty note removes it), escape cancels; enter is a new line.

    With ``save`` (called with the text; None once it is stored, else why not) it closes only
    after the note was written: when the write fails (a full disk) it stays open with the
    typed text and says so, ctrl+s tries again, and escape must be pressed twice to drop it.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True),
    ]

    HINT = "ctrl+s: save · empty: remove · escape: cancel · enter: new line"

    def __init__(
        self,
        note: str,
        sentence: int,
        sentence_text: str = "",
        save: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.note = note
        self.sentence = sentence
        self.sentence_text = sentence_text
        self.save = save
        self.unsaved = False  # a save failed and the text typed since is not stored

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Content.styled(f"Note on sentence {self.sentence + 1}", "bold"))
            if self.sentence_text:
                # Article text: Content, never markup.
                yield Static(Content(visible(" ".join(self.sentence_text.split()))), id="note-sentence")
            # A note with escape sequences in it (from an import, a merged store) is edited
            # with them visible: the editor draws its text as it is.
            yield TextArea(visible(self.note, keep="\t\n\r"), id="note-input", soft_wrap=True, show_line_numbers=False)
            yield Static(Content.styled(self.HINT, "dim"), id="note-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        failure = None if self.save is None else self.save(text)
        if failure is None:
            self.dismiss(text)
            return
        self.unsaved = True
        # The reason comes from the store or the OS (it may quote a path): Content, not markup.
        self.query_one("#note-hint", Static).update(
            Content.assemble(
                ("NOT SAVED, your text is kept here · ctrl+s: try again · escape twice: discard it", "bold"),
                "\n",
                Content(failure).stylize("dim"),  # may be cut in a small terminal: the notice has it all
            )
        )

    def action_cancel(self) -> None:
        if self.unsaved:
            # One escape after a failed save would throw away what could not be stored.
            self.unsaved = False
            self.query_one("#note-hint", Static).update(
                Content.styled("the note is NOT SAVED · escape again: discard it · ctrl+s: try again", "bold")
            )
            return
        self.dismiss(None)
