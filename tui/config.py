"""The user's settings file and the per-corpus reading position.

Settings live in ``config.toml`` in the user config dir (``$CLAIMSCOPE_CONFIG_DIR``
overrides it)::

    theme = "textual-light"

    [keys]
    "reader.next_sentence" = "j,down,ctrl+n"
    "reader.claim" = "C"

The reading position ("last article and sentence", per corpus) is small state, not a
setting, so it lives in ``positions.json`` in the user data dir
(``$CLAIMSCOPE_DATA_DIR`` overrides it).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import ClaimscopeError

APP_NAME = "claimscope"


class ConfigError(ClaimscopeError):
    """The user config file cannot be read or holds a bad value."""


@dataclass(frozen=True)
class Config:
    """What the user set in ``config.toml`` (everything optional)."""

    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
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
    return Config(keys=remap, theme=theme, path=path)


class PositionBook:
    """Remembers, per corpus root, the last article and sentence read."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "positions.json"

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A lost or damaged position file only costs the reopen-where-you-were nicety.
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, corpus_root: Path) -> Position | None:
        """The remembered position for a corpus, if any."""
        entry = self._read().get(str(Path(corpus_root).resolve()))
        if not isinstance(entry, dict) or not isinstance(entry.get("article"), str):
            return None
        sentence = entry.get("sentence", 0)
        return Position(str(entry["article"]), sentence if isinstance(sentence, int) else 0)

    def set(self, corpus_root: Path, position: Position) -> None:
        """Store the position (atomically; failures are ignored, it is only a convenience)."""
        data = self._read()
        data[str(Path(corpus_root).resolve())] = {
            "article": position.article_id,
            "sentence": position.sentence,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_suffix(".tmp")
            temp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(temp, self.path)
        except OSError:
            pass
