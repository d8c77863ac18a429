"""The install itself: what a newcomer's stock pip gives must be enough to read every format."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = set()
    for requirement in data["project"]["dependencies"]:
        name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
        names.add(name.lower().replace("_", "-"))
    return names


def test_html_cleaner_is_a_direct_dependency_and_imports() -> None:
    # pip 23 ignores the "lxml[html_clean]" extra that trafilatura relies on; the cleaner
    # must be asked for by name, or every .html article becomes an error row.
    assert "lxml-html-clean" in _declared()
    import lxml.html.clean  # noqa: F401  (the import that trafilatura makes)

    assert importlib.metadata.version("lxml_html_clean")


def test_license_is_an_spdx_string_not_a_table() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "MIT"


def test_bundled_sample_lists_without_error_rows() -> None:
    from corpus.articles import load_corpus, sample_corpus_path

    corpus = load_corpus(sample_corpus_path(), index=False)
    assert [e.message for e in corpus.errors] == []
    assert any(a.id.endswith(".html") for a in corpus.articles)
