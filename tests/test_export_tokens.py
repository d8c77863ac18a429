"""The sentences' tokens cached by the analyser: the same tokens the exports cut with
spaCy's tokenizer, and an export of cached articles that never loads spaCy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus.cache import AnalysisCache
from corpus.model import Analysis, Article, Segment
from corpus.tokens import ChunkTokenizer, analyser_chunker, flatten, sentence_tokens, tokenizer

ROOT = Path(__file__).resolve().parents[1]

# Chunks that exercise the tokenizer's prefixes, suffixes, infixes and special cases.
WORDS = [
    "a.m.", "U.S.", "don't", "Mr.", ":)", "(", ")", "\"", "'s", "£5m", "42%", "1,000", "x",
    "Zoë", "e\u0301", "👍🏽", "—", "...", "co-op", "https://example.org/a?b=c", "$", "5", "km",
]
GAPS = [" ", " ", " ", "", "  ", "\n", "\t", "\xa0"]
messy_text = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), min_size=1, max_size=10).map(
    lambda parts: "".join(w + g for w, g in parts)
)


def cached_and_read_back(tmp_path: Path, text: str, sentences: list[Segment]):
    """Cache an analysis of ``text`` with its sentences' tokens, as the analyser does,
    and read it back as an export does."""
    article = Article(id="a.txt", path="", text=text, title="a")
    analysis = Analysis((Segment(0, len(text)),), tuple(sentences), ())
    cache = AnalysisCache(tmp_path, "model", "1.0", 1)
    cache.save(article, analysis, 0, sentence_tokens(text, analysis.sentences, analyser_chunker(tokenizer())))
    columns = cache.load_columns(article)
    assert columns is not None and columns.tokens is not None
    return columns.tokens


def positions(forms: list) -> list[tuple[int, int, bool]]:
    """A sentence's tokens without their vocab hashes (cached tokens carry none)."""
    return [(s, e, ws) for s, e, _, ws in flatten(forms)]


def lines_as_sentences(texts: list[str]) -> list[Segment]:
    """The sentences of the lines ``texts`` joined by newlines: one per line."""
    sentences, at = [], 0
    for part in texts:
        sentences.append(Segment(at, at + len(part)))
        at += len(part) + 1
    return sentences


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(messy_text, min_size=1, max_size=5))
@example(texts=[":)a.m. :):)", "one  two", " lead", "trail ", "tab\there"])
def test_cached_tokens_are_the_tokenizers(tmp_path: Path, texts: list[str]) -> None:
    text = "\n".join(texts)
    sentences = lines_as_sentences(texts)
    cached = cached_and_read_back(tmp_path, text, sentences)
    expected = [positions(forms) for forms in ChunkTokenizer(tokenizer()).pipe(texts)]
    # A fresh chunker that has never seen these chunks, and no tokenizer to ask.
    knowing = ChunkTokenizer(tokenizer=object())
    known = [cached.known(seg.start, seg.end) for seg in sentences]
    assert None not in known
    assert [positions(forms) for forms in knowing.pipe(texts, known=known)] == expected
    # A sentence that is not one of the analysis's (merged with the next) has none.
    if len(sentences) > 1:
        assert cached.known(sentences[0].start, sentences[1].end) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(messy_text, min_size=1, max_size=8), cached=st.lists(st.booleans(), min_size=8, max_size=8),
       batch=st.sampled_from([1, 2, 3, 2000]))
@example(texts=["new words here", "a.m. :)", "", "one  two", "new words here"], cached=[True, False] * 4, batch=2000)
def test_a_batch_of_cached_and_uncached_sentences_keeps_its_order(
    tmp_path: Path, texts: list[str], cached: list[bool], batch: int
) -> None:
    """Sentences with cached tokens and sentences the tokenizer must see, mixed in one
    batch (one waiting for its new chunks holds back those after it): each gets its
    own tokens, in order, as the tokenizer gives them one by one."""
    text = "\n".join(texts)
    sentences = lines_as_sentences(texts)
    tokens = cached_and_read_back(tmp_path, text, sentences)
    known = [tokens.known(seg.start, seg.end) if use else None for seg, use in zip(sentences, cached)]
    reference = ChunkTokenizer(tokenizer())
    expected = [[(s, e, ws) for s, e, _, ws in reference.tokens_of(part)] for part in texts]
    got = [positions(forms) for forms in ChunkTokenizer(tokenizer()).pipe(texts, batch_size=batch, known=known)]
    assert got == expected


def test_cached_tokens_of_real_articles(shared_corpus: Path, analyzer, tmp_path: Path) -> None:
    """The analyser's cache holds, for every sentence of the real articles, the tokens
    the exports would get from the tokenizer."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus

    fresh = Analyzer(analyzer.model_name, cache_dir=tmp_path / "cache")
    corpus = load_corpus(shared_corpus)
    checked = 0
    for article, analysis in fresh.analyze_many(corpus.articles):
        columns = fresh.cache.load_columns(article)
        assert columns is not None and columns.tokens is not None
        texts = [article.text[s.start : s.end] for s in analysis.sentences]
        expected = [positions(forms) for forms in ChunkTokenizer(tokenizer()).pipe(texts)]
        known = [columns.tokens.known(s.start, s.end) for s in analysis.sentences]
        got = [positions(forms) for forms in ChunkTokenizer(tokenizer=object()).pipe(texts, known=known)]
        assert got == expected
        checked += len(texts)
    assert checked > 20


def test_a_token_export_of_cached_articles_loads_no_spacy(tmp_path: Path) -> None:
    """conll, hf-tokens, prodigy and spacy of articles cached with their tokens: the same
    files as with the tokenizer, and spaCy is not imported."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    make = r"""
import sys
from pathlib import Path
from annotations.store import Store
from corpus.cache import AnalysisCache
from corpus.model import Analysis, Article, Segment, Span
from corpus.tokens import analyser_chunker, sentence_tokens, tokenizer

root = Path(sys.argv[1])
parts = ["In 1990, the council said 12% of homes (about 1,000) were hit.", "Costs rose to £4.2m  on Monday.",
         "\"It's bad,\" Mr. Smith said.\tThen:)", "U.S. firms paid $5bn."]
text = " ".join(parts)
sentences, at = [], 0
for part in parts:
    sentences.append(Segment(at, at + len(part)))
    at += len(part) + 1
spans = (Span(3, 7, "DATE", "date"), Span(26, 29, "PERCENT", "figure"))
article = Article(id="feed/a.txt", path="", text=text, title="A")
analysis = Analysis((Segment(0, len(text)),), tuple(sentences), spans)
store = Store.open(None, annotator="ana", store_dir=root / "store")
doc = store.article(article, analysis.sentences)
with doc.batch():
    for k in range(len(parts)):
        doc.set_label(k, "quantity")
store.close()
AnalysisCache(root / "with", "m", "1", 1).save(article, analysis, 0, sentence_tokens(text, sentences, analyser_chunker(tokenizer())))
AnalysisCache(root / "without", "m", "1", 1).save(article, analysis, 0)
"""
    export = r"""
import json, sys
from pathlib import Path
from annotations.export import cached_tokens, collect_rows, write_outputs
from annotations.store import Store
from corpus.cache import AnalysisCache
from corpus.model import Article

root, fmt, kind = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = Path(root / "text").read_text(encoding="utf-8")
article = Article(id="feed/a.txt", path="", text=text, title="A")
columns = AnalysisCache(root / kind, "m", "1", 1).load_columns(article)
store = Store.open(None, annotator="ana", store_dir=root / "store", read_only=True)
rows = list(collect_rows(store, [(article, columns)]))
write_outputs(rows, fmt, root / f"{kind}.{fmt}", store.scheme, texts={article.id: text},
              tokens=cached_tokens([(article, columns)]))
print(json.dumps({"spacy": "spacy" in sys.modules}))
"""
    subprocess.run([sys.executable, "-c", make, str(tmp_path)], env=env, check=True)
    parts = ["In 1990, the council said 12% of homes (about 1,000) were hit.", "Costs rose to £4.2m  on Monday.",
             "\"It's bad,\" Mr. Smith said.\tThen:)", "U.S. firms paid $5bn."]
    (tmp_path / "text").write_text(" ".join(parts), encoding="utf-8")
    for fmt in ("conll", "hf-tokens", "prodigy", "spacy"):
        loaded = {}
        for kind in ("with", "without"):
            done = subprocess.run(
                [sys.executable, "-c", export, str(tmp_path), fmt, kind],
                env=env, check=True, capture_output=True, text=True,
            )
            loaded[kind] = json.loads(done.stdout.strip().splitlines()[-1])["spacy"]
        # Not even spacy's DocBin imports spaCy (its strings are hashed as spaCy does).
        assert loaded == {"with": False, "without": True}, fmt
        first, second = tmp_path / f"with.{fmt}", tmp_path / f"without.{fmt}"
        if first.is_dir():
            assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
            for path in first.iterdir():
                assert path.read_bytes() == (second / path.name).read_bytes(), (fmt, path.name)
        else:
            assert first.read_bytes() == second.read_bytes(), fmt


def test_sentence_tokens_the_same_when_the_chunk_cache_is_emptied_midway(monkeypatch) -> None:
    """A huge article is tokenised a slice of sentences at a time, the chunk cache emptied
    between slices when full (its memory stays bounded): the tokens do not change."""
    import corpus.tokens as tokens_module

    words = ["a.m.", "U.S.", "don't", "(5%)", "£4m,", "co-op", "x", "Mr.", "1,000", "e.g."]
    parts = [" ".join(words[(k + j) % len(words)] for j in range(k % 7 + 1)) for k in range(60)]
    text = " ".join(parts)
    sentences, at = [], 0
    for part in parts:
        sentences.append(Segment(at, at + len(part)))
        at += len(part) + 1
    whole = sentence_tokens(text, sentences, analyser_chunker(tokenizer())).to_json()
    monkeypatch.setattr(tokens_module, "_SENTENCES_AT_ONCE", 4)
    monkeypatch.setattr(tokens_module, "_ANALYSER_CHUNKS", 3)
    chunker = analyser_chunker(tokenizer())
    assert sentence_tokens(text, sentences, chunker).to_json() == whole
    assert len(chunker) < 3 + 4 * 7  # emptied along the way


def test_the_analyser_tokenises_with_the_pipelines_own_tokenizer_only_when_it_splits_as_blank_english(nlp) -> None:
    """The loaded English pipeline's tokenizer is blank English's (no second load); one
    with another special case, or another suffix pattern, is not, and blank English's
    tokenizer is used instead, so the cached tokens stay the exports' tokens."""
    import re

    from spacy.attrs import ORTH

    from corpus.tokens import pipeline_tokenizer, splits_as_blank_english

    assert splits_as_blank_english(nlp.tokenizer)
    assert pipeline_tokenizer(nlp) is nlp.tokenizer
    assert splits_as_blank_english(tokenizer())

    other = nlp.tokenizer.__class__(nlp.vocab)
    other.from_bytes(nlp.tokenizer.to_bytes(exclude=["vocab"]), exclude=["vocab"])
    assert splits_as_blank_english(other)
    other.add_special_case("claimscope", [{ORTH: "claim"}, {ORTH: "scope"}])
    assert not splits_as_blank_english(other)

    import spacy

    blank = spacy.blank("en")
    assert pipeline_tokenizer(blank) is blank.tokenizer
    blank.tokenizer.add_special_case("claimscope", [{ORTH: "claim"}, {ORTH: "scope"}])
    assert pipeline_tokenizer(blank) is tokenizer()
    suffixed = nlp.tokenizer.__class__(nlp.vocab)
    suffixed.from_bytes(nlp.tokenizer.to_bytes(exclude=["vocab"]), exclude=["vocab"])
    suffixed.suffix_search = re.compile(r"km$").search
    assert not splits_as_blank_english(suffixed)
    assert not splits_as_blank_english(object())


def test_docbin_strings_are_spacys() -> None:
    """The DocBin writer's string numbers (no spaCy import) are StringStore's: hashes,
    reserved symbols (a token "number" or "root" is one), and read back alike."""
    from spacy import attrs
    from spacy.strings import StringStore
    from spacy.symbols import NAMES

    from annotations.formats.spacy_strings import ENT_IOB, ENT_TYPE, ORTH, SYMBOLS, Strings

    assert list(SYMBOLS) == list(NAMES)
    assert (ORTH, ENT_IOB, ENT_TYPE) == (attrs.ORTH, attrs.ENT_IOB, attrs.ENT_TYPE)
    theirs, ours = StringStore(), Strings()
    words = ["", "number", "root", "ORTH", "DATE", "_", "a", "1234567", "12345678", "123456789",
             "£4.2m", "Zoë", "e\u0301", "👍🏽", "日本語のテキスト", "co-op", *WORDS, *(w * 9 for w in WORDS)]
    for word in words:
        number = ours.add(word)
        assert number == theirs.add(word), word
        assert ours[number] == theirs[number] == word


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 6)), max_size=12))
def test_docbin_filter_spans_is_spacys(spans: list[tuple[int, int]]) -> None:
    """The DocBin writer's own filter_spans keeps the spans spaCy's keeps, in its order."""
    from spacy.util import filter_spans as spacys

    from annotations.formats.spacy_docbin import _TokenSpan, filter_spans

    made = [_TokenSpan(start, start + width, n) for n, (start, width) in enumerate(spans)]
    assert filter_spans(made) == spacys(made)
