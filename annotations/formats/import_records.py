"""The records of an import: a format's reader turns a file into :class:`ImportRow`
records, rejecting bad lines (:class:`LineError`) into an :class:`ImportReport`;
:class:`ImportOptions` is what the user said about the import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from annotations.formats.claimant import ImportedClaimant

class LineError(Exception):
    """One bad input line; the message is shown after ``line N: ``."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user said about an import: names for a tool's bare user ids
    (``--users``), and whether removals a lossy format may have caused are applied
    (``--accept-removals``)."""

    users: Mapping[str, str] = field(default_factory=dict)
    accept_removals: bool = False


#: Why a record's missing spans may not be removals (see :attr:`ImportRow.span_loss`).
SPAN_LOSS = {
    "overlaps": "the tool cannot hold overlapping spans (doccano without \"Allow overlapping "
    "spans\", Prodigy's ner.manual) and may have dropped one of two",
    "all": "the annotation holds no spans at all, so the file cannot tell spans taken off "
    "from spans its project never showed",
}


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts, and one message per rejected line (or skipped article)."""

    lines: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, with a change worth knowing
    spans_added: int = 0
    spans_removed: int = 0
    spans_relabelled: int = 0
    #: Line numbers of the labels a record took off (one per label).
    cleared: list[int] = field(default_factory=list)
    #: Line numbers of span removals not applied (one per span), and why (SPAN_LOSS keys).
    held: list[int] = field(default_factory=list)
    held_why: set[str] = field(default_factory=set)
    #: Line numbers of spans whose offsets the tool counted in another unit, by the unit
    #: as said to the user (see :func:`annotations.formats.offsets.converted`).
    converted: dict[str, list[int]] = field(default_factory=dict)
    #: Label Studio user ids imported as "label-studio user N" (no name for them).
    unnamed_users: set[str] = field(default_factory=set)

    def reject(self, number: int, message: str) -> None:
        """Line ``number`` is not imported, because of ``message``."""
        self.rejected += 1
        self.errors.append(f"line {number}: {message}")

    def summary(self) -> str:
        """The one-line summary: records, then spans and cleared labels."""
        line = (
            f"{self.lines} lines: {self.imported} imported, {self.unchanged} unchanged, "
            f"{self.rejected} rejected; spans: {self.spans_added} added, {self.spans_removed} removed"
        )
        if self.spans_relabelled:
            line += f", {self.spans_relabelled} relabelled"
        if self.held:
            line += f", {_count(len(self.held), 'removal')} held back"
        if self.cleared:
            line += f"; {_count(len(self.cleared), 'label')} cleared"
        return line

    def notes(self) -> list[str]:
        """Lines to show after the summary: what was held back and how to apply it, what was
        cleared, which offsets were converted, which users have no name."""
        out: list[str] = []
        if self.held:
            why = "; ".join(SPAN_LOSS[k] for k in sorted(self.held_why))
            out.append(
                f"{_count(len(self.held), 'span removal')} held back ({_lines(self.held)}): {why}; "
                "to remove them, import the file again with --accept-removals"
            )
        if self.cleared:
            out.append(
                f"{_count(len(self.cleared), 'label')} cleared, taken off in the file "
                f"({_lines(self.cleared)})"
            )
        for unit, numbers in sorted(self.converted.items()):
            out.append(
                f"{_count(len(numbers), 'span')} counted in {unit}, read as characters "
                f"({_lines(numbers)})"
            )
        if self.unnamed_users:
            ids = sorted(self.unnamed_users, key=lambda x: (len(x), x))
            out.append(
                f"Label Studio user{'s' if len(ids) > 1 else ''} {', '.join(ids)} imported as "
                f"'label-studio user N'; name them with --users {ids[0]}=NAME,..."
            )
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _lines(numbers: list[int]) -> str:
    """``line 4`` or ``lines 2, 5, 9`` (the first ten, then how many more)."""
    unique = sorted(set(numbers))
    shown = ", ".join(map(str, unique[:10])) + (f" and {len(unique) - 10} more" if len(unique) > 10 else "")
    return f"line{'s' if len(unique) > 1 else ''} {shown}"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One record of an import file, before it is matched to a sentence."""

    article_id: str
    sentence_index: int | None
    text: str
    label: str | None  # None: leave the stored label alone
    spans: tuple[tuple[int, int, str], ...] | None  # None: leave spans alone
    annotator: str | None
    checkworthy: bool | None
    note: str | None
    updated: str | None = None  # when the label was made (CSV); None: now
    #: The record takes the label off (``label`` is then None): doccano's ``"label": []``.
    clear_label: bool = False
    #: What the record's tool may have lost, so that a span missing from ``spans`` is not
    #: surely a removal: ``"overlaps"`` (it cannot hold overlapping spans), ``"all"`` (it
    #: carried no spans at all), ``"blank"`` (the export left out spans over white space).
    span_loss: tuple[str, ...] = ()
    #: ``spans`` are offsets as the tool stored them, maybe UTF-16 units or grapheme
    #: clusters: read against the sentence when it is found (annotations/formats/offsets.py).
    tool_offsets: bool = False
    #: With ``tool_offsets``: the text each span says it holds (None: not said).
    span_texts: tuple[str | None, ...] = ()
    #: Who claims the sentence, as the record says (its SOURCE and CUE spans, taken out of
    #: ``spans``); None: the record says nothing of it (annotations/formats/claimant.py).
    claimant: ImportedClaimant | None = None
    #: With ``tool_offsets``: the text the record's SOURCE and CUE say they hold (None:
    #: not said), so that they are read in the tool's unit as the other spans are.
    claimant_texts: tuple[str | None, str | None] = (None, None)

    @classmethod
    def from_meta(
        cls,
        *,
        article_id: str,
        sentence_index: int | None,
        text: str,
        label: str | None,
        spans: tuple[tuple[int, int, str], ...] | None,
        meta: dict[str, Any],
        annotator: Any,
        **extra: Any,
    ) -> ImportRow:
        """A record from a JSON line: ``meta``'s check-worthy flag and note, and the
        annotator, are kept only when they have the right type (a file may hold anything)."""
        checkworthy, note = meta.get("checkworthy"), meta.get("note")
        return cls(
            article_id=article_id,
            sentence_index=sentence_index,
            text=text,
            label=label,
            spans=spans,
            annotator=annotator if isinstance(annotator, str) and annotator else None,
            checkworthy=checkworthy if isinstance(checkworthy, bool) else None,
            note=note if isinstance(note, str) else None,
            **extra,
        )


#: An import file's records, each with its line number (what a reader gives).
Numbered = list[tuple[int, ImportRow]]
