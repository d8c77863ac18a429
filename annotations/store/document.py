"""The article document: one article's labels, span corrections and sentence boundaries.

:class:`ArticleAnnotations` reads an article's file, re-anchors its records to the
current text and sentences (``annotations/anchoring.py``, ``annotations/boundaries.py``),
and writes every change durably before it returns (or, with ``Store.write_behind``,
queues it for the store's writer thread, ``writer.py``), recording it in the store's
undo history. It is one class over 500 lines because its writers (``_put_label``,
``_put_span``, ``_put_boundaries``, ``keep_*``) share one rule that must be read in one
place: memory changes only together with the file, inside or outside a ``batch()``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from tinydb import TinyDB
from tinydb.table import Document

from corpus.model import Article, Segment, Span

from annotations.anchoring import anchor_labels, anchor_spans
from annotations.boundaries import (
    anchor_boundaries,
    apply_boundaries,
    countable,
    merged_state,
    split_state,
)
from annotations.errors import CorruptStoreFileError, StoreError
from annotations.migrations import CURRENT_SCHEMA, migrate_article_data
from annotations.model import (
    ArticleSummary,
    BoundaryCorrection,
    BoundaryState,
    Change,
    ClaimantMark,
    SentenceLabel,
    SpanCorrection,
    utc_now,
)
from annotations.storage import AtomicJSONStorage, read_json
from annotations.store.reading import apply_corrections, first_doc, table_docs

if TYPE_CHECKING:
    from annotations.store.opening import Store


class ArticleAnnotations:
    """The labels and span corrections of one article, re-anchored to its sentences.

    ``labels`` maps sentence index -> :class:`SentenceLabel`; ``orphans`` lists
    labels whose sentence is gone. Each setter returns once the change is durable
    on disk (with writes behind: once it is queued) and is recorded for undo. When the article's store file cannot be
    read, ``error`` says why and the article is read-only.
    """

    def __init__(self, store: Store, article: Article, sentences: tuple[Segment, ...]) -> None:
        self._store = store
        self.article_id = article.id
        self.title = article.title
        self.text = article.text
        self.article_hash = article.hash
        self.base_sentences = sentences  # the model's; `sentences` has the boundary corrections
        self.sentences = sentences
        self.boundaries: dict[int, BoundaryCorrection] = {}  # by cut (annotations/boundaries.py)
        self.boundary_orphans: list[BoundaryCorrection] = []
        self.path = store.file_for(article.id)
        self.error: str | None = None
        self.labels: dict[int, SentenceLabel] = {}
        self.orphans: list[SentenceLabel] = []
        self._spans: dict[tuple[int, int], SpanCorrection] = {}
        self.span_orphans: list[SpanCorrection] = []
        self._db: TinyDB | None = None
        self._batch_depth = 0
        self._batch_dirty = False
        #: grows when memory is rolled back to the file after a failed write behind
        #: (writer.py): snapshots queued before that are dropped, never written
        self.generation = 0
        self._json_kept: dict[int, tuple[SentenceLabel, dict[str, Any]]] = {}
        self._load()
        #: the file's content as last made durable (writes behind: what a failure goes back to)
        self.durable: dict[str, dict[str, Any]] | None = self._full_data() if self._db is not None else None

    # ---------------------------------------------------------------- loading

    def _load(self, snapshot: dict[str, Any] | None = None) -> None:
        """Read the article's file (or ``snapshot``, what was last written of it) into memory."""
        storage_read_only = self._store.read_only
        data: dict[str, Any] = {}
        if snapshot is not None or self.path.exists():
            try:
                raw = snapshot if snapshot is not None else read_json(self.path)
                data = migrate_article_data(raw, source=str(self.path))
                labels = [SentenceLabel.from_json(d) for d in table_docs(data.get("labels"))]
                orphans = [SentenceLabel.from_json(d) for d in table_docs(data.get("orphans"))]
                spans = [SpanCorrection.from_json(d) for d in table_docs(data.get("spans"))]
                bounds = [BoundaryCorrection.from_json(d) for d in table_docs(data.get("boundaries"))]
                meta = first_doc(data.get("meta"))
            except StoreError as error:
                self.error = str(error)
                return
            except (TypeError, ValueError, KeyError, AttributeError):
                self.error = (
                    f"store file {self.path} does not have the expected tables; it was left "
                    "untouched: repair it or move it away, then reopen"
                )
                return
        else:
            labels, orphans, spans, bounds, meta = [], [], [], [], {}
            raw = None
        # Boundary corrections first: labels are placed on the corrected sentences.
        self.boundaries, self.boundary_orphans, bounds_changed = anchor_boundaries(
            bounds, self.text, self.article_hash
        )
        self.sentences = apply_boundaries(self.base_sentences, self.boundaries.values())
        placed, lost, labels_changed = anchor_labels(
            labels + orphans, self.text, self.sentences, self.article_hash
        )
        anchored_spans, spans_changed = anchor_spans(spans, self.text, self.article_hash)
        self.labels = placed
        self.orphans = lost
        for c in anchored_spans:
            key = (c.start, c.end)
            if c.orphan or key in self._spans:
                self.span_orphans.append(c if c.orphan else replace(c, orphan=True))
            else:
                self._spans[key] = c
        new_meta = self._counted(
            {
                "article_hash": self.article_hash,
                "article_id": self.article_id,
                "schema": CURRENT_SCHEMA,
                "title": self.title,
            }
        )
        needs_rewrite = raw is not None and snapshot is None and (
            labels_changed or spans_changed or bounds_changed or data is not raw or meta != new_meta
        )
        self._meta = new_meta
        if not storage_read_only:
            self._db = TinyDB(self.path, storage=AtomicJSONStorage)
            if needs_rewrite:
                # One atomic write with everything re-anchored (never a drop-then-insert).
                try:
                    self._write_full()
                except StoreError as error:
                    # The old file stays; the same re-anchoring runs again next time.
                    self._store.notices.append(f"{self.article_id}: re-anchored labels {error}")
                if lost and len(lost) != len(orphans):
                    self._store.notices.append(
                        f"{self.article_id}: {len(lost)} label(s) could not be re-anchored and are kept as orphans"
                    )

    def _full_data(self) -> dict[str, dict[str, Any]]:
        spans = list(self._spans.values()) + self.span_orphans
        return {
            "labels": self._label_docs(),
            "meta": {"1": dict(self._meta)},
            "orphans": {str(n + 1): r.to_json() for n, r in enumerate(self.orphans)},
            "spans": {str(n + 1): c.to_json() for n, c in enumerate(spans)},
            **self._boundary_table(),
        }

    def _label_docs(self) -> dict[str, dict[str, Any]]:
        """The ``labels`` table: each record's JSON made once and reused while the record
        is the same object (records are frozen), so a key in an article with thousands of
        labels does not re-make thousands of dicts. The dicts are never changed after."""
        kept = self._json_kept
        table: dict[str, dict[str, Any]] = {}
        for index, record in sorted(self.labels.items()):
            entry = kept.get(index)
            if entry is None or entry[0] is not record:
                entry = kept[index] = (record, record.to_json())
            table[str(index + 1)] = entry[1]
        if len(kept) > len(self.labels):
            for index in [i for i in kept if i not in self.labels]:
                del kept[index]
        return table

    def _counted(self, meta: dict[str, Any]) -> dict[str, Any]:
        """``meta`` with the sentence count and, when there are any, the indices of the
        non-sentences (headings, captions: progress leaves them out unless labelled)."""
        meta = {k: v for k, v in meta.items() if k != "non_sentences"}
        meta["sentences"] = len(self.sentences)
        skipped = [i for i, s in enumerate(self.sentences) if s.non_sentence]
        if skipped:
            meta["non_sentences"] = skipped
        return meta

    def _boundary_table(self) -> dict[str, dict[str, Any]]:
        """The ``boundaries`` table, left out of files that have none (they stay as they were)."""
        bounds = [self.boundaries[k] for k in sorted(self.boundaries)] + self.boundary_orphans
        return {"boundaries": {str(n + 1): b.to_json() for n, b in enumerate(bounds)}} if bounds else {}

    # -------------------------------------------------------------- queries

    @property
    def read_only(self) -> bool:
        """True when this article cannot be changed (store read-only or file unreadable)."""
        return self._store.read_only or self.error is not None

    @property
    def span_corrections(self) -> tuple[SpanCorrection, ...]:
        """The placed span corrections, by position."""
        return tuple(self._spans[k] for k in sorted(self._spans))

    def label_of(self, index: int) -> str | None:
        """The label name of sentence ``index`` (None when unreviewed)."""
        record = self.labels.get(index)
        return record.label if record else None

    def sentence_of(self, offset: int) -> int | None:
        """The index of the sentence holding character ``offset`` (None if outside all)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            seg = self.sentences[mid]
            if offset < seg.start:
                hi = mid
            elif offset >= seg.end:
                lo = mid + 1
            else:
                return mid
        return None

    def spans(self, model_spans: Sequence[Span]) -> tuple[Span, ...]:
        """``model_spans`` with this article's corrections applied, sorted by position.

        A correction owns its exact ``(start, end)`` range: ``remove`` drops the model
        span there, ``add``/``relabel`` put a span with the corrected label there.
        """
        return apply_corrections(model_spans, self._spans)

    def summary(self) -> ArticleSummary:
        """Progress on this article."""
        reviewed = sum(1 for r in self.labels.values() if r.label is not None)
        claims = sum(1 for r in self.labels.values() if self._store.scheme.is_claim(r.label))
        updated = max((r.updated for r in self.labels.values()), default="")
        return ArticleSummary(
            self.article_id,
            self.title,
            reviewed,
            claims,
            countable(self.sentences, [i for i, r in self.labels.items() if r.label is not None]),
            len(self.orphans),
            updated,
            self.error,
        )

    # ------------------------------------------------------------- changes

    # ``annotator`` defaults to the store's annotator; import passes the file's.

    def set_label(
        self, index: int, label: str | None, *, annotator: str | None = None, source: str = ""
    ) -> SentenceLabel | None:
        """Label sentence ``index`` (a scheme label name, or None to clear); returns the record.

        ``source="suggestion"`` records that the label is an accepted suggestion.
        """
        if label is not None:
            self._store.scheme.require(label)
        return self._change_sentence(index, "label", annotator, label=label, source=source if label else "")

    def decide(self, index: int, label: str, decided_from: str) -> SentenceLabel | None:
        """Record the gold ``label`` of sentence ``index`` (in the gold shard), with the
        labels it was decided from (see :attr:`SentenceLabel.decided_from`); undoable."""
        self._store.scheme.require(label)
        return self._change_sentence(index, "label", None, label=label, decided_from=decided_from)

    def set_checkworthy(
        self, index: int, value: bool, *, annotator: str | None = None
    ) -> SentenceLabel | None:
        """Set or clear the checkworthy flag of sentence ``index``."""
        return self._change_sentence(index, "checkworthy", annotator, checkworthy=bool(value))

    def set_note(self, index: int, note: str, *, annotator: str | None = None) -> SentenceLabel | None:
        """Set the free-text note of sentence ``index`` (empty to clear)."""
        return self._change_sentence(index, "note", annotator, note=str(note))

    def set_claimant(
        self, index: int, mark: ClaimantMark | None, *, annotator: str | None = None
    ) -> SentenceLabel | None:
        """Correct who claims sentence ``index``: a :class:`ClaimantMark` (offsets from
        the sentence's start, inside it), or None to go back to what the analysis says."""
        value = ""
        if mark is not None:
            if 0 <= index < len(self.sentences):
                length = self.sentences[index].end - self.sentences[index].start
                for part in (mark.source, mark.cue):
                    if part is not None and not 0 <= part[0] < part[1] <= length:
                        raise StoreError(f"{part[0]}-{part[1]} is not inside sentence {index + 1} of {self.article_id}")
            value = mark.value()
        return self._change_sentence(index, "attribution", annotator, attribution=value)

    def add_span(
        self, start: int, end: int, label: str, *, annotator: str | None = None
    ) -> SpanCorrection:
        """Add a span ``text[start:end]`` with ``label`` (replacing any correction there)."""
        return self._change_span(start, end, "add", _check_span_label(label), annotator)

    def remove_span(self, start: int, end: int, *, annotator: str | None = None) -> SpanCorrection:
        """Hide the model's span at exactly ``start:end``."""
        return self._change_span(start, end, "remove", "", annotator)

    def relabel_span(
        self, start: int, end: int, label: str, *, annotator: str | None = None
    ) -> SpanCorrection:
        """Give the span at exactly ``start:end`` a new label."""
        return self._change_span(start, end, "relabel", _check_span_label(label), annotator)

    def _check_writable(self) -> None:
        if self.error is not None:
            raise CorruptStoreFileError(f"cannot save {self.article_id}: {self.error}")
        self._store.check_writable()

    def _change_sentence(
        self, index: int, field: str, annotator: str | None, **values: Any
    ) -> SentenceLabel | None:
        self._check_writable()
        if not isinstance(index, int) or not 0 <= index < len(self.sentences):
            raise StoreError(
                f"sentence {index} does not exist in {self.article_id} "
                f"(it has {len(self.sentences)} sentences)"
            )
        before = self.labels.get(index)
        if before is not None and all(getattr(before, k) == v for k, v in values.items()):
            return before  # nothing changes: no write, no undo step
        if before is None and not any(values.values()):
            return None  # clearing what is not there
        now = utc_now()
        seg = self.sentences[index]
        base = before or SentenceLabel(
            article_id=self.article_id,
            sentence_index=index,
            start=seg.start,
            end=seg.end,
            text=self.text[seg.start : seg.end],
            label=None,
            created=now,
            article_hash=self.article_hash,
        )
        after: SentenceLabel | None = replace(
            base, annotator=annotator or self._store.annotator, updated=now, **values
        )
        assert after is not None
        if after.empty:
            after = None
        self._put_label(index, after)
        self._store._record(Change(self.article_id, index, field, before, after))  # type: ignore[arg-type]
        return after

    def _change_span(
        self, start: int, end: int, action: str, label: str, annotator: str | None = None
    ) -> SpanCorrection:
        self._check_writable()
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text)):
            raise StoreError(
                f"span {start}-{end} is outside {self.article_id} (its text has {len(self.text)} characters)"
            )
        key = (start, end)
        before = self._spans.get(key)
        now = utc_now()
        after = SpanCorrection(
            article_id=self.article_id,
            action=action,  # type: ignore[arg-type]
            start=start,
            end=end,
            label=label,
            text=self.text[start:end],
            annotator=annotator or self._store.annotator,
            created=before.created if before else now,
            updated=now,
            article_hash=self.article_hash,
        )
        if before is not None and (before.action, before.label) == (action, label):
            return before
        self._put_span(key, after)
        self._store._record(
            Change(self.article_id, self.sentence_of(start), "span", before, after, span=key)
        )
        return after

    @contextmanager
    def batch(self) -> Iterator[ArticleAnnotations]:
        """Group many changes into one write at the end (import, bulk edits).

        Inside the block changes are kept in memory only; they become durable when
        the block exits (also on an exception, for the changes made so far).
        """
        self._check_writable()
        store = self._store
        undo_mark, redo_before = len(store._undo), list(store._redo)
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._batch_dirty:
                self._batch_dirty = False
                try:
                    self._save()
                except BaseException:
                    # Nothing of the batch reached the disk: show what is there instead,
                    # and forget undo steps for changes that were never saved.
                    del store._undo[undo_mark:]
                    store._redo[:] = redo_before
                    self._reload()
                    raise
                # The batch is one undo step (one `u` takes back a labelled range).
                steps = store._undo[undo_mark:]
                if len(steps) > 1:
                    store._undo[undo_mark:] = [tuple(change for step in steps for change in step)]
                if store._undo[undo_mark:]:
                    store._note_unsaved(self, "do", store._undo[-1], tuple(redo_before))

    def _reload(self) -> None:
        """Drop the in-memory state and read the article's file again."""
        self.labels, self.orphans, self._spans, self.span_orphans = {}, [], {}, []
        self.error = None
        self._load()
        self._store._note_summary(self)

    # Sentence boundaries (``annotations/boundaries.py``): a merge or split is one
    # undo step that puts the boundaries and every sentence record back in one write.

    def merge_sentences(self, index: int, *, annotator: str | None = None) -> None:
        """Merge sentence ``index`` with the next one (``m``); labels as boundaries.py says."""
        self._check_writable()
        self._change_boundaries(index, merged_state(self, index, annotator or self._store.annotator))

    def split_sentence(self, index: int, at: int, *, annotator: str | None = None) -> None:
        """Split sentence ``index`` before the character offset ``at`` (``S`` in span mode)."""
        self._check_writable()
        self._change_boundaries(index, split_state(self, index, at, annotator or self._store.annotator))

    def _change_boundaries(self, index: int, after: BoundaryState) -> None:
        before = BoundaryState(
            tuple(self.boundaries[k] for k in sorted(self.boundaries)),
            tuple(self.labels[i] for i in sorted(self.labels)),
            tuple(self.orphans),
        )
        self._put_boundaries(after)
        self._store._record(Change(self.article_id, index, "boundary", before, after))

    def _put_boundaries(self, state: BoundaryState) -> None:
        self._check_writable()
        previous = (self.boundaries, self.sentences, self.labels, self.orphans, self._meta)
        self.boundaries = {c.cut: c for c in state.corrections}
        self.sentences = apply_boundaries(self.base_sentences, state.corrections)
        self.labels = {r.sentence_index: r for r in state.labels}
        self.orphans = list(state.orphans)
        self._meta = self._counted(self._meta)
        try:
            if self._batch_depth:
                self._batch_dirty = True
            else:
                self._save()
        except BaseException:
            self.boundaries, self.sentences, self.labels, self.orphans, self._meta = previous
            raise
        self._store._note_summary(self)

    # Merging (``annotations/merge.py``): records keep their annotator and times, and
    # are not undo steps. Use inside ``batch()``.

    def keep_label(self, index: int, record: SentenceLabel) -> SentenceLabel:
        """Put ``record`` (from another store) on sentence ``index`` as it is."""
        self._check_writable()
        seg = self.sentences[index]
        record = replace(
            record,
            article_id=self.article_id,
            sentence_index=index,
            start=seg.start,
            end=seg.end,
            text=self.text[seg.start : seg.end],
            article_hash=self.article_hash,
            orphan=False,
        )
        self._put_label(index, record)
        return record

    def keep_orphan(self, record: SentenceLabel | SpanCorrection) -> None:
        """Keep a label or span correction (from another store) that fits nowhere here."""
        self._check_writable()
        record = replace(record, article_id=self.article_id, orphan=True)
        kept: list[Any] = self.orphans if isinstance(record, SentenceLabel) else self.span_orphans
        kept.append(record)
        if self._batch_depth:
            self._batch_dirty = True
        else:
            try:
                self._save()
            except BaseException:
                kept.pop()  # memory stays as the file is
                raise
        self._store._note_summary(self)

    def keep_span(self, record: SpanCorrection) -> None:
        """Put a placed span correction (from another store) at its offsets as it is."""
        self._put_span((record.start, record.end), replace(record, article_id=self.article_id))

    # The two writers below are also what undo/redo use.

    def _put_label(self, index: int, record: SentenceLabel | None) -> None:
        self._check_writable()
        assert self._db is not None
        previous = _replace_entry(self.labels, index, record)
        try:
            if self._batch_depth:
                self._batch_dirty = True
            elif self._store._writer is not None:
                self._save()
            elif not self.path.exists():
                self._write_full()  # first change: meta and label in one write
            elif record is None:
                self._db.table("labels").remove(doc_ids=[index + 1])
            elif previous is not None:
                # update/insert rather than upsert: upsert of a new doc reads and writes twice.
                self._db.table("labels").update(record.to_json(), doc_ids=[index + 1])
            else:
                self._db.table("labels").insert(Document(record.to_json(), doc_id=index + 1))
        except BaseException:
            _replace_entry(self.labels, index, previous)  # memory stays as the file is
            raise
        self._store._note_summary(self)

    def _put_span(self, key: tuple[int, int], record: SpanCorrection | None) -> None:
        self._check_writable()
        previous = _replace_entry(self._spans, key, record)
        try:
            if self._batch_depth:
                self._batch_dirty = True
            elif self._store._writer is not None or not self.path.exists():
                self._save()
            else:
                # Span corrections are few per article: rewrite their table in one write.
                self._write_table("spans", list(self._spans.values()) + self.span_orphans)
        except BaseException:
            _replace_entry(self._spans, key, previous)  # memory stays as the file is
            raise
        self._store._note_summary(self)

    def _write_full(self) -> None:
        assert self._db is not None
        self._db.storage.write(self._full_data())

    def _save(self) -> None:
        """Make the file what memory holds: written now, or queued for the store's writer
        thread (``write_behind``), which makes it durable after this returns."""
        writer = self._store._writer
        if writer is None:
            self._write_full()
            return
        assert self._db is not None
        writer.submit(self.article_id, self.generation, self._db.storage, self._full_data())

    def _roll_back(self) -> None:
        """After a failed write behind: memory becomes what was last made durable of the
        file (not a read of it: its folder may be gone), under a new generation (the
        writer drops the old generation's queued snapshots)."""
        self.generation += 1
        self._json_kept = {}
        self.labels, self.orphans, self._spans, self.span_orphans = {}, [], {}, []
        self.error = None
        self._load(self.durable)
        self._store._note_summary(self)

    def _write_table(self, name: str, records: Sequence[SpanCorrection]) -> None:
        assert self._db is not None
        data = dict(self._db.storage.read() or {})
        data[name] = {str(n + 1): r.to_json() for n, r in enumerate(records)}
        self._db.storage.write(data)


def _replace_entry(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    """Set ``mapping[key]`` to ``value`` (remove it for None); return what was there."""
    previous = mapping.get(key)
    if value is None:
        mapping.pop(key, None)
    else:
        mapping[key] = value
    return previous


def _check_span_label(label: str) -> str:
    if not isinstance(label, str) or not label.strip() or any(ch.isspace() for ch in label):
        raise StoreError(f"span label {label!r} must be one word such as PERSON, MONEY or DATE")
    return label
