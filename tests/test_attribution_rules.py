"""Who claims it, class by class: sentences of this project's own making, each a kind of
attribution the rules once got wrong, read on the real pipeline."""

from __future__ import annotations

from corpus.model import Article


def found(text: str, analyzer) -> list[tuple[str | None, str, str | None]]:  # noqa: ANN001
    """(source text, cue text, claimant) of every attribution of ``text``."""
    analysis = analyzer.analyze(Article(id="t", path="t", text=text, title=""))
    return [
        (None if a.source is None else text[a.source[0] : a.source[1]], text[a.cue[0] : a.cue[1]], a.claimant)
        for a in analysis.attributions
    ]


def test_time_stamp_line_above_is_no_part_of_the_source(analyzer):
    # live blogs put the time on a line of its own; the parser reads it into the subject
    text = (
        "The ferry strike went on for a second day.\n\n___.\n\n"
        "9:30 p.m.\n\nHarbour director Lina Okafor says the boats will sail on Friday.\n\n"
        "11 a.m.\n\nFormer Mayor Jon Park says the strike has cost the island dearly.\n"
    )
    got = found(text, analyzer)
    assert ("Harbour director Lina Okafor", "says", "Lina Okafor") in got
    assert ("Former Mayor Jon Park", "says", "Jon Park") in got


def test_speaker_after_the_tag_verb_of_a_split_quote(analyzer):
    text = (
        "“The risk,” said Tomas Berg, an engineer who has studied the dam for years, "
        "“is that the spillway gives way.”\n\n"
        "“Nobody told us anything,” said the woman, who like many in the village asked not to be named.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("Tomas Berg", "said") in got
    assert ("the woman", "said") in got


def test_verbs_of_referring_and_taking_a_side(analyzer):
    text = (
        "The mayor likened the harbour plan to a gamble.\n\n"
        "The fishermen's union backed the new quota on Monday.\n\n"
        "Councillor Ada Lund was referring to the old ferry contract.\n"
    )
    got = [(s, c) for s, c, _ in found(text, analyzer)]
    assert ("The mayor", "likened") in got
    assert ("The fishermen's union", "backed") in got
    assert ("Councillor Ada Lund", "referring") in got


def test_a_proposal_or_an_endorsement_handed_about_is_no_statement(analyzer):
    text = "The council's proposal was sent to the ministry, and the board's endorsement arrived later.\n"
    assert found(text, analyzer) == []
