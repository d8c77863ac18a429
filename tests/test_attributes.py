"""The attribute ruler read as a table (corpus/attributes.py): every token's attributes
as the ruler sets them, on the real pipeline and on rulers made here for its corners."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from corpus.analysis import Analyzer
from corpus.articles import load_corpus
from corpus.attributes import RULER, table_for

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"

#: Words the real ruler's patterns of two tokens and its space patterns are about.
CORNERS = [
    "Y'all gonna see it, ain't no lie. Let's go, c'mon, we gotta run.",
    "There are two ways.  There is one.\n\nThere's a gap\t\there, and there were three.",
    "He gets what he got. Ai n't it so?",
    "\n",
    "",
]


def _attributes(doc) -> list[tuple]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.norm_)
        for t in doc
    ]


def test_the_real_pipeline_gets_the_rulers_attributes_from_the_table(nlp):
    table = table_for(nlp)
    assert table is not None, "the English pipeline's ruler should be readable as a table"
    texts = CORNERS + [a.text for a in load_corpus(SAMPLE).articles]
    stock = [_attributes(doc) for doc in nlp.pipe(texts)]
    tabled = [_attributes(table(doc)) for doc in nlp.pipe(texts, disable=[RULER])]
    assert sum(map(len, stock)) > 1000
    for text, want, got in zip(texts, stock, tabled):
        assert got == want, text[:60]
    # the corners are really there: a pattern of two tokens and a space pattern took effect
    corner = dict((row[0], row) for row in tabled[0])
    assert corner["gon"][4] == "go" and corner["na"][4] == "to"
    assert [row for row in tabled[1] if row[0] == "are"][0][2] == "VERB"  # "There are": expl + be
    assert any(row[1] == "_SP" and row[2] == "SPACE" for row in tabled[1])


def test_the_analysis_is_the_same_with_the_ruler_in_the_pipeline(tmp_path, nlp):
    """The analysis runs the pipeline without the ruler and the table after it: what it
    caches is what the pipeline with its ruler gives, down to the byte."""
    articles = load_corpus(SAMPLE).articles
    tabled = Analyzer(cache_dir=tmp_path / "tabled")
    list(tabled.analyze_many(articles))
    # a pattern the table cannot read (and that matches nothing) keeps the ruler in place
    ruler = nlp.get_pipe(RULER)
    saved = ruler.patterns
    ruler.add([[{"LOWER": "claimscope-never-a-word", "OP": "+"}]], {"LEMMA": "never"})
    try:
        assert table_for(nlp) is None
        ruled = Analyzer(cache_dir=tmp_path / "ruled")
        list(ruled.analyze_many(articles))
    finally:
        ruler.clear()
        ruler.add_patterns(saved)
    assert table_for(nlp) is not None
    files = sorted(p.relative_to(tabled.cache.root) for p in tabled.cache.root.rglob("*.json"))
    assert files == sorted(p.relative_to(ruled.cache.root) for p in ruled.cache.root.rglob("*.json"))
    assert len(files) >= len(articles)
    for name in files:
        assert (tabled.cache.root / name).read_bytes() == (ruled.cache.root / name).read_bytes(), name


def _blank_with_ruler(patterns: list[dict]) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe(RULER).add_patterns(patterns)
    return nlp


def test_a_later_pattern_wins_whatever_its_length():
    patterns = [
        {"patterns": [[{"LOWER": "bank"}]], "attrs": {"TAG": "NN", "POS": "NOUN", "LEMMA": "bank"}},
        {"patterns": [[{"LOWER": {"IN": ["bank", "river"]}}]], "attrs": {"POS": "PROPN", "MORPH": "Number=Sing"}},
        # two tokens, the last one set: over the two before it, under the two after it
        {"patterns": [[{"LOWER": "river"}, {"LOWER": "bank"}]], "attrs": {"POS": "ADJ", "LEMMA": "shore"}, "index": -1},
        {"patterns": [[{"LOWER": "the"}, {"ORTH": "river"}]], "attrs": {"LEMMA": "le", "POS": "DET"}, "index": 0},
        {"patterns": [[{"LOWER": {"REGEX": "^riv"}}]], "attrs": {"LEMMA": "stream"}},
        {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "MORPH": "_"}},
        {"patterns": [[{"TEXT": "Bank", "LOWER": {"NOT_IN": ["x"]}}]], "attrs": {"MORPH": "Number=Plur"}},
        {"patterns": [[{"LOWER": "and"}, {"LOWER": "the"}]], "attrs": {"LEMMA": "THE"}, "index": 1},
    ]
    nlp = _blank_with_ruler(patterns)
    table = table_for(nlp)
    assert table is not None and len(table.longer) == 3
    text = "The river bank and the Bank  by the river.\n\nriver bank river"
    want = _attributes(nlp(text))
    got = _attributes(table(nlp.make_doc(text)))
    assert got == want
    rows = {(row[0], n): row for n, row in enumerate(got)}
    assert rows[("bank", 2)][2:5] == ("ADJ", "Number=Sing", "shore")  # the pair over the singles before it
    assert rows[("river", 1)][4] == "stream"  # the regex after the pair "the river" wins
    assert rows[("the", 4)][4] == "THE"
    assert rows[(" ", 6)][1:4] == ("_SP", "SPACE", "")


@pytest.mark.parametrize(
    "token",
    [
        {"LOWER": "x", "OP": "+"},  # a quantifier
        {"LIKE_NUM": True},  # an attribute the table does not read
        {"LOWER": {"FUZZY": "x"}},  # an operator it does not read
        {},  # any token
    ],
)
def test_a_pattern_the_table_cannot_read_keeps_the_ruler(token):
    nlp = _blank_with_ruler([
        {"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "DET"}},
        {"patterns": [[token]], "attrs": {"LEMMA": "x"}},
    ])
    assert table_for(nlp) is None


def test_a_reader_after_the_ruler_keeps_it():
    nlp = _blank_with_ruler([{"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "DET"}}])
    assert table_for(nlp) is not None
    nlp.add_pipe("sentencizer")
    assert table_for(nlp) is None


def test_an_entity_recogniser_that_embeds_tags_keeps_the_ruler():
    nlp = _blank_with_ruler([{"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "DET"}}])
    config = {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": 8,
            "maxout_pieces": 2,
            "use_upper": True,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 8, "attrs": ["NORM", "TAG"],
                          "rows": [100, 100], "include_static_vectors": False},
                "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 8, "depth": 1,
                           "window_size": 1, "maxout_pieces": 2},
            },
        }
    }
    nlp.add_pipe("ner", config=config)
    assert table_for(nlp) is None  # its model reads the tags the ruler may set
    plain = _blank_with_ruler([{"patterns": [[{"LOWER": "a"}]], "attrs": {"POS": "DET"}}])
    config["model"]["tok2vec"]["embed"]["attrs"] = ["NORM", "SHAPE"]
    plain.add_pipe("ner", config=config)
    assert table_for(plain) is not None


def test_a_ruler_setting_what_a_later_model_reads_keeps_it():
    nlp = _blank_with_ruler([{"patterns": [[{"LOWER": "a"}]], "attrs": {"NORM": "an"}}])
    assert table_for(nlp) is None  # NORM is what an entity recogniser embeds
