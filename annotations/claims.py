"""Structured claims: each sentence labelled as a claim, with its claimant, cue, claim
type and figures, for ``claimscope claims`` and the app's Claims view.

A claim row joins what a person said about a sentence (its label, from the store) with
what the analysis found in it (the attribution covering it, its figures and their
readings). Rows come grouped by claimant (the resolved name; "outlet" for statements
nobody is said to make), then in corpus and sentence order, so "everything the ministry
claimed, with its figures" is one filter: ``claimant="ministry"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple

from corpus.claimants import OUTLET, claimant_of, sentence_attribution
from corpus.model import Analysis, Article, Reading, kind_of

if TYPE_CHECKING:
    from annotations.store import Store

#: ``(start, end, text)`` in article offsets.
Place = tuple[int, int, str]


class ClaimFigure(NamedTuple):
    """A figure inside a claim: article offsets, its words, its label and reading."""

    start: int
    end: int
    text: str
    label: str
    reading: Reading | None


class ClaimRow(NamedTuple):
    """One labelled claim: where it is, who labelled it as what, who claims it."""

    article_id: str
    title: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    annotator: str
    claimant: str
    source: Place | None
    cue: Place | None
    figures: tuple[ClaimFigure, ...]

    @property
    def attributed(self) -> bool:
        """Whether somebody other than the outlet is said to make the claim."""
        return self.cue is not None


def claimant_matches(name: str, wanted: str) -> bool:
    """``--claimant`` matching: the words of ``wanted`` all in the claimant, any case
    ("ministry" finds "the Ministry of Defence"; "outlet" finds unattributed claims)."""
    words = wanted.casefold().split()
    if not words:
        return True
    have = name.casefold()
    return all(word in have for word in words)


def claim_rows(
    store: Store,
    items: Iterable[tuple[Article, Analysis]],
    *,
    label: str | None = None,
    annotator: str | None = None,
    claimant: str | None = None,
    gold: bool = False,
) -> list[ClaimRow]:
    """The claims of ``items`` (article, analysis) labelled in ``store``.

    Without ``label``, every sentence whose label is a claim type of the scheme; with
    it, the sentences with that label (an unknown label raises
    :class:`~annotations.errors.UnknownLabelError`). ``annotator`` keeps one annotator's
    labels and ``gold`` the agreed or adjudicated label of each sentence (as ``export
    --gold``); ``claimant`` keeps the claims whose claimant matches
    (:func:`claimant_matches`).
    """
    from annotations.formats.collect import collect_rows

    scheme = store.scheme
    order: dict[str, int] = {}
    analyses: dict[str, tuple[Article, Analysis]] = {}
    pairs = []
    for article, analysis in items:
        order[article.id] = len(order)
        analyses[article.id] = (article, analysis)
        pairs.append((article, analysis))
    rows: list[ClaimRow] = []
    for row in collect_rows(store, pairs, label=label, annotator=annotator, gold=gold):
        if row.label is None or (label is None and not scheme.is_claim(row.label)):
            continue
        article, analysis = analyses[row.article_id]
        text = article.text
        attribution = sentence_attribution(analysis.attributions, row.start, row.end)
        name = claimant_of(text, attribution)
        if claimant is not None and not claimant_matches(name, claimant):
            continue
        source = cue = None
        if attribution is not None:
            cue = (*attribution.cue, text[attribution.cue[0] : attribution.cue[1]])
            if attribution.source is not None:
                source = (*attribution.source, text[attribution.source[0] : attribution.source[1]])
        figures = tuple(
            ClaimFigure(
                row.start + start, row.start + end, row.text[start:end], span_label, row.reading((start, end, span_label))
            )
            for start, end, span_label in row.spans
            if kind_of(span_label) == "figure"
        )
        rows.append(
            ClaimRow(
                row.article_id, row.title, row.sentence_index, row.start, row.end, row.text, row.label,
                row.annotator, name, source, cue, figures,
            )
        )
    rows.sort(key=lambda r: (r.claimant == OUTLET, r.claimant.casefold(), order[r.article_id], r.sentence_index, r.annotator))
    return rows
