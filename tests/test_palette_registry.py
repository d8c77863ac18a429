"""The palette's commands come from a registry the app and the reader fill, and the app
has every member of `tui.host.Host`, the interface the screens use instead of the app class."""

from __future__ import annotations

from pathlib import Path

import pytest
from apps import corpus_folder, make_app, open_reader

from tui.host import ArticleList, Host
from tui.palette import ClaimscopeCommands, Command, CommandRegistry
from tui.screens.reader import ReaderScreen

def test_sources_are_listed_by_order_then_as_added_and_can_be_removed() -> None:
    registry = CommandRegistry()

    def source(name: str):
        return lambda screen: [Command(f"{name} on {screen}", lambda: None, "")]

    last, first, second = source("last"), source("first"), source("second")
    registry.add(last, order=20)
    registry.add(first)
    registry.add(second)
    assert [command.title for command in registry.commands("s")] == ["first on s", "second on s", "last on s"]
    registry.remove(first)
    assert [command.title for command in registry.commands("t")] == ["second on t", "last on t"]


def _members(protocol: type) -> set[str]:
    names = set(getattr(protocol, "__annotations__", {}))
    names |= {name for name in vars(protocol) if not name.startswith("_")}
    return names


@pytest.mark.anyio
async def test_the_app_is_a_host_and_the_reader_adds_its_commands_only_while_shown(
    tmp_path: Path, analyzer
) -> None:
    corpus_dir = corpus_folder(tmp_path, {"a.txt": "Fares rose 8% in May. Riders complained.\n"})
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        missing = {name for name in _members(Host) if not hasattr(app, name)}
        assert not missing, f"ClaimscopeApp lacks Host members: {sorted(missing)}"
        assert app.list_screen is not None
        assert not {name for name in _members(ArticleList) if not hasattr(app.list_screen, name)}

        on_list = [title for title, _, _ in ClaimscopeCommands(app.screen)._commands()]
        assert "Theme: switch light/dark" in on_list
        assert not any(title.startswith(("Reader: ", "Label sentence: ")) for title in on_list)
        assert on_list[-1].startswith("Open: ")

        reader = await open_reader(app, pilot, "a.txt")
        assert isinstance(app.screen, ReaderScreen)
        in_reader = [title for title, _, _ in ClaimscopeCommands(reader)._commands()]
        reader_titles = [i for i, title in enumerate(in_reader) if title.startswith(("Reader: ", "Label sentence: "))]
        assert "Reader: Next sentence" in in_reader
        # The app's commands first, then the reader's, then the articles.
        assert in_reader.index("Adjudicate") < reader_titles[0]
        assert reader_titles[-1] < in_reader.index(on_list[-1])
    app.store.close()
