"""Who claims it: attributions found on the real pipeline, their offsets, cache and JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from corpus.analysis import Analyzer
from corpus.model import Analysis, Article, Attribution


def make(text: str, name: str = "t") -> Article:
    return Article(id=name, path=name, text=text, title="")


def found(text: str, analyzer: Analyzer) -> list[tuple[str | None, str, str | None]]:
    """(source text, cue text, claimant) of every attribution of ``text``."""
    article = make(text)
    analysis = analyzer.analyze(article)
    return [
        (None if a.source is None else text[a.source[0] : a.source[1]], text[a.cue[0] : a.cue[1]], a.claimant)
        for a in analysis.attributions
    ]


def content_of(text: str, attribution: Attribution) -> str:
    return " ".join(text[s:e] for s, e in attribution.content)


def test_reporting_verb_and_its_subject(analyzer):
    text = "The harbour board said on Monday that ferry fares would rise by 4% in April.\n"
    got = found(text, analyzer)
    assert got == [("The harbour board", "said", "harbour board")]
    (attribution,) = analyzer.analyze(make(text)).attributions
    assert "ferry fares would rise" in content_of(text, attribution)


def test_according_to(analyzer):
    text = "Ferry fares will rise by 4% next spring, according to the harbour board.\n"
    assert found(text, analyzer) == [("the harbour board", "according to", "harbour board")]


def test_quote_then_tag_and_inverted_tag(analyzer):
    text = (
        "“We will not close the clinic,” Maria Lopez told reporters on Tuesday.\n\n"
        "“The money is there,” said the finance director.\n"
    )
    got = found(text, analyzer)
    assert ("Maria Lopez", "told", "Maria Lopez") in got
    assert ("the finance director", "said", "finance director") in got
    first = analyzer.analyze(make(text)).attributions[0]
    assert "We will not close the clinic" in content_of(text, first)


def test_pronoun_resolved_to_the_named_source_before_it(analyzer):
    text = (
        "Mayor Jon Park opened the new bridge over the river Tuesday.\n\n"
        "He said the bridge had cost less than planned.\n"
    )
    assert found(text, analyzer) == [("He", "said", "Jon Park")]


def test_pronoun_kept_when_nobody_fits(analyzer):
    text = "She said the bridge had cost less than planned.\n"
    assert found(text, analyzer) == [("She", "said", None)]


def test_words_inside_a_quote_belong_to_its_speaker(analyzer):
    text = "“I think the plan is dead, and we know it,” Kofi Mensah said.\n"
    assert found(text, analyzer) == [("Kofi Mensah", "said", "Kofi Mensah")]


def test_multi_sentence_quote_is_content_of_the_tag(analyzer):
    text = "“The dam is safe. The inspectors saw no cracks,” the engineer said.\n"
    (attribution,) = analyzer.analyze(make(text)).attributions
    assert text[attribution.cue[0] : attribution.cue[1]] == "said"
    content = content_of(text, attribution)
    assert "The dam is safe." in content and "saw no cracks" in content


def test_passive_quoted_as_saying(analyzer):
    text = "Kofi Mensah was quoted as saying the vote had been rigged.\n"
    assert found(text, analyzer) == [("Kofi Mensah", "saying", "Kofi Mensah")]


def test_headline_colon(analyzer):
    text = "Minister: the harbour will reopen in May\n\nWork on the harbour wall ended on Friday.\n"
    article = Article(id="h", path="h", text=text, title="", body_start=text.index("Work"))
    analysis = analyzer.analyze(article)
    assert [(text[a.source[0] : a.source[1]], text[a.cue[0] : a.cue[1]]) for a in analysis.attributions] == [
        ("Minister", ":")
    ]
    assert content_of(text, analysis.attributions[0]) == "the harbour will reopen in May"


def test_no_attribution_is_the_outlets_own(analyzer):
    text = "The tram line opened in 1998 and carries 40,000 people a day.\n\nPhoto: a tram in the rain.\n"
    assert found(text, analyzer) == []


def test_offsets_exact_with_emoji_and_crlf(analyzer):
    text = "Lisbon 😀 update\r\n\r\nThe port 😀 authority said on Monday that 300 workers 👷 would be hired.\r\n"
    article = make(text)
    analysis = analyzer.analyze(article)
    (attribution,) = analysis.attributions
    assert text[attribution.source[0] : attribution.source[1]] == "The port 😀 authority"
    assert text[attribution.cue[0] : attribution.cue[1]] == "said"
    assert "300 workers 👷 would be hired" in content_of(text, attribution)


def test_attributions_come_back_from_the_cache(tmp_path, nlp):
    text = "Mayor Jon Park spoke first.\n\nHe said the budget was balanced, according to the minutes.\n"
    first = Analyzer(cache_dir=tmp_path)
    analysed = first.analyze(make(text))
    assert analysed.attributions
    cached = Analyzer(cache_dir=tmp_path).cached(make(text))
    assert isinstance(cached, Analysis)
    assert cached.attributions == analysed.attributions


def test_real_articles_name_their_sources(analyzer, shared_corpus):
    from corpus.articles import load_corpus

    for article in load_corpus(shared_corpus).articles:
        analysis = analyzer.analyze(article)
        assert len(analysis.attributions) >= 10, article.id
        for a in analysis.attributions:
            assert a.source is None or 0 <= a.source[0] < a.source[1] <= len(article.text)
            assert article.text[a.cue[0] : a.cue[1]].strip()


def test_inspect_json_has_attributions(tmp_path):
    command = shutil.which("claimscope")
    assert command, "the claimscope command is installed"
    path = tmp_path / "story.txt"
    text = "Harbour to reopen\n\n“We are ready,” the port director told reporters, adding that 30 ships were due. 😀\n"
    path.write_bytes(text.encode("utf-8"))
    env = dict(os.environ, CLAIMSCOPE_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([command, "inspect", "--json", str(path)], capture_output=True, env=env)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    data = json.loads(result.stdout.decode("utf-8"))
    text = data["text"]
    attributions = data["attributions"]
    assert attributions, data
    for entry in attributions:
        assert set(entry) == {"source", "cue", "content", "claimant"}
        source, cue = entry["source"], entry["cue"]
        assert set(source) == {"start", "end", "text"} and text[source["start"] : source["end"]] == source["text"]
        assert set(cue) == {"start", "end", "text"} and text[cue["start"] : cue["end"]] == cue["text"]
        assert all(set(part) == {"start", "end"} for part in entry["content"])
    told = next(e for e in attributions if e["cue"]["text"] == "told")
    assert told["source"]["text"] == "the port director"
    assert told["claimant"] == "port director"
    assert any("We are ready" in text[c["start"] : c["end"]] for c in told["content"])


@pytest.mark.parametrize(
    "text",
    [
        "Experts say the dam is safe.\n",
        "The dam is safe, experts say.\n",
    ],
)
def test_either_order_finds_the_same_source(analyzer, text):
    assert [(s, c) for s, c, _ in found(text, analyzer)] == [("Experts" if text.startswith("E") else "experts", "say")]


def test_signed_quote_and_transcript_speaker(analyzer):
    text = (
        "Readers wrote in.\n\n"
        "“The ferry is always late.” ― Maria Lopez\n\n"
        "PARK: We will add two boats in May.\n"
    )
    got = found(text, analyzer)
    assert ("Maria Lopez", "―", "Maria Lopez") in got
    assert ("PARK", ":", "PARK") in got
    signed = next(a for a in analyzer.analyze(make(text)).attributions if text[a.cue[0] : a.cue[1]] == "―")
    assert content_of(text, signed) == "“The ferry is always late.”"


def test_call_for_is_a_demand(analyzer):
    text = "The union called for a second vote on the harbour plan.\n"
    assert found(text, analyzer) == [("The union", "called", "union")]


def test_signed_quotes_are_found_with_each_dash_and_only_where_one_is():
    from corpus.attribution_resolve import _SIGN_DASHES, _SIGNED, _TWEET_SIGNED, quote_regions, signed_quotes
    from corpus.model import Segment

    # each pattern's dashes are the ones a paragraph is checked for first
    for pattern in (_SIGNED, _TWEET_SIGNED):
        assert "[" + "".join(_SIGN_DASHES) + "]" in pattern.pattern
    for dash in _SIGN_DASHES:
        parts = ["No dash in this one.", f"“The ferry is always late.” {dash} Maria Lopez", f"Also a post {dash} Ada Lund (@adalund) July 5"]
        text = "\n\n".join(parts)
        paragraphs, at = [], 0
        for part in parts:
            paragraphs.append(Segment(at, at + len(part)))
            at += len(part) + 2
        found = signed_quotes(text, paragraphs, quote_regions(text, paragraphs))
        assert [text[slice(*a.source)] for a in found] == ["Maria Lopez", "Ada Lund"], dash
    assert signed_quotes("“Late.” - Maria Lopez", [Segment(0, 21)], [(0, 7)]) == []  # a hyphen signs nothing
