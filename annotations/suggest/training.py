"""The store's labels as training examples, and one training run from them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotations.suggest.features import SentenceInput, spans_in
from annotations.suggest.model import ClaimModel, Example, fit, models_dir, save_model

if TYPE_CHECKING:
    from annotations.scheme import Scheme
    from annotations.store import Store
    from corpus.analysis import Analyzer
    from corpus.articles import Corpus


def examples_from_store(store: Store, corpus: Corpus | None = None, analyzer: Analyzer | None = None) -> list[Example]:
    """Every labelled sentence of the store (all annotators), with the spans of its cached analysis.

    Only reads: article files from disk and analyses from the cache (never spaCy), so it
    can run off the UI thread. A sentence whose article is gone or not analysed is
    still an example, by its text alone.
    """
    examples: list[Example] = []
    # Every annotator's shard (and the adjudicated gold one): the model learns from the team.
    shards = store.shards(gold=True) if hasattr(store, "shards") else [store]
    for stored in (stored for shard in shards for stored in shard.stored_articles()):
        if stored.error is not None:
            continue
        article = corpus.get(stored.article_id) if corpus is not None else None
        analysis = analyzer.cached(article) if article is not None and analyzer is not None else None
        spans = [(s.start, s.end, s.label) for s in analysis.spans] if analysis is not None else []
        for record in stored.labels:
            if record.label is None:
                continue
            here = article is not None and article.text[record.start : record.end] == record.text
            inside = spans_in(record.start, record.end, spans) if here else ()
            examples.append(Example(SentenceInput(record.text, inside), record.label))
    return examples


def train_and_save(examples: list[Example], scheme: Scheme, store_path: Path) -> ClaimModel | None:
    """Fit on ``examples`` and save into the store's ``models/`` (None: not enough labels yet)."""
    model = fit(examples, scheme)
    if model is not None:
        save_model(model, models_dir(store_path))
    return model
