"""The reader's search field: an `Input` whose escape cancels the search, not the reader."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """Type a query, enter to find, escape to close without searching."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    class Cancelled(Message):
        """The user closed the search field."""

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
