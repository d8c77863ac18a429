"""Who claims a sentence, on its way out through an export and back in through an import.

Out: every export row carries a :class:`RowClaimant`, the sentence's effective
attribution (the reader's correction when there is one, else the analysis's) as the
formats write it: ``how`` it was decided, the claimant's ``name`` and the ``source``
and ``cue`` as offsets in the sentence. A source or cue outside the sentence (the
cue of a quote's second sentence is in the first) is not in the row: the row keeps the
name only. The formats write the two parts as spans labelled ``SOURCE`` and ``CUE``
and say ``claimant`` and ``attribution`` (``how``) in their metadata.

In: :func:`take_claimant` splits a record's ``SOURCE``/``CUE`` spans from its other
spans into an :class:`ImportedClaimant`; :func:`claimant_mark` turns it into the
reader's correction to store, compared with what the analysis says of the sentence.
A record without SOURCE or CUE says "no source" only when its export carried the
``attribution`` marker; any other record (an export before this, a file from
elsewhere) leaves the stored claimant alone.
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Sequence

from corpus.claimants import OUTLET, claimant_of
from corpus.model import Attribution

from annotations.model import corrected_attribution
from annotations.model import ClaimantMark

#: The span labels of the source and the cue in every format that writes spans.
SOURCE, CUE = "SOURCE", "CUE"
#: The relation (Label Studio, doccano, brat) from a source to its cue.
RELATION = "attribution"
#: ``how`` values: the analysis's attribution, a reader's correction, nobody.
FOUND, CORRECTED = "found", "corrected"
HOW = (FOUND, CORRECTED, OUTLET)

Part = tuple[int, int]


class RowClaimant(NamedTuple):
    """Who claims an export row's sentence.

    ``how``: "found" (the analysis's), "corrected" (a reader marked a source or cue)
    or "outlet" (nobody is said to make it, found so or said so by a reader);
    ``name``: the claimant as shown (resolved name, the source as written, "unnamed"
    for a cue without a source, "outlet");
    ``source``/``cue``: ``(start, end)`` in the sentence, None where there is none or
    it lies outside the sentence.
    """

    how: str
    name: str
    source: Part | None = None
    cue: Part | None = None

    def spans(self) -> tuple[tuple[int, int, str], ...]:
        """The ``SOURCE`` and ``CUE`` spans (sentence offsets), in that order."""
        out = []
        if self.source is not None:
            out.append((*self.source, SOURCE))
        if self.cue is not None:
            out.append((*self.cue, CUE))
        return tuple(out)


#: The claimant of every sentence nobody is said to make (shared by all such rows).
NOBODY = RowClaimant(OUTLET, OUTLET)


def _inside(part: Part | None, start: int, end: int) -> Part | None:
    """``part`` made relative to the sentence ``[start, end)``; None outside it or empty."""
    if part is None or not start <= part[0] < part[1] <= end:
        return None
    return (part[0] - start, part[1] - start)


def row_claimant(text: str, start: int, end: int, found: Attribution | None, mark: str) -> RowClaimant:
    """The :class:`RowClaimant` of the sentence ``[start, end)`` of ``text``: ``found`` is
    the analysis's attribution of it, ``mark`` the stored correction
    (``SentenceLabel.attribution``: "" for none)."""
    parsed = ClaimantMark.parse(mark) if mark else None
    effective = corrected_attribution(text, start, end, found, parsed) if parsed is not None else found
    if effective is None:
        return NOBODY
    return RowClaimant(
        CORRECTED if parsed is not None else FOUND,
        claimant_of(text, effective),
        _inside(effective.source, start, end),
        _inside(effective.cue, start, end),
    )


def with_claimant(row: Any) -> tuple[tuple[int, int, str], ...]:
    """An export row's spans followed by its ``SOURCE`` and ``CUE`` spans (if any)."""
    claimant = row.claimant
    if claimant is None or (claimant.source is None and claimant.cue is None):
        return row.spans
    return row.spans + claimant.spans()


# ------------------------------------------------------------------ import


class ImportedClaimant(NamedTuple):
    """What an import record says about who claims its sentence: ``source`` and ``cue``
    as ``(start, end)`` in the record's text; both None: nobody ("no source")."""

    source: Part | None
    cue: Part | None


def carries_claimant(meta: Any) -> bool:
    """Whether a record's metadata has the marker an export with claimants writes."""
    return isinstance(meta, dict) and meta.get("attribution") in HOW


def take_claimant(
    spans: Sequence[tuple[int, int, str]] | None,
    meta: Any,
    pairs: Iterable[tuple[int, int]] = (),
) -> tuple[tuple[tuple[int, int, str], ...] | None, ImportedClaimant | None]:
    """``spans`` without their ``SOURCE``/``CUE`` spans, and what those say (None: the
    record says nothing of the claimant, leave it alone).

    ``pairs`` are relations as ``(from, to)`` indexes into ``spans``: where a record
    holds several sources or cues, the pair a relation ties (either way round) wins;
    else the first of each. No SOURCE and no CUE is "no source" only in a record whose
    ``meta`` carries the export's marker (:func:`carries_claimant`).
    """
    if spans is None:  # the record holds no spans at all: it cannot say
        return None, None
    sources = [i for i, span in enumerate(spans) if span[2] == SOURCE]
    cues = [i for i, span in enumerate(spans) if span[2] == CUE]
    if not sources and not cues:
        return tuple(spans), (ImportedClaimant(None, None) if carries_claimant(meta) else None)
    rest = tuple(span for span in spans if span[2] not in (SOURCE, CUE))
    # a relation drawn either way round ties a source to a cue
    linked = [(a, b) if a in sources else (b, a) for a, b in pairs if {a, b} & set(sources) and {a, b} & set(cues)]
    if linked:
        source_at, cue_at = linked[0]
    else:
        source_at = sources[0] if sources else None
        cue_at = cues[0] if cues else None
    source = spans[source_at][:2] if source_at is not None else None
    cue = spans[cue_at][:2] if cue_at is not None else None
    return rest, ImportedClaimant(source, cue)  # type: ignore[arg-type]


def related(ids: Sequence[Any], relations: Sequence[tuple[Any, Any]]) -> list[tuple[int, int]]:
    """``relations`` between region ids as pairs of indexes into ``ids`` (unknown ids left out)."""
    if not relations:
        return []
    at: dict[Any, list[int]] = {}
    for index, region in enumerate(ids):
        if region is not None and not isinstance(region, (dict, list)):
            at.setdefault(region, []).append(index)
    return [
        (a, b)
        for start, end in relations
        if not isinstance(start, (dict, list)) and not isinstance(end, (dict, list))
        for a in at.get(start, ())
        for b in at.get(end, ())
    ]


def claimant_mark(
    text: str, start: int, end: int, found: Attribution | None, stored: str, imported: ImportedClaimant
) -> ClaimantMark | None | bool:
    """The correction to store for a sentence ``[start, end)`` of ``text`` when a record
    says ``imported``: True to leave the stored one (``stored``) as it is, None to clear
    it (the record says what the analysis says), else the new :class:`ClaimantMark`.

    Compared as the export wrote it: only the parts inside the sentence count, so an
    export whose source lay outside its sentence reads back unchanged.
    """
    said = (imported.source, imported.cue)
    now = row_claimant(text, start, end, found, stored)
    if said == (now.source, now.cue):
        return True
    analysis = row_claimant(text, start, end, found, "")
    if said == (analysis.source, analysis.cue):
        return None if stored else True
    if imported.source is None and imported.cue is None:
        return ClaimantMark(no_source=True)
    return ClaimantMark(source=imported.source, cue=imported.cue)
