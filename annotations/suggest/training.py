"""The store's labels as training examples, and one training run from the store's files.

`train_from_files` is what the app's training child process runs: it reads the store
(read-only), the labelled articles' files and their cached analyses itself, and
scores the corpus with the new model, so the app process only sends a
`TrainingRequest` (paths and article ids) and gets a `TrainingResult` back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from annotations.suggest.features import SentenceInput, spans_in
from annotations.suggest.model import ClaimModel, Example, ScoredSentences, Suggester, fit, models_dir, save_model

if TYPE_CHECKING:
    from annotations.scheme import Scheme
    from annotations.store import Store
    from corpus.analysis import Analyzer
    from corpus.model import Article


def examples_from_store(
    store: Store, article_of: Callable[[str], Article | None] | None = None, analyzer: Analyzer | None = None
) -> list[Example]:
    """Every labelled sentence of the store (all annotators), with the spans of its cached analysis.

    ``article_of`` finds an article by id (see `articles_by_file`). Only reads: article
    files and analyses from the cache (never spaCy). A sentence whose article is gone
    or not analysed is still an example, by its text alone.
    """
    examples: list[Example] = []
    # Every annotator's shard (and the adjudicated gold one): the model learns from the team.
    shards = store.shards(gold=True) if hasattr(store, "shards") else [store]
    for stored in (stored for shard in shards for stored in shard.stored_articles()):
        if stored.error is not None or not any(record.label is not None for record in stored.labels):
            continue
        article = article_of(stored.article_id) if article_of is not None else None
        analysis = analyzer.cached(article) if article is not None and analyzer is not None else None
        spans = [(s.start, s.end, s.label) for s in analysis.spans] if analysis is not None else []
        for record in stored.labels:
            if record.label is None:
                continue
            here = article is not None and article.text[record.start : record.end] == record.text
            inside = spans_in(record.start, record.end, spans) if here else ()
            examples.append(Example(SentenceInput(record.text, inside), record.label))
    return examples


def articles_by_file(root: Path) -> Callable[[str], Article | None]:
    """Find an article of the corpus at ``root`` by id, reading only its own file (once).

    An id is the file's path under the root (plus ``#...`` for a record of a JSONL/JSON
    file), so only the labelled articles' files are read, not the whole corpus.
    """
    from corpus.articles import read_file
    from corpus.model import Article

    files: dict[str, dict[str, Article]] = {}

    def article_of(article_id: str) -> Article | None:
        rel = article_id.partition("#")[0]
        if rel not in files:
            path = root / rel
            items = read_file(path, root, any_suffix=True) if path.is_file() else []
            files[rel] = {item.id: item for item in items if isinstance(item, Article)}
        return files[rel].get(article_id)

    return article_of


@dataclass(frozen=True, slots=True)
class TrainingRequest:
    """What a training run needs to find the labels itself: paths and names only."""

    store_dir: Path
    annotator: str
    corpus_root: Path | None  # the corpus folder the article ids are relative to
    analysis_model: str = ""  # the analyser's model name ("": no cached analyses to use)
    cache_dir: Path | None = None  # the analysis cache of that model
    save: bool = True  # write the model into the store's models/ (False: a read-only store)
    score: tuple[str, ...] = ()  # article ids to score with the new model (cached analyses only)


@dataclass(frozen=True, slots=True)
class ArticleScores:
    """An article scored by a model: its text hash, one suggestion per sentence, and the
    sentences the store's annotator has labelled."""

    digest: str
    suggestions: ScoredSentences
    reviewed: frozenset[int]


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """A training run: the model (None while the labels hold only one side), a one-line
    ``warning`` (the model could not be saved; it is still good to use now), and the
    requested articles scored by the new model (those with a cached analysis)."""

    model: ClaimModel | None
    warning: str | None = None
    scores: dict[str, ArticleScores] = field(default_factory=dict)


def train_from_files(request: TrainingRequest, scheme: Scheme) -> TrainingResult:
    """Gather the examples from the store's files, fit, save with the store, and score
    the requested articles with the new model."""
    from annotations.store import Store

    analyzer = None
    if request.analysis_model and request.cache_dir is not None:
        from corpus.analysis import Analyzer

        analyzer = Analyzer(model=request.analysis_model, cache_dir=request.cache_dir)
    article_of = articles_by_file(request.corpus_root) if request.corpus_root is not None else None
    with Store.open(None, annotator=request.annotator, scheme=scheme, store_dir=request.store_dir, read_only=True) as store:
        model = fit(examples_from_store(store, article_of, analyzer), scheme)
        if model is None:
            return TrainingResult(None)
        scores = _score(Suggester(scheme, model), request.score, article_of, analyzer, store)
    warning = None
    if request.save:
        folder = models_dir(request.store_dir)
        try:
            save_model(model, folder)
        except OSError as failure:
            warning = f"suggestion model not saved in {folder}: {failure.strerror or failure}"
    return TrainingResult(model, warning, scores)


def _score(
    suggester: Suggester,
    article_ids: tuple[str, ...],
    article_of: Callable[[str], Article | None] | None,
    analyzer: Analyzer | None,
    store: Store,
) -> dict[str, ArticleScores]:
    """The articles among ``article_ids`` with a cached analysis, scored (never parses)."""
    from annotations.suggest.features import sentence_inputs
    from corpus.errors import ClaimscopeError

    found: dict[str, ArticleScores] = {}
    if article_of is None or analyzer is None:
        return found
    for article_id in article_ids:
        article = article_of(article_id)
        analysis = analyzer.cached(article) if article is not None else None
        if article is None or analysis is None:
            continue
        try:
            placed = store.placed_labels(article, analysis.sentences).records
            reviewed = frozenset(i for i, record in placed.items() if record.get("label"))
        except (ClaimscopeError, OSError):
            reviewed = frozenset()
        found[article_id] = ArticleScores(article.hash, suggester.suggest_many(sentence_inputs(article, analysis)), reviewed)
    return found
