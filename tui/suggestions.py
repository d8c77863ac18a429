"""The app's claim suggestions: the current model, retraining in the background, scores per article.

The model is read from the store's ``models/`` at start. After every `RETRAIN_EVERY`
labels (and on demand from the palette) a thread worker posts a `TrainingRequest`
(paths only) to the training child process (`tui.background.TrainingProcess`), which
reads the store's labels, featurises, fits, saves the model with the store and
scores the corpus with it, so none of that ever holds the UI's GIL; the new model is
used as soon as it comes back, and drawn (ghost labels, the list's expected claims)
right after the frame of the reader's next key, or after `SHOW_AFTER` seconds without
a key, so that drawing it never delays a key.
Scores for every analysed article of the corpus (cached analyses only: nothing is
parsed for this) feed the list's expected-claims column and "most useful next"
across the corpus.
"""

from __future__ import annotations

import time

from typing import TYPE_CHECKING, Any, Callable, Sequence

from annotations.suggest.features import sentence_inputs
from annotations.suggest.model import ClaimModel, ModelFileError, Suggester, Suggestion, models_dir, read_model
from corpus.errors import ClaimscopeError
from tui.config import ORDER

if TYPE_CHECKING:
    from annotations.suggest.training import ArticleScores, TrainingResult
    from corpus.model import Analysis, Article

#: Retrain after this many new labels.
RETRAIN_EVERY = 5
#: A new model's ghost labels are drawn with the next key, or after this many seconds without one.
SHOW_AFTER = 0.25


class Suggestions:
    """Holds the suggester for one app; every method runs on the UI thread except `_train`."""

    def __init__(self, app: Any, order: str = ORDER[0]) -> None:
        self.app = app
        self.order = order
        #: why the store's model file cannot be used ("model file unreadable: ...; suggestions
        #: from rules"), shown at start; None once a model is trained or when there is no file
        self.problem: str | None = None
        try:
            model = read_model(models_dir(app.store.path))
        except ModelFileError as error:
            model, self.problem = None, str(error)
        self.suggester = Suggester(app.scheme, model)
        self.version = 0  # goes up with every new model: cached scores of older ones are stale
        self.pending = 0  # labels since the last training started
        self.training = False
        self.announce = False
        #: article id -> (model version, article hash, suggestions)
        self._scores: dict[str, tuple[int, str, list[Suggestion]]] = {}
        #: article id -> sentence indexes with a label, for the articles scored across the corpus
        self._reviewed: dict[str, set[int]] = {}
        self.listeners: list[Callable[[], None]] = []  # called when a new model is shown
        self.unshown = False  # a new model is in use whose suggestions are not drawn yet
        self._show_timer: Any = None
        self._after_frame = False  # a draw is queued for right after the current frame

    @property
    def model(self) -> ClaimModel | None:
        return self.suggester.model

    def describe(self) -> str:
        """``model of 120 labels`` or ``rules only``, for the status line and notices."""
        model = self.model
        if model is not None:
            return f"model of {model.trained_on} labels"
        return "rules only (model file unreadable)" if self.problem else "rules only"

    # ------------------------------------------------------------------ scores
    def scored(self, article: Article, analysis: Analysis) -> Sequence[Suggestion] | None:
        """The current model's suggestions for an article if they are at hand (no scoring), else None."""
        kept = self._scores.get(article.id)
        if kept is not None and kept[0] == self.version and kept[1] == article.hash and len(kept[2]) == len(analysis.sentences):
            return kept[2]
        return None

    def for_article(self, article: Article, analysis: Analysis) -> Sequence[Suggestion]:
        """One suggestion per sentence (kept until the article or the model changes)."""
        kept = self.scored(article, analysis)
        if kept is not None:
            return kept
        scores = self.suggester.suggest_many(sentence_inputs(article, analysis))
        self._scores[article.id] = (self.version, article.hash, scores)
        return scores

    def expected(self, article_id: str) -> float | None:
        """The expected number of claims of an article scored so far, else None."""
        kept = self._scores.get(article_id)
        if kept is None:
            return None
        from annotations.suggest.ranking import expected_claims  # not at start-up: nothing is scored yet

        return expected_claims(kept[2])

    def score_corpus(self) -> None:
        """Score every article with a cached analysis, in a thread worker (`corpus_scored` after)."""
        self.app.run_worker(self._score_corpus, thread=True, exclusive=True, group="suggest-corpus",
                            exit_on_error=False, description="score the corpus for suggestions")

    def _score_corpus(self) -> None:
        from textual.worker import get_current_worker

        from annotations.suggest.training import ArticleScores

        worker = get_current_worker()
        app = self.app
        version, suggester = self.version, self.suggester
        found: dict[str, ArticleScores] = {}
        for article in app.corpus.articles:
            if worker.is_cancelled or version != self.version:
                return  # a newer model came with its own scores
            analysis = app.analyzer.cached(article)
            if analysis is None:
                continue
            scores = suggester.suggest_many(sentence_inputs(article, analysis))
            try:
                reviewed = frozenset(i for i, r in app.store.placed_labels(article, analysis.sentences).records.items() if r.get("label"))
            except (ClaimscopeError, OSError):
                reviewed = frozenset()
            found[article.id] = ArticleScores(article.hash, scores, reviewed)
            time.sleep(0)  # hand the GIL to the UI thread between articles: keys stay quick
        app.call_from_thread(self._corpus_scored, version, found)

    def _corpus_scored(self, version: int, found: dict[str, ArticleScores], show: bool = True) -> None:
        if version != self.version:
            return  # a newer model arrived meanwhile; its own scores follow
        for article_id, scored in found.items():
            self._scores[article_id] = (version, scored.digest, scored.suggestions)
            self._reviewed[article_id] = set(scored.reviewed)
        if show:
            self._expected_changed()

    def _expected_changed(self) -> None:
        screen = getattr(self.app, "list_screen", None)
        if screen is not None and hasattr(screen, "expected_changed"):
            screen.expected_changed()

    def note_reviewed(self, article_id: str, reviewed: set[int]) -> None:
        """The reader's labels of an article now (for "most useful next" across the corpus)."""
        self._reviewed[article_id] = set(reviewed)

    def most_useful_article(self, leave_out: str | None = None) -> tuple[str, int] | None:
        """Across the scored corpus: (article id, sentence) of the unreviewed sentence closest to the boundary."""
        from annotations.suggest.ranking import most_useful, uncertainty

        best: tuple[float, str, int] | None = None
        for article_id, (_, _, scores) in self._scores.items():
            if article_id == leave_out:
                continue
            index = most_useful(scores, self._reviewed.get(article_id, set()))
            if index is None:
                continue
            distance = uncertainty(scores[index])
            if best is None or distance < best[0]:
                best = (distance, article_id, index)
        return (best[1], best[2]) if best is not None else None

    # ---------------------------------------------------------------- training
    def labelled(self, count: int = 1) -> None:
        """A person labelled ``count`` sentences: retrain once enough have come in."""
        self.pending += count
        if self.pending >= RETRAIN_EVERY and not self.training:
            self.retrain()

    def retrain(self, announce: bool = False) -> None:
        """Train a new model from the store's labels in the background (never waits).

        ``announce``: say in a notification what came of it (a retrain asked for by name).
        """
        self.announce = announce
        self.pending = 0
        self.training = True
        # Not exclusive: `training` keeps it to one at a time, and a retrain chained from
        # `_trained` must not cancel the worker that is still handing its model over.
        self.app.run_worker(self._train, thread=True, group="retrain", exit_on_error=False,
                            description="retrain claim suggestions")

    def _train(self) -> None:
        """Thread worker: post a request to the training child, which reads the labels, fits,
        saves and scores the corpus; this thread only waits (without the GIL) and hands back."""
        from annotations.suggest.training import TrainingRequest, TrainingResult

        app = self.app
        cache = getattr(app.analyzer, "cache", None)
        app.store.flush()  # the child reads the store files: the queued labels first
        request = TrainingRequest(
            store_dir=app.store.path,
            annotator=app.store.annotator,
            corpus_root=app.corpus.root,
            analysis_model=getattr(app.analyzer, "model_name", "") if cache is not None else "",
            cache_dir=cache.root if cache is not None else None,
            save=not app.store.read_only,
            score=tuple(article.id for article in app.corpus.articles),
        )
        error = None
        try:
            result = app.training_process.train(request, app.scheme)
        except Exception as failure:  # a failed training keeps the previous model
            result, error = TrainingResult(None), f"retraining suggestions failed: {failure}"
        app.call_from_thread(self._trained, result, error)

    def _trained(self, result: TrainingResult, error: str | None) -> None:
        self.training = False
        error = error or result.warning
        if error is not None:
            self.app.notify(error, severity="warning")
        model = result.model
        if model is not None:
            # In use at once (accepting, ordering, scoring); drawn with the next key or pause.
            self.suggester = Suggester(self.app.scheme, model)
            self.problem = None  # a trained model is in use (and saved over the unusable file)
            self.version += 1
            # The child scored the corpus already: the listeners' articles are found scored.
            self._corpus_scored(self.version, result.scores, show=False)
            self.unshown = True
            self._show_when_quiet()
        if self.announce and error is None:
            self.app.notify(f"suggestions: {self.describe()}" if model else "suggestions: rules only until both claims and not-claims are labelled", timeout=4)
        if self.pending >= RETRAIN_EVERY:
            self.retrain()  # labels that came in while this one trained

    # ---------------------------------------------------------------- drawing
    def draw_waiting(self) -> None:
        """Draw a waiting new model right after the frame of the key being handled: the
        reader calls this as it redraws its status line for a key. Drawn in a frame of its
        own at any moment, a model made the next key wait for Textual's next frame slot (up
        to 17 ms) whenever it landed just before that key; drawn inside the key's own frame,
        it made that frame longer. Right after a key's frame, the next key is still tens of
        milliseconds away."""
        if self.unshown and not self._after_frame:
            self._after_frame = True
            self.app.call_after_refresh(self._draw_after_frame)

    def _draw_after_frame(self) -> None:
        self._after_frame = False
        if self.unshown and self.app.is_running:
            self.show()

    def show(self) -> None:
        """Draw the current model's suggestions: the reader's ghost labels, the list's expected claims."""
        self.unshown = False
        self._expected_changed()
        for listener in list(self.listeners):
            listener()

    def _show_when_quiet(self) -> None:
        """Draw a new model once `SHOW_AFTER` seconds pass without a key (if no key draws it first)."""
        if self._show_timer is not None or not self.unshown:
            return
        collector = self.app.collector  # it notes the time of every key and click
        wait = SHOW_AFTER - (collector.clock() - collector.last_input)
        if wait <= 0:
            self.show()
            return

        self._show_timer = self.app.set_timer(wait, self._quiet_timer)

    def _quiet_timer(self) -> None:
        self._show_timer = None
        if self.app.is_running:
            self._show_when_quiet()

    def cycle_order(self) -> str:
        """Switch `space` between reading order and most useful next; returns the new order."""
        self.order = ORDER[(ORDER.index(self.order) + 1) % len(ORDER)]
        return self.order
