"""What the reader shows of a labelled sentence: its `Mark` in the gutter, or an `InlineTag`.

Every marked sentence shows its own label and marks where it starts: in the gutter
when it starts a line of text, or as an inline tag (name, ★, ✎) drawn just before it
when another sentence comes first on its line (`inline_tag` decides which, on the
text alone). Plain records and rules, no widget: ``article_view.py`` draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from corpus.model import Segment
from corpus.terminal import visible

CHIP = 5  # cells of the label name in the gutter ("quant", "cause", "none ")
#: Cells of a label name in an inline tag: the whole name of the default scheme's labels.
TAG_NAME = 12
GUTTER = 1 + CHIP + 3  # cursor bar, label chip, check-worthy star, note mark, space
#: The gutter of a heading, caption or credit (a non-sentence: not counted until labelled).
NON_SENTENCE_CHIP = "¶skip"


@dataclass(frozen=True, slots=True)
class Mark:
    """How a labelled (or starred, or noted) sentence is shown.

    ``name`` (the key when empty) goes in the gutter when the sentence starts a line,
    and in an inline tag before it when it starts after another sentence on its line;
    ``labelled`` is False for a sentence that only has a star or a note (no chip, no tint).
    """

    key: str  # one character, e.g. the label's key
    color: str  # the label colour ("#rrggbb" or a colour name)
    checkworthy: bool = False
    claim: bool = True
    name: str = ""  # the label's name (the key when empty)
    note: bool = False
    labelled: bool = True

    @property
    def chip(self) -> str:
        """The gutter text: the name cut to `CHIP` cells, padded."""
        return visible((self.name or self.key)[:CHIP], keep="").ljust(CHIP)


@dataclass(frozen=True, slots=True)
class InlineTag:
    """The label name and marks drawn just before a sentence that starts mid-line.

    ``at`` is the sentence's start offset; the tag takes no place in the text, only on
    screen (``text``: the name, ★ and ✎, then a space before the sentence's first word).
    """

    at: int
    name: str  # cut to `TAG_NAME` cells; "" for a sentence with only a star or a note
    marks: str  # "★", "✎", both or ""
    color: str

    @property
    def text(self) -> str:
        return f"{self.name}{self.marks} "

    @property
    def cells(self) -> int:
        return cell_len(self.text)


def _cut(name: str, cells: int) -> str:
    """``name`` in at most ``cells`` cells, an ellipsis marking a cut."""
    if cell_len(name) <= cells:
        return name
    out, used = [], 1
    for char in name:
        size = get_character_cell_size(char)
        if used + size > cells:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"


def inline_tag(
    sentences: Sequence[Segment], index: int, mark: Mark, paragraph: Segment, text: str
) -> InlineTag | None:
    """The inline tag of marked sentence ``index`` of ``paragraph``, or None when the gutter shows its mark.

    A sentence gets a tag when another sentence comes before it on its line of text
    (from the paragraph's start or its last newline): the gutter holds the mark of
    the sentence that starts the line only. Decided on the text, not the screen
    width, so resizing never moves a mark between gutter and text.
    """
    start = sentences[index].start
    if not paragraph.start < start < paragraph.end:
        return None
    line_start = max(paragraph.start, text.rfind("\n", paragraph.start, start) + 1)
    if sentences[index - 1].end <= line_start:
        return None  # first on its line (after a bullet or a newline): the gutter shows it
    name = _cut(visible(mark.name or mark.key, keep=""), TAG_NAME) if mark.labelled else ""
    marks = ("★" if mark.checkworthy else "") + ("✎" if mark.note else "")
    if not name and not marks:
        return None
    return InlineTag(start, name, marks, mark.color)
