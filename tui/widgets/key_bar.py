"""A one-line key bar: the screen's main keys, as remapped, drawn as one piece of text.

Textual's `Footer` makes a widget per key and rebuilds them whenever bindings change,
which costs a few hundred milliseconds on a screen with the reader's forty bindings;
this bar redraws one line instead, so switching articles stays fast. Every action is
also in the command palette (ctrl+p).
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """The keys of the bindings marked ``show``, grouped like the footer groups them."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        seen: dict[str, list[str]] = {}
        order: list[str] = []
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or not active.enabled:
                continue
            label = binding.group.description if binding.group else binding.description
            key = self.app.get_key_display(binding)
            if label not in seen:
                seen[label] = []
                order.append(label)
            if key not in seen[label]:
                seen[label].append(key)
        parts: list[Content | tuple[str, str] | str] = []
        for label in order:
            keys = seen[label]
            if len(keys) > 2 and all(k.isdigit() and len(k) == 1 for k in keys):
                shown = f"{keys[0]}-{keys[-1]}"  # 1-6, not 123456
            else:
                shown = "".join(keys) if all(len(k) == 1 for k in keys) else "/".join(keys)
            parts += [(f" {shown}", "bold $footer-key-foreground"), f" {label} "]
        parts += [(" ^p", "bold $footer-key-foreground"), " palette"]
        self.update(Content.assemble(*parts), layout=False)
