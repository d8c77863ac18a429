"""The user's settings file and the per-corpus reading position.

Settings live in ``config.toml`` in the user config dir (``$CLAIMSCOPE_CONFIG_DIR``
overrides it)::

    theme = "textual-light"
    advance = "next-unreviewed"   # after a label key: "next-unreviewed", "next" or "stay"
    order = "reading"             # space/advance visit unreviewed sentences: "reading" or "most-useful"

    [keys]
    "reader.next_sentence" = "j,down,ctrl+n"
    "reader.claim" = "C"

The reading positions (per corpus: the last article, and the last sentence of every
article) are small state, not settings, so they live in ``positions.json`` in the user
data dir (``$CLAIMSCOPE_DATA_DIR`` overrides it).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from annotations.storage import JSON_ERRORS
from corpus.errors import ClaimscopeError
from corpus.files import replace_file

APP_NAME = "claimscope"
#: Where the cursor goes after a label key, in the order the palette cycles them.
ADVANCE = ("next-unreviewed", "next", "stay")
#: The order unreviewed sentences are visited in ("most-useful": closest to the claim/not-claim boundary).
ORDER = ("reading", "most-useful")


class ConfigError(ClaimscopeError):
    """The user config file cannot be read or holds a bad value."""


def next_advance(current: str) -> str:
    """The `advance` setting after ``current``, as the palette cycles them."""
    return ADVANCE[(ADVANCE.index(current) + 1) % len(ADVANCE)]


@dataclass(frozen=True)
class Config:
    """What the user set in ``config.toml`` (everything optional)."""

    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    advance: str = ADVANCE[0]
    order: str = ORDER[0]
    path: Path | None = None


@dataclass(frozen=True)
class Position:
    """Where the reader was in a corpus: an article id and a sentence index."""

    article_id: str
    sentence: int = 0


def config_dir() -> Path:
    """The folder holding ``config.toml``."""
    override = os.environ.get("CLAIMSCOPE_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The folder holding the app's own small state (reading positions)."""
    override = os.environ.get("CLAIMSCOPE_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config.

    Raises ``ConfigError`` (one line naming the file and the problem) for bad TOML or
    values of the wrong type.
    """
    path = path or config_dir() / "config.toml"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file ({error.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix or delete the file") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deeply); fix or delete the file") from None

    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(f'{path}: [keys] must be a table of binding id = "key,key"')
    remap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f'{path}: [keys] {binding_id} must be a key string such as "j,down"'
            )
        remap[str(binding_id)] = value.replace(" ", "")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f'{path}: theme must be a string such as "textual-dark"')
    advance = data.get("advance", ADVANCE[0])
    if advance not in ADVANCE:
        choices = ", ".join(f'"{choice}"' for choice in ADVANCE)
        raise ConfigError(f"{path}: unknown advance {advance!r} (use one of {choices})")
    order = data.get("order", ORDER[0])
    if order not in ORDER:
        choices = ", ".join(f'"{choice}"' for choice in ORDER)
        raise ConfigError(f"{path}: unknown order {order!r} (use one of {choices})")
    return Config(keys=remap, theme=theme, advance=advance, order=order, path=path)


def _annotators(entry: Mapping[str, object]) -> dict[str, object]:
    """The per-annotator positions of a corpus entry (none in files from before them)."""
    found = entry.get("annotators")
    return dict(found) if isinstance(found, dict) else {}


class PositionBook:
    """Remembers, per corpus root and annotator, the last article read and the last sentence
    of each article.

    Each annotator has their own position (``"annotators"`` of a corpus's entry), so two
    people sharing a computer or a ``serve`` each reopen where they left. The entry's own
    ``article``/``sentence``/``articles`` are the position written before positions were
    per annotator (or with no annotator): every annotator starts from it until they have
    moved once, and it is never overwritten by an annotator's moves.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "positions.json"

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, *JSON_ERRORS):
            # A lost or damaged position file only costs the reopen-where-you-were nicety.
            return {}
        return data if isinstance(data, dict) else {}

    def _entry(self, corpus_root: Path, annotator: str | None = None) -> dict[str, object]:
        """The corpus's shared entry, or ``annotator``'s own one when they have it."""
        entry = self._read().get(str(Path(corpus_root).resolve()))
        entry = entry if isinstance(entry, dict) else {}
        if annotator is not None:
            own = _annotators(entry).get(annotator)
            if isinstance(own, dict) and isinstance(own.get("article"), str):
                return own
        return entry

    def get(self, corpus_root: Path, annotator: str | None = None) -> Position | None:
        """The remembered position for a corpus (``annotator``'s own, else the shared one)."""
        entry = self._entry(corpus_root, annotator)
        if not isinstance(entry.get("article"), str):
            return None
        sentence = entry.get("sentence", 0)
        return Position(str(entry["article"]), sentence if isinstance(sentence, int) else 0)

    def sentences(self, corpus_root: Path, annotator: str | None = None) -> dict[str, int]:
        """Article id -> the sentence it was left at, for a corpus (files from before: empty)."""
        articles = self._entry(corpus_root, annotator).get("articles")
        if not isinstance(articles, dict):
            return {}
        return {str(key): value for key, value in articles.items() if isinstance(value, int) and value >= 0}

    def set(
        self,
        corpus_root: Path,
        position: Position,
        sentences: Mapping[str, int] | None = None,
        annotator: str | None = None,
    ) -> None:
        """Store the position and, if given, every article's sentence, as ``annotator``'s
        own (atomically; failures are ignored, it is only a convenience)."""
        data = self._read()
        key = str(Path(corpus_root).resolve())
        entry = data.get(key)
        entry = dict(entry) if isinstance(entry, dict) else {}
        mine = {
            "article": position.article_id,
            "sentence": position.sentence,
            "articles": dict(sentences if sentences is not None else self.sentences(corpus_root, annotator)),
        }
        if annotator is None:
            entry.update(mine)
        else:
            entry["annotators"] = {**_annotators(entry), annotator: mine}
        data[key] = entry
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, json.dumps(data, indent=1).encode("utf-8"))
        except OSError:
            pass
