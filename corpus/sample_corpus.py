"""Where the bundled fictional sample corpus is, and the metadata its articles get.

The sample (``corpus/sample/``, package data) is fiction: every article read from it
gets ``source`` and ``fictional: "true"`` metadata by default.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path


def sample_corpus_path() -> Path:
    """The folder of the bundled fictional sample corpus."""
    return Path(__file__).resolve().parent / "sample"


#: Every article of the bundled sample is fiction, and says so in its metadata.
SAMPLE_META: Mapping[str, str] = {"source": "claimscope sample (fictional)", "fictional": "true"}


@functools.lru_cache(maxsize=64)
def is_sample(root: Path) -> bool:
    """True when ``root`` is (inside) the bundled sample folder (cached: asked once per file)."""
    sample = sample_corpus_path()
    try:
        resolved = root.resolve()
    except OSError:
        return False
    return resolved == sample or sample in resolved.parents
