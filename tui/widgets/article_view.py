"""The article body, drawn through Textual's line API.

The widget wraps each paragraph itself (keeping the ``str`` offset where every screen
line starts), so it can map any text offset to a screen line and back, and keeps the
rendered ``Strip``s per paragraph in an LRU cache. Moving the cursor only drops the
cache entries of the paragraphs holding the old and the new sentence, so a keypress
costs the same in a 20-paragraph article and a 2,000-paragraph one.

The widget knows nothing of stores or schemes: the screen hands it display records
(`Mark` for a labelled sentence) and highlight switches, and reads `cursor` back.

Every marked sentence shows its own label and marks where it starts: in the gutter when
it starts a line of text, or as an inline tag (`InlineTag`: name, ★, ✎) drawn just
before it when another sentence comes first on its line. Tags are display only: they
are laid out and drawn between the characters of the text, and every offset the
widget keeps (line starts, highlights, the cursor, clicks) stays a ``str`` offset into
the article text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from corpus.model import Analysis, Article, Segment, Span
from corpus.terminal import LAYOUT, visible
from tui import contrast

#: displaCy's entity palette (spaCy ``displacy/render.py`` DEFAULT_LABEL_COLORS).
ENTITY_COLORS: dict[str, str] = {
    "ORG": "#7aecec",
    "PRODUCT": "#bfeeb7",
    "GPE": "#feca74",
    "LOC": "#ff9561",
    "PERSON": "#aa9cfc",
    "NORP": "#c887fb",
    "FAC": "#9cc9cc",
    "EVENT": "#ffeb80",
    "LAW": "#ff8197",
    "LANGUAGE": "#ff8197",
    "WORK_OF_ART": "#f0d0ff",
    "DATE": "#bfe1d9",
    "TIME": "#bfe1d9",
}
#: displaCy draws labels it has no colour for in light grey.
DEFAULT_ENTITY_COLOR = "#dddddd"

CHIP = 5  # cells of the label name in the gutter ("quant", "cause", "none ")
#: Cells of a label name in an inline tag: the whole name of the default scheme's labels.
TAG_NAME = 12
GUTTER = 1 + CHIP + 3  # cursor bar, label chip, check-worthy star, note mark, space
#: The gutter of a heading, caption or credit (a non-sentence: not counted until labelled).
NON_SENTENCE_CHIP = "¶skip"
#: How strongly a labelled sentence's background leans toward its label colour.
TINT = 0.3
#: What the reader draws as a space (the wrap has broken the line there already).
_SPACES = {ord("\n"): " ", 0x2028: " ", 0x2029: " "}
_WORD = re.compile(r"\S+\s*|\s+")
_NON_SPACE = re.compile(r"\S+")
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")


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


class _Inserts:
    """Where text offsets of one paragraph land in its drawn line, tags included.

    A tag sits before its sentence: a highlight that starts at the sentence starts after
    the tag (`begin`); a highlight that ends there, and a screen line that starts there,
    end or start before it (`finish`).
    """

    __slots__ = ("before", "points")

    def __init__(self, points: list[int], lengths: list[int]) -> None:
        self.points = points  # paragraph-relative offsets of the tags, in order
        self.before = [0]  # characters of the tags before each one
        for length in lengths:
            self.before.append(self.before[-1] + length)

    def begin(self, offset: int) -> int:
        return offset + self.before[bisect_right(self.points, offset)]

    def finish(self, offset: int) -> int:
        return offset + self.before[bisect_left(self.points, offset)]


_NO_INSERTS = _Inserts([], [])


@dataclass(frozen=True, slots=True)
class Palette:
    """The reader's colours for one theme (and plain attributes under NO_COLOR)."""

    base: Style
    current: Style
    cursor_bar: Style
    figure: Style
    date: Style
    hit: Style
    current_hit: Style
    selection: Style
    token: Style
    dim: Style
    no_color: bool = False

    @classmethod
    def make(cls, *, dark: bool, no_color: bool) -> Palette:
        """The palette for a dark or light theme."""
        if no_color:
            # Monochrome: everything must still be told apart by attributes alone.
            return cls(
                base=Style(),
                current=Style(bold=True),
                cursor_bar=Style(bold=True),
                figure=Style(bold=True, underline=True),
                date=Style(italic=True),
                hit=Style(reverse=True),
                current_hit=Style(reverse=True, bold=True, underline=True),
                selection=Style(reverse=True),
                token=Style(reverse=True, underline=True),
                dim=Style(dim=True),
                no_color=True,
            )
        if dark:
            return cls(
                base=Style(),
                current=Style(bgcolor="#2b3b5c"),
                cursor_bar=Style(color="#ffb000", bold=True),
                figure=Style(color="#ff9f1a", bold=True, underline=True),
                date=Style(color="#8fdccb", italic=True),
                hit=Style(color="#000000", bgcolor="#e8e36a"),
                current_hit=Style(color="#000000", bgcolor="#ffd000", bold=True, underline=True),
                selection=Style(color="#000000", bgcolor="#61afef", bold=True),
                token=Style(color="#000000", bgcolor="#c0e0ff", underline=True),
                dim=Style(color="#7f848e"),
            )
        return cls(
            base=Style(),
            current=Style(bgcolor="#dce7fb"),
            # Darker than a white page needs: textual-light's page is #e0e0e0.
            cursor_bar=Style(color="#8a4500", bold=True),
            figure=Style(color="#9a3412", bold=True, underline=True),
            date=Style(color="#004d40", italic=True),
            hit=Style(color="#000000", bgcolor="#fff59d"),
            current_hit=Style(color="#000000", bgcolor="#ffca28", bold=True, underline=True),
            selection=Style(color="#ffffff", bgcolor="#1565c0", bold=True),
            token=Style(color="#000000", bgcolor="#90caf9", underline=True),
            dim=Style(color="#4b5563"),
        )


@lru_cache(maxsize=256)
def entity_style(label: str, no_color: bool = False) -> Style:
    """The highlight of one entity label: displaCy's background, black text (made once per label)."""
    if no_color:
        return Style(reverse=True)
    return Style(color="#000000", bgcolor=ENTITY_COLORS.get(label, DEFAULT_ENTITY_COLOR))


def wrap_offsets(text: str, width: int) -> list[int]:
    """Where each screen line starts (``str`` offsets into ``text``) at ``width`` cells.

    Breaks at newlines and between words; a word wider than the line is cut by cells,
    so wide (CJK, emoji) characters and zero-width combining marks are measured right.
    """
    width = max(1, width)
    starts = [0]
    line_start = 0
    for hard in text.split("\n"):
        if line_start:
            starts.append(line_start)
        if not _single_cells(hard):
            _wrap_by_cells(hard, width, line_start, starts)
        elif len(hard) > width:  # else the whole line fits
            _wrap_narrow(hard, width, line_start, starts)
        line_start += len(hard) + 1
    return starts


def _wrap_by_cells(line: str, width: int, base: int, starts: list[int]) -> None:
    """Wrap one line (no newline in it) measuring every word; appends line starts."""
    column = 0
    for match in _WORD.finditer(line):
        word = match.group()
        word_cells = cell_len(word.rstrip())
        start = base + match.start()
        if column and column + word_cells > width:
            starts.append(start)
            column = 0
        if word_cells > width:
            for index, char in enumerate(word):
                size = get_character_cell_size(char)
                if column and column + size > width:
                    starts.append(start + index)
                    column = 0
                column += size
            continue
        column += cell_len(word)


def _wrap_narrow(line: str, width: int, base: int, starts: list[int]) -> None:
    """`_wrap_by_cells` for a line whose characters are one cell each, a line at a time.

    A line starting at word ``s`` breaks before the first word that ends past
    ``s + width`` (trailing spaces hang): found by bisection, not word by word. This is
    what keeps opening a long article cheap.
    """
    words = [(match.start(), match.end()) for match in _NON_SPACE.finditer(line)]
    ends = [end for _start, end in words]
    start = 0
    while True:
        index = bisect_right(ends, start + width)
        if index >= len(words):
            return
        word_start = words[index][0]
        if word_start <= start:  # one word wider than the line: cut it as the general rule does
            _wrap_by_cells(line[start:], width, base + start, starts)
            return
        starts.append(base + word_start)
        start = word_start


#: Characters one terminal cell wide (Latin, Greek, Cyrillic, box drawing, and the
#: general punctuation news text is full of: dashes, curly quotes, ellipsis, per mille).
#: tests/test_app_view.py checks every one against Rich's measure.
SINGLE_CELLS = frozenset(
    chr(code)
    for first, last in (
        (0x20, 0x7E),
        (0xA0, 0xAC),
        (0xAE, 0x2FF),
        (0x370, 0x482),
        (0x2010, 0x2027),
        (0x2030, 0x205E),
        (0x2500, 0x25FC),
    )
    for code in range(first, last + 1)
)
_single_cells = SINGLE_CELLS.issuperset


def paragraphs_of(article: Article) -> tuple[Segment, ...]:
    """Paragraphs of an article that is not analysed yet: the body split at blank lines."""
    start, end = article.body
    text = article.text
    segments: list[Segment] = []
    position = start
    for match in _BLANK_LINES.finditer(text, start, end):
        if text[position : match.start()].strip():
            segments.append(Segment(position, match.start()))
        position = match.end()
    if text[position:end].strip():
        segments.append(Segment(position, end))
    return tuple(segments) or (Segment(start, end),)


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """An article body with highlights, a sentence cursor and a label gutter."""

    BINDINGS = [
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    DEFAULT_CSS = """
    ArticleView {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;  /* always there, so the text width never changes under us */
    }
    """

    # repaint=False: watch_cursor redraws just the two paragraphs that change.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, layout=False, repaint=False)

    class CursorMoved(Message):
        """The current sentence changed."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    class SentenceClicked(Message):
        """The user clicked a sentence."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def __init__(
        self,
        article: Article,
        analysis: Analysis | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._strips: LRUCache[int, list[Strip]] = LRUCache(512)
        self._layout_width = -1
        self._para_lines: list[list[int]] = []
        self._para_y: list[int] = []
        self.show_entities = True
        self.show_figures = True
        self.show_dates = True
        self._marks: dict[int, Mark] = {}
        self._tags: dict[int, tuple[InlineTag, ...]] = {}  # paragraph -> its inline tags, in order
        self._tag_of: dict[int, InlineTag] = {}  # sentence -> its inline tag
        self._ghosts: dict[int, str] = {}
        self._hits: list[tuple[int, int]] = []
        self._hit_index: int | None = None
        self._selection: tuple[int, int] | None = None
        self._token: tuple[int, int] | None = None
        self._palette: Palette | None = None
        self._base_style: Style | None = None
        self._chip_styles: dict[str, tuple[Style, Style]] = {}
        self._warm_pending = False
        self.load(article, analysis)

    # ----------------------------------------------------------------- content
    def load(self, article: Article, analysis: Analysis | None = None) -> None:
        """Show an article (its highlights and sentences arrive with ``analysis``)."""
        self.article = article
        # The text as drawn: same length, so every offset holds. Tab and the characters
        # that only lay text out (a CRLF line's \r) are spaces; escape sequences and
        # other controls are visible stand-ins, never sent to the terminal.
        self._drawn = visible(article.text, keep="\n", blank="\t" + LAYOUT)
        self.analysis = analysis
        self._paragraphs: tuple[Segment, ...] = (
            analysis.paragraphs if analysis and analysis.paragraphs else paragraphs_of(article)
        )
        self._para_starts = [segment.start for segment in self._paragraphs]
        self.sentences: tuple[Segment, ...] = analysis.sentences if analysis else ()
        self._sentence_starts = [segment.start for segment in self.sentences]
        self._sentence_ends = [segment.end for segment in self.sentences]
        self.set_spans(analysis.spans if analysis else ())
        self._marks = {}
        self._tags, self._tag_of = {}, {}
        self._ghosts = {}
        self._hits, self._hit_index = [], None
        self._selection = self._token = None
        self._layout_width = -1
        self._strips.clear()
        self.set_reactive(ArticleView.cursor, 0)
        if self.is_mounted:
            self._relayout()
            self.refresh()

    def set_spans(self, spans: Sequence[Span]) -> None:
        """Replace the highlighted spans (model spans with the user's corrections)."""
        spans = tuple(spans)
        if any(a.start > b.start for a, b in zip(spans, spans[1:])):
            spans = tuple(sorted(spans, key=lambda span: (span.start, -span.end)))
        self.spans = spans
        self._span_starts = [span.start for span in self.spans]
        self._strips.clear()
        self.refresh()

    def set_marks(self, marks: Mapping[int, Mark]) -> None:
        """Replace all marks (sentence index -> mark)."""
        self._marks = dict(marks)
        tag_of = {}
        for index, mark in self._marks.items():
            tag = self._tag_for(index, mark)
            if tag is not None:
                tag_of[index] = tag
        if tag_of != self._tag_of:
            changed = {self.paragraph_of(tag.at) for tag in (*self._tag_of.values(), *tag_of.values())}
            changed = {p for p in changed if self._paragraph_tags(p, tag_of) != self._tags.get(p, ())}
            self._tag_of = tag_of
            for paragraph in changed:
                self._set_tags(paragraph, self._paragraph_tags(paragraph, tag_of))
            self._rewrap(changed)
        self._strips.clear()
        self.refresh()

    def set_ghosts(self, ghosts: Mapping[int, str]) -> None:
        """Replace the suggested labels (sentence index -> label name), drawn dim in the
        gutter of sentences without a mark."""
        if ghosts == self._ghosts:
            return
        old, self._ghosts = self._ghosts, dict(ghosts)
        changed = [i for i in old.keys() | self._ghosts.keys() if old.get(i) != self._ghosts.get(i)]
        if len(changed) > 64:  # most of the article: one full redraw beats many partial ones
            self._strips.clear()
            self.refresh()
            return
        for index in changed:  # a new model moves a few ghosts: redraw only their paragraphs
            self._refresh_sentence(index)

    def set_mark(self, index: int, mark: Mark | None) -> None:
        """Change one sentence's mark, redrawing only its paragraph(s).

        A mark that adds, changes or drops an inline tag rewraps that one paragraph; the
        paragraphs below only move if its line count changed.
        """
        if mark is None:
            self._marks.pop(index, None)
        else:
            self._marks[index] = mark
        old = self._tag_of.pop(index, None)
        new = self._tag_for(index, mark) if mark is not None else None
        if new is not None:
            self._tag_of[index] = new
        if new != old:
            paragraph = self.paragraph_of((new or old).at)  # type: ignore[union-attr]
            self._set_tags(paragraph, self._paragraph_tags(paragraph, self._tag_of))
            self._rewrap({paragraph})
        self._refresh_sentence(index)

    # ------------------------------------------------------------- inline tags
    def _tag_for(self, index: int, mark: Mark) -> InlineTag | None:
        """The inline tag of a marked sentence, or None when the gutter shows its mark.

        A sentence gets a tag when another sentence comes before it on its line of text
        (from the paragraph's start or its last newline): the gutter holds the mark of
        the sentence that starts the line only. Decided on the text, not the screen
        width, so resizing never moves a mark between gutter and text.
        """
        if not 0 < index < len(self.sentences):
            return None
        start = self.sentences[index].start
        segment = self._paragraphs[self.paragraph_of(start)]
        if not segment.start < start < segment.end:
            return None
        line_start = max(segment.start, self.article.text.rfind("\n", segment.start, start) + 1)
        if self.sentences[index - 1].end <= line_start:
            return None  # first on its line (after a bullet or a newline): the gutter shows it
        name = _cut(visible(mark.name or mark.key, keep=""), TAG_NAME) if mark.labelled else ""
        marks = ("★" if mark.checkworthy else "") + ("✎" if mark.note else "")
        if not name and not marks:
            return None
        return InlineTag(start, name, marks, mark.color)

    def _paragraph_tags(self, paragraph: int, tag_of: Mapping[int, InlineTag]) -> tuple[InlineTag, ...]:
        """The tags of one paragraph, in text order (from the sentences it holds)."""
        segment = self._paragraphs[paragraph]
        tags = []
        for index in range(self.first_sentence_from(segment.start), len(self.sentences)):
            if self.sentences[index].start >= segment.end:
                break
            tag = tag_of.get(index)
            if tag is not None:
                tags.append(tag)
        return tuple(tags)

    def _set_tags(self, paragraph: int, tags: tuple[InlineTag, ...]) -> None:
        if tags:
            self._tags[paragraph] = tags
        else:
            self._tags.pop(paragraph, None)

    def _inserts(self, paragraph: int) -> _Inserts:
        """Where the paragraph's text offsets are drawn, its tags included."""
        tags = self._tags.get(paragraph)
        if not tags:
            return _NO_INSERTS
        start = self._paragraphs[paragraph].start
        return _Inserts([tag.at - start for tag in tags], [len(tag.text) for tag in tags])

    def set_layers(self, *, entities: bool, figures: bool, dates: bool) -> None:
        """Switch the entity, figure and date highlights on or off."""
        self.show_entities, self.show_figures, self.show_dates = entities, figures, dates
        self._strips.clear()
        self.refresh()

    def set_hits(self, hits: Sequence[tuple[int, int]], current: int | None) -> None:
        """Mark search hits (text offsets); ``current`` is the index of the chosen hit."""
        self._hits = list(hits)
        self._hit_index = current
        self._strips.clear()
        self.refresh()
        if current is not None and 0 <= current < len(self._hits):
            self.scroll_to_offsets(*self._hits[current])

    def set_selection(self, selection: tuple[int, int] | None, token: tuple[int, int] | None) -> None:
        """Show the span-mode selection and the token under the cursor."""
        before = [self._selection, self._token]
        self._selection, self._token = selection, token
        for item in [*before, selection, token]:
            if item is not None:
                self._refresh_offsets(*item)

    @property
    def _base(self) -> Style:
        """The widget's own text style, computed once (``rich_style`` walks the DOM each time)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._palette = None
        self._chip_styles.clear()
        self._strips.clear()

    @property
    def palette(self) -> Palette:
        """The colours for the current theme (rebuilt when the theme changes)."""
        if self._palette is None:
            app = self.app
            self._palette = Palette.make(dark=app.current_theme.dark, no_color=app.no_color)
        return self._palette

    def _theme_changed(self, _theme: object) -> None:
        self._palette = None
        self._base_style = None
        self._chip_styles.clear()
        self._strips.clear()
        self.refresh()

    # ------------------------------------------------------------------ lookup
    def paragraph_of(self, offset: int) -> int:
        """The index of the paragraph holding ``offset`` (or the one before it)."""
        return max(0, bisect_right(self._para_starts, offset) - 1)

    def sentence_at(self, offset: int) -> int | None:
        """The index of the sentence holding ``offset``."""
        index = bisect_right(self._sentence_starts, offset) - 1
        if index < 0:
            return None
        return index

    def first_sentence_from(self, offset: int) -> int:
        """The first sentence that ends after ``offset``: the one holding it, or the next.

        A line "  • Text." starts before its sentence does: this is the sentence that
        line shows, not the one before the bullet (`sentence_at` gives that one).
        """
        return bisect_right(self._sentence_ends, offset)

    def chip_styles(self, color: str) -> tuple[Style, Style]:
        """The gutter chip style and the sentence tint for a label colour in this theme."""
        styles = self._chip_styles.get(color)
        if styles is None:
            if self.palette.no_color:
                styles = (Style(reverse=True, bold=True), Style())
            else:
                base = self._base
                background = base.bgcolor.get_truecolor() if base.bgcolor else None
                foreground = base.color.get_truecolor() if base.color else None
                back = contrast.hex_of(tuple(background)) if background else "#121212"
                fore = contrast.hex_of(tuple(foreground)) if foreground else contrast.text_on(back)
                # Figures and dates keep their own text colour on the tint: it must suit them too.
                drawn = [fore, *(str(style.color.name) for style in (self.palette.figure, self.palette.date) if style.color)]
                styles = (
                    Style(color=contrast.text_on(color), bgcolor=color, bold=True),
                    Style(bgcolor=contrast.tint(color, back, drawn, TINT)),
                )
            self._chip_styles[color] = styles
        return styles

    def line_of(self, offset: int) -> int:
        """The virtual screen line (y) showing ``offset``."""
        self._ensure_layout()
        paragraph = self.paragraph_of(offset)
        lines = self._para_lines[paragraph]
        return self._para_y[paragraph] + max(0, bisect_right(lines, offset) - 1)

    # ------------------------------------------------------------------ layout
    def _text_width(self) -> int:
        return max(10, self.scrollable_content_region.width - GUTTER)

    def _ensure_layout(self) -> None:
        if self._layout_width != self._text_width():
            self._relayout()

    def _relayout(self) -> None:
        width = self._text_width()
        self._para_lines = [self._wrap_paragraph(paragraph, width) for paragraph in range(len(self._paragraphs))]
        self._layout_width = width
        self._place_paragraphs()
        self._strips.clear()

    def _place_paragraphs(self) -> None:
        """The first screen line of each paragraph, and the height of the whole text."""
        self._para_y = []
        y = 0
        for lines in self._para_lines:
            self._para_y.append(y)
            y += len(lines) + 1  # a blank line after each paragraph
        self.virtual_size = Size(self._layout_width + GUTTER, max(1, y - 1))

    def _rewrap(self, paragraphs: Iterable[int]) -> None:
        """Lay out again paragraphs whose tags changed (nothing to do before the first layout)."""
        if self._layout_width < 0 or not self._para_lines:
            return
        moved = False
        for paragraph in paragraphs:
            lines = self._wrap_paragraph(paragraph, self._layout_width)
            moved = moved or len(lines) != len(self._para_lines[paragraph])
            self._para_lines[paragraph] = lines
            self._strips.discard(paragraph)
        if moved:  # the paragraphs below move: their drawn strips stay good, their places change
            self._place_paragraphs()
            self.refresh()

    def _wrap_paragraph(self, paragraph: int, width: int) -> list[int]:
        """Where each screen line of a paragraph starts (text offsets), its tags included.

        A tag is laid out as a run of as many cells, glued to the first word of its
        sentence, so the two never part at a line end. A line that starts at a tag
        starts at its sentence's offset.
        """
        segment = self._paragraphs[paragraph]
        text = self._drawn[segment.start : segment.end]  # measured as drawn: a stand-in is one cell
        tags = self._tags.get(paragraph)
        if not tags:
            return [segment.start + start for start in wrap_offsets(text, width)]
        pieces, position = [], 0
        tag_starts, tag_ends, shifts = [], [], [0]
        for tag in tags:
            at = tag.at - segment.start
            pieces += [text[position:at], "x" * tag.cells]
            position = at
            tag_starts.append(at + shifts[-1])
            tag_ends.append(tag_starts[-1] + tag.cells)
            shifts.append(shifts[-1] + tag.cells)
        pieces.append(text[position:])
        starts: list[int] = []
        for laid in wrap_offsets("".join(pieces), width):
            before = bisect_right(tag_starts, laid) - 1
            if before < 0:
                offset = laid
            elif laid < tag_ends[before]:
                offset = tags[before].at - segment.start  # at (or, cut, inside) the tag
            else:
                offset = laid - shifts[before + 1]
            if not starts or segment.start + offset > starts[-1]:
                starts.append(segment.start + offset)
        return starts

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._relayout()

    def on_resize(self) -> None:
        if self._layout_width != self._text_width():
            self._relayout()
            self.scroll_to_cursor(center=False)
            self.refresh()

    # ------------------------------------------------------------------ cursor
    def validate_cursor(self, value: int) -> int:
        if not self.sentences:
            return 0
        return min(max(0, value), len(self.sentences) - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        if self.sentences:
            if old != new:
                self._refresh_sentence(old)
            self._refresh_sentence(new)
            self.scroll_to_cursor()
            if not self._warm_pending:
                self._warm_pending = True
                self.call_after_refresh(self._warm_nearby)
        self.post_message(self.CursorMoved(new))

    def _warm_nearby(self) -> None:
        """Draw the paragraphs up to a screen above and below the view into the strip cache.

        Runs after the frame is out, between keys: when the cursor next scrolls the
        view, the lines it brings in are already drawn and that frame only composes them.
        """
        self._warm_pending = False
        if not self._para_y or self._layout_width < 0 or not self.is_mounted:
            return
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        first = max(0, bisect_right(self._para_y, top - height) - 1)
        last = min(bisect_right(self._para_y, top + 2 * height), len(self._paragraphs))
        for paragraph in range(first, last):
            if self._strips.get(paragraph) is None:
                self._strips.set(paragraph, self._render_paragraph(paragraph))

    def scroll_to_cursor(self, center: bool = False) -> None:
        """Scroll so that the whole current sentence is visible."""
        if self.sentences:
            sentence = self.sentences[self.cursor]
            self.scroll_to_offsets(sentence.start, max(sentence.start, sentence.end - 1), center)

    def scroll_to_offsets(self, start: int, end: int, center: bool = False) -> None:
        """Scroll the text between two offsets into view (with a little context)."""
        top, bottom = self.line_of(start), self.line_of(end)
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if center:
            self.scroll_to(y=max(0, top - height // 3), animate=False)
            return
        margin = min(2, max(0, (height - (bottom - top + 1)) // 2))
        if top - margin < self.scroll_y:
            # Going up past the top: bring the sentence to two thirds down, so the next
            # few moves need no scrolling (a scroll repaints the whole view).
            self.scroll_to(y=max(0, min(top - margin, bottom - (2 * height) // 3)), animate=False)
        elif bottom + margin >= self.scroll_y + height:
            # Going down past the bottom: bring it to a third from the top, likewise.
            self.scroll_to(y=max(0, min(top - margin, top - height // 3)), animate=False)

    def _refresh_sentence(self, index: int) -> None:
        if 0 <= index < len(self.sentences):
            sentence = self.sentences[index]
            self._refresh_offsets(sentence.start, sentence.end)

    def _refresh_offsets(self, start: int, end: int) -> None:
        """Drop the cached strips of the paragraphs between two offsets and redraw them."""
        if not self._para_y or self._layout_width < 0:
            return
        first, last = self.paragraph_of(start), self.paragraph_of(max(start, end - 1))
        for paragraph in range(first, last + 1):
            self._strips.discard(paragraph)
        y0 = self._para_y[first]
        y1 = self._para_y[last] + len(self._para_lines[last])
        self.refresh_lines(y0, y1 - y0)

    # --------------------------------------------------------------- rendering
    def render_line(self, y: int) -> Strip:
        if self._layout_width < 0:
            self._relayout()  # on_resize keeps it current after that
        width = self._layout_width + GUTTER
        line = self.scroll_offset.y + y
        if not self._para_y:
            return Strip.blank(width, self._base)
        paragraph = max(0, bisect_right(self._para_y, line) - 1)
        strips = self._strips.get(paragraph)
        if strips is None:
            strips = self._render_paragraph(paragraph)
            self._strips.set(paragraph, strips)
        row = line - self._para_y[paragraph]
        if row >= len(strips):
            return Strip.blank(width, self._base)
        strip = strips[row]
        return strip if strip.cell_length == width else strip.crop_extend(0, width, self._base)

    def _styled_paragraph(self, paragraph: int) -> Text:
        """The paragraph's text with every highlight applied (offsets relative to it)."""
        segment = self._paragraphs[paragraph]
        start, end = segment.start, segment.end
        palette = self.palette
        plain = self._drawn[start:end].translate(_SPACES)
        tags = self._tags.get(paragraph, ())
        inserts = self._inserts(paragraph)
        if tags:
            pieces, position = [], 0
            for tag in tags:
                pieces += [plain[position : tag.at - start], tag.text]
                position = tag.at - start
            pieces.append(plain[position:])
            plain = "".join(pieces)
        begin, finish = inserts.begin, inserts.finish
        text = Text(plain)
        # As a span, not Text(style=...): Text.render drops the base style when it has no spans.
        text.stylize(self._base)
        for index in range(self.first_sentence_from(start), len(self.sentences)):
            sentence = self.sentences[index]
            if sentence.start >= end:
                break
            mark = self._marks.get(index)
            if mark is not None and mark.labelled and not palette.no_color:
                tint = self.chip_styles(mark.color)[1]
                text.stylize(tint, begin(max(0, sentence.start - start)), finish(sentence.end - start))
            elif sentence.non_sentence and (mark is None or not mark.labelled):
                # a heading or caption: dimmed, it does not count until someone labels it
                text.stylize(palette.dim, begin(max(0, sentence.start - start)), finish(sentence.end - start))
        if self.sentences:
            current = self.sentences[self.cursor]
            if current.start < end and current.end > start:
                text.stylize(palette.current, begin(max(0, current.start - start)), finish(current.end - start))
        first_span = max(0, bisect_right(self._span_starts, start) - 1)
        for span in self.spans[first_span:]:
            if span.start >= end:
                break
            if span.end <= start:
                continue
            if span.kind == "entity" and self.show_entities:
                style = entity_style(span.label, palette.no_color)
            elif span.kind == "figure" and self.show_figures:
                style = palette.figure
            elif span.kind == "date" and self.show_dates:
                style = palette.date
            else:
                continue
            text.stylize(style, begin(max(0, span.start - start)), finish(span.end - start))
        for index, (hit_start, hit_end) in enumerate(self._hits):
            if hit_start < end and hit_end > start:
                style = palette.current_hit if index == self._hit_index else palette.hit
                text.stylize(style, begin(max(0, hit_start - start)), finish(hit_end - start))
        for item, style in ((self._selection, palette.selection), (self._token, palette.token)):
            if item is not None and item[0] < end and item[1] > start:
                text.stylize(style, begin(max(0, item[0] - start)), finish(item[1] - start))
        for tag in tags:  # last: no highlight drawn across a tag hides it
            at = inserts.finish(tag.at - start)
            named = at + len(tag.name)
            if tag.name:
                text.stylize(self.chip_styles(tag.color)[0], at, named)
            text.stylize(self._base, named, at + len(tag.text))
            if tag.marks:
                text.stylize(palette.cursor_bar, named, named + len(tag.marks))
        return text

    def _gutter(self, line_start: int, line_end: int) -> list[RichSegment]:
        """The gutter of a screen line: cursor bar, label name, ★ and ✎.

        The name and marks are those of the sentence starting the line; a line that
        continues a labelled sentence (or starts with one's inline tag) shows a bar in
        its colour; sentences starting later on the line carry their own tag in the text.
        """
        palette = self.palette
        base = self._base
        if not self.sentences:
            return [RichSegment(" " * GUTTER, base)]
        first = self.first_sentence_from(line_start)
        on_line = []
        index = first
        while index < len(self.sentences) and self.sentences[index].start < line_end:
            on_line.append(index)
            index += 1
        if not on_line:  # no sentence on this line (a header, a caption before the body)
            return [RichSegment(" " * GUTTER, base)]
        current = on_line[0] <= self.cursor <= on_line[-1]
        bar = RichSegment("▌" if current else " ", base + palette.cursor_bar)
        head = on_line[0]
        mark = self._marks.get(head)
        if (mark is None or not mark.labelled) and self.sentences[head].non_sentence:
            chip = [RichSegment(NON_SENTENCE_CHIP, base + palette.dim)]  # not counted: a heading or caption
        elif (mark is None or not mark.labelled) and head in self._ghosts and self.sentences[head].start >= line_start:
            # a suggestion, not a label: dim italic name, no chip colour (NO_COLOR keeps the italic)
            ghost = visible(self._ghosts[head][:CHIP], keep="").ljust(CHIP)
            chip = [RichSegment(ghost, base + palette.dim + Style(italic=True))]
        elif mark is None or not mark.labelled:
            chip = [RichSegment(" " * CHIP, base)]
        elif self.sentences[head].start < line_start or head in self._tag_of:  # continued, or tagged in the text
            chip = [RichSegment("│", self.chip_styles(mark.color)[0]), RichSegment(" " * (CHIP - 1), base)]
        else:
            chip = [RichSegment(mark.chip, self.chip_styles(mark.color)[0])]
        star = note = " "
        if mark is not None and self.sentences[head].start >= line_start and head not in self._tag_of:
            star = "★" if mark.checkworthy else " "
            note = "✎" if mark.note else " "
        return [bar, *chip, RichSegment(star + note + " ", base + palette.cursor_bar)]

    def _render_paragraph(self, paragraph: int) -> list[Strip]:
        segment = self._paragraphs[paragraph]
        starts = self._para_lines[paragraph]
        text = self._styled_paragraph(paragraph)
        finish = self._inserts(paragraph).finish
        cuts = [finish(start - segment.start) for start in starts[1:]]
        pieces = text.divide(cuts) if cuts else [text]
        console = self.app.console
        width = self._layout_width
        ends = starts[1:] + [segment.end]
        strips = []
        for line_start, line_end, piece in zip(starts, ends, pieces):
            piece.rstrip()  # trailing spaces would only push the line past its width
            segments = self._gutter(line_start, line_end)
            segments += list(piece.render(console))
            strip = Strip(segments).adjust_cell_length(width + GUTTER, self._base)
            strips.append(strip)
        return strips

    # ------------------------------------------------------------------- mouse
    def on_click(self, event: Click) -> None:
        """Clicking a sentence makes it current."""
        offset = self._offset_at(event.x - GUTTER, event.y + int(self.scroll_y))
        if offset is not None:
            index = self.sentence_at(offset)
            if index is not None:
                self.post_message(self.SentenceClicked(index))

    def _offset_at(self, x: int, y: int) -> int | None:
        if not self._para_y:
            return None
        paragraph = max(0, bisect_right(self._para_y, y) - 1)
        lines = self._para_lines[paragraph]
        row = y - self._para_y[paragraph]
        if row >= len(lines):
            return None
        segment = self._paragraphs[paragraph]
        offset = lines[row]
        end = lines[row + 1] if row + 1 < len(lines) else segment.end
        column = 0
        x = max(0, x)
        text = self._drawn
        tags = {tag.at: tag for tag in self._tags.get(paragraph, ())}
        while offset < end - 1:
            tag = tags.get(offset)
            if tag is not None:  # drawn just before its sentence, on this line
                column += tag.cells  # a click on a tag picks its sentence
                if column > x:
                    return offset
            size = get_character_cell_size(text[offset])
            if column + size > x:
                break
            column += size
            offset += 1
        return offset

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)


def spans_by_label(spans: Iterable[Span], kind: str) -> dict[str, int]:
    """Count spans of one kind per label (for the legend)."""
    counts: dict[str, int] = {}
    for span in spans:
        if span.kind == kind:
            counts[span.label] = counts.get(span.label, 0) + 1
    return counts
