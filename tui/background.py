"""Analysis in a child process, so spaCy never holds the UI's GIL.

spaCy's Cython loops keep the GIL for long stretches: analysed in a thread, a long
article froze keys for seconds at a time (benchmarks/tui.py, part 4). The reader's
thread worker therefore hands the article to one long-lived child process (started
on first use with "spawn", which is safe beside Textual's threads) and only waits.
The child loads the model once, writes the analysis cache as usual, and sends the
`Analysis` back. Claim-suggestion models are trained in a second child the same way
(`TrainingProcess`), which also reads the labels it learns from.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from corpus.model import Analysis, Article

# multiprocessing and the process pool are imported when a child is first needed,
# not while the app starts.
if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from annotations.scheme import Scheme
    from annotations.suggest.training import TrainingRequest, TrainingResult

_ANALYZERS: dict[tuple[str, str], Any] = {}


#: What numeric libraries read for their thread count when they load.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def _one_core() -> None:
    """Keep a child's numeric libraries to one thread.

    OpenBLAS and OpenMP start a thread per core: a model fit in the child then took
    both cores of a two-core laptop (1.6 times its wall time in CPU, for no faster
    a fit) and the app waited for a core between keys. The variables cover
    libraries loaded later; threadpoolctl those already loaded.
    """
    for name in _THREAD_VARIABLES:
        os.environ[name] = "1"
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception:  # no threadpoolctl, or a library it cannot steer: only the variables hold
        pass


def _quiet_child() -> None:
    """The child shares the terminal: its warnings must not scribble over the app; and it
    leaves the app a core of its own."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    _one_core()


def start_resource_tracker() -> None:
    """Start multiprocessing's helper process with a real stderr.

    While Textual runs, ``sys.stderr`` is its capture object whose ``fileno()`` is -1,
    and starting the tracker then fails ("bad value(s) in fds_to_keep"). Starting it
    early, or with the real stderr put back for a moment, avoids that.
    """
    from multiprocessing import resource_tracker

    saved = sys.stderr
    try:
        if sys.__stderr__ is not None:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    except Exception:  # no tracker: the pool will say why when it is used
        pass
    finally:
        sys.stderr = saved


def _analyze_in_child(model: str, cache_root: str, article: Article) -> Analysis:
    """Runs in the child: one Analyzer per model, kept for the child's life."""
    from corpus.analysis import Analyzer

    key = (model, cache_root)
    if key not in _ANALYZERS:
        _ANALYZERS[key] = Analyzer(model=model, cache_dir=Path(cache_root))
    return _ANALYZERS[key].analyze(article)


def _background_child() -> None:
    """A quiet child that also yields the CPU to the app: on a two-core laptop a fit
    competing at equal priority delayed label keys by a few milliseconds."""
    _quiet_child()
    try:
        os.nice(5)
    except (AttributeError, OSError):  # no nice() here: equal priority, still apart from the GIL
        pass


def _child_pool(initializer: Callable[[], None] = _quiet_child) -> ProcessPoolExecutor:
    """One quiet "spawn" worker process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start_resource_tracker()
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=initializer)


class AnalysisProcess:
    """A one-worker process pool for `Analyzer.analyze`, created when first needed."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def analyze(self, analyzer: Any, article: Article) -> Analysis:
        """Analyse ``article`` with ``analyzer``'s model and cache, in the child process.

        Blocks the calling (worker) thread only; errors raised in the child, such as
        `ModelNotFoundError`, are raised here.
        """
        if getattr(analyzer, "model_error", None) is not None:
            raise analyzer.model_error  # no child process just to find the model missing
        cache = getattr(analyzer, "cache", None)
        model = getattr(analyzer, "model_name", "")
        if cache is None or not model:
            return analyzer.analyze(article)  # no real pipeline to move out (no model)
        from concurrent.futures.process import BrokenProcessPool

        try:
            if self._pool is None:
                self._pool = _child_pool()
            future: Future[Analysis] = self._pool.submit(_analyze_in_child, model, str(cache.root), article)
            return future.result()
        except (BrokenProcessPool, OSError, RuntimeError):
            # No child process here (sandbox, broken interpreter setup): analyse in this
            # thread instead; slower keys while it runs beat no highlights at all.
            self.close()
            return analyzer.analyze(article)

    def close(self) -> None:
        """Stop the child (an analysis still running is abandoned)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _train_in_child(request: TrainingRequest, scheme: Scheme) -> TrainingResult:
    """Runs in the training child: reading the labels, featurising and scikit-learn all happen there."""
    from annotations.suggest.training import train_from_files

    return train_from_files(request, scheme)


class TrainingProcess:
    """A second one-worker pool that gathers the store's labels and fits claim-suggestion models.

    Apart from the analysis child, so a retraining never delays the analysis of the
    article just opened (nor the other way round). The app sends only a
    `TrainingRequest` (paths and article ids): every file the training reads is read here, so the
    app's GIL is free for keys while it runs.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def train(self, request: TrainingRequest, scheme: Scheme) -> TrainingResult:
        """Train (and save) from the store's files in the child; blocks the calling (worker) thread only.

        Returns what `annotations.suggest.training.train_from_files` returns.
        """
        from concurrent.futures.process import BrokenProcessPool

        future: Future[TrainingResult] | None
        try:
            if self._pool is None:
                self._pool = _child_pool(_background_child)
            future = self._pool.submit(_train_in_child, request, scheme)
        except (BrokenProcessPool, OSError, RuntimeError):
            future = None
        if future is not None:
            try:
                return future.result()  # an error of the training itself is raised here, as it is
            except BrokenProcessPool:
                pass
        self.close()  # no child process here: train in this thread (keys may stutter meanwhile)
        return _train_in_child(request, scheme)

    def close(self) -> None:
        """Stop the child (a training still running is abandoned)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
