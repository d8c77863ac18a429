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

from tui.shown import visible_content


class KeyBar(Static):
    """The keys of the bindings marked ``show``, grouped like the footer groups them.

    Entries are never cut: those that do not fit on one line go on a second, and what
    does not fit on two is left to "? all keys" (the help screen lists every key).
    """

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
    }
    """

    _entries: list[Content] = []
    _shown: tuple[int, Content] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_resize(self) -> None:
        self._lay_out()

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
        entries = []
        for label in order:
            keys = seen[label]
            if len(keys) > 2 and all(k.isdigit() and len(k) == 1 for k in keys):
                shown = f"{keys[0]}-{keys[-1]}"  # 1-6, not 123456
            else:
                shown = "".join(keys) if all(len(k) == 1 for k in keys) else "/".join(keys)
            entries.append(Content.assemble((f" {shown}", "bold $footer-key-foreground"), f" {label} "))
        entries.append(Content.assemble((" ^p", "bold $footer-key-foreground"), " palette "))
        self._entries = entries
        self._lay_out()

    def _lay_out(self) -> None:
        width = self.size.width or self.app.size.width
        lines: list[list[Content]] = [[]]
        used = 0
        more = Content.assemble((" ?", "bold $footer-key-foreground"), " all keys")
        for entry in self._entries:
            if used + entry.cell_length > width and lines[-1]:
                if len(lines) == 2:
                    # No room left: end with the way to the full list.
                    while lines[-1] and used + more.cell_length > width:
                        used -= lines[-1].pop().cell_length
                    lines[-1].append(more)
                    break
                lines.append([])
                used = 0
            lines[-1].append(entry)
            used += entry.cell_length
        content = visible_content(Content("\n").join(Content.assemble(*line) for line in lines))  # keys from a scheme
        shown = (len(lines), content)
        if shown == self._shown:
            return
        relayout = self._shown is None or self._shown[0] != len(lines)
        self._shown = shown
        if relayout:
            self.styles.height = len(lines)
        self.update(content, layout=relayout)
