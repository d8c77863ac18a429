"""The export formats, by name: one :class:`Format` per module of this package.

As spaCy's registries: a format module builds its :class:`Format` and calls
:func:`register`; ``annotations.formats`` imports every module, so :data:`FORMATS`
is complete once the package is imported. A new format is a new module plus one
import line in ``annotations/formats/__init__.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from annotations.formats.import_records import ImportOptions, ImportReport, ImportRow
    from annotations.formats.rows import ExportRow
    from annotations.scheme import Scheme

Progress = Callable[[int], None]


@dataclass(slots=True)
class WriteContext:
    """What a writer gets besides the rows and the output path.

    ``advance(n)`` reports ``n`` more rows written; ``processes`` is the caller's wish
    for a second writer process (None: the format decides); ``notes`` collects
    one-line warnings for the user (what happened to overlapping spans, ...);
    ``texts`` maps article ids to their whole text, for formats that write articles
    (brat); ``tokens`` article ids to their sentences' cached export tokens
    (``corpus.tokens.SentenceTokens``), which spare the token formats spaCy's tokenizer.
    ``whole`` is set when the rows are one part of a bigger export (see
    :mod:`annotations.export_halves`): what the writer must know of all its rows.
    ``previous`` is the folder a folder format's output replaces, if any: a writer may
    link its unchanged files from there (:func:`annotations.outputs.write_or_link`).
    """

    scheme: Scheme
    advance: Progress
    processes: int | None = None
    notes: list[str] = field(default_factory=list)
    texts: Mapping[str, str] = field(default_factory=dict)
    tokens: Mapping[str, Any] = field(default_factory=dict)
    whole: WholeExport | None = None
    previous: Path | None = None


@dataclass(frozen=True, slots=True)
class WholeExport:
    """What a writer of one part of an export must know of the rows of every part: the
    span labels found in them (tag numbers, label lists) and the annotators named."""

    span_labels: frozenset[str] = frozenset()
    annotators: frozenset[str] = frozenset()

    @classmethod
    def of(cls, rows: Sequence[ExportRow]) -> WholeExport:
        """What ``rows`` hold."""
        return cls(
            frozenset({label for row in rows for _, _, label in row.spans}),
            frozenset({row.annotator for row in rows if row.annotator}),
        )

    def merged(self, other: WholeExport) -> WholeExport:
        """Both parts together."""
        return WholeExport(self.span_labels | other.span_labels, self.annotators | other.annotators)

    def to_json(self) -> dict[str, list[str]]:
        return {"span_labels": sorted(self.span_labels), "annotators": sorted(self.annotators)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WholeExport:
        return cls(frozenset(data["span_labels"]), frozenset(data["annotators"]))


#: ``write(rows, out, context)`` writes ``out`` (a file, or a folder for ``folder``
#: formats) and returns the number of records written.
Writer = Callable[["Sequence[ExportRow]", Path, WriteContext], int]
#: ``read(path, text, scheme, report, options)``: the records of an import file with their
#: line numbers; a bad record is reported with ``report.reject(line, message)`` and skipped.
#: ``options`` is what the user said (``--users``, ``--accept-removals``).
Reader = Callable[
    [Path, str, "Scheme", "ImportReport", "ImportOptions"], "list[tuple[int, ImportRow]]"
]
#: ``join(out, part)``: append the output ``part``, written by the same writer for the
#: rows after those of ``out``, onto ``out``: then ``out`` is what one writer would have
#: written for all the rows.
Joiner = Callable[[Path, Path], None]
#: ``sniff(path, text)``: True when the import file is in this format.
Sniffer = Callable[[Path, str], bool]
#: ``lines(rows, tokens)``: each line of the file for ``rows`` (its newline last) as
#: byte pieces, ``tokens`` as ``WriteContext.tokens``; called batch after batch of rows
#: of one export, in order.
Lines = Callable[["Sequence[ExportRow]", Mapping[str, Any]], "Iterable[Sequence[bytes | memoryview]]"]


@dataclass(frozen=True, slots=True)
class Format:
    """One export format: its name, how it writes and (optionally) reads."""

    name: str
    write: Writer
    suffix: str  # of the file written ("" for a folder format)
    help: str  # a few words for `--format`'s help
    folder: bool = False  # writes a folder of files rather than one file
    overlaps: str = ""  # what the format does with overlapping spans, said after their count
    read: Reader | None = None
    sniff: Sniffer | None = None
    #: Training data (spacy, conll, hf-tokens): one label per sentence, so several
    #: annotators' labels are resolved (gold, else agreed) rather than written side by side.
    training: bool = False
    #: Sentences without a label go to a file of their own (see ``unreviewed_name``):
    #: spaCy would read them as labelled with no class and no spans.
    unreviewed_apart: bool = False
    #: How two parts of an export, split between articles, are joined into one output;
    #: None: the format is written by one process (see :mod:`annotations.export_halves`).
    join: Joiner | None = None
    #: The writer of one part reads ``WriteContext.whole`` (what the rows of every part
    #: hold), so the two processes of a split export wait for each other's rows before
    #: writing; False: each part is written as soon as its own rows are made.
    whole_needed: bool = True
    #: A file of lines (no header, no file-wide part) whose lines can be made batch by
    #: batch: ``lines(scheme)`` gives a fresh :data:`Lines` for one export. With it, a big
    #: export is written in blocks of articles, taken in turn by two processes, each
    #: block straight to its place in the file (see :mod:`annotations.export_halves`).
    lines: Callable[["Scheme"], Lines] | None = None

    def output_name(self, stem: str) -> str:
        """``stem`` plus this format's suffix (a folder format's folder keeps ``stem``)."""
        return stem + self.suffix

    def unreviewed_path(self, out: Path) -> Path:
        """Where the unreviewed sentences go beside ``out``: ``OUT.unreviewed.spacy``
        for ``OUT.spacy`` (any other name: the name plus ``.unreviewed`` + suffix)."""
        stem = out.name[: -len(self.suffix)] if self.suffix and out.name.endswith(self.suffix) else out.name
        return out.with_name(f"{stem}.unreviewed{self.suffix}")


#: Every format by name, in the order they are offered.
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add ``fmt`` to :data:`FORMATS` (a name is registered once)."""
    if fmt.name in FORMATS:
        raise ValueError(f"export format {fmt.name!r} is registered twice")
    FORMATS[fmt.name] = fmt
    return fmt
