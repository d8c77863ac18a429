"""Every annotator's shard of a store: read-only views of the others, writers for many.

A :class:`~annotations.store.Store` writes its own annotator's shard
(``annotators/<name>/``); :class:`Shards` gives it read-only views of the other
annotators' shards and of the gold shard, for stats, export, agreement and the side
panel. :class:`ShardWriters` opens (and locks) the shards of other annotators for
writing, for merge and import.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from corpus.model import Article, Segment

from annotations.errors import StoreError
from annotations.model import SentenceLabel
from annotations.scheme import Scheme
from annotations.store.paths import ANNOTATORS_DIR, GOLD_SHARD, annotator_of_folder

if TYPE_CHECKING:
    from annotations.store.document import ArticleAnnotations
    from annotations.store.opening import Store


class Shards:
    """The :class:`~annotations.store.Store`'s views of the other shards (a part of ``Store``)."""

    path: Path
    shard: Path
    annotator: str
    scheme: Scheme
    corpus_root: Path | None
    notices: list[str]

    if TYPE_CHECKING:  # provided by the other parts of Store
        def _article_dir(self) -> Path: ...
        def article(self, article: Article, sentences: Sequence[Segment]) -> ArticleAnnotations: ...

    def shards(self, *, gold: bool = False) -> list[Store]:
        """Every annotator's labels: this store for its own shard and a read-only view of
        each other annotator's, sorted by annotator (``gold=True``: the gold shard's view
        too, last). A store of the old layout, not migrated, is one shard: itself."""
        if self.shard == self.path:
            return [self]
        views: dict[str, Store] = {}
        own = None if self.shard.name == GOLD_SHARD else self.annotator
        folder = self.path / ANNOTATORS_DIR
        names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        for name in names:
            if name == GOLD_SHARD:
                continue
            problems: list[str] = []
            annotator = annotator_of_folder(folder / name, problems)
            self.notices.extend(p for p in problems if p not in self.notices)
            views[annotator] = self if annotator == own else self._view(annotator, folder / name)
        if own is not None and own not in views and self._article_dir().is_dir():
            views[own] = self
        out = [views[k] for k in sorted(views)]
        if gold:
            out.append(self if own is None else self._view(self.annotator, folder / GOLD_SHARD))
        return out

    def others_labels(
        self, article: Article, sentences: Sequence[Segment]
    ) -> dict[int, list[SentenceLabel]]:
        """Sentence index -> the other annotators' labels of it (by annotator), read-only:
        for showing a colleague's labels beside one's own (side panel, review mode)."""
        out: dict[int, list[SentenceLabel]] = {}
        for shard in self.shards():
            if shard is self or not shard.file_for(article.id).exists():
                continue
            for index, record in sorted(shard.article(article, sentences).labels.items()):
                if record.label is not None:
                    out.setdefault(index, []).append(replace(record, annotator=shard.annotator))
        return out

    def gold(self) -> Store:
        """A read-only view of the gold shard (adjudicated labels)."""
        if self.shard.name == GOLD_SHARD:
            return self
        return self._view(self.annotator, self.path / ANNOTATORS_DIR / GOLD_SHARD)

    def _view(self, annotator: str, shard: Path) -> Store:
        view = type(self)(  # Store: this class is one of its parts
            self.path,
            annotator=annotator,
            scheme=self.scheme,
            corpus_root=self.corpus_root,
            lock=None,
            read_only_reason=f"{shard} is another annotator's shard (read-only here)",
            asked_read_only=True,
            shard=shard,
        )
        view._load_index()
        self.notices.extend(n for n in view.notices if n not in self.notices)  # an unreadable index, named
        return view


class ShardWriters:
    """Writable shards of one store, each opened (and locked) once, for writing records
    into the shard of their annotator (merge, import); close them with :meth:`close`.

    :meth:`get` gives None for a shard that cannot be written now (another process
    holds its lock) and keeps the one-line reason in :attr:`refused`.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        own = (store.shard.name == GOLD_SHARD, "" if store.shard.name == GOLD_SHARD else store.annotator)
        self._open: dict[tuple[bool, str], Store | None] = {own: store}
        #: what could not be opened -> why (``labels by 'bob'``, ``gold labels``)
        self.refused: dict[str, str] = {}

    def get(self, annotator: str, *, gold: bool = False) -> Store | None:
        """The writable shard of ``annotator`` (``gold``: the gold shard), or None."""
        key = (gold, "" if gold else annotator)
        if key not in self._open:
            store = self.store
            what = "gold labels" if gold else f"labels by {annotator!r}"
            try:
                writer: Store | None = type(store).open(
                    store.corpus_root, annotator=store.annotator if gold else annotator,
                    scheme=store.scheme, store_dir=store.path, gold=gold,
                )
            except StoreError as error:
                self.refused[what] = str(error)
                writer = None
            else:
                if writer.read_only:
                    self.refused[what] = str(writer.read_only_reason)
                    writer.close()
                    writer = None
            self._open[key] = writer
        return self._open[key]

    def close(self) -> None:
        """Close every shard opened here (never the store it was made from)."""
        for writer in self._open.values():
            if writer is not None and writer is not self.store:
                writer.close()

    def __enter__(self) -> ShardWriters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
