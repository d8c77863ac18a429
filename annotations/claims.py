"""Structured claims: each sentence labelled as a claim, with its claimant, cue, claim
type and figures, for ``claimscope claims`` and the app's Claims view.

A claim row joins what a person said about a sentence (its label, from the store) with
what the analysis found in it (the attribution covering it, its figures and their
readings). Rows come grouped by claimant (the resolved name; "unnamed" for statements a
cue passes on from nobody named; "outlet" for statements nobody is said to make), then
in corpus and sentence order, so "everything the ministry claimed, with its figures" is
one filter: ``claimant="ministry"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple

from corpus.claimants import OUTLET, UNNAMED, claimant_of, sentence_attribution
from corpus.model import Analysis, Article, Reading, kind_of

from annotations.model import ClaimantMark, corrected_attribution

if TYPE_CHECKING:
    from annotations.store import Store
    from annotations.suggest.model import Suggester

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
    #: True for a sentence nobody labelled that the suggestions take for a claim (its
    #: ``label`` is the suggested type, ``annotator`` empty, ``score`` the suggestion's).
    suggested: bool = False
    score: float | None = None

    @property
    def attributed(self) -> bool:
        """Whether somebody other than the outlet is said to make the claim."""
        return self.cue is not None or self.source is not None


def figure_words(figure: ClaimFigure) -> str:
    """``£4.5m (4,500,000 GBP)``: a figure as written, with its reading when it has one."""
    from corpus.readings import value_text

    words = " ".join(figure.text.split())
    reading = figure.reading
    if reading is None or reading.value is None:
        return words
    sign = "" if reading.change in (None, "=") else f"{reading.change} "
    read = f"{sign}{value_text(reading.value, reading.shape)} {reading.unit or ''}".strip()
    return f"{words} ({read})"


#: Claimants listed after every named one, in this order: unnamed sources, then the outlet.
_LISTED_LAST = {UNNAMED: 1, OUTLET: 2}


def claimant_matches(name: str, wanted: str) -> bool:
    """``--claimant`` matching: the words of ``wanted`` all in the claimant, any case
    ("ministry" finds "the Ministry of Defence"; "outlet" finds unattributed claims,
    "unnamed" those passed on from unnamed sources)."""
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
    suggester: Suggester | None = None,
) -> list[ClaimRow]:
    """The claims of ``items`` (article, analysis) labelled in ``store``.

    Without ``label``, every sentence whose label is a claim type of the scheme; with
    it, the sentences with that label (an unknown label raises
    :class:`~annotations.errors.UnknownLabelError`). ``annotator`` keeps one annotator's
    labels and ``gold`` the agreed or adjudicated label of each sentence (as ``export
    --gold``); ``claimant`` keeps the claims whose claimant matches
    (:func:`claimant_matches`). With a ``suggester``, the sentences nobody labelled
    (or ``annotator`` did not) that it takes for claims are listed too, marked
    ``suggested``.
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
        name, source, cue = _attributed(article.text, analysis, row.start, row.end, ClaimantMark.parse(row.attribution))
        if claimant is not None and not claimant_matches(name, claimant):
            continue
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
    if suggester is not None:
        labelled = {(row.article_id, row.sentence_index) for row in collect_rows(store, pairs, annotator=annotator)}
        rows.extend(_suggested(pairs, suggester, labelled, label, claimant))
    rows.sort(key=lambda r: (_LISTED_LAST.get(r.claimant, 0), r.claimant.casefold(), order[r.article_id], r.sentence_index, r.annotator))
    return rows


def _attributed(
    text: str, analysis: Analysis, start: int, end: int, mark: ClaimantMark | None = None
) -> tuple[str, Place | None, Place | None]:
    """The claimant, source and cue of the sentence ``[start, end)`` (a reader's ``mark`` applied)."""
    found = sentence_attribution(analysis.attributions, start, end)
    attribution = corrected_attribution(text, start, end, found, mark)
    source = cue = None
    if attribution is not None:
        if attribution.cue[0] < attribution.cue[1]:
            cue = (*attribution.cue, text[attribution.cue[0] : attribution.cue[1]])
        if attribution.source is not None:
            source = (*attribution.source, text[attribution.source[0] : attribution.source[1]])
    return claimant_of(text, attribution), source, cue


def _suggested(
    pairs: list[tuple[Article, Analysis]],
    suggester: Suggester,
    labelled: set[tuple[str, int]],
    label: str | None,
    claimant: str | None,
) -> Iterator[ClaimRow]:
    """The sentences nobody labelled that the suggestions take for claims."""
    from annotations.suggest.features import sentence_inputs

    scheme = suggester.scheme
    for article, analysis in pairs:
        text = article.text
        scores = suggester.suggest_many(sentence_inputs(article, analysis))
        for index, (sentence, suggestion) in enumerate(zip(analysis.sentences, scores)):
            kind = suggestion.label
            if (article.id, index) in labelled or kind is None or not scheme.is_claim(kind):
                continue
            if label is not None and kind != label:
                continue
            name, source, cue = _attributed(text, analysis, sentence.start, sentence.end)
            if claimant is not None and not claimant_matches(name, claimant):
                continue
            figures = tuple(
                ClaimFigure(span.start, span.end, text[span.start : span.end], span.label, span.reading)
                for span in analysis.spans
                if span.kind == "figure" and sentence.start <= span.start and span.end <= sentence.end
            )
            yield ClaimRow(
                article.id, article.title, index, sentence.start, sentence.end, text[sentence.start : sentence.end],
                kind, "", name, source, cue, figures, suggested=True, score=suggestion.score,
            )
