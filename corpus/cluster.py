"""Analysis on a Dask cluster: ``claimscope analyze PATH --dask SCHEDULER``.

The same analyser runs on the workers: the articles not in the cache go out as a
``dask.bag`` in partitions of ``batch_size`` articles; each worker process loads the
spaCy pipeline once (kept for the life of the process) and analyses its partitions
with ``Analyzer.analyze_many``. The analyses come back here and are saved into this
machine's cache, the one the app reads: the workers need no shared file system.

``SCHEDULER`` is a scheduler address (``tcp://HOST:PORT``, also ``tls://``, ``ws://``,
``inproc://``) or ``local:N`` for a ``LocalCluster`` of N single-threaded worker
processes on this machine. Dask is imported only here, and only when asked for
(``pip install claimscope[dask]``).
"""

from __future__ import annotations

import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from corpus.errors import ClaimscopeError

if TYPE_CHECKING:  # pragma: no cover
    from corpus.analysis import Analyzer
    from corpus.model import Analysis, Article
    from corpus.tokens import SentenceTokens

_LOCAL = re.compile(r"local:(\d+)")
_ADDRESS = re.compile(r"(tcp|tls|ws|wss|inproc|ucx)://\S+")

#: One Analyzer per worker process and model: the spaCy load happens once per worker.
_WORKER_ANALYZERS: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class Scheduler:
    """Where to run: ``workers`` local processes, or the scheduler at ``address``."""

    address: str | None = None
    workers: int = 0


def parse_scheduler(text: str) -> Scheduler:
    """``local:N`` or a scheduler address; anything else is a one-line error."""
    local = _LOCAL.fullmatch(text.strip())
    if local:
        workers = int(local.group(1))
        if workers < 1:
            raise ClaimscopeError("--dask local:N needs N of 1 or more")
        return Scheduler(workers=workers)
    if _ADDRESS.fullmatch(text.strip()):
        return Scheduler(address=text.strip())
    raise ClaimscopeError(
        f"--dask {text!r}: expected a scheduler address (tcp://HOST:PORT) or local:N (N worker processes here)"
    )


def _import_dask() -> tuple[Any, Any]:
    try:
        import dask.bag
        import distributed
    except ImportError as error:
        raise ClaimscopeError(
            f"--dask needs Dask ({error.name or 'dask'} is not installed): pip install 'claimscope[dask]'"
        ) from None
    return dask.bag, distributed


@contextmanager
def dask_client(scheduler: Scheduler) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler`` (a ``LocalCluster`` made and closed here)."""
    _bag, distributed = _import_dask()
    cluster = None
    try:
        if scheduler.address is None:
            cluster = distributed.LocalCluster(
                n_workers=scheduler.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler.address, timeout="10s")
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        where = scheduler.address or f"a local cluster of {scheduler.workers}"
        raise ClaimscopeError(f"cannot reach the Dask scheduler at {where}: {error}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _analyze_partition(
    articles: Sequence[Article], model: str, batch_size: int
) -> list[tuple[str, str, Analysis, int, SentenceTokens | None]]:
    """Runs on a worker: (article id, model version, analysis, tokens, sentence tokens)
    per article.

    The worker's Analyzer caches into its own temporary folder (the results travel
    back and are cached by the client); the token count and the sentences' export
    tokens are read back from it.
    """
    from corpus.analysis import Analyzer

    analyzer = _WORKER_ANALYZERS.get(model)
    if analyzer is None:
        analyzer = _WORKER_ANALYZERS[model] = Analyzer(model=model, cache_dir=tempfile.mkdtemp(prefix="claimscope-dask-"))
    out = []
    for article, analysis in analyzer.analyze_many(articles, batch_size=batch_size):
        counts = analyzer.counts(article)
        columns = analyzer.cache.load_columns(article)
        out.append((
            article.id, analyzer.model_version, analysis, counts.tokens if counts else 0,
            columns.tokens if columns is not None else None,
        ))
    return out


def analyze_on_dask(
    analyzer: Analyzer,
    articles: Sequence[Article],
    scheduler: Scheduler,
    *,
    batch_size: int = 64,
    progress: Callable[[Article, bool], None] | None = None,
) -> Iterator[tuple[Article, Analysis]]:
    """Like ``analyzer.analyze_many`` (cache hits first, then analyses as partitions
    finish), with the parsing on the Dask cluster; every analysis is saved in
    ``analyzer``'s cache. ``analyzer.stats`` counts as ``analyze_many`` does."""
    from corpus.analysis import RunStats

    if analyzer.model_error is not None:
        raise analyzer.model_error
    analyzer.stats = stats = RunStats()
    began = time.perf_counter()
    todo: list[Article] = []
    for article in articles:
        found = analyzer.cached(article)
        if found is None:
            todo.append(article)
            continue
        stats.cached += 1
        if progress is not None:
            progress(article, True)
        yield article, found
    if todo:
        bag_module, distributed = _import_dask()
        by_id = {article.id: article for article in todo}
        with dask_client(scheduler) as client:
            bag = bag_module.from_sequence(todo, partition_size=batch_size)
            parts = bag.map_partitions(_analyze_partition, analyzer.model_name, batch_size).to_delayed()
            futures = client.compute(parts)
            for future in distributed.as_completed(futures):
                for article_id, version, analysis, tokens, sentence_tokens in future.result():
                    if version != analyzer.model_version:
                        raise ClaimscopeError(
                            f"a Dask worker has {analyzer.model_name} {version}, this machine "
                            f"{analyzer.model_version}: install the same model version on the workers"
                        )
                    article = by_id[article_id]
                    analyzer.cache.save(article, analysis, tokens, sentence_tokens)
                    stats.analysed += 1
                    stats.tokens += tokens
                    if progress is not None:
                        progress(article, False)
                    yield article, analysis
    stats.seconds = time.perf_counter() - began
