"""The small frozen records that cross layers: articles, load errors and analyses.

Every offset is a Python ``str`` index (a code point index) into ``Article.text``,
the article text exactly as decoded from its file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Union

SpanKind = Literal["entity", "figure", "date"]

#: Entity labels shown as ``kind="entity"``.
ENTITY_LABELS: frozenset[str] = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "EVENT",
        "PRODUCT",
        "LAW",
        "WORK_OF_ART",
        "LANGUAGE",
    }
)
#: Labels shown as ``kind="figure"`` (spaCy's numeric labels plus the rule layer's own).
FIGURE_LABELS: frozenset[str] = frozenset(
    {"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "COUNT", "RANGE", "SCORE", "AGE"}
)
#: Labels shown as ``kind="date"``.
DATE_LABELS: frozenset[str] = frozenset({"DATE", "TIME"})


def kind_of(label: str) -> SpanKind:
    """Return the highlight kind a span label belongs to (unknown labels are entities)."""
    if label in FIGURE_LABELS:
        return "figure"
    if label in DATE_LABELS:
        return "date"
    return "entity"


def text_hash(text: str) -> str:
    """A stable hash of an article's text (hex SHA-256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Segment:
    """A paragraph or sentence: ``text[start:end]``.

    ``non_sentence`` marks a sentence that is a heading, caption or credit inside the
    body (``corpus/non_sentences.py``); it does not take part in equality, so a
    sentence is still known by its offsets.
    """

    start: int
    end: int
    non_sentence: bool = field(default=False, compare=False)


#: A figure's value: a number, or ``(low, high)`` for a range (a score keeps its two sides in order).
Value = Union[int, float, tuple[Union[int, float], Union[int, float]]]
#: How a figure relates to its value: ``=`` exact, ``~`` approximate, ``>``/``<`` bounds
#: ("more than", "up to"), ``up``/``down`` a rise or fall by that much ("rose 5%").
Change = Literal["=", "~", ">", "<", "up", "down"]
#: What a reading's value stands for: one ``value``; a ``range`` ``(low, high)`` ("between
#: 10 and 15", "dozens"); a ``score`` ``(home, away)``; a ``duration`` (a stretch of time,
#: "180 days", in a time unit); a ``from-to`` change ``(from, to)`` in the order said, with
#: ``change`` up or down ("fell from $1,200 to $950"); a ``signed`` change written with its
#: sign ("+0.4%", "-0.9%": the value keeps the sign, ``change`` says up or down).
Shape = Literal["value", "range", "score", "duration", "from-to", "signed"]
SHAPES: frozenset[str] = frozenset({"value", "range", "score", "duration", "from-to", "signed"})


@dataclass(frozen=True, slots=True)
class Reading:
    """The normalised reading of a figure (or of a duration date such as ``48 hours``).

    ``unit`` is normalised (``percent``, ``USD``, ``km``, ``year``, ``people``, or the
    counted noun in the singular); ``counted`` is the noun phrase counted, where clear
    (``new recruits`` in ``300,000 new recruits``); ``shape`` says what the value stands
    for (see ``Shape``). See ``corpus/readings.py``.
    """

    value: Value | None
    unit: str | None = None
    change: Change = "="
    counted: str | None = None
    shape: Shape = "value"


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted entity, figure or date: ``text[start:end]`` with a label.

    ``reading`` is the figure's value, unit and change (None for entities, dates that
    are not durations, and spans added by hand); it does not take part in equality,
    so a span is still known by its offsets and label.
    """

    start: int
    end: int
    label: str
    kind: SpanKind
    reading: Reading | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Article:
    """One article read from a corpus.

    ``id`` is the path relative to the corpus root, with ``/`` separators (plus
    ``#id:<its id>`` or ``#t:<text hash>`` for a record of a JSONL/JSON file; see
    ``corpus/articles.py``), so it stays the same when the text of a file changes. ``body_start`` is where the article body begins inside ``text``
    (after any recognised header lines); the text itself is never altered.
    """

    id: str
    path: str
    text: str
    title: str
    meta: Mapping[str, str] = field(default_factory=dict)
    body_start: int = 0
    body_end: int = -1  # -1: the end of the text
    warnings: tuple[str, ...] = ()
    #: The text hash, once asked for (an export asks three times per article: the
    #: cache key of its analysis, its labels' anchoring, and the halves' counts).
    _hash: str = field(default="", init=False, repr=False, compare=False)

    @property
    def hash(self) -> str:
        """The text hash that annotations use to notice changed articles."""
        found = self._hash
        if not found:
            found = text_hash(self.text)
            object.__setattr__(self, "_hash", found)  # frozen: the text it depends on cannot change
        return found

    @property
    def body(self) -> tuple[int, int]:
        """The ``(start, end)`` of the article body within ``text``."""
        end = len(self.text) if self.body_end < 0 else self.body_end
        return self.body_start, end


@dataclass(frozen=True, slots=True)
class ArticleError:
    """A file (or record) that could not be read; the rest of the corpus still loads."""

    id: str
    path: str
    message: str  # one line: what went wrong and why, and what to do where it helps


#: A span as the exports read it, with no ``Span`` object: ``(start, end, label, reading)``.
SpanRow = tuple[int, int, str, Union[Reading, None]]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who claims a statement: ``source`` (who, or None), ``cue`` (the words that
    attribute: said, according to, a headline colon) and ``content`` (what is attributed),
    each ``(start, end)`` into ``Article.text``; ``claimant`` is the source's resolved
    name ("he" read as the person named before), or None where it can't be resolved.
    See ``corpus/attribution.py``.
    """

    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...] = ()
    claimant: str | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the NLP layer found in one article."""

    paragraphs: tuple[Segment, ...]
    sentences: tuple[Segment, ...]
    spans: tuple[Span, ...]
    model: str = ""
    model_version: str = ""
    #: Attributions in the order of their cues (header lines' too).
    attributions: tuple[Attribution, ...] = ()

    def span_rows(self) -> list[SpanRow]:
        """The spans as ``(start, end, label, reading)`` (see :class:`SpanColumns`)."""
        return [(s.start, s.end, s.label, s.reading) for s in self.spans]


class SpanColumns:
    """An analysis read from the cache for a reader of offsets only (export): the
    sentences as :class:`Segment`, the spans kept as the cache's flat columns.

    An export of 100,000 sentences reads ~500,000 spans; building a frozen ``Span``
    for each cost more than reading the files. :meth:`span_rows` gives them as plain
    tuples; ``spans`` and ``paragraphs`` build the records on first use, so this reads
    like an :class:`Analysis` where one is wanted.
    """

    __slots__ = ("sentences", "model", "model_version", "attributions", "tokens", "_flat_paragraphs",
                 "_flat_spans", "_labels", "_readings", "_spans")

    def __init__(
        self,
        sentences: tuple[Segment, ...],
        flat_paragraphs: list[int],
        flat_spans: list[int],
        labels: list[str],
        readings: dict[int, Reading],
        model: str = "",
        model_version: str = "",
        attributions: tuple[Attribution, ...] = (),
        tokens: Any = None,
    ) -> None:
        self.sentences = sentences
        self.model = model
        self.model_version = model_version
        self.attributions = attributions
        #: The sentences' export tokens (``corpus.tokens.SentenceTokens``) when cached with them.
        self.tokens = tokens
        self._flat_paragraphs = flat_paragraphs  # start, end, start, end, ...
        self._flat_spans = flat_spans  # start, end, label index, ...
        self._labels = labels
        self._readings = readings  # span number -> reading
        self._spans: tuple[Span, ...] | None = None

    def span_rows(self) -> list[SpanRow]:
        """The spans as ``(start, end, label, reading)``, in the analysis's order."""
        flat, labels = self._flat_spans, self._labels
        rows = [(s, e, labels[k], None) for s, e, k in zip(flat[0::3], flat[1::3], flat[2::3])]
        for n, reading in self._readings.items():
            s, e, label, _ = rows[n]
            rows[n] = (s, e, label, reading)
        return rows

    def sorted_spans(self) -> tuple[list[tuple[int, int, str]], dict[tuple[int, int, str], Reading]]:
        """What an export's rows read, made from the columns without a row per span:
        the spans as ``(start, -end, label)``, sorted (by start, longest first, then
        label), and the readings by ``(start, end, label)`` (a later span's over an
        earlier one's, as :meth:`span_rows` read in order give them)."""
        flat, labels = self._flat_spans, self._labels
        keyed = sorted(zip(flat[0::3], [-e for e in flat[1::3]], map(labels.__getitem__, flat[2::3])))
        readings: dict[tuple[int, int, str], Reading] = {}
        found = self._readings
        for n in sorted(found):
            reading = found[n]
            if reading is not None:
                at = 3 * n
                readings[(flat[at], flat[at + 1], labels[flat[at + 2]])] = reading
        return keyed, readings

    @property
    def paragraphs(self) -> tuple[Segment, ...]:
        flat = self._flat_paragraphs
        return tuple(Segment(s, e) for s, e in zip(flat[0::2], flat[1::2]))

    @property
    def spans(self) -> tuple[Span, ...]:
        if self._spans is None:
            self._spans = tuple(Span(s, e, label, kind_of(label), reading) for s, e, label, reading in self.span_rows())
        return self._spans

    def analysis(self) -> Analysis:
        """The same analysis as an :class:`Analysis` record."""
        return Analysis(self.paragraphs, self.sentences, self.spans, self.model, self.model_version, self.attributions)
