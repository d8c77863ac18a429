"""Paragraphs, sentences and spans: offsets exact, absolute, inside the body."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.analysis import Analyzer
from corpus.pieces import chunk_ranges, split_paragraphs
from corpus.headers import header_lines
from corpus.model import Analysis, Article


def make(text: str, body_start: int = 0, body_end: int = -1, name: str = "t") -> Article:
    return Article(id=name, path=name, text=text, title="", body_start=body_start, body_end=body_end)


def check_offsets(article: Article, analysis: Analysis) -> None:
    """Sentences sit in the body, paragraphs and spans in the body or the header lines
    above it (which get the layers too), all trimmed, sentences and spans inside paragraphs."""
    text = article.text
    lo, hi = article.body
    header = header_lines(text, lo)
    top = header[0][0] if header else lo
    for group in (analysis.paragraphs, analysis.sentences, analysis.spans):
        for item in group:
            assert (lo if group is analysis.sentences else top) <= item.start < item.end <= hi
            piece = text[item.start : item.end]
            assert piece == piece.strip(), repr(piece)
        for before, after in zip(group, group[1:]):
            assert before.end <= after.start
    for item in (*analysis.sentences, *analysis.spans):
        assert any(p.start <= item.start and item.end <= p.end for p in analysis.paragraphs), item


def texts(analysis_part, text):
    return [text[s.start : s.end] for s in analysis_part]


def test_one_paragraph_per_line():
    text = "First line ends here.\nSecond line, no stop\nThird line.\n"
    assert texts(split_paragraphs(text), text) == ["First line ends here.", "Second line, no stop", "Third line."]


def test_blank_lines_and_bullets():
    text = "Intro paragraph.\n\n  • One bullet.\n  • Another bullet.\n\nLast one."
    assert texts(split_paragraphs(text), text) == [
        "Intro paragraph.",
        "• One bullet.",
        "• Another bullet.",
        "Last one.",
    ]


def test_hard_wrapped_blocks_are_one_paragraph():
    text = (
        "The council said on Monday that the\nnew bridge would open in the spring,\n"
        "later than planned.\n\nResidents had waited for\nyears for the crossing.\n"
    )
    assert texts(split_paragraphs(text), text) == [
        "The council said on Monday that the\nnew bridge would open in the spring,\nlater than planned.",
        "Residents had waited for\nyears for the crossing.",
    ]


def test_crlf_and_body_range():
    text = "HEADER\r\n\r\nFirst para.\r\nSecond para.\r\n\r\nFOOTER"
    start = text.index("First")
    end = text.index("FOOTER")
    assert texts(split_paragraphs(text, start, end), text) == ["First para.", "Second para."]


def test_sentences_never_cross_paragraphs(analyzer):
    # The heading has no full stop, so the parser alone would run it into the next line.
    text = "Return to normalcy\nA month on, the minister announced the end of the drive. It worked."
    article = make(text)
    analysis = analyzer.analyze(article)
    check_offsets(article, analysis)
    assert texts(analysis.sentences, text) == [
        "Return to normalcy",
        "A month on, the minister announced the end of the drive.",
        "It worked.",
    ]


def test_bullet_marker_is_not_part_of_the_sentence(analyzer):
    text = "Lead paragraph here.\n\n  • Dagestan has suffered heavy losses, officials say."
    analysis = analyzer.analyze(make(text))
    assert texts(analysis.sentences, text)[-1] == "Dagestan has suffered heavy losses, officials say."
    assert texts(analysis.paragraphs, text)[-1].startswith("•")


def test_offsets_are_absolute_with_a_header(analyzer):
    header = "Sep 29, 2022 - World\n\nA headline with 5 words\n\n"
    body = "Officials said 14 people died in Moscow on Monday. About 40 per cent were children."
    footer = "\n\nGo deeper 99"
    text = header + body + footer
    article = make(text, body_start=len(header), body_end=len(header) + len(body))
    analysis = analyzer.analyze(article)
    check_offsets(article, analysis)
    found = {text[s.start : s.end]: s.label for s in analysis.spans}
    assert found["14"] == "CARDINAL"
    assert found["About 40 per cent"] == "PERCENT"
    assert "99" not in found  # trailing cruft is not text of the article
    # the header lines get the layers too, as paragraphs without sentences
    assert found["Sep 29, 2022"] == "DATE" and found["5"] == "CARDINAL"
    assert texts(analysis.paragraphs, text)[:2] == ["Sep 29, 2022 - World", "A headline with 5 words"]
    assert texts(analysis.sentences, text)[0].startswith("Officials said")


def test_empty_and_blank_bodies(analyzer):
    for text in ("", "   \n\n  \r\n"):
        analysis = analyzer.analyze(make(text))
        assert analysis.paragraphs == analysis.sentences == analysis.spans == ()


def test_real_articles_have_clean_offsets(analyzer, shared_corpus):
    from corpus.articles import load_corpus

    corpus = load_corpus(shared_corpus)
    assert corpus.articles
    for article in corpus.articles:
        analysis = analyzer.analyze(article)
        check_offsets(article, analysis)
        # one paragraph per non-blank body line in both real articles
        lo, hi = article.body
        lines = [line for line in article.text[lo:hi].splitlines() if line.strip()]
        assert len(analysis.paragraphs) == len(lines) + len(header_lines(article.text, lo))
        assert len(analysis.sentences) >= len(lines)


PIECES = [
    "Officials said",
    " 14 ",
    "people died",
    " in Moscow.",
    " Maria Lopez, 34, said",
    " 40 per cent",
    " 😀👩‍👩‍👧",
    "\r\n",
    "\n\n",
    "\n",
    "  • ",
    " الرئيس قال",
    " שלום עולם",
    " e\u0301te\u0301 cafe\u0301",
    " Рutin (Cyrillic Р)",
    " $250 million",
    "\u00a0",
    "\t",
    " 2 – 1",
    ".",
    "?",
    "”",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.lists(st.sampled_from(PIECES), min_size=0, max_size=25).map("".join),
    header=st.sampled_from(["", "Title line\n\n", "\ufeffHead\r\n"]),
    footer=st.sampled_from(["", "\n\nfooter 12", "   "]),
)
def test_offsets_hold_for_any_text(analyzer, body, header, footer):
    text = header + body + footer
    article = make(text, body_start=len(header), body_end=len(header) + len(body))
    check_offsets(article, analyzer.analyze(article))


def test_chunks_cover_long_paragraphs_and_lines_without_spaces():
    text = ("word " * 5000) + "\n\n" + ("x" * 25_000) + "\n" + "short end."
    paragraphs = split_paragraphs(text)
    chunks = chunk_ranges(text, paragraphs, 10_000)
    assert all(0 < end - start <= 10_000 for start, end in chunks)
    assert all(a[1] <= b[0] for a, b in zip(chunks, chunks[1:]))
    # every non-space character is in some chunk
    covered = "".join("".join(text[s:e].split()) for s, e in chunks)
    assert covered == "".join(text.split())


def test_long_text_is_chunked_and_stitched(tmp_path):
    analyzer = Analyzer(cache_dir=tmp_path, chunk_chars=2_000)
    paragraph = "Officials in Lisbon said 14 people had died and about 40 per cent were children. "
    unpunctuated = " ".join(["the crowd waited near the river"] * 200)  # ~6,400 chars, one line
    text = "\n\n".join([paragraph * 6] * 5) + "\n\n" + unpunctuated
    article = make(text)
    analysis = analyzer.analyze(article)
    check_offsets(article, analysis)
    assert len(analysis.paragraphs) == 6
    counted = [text[s.start : s.end] for s in analysis.spans if s.label == "GPE"]
    assert counted.count("Lisbon") == 30  # every chunk's entities, at the right offsets
    last = analysis.paragraphs[-1]
    assert [s for s in analysis.sentences if s.start >= last.start]  # the huge line has sentences


def test_analyze_many_matches_analyze_and_reports_progress(tmp_path, nlp):
    analyzer = Analyzer(cache_dir=tmp_path)
    articles = [make(f"Article {n}. Officials said {n + 3} people left Paris.", name=f"a{n}") for n in range(5)]
    seen: list[tuple[str, bool]] = []
    results = dict(
        (a.id, analysis)
        for a, analysis in analyzer.analyze_many(articles, batch_size=2, progress=lambda a, c: seen.append((a.id, c)))
    )
    assert sorted(results) == [a.id for a in articles]
    assert sorted(seen) == [(a.id, False) for a in articles]
    assert analyzer.stats.analysed == 5 and analyzer.stats.cached == 0 and analyzer.stats.tokens > 0
    for article in articles:
        assert analyzer.analyze(article) == results[article.id]
    list(analyzer.analyze_many(articles))
    assert analyzer.stats.cached == 5 and analyzer.stats.analysed == 0


def test_analyze_many_with_two_processes(tmp_path, nlp):
    articles = [make(f"In Rome, {n + 2} people left. Nearly half stayed.", name=f"p{n}") for n in range(4)]
    one = {a.id: x for a, x in Analyzer(cache_dir=tmp_path / "one").analyze_many(articles)}
    two = {a.id: x for a, x in Analyzer(cache_dir=tmp_path / "two").analyze_many(articles, n_process=2)}
    assert one == two


def test_first_line_indents_start_paragraphs_in_wrapped_text():
    text = (
        "    The council said on Monday that the\nnew bridge would open in the spring,\n"
        "later than planned.\n    Residents had waited for\nyears for the crossing and\nwere angry.\n"
    )
    assert len(split_paragraphs(text)) == 2


def test_a_missing_model_is_only_an_error_once_spacy_is_needed(tmp_path):
    from corpus.errors import ModelNotFoundError

    analyzer = Analyzer(model="no_such_model", cache_dir=tmp_path)  # no error yet
    assert list(analyzer.analyze_many([])) == []
    article = Article(id="a.txt", path="a.txt", text="Officials in Leeds said 14 people left.", title="")
    with pytest.raises(ModelNotFoundError, match="'no_such_model' is not installed"):
        list(analyzer.analyze_many([article]))
    assert not any(tmp_path.rglob("*.json"))  # nothing was cached for the absent model


def test_the_heap_alive_before_spacy_is_frozen_while_it_runs_and_thawed_after(tmp_path, nlp):
    import gc

    analyzer = Analyzer(cache_dir=tmp_path, chunk_chars=2_000)
    text = "\n\n".join(["Officials in Lisbon said 14 people had died on Tuesday. " * 20] * 4)
    frozen_while_parsing: list[int] = []
    gc.unfreeze()  # as in a process where nothing froze objects before (an app test may have)
    analysis = analyzer.analyze(make(text), progress=lambda done, total: frozen_while_parsing.append(gc.get_freeze_count()))
    assert len(frozen_while_parsing) > 1 and min(frozen_while_parsing) > 0  # each piece parsed with the old heap frozen
    assert gc.get_freeze_count() == 0  # and handed back to the collector afterwards
    fresh = Analyzer(cache_dir=tmp_path / "again", chunk_chars=2_000).analyze(make(text))
    assert fresh == analysis  # the same analysis either way
