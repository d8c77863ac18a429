"""The reader's side panel: other annotators' labels of the cursor sentence, the
article's claims, its figures with their values, then its entities grouped by label.

Choosing a claim or a figure posts `SidePanel.Jump` with its offset; choosing an entity
jumps to its next occurrence (choosing it again cycles through them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from corpus.terminal import visible


def _field(text: str) -> Content:
    """A name, note, label or piece of article text on one line of the panel: escape
    sequences and other control characters (a newline too) shown as visible stand-ins."""
    return Content(visible(text, keep=""))


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    """A labelled claim sentence as listed in the panel."""

    sentence: int
    offset: int
    label: str
    color: str
    snippet: str


@dataclass(frozen=True, slots=True)
class FigureEntry:
    """A figure of the article as listed in the panel: its words and its reading in words."""

    offset: int
    text: str
    reading: str  # "300000 recruit", "" when no value was read


@dataclass(frozen=True, slots=True)
class EntityEntry:
    """One distinct entity text under a label, with where it occurs."""

    label: str
    text: str
    offsets: tuple[int, ...]


class SidePanel(OptionList):
    """Claims, figures and entities of the open article; choosing one jumps to it."""

    class Jump(Message):
        """Move the reader to a text offset."""

        def __init__(self, offset: int) -> None:
            self.offset = offset
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._targets: dict[str, tuple[int, ...]] = {}
        self._next: dict[str, int] = {}
        self._items: list[Option | None] = []  # claims, figures, entities (see show_items)
        self._others: tuple[int | None, tuple[tuple[str, str, str], ...]] = (None, ())
        self._who: tuple[int, str, str] | None = None  # the cursor sentence's claimant and cue
        self._head = 0  # options before the claims: the highlight keeps its item when it changes

    def show_items(
        self,
        claims: list[ClaimEntry],
        entities: dict[str, list[EntityEntry]],
        entity_colors: dict[str, str],
        figures: Sequence[FigureEntry] = (),
    ) -> None:
        """Fill the panel (article text goes in as `Content`, never as markup)."""
        self._targets = {}
        options: list[Option | None] = [
            Option(Content.styled(f"Claims ({len(claims)})", "bold"), disabled=True)
        ]
        for number, claim in enumerate(claims):
            option_id = f"claim:{number}"
            self._targets[option_id] = (claim.offset,)
            prompt = Content.assemble(
                (f" {visible(claim.label)} ", f"bold #000000 on {claim.color}"),
                " ",
                _field(claim.snippet),
            )
            options.append(Option(prompt, id=option_id))
        if not claims:
            options.append(Option(Content.styled("  none tagged yet", "dim"), disabled=True))
        options.append(None)
        options.append(Option(Content.styled(f"Figures ({len(figures)})", "bold"), disabled=True))
        for number, figure in enumerate(figures):
            option_id = f"figure:{number}"
            self._targets[option_id] = (figure.offset,)
            reading = Content.styled(f" = {visible(figure.reading)}", "dim") if figure.reading else Content("")
            options.append(Option(Content.assemble("  ", _field(figure.text), reading), id=option_id))
        total = sum(len(entry.offsets) for group in entities.values() for entry in group)
        options.append(None)
        options.append(Option(Content.styled(f"Entities ({total})", "bold"), disabled=True))
        for label, group in entities.items():
            count = sum(len(entry.offsets) for entry in group)
            color = entity_colors.get(label, "#dddddd")
            options.append(
                Option(
                    Content.assemble((f" {visible(label)} ", f"#000000 on {color}"), f" {count}"),
                    disabled=True,
                )
            )
            for number, entry in enumerate(group):
                option_id = f"entity:{label}:{number}"
                self._targets[option_id] = entry.offsets
                suffix = f" ×{len(entry.offsets)}" if len(entry.offsets) > 1 else ""
                options.append(Option(Content.assemble("  ", _field(entry.text), suffix), id=option_id))
        self._items = options
        self._show()

    def show_others(
        self, sentence: int | None, others: Sequence[tuple[str, str, str]], who: tuple[int, str, str] | None = None
    ) -> None:
        """Show the other annotators' ``(name, label, note)`` of sentence ``sentence`` at
        the top (None: no such part, nobody else labelled this article), under who claims
        the cursor sentence (``who``: its index, the claimant and the cue; an empty
        claimant for the outlet's own); redrawn only when they differ from what is shown."""
        if (sentence, tuple(others)) != self._others or who != self._who:
            self._others = (sentence, tuple(others))
            self._who = who
            self._show()

    def _show(self) -> None:
        highlighted = self.highlighted
        sentence, others = self._others
        options: list[Option | None] = []
        if sentence is not None:
            options.append(Option(Content.styled(f"Other annotators (s{sentence + 1})", "bold"), disabled=True))
        for name, label, note in others:
            line = Content.assemble("  ", _field(name), ": ", _field(label))
            if note:
                line = Content.assemble(line, Content.styled(" (", "dim"), _field(note).stylize("dim"), Content.styled(")", "dim"))
            options.append(Option(line, disabled=True))
        if sentence is not None and not others:
            options.append(Option(Content.styled("  none for this sentence", "dim"), disabled=True))
        if options:
            options.append(None)
        if self._who is not None:
            index, name, cue = self._who
            options.append(Option(Content.styled(f"Who claims it (s{index + 1})", "bold"), disabled=True))
            if name:
                line = Content.assemble("  ", _field(name).stylize("bold"))
                if cue:
                    line = Content.assemble(line, " · ", _field(cue).stylize("italic"))
            else:
                line = Content.styled("  outlet (no one is said to make it)", "dim")
            options.append(Option(line, disabled=True))
            options.append(None)
        if highlighted is not None and highlighted >= self._head:
            highlighted += len(options) - self._head
        self._head = len(options)
        self.set_options([*options, *self._items])
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        if option_id is None or option_id not in self._targets:
            return
        offsets = self._targets[option_id]
        index = self._next.get(option_id, 0) % len(offsets)
        self._next[option_id] = index + 1
        self.post_message(self.Jump(offsets[index]))
