"""Long articles are analysed in bounded pieces with exact offsets and progress per piece."""

from __future__ import annotations

import pytest

from corpus.analysis import Analyzer
from corpus.pieces import split_paragraphs, with_context
from corpus.articles import load_corpus, sample_corpus_path
from corpus.model import Analysis, Article


def make(text: str, name: str = "big") -> Article:
    return Article(id=name, path=name, text=text, title="")


def check_exact(article: Article, analysis: Analysis) -> None:
    """Every sentence and span is trimmed text inside a paragraph, in order, no overlaps."""
    text = article.text
    for group in (analysis.sentences, analysis.spans):
        for item in group:
            piece = text[item.start : item.end]
            assert piece and piece == piece.strip(), repr(piece)
        for before, after in zip(group, group[1:]):
            assert before.end <= after.start
    paragraphs = analysis.paragraphs
    for item in (*analysis.sentences, *analysis.spans):
        assert any(p.start <= item.start and item.end <= p.end for p in paragraphs), item


class Spy:
    """The real pipeline, noting the characters of every ``pipe`` call it is given."""

    def __init__(self, nlp) -> None:
        self.real = nlp
        self.batches: list[int] = []

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        self.batches.append(sum(len(text) for text, _ in texts))
        return self.real.pipe(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def pieced(tmp_path, name: str, chunk_chars: int, batch_chars: int = 100_000) -> Analyzer:
    return Analyzer(cache_dir=tmp_path / name, chunk_chars=chunk_chars, batch_chars=batch_chars)


@pytest.mark.parametrize("shared", [False, True], ids=["sample corpus", "shared real news"])
def test_pieces_at_paragraph_edges_give_the_whole_doc_result(tmp_path, nlp, request, shared):
    root = request.getfixturevalue("shared_corpus") if shared else sample_corpus_path()
    articles = load_corpus(root).articles
    assert articles
    whole = Analyzer(cache_dir=tmp_path / "whole")
    for n, article in enumerate(articles):
        longest = max(p.end - p.start for p in split_paragraphs(article.text, *article.body))
        # pieces of about two paragraphs: every cut falls at a paragraph edge
        analyzer = pieced(tmp_path, f"pieces-{n}", chunk_chars=longest * 2, batch_chars=longest * 3)
        counted: list[tuple[int, int]] = []
        split = analyzer.analyze(article, progress=lambda done, total: counted.append((done, total)))
        assert counted[-1][1] > 1, article.id  # really cut into pieces
        expected = whole.analyze(article)
        assert split.sentences == expected.sentences, article.id
        assert split.spans == expected.spans, article.id
        # the blank lines between pieces are counted too: one doc's token count
        assert analyzer.counts(article).tokens == whole.counts(article).tokens, article.id
        check_exact(article, split)


def test_offsets_exact_with_crlf_emoji_rtl_and_combining_marks_across_pieces(tmp_path, nlp):
    paragraphs = [
        "Officials in Lisbon said 14 people 👩‍👩‍👧 had died on 3 March 2021.",
        "Caf\u00e9 owner Jose\u0301 Mar\u0131\u0301a told reporters that 40 per cent of the boats were lost.",
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05dc\u05d9\u05db\u05dd said Maria Lopez, 34, in Tel Aviv. \u0645\u0631\u062d\u0628\u0627 \u0628\u0643\u0645.",
        "The port authority in Porto \U0001f6a2 expects about €900 million by July.",
    ]
    # CRLF line endings, blank lines between paragraphs, and one long paragraph of
    # CRLF-wrapped lines that has to be cut inside
    wrapped = "\r\n".join(
        f"the council in Valencia met {n} times and said the work would cost £{n}.5bn \u0301e\u0301" for n in range(40)
    )
    text = "\r\n\r\n".join(paragraphs * 6 + [wrapped] + paragraphs) + "\r\n"
    wrapped_at = text.index(wrapped) + len(wrapped) // 2
    article = make(text)
    analyzer = pieced(tmp_path, "pieces", chunk_chars=400, batch_chars=900)
    counted: list[tuple[int, int]] = []
    analysis = analyzer.analyze(article, progress=lambda done, total: counted.append((done, total)))
    assert counted[-1][1] >= 10
    check_exact(article, analysis)
    found = [text[s.start : s.end] for s in analysis.spans]
    assert found.count("Lisbon") == 7 and found.count("Porto") == 7
    assert "€900 million" in found or "about €900 million" in found
    assert any(s.start < wrapped_at < s.end for s in analysis.paragraphs)  # the wrapped lines: one paragraph
    # paragraphs cut at their blank lines give what one doc gives
    short = make("\r\n\r\n".join(paragraphs * 3) + "\r\n", name="short")
    whole = Analyzer(cache_dir=tmp_path / "whole").analyze(short)
    assert pieced(tmp_path, "short", chunk_chars=200).analyze(short) == whole


def test_progress_per_piece_counts_up_for_each_article(tmp_path, nlp):
    first = make("\n\n".join(f"In Rome, {n + 2} people left on Monday." for n in range(30)), name="first")
    second = make("\n\n".join(f"Nearly {n + 5} per cent of voters in Oslo stayed home." for n in range(20)), name="second")
    analyzer = pieced(tmp_path, "pieces", chunk_chars=200, batch_chars=500)
    seen: dict[str, list[tuple[int, int]]] = {}
    done = list(analyzer.analyze_many([first, second], pieces=lambda a, n, total: seen.setdefault(a.id, []).append((n, total))))
    assert [a.id for a, _ in done] == ["first", "second"]
    for article_id, calls in seen.items():
        total = calls[0][1]
        assert total > 1
        assert calls == [(n, total) for n in range(1, total + 1)], article_id
    # a cached article needs no pieces
    seen.clear()
    list(analyzer.analyze_many([first]))
    assert analyzer.analyze(first, progress=lambda done, total: seen.setdefault("again", [])) is not None
    assert seen == {}


def test_batches_handed_to_spacy_stay_under_the_character_budget(tmp_path, nlp):
    text = "\n\n".join(
        f"Officials in Lisbon said {n} people had died and about {n % 90} per cent were children." for n in range(150)
    )
    spy = Spy(nlp)

    class Spied(Analyzer):
        @property
        def nlp(self):
            return spy

    # pieces of up to 1,000 characters, parsed with up to 1,000 on each side
    analyzer = Spied(cache_dir=tmp_path, chunk_chars=1_000, batch_chars=8_000)
    analysis = analyzer.analyze(make(text))
    assert len(spy.batches) >= 3
    assert max(spy.batches) <= 8_000
    assert sum(spy.batches) >= len(text) - text.count("\n")
    assert len(analysis.sentences) == 150


def test_a_300_kb_article_without_blank_lines_is_cut_and_analysed(tmp_path, nlp):
    sentences = [
        "Officials in Lisbon said {n} people had died on Monday.",
        "About {n} per cent of the 2,{n:03d} households in Porto backed the plan, said Ana Ferreira.",
        "The council will spend €{n} million on flood defences by March 2026; critics disagree",
    ]
    parts = []
    size = n = 0
    while size < 300_000:
        sentence = sentences[n % 3].format(n=n % 997)
        parts.append(sentence)
        size += len(sentence) + 1
        n += 1
    text = " ".join(parts)  # one line: no blank line, no line break at all
    article = make(text)
    counted: list[tuple[int, int]] = []
    analysis = Analyzer(cache_dir=tmp_path).analyze(article, progress=lambda done, total: counted.append((done, total)))
    assert counted[-1][1] >= 3
    assert len(analysis.paragraphs) == 1
    check_exact(article, analysis)
    found = [text[s.start : s.end] for s in analysis.spans]
    assert found.count("Lisbon") >= n // 3 - 2  # every piece's entities, at their own offsets
    assert found.count("Ana Ferreira") >= n // 3 - 2


@pytest.mark.parametrize("chunk_chars", [301, 302, 303])  # a hard cut would land on the mark, the joiner, the emoji
def test_a_long_run_without_spaces_is_never_cut_inside_a_character_sequence(tmp_path, nlp, chunk_chars):
    run = "e\u0301\u200d\U0001f469" * 400  # 1,600 characters, no whitespace at all
    text = f"Officials in Lisbon said 14 people had died.\n\n{run}\n\nMaria Lopez, 34, left Porto on Monday."
    article = make(text)
    analysis = pieced(tmp_path, "pieces", chunk_chars=chunk_chars).analyze(article)
    check_exact(article, analysis)
    for s in analysis.sentences:
        first = text[s.start]
        assert first not in "\u0301\u200d\U0001f469", s  # not torn off its base or joiner
    found = [text[s.start : s.end] for s in analysis.spans]
    assert "Lisbon" in found and "Porto" in found


def test_a_piece_is_parsed_with_the_text_after_its_blank_lines_too():
    # the next paragraph is longer than the context: the context runs into it, to a
    # space, rather than stopping at the line break right after the piece
    text = "Officials in Lisbon said so.\n\n" + "the council in Porto met again " * 20
    first, second = (0, 28), (30, len(text) - 1)
    (lo, hi, start, end), _ = with_context(text, [first, second], 100)
    assert (lo, start, end) == (0, 0, 28)
    assert 30 + 60 < hi <= 30 + 100 and text[hi] == " "
