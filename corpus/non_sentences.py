"""Headings, captions and photo credits inside an article body: lines that are not sentences.

A sentence is a non-sentence when it starts with a caption or credit label
(``Photo:``, ``Credit:``, ``Image:``...), or when it is a line of its own (alone in
its paragraph) with neither a finite verb nor sentence-ending punctuation
("Return to normalcy", "Second draft in the works", "The latest:"). Needing both
lacks keeps real sentences out: a fragment such as "Or even both." ends in a full
stop, and a bullet line without a final full stop still has its verb. Finite verbs
come from the parse: ``VerbForm=Fin``, or the tags VBD/VBZ/VBP/MD.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from corpus.model import Segment

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_CREDIT = re.compile(
    r"(?:photo(?:graph)?s?|image|picture|pictured|credits?|caption|illustration|graphic|video|"
    r"(?:photo|image|video)\s+(?:credit|by))\s*:",
    re.IGNORECASE,
)
#: Sentence-ending punctuation, possibly followed by closing quotes or brackets.
_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def is_finite(token: Token) -> bool:
    """Whether a token is a finite verb (``said``, ``is``, ``must``)."""
    return token.tag_ in _FINITE_TAGS or "Fin" in token.morph.get("VerbForm")


def finite_verbs(doc: Doc, offset: int, start: int, end: int) -> list[int]:
    """Article offsets of the finite verbs of ``doc`` (whose text starts at ``offset``)
    that start inside ``[start, end)``: :func:`is_finite` of every token, read from the
    doc's arrays (a ``Token`` object per token cost more than the rule)."""
    from spacy.attrs import IDX, MORPH, TAG

    strings = doc.vocab.strings
    finite: dict[tuple[int, int], bool] = {}  # (tag, morph) hashes -> is_finite
    out = []
    for i, (idx, tag, morph) in enumerate(doc.to_array([IDX, TAG, MORPH]).tolist()):
        at = idx + offset
        if start <= at < end:
            found = finite.get((tag, morph))
            if found is None:
                try:
                    found = _finite_by_name(strings[tag] if tag else "", strings[morph] if morph else "")
                except KeyError:  # a hash the string store does not hold: ask the token
                    found = is_finite(doc[i])
                finite[(tag, morph)] = found
            if found:
                out.append(at)
    return out


def _finite_by_name(tag: str, morph: str) -> bool:
    """:func:`is_finite` from a token's tag and its morphology string (``A=x|B=y,z``)."""
    if tag in _FINITE_TAGS:
        return True
    for feature in morph.split("|"):
        name, _, values = feature.partition("=")
        if name == "VerbForm" and "Fin" in values.split(","):
            return True
    return False


def mark_non_sentences(
    text: str, paragraphs: Sequence[Segment], sentences: Sequence[Segment], finite: Sequence[int]
) -> list[Segment]:
    """``sentences`` with ``non_sentence`` set on headings, captions and credits.

    ``finite`` holds the sorted article offsets of every finite verb of the body.
    """
    starts = [p.start for p in paragraphs]
    out = list(sentences)
    for i, sentence in enumerate(sentences):
        p = bisect_right(starts, sentence.start) - 1
        if p < 0:
            continue
        paragraph = paragraphs[p]
        words = text[sentence.start : sentence.end]
        if not _CREDIT.match(words):  # a credit is one wherever it stands
            alone = (i == 0 or sentences[i - 1].end <= paragraph.start) and (
                i + 1 == len(sentences) or sentences[i + 1].start >= paragraph.end
            )
            verbs = bisect_left(finite, sentence.end) - bisect_left(finite, sentence.start)
            if not alone or verbs or _END.search(words):
                continue
        out[i] = replace(sentence, non_sentence=True)
    return out
