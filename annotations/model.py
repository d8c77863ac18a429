"""The records the annotation layer hands out: sentence labels, span corrections,
sentence boundary corrections, changes.

They are frozen dataclasses so the app can keep them without fear of them changing
under it; the store replaces a record rather than mutating it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from corpus.model import Attribution

SpanAction = Literal["add", "remove", "relabel"]
ChangeField = Literal["label", "checkworthy", "note", "span", "boundary", "attribution"]
BoundaryAction = Literal["merge", "split"]


def utc_now() -> str:
    """The current time as ISO 8601 UTC with milliseconds (``2024-05-01T09:30:00.123Z``)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class SentenceLabel:
    """What one annotator said about one sentence.

    ``label`` is a scheme label name, or ``None`` while the sentence is unreviewed
    (a record can exist without a label when only a note or the checkworthy flag
    was set). ``text``, ``start``/``end`` and ``article_hash`` are kept so the label
    can be re-anchored when the article text changes.
    """

    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str | None
    checkworthy: bool = False
    note: str = ""
    annotator: str = ""
    created: str = ""
    updated: str = ""
    article_hash: str = ""
    orphan: bool = False
    #: Where the label came from: "" (typed by the annotator) or "suggestion" (accepted with enter).
    source: str = ""
    #: A gold label's provenance (annotations/adjudication.py): the labels it was decided
    #: from, ``"ana=quantity; bob=cause"``; ``annotator`` is who decided, ``updated`` when.
    decided_from: str = ""
    #: Who claims the sentence, as this annotator corrected it (see :class:`ClaimantMark`):
    #: "" (not corrected: the analysis says), "outlet" (no source), or the source and cue
    #: as offsets from the sentence's start: ``"source=0-11;cue=12-16"``.
    attribution: str = ""

    @property
    def reviewed(self) -> bool:
        """True once the sentence has a label (a claim type or not-a-claim)."""
        return self.label is not None

    @property
    def empty(self) -> bool:
        """True when the record says nothing (no label, note, flag or claimant) and can be dropped."""
        return self.label is None and not self.checkworthy and not self.note and not self.attribution

    def to_json(self) -> dict[str, Any]:
        """The record as stored in the article file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentenceLabel:
        """Read a stored record, ignoring keys a newer version may have added.

        Raises ``TypeError`` when a field has the wrong type (a hand-edited file), which
        the store reports as a file without the expected tables.
        """
        if not data.keys() <= _LABEL_FIELDS:
            data = {k: v for k, v in data.items() if k in _LABEL_FIELDS}
        _check_types(data, _LABEL_TYPES)
        return cls(**data)


@dataclass(frozen=True, slots=True)
class SpanCorrection:
    """A change to the model's spans: add a span, remove one, or give one a new label.

    ``start``/``end`` are offsets into the article text; ``text`` is the covered
    text, kept for re-anchoring. ``label`` is the new label (``add``/``relabel``)
    or the empty string (``remove``).
    """

    article_id: str
    action: SpanAction
    start: int
    end: int
    label: str
    text: str
    annotator: str = ""
    created: str = ""
    updated: str = ""
    article_hash: str = ""
    orphan: bool = False

    def to_json(self) -> dict[str, Any]:
        """The record as stored in the article file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpanCorrection:
        """Read a stored record, ignoring unknown keys (``TypeError`` on a wrong type)."""
        data = {k: v for k, v in data.items() if k in _SPAN_FIELDS}
        _check_types(data, _SPAN_TYPES)
        return cls(**data)


_LABEL_FIELDS = frozenset(f.name for f in fields(SentenceLabel))
_SPAN_FIELDS = frozenset(f.name for f in fields(SpanCorrection))

# The JSON types each stored field may have (bool is an int too, so types are compared exactly).
_LABEL_TYPES: dict[str, tuple[type, ...]] = {
    **{name: (str,) for name in ("article_id", "text", "note", "annotator", "created", "updated", "article_hash", "source", "decided_from", "attribution")},
    **{name: (int,) for name in ("sentence_index", "start", "end")},
    "label": (str, type(None)),
    "checkworthy": (bool,),
    "orphan": (bool,),
}
_SPAN_TYPES: dict[str, tuple[type, ...]] = {
    **{name: (str,) for name in ("article_id", "action", "label", "text", "annotator", "created", "updated", "article_hash")},
    "start": (int,),
    "end": (int,),
    "orphan": (bool,),
}


def _check_types(data: dict[str, Any], types: dict[str, tuple[type, ...]]) -> None:
    for name, value in data.items():
        if type(value) not in types[name]:
            raise TypeError(f"{name} is {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class BoundaryCorrection:
    """A sentence boundary removed (``merge``) or added (``split``) at ``second_start``."""

    article_id: str
    action: BoundaryAction
    start: int
    first_end: int
    second_start: int
    end: int
    first: str
    second: str
    annotator: str = ""
    created: str = ""
    updated: str = ""
    article_hash: str = ""
    orphan: bool = False

    @property
    def cut(self) -> int:
        """Where the second piece starts: the boundary's key."""
        return self.second_start

    def to_json(self) -> dict[str, Any]:
        """The record as stored in the ``boundaries`` table."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BoundaryCorrection:
        """Read a stored record, ignoring unknown keys (``TypeError`` on a wrong type)."""
        data = {k: v for k, v in data.items() if k in _BOUNDARY_FIELDS}
        for name, value in data.items():
            if type(value) is not _BOUNDARY_TYPES[name]:
                raise TypeError(f"{name} is {type(value).__name__}")
        if data.get("action") not in ("merge", "split"):
            raise TypeError("action is not merge or split")
        return cls(**data)


_BOUNDARY_FIELDS = frozenset(f.name for f in fields(BoundaryCorrection))
_BOUNDARY_TYPES: dict[str, type] = {
    **{n: str for n in ("article_id", "action", "first", "second", "annotator", "created", "updated", "article_hash")},
    **{n: int for n in ("start", "first_end", "second_start", "end")},
    "orphan": bool,
}


@dataclass(frozen=True, slots=True)
class BoundaryState:
    """An article's boundary corrections and sentence records at one moment: what a
    merge or split changes, and what its undo puts back (one write)."""

    corrections: tuple[BoundaryCorrection, ...]
    labels: tuple[SentenceLabel, ...]
    orphans: tuple[SentenceLabel, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable edit: what changed where, with the records before and after.

    ``sentence_index`` is where the app should move the cursor after undo/redo
    (for span corrections: the sentence holding the span, or ``None``).
    ``before``/``after`` are :class:`SentenceLabel` or :class:`SpanCorrection`
    records, ``None`` meaning "no record"; for a ``boundary`` change (a merge or a
    split) they are :class:`BoundaryState`s (see annotations/boundaries.py).
    """

    article_id: str
    sentence_index: int | None
    field: ChangeField
    before: Any
    after: Any
    span: tuple[int, int] | None = None

    @property
    def description(self) -> str:
        """A short human line, e.g. ``label of sentence 4: quantity -> none``.

        Sentences are numbered from 1 here, as the app shows them (``s4``).
        """
        if self.field == "span" and self.span is not None:
            return f"span {self.span[0]}-{self.span[1]} correction"
        if self.field == "boundary" and self.sentence_index is not None:
            return describe_boundary_change(self.before, self.after, self.sentence_index)
        where = f"sentence {self.sentence_index + 1}"
        old = _field_value(self.before, self.field)
        new = _field_value(self.after, self.field)
        return f"{self.field} of {where}: {old} -> {new}"


@dataclass(frozen=True, slots=True)
class ClaimantMark:
    """A reader's correction of who claims a sentence (``SentenceLabel.attribution``).

    ``no_source``: nobody is said to make it (the outlet's own); else ``source`` and
    ``cue`` are ``(start, end)`` offsets from the sentence's start (either may be None:
    only that part was marked). Relative offsets move with the sentence when its
    label is re-anchored to a changed article.
    """

    no_source: bool = False
    source: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None

    def value(self) -> str:
        """The stored form: "outlet", ``"source=0-11;cue=12-16"``, or "" for no correction."""
        if self.no_source:
            return "outlet"
        parts = [f"{name}={part[0]}-{part[1]}" for name, part in (("source", self.source), ("cue", self.cue)) if part]
        return ";".join(parts)

    @classmethod
    def parse(cls, value: str) -> ClaimantMark | None:
        """The mark a stored value holds; None for "" or a value this version cannot read."""
        if not value:
            return None
        if value == "outlet":
            return cls(no_source=True)
        found: dict[str, tuple[int, int]] = {}
        for part in value.split(";"):
            name, _, where = part.partition("=")
            start, _, end = where.partition("-")
            if name not in ("source", "cue") or not (start.isdigit() and end.isdigit()) or int(start) >= int(end):
                return None
            found[name] = (int(start), int(end))
        return cls(source=found.get("source"), cue=found.get("cue")) if found else None


def corrected_attribution(
    text: str, start: int, end: int, found: Attribution | None, mark: ClaimantMark | None
) -> Attribution | None:
    """Who claims the sentence ``[start, end)`` once a reader's correction is applied.

    ``found`` is the analysis's attribution of the sentence, ``mark`` the reader's
    :class:`~annotations.model.ClaimantMark` (None: no correction, ``found`` stands).
    "No source" gives None (the outlet's own); a marked source or cue replaces the
    analysis's, the other part kept from it; a marked source is its own claimant.
    """
    from corpus.model import Attribution

    if mark is None:
        return found
    if mark.no_source:
        return None
    source = (start + mark.source[0], start + mark.source[1]) if mark.source else (found.source if found else None)
    cue = (start + mark.cue[0], start + mark.cue[1]) if mark.cue else (found.cue if found else None)
    if mark.source:
        claimant = " ".join(text[source[0] : source[1]].split()) if source else None
    else:
        claimant = found.claimant if found else None
    if cue is None:  # a source marked where the analysis found no cue: the cue is unknown
        cue = (source[1], source[1]) if source else (start, start)
    return Attribution(source=source, cue=cue, content=((start, end),), claimant=claimant)


def _field_value(record: SentenceLabel | SpanCorrection | None, name: str) -> str:
    if not isinstance(record, SentenceLabel):
        return "–"
    value = getattr(record, name)
    return "–" if value in (None, "") else str(value)


def describe_boundary_change(before: BoundaryState, after: BoundaryState, index: int) -> str:
    """``merge of sentences 4 and 5`` or ``split of sentence 4``: what a boundary change did
    (sentences numbered from 1, as the app shows them)."""
    added = set(after.corrections) - set(before.corrections)
    removed = set(before.corrections) - set(after.corrections)
    # A correction dropped by its opposite (a split where a merge was) did the opposite.
    merged = any(c.action == "merge" for c in added) or any(c.action == "split" for c in removed)
    return f"merge of sentences {index + 1} and {index + 2}" if merged else f"split of sentence {index + 1}"


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """Progress on one article, as shown in the article list and ``claimscope stats``."""

    article_id: str
    title: str = ""
    reviewed: int = 0
    claims: int = 0
    total: int = 0  # sentences when the article was last opened; 0 if never opened
    orphans: int = 0
    updated: str = ""
    error: str | None = None  # set when the article's store file cannot be read
