"""Says whether the last edit is on disk: "✓ s3 quantity saved 10:42", "✗ not saved", "read-only"."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from corpus.terminal import visible


class SaveIndicator(Static):
    """A short status cell; the reader calls `saved()` after each durable store call."""

    def on_mount(self) -> None:
        self.update(Content.styled("no edits yet", "dim"))

    def saved(self, what: str = "saved") -> None:
        """The store call returned, so the change is on disk."""
        self.set_class(False, "-failed")
        # ``what`` is the action's feedback ("s3 quantity saved", "undo: sentence 3 back to cause").
        # Hours and minutes: at 80 columns the seconds cost the sentence's status its suggestion.
        self.update(Content.assemble(("✓ ", "bold $success"), Content(visible(what)), f" {datetime.now():%H:%M}"), layout=False)

    def failed(self) -> None:
        """The change did not reach the disk."""
        self.set_class(True, "-failed")
        self.update(Content.styled("✗ not saved", "bold $error"), layout=False)

    def read_only(self) -> None:
        """The store is read-only: nothing will be saved."""
        self.update(Content.styled("read-only", "bold $warning"))
