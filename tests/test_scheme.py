"""The label scheme: the built-in Full Fact typology and project TOML files with line-exact errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotations.errors import SchemeError, UnknownLabelError
from annotations.scheme import default_scheme, find_scheme, load_scheme, parse_scheme
from corpus.errors import ClaimscopeError

GOOD = """\
default_claim = "stat"

[[labels]]
name = "stat"
key = "s"
color = "#ff0000"
guideline = "A number."

[[labels]]
name = "nope"
key = "n"
color = "grey50"
claim = false
guideline = "Not a claim."
"""


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return lines[occurrence - 1]


def test_default_scheme_is_the_full_fact_typology() -> None:
    scheme = default_scheme()
    assert scheme.names == ("quantity", "cause", "prediction", "rule", "experience", "other", "none")
    assert [label.key for label in scheme] == ["1", "2", "3", "4", "5", "6", "x"]
    assert scheme.default_claim == "other"
    assert scheme.claim_names == scheme.names[:-1]
    assert not scheme.is_claim("none") and scheme.is_claim("quantity") and not scheme.is_claim(None)
    for label in scheme:
        assert re.fullmatch(r"#[0-9a-f]{6}", label.color)
        assert len(label.guideline.split()) > 15  # a real paragraph, on one line
        assert "\n" not in label.guideline
    assert scheme.by_key("x").name == "none"
    assert scheme.by_key("c") is None  # `c` is the app's "default claim" key


def test_project_file_replaces_the_scheme_and_labels_flag_wins(tmp_path: Path) -> None:
    (tmp_path / "claimscope.toml").write_text(GOOD, encoding="utf-8")
    scheme = find_scheme(tmp_path)
    assert scheme.names == ("stat", "nope")
    assert scheme.default_claim == "stat"
    assert scheme.get("nope").color == "#808080"  # a colour name becomes hex
    other = tmp_path / "other.toml"
    other.write_text(GOOD.replace('"stat"', '"figure"'), encoding="utf-8")
    assert find_scheme(tmp_path, other).names == ("figure", "nope")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_scheme(plain).names == default_scheme().names
    # one article file as the corpus: the scheme file beside it applies
    article = tmp_path / "a.txt"
    article.write_text("Text.", encoding="utf-8")
    assert find_scheme(article).names == ("stat", "nope")


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = GOOD.replace('key = "n"', 'key = "n')  # unterminated string
    path = tmp_path / "labels.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(SchemeError) as info:
        load_scheme(path)
    message = str(info.value)
    assert str(path) in message
    line = _line_of(bad, 'key = "n')
    assert f"line {line}" in message
    assert isinstance(info.value, ClaimscopeError)


@pytest.mark.parametrize(
    ("change", "needle", "occurrence", "words"),
    [
        (('key = "n"', 'key = "s"'), 'key = "s"', 2, "duplicate key 's'"),
        (('color = "grey50"', 'color = "blurple"'), "blurple", 1, "unknown colour 'blurple'"),
        (('name = "nope"', 'name = "stat"'), 'name = "stat"', 2, "duplicate label name 'stat'"),
        (('key = "n"', 'key = "no"'), 'key = "no"', 1, "one character"),
        (('claim = false', 'claim = "no"'), 'claim = "no"', 1, "true or false"),
        (('guideline = "Not a claim."', 'shortcut = "q"'), "shortcut", 1, "unknown field 'shortcut'"),
        (('default_claim = "stat"', 'default_claim = "nope"'), "default_claim", 1, "not a claim label"),
        (('default_claim = "stat"', 'default_claim = "zzz"'), "default_claim", 1, "not one of the labels"),
        (('name = "nope"', 'name = "No Pe"'), 'name = "No Pe"', 1, "lowercase"),
    ],
)
def test_semantic_errors_point_at_the_offending_line(
    change: tuple[str, str], needle: str, occurrence: int, words: str
) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, source="proj.toml")
    message = str(info.value)
    assert message.startswith(f"label scheme proj.toml, line {_line_of(text, needle, occurrence)}:")
    assert words in message


def test_a_scheme_without_labels_is_refused() -> None:
    with pytest.raises(SchemeError, match="no labels"):
        parse_scheme('default_claim = "x"\n', source="empty.toml")


def test_unknown_label_error_lists_known_labels() -> None:
    with pytest.raises(UnknownLabelError) as info:
        default_scheme().require("foo")
    assert "unknown label 'foo'" in str(info.value)
    assert "quantity, cause, prediction, rule, experience, other, none" in str(info.value)


def test_missing_scheme_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme(tmp_path / "nope.toml")
