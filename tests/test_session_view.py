"""Seeing the state of an annotation session, and correcting spans (issue 8).

Real app (`run_test`), real spaCy, real store files in tmp_path. What the terminal
shows is read from the composited screen (`screen_lines`) or the view's own lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from apps import make_app, open_reader
from tui.screens.help import HelpScreen
from tui.screens.note import NoteScreen
from tui.screens.reader import ReaderScreen
from tui.screens.span_label import SpanLabelScreen
from tui.widgets.article_view import ArticleView

pytestmark = pytest.mark.anyio

# Fictional: three sentences on one line at 120 columns, then a paragraph of its own.
PORT = """Port of Westhaven sets a cargo record

The port handled 4.2 million tonnes in 2023. Jobs at the docks were cut. Officials expect more ships next year.

Chief executive Maria Jensen, 54, said traffic would grow.

The council will meet in March.
"""
BULLETS = "000_545ca403fe8ec4c8.txt"


def screen_lines(app) -> list[str]:
    """The terminal's lines as text (every layer composited, toasts included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def view_lines(view: ArticleView) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


@pytest.fixture
def port_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "port.txt").write_text(PORT, encoding="utf-8")
    return folder


@pytest.fixture
def bullets_dir(tmp_path: Path, shared_corpus: Path) -> Path:
    folder = tmp_path / "bullets"
    folder.mkdir()
    shutil.copy(shared_corpus / BULLETS, folder / BULLETS)
    return folder


def label(reader: ReaderScreen, index: int, name: str | None) -> None:
    """Label a sentence straight through the store, as the key would (no cursor advance)."""
    reader.doc.set_label(index, name)
    reader._refresh_annotations()


async def test_sentences_sharing_a_line_each_show_their_own_mark(port_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        view = reader.view
        sentences = reader.analysis.sentences
        text = reader.article.text
        assert text[sentences[1].start :].startswith("Jobs") and text[sentences[2].start :].startswith("Officials")
        label(reader, 0, "quantity")
        label(reader, 2, "cause")  # s1 stays unlabelled between two labelled sentences
        await pilot.press("G")  # the cursor away from them
        await pilot.pause()
        line = next(line for line in view_lines(view) if "The port handled" in line)
        assert line[1:6] == "quant"  # the gutter names the label of the sentence starting the line
        assert "in 2023. Jobs" in line  # unlabelled: its space is a space
        assert "were cut. cause Officials" in line  # labelled mid-line: its name in a tag before it
        # ... and its text is tinted, the unlabelled sentence's is not.
        y = next(y for y in range(view.size.height) if "The port handled" in view.render_line(y).text)
        cells = [(seg.text, seg.style.bgcolor) for seg in view.render_line(y)]
        background = view.rich_style.bgcolor
        def background_of(word: str):
            return next(color for seg_text, color in cells if word in seg_text)
        assert background_of("Jobs") == background
        assert background_of("Officials") != background and background_of("handled") != background
    app.store.close()


async def test_header_lines_before_the_first_sentence_carry_no_label(
    port_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        label(reader, 0, "quantity")
        await pilot.pause()
        lines = view_lines(reader.view)
        headline = next(line for line in lines if "Port of Westhaven" in line)
        first = next(line for line in lines if "The port handled" in line)
        assert "quant" in first
        # The headline is not part of sentence 1: no chip, no cursor bar beside it.
        assert headline[: headline.index("Port")].strip() == "", headline
    app.store.close()


async def test_gutter_names_and_label_bar_fit_at_80x24(port_dir: Path, tmp_path: Path, analyzer) -> None:
    from tui.widgets.key_bar import KeyBar
    from tui.widgets.legend import LabelBar, Legend

    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        label(reader, 3, "none")
        await pilot.pause()
        lines = screen_lines(app)
        assert any("none" in line and "Chief executive" in line for line in lines)
        bar = reader.query_one(LabelBar)
        bar_line = lines[bar.region.y]
        for scheme_label in app.scheme:
            assert f"{scheme_label.key} {scheme_label.name} " in bar_line + " ", bar_line
        # Nothing at the bottom is covered by the text, nothing wraps into it.
        view = reader.query_one(ArticleView).region
        bottom = [reader.query_one("#reader-status").region, bar.region, reader.query_one(Legend).region,
                  reader.query_one(KeyBar).region]
        for region in bottom:
            assert region.height >= 1 and not region.overlaps(view) and region.bottom <= 24
        assert reader.query_one(Legend).region.height == 1
        # Every key bar entry is whole: no entry is cut with an ellipsis.
        keys = reader.query_one(KeyBar)
        for y in range(keys.region.y, keys.region.bottom):
            assert "…" not in lines[y]
        shown = " ".join(lines[keys.region.y : keys.region.bottom])
        assert "palette" in shown or "all keys" in shown
    app.store.close()


async def test_star_and_note_marks_and_a_multi_line_note(port_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(port_dir, store_dir, analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        await pilot.press("J", "w")  # s3 check-worthy
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        shown = " ".join(screen_lines(app))
        assert "Chief executive Maria Jensen, 54, said traffic would grow." in shown  # the sentence annotated
        await pilot.press(*"first line", "enter", *"second [red]line", "ctrl+s")
        assert isinstance(app.screen, ReaderScreen)
        assert reader.doc.labels[3].note == "first line\nsecond [red]line"
        line = next(line for line in view_lines(reader.view) if "Chief executive" in line)
        assert line[6:8] == "★✎"
    app.store.close()


async def test_span_picker_shows_the_current_label_and_relabels_with_one_key(
    port_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        text = reader.article.text
        await pilot.press("J")  # "Chief executive Maria Jensen, 54, said ..."
        person = next(s for s in reader.view.spans if s.label == "PERSON")
        await pilot.press("v")
        while reader.span_cursor.token[0] != person.start:
            await pilot.press("l")
        while reader.span_cursor.selection[1] < person.end:
            await pilot.press("L")
        status = str(reader.query_one("#sentence-status").render())
        assert "PERSON" in status and "“Maria Jensen”" in status and "model" in status
        await pilot.press("enter")
        assert isinstance(app.screen, SpanLabelScreen)
        shown = " ".join(screen_lines(app))
        assert "now:  PERSON  model" in shown and "o  ORG" in shown
        await pilot.press("o")  # one key: ORG
        assert isinstance(app.screen, ReaderScreen)
        assert any((s.start, s.end, s.label) == (person.start, person.end, "ORG") for s in reader.view.spans)
        status = str(reader.query_one("#sentence-status").render())
        assert "ORG" in status and "corrected" in status
        # The age is a figure only the rules find.
        age = text.index("54")
        while reader.span_cursor.token[0] != age:
            await pilot.press("l")
        status = str(reader.query_one("#sentence-status").render())
        assert "AGE" in status and "rule" in status
    app.store.close()


async def test_J_moves_over_bullet_paragraphs_and_their_gutter_is_their_own(
    bullets_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(bullets_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_reader(app, pilot, BULLETS)
        text = reader.article.text
        sentences = reader.analysis.sentences
        bullet = next(i for i, s in enumerate(sentences) if text[: s.start].endswith("• ") and i > 0)
        for index in range(bullet - 1):
            label(reader, index, "cause")
        label(reader, bullet - 1, "quantity")
        label(reader, bullet + 2, "rule")
        reader._move(bullet - 1)
        await pilot.press("J")
        assert reader.view.cursor == bullet
        visited = [bullet]
        for _ in range(3):
            await pilot.press("J")
            visited.append(reader.view.cursor)
        assert visited == sorted(set(visited)) and len(visited) == 4  # J keeps moving
        await pilot.press("g")
        await pilot.pause()
        lines = view_lines(reader.view)
        own = next(line for line in lines if line.startswith(" " * 9 + "• ") or "• " + text[sentences[bullet].start : sentences[bullet].start + 20] in line)
        # Unlabelled, not the quantity before the bullet: no label chip (a suggestion, if
        # one is drawn, is dim italic, never a coloured chip).
        bullet_y = lines.index(own)
        segments = list(reader.view.render_line(bullet_y))
        chip = next(seg for seg in segments if seg.text.strip())
        page = segments[-1].style.bgcolor  # the plain background at the end of the line
        assert not own[1:6].startswith("quant")
        assert chip.text.startswith("•") or (chip.style.italic and chip.style.bgcolor == page), chip
        ruled = text[sentences[bullet + 2].start : sentences[bullet + 2].start + 20]
        ruled_line = next(line for line in lines if ruled in line)
        assert ruled_line[1:6] == "rule "
    app.store.close()


async def test_undo_and_redo_messages_read_in_their_direction(port_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(160, 30)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        reader._move(2)
        await pilot.press("3")  # prediction
        reader._move(2)
        await pilot.press("1")  # quantity
        await pilot.press("u")
        indicator = str(reader.query_one("#save-indicator").render())
        assert "undo: sentence 3 back to prediction" in indicator, indicator
        await pilot.press("ctrl+r")
        indicator = str(reader.query_one("#save-indicator").render())
        assert "redo: sentence 3 to quantity" in indicator, indicator
        # A span change names the span's text, not its offsets.
        reader._move(0)
        await pilot.press("v", "l", "L")  # "port handled"
        await pilot.press("enter", "o")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape", "u")
        indicator = str(reader.query_one("#save-indicator").render())
        assert "undo: span “port handled” back to no span" in indicator, indicator
    app.store.close()


async def test_help_scrolls_with_j_and_k(port_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert body.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert body.scroll_y == 2
    app.store.close()


async def test_messages_do_not_cover_the_status_line_or_the_legends(port_dir: Path, tmp_path: Path, analyzer) -> None:
    from textual.widgets._toast import Toast

    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        app.notify("a message long enough to need a few lines of its own in a toast", timeout=30)
        await pilot.pause()
        toasts = [toast.region for toast in app.screen.query(Toast)]
        assert toasts
        bottom = [reader.query_one(selector).region for selector in ("#reader-status", "#label-bar", "#legend", "KeyBar")]
        for toast in toasts:
            for region in bottom:
                assert not toast.overlaps(region), (toast, region)
    app.store.close()


async def test_no_color_keeps_the_state_readable(
    port_dir: Path, tmp_path: Path, analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(port_dir, tmp_path / "store", analyzer)
    assert app.no_color
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        label(reader, 0, "quantity")
        label(reader, 2, "cause")
        reader.doc.set_checkworthy(2, True)
        reader._refresh_annotations()
        await pilot.press("G")
        await pilot.pause()
        y = next(y for y in range(reader.view.size.height) if "The port handled" in reader.view.render_line(y).text)
        segments = list(reader.view.render_line(y))
        line = "".join(seg.text for seg in segments)
        # Symbols and attributes, not colour: the names, and the star at its own sentence.
        assert line[1:6] == "quant" and "cut. cause★ Officials" in line and line[6] == " "
        chip = next(seg for seg in segments if seg.text == "quant")
        assert chip.style.reverse
        assert next(seg for seg in segments if seg.text == "cause").style.reverse
        # No tint stands in for the label: the labelled text has the plain background.
        plain = reader.view.rich_style.bgcolor
        assert all(seg.style.bgcolor == plain for seg in segments if "Officials" in seg.text or "handled" in seg.text)
    app.store.close()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_chip_and_highlight_meets_wcag_aa(theme: str, tmp_path: Path, analyzer) -> None:
    """The colours read back from the drawn lines (benchmarks/contrast.py prints them all)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("contrast_bench", Path(__file__).parents[1] / "benchmarks" / "contrast.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "port.txt").write_text(bench.ARTICLE, encoding="utf-8")
    bench._ANALYZER = analyzer
    pairs = await bench.measure(theme, tmp_path)
    assert len(pairs) > 15  # chips of every label, tints, highlights, cursor, search, selection
    low = [pair for pair in pairs if pair[0] < 4.5]
    assert not low, low


async def test_the_status_line_is_cut_not_wrapped_at_80x24(port_dir: Path, tmp_path: Path, analyzer) -> None:
    # A wrapped status line put "unreviewed" into a hidden second row, so an unlabelled
    # sentence said nothing of its state; and with the save cell half the row, the
    # suggestion and its score were cut off at 80 columns.
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        await pilot.pause()
        status = reader.query_one("#sentence-status")
        line = screen_lines(app)[status.region.y]
        suggestion = reader.suggestions[0]
        assert "reviewed · s1" in line, line
        assert f"suggested {suggestion.label} {suggestion.score:.2f}" in line, line
        assert line.rstrip().endswith("no edits yet"), line
        await pilot.press("1")  # the save cell shows what was saved, in full
        await pilot.pause()
        line = screen_lines(app)[status.region.y]
        assert "✓ s1 quantity saved" in line, line
    app.store.close()


async def test_a_named_claimant_stays_on_the_status_line_at_80x24(port_dir: Path, tmp_path: Path, analyzer) -> None:
    # At 80 columns the suggestion and its score fill the sentence's half of the row:
    # a claimant after them was cut off. A named one comes first; "outlet" stays last.
    app = make_app(port_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        await pilot.pause()
        said = next(i for i, s in enumerate(reader.analysis.sentences) if "Jensen" in reader.article.text[s.start : s.end])
        assert reader._suggestion_status(said)  # the case: a suggestion is shown too
        while reader.view.cursor < said:
            await pilot.press("j")
        await pilot.pause()
        status = reader.query_one("#sentence-status")
        line = screen_lines(app)[status.region.y]
        assert f"s{said + 1} Maria Jensen · said" in line, line
    app.store.close()
