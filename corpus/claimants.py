"""Whose statement a sentence is: the attribution that covers it and its claimant's name.

The analysis finds attributions (``corpus/attribution.py``): a source, a cue and the
content they attribute. A reader, a claims list and an export ask the other way round:
for this sentence, who claims it? ``sentence_attribution`` answers with the attribution
whose content covers most of the sentence, else one whose cue or source lies in it
("Officials said the fund had grown." holds its own cue); ``claimant_of`` gives the name
to show: the resolved name, else the source as written ("he", when nobody fits), else
``UNNAMED`` for a statement the outlet passes on from someone it does not name
("reportedly", "was described as"), else ``OUTLET`` for a statement nobody is said to
make (the outlet's own).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Sequence

from corpus.model import Attribution, Segment

#: The claimant of a statement with no attribution: the outlet that published it.
OUTLET = "outlet"
#: The claimant of a statement attributed by a cue alone: someone the outlet does not name.
UNNAMED = "unnamed"


def _overlap(a: int, b: int, start: int, end: int) -> int:
    return max(0, min(b, end) - max(a, start))


def sentence_attribution(attributions: Sequence[Attribution], start: int, end: int) -> Attribution | None:
    """The attribution of the sentence ``[start, end)``, or None (the outlet's own)."""
    best: tuple[int, int] = (0, 0)
    found: Attribution | None = None
    for attribution in attributions:
        covered = sum(_overlap(a, b, start, end) for a, b in attribution.content)
        # The sentence that holds the cue (or the source) belongs to the attribution too,
        # even where the content is another clause of it; content coverage comes first.
        cue_here = _overlap(*attribution.cue, start, end) > 0 or (
            attribution.source is not None and _overlap(*attribution.source, start, end) > 0
        )
        score = (covered, 1 if cue_here else 0)
        if score > best:
            best, found = score, attribution
    return found


def claimant_of(text: str, attribution: Attribution | None) -> str:
    """The name a person reads for who claims it: resolved name, source as written,
    "unnamed" (a cue with no source) or "outlet" (no attribution)."""
    if attribution is None:
        return OUTLET
    if attribution.claimant:
        return " ".join(attribution.claimant.split())
    if attribution.source is not None:
        return " ".join(text[attribution.source[0] : attribution.source[1]].split())
    return UNNAMED


def cue_text(text: str, attribution: Attribution | None) -> str:
    """The cue's words on one line ("said", "according to"), or "" without an attribution."""
    if attribution is None:
        return ""
    return " ".join(text[attribution.cue[0] : attribution.cue[1]].split())


def sentence_attributions(attributions: Sequence[Attribution], sentences: Sequence[Segment]) -> list[Attribution | None]:
    """`sentence_attribution` for every sentence at once (the reader's status line asks
    per key): each attribution is looked at only for the sentences its parts touch."""
    starts = [sentence.start for sentence in sentences]
    best: list[tuple[int, int]] = [(0, 0)] * len(sentences)
    found: list[Attribution | None] = [None] * len(sentences)

    def touched(a: int, b: int) -> range:
        return range(max(0, bisect_right(starts, a) - 1), bisect_left(starts, b))

    for attribution in attributions:
        # Most attributions lie inside one sentence ("Officials said the fund grew."):
        # only that sentence can score, and the sums below are the parts' own lengths.
        cue, source, content = attribution.cue, attribution.source, attribution.content
        index = bisect_right(starts, cue[0]) - 1
        if index >= 0:
            a, b = sentences[index].start, sentences[index].end
            if (
                a <= cue[0] and cue[1] <= b
                and (source is None or (a <= source[0] and source[1] <= b))
                and all(a <= x and y <= b for x, y in content)
            ):
                score = (
                    sum(y - x for x, y in content if y > x),
                    1 if cue[1] > cue[0] or (source is not None and source[1] > source[0]) else 0,
                )
                if score > best[index]:
                    best[index], found[index] = score, attribution
                continue
        scores: dict[int, list[int]] = {}
        for a, b in attribution.content:
            for index in touched(a, b):
                overlap = _overlap(a, b, sentences[index].start, sentences[index].end)
                if overlap:
                    scores.setdefault(index, [0, 0])[0] += overlap
        for part in (attribution.cue, attribution.source):
            if part is None:
                continue
            for index in touched(*part):
                if _overlap(*part, sentences[index].start, sentences[index].end):
                    scores.setdefault(index, [0, 0])[1] = 1
        for index, (covered, cue_here) in scores.items():
            if (covered, cue_here) > best[index]:
                best[index], found[index] = (covered, cue_here), attribution
    return found
