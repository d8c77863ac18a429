"""Adjudication: the sentences where annotators disagree, and the gold label chosen for each.

Gold labels live in the store's gold shard (``annotators/_gold/``, named in
``annotations/store/paths.py``, opened by ``Store.open(..., gold=True)`` in
``annotations/store/opening.py``): each record's ``label`` is the final label,
``annotator`` who decided, ``updated`` when, and ``decided_from`` the annotators'
labels it was decided from (``"ana=quantity; bob=cause"``). Deciding is undoable like
any label; the list is the same each time it is built, so the review resumes at the
first undecided sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

from corpus.model import Article, Segment

from annotations.model import Change, SentenceLabel
from annotations.store import ArticleAnnotations, Store


@dataclass(frozen=True, slots=True)
class Case:
    """One sentence to adjudicate: every annotator's label of it, by annotator."""

    article: Article
    sentences: tuple[Segment, ...]
    index: int
    labels: tuple[SentenceLabel, ...]

    @property
    def disagree(self) -> bool:
        return len({r.label for r in self.labels}) > 1

    @property
    def text(self) -> str:
        seg = self.sentences[self.index]
        return self.article.text[seg.start : seg.end]

    def context(self, around: int = 1) -> list[tuple[int, str]]:
        """``(index, text)`` of the sentence and ``around`` neighbours each side."""
        lo, hi = max(0, self.index - around), min(len(self.sentences), self.index + around + 1)
        return [(i, self.article.text[s.start : s.end]) for i, s in enumerate(self.sentences[lo:hi], lo)]

    def provenance(self) -> str:
        """``"ana=quantity; bob=cause"``: the labels a gold label is decided from."""
        return "; ".join(f"{r.annotator}={r.label}" for r in self.labels)


#: an article's current sentences (from the analysis cache, or analysed now)
SentencesOf = Callable[[Article], Sequence[Segment]]


class Adjudication:
    """The cases of a corpus and the gold shard their decisions go to.

    ``store`` is the adjudicator's store (the app's); the gold shard is opened with its
    own lock, so two people cannot adjudicate at once (the second is read-only). One
    adjudication holds that lock from its start to :meth:`close`: showing other cases
    (:meth:`find` then :meth:`show`) keeps it, rather than opening a second adjudication
    that would find the lock held by this very process and go read-only.
    """

    def __init__(
        self,
        store: Store,
        articles: Iterable[Article],
        sentences_of: SentencesOf,
        *,
        include_single: bool = False,
    ) -> None:
        self._store = store
        self._articles = tuple(articles)
        self._sentences_of = sentences_of
        self.gold = Store.open(
            store.corpus_root, annotator=store.annotator, scheme=store.scheme,
            store_dir=store.path, gold=True,
        )
        try:
            self.cases = self.find(include_single=include_single)
        except BaseException:
            self.gold.close()  # a failed start must not keep the gold lock
            raise
        self.include_single = include_single
        self._docs: dict[str, ArticleAnnotations] = {}

    def find(self, *, include_single: bool) -> list[Case]:
        """The cases of the same articles, with or without single labels (for :meth:`show`).

        Reads the annotators' shards only, so it may run in a worker thread."""
        return find_cases(self._store.shards(), self._articles, self._sentences_of, include_single=include_single)

    def show(self, cases: list[Case], *, include_single: bool) -> None:
        """Adjudicate ``cases`` (from :meth:`find`) from now on, under the same gold lock."""
        self.cases = cases
        self.include_single = include_single

    @property
    def read_only_reason(self) -> str | None:
        return self.gold.read_only_reason

    def _doc(self, case: Case) -> ArticleAnnotations:
        doc = self._docs.get(case.article.id)
        if doc is None:
            doc = self._docs[case.article.id] = self.gold.article(case.article, case.sentences)
        return doc

    def decision(self, case: Case) -> SentenceLabel | None:
        """The gold record of ``case`` (None while undecided)."""
        return self._doc(case).labels.get(case.index)

    def decide(self, case: Case, label: str) -> SentenceLabel | None:
        """Make ``label`` the gold label of ``case``; durable when this returns."""
        return self._doc(case).decide(case.index, label, case.provenance())

    def undo(self) -> Change | None:
        """Take back the last decision (None when there is none)."""
        return self.gold.undo()

    def first_undecided(self) -> int:
        """The position of the first case without a gold label (0 when all are decided)."""
        return next((n for n, case in enumerate(self.cases) if self.decision(case) is None), 0)

    def progress(self) -> tuple[int, int]:
        """(decided, total) cases."""
        return sum(self.decision(c) is not None for c in self.cases), len(self.cases)

    def close(self) -> None:
        self.gold.close()


def find_cases(
    shards: Sequence[Store],
    articles: Iterable[Article],
    sentences_of: SentencesOf,
    *,
    include_single: bool = False,
) -> list[Case]:
    """Sentences labelled differently by two or more annotators (and, with
    ``include_single``, those labelled by one only), in corpus and sentence order.

    Only articles with a store file in enough shards are analysed.
    """
    need = 1 if include_single else 2
    cases: list[Case] = []
    for article in articles:
        holders = [s for s in shards if s.file_for(article.id).exists()]
        if len(holders) < need:
            continue
        sentences = tuple(sentences_of(article))
        by_index: dict[int, list[SentenceLabel]] = {}
        for shard in holders:
            doc = shard.article(article, sentences)
            for index, record in doc.labels.items():
                if record.label is not None:
                    by_index.setdefault(index, []).append(replace_annotator(record, shard.annotator))
        for index in sorted(by_index):
            labels = tuple(sorted(by_index[index], key=lambda r: r.annotator))
            case = Case(article, sentences, index, labels)
            if (len(labels) >= 2 and case.disagree) or (include_single and len(labels) == 1):
                cases.append(case)
    return cases


def replace_annotator(record: SentenceLabel, annotator: str) -> SentenceLabel:
    """``record`` named by its shard's annotator (an imported record may carry another)."""
    return record if record.annotator == annotator else replace(record, annotator=annotator)
