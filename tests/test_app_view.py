"""The reader widget and the movement rules, with hand-made records (no spaCy needed)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len, get_character_cell_size
from textual.app import App, ComposeResult

from corpus.model import Analysis, Article, Segment, Span
from tui import navigation
from tui.widgets.article_view import (
    GUTTER,
    SINGLE_CELLS,
    ArticleView,
    Mark,
    _wrap_by_cells,
    _wrap_narrow,
    paragraphs_of,
    wrap_offsets,
)

pytestmark = pytest.mark.anyio


def build(paragraph_texts: list[list[str]], spans: list[tuple[str, str]] = ()) -> tuple[Article, Analysis]:
    """An article from paragraphs of sentences, with spans found by their text."""
    text = ""
    paragraphs, sentences = [], []
    for sentences_text in paragraph_texts:
        if text:
            text += "\n\n"
        p_start = len(text)
        for number, sentence in enumerate(sentences_text):
            if number:
                text += " "
            sentences.append(Segment(len(text), len(text) + len(sentence)))
            text += sentence
        paragraphs.append(Segment(p_start, len(text)))
    found = []
    for surface, label in spans:
        start = text.index(surface)
        kind = "figure" if label in {"PERCENT", "MONEY", "CARDINAL"} else "date" if label == "DATE" else "entity"
        found.append(Span(start, start + len(surface), label, kind))  # type: ignore[arg-type]
    article = Article(id="a.txt", path="a.txt", text=text, title="A title")
    return article, Analysis(tuple(paragraphs), tuple(sentences), tuple(found))


class ViewApp(App[None]):
    def __init__(self, article: Article, analysis: Analysis | None) -> None:
        super().__init__()
        self.article, self.analysis = article, analysis

    def compose(self) -> ComposeResult:
        yield ArticleView(self.article, self.analysis)


def screen_text(app: App[None]) -> list[str]:
    view = app.query_one(ArticleView)
    return [view.render_line(y).text for y in range(view.size.height)]


def test_wrap_offsets_keep_every_character_and_fit_the_width() -> None:
    text = "Ünïcode 😀 wide 漢字漢字漢字 and combining e\u0301 marks, then averyveryverylongwordthatmustbecut here."
    for width in (5, 8, 13, 30):
        starts = wrap_offsets(text, width)
        assert starts[0] == 0 and starts == sorted(starts)
        ends = starts[1:] + [len(text)]
        assert "".join(text[a:b] for a, b in zip(starts, ends)) == text
        for a, b in zip(starts, ends):
            assert cell_len(text[a:b].rstrip()) <= width


def test_single_cell_characters_are_one_cell_for_rich() -> None:
    assert all(get_character_cell_size(char) == 1 for char in SINGLE_CELLS)


@pytest.mark.parametrize("width", [1, 3, 7, 12, 31, 60])
def test_line_at_a_time_wrap_matches_word_by_word(width: int) -> None:
    """The fast wrap of one-cell text breaks exactly where measuring every word does."""
    words = ["a", "to", "the", "“quoted”", "—", "figures…", "averyveryverylongwordthatmustbecut", "x" * 61, "é", ""]
    for seed in range(40):
        line = " ".join(words[(seed * 7 + n * n) % len(words)] for n in range(seed * 3))
        line = ("  " if seed % 3 == 0 else "") + line + ("   " if seed % 4 == 0 else "")
        slow: list[int] = []
        fast: list[int] = []
        _wrap_by_cells(line, width, 100, slow)
        if len(line) > width:
            _wrap_narrow(line, width, 100, fast)
        assert fast == slow, (line, width)


def test_wrap_offsets_break_at_newlines() -> None:
    text = "first line\nsecond\r\nthird"
    starts = wrap_offsets(text, 40)
    assert [text[s:].split("\n")[0] for s in starts] == ["first line", "second\r", "third"]


def test_unanalysed_article_is_split_at_blank_lines() -> None:
    text = "Title\n\nOne para\nstill one.\n\n\n  Two para.\n"
    article = Article(id="x", path="x", text=text, title="Title", body_start=7)
    segments = paragraphs_of(article)
    assert [text[s.start : s.end].strip() for s in segments] == ["One para\nstill one.", "Two para."]


def test_navigation_rules() -> None:
    _, analysis = build([["A one.", "A two."], ["B one."], ["C one.", "C two.", "C three."]])
    sentences, paragraphs = analysis.sentences, analysis.paragraphs
    assert navigation.next_paragraph(sentences, paragraphs, 0) == 2
    assert navigation.next_paragraph(sentences, paragraphs, 2) == 3
    assert navigation.next_paragraph(sentences, paragraphs, 5) == 5
    assert navigation.previous_paragraph(sentences, paragraphs, 5) == 3
    assert navigation.previous_paragraph(sentences, paragraphs, 3) == 2
    assert navigation.previous_paragraph(sentences, paragraphs, 1) == 0
    assert navigation.next_unreviewed(6, {1, 2}, 0) == 3
    assert navigation.next_unreviewed(6, {0, 1, 2, 3, 4, 5}, 0) is None
    assert navigation.next_unreviewed(6, {5, 0}, 4) == 1


def test_tokens_and_search_offsets_are_exact() -> None:
    text = "Profits (😀) rose to £4.5m, up 1,200 — don't panic. PROFITS fell."
    tokens = [text[a:b] for a, b in navigation.tokens(text, 0, len(text))]
    assert "£" in tokens and "4.5m" in tokens and "1,200" in tokens and "don't" in tokens and "😀" in tokens
    hits = navigation.find_all(text, "profits")
    assert [text[a:b] for a, b in hits] == ["Profits", "PROFITS"]
    assert navigation.find_all(text, "") == []


async def test_view_renders_brackets_literally_and_marks_the_cursor() -> None:
    article, analysis = build(
        [["Acme [Corp] said [bold]sales[/bold] rose 12% in 2023.", "Second sentence here."], ["Next para."]],
        spans=[("Acme", "ORG"), ("12%", "PERCENT"), ("2023", "DATE")],
    )
    app = ViewApp(article, analysis)
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(ArticleView)
        view.set_mark(0, Mark(key="1", color="#4e9de0", checkworthy=True))
        await pilot.pause()
        lines = screen_text(app)
        assert "[bold]sales[/bold]" in "".join(lines)
        # every cell carries a background (plain paragraphs too), so themes fill the view
        for y in range(view.size.height):
            assert all(seg.style is not None and seg.style.bgcolor is not None for seg in view.render_line(y))
        assert lines[0].startswith("▌1    ★  Acme [Corp]")  # no name given: the key is the chip
        view.cursor = 2
        await pilot.pause()
        lines = screen_text(app)
        bars = [line[0] for line in lines if line.strip()]
        assert bars.count("▌") == 1
        assert next(line for line in lines if line.startswith("▌"))[GUTTER:].startswith("Next para.")
        view.cursor = 99  # clamped
        assert view.cursor == 2


async def test_view_without_analysis_shows_text_and_no_cursor() -> None:
    text = "Headline\n\nBody text [with brackets] and more.\n\nSecond paragraph."
    article = Article(id="x", path="x", text=text, title="Headline", body_start=10)
    app = ViewApp(article, None)
    async with app.run_test(size=(50, 8)) as pilot:
        await pilot.pause()
        lines = screen_text(app)
        assert lines[0][GUTTER:].startswith("Body text [with brackets]")
        assert not any(line.startswith("▌") for line in lines)


async def test_layers_change_styles_not_text() -> None:
    article, analysis = build([["Acme rose 12% in 2023."]], spans=[("Acme", "ORG"), ("12%", "PERCENT"), ("2023", "DATE")])
    app = ViewApp(article, analysis)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        on = view.render_line(0)
        view.set_layers(entities=False, figures=False, dates=False)
        off = view.render_line(0)
        assert on.text == off.text
        styles_on = {seg.style for seg in on if seg.text.strip() in {"Acme", "12%", "2023"}}
        assert any(style and style.bgcolor for style in styles_on)
        assert not any(seg.style and seg.style.bgcolor and seg.style.color and seg.style.color.name == "#000000"
                       for seg in off if seg.text.strip() == "Acme")


async def test_long_article_scrolls_to_the_cursor() -> None:
    paragraphs = [[f"Paragraph {n} sentence one.", f"Paragraph {n} sentence two."] for n in range(300)]
    article, analysis = build(paragraphs)
    app = ViewApp(article, analysis)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.cursor = 599
        await pilot.pause()
        assert view.scroll_y > 0
        assert any(line.startswith("▌") and "Paragraph 299" in line for line in screen_text(app))
        view.cursor = 0
        await pilot.pause()
        assert view.scroll_y == 0



@pytest.mark.parametrize("width", [24, 37, 61, 100])
async def test_inline_tags_never_move_text_highlights_or_clicks(width: int) -> None:
    """Every marked sentence that starts mid-line gets a tag (name, ★, ✎) drawn before it.

    At several widths, with wide characters, a word wider than the line, a newline
    inside a paragraph and a name longer than a tag holds: each screen line draws
    exactly its text with the tags of its sentences before them, a click on any cell
    finds the character drawn there (a tag's cells find its sentence), the current
    sentence's highlight starts after its tag, and dropping the marks gives back the
    untagged layout.
    """
    from dataclasses import replace

    from tui.widgets.article_view import TAG_NAME

    article, analysis = build(
        [
            ["Rates rose 12% in 2023.", "漢字 sales fell.", "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa went.", "Ok."],
            ["One.", "Two starts a line.", "Three follows two.", "Four 😀 ends it."],
        ],
        spans=[("12%", "PERCENT"), ("2023", "DATE")],
    )
    article = replace(article, text=article.text.replace("One. Two", "One.\nTwo"))  # same offsets
    names = ["quantity", "a label name longer than a tag holds", "", "cause", "rule", "other", "", "none"]
    app = ViewApp(article, analysis)
    async with app.run_test(size=(width + GUTTER + 2, 40)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        untagged = [list(lines) for lines in view._para_lines]
        for index, name in enumerate(names):
            view.set_mark(
                index,
                Mark(key=str(index), color="#4e9de0", name=name, labelled=bool(name), checkworthy=index in (1, 3, 6), note=index in (2, 3)),
            )
        view.cursor = 6
        await pilot.pause()
        text = article.text
        tags = view._tag_of
        # Tagged: the marked sentences after another one on their line; not the first of a
        # paragraph, not "Two" after a newline (the gutter names them). s2's note is glued
        # to a word wider than the narrow lines.
        assert sorted(tags) == [1, 2, 3, 6, 7] and tags[2].text == "✎ "
        assert tags[1].name == "a label name longer than a tag holds"[: TAG_NAME - 1] + "…" and tags[1].marks == "★"
        assert (tags[3].name, tags[3].marks) == ("cause", "★✎") and (tags[6].name, tags[6].marks) == ("", "★")
        assert view.render_line(view.line_of(analysis.sentences[5].start)).text[1:6] == "other"
        at_offset = {tag.at: tag for tag in tags.values()}
        for paragraph, lines in enumerate(view._para_lines):
            segment = view._paragraphs[paragraph]
            ends = lines[1:] + [segment.end]
            for row, (start, end) in enumerate(zip(lines, ends)):
                y = view._para_y[paragraph] + row
                expected, cells = "", []  # cells: the offset a click on each cell must find
                for offset in range(start, end):
                    if offset in at_offset:
                        expected += at_offset[offset].text
                        cells += [offset] * at_offset[offset].cells
                    expected += text[offset]
                    cells += [offset] * get_character_cell_size(text[offset])
                drawn = view.render_line(y).text[GUTTER:]
                assert drawn.rstrip() == expected.rstrip().replace("\n", ""), (width, row, drawn, expected)
                for x, offset in enumerate(cells):
                    if text[offset] not in " \n":
                        assert view._offset_at(x, y) == offset, (width, x, y, offset)
        current = analysis.sentences[6]
        y = view.line_of(current.start)
        segments = list(view.render_line(y))
        first_word = text[current.start : text.index(" ", current.start)]
        highlighted = "".join(seg.text for seg in segments if seg.style.bgcolor == view.palette.current.bgcolor)
        assert highlighted.startswith(first_word) and "★" not in highlighted
        for index in range(len(names)):
            view.set_mark(index, None)
        await pilot.pause()
        assert view._para_lines == untagged and not view._tags


async def test_finished_lines_are_what_textual_draws_through_scrolls_marks_and_style_changes() -> None:
    """The view and its scrollbar draw rows from a table of finished lines
    (`tui/widgets/finished_lines.py`); each frame must equal what Textual's own styles
    cache makes of the same rows, whatever changed since."""
    from textual.geometry import Region
    from textual.widget import Widget

    paragraphs = [[f"Acme said {n}% of 2023 sales came in May.", f"Paragraph {n} ends here."] for n in range(120)]
    article, analysis = build(paragraphs, spans=[("Acme", "ORG"), ("2023", "DATE")])

    class ReaderLike(ViewApp):
        CSS = "ArticleView { padding: 0 1 0 0; scrollbar-size-vertical: 1; }"  # as tui/app.tcss has it

    app = ReaderLike(article, analysis)
    async with app.run_test(size=(50, 12)) as pilot:
        view = app.query_one(ArticleView)
        bar = view.vertical_scrollbar
        assert view.size.width < view.region.width  # the scrollbar is a column of the region, not of the size
        await pilot.pause()

        def same_as_textual() -> None:
            for widget in (view, bar):
                full = Region(0, 0, widget.region.width, widget.region.height)
                drawn = widget.render_lines(full)
                widget._styles_cache.clear()  # Textual's path, every row made afresh
                assert drawn == Widget.render_lines(widget, full), type(widget).__name__

        same_as_textual()
        for _ in range(40):  # j down the article: the view scrolls a few times
            view.cursor += 1
            await pilot.pause()
            same_as_textual()
        ahead = set(view._finished)  # after the moves' frames, and what they finished ahead
        top = view.scroll_y
        view.action_page_down()
        await pilot.pause()
        assert view.scroll_y > top
        assert {id(view.render_line(y)) for y in range(view.size.height)} <= ahead  # nothing left to finish
        same_as_textual()
        finished = len(view._finished)
        view.action_page_up()
        await pilot.pause()
        assert view.scroll_y == top
        same_as_textual()
        assert len(view._finished) == finished  # back where it was: every row from the table
        view.set_mark(view.cursor, Mark(key="1", color="#ff0000", name="claim", checkworthy=True))
        await pilot.pause()
        same_as_textual()
        app.theme = "textual-light"
        await pilot.pause()
        same_as_textual()
        view.styles.tint = "red 20%"  # an inline style: finished again, under it
        await pilot.pause()
        same_as_textual()
        view.styles.padding = (1, 1, 0, 0)  # a row above the content: Textual draws it all
        await pilot.pause()
        same_as_textual()


async def test_textual_laid_out_otherwise_falls_back_to_its_own_drawing() -> None:
    """The table of finished lines reads Textual's private widget attributes and calls its
    styles cache as Textual 8.2 lays them out; a release of Textual 8 that changed them
    must not break the reader: the view then draws every row as Textual does."""
    from textual.geometry import Region
    from textual.widget import Widget

    paragraphs = [[f"Acme said {n}% of 2023 sales came in May."] for n in range(60)]
    article, analysis = build(paragraphs, spans=[("Acme", "ORG")])
    app = ViewApp(article, analysis)
    async with app.run_test(size=(50, 12)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        def finisher_of_another_textual(crop):  # as if a private attribute it reads were renamed
            raise AttributeError("'ArticleView' object has no attribute '_border_title'")

        view._line_finisher = finisher_of_another_textual
        full = Region(0, 0, view.region.width, view.region.height)
        view.cursor += 3
        await pilot.pause()  # frames: the view falls back instead of failing
        view.cursor += 30
        await pilot.pause()
        assert view.__dict__.get("_finished_off") is True
        del view._line_finisher
        drawn = view.render_lines(full)
        view._styles_cache.clear()
        assert drawn == Widget.render_lines(view, full)


async def test_paragraphs_drawn_ahead_of_j_and_k_are_what_the_move_draws() -> None:
    """After each frame the view draws the paragraphs a j or a k would redraw; the move
    takes them only if they are still right (here: a mark set in between, and a layer
    switched off), and what it shows is what a full redraw shows."""
    paragraphs = [[f"Acme said {n}% of 2023 sales came in May.", f"Paragraph {n} ends.", "A third one."] for n in range(40)]
    article, analysis = build(paragraphs, spans=[("Acme", "ORG"), ("2023", "DATE")])
    app = ViewApp(article, analysis)
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()

        def as_redrawn() -> list[str]:
            shown = [view.render_line(y) for y in range(view.size.height)]
            view._strips.clear()
            assert shown == [view.render_line(y) for y in range(view.size.height)]
            return [strip.text for strip in shown]

        taken = 0
        for step, move in enumerate([1] * 9 + [-1] * 4 + [1] * 3):
            ahead = {(paragraph, cursor) for paragraph, cursor, _beside, _strips in view._ahead}
            target = view.cursor + move
            if step == 5:
                view.set_mark(target, Mark(key="1", color="#ff0000", name="claim"))  # after they were drawn
            if step == 10:
                view.set_layers(entities=False, figures=True, dates=True)
            view.cursor = target
            taken += any(cursor == target for _paragraph, cursor in ahead)
            await pilot.pause()
            assert any(line.startswith("▌") for line in as_redrawn())
            await pilot.pause()  # the draw ahead runs after the frame
        assert taken >= 12  # j and k mostly found their paragraphs drawn
