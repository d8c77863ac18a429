"""The label scheme: which labels exist, their keys, colours and guidelines.

The built-in scheme (``default_scheme.toml`` beside this module) is the Full Fact
claim typology plus ``none``. A project can replace it with ``claimscope.toml`` in
the corpus folder or ``--labels FILE``. File layout::

    default_claim = "other"          # what the `c` key applies

    [[labels]]
    name = "quantity"                # lowercase identifier
    key = "1"                        # one character, unique; the reader binds exactly this key
    color = "#4e9de0"                # #rrggbb, #rgb, or a colour name ("red")
    claim = true                     # false for the not-a-claim label
    guideline = "..."                # one paragraph shown in the help panel

Every problem is a :class:`SchemeError` naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
import pkgutil
from pathlib import Path
from typing import Any, Iterator

from annotations.errors import SchemeError, UnknownLabelError

#: The file a corpus folder may hold to replace the built-in scheme.
SCHEME_FILE_NAME = "claimscope.toml"

_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True, slots=True)
class Label:
    """One label of the scheme. ``claim`` is False for the not-a-claim label."""

    name: str
    key: str
    color: str  # always "#rrggbb"
    guideline: str
    claim: bool = True
    #: The line of ``key = ...`` in the scheme file, so the app can name it when the key
    #: clashes with one of its own bindings (None for a label made in code).
    key_line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Scheme:
    """An ordered set of labels; ``default_claim`` names the label of the `c` key."""

    labels: tuple[Label, ...]
    default_claim: str
    source: str = "built-in"

    def __iter__(self) -> Iterator[Label]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, name: object) -> bool:
        return any(label.name == name for label in self.labels)

    @property
    def names(self) -> tuple[str, ...]:
        """Label names in scheme order."""
        return tuple(label.name for label in self.labels)

    @property
    def claim_names(self) -> tuple[str, ...]:
        """Names of the claim labels (everything but the not-a-claim label(s))."""
        return tuple(label.name for label in self.labels if label.claim)

    def get(self, name: str) -> Label | None:
        """The label called ``name``, or None."""
        for label in self.labels:
            if label.name == name:
                return label
        return None

    def require(self, name: str) -> Label:
        """The label called ``name``; raises :class:`UnknownLabelError` listing the known ones."""
        label = self.get(name)
        if label is None:
            raise UnknownLabelError(
                f"unknown label {name!r} (known: {', '.join(self.names)}; scheme: {self.source})"
            )
        return label

    def by_key(self, key: str) -> Label | None:
        """The label bound to ``key``, or None."""
        for label in self.labels:
            if label.key == key:
                return label
        return None

    def is_claim(self, name: str | None) -> bool:
        """True when ``name`` is a claim label (False for None, not-a-claim, unknown)."""
        label = self.get(name) if name else None
        return bool(label and label.claim)


def default_scheme() -> Scheme:
    """The built-in Full Fact typology scheme."""
    # pkgutil rather than importlib.resources, whose readers import zipfile: this runs
    # on every start of the app, and the package's loader reads the file as well
    data = pkgutil.get_data("annotations", "default_scheme.toml")
    if data is None:  # a loader that cannot read package data
        raise SchemeError("the built-in label scheme cannot be read from this installation; give one with --labels")
    text = data.decode("utf-8")
    return parse_scheme(text, source="built-in scheme")


def load_scheme(path: Path) -> Scheme:
    """Read and validate a scheme TOML file; raises :class:`SchemeError` naming the bad line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SchemeError(f"label scheme {path}: cannot read it ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SchemeError(f"label scheme {path}: not UTF-8 text; save it as UTF-8") from None
    return parse_scheme(text, source=str(path))


def find_scheme(corpus_root: Path | None, labels_file: Path | None = None) -> Scheme:
    """The scheme to use: ``--labels FILE``, else ``claimscope.toml`` in the corpus folder, else built-in."""
    if labels_file is not None:
        return load_scheme(labels_file)
    if corpus_root is not None:
        root = Path(corpus_root)
        folder = root if root.is_dir() else root.parent
        candidate = folder / SCHEME_FILE_NAME
        if candidate.is_file():
            return load_scheme(candidate)
    return default_scheme()


def parse_scheme(text: str, *, source: str) -> Scheme:
    """Build a :class:`Scheme` from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message already ends with "(at line N, column M)".
        raise SchemeError(f"label scheme {source}: invalid TOML: {error}") from None
    except RecursionError:
        raise SchemeError(f"label scheme {source}: invalid TOML: nested too deeply") from None
    locate = _Locator(text)

    def fail(message: str, line: int | None) -> SchemeError:
        where = f", line {line}" if line else ""
        return SchemeError(f"label scheme {source}{where}: {message}")

    unknown_top = sorted(set(data) - {"labels", "default_claim"})
    if unknown_top:
        key = unknown_top[0]
        raise fail(
            f"unknown setting {key!r} (expected `default_claim` and [[labels]] tables)",
            locate.top_key(key),
        )
    entries = data.get("labels")
    if not isinstance(entries, list) or not entries:
        raise fail("no labels: add [[labels]] tables with name, key, color, guideline", None)
    labels: list[Label] = []
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise fail("each entry of `labels` must be a table", locate.entry(index))
        label = _parse_label(entry, index, fail, locate)
        if label.name in seen_names:
            raise fail(
                f"duplicate label name {label.name!r} (first given in entry {seen_names[label.name] + 1})",
                locate.field(index, "name"),
            )
        if label.key in seen_keys:
            other = labels[seen_keys[label.key]]
            where = f" (line {other.key_line})" if other.key_line else ""
            raise fail(
                f"duplicate key {label.key!r}: already used by label {other.name!r}{where}; give each label its own key",
                label.key_line,
            )
        seen_names[label.name] = index
        seen_keys[label.key] = index
        labels.append(label)
    if not any(label.claim for label in labels):
        raise fail("no claim labels: at least one label needs `claim = true`", None)
    default = data.get("default_claim")
    if default is None:
        default = "other" if "other" in seen_names else next(l.name for l in labels if l.claim)
    if not isinstance(default, str) or default not in seen_names:
        raise fail(
            f"default_claim {default!r} is not one of the labels ({', '.join(seen_names)})",
            locate.top_key("default_claim"),
        )
    if not labels[seen_names[default]].claim:
        raise fail(f"default_claim {default!r} is not a claim label", locate.top_key("default_claim"))
    return Scheme(tuple(labels), default, source)


def _parse_label(entry: dict[str, Any], index: int, fail: Any, locate: _Locator) -> Label:
    allowed = {"name", "key", "color", "colour", "guideline", "claim"}
    for setting in entry:
        if setting not in allowed:
            raise fail(
                f"unknown field {setting!r} in label entry {index + 1} (allowed: name, key, color, claim, guideline)",
                locate.field(index, setting),
            )
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise fail(
            f"label name {name!r} must be a lowercase word (letters, digits, _ or -)",
            locate.field(index, "name"),
        )
    key = entry.get("key")
    if not isinstance(key, str) or len(key) != 1 or key.isspace():
        raise fail(f"key {key!r} of label {name!r} must be one character", locate.field(index, "key"))
    color_field = "color" if "color" in entry else "colour"
    raw_color = entry.get(color_field, "#9aa5b1")
    color = _normalise_color(raw_color)
    if color is None:
        raise fail(
            f"unknown colour {raw_color!r} for label {name!r} (use #rrggbb, #rgb or a colour name such as 'red')",
            locate.field(index, color_field),
        )
    guideline = entry.get("guideline", "")
    if not isinstance(guideline, str):
        raise fail(f"guideline of label {name!r} must be text", locate.field(index, "guideline"))
    claim = entry.get("claim", name != "none")
    if not isinstance(claim, bool):
        raise fail(f"claim of label {name!r} must be true or false", locate.field(index, "claim"))
    return Label(name, key, color, " ".join(guideline.split()), claim, locate.field(index, "key"))


def _normalise_color(value: Any) -> str | None:
    """``#rrggbb`` for a hex colour or a colour name Rich knows; None when unknown."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _HEX_RE.match(value):
        if len(value) == 4:
            value = "#" + "".join(ch * 2 for ch in value[1:])
        return value.lower()
    from rich.color import Color, ColorParseError

    try:
        triplet = Color.parse(value.lower().replace(" ", "_")).get_truecolor()
    except ColorParseError:
        return None
    return triplet.hex


class _Locator:
    """Finds the line of a [[labels]] entry or one of its fields in the TOML source.

    tomllib reports syntax errors with line numbers but returns plain data, so for
    semantic errors (duplicate key, unknown colour) the line is found again here.
    """

    _HEADER = re.compile(r"^\s*\[\[\s*labels\s*\]\]")
    _TABLE = re.compile(r"^\s*\[")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if self._HEADER.match(line)]

    def entry(self, index: int) -> int | None:
        return self.headers[index] + 1 if index < len(self.headers) else None

    def field(self, index: int, field: str) -> int | None:
        if index >= len(self.headers):
            return None
        start = self.headers[index] + 1
        pattern = re.compile(rf"^\s*{re.escape(field)}\s*=")
        for i in range(start, len(self.lines)):
            if self._TABLE.match(self.lines[i]):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return self.headers[index] + 1

    def top_key(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i, line in enumerate(self.lines):
            if self._TABLE.match(line):
                break
            if pattern.match(line):
                return i + 1
        return None
