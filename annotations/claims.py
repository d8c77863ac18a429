"""The claims of a corpus: sentences labelled as claims, each with who claims it.

``claim_rows`` reads the labels an annotator stored (any label the scheme calls a
claim), and beside each sentence puts its claimant from the analysis's attributions
(``corpus/attribution.py``): the resolved name, the source as written and the cue, or
none (the outlet's own statement); and its figures with their readings. Filters:
``claimant`` (case-insensitive part of the name or source; ``outlet`` for sentences
with no attribution) and ``label``. ``claimscope claims`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from corpus.model import Analysis, Article, Attribution, Segment, Span

if TYPE_CHECKING:  # pragma: no cover
    from annotations.scheme import Scheme
    from annotations.store import Store

#: What a sentence with no attribution is said to come from.
OUTLET = "outlet"


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One sentence labelled as a claim, with its claimant, cue and figures."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    annotator: str
    claimant: str | None  # the resolved name; None: unresolved, or the outlet's own
    source: str | None  # the source as written ("he", "the ministry"); None: no attribution
    cue: str | None
    figures: tuple[Span, ...] = ()

    @property
    def said_by(self) -> str:
        """Who the sentence is from, for grouping: the claimant, else the source as
        written, else ``outlet``."""
        return self.claimant or self.source or OUTLET


def attribution_of(attributions: Iterable[Attribution], sentence: Segment) -> Attribution | None:
    """The attribution of a sentence: the first whose cue is in it, else the first whose
    content covers its start (a quote running on from the sentence before)."""
    covering = None
    for attribution in attributions:
        if sentence.start <= attribution.cue[0] < sentence.end:
            return attribution
        if covering is None and any(s <= sentence.start < e for s, e in attribution.content):
            covering = attribution
    return covering


def claim_rows(
    analysed: Iterable[tuple[Article, Analysis]],
    store: Store,
    scheme: Scheme,
    *,
    claimant: str | None = None,
    label: str | None = None,
) -> list[ClaimRow]:
    """The claims the store's annotator labelled in ``analysed`` articles, in article
    and sentence order, filtered by ``claimant`` and ``label``."""
    wanted = None if claimant is None else claimant.casefold()
    rows: list[ClaimRow] = []
    for article, analysis in analysed:
        placed = store.placed_labels(article, analysis.sentences)
        if placed.error is not None or not placed.records:
            continue
        sentences = placed.sentences or analysis.sentences
        for index, record in sorted(placed.records.items()):
            name = record.get("label")
            if not scheme.is_claim(name) or (label is not None and name != label) or index >= len(sentences):
                continue
            sentence = sentences[index]
            found = attribution_of(analysis.attributions, sentence)
            row = ClaimRow(
                article_id=article.id,
                sentence_index=index,
                start=sentence.start,
                end=sentence.end,
                text=article.text[sentence.start : sentence.end],
                label=str(name),
                annotator=str(record.get("annotator") or store.annotator),
                claimant=None if found is None else found.claimant,
                source=None if found is None or found.source is None else article.text[slice(*found.source)],
                cue=None if found is None else article.text[slice(*found.cue)],
                figures=tuple(
                    s for s in analysis.spans if s.kind == "figure" and sentence.start <= s.start < sentence.end
                ),
            )
            if wanted is not None and not _matches(row, wanted):
                continue
            rows.append(row)
    return rows


def _matches(row: ClaimRow, wanted: str) -> bool:
    if wanted == OUTLET:
        return row.cue is None
    return any(wanted in value.casefold() for value in (row.claimant, row.source) if value)
