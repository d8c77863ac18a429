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
            shown = keys_text(seen[label])
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


def keys_text(keys: list[str]) -> str:
    """The keys of one key bar entry: single digits as runs of the keys really bound
    (``1-6``; ``1-3,5`` when 4 is not one of them; a scheme may give its labels any
    digits in any order), other one-character keys side by side (``jk``), longer ones
    with ``/`` between them."""
    digits = sorted({int(k) for k in keys if len(k) == 1 and k.isdigit()})
    if len(digits) < 3 or len(digits) != len(keys):
        return "".join(keys) if all(len(k) == 1 for k in keys) else "/".join(keys)
    runs: list[list[int]] = []
    for digit in digits:
        if runs and digit == runs[-1][-1] + 1:
            runs[-1].append(digit)
        else:
            runs.append([digit])
    return ",".join(
        f"{run[0]}-{run[-1]}" if len(run) > 2 else ",".join(map(str, run)) for run in runs
    )
