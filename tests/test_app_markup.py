"""Text from files, notes and errors is shown as it is: [brackets] are never read as markup.

The real app under `run_test` over a corpus whose file names, title, text and an
unreadable file all hold things that look like Rich/Textual markup; the checks read
the rendered screen (`export_screenshot`), so a tag that vanished or broke shows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.notifications import Notify

from tui.screens.help import HelpScreen
from tui.screens.note import NoteScreen
from tui.screens.reader import ReaderScreen
from tui.screens.span_label import SpanLabelScreen

from apps import make_app

pytestmark = pytest.mark.anyio

FILE = "[red]budget[link=x].txt"
TITLE = "Budget [b]rises[/x] again"
ARTICLE = f"""{TITLE}

The council said spending [red]rose by 4% to £2 million[/red] this year, a [link=x]report[/link] found.

Officials said the [/source] tag was a typo. The budget will be debated in May.
"""
BROKEN = "[b]broken[/x].json"
NOTE = "check [/source]"


def screen_text(app) -> str:
    """What the terminal shows, as one string: the SVG screenshot's text runs, unescaped,
    with line breaks and the toasts' border (text wrapped in a notification) as one space."""
    svg = app.export_screenshot()
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return re.sub(r"[\s▌]+", " ", html.unescape("".join(runs)).replace("\xa0", " "))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus [draft]"
    folder.mkdir()
    (folder / FILE).write_text(ARTICLE, encoding="utf-8")
    (folder / "[b]broken[").mkdir()  # so the id of the file below is "[b]broken[/x].json"
    (folder / BROKEN).write_text("[1, 2", encoding="utf-8")  # not JSON: an error row
    return folder


async def test_brackets_in_titles_notes_and_messages_are_shown_literally(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    notices: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification.message)

    app = make_app(corpus_dir, tmp_path / "store", analyzer, notices=("see [keys] and [/x] in help",))
    async with app.run_test(size=(150, 40), message_hook=hook, notifications=True) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "see [keys] and [/x] in help" in shown
        assert TITLE in shown
        assert BROKEN in shown  # the error row
        assert "corpus [draft]" in shown  # the header

        # The error row, chosen: its message (naming the file) as a notification.
        app.list_screen.select(BROKEN)
        table = app.list_screen.query_one("#articles")
        table.move_cursor(row=table.get_row_index(BROKEN))
        await pilot.press("enter")
        await pilot.pause()
        assert BROKEN in screen_text(app)

        app.open_article(FILE)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.analysis is not None
        shown = screen_text(app)
        assert TITLE in shown and FILE in shown
        assert "[red]rose by 4%" in shown and "[link=x]report[/link]" in shown

        # A note with a closing tag: saved, shown, then undone and redone (the old crash).
        await pilot.press("j", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*NOTE, "ctrl+s")
        await pilot.pause()
        assert reader.doc.labels[1].note == NOTE
        assert f"✎ {NOTE}" in screen_text(app)
        await pilot.press("1", "u", "u")
        await pilot.pause()
        assert reader.doc.labels.get(1) is None
        assert "undo: note on sentence 2 removed" in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert reader.doc.labels[1].note == NOTE
        assert f"redo: note on sentence 2 to “{NOTE}”" in screen_text(app)

        # The side panel lists the claim with its bracketed text.
        await pilot.press("g", "1", "p")
        await pilot.pause()
        assert "[red]rose by 4%" in screen_text(app)
        await pilot.press("p")

        # Span mode's label picker shows the selected text as it is.
        await pilot.press("j", "v", *"LLLLL")
        start, end = reader.span_cursor.selection
        selected = reader.article.text[start:end]
        assert selected.startswith("Officials said the [/")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpanLabelScreen)
        assert repr(selected) in screen_text(app)
        await pilot.press("escape", "escape")

        # A search for a bracketed word: the status line shows the query.
        await pilot.press("slash", *"[/source]", "enter")
        await pilot.pause()
        assert " [/source] " in screen_text(app)
        await pilot.press("escape")

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        await pilot.press("escape")

        # The palette: an article hit carries the file name as its help line.
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"budget")
        await pilot.pause()
        await pilot.pause()
        assert FILE in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
    # Undo/redo feedback lands in the status line (asserted above), not in a toast.
    assert not any(NOTE in notice for notice in notices)
    app.store.close()
