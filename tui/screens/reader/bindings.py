"""The reader's key bindings: `READER_BINDINGS` (ids, keys, descriptions) and
`reader_bindings(scheme, config)`, which adds one key per label of the scheme and applies
the user's [keys] remaps. The binding ids are a contract: config files and the palette
use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from textual.binding import Binding, BindingsMap

from annotations.errors import SchemeError

if TYPE_CHECKING:
    from annotations.scheme import Scheme
    from tui.config import Config


_TYPE = Binding.Group("Type", compact=True)
_SPAN = Binding.Group("Span")
_MOVE = Binding.Group("Move", compact=True)


READER_BINDINGS: list[Binding] = [
    Binding("j,down", "next_sentence", "Next sentence", id="reader.next_sentence", key_display="j", group=_MOVE),
    Binding("k,up", "previous_sentence", "Previous sentence", id="reader.previous_sentence", key_display="k", group=_MOVE),
    Binding("J", "next_paragraph", "Next paragraph", show=False, id="reader.next_paragraph"),
    Binding("K", "previous_paragraph", "Previous paragraph", show=False, id="reader.previous_paragraph"),
    Binding("g", "first_sentence", "First sentence", show=False, id="reader.first_sentence"),
    Binding("G", "last_sentence", "Last sentence", show=False, id="reader.last_sentence"),
    Binding("space", "next_unreviewed", "Unreviewed", id="reader.next_unreviewed", tooltip="next sentence without a label"),
    Binding("asterisk", "jump('checkworthy')", "Next check-worthy", show=False, id="reader.next_checkworthy"),
    Binding("apostrophe", "jump('noted')", "Next note", show=False, id="reader.next_noted"),
    Binding("T", "jump_to_label", "Next with label", show=False, id="reader.next_labelled"),
    Binding("R", "review", "Review a label", show=False, id="reader.review"),
    Binding("V", "select_range", "Select sentences", show=False, id="reader.select"),
    # The scheme's labels are bound here, each on its own key (see `reader_bindings`).
    Binding("c", "claim", "Claim", id="reader.claim"),
    Binding("0,backspace", "clear_label", "Clear", show=False, id="reader.clear"),
    Binding("w", "toggle_checkworthy", "Check-worthy", show=False, id="reader.checkworthy"),
    Binding("n", "note_or_next_hit", "Note", id="reader.note"),
    Binding("N", "previous_hit", "Previous hit", show=False, id="reader.previous_hit"),
    Binding("u", "undo", "Undo", id="reader.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="reader.redo"),
    Binding("e", "toggle_layer('entities')", "Entities", show=False, id="reader.toggle_entities"),
    Binding("f", "toggle_layer('figures')", "Figures", show=False, id="reader.toggle_figures"),
    Binding("d", "toggle_layer('dates')", "Dates", show=False, id="reader.toggle_dates"),
    Binding("a", "toggle_layer('attribution')", "Sources and cues", show=False, id="reader.toggle_attribution"),
    Binding("v", "span_mode", "Spans", show=False, id="reader.span_mode"),
    Binding("h", "span_move(-1)", "Token left", group=_SPAN, id="reader.span_left"),
    Binding("l", "span_move(1)", "Token right", group=_SPAN, id="reader.span_right"),
    Binding("H", "span_extend(-1)", "Extend left", group=_SPAN, id="reader.span_extend_left"),
    Binding("L", "span_extend(1)", "Extend right", group=_SPAN, id="reader.span_extend_right"),
    Binding("enter", "span_label", "Label span", id="reader.span_label"),
    # Outside span mode enter accepts the suggested label (check_action picks one of the two).
    # The status line names the key beside the suggestion, so the key bar stays as it was.
    Binding("enter", "accept_suggestion", "Accept suggestion", show=False, id="reader.accept_suggestion"),
    Binding("D", "span_remove", "Remove span", id="reader.span_remove"),
    Binding("S", "span_split", "Split sentence here", show=False, group=_SPAN, id="reader.split"),
    Binding("s", "span_source", "Mark as source", group=_SPAN, id="reader.span_source"),
    Binding("t", "span_cue", "Mark as cue", group=_SPAN, id="reader.span_cue"),
    Binding("o", "span_no_source", "No source (outlet)", group=_SPAN, id="reader.span_no_source"),
    Binding("m", "merge_sentence", "Merge with next", show=False, id="reader.merge"),
    Binding("right_square_bracket", "next_to_review", "Next article to review", show=False, id="reader.next_article"),
    Binding("left_square_bracket", "step_article(-1)", "Previous article", show=False, id="reader.previous_article"),
    Binding("slash", "search", "Search", id="reader.search"),
    Binding("p", "toggle_panel", "Side panel", show=False, id="reader.panel"),
    Binding("escape,q", "back", "Back", id="reader.back", key_display="q"),
]


#: Actions that only make sense in span mode.
SPAN_ACTIONS = {
    "span_move", "span_extend", "span_label", "span_remove", "span_split", "span_source", "span_cue", "span_no_source",
}


#: Actions that change the store.
_EDIT_ACTIONS = {
    "label",
    "claim",
    "clear_label",
    "toggle_checkworthy",
    "undo",
    "redo",
    "span_label",
    "span_remove",
    "span_split",
    "span_source",
    "span_cue",
    "span_no_source",
    "merge_sentence",
}


#: Reader keys a label key of the scheme takes over instead of clashing: they came after
#: label schemes that may use the key ("a", and span mode's "s", "t", "o"). The palette
#: still offers the layer switch, and a remap in config.toml's [keys] gives any of them
#: another key.
GIVES_WAY = frozenset({"reader.toggle_attribution", "reader.span_source", "reader.span_cue", "reader.span_no_source"})


def reader_bindings(scheme: Scheme, config: Config, also: Iterable[Binding] = ()) -> list[Binding]:
    """The reader's keys for this scheme and this user.

    `READER_BINDINGS` with the remaps of ``config`` applied, plus one binding per label
    on exactly the key the scheme gives it (claim types before `c`, not-a-claim after,
    as the key bar shows them). ``also`` are other bindings live in the reader (the
    app's). A label key that is already one of those keys raises `SchemeError` naming
    the scheme's line, the binding, and how to free the key.
    """
    own = [_remapped(binding, config) for binding in READER_BINDINGS]
    taken = BindingsMap([*own, *(_remapped(binding, config) for binding in also)]).key_to_bindings
    claims: list[Binding] = []
    others: list[Binding] = []
    for label in scheme:
        binding = Binding(
            _character_to_key(label.key),
            f"label({label.name!r})",
            "Claim type" if label.claim else "Not claim",
            key_display=label.key,
            group=_TYPE if label.claim else None,
            id=f"label.{label.name}",
        )
        clashes = [clash for clash in taken.get(binding.key, ()) if clash.id not in GIVES_WAY]
        if len(clashes) != len(taken.get(binding.key, ())):
            # A key added after schemes were written: the label keeps it, the layer is in the palette.
            own = [mine for mine in own if not (mine.id in GIVES_WAY and mine.key == binding.key)]
        for clash in clashes:
            where = f", line {label.key_line}" if label.key_line else ""
            config_file = config.path or "config.toml"
            raise SchemeError(
                f"label scheme {scheme.source}{where}: label {label.name!r} key {label.key!r} is already "
                f"{clash.id or clash.action} ({(clash.description or clash.action).lower()}); pick another key for "
                f"{label.name!r}, or remap {clash.id or clash.action} in {config_file}"
            )
        (claims if label.claim else others).append(binding)
    at = next(i for i, binding in enumerate(own) if binding.id == "reader.claim")
    return [*own[:at], *claims, own[at], *others, *own[at + 1 :]]


def _remapped(binding: Binding, config: Config) -> Binding:
    keys = config.keys.get(binding.id or "")
    return binding.with_key(keys, key_display=None) if keys else binding


def _character_to_key(character: str) -> str:
    """Textual's key name for a character ("," is "comma": a bare comma would split the key list)."""
    from textual.keys import _character_to_key as to_key  # what Binding does for one-character keys

    return to_key(character)
