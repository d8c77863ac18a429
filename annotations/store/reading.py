"""Reading an article's file as it is on disk, without opening it for writing.

:class:`StoredArticle` is a file read straight (merge, stats, agreement, training);
:class:`PlacedLabels` is export's fast path: the stored labels placed on the current
sentences from a plain ``json.loads`` when nothing moved (:func:`_place_unchanged`).
:func:`apply_corrections` puts span corrections over the model's spans.
:class:`StoredFiles` gives the :class:`~annotations.store.Store` these readers;
``table_docs``/``first_doc`` read the TinyDB tables of a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from corpus.json_fast import loads_utf8
from corpus.model import Article, Segment, Span, kind_of

from annotations.errors import StoreError
from annotations.migrations import CURRENT_SCHEMA, file_schema, migrate_article_data
from annotations.model import SentenceLabel, SpanCorrection
from annotations.storage import JSON_ERRORS, read_json

if TYPE_CHECKING:
    from annotations.store.document import ArticleAnnotations


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """Everything stored for one article, read straight from its file."""

    article_id: str
    title: str
    article_hash: str
    total: int
    labels: tuple[SentenceLabel, ...]
    orphans: tuple[SentenceLabel, ...]
    spans: tuple[SpanCorrection, ...]
    path: Path
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PlacedLabels:
    """An article's stored labels placed on its current sentences, for reading (export).

    ``records`` maps sentence index -> the label's stored fields, as in the
    ``labels`` table of the article file (``label``, ``annotator``, ``checkworthy``,
    ``note``, ``updated``, ...; see docs/store.md). They are plain dicts because
    export reads 100,000 of them and builds its own rows. ``corrections`` are the
    placed span corrections by ``(start, end)``; ``orphans`` counts labels that fit
    no sentence; ``error`` says why the file could not be read (then nothing else is set).
    ``sentences`` is the corrected sentence list (``annotations/boundaries.py``) the
    indices refer to, None when it is the one given.
    """

    records: dict[int, dict[str, Any]]
    corrections: dict[tuple[int, int], SpanCorrection]
    orphans: int = 0
    error: str | None = None
    sentences: tuple[Segment, ...] | None = None

    def spans(self, model_spans: Sequence[Span]) -> tuple[Span, ...]:
        """``model_spans`` with the corrections applied (see :func:`apply_corrections`)."""
        return apply_corrections(model_spans, self.corrections)


def apply_corrections(
    model_spans: Sequence[Span], corrections: dict[tuple[int, int], SpanCorrection]
) -> tuple[Span, ...]:
    """``model_spans`` with span ``corrections`` applied, sorted by position.

    A correction owns its exact ``(start, end)`` range: ``remove`` drops the model
    span there, ``add``/``relabel`` put a span with the corrected label there.
    """
    if not corrections:
        return tuple(model_spans)
    out = [s for s in model_spans if (s.start, s.end) not in corrections]
    out.extend(
        Span(c.start, c.end, c.label, kind_of(c.label))
        for c in corrections.values()
        if c.action != "remove"
    )
    out.sort(key=lambda s: (s.start, -s.end))
    return tuple(out)


# Fields every stored label has; a record without them takes the slow, checking path.
_LABEL_KEYS = frozenset(("article_id", "sentence_index", "start", "end", "text", "label"))


class StoredFiles:
    """The :class:`~annotations.store.Store`'s readers of its shard's article files as
    they are on disk (a part of ``Store``; it never writes)."""

    if TYPE_CHECKING:  # provided by the other parts of Store
        def _article_dir(self) -> Path: ...
        def file_for(self, article_id: str) -> Path: ...
        def article(self, article: Article, sentences: Sequence[Segment]) -> ArticleAnnotations: ...

    def placed_labels(self, article: Article, sentences: Sequence[Segment]) -> PlacedLabels:
        """The labels of ``article`` placed on ``sentences``, read from disk; never writes.

        The same placement as :meth:`article` gives. The file is parsed as a plain
        ``json.loads`` would (in one pass: ``corpus.json_fast``), and when every record
        still sits on its sentence (the usual case: the article has not changed) the
        records are used as they are, without building a :class:`SentenceLabel` per
        label: exporting 100,000 labels spends its time on the formats, not here. Anything else (a changed article, orphans,
        an old schema, an unreadable file) goes through :meth:`article`.
        """
        path = self.file_for(article.id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return PlacedLabels({}, {})
        except OSError:
            raw = None  # the slow path words the error
        if raw is not None:
            try:
                data = loads_utf8(raw)  # json.loads(raw.decode("utf-8")), in one pass
            except JSON_ERRORS:  # the slow path names the file
                data = None
            if data is not None:
                placed = _place_unchanged(data, article.text, article.hash, sentences)
                if placed is not None:
                    return placed
        doc = self.article(article, sentences)
        if doc.error is not None:
            return PlacedLabels({}, {}, 0, doc.error)
        return PlacedLabels(
            {i: r.to_json() for i, r in sorted(doc.labels.items())},
            dict(doc._spans),
            len(doc.orphans),
            sentences=None if doc.sentences == tuple(sentences) else doc.sentences,
        )

    def stored_articles(self) -> Iterator[StoredArticle]:
        """Every article file of the store, read as it is on disk (migrated in memory)."""
        folder = self._article_dir()
        if not folder.is_dir():
            return
        for file in sorted(folder.glob("*.json")):
            yield self._read_stored(file)

    def _read_stored(self, file: Path) -> StoredArticle:
        try:
            data = migrate_article_data(read_json(file), source=str(file))
            meta = first_doc(data.get("meta"))
            labels = tuple(
                SentenceLabel.from_json(d) for d in table_docs(data.get("labels"))
            )
            orphans = tuple(SentenceLabel.from_json(d) for d in table_docs(data.get("orphans")))
            spans = tuple(SpanCorrection.from_json(d) for d in table_docs(data.get("spans")))
            total = int(meta.get("sentences", 0) or 0)
            # headings and captions count toward progress only once labelled
            total -= len(set(meta.get("non_sentences") or ()) - {r.sentence_index for r in labels if r.reviewed})
        except StoreError as error:
            return StoredArticle(file.stem, "", "", 0, (), (), (), file, str(error))
        except (TypeError, ValueError, KeyError, AttributeError):
            message = (
                f"store file {file} does not have the expected tables; it was left untouched: "
                "repair it or move it away, then reopen"
            )
            return StoredArticle(file.stem, "", "", 0, (), (), (), file, message)
        return StoredArticle(
            str(meta.get("article_id", file.stem)),
            str(meta.get("title", "")),
            str(meta.get("article_hash", "")),
            total,
            tuple(sorted(labels, key=lambda r: r.sentence_index)),
            orphans,
            spans,
            file,
        )


def table_docs(table: Any) -> list[dict[str, Any]]:
    """The documents of a TinyDB table dict in doc-id order."""
    if not table:
        return []
    if not isinstance(table, dict):
        raise TypeError("table is not an object")
    return [table[k] for k in sorted(table, key=lambda k: int(k))]


def _place_unchanged(
    data: Any, text: str, article_hash: str, sentences: Sequence[Segment]
) -> PlacedLabels | None:
    """The file's labels and corrections when all still fit where they were saved, else None.

    "Fit" is what the first pass of :func:`~annotations.anchoring.anchor_labels` and
    :func:`~annotations.anchoring.anchor_spans` accept without moving anything, so
    the result equals theirs; None sends the caller to the full re-anchoring.
    """
    if not isinstance(data, dict) or file_schema(data) != CURRENT_SCHEMA or data.get("orphans") or data.get("boundaries"):
        return None
    labels = data.get("labels") or {}
    spans = data.get("spans") or {}
    if not isinstance(labels, dict) or not isinstance(spans, dict):
        return None
    count = len(sentences)
    records: dict[int, dict[str, Any]] = {}
    for record in labels.values():
        if type(record) is not dict or not _LABEL_KEYS <= record.keys() or record.get("orphan"):
            return None
        i = record["sentence_index"]
        if type(i) is not int or not 0 <= i < count or i in records:
            return None
        seg = sentences[i]
        if (
            record["start"] != seg.start
            or record["end"] != seg.end
            or record.get("article_hash") != article_hash
            or record["text"] != text[seg.start : seg.end]
        ):
            return None
        records[i] = record
    corrections: dict[tuple[int, int], SpanCorrection] = {}
    for record in spans.values():
        try:
            c = SpanCorrection.from_json(record)
        except (TypeError, AttributeError):
            return None
        key = (c.start, c.end)
        if c.orphan or key in corrections or c.article_hash != article_hash:
            return None
        if type(c.start) is not int or type(c.end) is not int or text[c.start : c.end] != c.text:
            return None
        corrections[key] = c
    return PlacedLabels(records, corrections)


def first_doc(table: Any) -> dict[str, Any]:
    docs = table_docs(table)
    return docs[0] if docs else {}

