"""Says whether the last edit is on disk: "… s3 quantity pending" while its write is
queued, then "✓ s3 quantity saved 10:42"; "✗ not saved", "read-only"."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from corpus.terminal import visible


class SaveIndicator(Static):
    """A short status cell: `pending()` when a change is queued for the store's writer
    thread, `saved()` once it is durable (or after a store call that wrote in place)."""

    #: the writer's ticket of the change shown as pending (None: nothing pending)
    ticket: int | None = None
    _what = ""

    def on_mount(self) -> None:
        self.update(Content.styled("no edits yet", "dim"))

    def pending(self, what: str, ticket: int) -> None:
        """The change is in memory and on screen; its write is queued (ticket ``ticket``)."""
        self.ticket, self._what = ticket, what
        self.set_class(False, "-failed")
        said = what[: -len("saved")] + "pending" if what.endswith("saved") else f"{what} · pending"
        self.update(Content.assemble(("… ", "bold $warning"), Content(visible(said))), layout=False)

    def durable(self, last: int) -> None:
        """Every write up to ticket ``last`` is on disk: a pending change among them is saved."""
        if self.ticket is not None and self.ticket <= last:
            self.saved(self._what)

    def saved(self, what: str = "saved") -> None:
        """The change is on disk."""
        self.ticket = None
        self.set_class(False, "-failed")
        # ``what`` is the action's feedback ("s3 quantity saved", "undo: sentence 3 back to cause").
        # Hours and minutes, when they fit: at 80 columns the cell is ~22 cells and the
        # sentence's status needs the rest for its label, claimant and suggestion.
        shown = Content.assemble(("✓ ", "bold $success"), Content(visible(what)))
        room = self.content_region.width
        when = f" {datetime.now():%H:%M}"
        if not room or shown.cell_length + len(when) <= room:
            shown = Content.assemble(shown, when)
        self.update(shown, layout=False)

    def failed(self) -> None:
        """The change did not reach the disk."""
        self.ticket = None
        self.set_class(True, "-failed")
        self.update(Content.styled("✗ not saved", "bold $error"), layout=False)

    def read_only(self) -> None:
        """The store is read-only: nothing will be saved."""
        self.update(Content.styled("read-only", "bold $warning"))
