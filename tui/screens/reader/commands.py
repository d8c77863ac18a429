"""The reader's commands for the palette: every reader action that has a description,
by name ("Reader: Next sentence", "Label sentence: quantity"), with its key.

The reader registers `reader_commands` in the app's `CommandRegistry` (`tui.palette`)
when it is mounted; the palette lists them only while the reader is the screen.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Iterator

from corpus.terminal import visible
from tui.palette import Command

if TYPE_CHECKING:
    from tui.host import Host


def reader_commands(reader: Any, app: Host, screen: Any) -> Iterator[Command]:
    """The actions of ``reader``, when the palette opened on it (``screen``)."""
    if screen is not reader:
        return
    for binding in app.reader_keys:
        if not binding.description or not binding.id:
            continue
        action = binding.action
        if "(" in action and not action.startswith(("label(", "toggle_layer", "step_article", "span_", "jump(")):
            continue
        label = app.scheme.get(binding.id.removeprefix("label."))
        if binding.id.startswith("label.") and label is not None:
            title, keys = f"Label sentence: {label.name}", label.key
        else:
            title, keys = f"Reader: {binding.description}", app.keys_for(binding)
        yield Command(title, partial(reader.run_action, action), f"key: {visible(keys)}")  # a scheme key may be any character
