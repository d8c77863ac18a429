"""Shared fixtures: one real spaCy pipeline per session, and private cache/data/config dirs."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Tests (and the subprocesses they start) never touch the user's real folders.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="claimscope-tests-"))
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)
os.environ["CLAIMSCOPE_CACHE_DIR"] = str(_SESSION_DIR / "cache")
os.environ["CLAIMSCOPE_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ["CLAIMSCOPE_CONFIG_DIR"] = str(_SESSION_DIR / "config")
os.environ.setdefault("CLAIMSCOPE_ANNOTATOR", "tester")

#: ../shared/corpus beside the repository: two real news articles, present in CI.
SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy pipeline, loaded once for the whole test session."""
    from corpus.models import load_nlp, resolve_model

    return load_nlp(resolve_model())


@pytest.fixture(scope="session")
def analyzer(nlp):
    """An Analyzer sharing the session's pipeline and the session cache dir."""
    from corpus.analysis import Analyzer

    return Analyzer()


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The real articles in ../shared/corpus, or a skip saying why."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the real news articles in {SHARED_CORPUS} are not beside this checkout")
    return SHARED_CORPUS


@pytest.fixture
def anyio_backend() -> str:
    """The app tests run on asyncio (Textual's loop)."""
    return "asyncio"
