"""Help: every key binding (as remapped by the user's config) and the label scheme."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.shown import clean

if TYPE_CHECKING:
    from tui.host import Host

SEARCH_NOTE = (
    "n edits the sentence's note. After a search (/ then enter), n and N move to the "
    "next and previous hit instead, until escape ends the search; then n edits notes again."
)
SPAN_NOTE = (
    "Span mode (v) works inside the current sentence: h/l move by token, H/L extend the "
    "selection, enter picks a label (adding a span, or relabelling one that matches the "
    "selection exactly), D removes the span under the cursor, escape leaves span mode. "
    "The status line names the span under the cursor and where it comes from (model, "
    "rule, or corrected). In the label picker each label has one key (letters for "
    "entities and dates, 1-9 for figures); a capital letter or / filters by name."
)
MARKS_NOTE = (
    "The gutter shows the label of the sentence that starts each line (its name in the "
    "label's colour), ★ for check-worthy and ✎ for a note; a line continuing a labelled "
    "sentence shows │. A sentence starting after another on its line shows its own "
    "label name, ★ and ✎ just before it. A labelled sentence's text is tinted in the "
    "label's colour. The label bar under the status line lists key → label. Notes: n "
    "opens the editor (enter: new line, ctrl+s: save, escape: cancel)."
)


#: Fuller descriptions than the key bar has room for, by binding id.
LONG_HELP: dict[str, str] = {
    "reader.next_sentence": "next sentence",
    "reader.previous_sentence": "previous sentence",
    "reader.next_paragraph": "first sentence of the next paragraph",
    "reader.previous_paragraph": "first sentence of this paragraph, then of the previous one",
    "reader.first_sentence": "first sentence of the article",
    "reader.last_sentence": "last sentence of the article",
    "reader.next_unreviewed": "next sentence without a label (wraps around)",
    "reader.next_checkworthy": "next check-worthy (★) sentence (wraps around)",
    "reader.next_noted": "next sentence with a note (wraps around)",
    "reader.next_labelled": "next sentence with a label you pick with its key",
    "reader.review": "review mode: pick a label; j/k visit only its sentences (R/escape leaves)",
    "reader.select": "select sentences (j/k extend, escape cancels); a label key labels them all, one undo",
    "reader.claim": "label the sentence with the default claim type",
    "reader.clear": "remove the sentence's label",
    "reader.checkworthy": "toggle check-worthy (★ beside the sentence's label)",
    "reader.note": "edit the sentence's note; after a search: next hit",
    "reader.previous_hit": "previous search hit (while a search is active)",
    "reader.undo": "undo the last change (this session, any article)",
    "reader.redo": "redo what undo took back",
    "reader.toggle_entities": "entity highlights on/off",
    "reader.toggle_figures": "figure highlights on/off",
    "reader.toggle_dates": "date highlights on/off",
    "reader.span_mode": "span mode in the current sentence (see below)",
    "reader.span_left": "span mode: move to the previous token",
    "reader.span_right": "span mode: move to the next token",
    "reader.span_extend_left": "span mode: extend the selection left",
    "reader.span_extend_right": "span mode: extend the selection right",
    "reader.span_label": "span mode: label the selection (add or relabel a span)",
    "reader.span_remove": "span mode: remove the span under the cursor",
    "reader.next_article": "next article with unreviewed sentences (in the list's order, going round)",
    "reader.previous_article": "previous article in the list's order",
    "reader.search": "search this article (enter: find, escape: cancel)",
    "reader.panel": "side panel: claims and entities; enter jumps to one",
    "reader.back": "end search or span mode, else back to the list",
    "list.filter": "filter the list as you type (escape clears)",
    "list.sort": "sort by the next column (or click a heading)",
    "list.sort_reverse": "reverse the sort order",
    "list.clear_filter": "clear the filter",
    "list.quit": "quit",
    "app.quit": "quit from anywhere",
    "app.help": "this help",
}


def key_label(keys: str) -> str:
    """Readable keys: 'j,down' -> 'j / ↓'."""
    names = {
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "space": "space",
        "slash": "/",
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "escape": "esc",
        "backspace": "⌫",
    }
    return " / ".join(names.get(key.strip(), key.strip()) for key in keys.split(","))


class HelpScreen(Screen[None]):
    """All bindings and the label guidelines; escape or q closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
        Binding("space,pagedown", "scroll(0)", "Page down", show=False, id="help.page_down"),
        Binding("g", "top", "Top", show=False, id="help.top"),
    ]

    @property
    def host(self) -> Host:
        """The app, as far as this screen needs it (`tui.host.Host`)."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text("claimscope help", style="bold"), id="help-title")
            yield Static(clean(self.keys_table()), id="help-keys")  # keys from config.toml
            yield Static(
                Group(Text(SEARCH_NOTE), Text(""), Text(SPAN_NOTE), Text(""), Text(MARKS_NOTE)), id="help-notes"
            )
            yield Static(clean(self._scheme_table()), id="help-scheme")  # the scheme file's text
            config = self.host.config
            where = str(config.path) if config.path else "config.toml in the user config folder"
            yield Static(
                clean(Text(
                    f"Remap keys in {where} under [keys], by binding id "
                    '(e.g. "reader.claim" = "C"). Theme: theme = "textual-light".',
                    style="dim",
                )),
                id="help-config",
            )
        yield Footer()

    def action_scroll(self, step: int) -> None:
        """Scroll the help: ``step`` lines, or a page when 0."""
        body = self.query_one("#help-body", VerticalScroll)
        if step:
            body.scroll_relative(y=step, animate=False)
        else:
            body.scroll_page_down(animate=False)

    def action_top(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def keys_table(self) -> Table:
        from tui.screens.articles import ArticlesScreen

        table = Table(title="Keys", title_justify="left", expand=True, show_edge=False)
        table.add_column("where", style="dim", no_wrap=True)
        table.add_column("keys", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("binding id", style="dim")
        sections: list[tuple[str, Iterable[Binding]]] = [
            ("reader", self.host.reader_keys),
            ("list", ArticlesScreen.BINDINGS),  # type: ignore[arg-type]
            ("anywhere", self.host.BINDINGS),  # type: ignore[arg-type]
        ]
        for where, bindings in sections:
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                keys = key_label(self.host.keys_for(binding))
                description = LONG_HELP.get(binding.id or "", binding.description or binding.action)
                binding_id = binding.id or ""
                label = self.host.scheme.get(binding_id.removeprefix("label."))
                if binding_id.startswith("label.") and label is not None:
                    # The scheme's key, as typed there; remapped by editing the scheme.
                    keys, binding_id = label.key, f"scheme, line {label.key_line}" if label.key_line else "scheme"
                    description = f"label: {label.name}"
                table.add_row(Text(where), Text(keys), Text(description), Text(binding_id))
        table.add_row(
            Text("anywhere"), Text("ctrl+p"), Text("command palette: open articles, export, layers, theme"), Text("")
        )
        return table

    def _scheme_table(self) -> Table:
        scheme = self.host.scheme
        table = Table(
            title=Text(f"Labels ({scheme.source})"),  # a path: may hold [brackets]
            title_justify="left",
            expand=True,
            show_lines=True,
            show_edge=False,
        )
        claim = next(binding for binding in self.host.reader_keys if binding.id == "reader.claim")
        claim_keys = key_label(self.host.keys_for(claim))
        table.add_column("key", no_wrap=True)
        table.add_column("label", no_wrap=True)
        table.add_column("guideline")
        for label in scheme.labels:
            kind = "claim" if label.claim else "not a claim"
            default = f", default for {claim_keys}" if label.name == scheme.default_claim else ""
            table.add_row(
                Text(label.key, style="bold"),
                Text.assemble((f" {label.name} ", f"bold #000000 on {label.color}"), (f"\n{kind}{default}", "dim")),
                Text(" ".join(label.guideline.split())),
            )
        return table
