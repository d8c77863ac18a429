"""The reader binds exactly the keys the label scheme declares, and refuses keys it already uses.

Real app (`run_test`), real spaCy pipeline, real store files in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.notifications import Notify

from annotations.errors import SchemeError
from annotations.scheme import default_scheme, parse_scheme
from corpus.errors import ClaimscopeError
from tui.app import create_app
from tui.config import Config
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.key_bar import KeyBar

from apps import make_app, open_reader as _open_article

pytestmark = pytest.mark.anyio

ARTICLE = """Ferry fares rise

The ferry company will raise fares by 8% from June. Its director said fuel costs had risen.

Islanders said the rise would hit families. The council will discuss the fares in May.

Tickets bought before Friday keep the old price. The company carried 410,000 passengers.
"""

# Positions and keys disagree on purpose: `quantity` comes first but is key 2.
SCHEME = """\
default_claim = "cause"

[[labels]]
name = "quantity"
key = "2"
color = "#4e9de0"

[[labels]]
name = "cause"
key = "1"
color = "#e0864e"

[[labels]]
name = "rule"
key = ","
color = "#4ec9a0"

[[labels]]
name = "none"
key = "z"
claim = false
color = "#5c6370"
"""


def make_corpus(tmp_path: Path, scheme: str | None = SCHEME) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    if scheme is not None:
        (folder / "claimscope.toml").write_text(scheme, encoding="utf-8")
    return folder


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


async def open_reader(app, pilot) -> ReaderScreen:
    return await _open_article(app, pilot, "ferry.txt")


def screen_text(renderable) -> str:
    console = Console(width=140, record=True, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


async def test_each_label_answers_to_the_key_its_scheme_gives(tmp_path: Path, analyzer) -> None:
    app = make_app(make_corpus(tmp_path), tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 36)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1")            # s0: cause (key 1), not the first label
        await pilot.press("j", "2")       # s1: quantity (key 2)
        await pilot.press("j", "comma")   # s2: rule, on a key that is a separator in Textual's key lists
        await pilot.press("j", "z")       # s3: none
        await pilot.press("j", "c")       # s4: the default claim (cause)
        await pilot.press("j", "x")       # s5: x is no key of this scheme: nothing happens
        labels = {i: record.label for i, record in reader.doc.labels.items()}
        assert labels == {0: "cause", 1: "quantity", 2: "rule", 3: "none", 4: "cause"}

        # The gutter shows the same keys, the key bar the scheme's keys.
        bar = str(reader.query_one(KeyBar).render())
        assert "z Not claim" in bar and "c Claim" in bar
        assert "12," in bar or "21," in bar, bar

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = screen_text(app.screen.keys_table())
        rows = {line.split("│")[2].strip(): line.split("│")[1].strip() for line in keys.splitlines() if "label:" in line}
        assert rows == {"label: quantity": "2", "label: cause": "1", "label: rule": ",", "label: none": "z"}
        quantity_row = next(line for line in keys.splitlines() if "label: quantity" in line)
        quantity_line = line_of(SCHEME, 'key = "2"')
        assert f"scheme, line {quantity_line}" in quantity_row
    app.store.close()


async def test_default_scheme_keeps_the_documented_keys(tmp_path: Path, analyzer) -> None:
    assert [label.key for label in default_scheme()] == ["1", "2", "3", "4", "5", "6", "x"]
    app = make_app(make_corpus(tmp_path, scheme=None), tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 36)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1", "j", "6", "j", "x", "j", "c", "j", "3", "0")
        labels = {i: record.label for i, record in reader.doc.labels.items() if record.label}
        assert labels == {0: "quantity", 1: "other", 2: "none", 3: "other"}
    app.store.close()


@pytest.mark.parametrize(
    ("key", "binding"),
    [("j", "reader.next_sentence"), ("n", "reader.note"), ("c", "reader.claim"), ("0", "reader.clear"),
     ("?", "app.help"), ("D", "reader.span_remove"), ("[", "reader.previous_article")],
)
def test_a_label_key_that_is_a_reader_key_is_one_line_naming_the_scheme_line(
    tmp_path: Path, key: str, binding: str
) -> None:
    assignment = f'key = "{key}"'
    scheme = SCHEME.replace('key = "2"', assignment)
    folder = make_corpus(tmp_path, scheme)
    with pytest.raises(SchemeError) as info:
        create_app(folder, store_dir=tmp_path / "store", config=Config(path=tmp_path / "config.toml"))
    message = str(info.value)
    assert isinstance(info.value, ClaimscopeError) and "\n" not in message
    assert f"{folder / 'claimscope.toml'}, line {line_of(scheme, assignment)}:" in message
    assert f"label 'quantity' key {key!r} is already {binding}" in message
    assert f"remap {binding} in {tmp_path / 'config.toml'}" in message
    assert not (tmp_path / "store" / "lock").exists()  # refused before the store was locked


async def test_remapping_the_reader_binding_frees_its_key_for_a_label(tmp_path: Path, analyzer) -> None:
    scheme = SCHEME.replace('key = "2"', 'key = "j"')
    config = Config(keys={"reader.next_sentence": "down,ctrl+n"}, advance="stay")
    app = make_app(make_corpus(tmp_path, scheme), tmp_path / "store", analyzer, config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("j")                 # quantity, on the freed key
        await pilot.press("ctrl+n", "1")       # moved by the remapped key, then cause
        await pilot.press("down", "j")
        labels = {i: record.label for i, record in reader.doc.labels.items()}
        assert labels == {0: "quantity", 1: "cause", 2: "quantity"}
    app.store.close()


async def test_an_old_label_remap_in_the_config_says_where_label_keys_are(tmp_path: Path, analyzer) -> None:
    notes: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    config = Config(keys={"reader.label_1": "q"}, path=tmp_path / "config.toml")
    app = make_app(make_corpus(tmp_path, scheme=None), tmp_path / "store", analyzer, config=config)
    async with app.run_test(size=(140, 36), message_hook=hook) as pilot:
        await pilot.pause()
    warning = next(note for note in notes if "unknown binding ids" in note)
    assert "[keys] has unknown binding ids: reader.label_1" in warning
    assert "each label's `key` in the label scheme" in warning
    app.store.close()


def test_a_remap_onto_a_label_key_is_refused_naming_both(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, scheme=None)
    config = Config(keys={"reader.claim": "1"}, path=tmp_path / "config.toml")
    with pytest.raises(SchemeError) as info:
        create_app(folder, store_dir=tmp_path / "store", config=config)
    message = str(info.value)
    assert "built-in scheme, line" in message
    assert "label 'quantity' key '1' is already reader.claim" in message


def test_two_labels_with_one_key_name_both_lines() -> None:
    text = SCHEME.replace('key = "1"', 'key = "2"')
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, source="claimscope.toml")
    first = text.splitlines().index('key = "2"') + 1
    second = first + 1 + text.splitlines()[first:].index('key = "2"')
    message = str(info.value)
    assert message.startswith(f"label scheme claimscope.toml, line {second}:")
    assert f"label 'quantity' (line {first})" in message


async def test_a_label_on_key_a_keeps_it_and_the_sources_layer_gives_way(tmp_path: Path, analyzer) -> None:
    # "a" switches sources and cues on and off; a scheme written before that key came
    # keeps "a" for its label, and the layer stays in the palette.
    folder = make_corpus(tmp_path, SCHEME.replace('key = "2"', 'key = "a"'))
    app = make_app(folder, tmp_path / "store", analyzer)
    assert "reader.toggle_attribution" not in {binding.id for binding in app.reader_keys}
    async with app.run_test(size=(140, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("a")
        assert reader.doc.labels[reader.view.cursor].label == "quantity"
        assert app.layers["attribution"] is True
    app.store.close()
    (tmp_path / "other").mkdir()
    plain = make_app(make_corpus(tmp_path / "other"), tmp_path / "store2", analyzer)
    assert "reader.toggle_attribution" in {binding.id for binding in plain.reader_keys}
    plain.store.close()
