"""The article body, drawn through Textual's line API: the reader's text widget.

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

Rows are drawn from a table of finished lines (``finished_lines.py``): a scroll
looks up the lines it brings in rather than have Textual's styles cache finish every
row again, and the scrollbar does the same.

What has no need of a widget lives beside it: ``text_layout.py`` (wrapping, offsets to
cells and back), ``article_marks.py`` (marks and inline tags), ``article_colors.py``
(palette, entity colours, chips and tints); their names are importable from here too.
This module is still over 500 lines because it is one widget whose parts share one
state: the strip cache, the paragraph layout and the cursor change together, and
each step (set a mark, move the cursor, resize, click) keeps all three in step.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, Mapping, Sequence

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
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from corpus.model import Analysis, Article, Segment, Span
from corpus.terminal import LAYOUT, visible
from tui.widgets.article_colors import (
    DEFAULT_ENTITY_COLOR,
    ENTITY_COLORS,
    TINT,
    Palette,
    chip_styles,
    entity_style,
)
from tui.widgets.finished_lines import FinishedLines, vertical_scrollbar
from tui.widgets.article_marks import (
    CHIP,
    GUTTER,
    NON_SENTENCE_CHIP,
    TAG_NAME,
    InlineTag,
    Mark,
    inline_tag,
)
from tui.widgets.text_layout import (
    NO_INSERTS,
    SINGLE_CELLS,
    SPACES,
    Inserts,
    _wrap_by_cells,
    _wrap_narrow,
    offset_at_column,
    paragraphs_of,
    tagged_text,
    wrap_offsets,
    wrap_tagged,
)

#: Names other modules and the tests import from here (the widget's own, and re-exported).
__all__ = [
    "CHIP",
    "DEFAULT_ENTITY_COLOR",
    "ENTITY_COLORS",
    "GUTTER",
    "NON_SENTENCE_CHIP",
    "SINGLE_CELLS",
    "TAG_NAME",
    "TINT",
    "ArticleView",
    "InlineTag",
    "Mark",
    "Palette",
    "_wrap_by_cells",
    "_wrap_narrow",
    "entity_style",
    "paragraphs_of",
    "wrap_offsets",
]


class ArticleView(FinishedLines, ScrollView, can_focus=True, inherit_bindings=False):
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
        self.show_attribution = True
        #: Sources and cues of the analysis's attributions: (start, end, "source"|"cue"), sorted.
        self._attribution_marks: list[tuple[int, int, str]] = []
        self._attribution_starts: list[int] = []
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
        self._blank: tuple[int, Style, Strip] | None = None
        #: (paragraph, cursor, the strips it was drawn beside, strips): see `_draw_moves_ahead`
        self._ahead: list[tuple[int, int, list[Strip], list[Strip]]] = []
        self.load(article, analysis)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scrollbar, drawn from a table of finished rows (`FinishedScrollBar`)."""
        return vertical_scrollbar(self)

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
        marks = []
        for attribution in analysis.attributions if analysis else ():
            if attribution.source is not None:
                marks.append((*attribution.source, "source"))
            marks.append((*attribution.cue, "cue"))
        self.set_attribution_marks(sorted(marks))
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

    def set_attribution_marks(self, marks: Sequence[tuple[int, int, str]]) -> None:
        """The sources and cues to draw: ``(start, end, "source" | "cue")`` text offsets,
        sorted. The same list again (the reader keeps one per analysis) costs nothing."""
        if marks is self._attribution_marks:
            return
        changed = marks != self._attribution_marks
        self._attribution_marks = marks if isinstance(marks, list) else list(marks)
        if changed:
            self._attribution_starts = [mark[0] for mark in self._attribution_marks]
            self._strips.clear()
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
        """The inline tag of a marked sentence, or None when the gutter shows its mark."""
        if not 0 < index < len(self.sentences):
            return None
        paragraph = self._paragraphs[self.paragraph_of(self.sentences[index].start)]
        return inline_tag(self.sentences, index, mark, paragraph, self.article.text)

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

    def _inserts(self, paragraph: int) -> Inserts:
        """Where the paragraph's text offsets are drawn, its tags included."""
        tags = self._tags.get(paragraph)
        if not tags:
            return NO_INSERTS
        start = self._paragraphs[paragraph].start
        return Inserts([tag.at - start for tag in tags], [len(tag.text) for tag in tags])

    def set_layers(self, *, entities: bool, figures: bool, dates: bool, attribution: bool = True) -> None:
        """Switch the entity, figure, date and attribution (sources and cues) highlights on or off."""
        self.show_entities, self.show_figures, self.show_dates = entities, figures, dates
        self.show_attribution = attribution
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
            styles = chip_styles(color, self.palette, self._base)
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
        """Where each screen line of a paragraph starts (text offsets), its tags included."""
        segment = self._paragraphs[paragraph]
        text = self._drawn[segment.start : segment.end]  # measured as drawn: a stand-in is one cell
        return wrap_tagged(text, segment.start, self._tags.get(paragraph, ()), width)

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
            ready = self._drawn_ahead_for(new)
            if old != new:
                self._refresh_sentence(old)
            self._refresh_sentence(new)
            for paragraph, strips in ready.items():  # drawn between keys (`_draw_moves_ahead`)
                self._strips.set(paragraph, strips)
            self.scroll_to_cursor()
            if not self._warm_pending:
                self._warm_pending = True
                self.call_after_refresh(self._warm_nearby)
        self.post_message(self.CursorMoved(new))

    def _warm_nearby(self) -> None:
        """Draw the paragraphs up to a screen above and below the view into the strip
        cache, and finish their lines as Textual will (`FinishedLines.finish_ahead`).

        Runs after the frame is out, between keys: when the cursor next scrolls the
        view, the lines it brings in are already drawn and finished, and that frame
        only looks them up and composes them.
        """
        self._warm_pending = False
        if not self._para_y or self._layout_width < 0 or not self.is_mounted:
            return
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        first = max(0, bisect_right(self._para_y, top - height) - 1)
        last = min(bisect_right(self._para_y, top + 2 * height), len(self._paragraphs))
        ahead = [self._blank_line(self._layout_width + GUTTER)]
        for paragraph in range(first, last):
            strips = self._strips.get(paragraph)
            if strips is None:
                strips = self._render_paragraph(paragraph)
                self._strips.set(paragraph, strips)
            ahead += strips
        ahead += self._draw_moves_ahead()
        self.finish_ahead(ahead)  # and finished as the frame will draw them

    def _paragraphs_of_sentence(self, index: int) -> range:
        sentence = self.sentences[index]
        return range(self.paragraph_of(sentence.start), self.paragraph_of(max(sentence.start, sentence.end - 1)) + 1)

    def _draw_moves_ahead(self) -> list[Strip]:
        """Draw the paragraphs a move to the next or the previous sentence (j, k) redraws,
        as they will look after it; `watch_cursor` takes them if nothing else changed them.

        Each is kept with the strips of that paragraph it was drawn beside: anything that
        changes how a paragraph looks drops or replaces those (that is how the strip
        cache stays right), so strips drawn ahead are used only while they are the ones
        in the cache.
        """
        self._ahead = []
        cursor = self.cursor
        made: list[Strip] = []
        for target in (cursor + 1, cursor - 1):
            if not 0 <= target < len(self.sentences):
                continue
            paragraphs = set(self._paragraphs_of_sentence(cursor)) | set(self._paragraphs_of_sentence(target))
            for paragraph in sorted(paragraphs):
                now = self._strips.get(paragraph)
                if now is None:
                    continue  # far from the view: drawn when it is shown
                strips = self._render_paragraph(paragraph, target)
                self._ahead.append((paragraph, target, now, strips))
                made += strips
        return made

    def _drawn_ahead_for(self, cursor: int) -> dict[int, list[Strip]]:
        """The paragraphs drawn ahead for ``cursor`` that are still right (see `_draw_moves_ahead`)."""
        ready = {}
        for paragraph, target, beside, strips in self._ahead:
            if target == cursor and self._strips.get(paragraph) is beside:
                ready[paragraph] = strips
        self._ahead = []
        return ready

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
            return self._blank_line(width)
        paragraph = max(0, bisect_right(self._para_y, line) - 1)
        strips = self._strips.get(paragraph)
        if strips is None:
            strips = self._render_paragraph(paragraph)
            self._strips.set(paragraph, strips)
        row = line - self._para_y[paragraph]
        if row >= len(strips):
            return self._blank_line(width)
        strip = strips[row]
        return strip if strip.cell_length == width else strip.crop_extend(0, width, self._base)

    def _blank_line(self, width: int) -> Strip:
        """The line between paragraphs: one strip, so it is finished once (`FinishedLines`)."""
        base = self._base
        blank = self._blank
        if blank is None or blank[0] != width or blank[1] is not base:
            blank = self._blank = (width, base, Strip.blank(width, base))
        return blank[2]

    def _styled_paragraph(self, paragraph: int, cursor: int | None = None) -> Text:
        """The paragraph's text with every highlight applied (offsets relative to it),
        with sentence ``cursor`` as the current one (default: the cursor's)."""
        cursor = self.cursor if cursor is None else cursor
        segment = self._paragraphs[paragraph]
        start, end = segment.start, segment.end
        palette = self.palette
        tags = self._tags.get(paragraph, ())
        inserts = self._inserts(paragraph)
        plain = tagged_text(self._drawn[start:end].translate(SPACES), start, tags)
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
            current = self.sentences[cursor]
            if current.start < end and current.end > start:
                text.stylize(palette.current, begin(max(0, current.start - start)), finish(current.end - start))
        if self.show_attribution and self._attribution_marks:
            # Under the entity and figure colours: a source is mostly a name, and keeps its colour.
            marks = self._attribution_marks
            for mark_start, mark_end, kind in marks[max(0, bisect_right(self._attribution_starts, start) - 1) :]:
                if mark_start >= end:
                    break
                if mark_end <= start:
                    continue
                style = palette.source if kind == "source" else palette.cue
                text.stylize(style, begin(max(0, mark_start - start)), finish(min(end, mark_end) - start))
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

    def _gutter(self, line_start: int, line_end: int, cursor: int) -> list[RichSegment]:
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
        current = on_line[0] <= cursor <= on_line[-1]
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

    def _render_paragraph(self, paragraph: int, cursor: int | None = None) -> list[Strip]:
        """The paragraph's screen lines, with sentence ``cursor`` as the current one
        (default: the cursor's; another for strips drawn ahead of a move)."""
        cursor = self.cursor if cursor is None else cursor
        segment = self._paragraphs[paragraph]
        starts = self._para_lines[paragraph]
        text = self._styled_paragraph(paragraph, cursor)
        finish = self._inserts(paragraph).finish
        cuts = [finish(start - segment.start) for start in starts[1:]]
        pieces = text.divide(cuts) if cuts else [text]
        console = self.app.console
        width = self._layout_width
        ends = starts[1:] + [segment.end]
        strips = []
        for line_start, line_end, piece in zip(starts, ends, pieces):
            piece.rstrip()  # trailing spaces would only push the line past its width
            segments = self._gutter(line_start, line_end, cursor)
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
        tags = {tag.at: tag for tag in self._tags.get(paragraph, ())}
        return offset_at_column(self._drawn, offset, end, tags, x)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)
