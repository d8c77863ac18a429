"""The figure layer on the shapes news uses and the small model misses or mislabels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.model import Article, kind_of


def analyse(analyzer, text: str):
    article = Article(id="t", path="t", text=text, title="")
    return analyzer.analyze(article)


def spans_by_text(text: str, analysis) -> dict[str, tuple[str, str]]:
    return {text[s.start : s.end]: (s.label, s.kind) for s in analysis.spans}


HARD_CASES = [
    ("The army may need an additional several hundred thousand men.", "several hundred thousand", "COUNT"),
    ("Tens of thousands of people fled across the border.", "Tens of thousands", "COUNT"),
    ("The campaign could reach a million households.", "a million", "CARDINAL"),
    ("Liverpool won 2 – 1 against Everton.", "2 – 1", "SCORE"),
    ("City lost 2-1 at home on Saturday.", "2-1", "SCORE"),
    ("Maria Lopez, 34, a nurse from Leeds, was among them.", "34", "AGE"),
    ("A 38-year-old man has been charged.", "38-year-old", "AGE"),
    ("The deal is worth $250 million.", "$250 million", "MONEY"),
    ("Rents rose by 40 per cent in a decade.", "40 per cent", "PERCENT"),
    ("The group raised 3.5bn in new debt.", "3.5bn", "CARDINAL"),
    ("The council will borrow £3.5bn.", "£3.5bn", "MONEY"),
    ("The firm expects to hire between 10 and 15 engineers.", "between 10 and 15", "RANGE"),
    ("Some 70% of staff backed the strike.", "Some 70%", "PERCENT"),
    ("Support fell slightly (31%) in the latest poll.", "31%", "PERCENT"),
    ("Half of the families said they skipped meals.", "Half", "CARDINAL"),
    ("Two-thirds of the forest has been cleared.", "Two-thirds", "CARDINAL"),
    ("Dozens of flights were cancelled.", "Dozens", "COUNT"),
    ("The plant employs nearly 900 people.", "nearly 900", "CARDINAL"),
    ("The G7 leaders agreed a $600bn fund.", "$600bn", "MONEY"),
]


@pytest.mark.parametrize(("text", "surface", "label"), HARD_CASES, ids=[c[1] for c in HARD_CASES])
def test_hard_figures_are_found_with_their_label(analyzer, text, surface, label):
    found = spans_by_text(text, analyse(analyzer, text))
    assert found.get(surface) == (label, "figure"), found
    assert kind_of(label) == "figure"


def test_a_rule_replaces_the_models_wrong_date(analyzer, nlp):
    text = "The army may need an additional several hundred thousand men."
    model_labels = {e.text: e.label_ for e in nlp(text).ents}
    ours = analyse(analyzer, text)
    # Whatever the model said, no date covers the count any more.
    assert not [s for s in ours.spans if s.kind == "date"], (model_labels, ours.spans)


def test_ages_after_names_keep_the_name_whole(analyzer, nlp):
    text = "Jon Park, 29, and his sister, 31, were rescued by Maria Lopez."
    found = spans_by_text(text, analyse(analyzer, text))
    model_people = {e.text for e in nlp(text).ents if e.label_ == "PERSON"}
    assert found["29"] == ("AGE", "figure")
    assert found["31"] == ("AGE", "figure")
    for person in model_people:
        assert found[person] == ("PERSON", "entity")


def test_a_score_swallowed_into_a_name_is_split_off(analyzer, nlp):
    text = "Porto beat Braga 2-1 on Sunday."
    found = spans_by_text(text, analyse(analyzer, text))
    assert found["2-1"] == ("SCORE", "figure")
    # the name keeps its words, whatever label the model gave it
    assert [t for t, (_, kind) in found.items() if kind == "entity" and "Braga" in t] == ["Braga"]


@pytest.mark.parametrize(
    "text",
    [
        "She first visited the island as a student.",
        "The contract runs from 2021 to 2025.",
        "He was mayor between 2004 and 2012.",
        "Route 66 attracts tourists.",
        "They waited for 45 minutes in the rain.",
    ],
)
def test_no_figure_where_there_is_none(analyzer, text):
    analysis = analyse(analyzer, text)
    figures = [text[s.start : s.end] for s in analysis.spans if s.kind == "figure"]
    assert figures == []


def test_years_stay_dates(analyzer):
    text = "The contract runs from 2021 to 2025."
    analysis = analyse(analyzer, text)
    dates = [text[s.start : s.end] for s in analysis.spans if s.kind == "date"]
    assert dates and all("2021" in d or "2025" in d for d in dates)


def test_ordinal_used_as_adjective_is_a_figure(analyzer):
    text = "It was the first time the club had won the cup."
    assert spans_by_text(text, analyse(analyzer, text)).get("first") == ("ORDINAL", "figure")


def test_entities_match_the_model_outside_figures(analyzer, nlp):
    text = (
        "Russian President Vladimir Putin met Olaf Scholz in Berlin on Monday, "
        "and the European Union pledged 40 per cent more aid to Ukraine."
    )
    model_entities = {
        (e.start_char, e.end_char, e.label_) for e in nlp(text).ents if kind_of(e.label_) == "entity"
    }
    ours = {(s.start, s.end, s.label) for s in analyse(analyzer, text).spans if s.kind == "entity"}
    assert ours == model_entities


def test_spans_are_disjoint_and_sorted(analyzer):
    text = "Between 10 and 15 per cent of the 2,000 staff, about half of them aged 40, won 3-2."
    spans = analyse(analyzer, text).spans
    for before, after in zip(spans, spans[1:]):
        assert before.end <= after.start


GOLD = json.loads((Path(__file__).resolve().parents[1] / "benchmarks" / "figures_gold.json").read_text("utf-8"))


@pytest.mark.parametrize("item", GOLD["dev"], ids=[item["text"][:30] for item in GOLD["dev"]])
def test_dev_sentences_get_exactly_their_gold_figures(analyzer, item):
    text = item["text"]
    figures = [(s.start, s.end) for s in analyse(analyzer, text).spans if s.kind == "figure"]
    assert figures == [(start, end) for start, end, _ in item["figures"]]


def test_gold_offsets_point_at_their_figures_in_the_real_articles(shared_corpus):
    for name, item in GOLD["articles"].items():
        text = (shared_corpus / name).read_text(encoding="utf-8")
        for start, end, surface in item["figures"]:
            assert text[start:end] == surface
    for item in GOLD["dev"] + GOLD["dev2"]:
        for start, end, surface in item["figures"] + item["dates"]:
            assert item["text"][start:end] == surface


def _first_chars(items: list, chars: set[str]) -> bool:
    """Collect into ``chars`` every character a parsed pattern can start by consuming;
    False when it can start with something else (a class by category, any character,
    a back reference) or consume nothing at all."""
    from re import _constants as c

    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the next item consumes the first character
        if op is c.LITERAL:
            chars.add(chr(av))
            return True
        if op is c.IN:
            for member, value in av:
                if member is c.LITERAL:
                    chars.add(chr(value))
                elif member is c.RANGE:
                    chars.update(map(chr, range(value[0], value[1] + 1)))
                else:
                    return False
            return True
        if op is c.SUBPATTERN:
            return _first_chars(list(av[3]), chars)
        if op is c.BRANCH:
            return all(_first_chars(list(branch), chars) for branch in av[1])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _, body = av
            if not _first_chars(list(body), chars):
                return False
            if low > 0:
                return True
            continue  # optional: what follows may start it too
        return False
    return False  # can match the empty string


def test_every_unit_starts_with_a_letter_or_a_degree_sign():
    """UNIT leads with a lookahead for a letter or ° (a shortcut for the engine): it must
    hold for every unit, or a unit written otherwise would silently never match."""
    import re

    from corpus.figure_patterns import UNIT

    guard = r"(?=[^\W\d_]|°)"
    assert UNIT.startswith(guard)
    chars: set[str] = set()
    assert _first_chars(list(re._parser.parse(UNIT[len(guard) :], re.IGNORECASE)), chars)
    assert chars and all(ch.isalpha() or ch == "°" for ch in chars), sorted(chars)
    # under IGNORECASE a letter also matches its case partners, all of them letters
    assert all(re.match(guard, partner) for ch in chars for partner in {ch.lower(), ch.upper(), ch.casefold()} if len(partner) == 1)
