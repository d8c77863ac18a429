"""The on-disk analysis cache: hits, misses, corrupt files, keys, and no spaCy to read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import analysis as analysis_module
from corpus.analysis import Analyzer
from corpus.cache import JOURNAL, AnalysisCache, Counts, cache_root
from corpus.errors import ModelNotFoundError
from corpus.model import Analysis, Article, Reading, Segment, Span

TEXT = "Officials in Leeds said 14 people, about 40 per cent of them children, left on Monday."


def make(text: str = TEXT, **fields) -> Article:
    return Article(id="a.txt", path="a.txt", text=text, title="", **fields)


def test_miss_then_hit_with_counts(tmp_path, nlp):
    analyzer = Analyzer(cache_dir=tmp_path)
    article = make()
    assert analyzer.cached(article) is None
    assert analyzer.counts(article) is None
    fresh = analyzer.analyze(article)
    assert analyzer.cached(article) == fresh
    counts = analyzer.counts(article)
    assert counts is not None
    assert counts.words == len(TEXT.split())
    assert counts.sentences == len(fresh.sentences)
    assert counts.figures == sum(1 for s in fresh.spans if s.kind == "figure") >= 2
    assert counts.entities == sum(1 for s in fresh.spans if s.kind == "entity") >= 1
    assert counts.dates == sum(1 for s in fresh.spans if s.kind == "date") >= 1
    assert counts.tokens > counts.words - 1
    assert fresh.model == analyzer.model_name and fresh.model_version == analyzer.model_version


def test_one_small_file_per_article_plus_the_counts_journal_and_no_temp_files_left(tmp_path, nlp):
    analyzer = Analyzer(cache_dir=tmp_path)
    analyzer.analyze(make())
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert [p.name for p in files if p.suffix != ".json"] == [JOURNAL]
    (analysis_file,) = [p for p in files if p.suffix == ".json"]
    assert analysis_file.stat().st_size < 1_000
    header = json.loads(analysis_file.read_text(encoding="utf-8").partition("\n")[0])
    assert header["len"] == len(TEXT)
    assert len(analyzer.cache.journal.read_text(encoding="ascii").splitlines()) == 1


def test_key_covers_text_body_model_version_and_analyser_version(tmp_path, nlp, monkeypatch):
    analyzer = Analyzer(cache_dir=tmp_path)
    article = make()
    analyzer.analyze(article)
    assert analyzer.cached(make(TEXT + " ")) is None  # the text changed
    assert analyzer.cached(make(body_start=5)) is None  # the body range changed
    other_version = AnalysisCache(tmp_path, analyzer.model_name, "0.0.0-other", analysis_module.ANALYSER_VERSION)
    assert other_version.load(article) is None
    monkeypatch.setattr(analysis_module, "ANALYSER_VERSION", analysis_module.ANALYSER_VERSION + 1)
    bumped = Analyzer(cache_dir=tmp_path)
    assert bumped.cache.folder != analyzer.cache.folder
    assert bumped.cached(article) is None


def corrupt_variants(valid: str) -> list[str]:
    head, _, body = valid.partition("\n")
    data = json.loads(body)
    beyond = dict(data, s=[0, len(TEXT) + 5])
    bad_label = dict(data, x=[0, 3, 99])
    odd = dict(data, p=[0])
    return [
        "",
        "not json at all",
        valid[: len(valid) // 2],
        head,
        head + "\n" + json.dumps(beyond),
        head + "\n" + json.dumps(bad_label),
        head + "\n" + json.dumps(odd),
        head + "\n" + json.dumps(dict(data, s="nope")),
        "\x00\xff garbage",
    ]


def test_corrupt_files_are_ignored_and_rewritten(tmp_path, nlp):
    analyzer = Analyzer(cache_dir=tmp_path)
    article = make()
    good = analyzer.analyze(article)
    path = analyzer.cache.path_for(article)
    valid = path.read_text(encoding="utf-8")
    for broken in corrupt_variants(valid):
        path.write_text(broken, encoding="utf-8", errors="surrogateescape")
        assert analyzer.cached(article) is None, broken[:40]
        assert analyzer.analyze(article) == good  # analysed again and rewritten
        assert analyzer.cached(article) == good
    path.write_bytes(b"\xff\xfe\x00 binary")
    assert analyzer.cached(article) is None
    # The counts journal still knows the counts: they depend only on the key.
    assert analyzer.counts(article) == Analyzer(cache_dir=tmp_path).counts(article) is not None
    analyzer.cache.journal.unlink()
    assert Analyzer(cache_dir=tmp_path).counts(article) is None  # nothing left to read them from


def test_unwritable_cache_dir_does_not_fail_analysis(tmp_path, nlp):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    analyzer = Analyzer(cache_dir=blocker)
    assert analyzer.analyze(make()).sentences
    assert analyzer.cached(make()) is None


def test_cache_root_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMSCOPE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_root() == tmp_path / "elsewhere"
    assert Analyzer().cache.root == tmp_path / "elsewhere"


def test_reading_the_cache_never_imports_spacy(tmp_path, nlp):
    Analyzer(cache_dir=tmp_path).analyze(make())
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from corpus.analysis import Analyzer\n"
        "from corpus.model import Article\n"
        f"article = Article(id='a.txt', path='a.txt', text={TEXT!r}, title='')\n"
        f"analyzer = Analyzer(cache_dir=Path({str(tmp_path)!r}))\n"
        "assert analyzer.cached(article) is not None, 'cache miss'\n"
        "assert analyzer.counts(article) is not None, 'no counts'\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
        "print('ok')\n"
    )
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_an_all_cached_corpus_never_loads_spacy(tmp_path, nlp):
    articles = [make(f"{TEXT} Number {n}.") for n in range(3)]
    list(Analyzer(cache_dir=tmp_path).analyze_many(articles))
    texts = [a.text for a in articles]
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from corpus.analysis import Analyzer\n"
        "from corpus.model import Article\n"
        f"texts = {texts!r}\n"
        "articles = [Article(id='a.txt', path='a.txt', text=t, title='') for t in texts]\n"
        f"analyzer = Analyzer(cache_dir=Path({str(tmp_path)!r}))\n"
        "assert len(list(analyzer.analyze_many(articles))) == 3\n"
        "assert analyzer.stats.cached == 3 and analyzer.stats.analysed == 0\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_cache_folder_names_are_safe_for_odd_model_names(tmp_path):
    cache = AnalysisCache(tmp_path, "../models/my model", "1.0/beta", 3)
    assert cache.folder.parent == tmp_path / "analyses"
    assert "/" not in cache.folder.name and " " not in cache.folder.name
    assert isinstance(cache.path_for(make()), Path)


# --- the counts journal ------------------------------------------------------------------


def synthetic(cache: AnalysisCache, article: Article, entities: int) -> Analysis:
    """Store an analysis with ``entities`` entity spans (no spaCy needed to write one)."""
    spans = tuple(Span(n, n + 1, "ORG", "entity") for n in range(entities))
    analysis = Analysis(paragraphs=(Segment(0, len(article.text)),), sentences=(), spans=spans)
    cache.save(article, analysis, tokens=7)
    return analysis


def test_counts_come_from_the_journal_without_opening_analysis_files(tmp_path):
    writer = AnalysisCache(tmp_path, "model", "1.0", 1)
    articles = [make(f"{TEXT} {n}") for n in range(5)]
    for n, article in enumerate(articles):
        synthetic(writer, article, entities=n)
    for article in articles:  # the analysis files go; the journal alone answers
        writer.path_for(article).unlink()
    reader = AnalysisCache(tmp_path, "model", "1.0", 1)
    assert [reader.counts(a).entities for a in articles] == [0, 1, 2, 3, 4]
    assert reader.counts(articles[0]) == Counts(tokens=7, words=len(articles[0].text.split()))
    assert reader.load(articles[0]) is None


def test_counts_read_from_a_file_are_added_to_the_journal(tmp_path):
    cache = AnalysisCache(tmp_path, "model", "1.0", 1)
    article = make()
    synthetic(cache, article, entities=2)
    cache.journal.unlink()  # as a cache written before the journal existed
    assert AnalysisCache(tmp_path, "model", "1.0", 1).counts(article).entities == 2
    assert cache.journal.read_text(encoding="ascii").split()[0] == cache.key_for(article)
    cache.path_for(article).unlink()
    assert AnalysisCache(tmp_path, "model", "1.0", 1).counts(article).entities == 2


def test_a_reader_sees_what_another_process_appended_later(tmp_path):
    reader = AnalysisCache(tmp_path, "model", "1.0", 1)
    first, second = make("First text."), make("Second text.")
    synthetic(AnalysisCache(tmp_path, "model", "1.0", 1), first, entities=1)
    assert reader.counts(first).entities == 1
    assert reader.counts(second) is None
    synthetic(AnalysisCache(tmp_path, "model", "1.0", 1), second, entities=3)
    reader_file = reader.path_for(second)
    reader_file.unlink()  # so the answer can only come from the journal's new tail
    assert reader.counts(second).entities == 3


def test_torn_and_foreign_journal_lines_are_skipped_and_the_last_line_wins(tmp_path):
    cache = AnalysisCache(tmp_path, "model", "1.0", 1)
    article = make()
    synthetic(cache, article, entities=1)
    synthetic(cache, article, entities=4)  # analysed again: a second line for the key
    cache.path_for(article).unlink()
    key = cache.key_for(article)
    with cache.journal.open("a", encoding="ascii") as journal:
        journal.write("garbage line\n")
        journal.write(f"{key} 1 2 x 4 5 6\n")
        journal.write(f"{key} 1 2 3")  # torn: no newline yet
    assert AnalysisCache(tmp_path, "model", "1.0", 1).counts(article).entities == 4


def test_a_cleared_journal_is_read_afresh(tmp_path):
    reader = AnalysisCache(tmp_path, "model", "1.0", 1)
    article, other = make("One."), make("Two.")
    synthetic(AnalysisCache(tmp_path, "model", "1.0", 1), article, entities=1)
    assert reader.counts(article).entities == 1
    cache_folder = reader.folder
    for path in cache_folder.iterdir():
        path.unlink()
    synthetic(AnalysisCache(tmp_path, "model", "1.0", 1), other, entities=2)
    assert reader.counts(other).entities == 2


# --- a missing model -------------------------------------------------------------------


def test_a_missing_model_finds_nothing_cached_and_raises_only_when_analysing(tmp_path, nlp):
    Analyzer(cache_dir=tmp_path).analyze(make())  # something is cached, for another model
    missing = Analyzer(model="no_such_model", cache_dir=tmp_path)  # does not raise
    assert missing.model_name == "no_such_model" and missing.model_version == ""
    error = missing.model_error
    assert isinstance(error, ModelNotFoundError)
    assert "\n" not in str(error) and "pip install" in str(error)
    assert missing.cached(make()) is None
    assert missing.counts(make()) is None
    with pytest.raises(ModelNotFoundError, match="no_such_model"):
        missing.analyze(make())
    with pytest.raises(ModelNotFoundError, match="no_such_model"):
        missing.nlp
    assert Analyzer(cache_dir=tmp_path).model_error is None


def test_word_count_by_slices_is_the_count_of_split() -> None:
    """A big article's words are counted a slice at a time (memory); the count must be
    exactly ``len(text.split())`` whatever the whitespace and wherever the slices fall."""
    import random

    from corpus.cache import word_count

    rng = random.Random(5)
    pieces = ["a", "bc", " ", "  ", "\n", "\t", "\u2028", "\xa0", "\x1c", "é", "x y", "\r\n"]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 200)))
        start = rng.randrange(0, len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        for step in (1, 2, 5, 40, 1 << 20):
            assert word_count(text, start, end, step) == len(text[start:end].split())


def test_saves_after_the_cache_folder_was_removed_make_it_again(tmp_path):
    """The folder is made once per cache object, not per save; a cache cleared while an
    analyser runs (the folder deleted) is made again by the next save, journal too."""
    import shutil

    cache = AnalysisCache(tmp_path, "model", "1.0", 1)
    first, second = make("One sentence here."), make("Another sentence there.")
    analysis = Analysis((Segment(0, 18),), (Segment(0, 18),), ())
    cache.save(first, analysis, 3)
    assert cache.load(first).sentences == analysis.sentences
    shutil.rmtree(cache.folder)
    cache.save(second, Analysis((Segment(0, 23),), (Segment(0, 23),), ()), 3)
    assert cache.path_for(second).is_file() and not cache.path_for(first).exists()
    assert AnalysisCache(tmp_path, "model", "1.0", 1).counts(second) == Counts(tokens=3, words=3, sentences=1)
    assert sorted(p.name for p in cache.folder.iterdir()) == sorted([cache.path_for(second).name, JOURNAL])


def test_columns_read_back_give_the_sentences_spans_and_readings_an_export_reads(tmp_path):
    text = "Prices rose 5% to $20 in 2020. Costs fell. Photo: A. Person"
    article = make(text)
    five, twenty = Reading(5, "percent", "up"), Reading(20, "USD")
    # saved out of order, two spans at one start, two spans with one (start, end, label)
    spans = (
        Span(18, 21, "MONEY", "figure", twenty),
        Span(12, 14, "PERCENT", "figure", five),
        Span(12, 21, "MONEY", "figure"),
        Span(12, 14, "CARDINAL", "figure"),
        Span(25, 29, "DATE", "date"),
        Span(18, 21, "MONEY", "figure", Reading(21, "USD")),
    )
    sentences = (Segment(0, 30), Segment(31, 42), Segment(43, len(text), True))
    cache = AnalysisCache(tmp_path, "model", "1.0", 1)
    cache.save(article, Analysis((Segment(0, len(text)),), sentences, spans), tokens=12)
    columns = cache.load_columns(article)
    assert columns.sentences == sentences
    assert [s.non_sentence for s in columns.sentences] == [False, False, True]
    keyed, readings = columns.sorted_spans()
    rows = columns.span_rows()
    assert keyed == sorted((s, -e, label) for s, e, label, _ in rows)
    assert keyed[:3] == [(12, -21, "MONEY"), (12, -14, "CARDINAL"), (12, -14, "PERCENT")]
    assert readings == {(s, e, label): r for s, e, label, r in rows if r is not None}
    assert readings == {(12, 14, "PERCENT"): five, (18, 21, "MONEY"): Reading(21, "USD")}
    # an analysis without headings or captions
    plain = make("One. Two.")
    cache.save(plain, Analysis((Segment(0, 9),), (Segment(0, 4), Segment(5, 9)), ()), tokens=4)
    read = cache.load_columns(plain)
    assert read.sentences == (Segment(0, 4), Segment(5, 9)) and not any(s.non_sentence for s in read.sentences)
    assert read.sorted_spans() == ([], {})


def test_a_cached_span_whose_label_index_is_not_an_int_makes_the_file_unusable(tmp_path):
    article = make()
    cache = AnalysisCache(tmp_path, "model", "1.0", 1)
    cache.save(article, Analysis((Segment(0, 4),), (Segment(0, 4),), (Span(0, 2, "ORG", "entity"),)), tokens=1)
    path = cache.path_for(article)
    head, body = path.read_text(encoding="utf-8").split("\n")
    assert cache.load_columns(article) is not None
    for bad in (0.0, True):
        data = json.loads(body)
        data["x"][2] = bad
        path.write_text(head + "\n" + json.dumps(data), encoding="utf-8")
        assert cache.load_columns(article) is None


def test_a_new_cache_file_is_linked_in_whole_and_an_existing_one_replaced(tmp_path):
    from corpus import files

    folder = tmp_path / "analyses"
    folder.mkdir()
    target = folder / "key.json"
    files.write_new_file(target, b'{"a":1}\n{}')
    assert target.read_bytes() == b'{"a":1}\n{}'
    if sys.platform.startswith("linux") and Path("/proc/self/fd").is_dir():
        assert files._LINKABLE is True  # the unnamed-file path was taken, not the fallback
    files.write_new_file(target, b"second")  # it exists: replaced through a temp file
    assert target.read_bytes() == b"second"
    assert [p.name for p in folder.iterdir()] == ["key.json"]  # no temp file left
    files.replace_file(folder / "other.json", b"x")
    assert target.stat().st_mode == (folder / "other.json").stat().st_mode  # same permissions as before
    with pytest.raises(FileNotFoundError):
        files.write_new_file(tmp_path / "gone" / "key.json", b"x")
