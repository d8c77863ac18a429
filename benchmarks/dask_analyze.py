"""Articles per second: `analyze` on 1 process, 2 local processes and a 2-worker Dask
LocalCluster, beside raw ``nlp.pipe`` over the same texts, in the same run.

    python benchmarks/dask_analyze.py [--articles 2000]
    python benchmarks/dask_analyze.py --quick    # 20 articles (CI: does it still run?)

The corpus is generated: short synthetic news articles (a headline and three
paragraphs with figures, dates and names), written to a temp folder. Each analyser
run starts from an empty cache; the Dask figure includes starting the cluster and a
spaCy load in each worker, as a real run would. Without dask installed (the test
extra has it) the Dask row says it was skipped and the others run.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.analysis import Analyzer  # noqa: E402
from corpus.articles import load_corpus  # noqa: E402
from corpus.cluster import Scheduler, analyze_on_dask  # noqa: E402
from corpus.models import load_nlp, resolve_model  # noqa: E402

TOWNS = ["Westhaven", "Brookfield", "Eastmere", "Lowton", "Harrow Bay", "Kingsford", "Milbridge"]
PEOPLE = ["Maria Jensen", "Tom Reyes", "Aisha Patel", "Jonas Berg", "Lucy Okafor", "Pavel Novak"]
THINGS = ["new recruits", "homes", "teachers", "nurses", "buses", "students", "visitors"]


def article(n: int, rng: random.Random) -> str:
    town, person, thing = rng.choice(TOWNS), rng.choice(PEOPLE), rng.choice(THINGS)
    count, share, money = rng.randint(20, 900_000), rng.randint(1, 99), rng.randint(2, 900)
    year = rng.randint(1990, 2024)
    return (
        f"{town} council report {n}\n\n"
        f"{town} will add {count:,} {thing} by {year + 5}, the council said on Tuesday.\n\n"
        f"Spending rose by {share}% to £{money} million, up from {rng.randint(1, 9)}.{rng.randint(0, 9)}bn "
        f"in {year}, according to {person}.\n\n"
        f"More than a fifth of residents backed the plan, and about {rng.randint(2, 40)} groups objected "
        f"within {rng.randint(2, 72)} hours.\n"
    )


def timed(label: str, count: int, run) -> float:
    began = time.perf_counter()
    run()
    seconds = time.perf_counter() - began
    print(f"{label:<40} {count / seconds:8.1f} articles/s  ({seconds:.1f} s)", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="20 articles (CI)")
    args = parser.parse_args()
    if args.quick:
        args.articles = 20
    rng = random.Random(12)
    work = Path(tempfile.mkdtemp(prefix="claimscope-dask-bench-"))
    try:
        corpus_dir = work / "corpus"
        corpus_dir.mkdir()
        for n in range(args.articles):
            (corpus_dir / f"a{n:05d}.txt").write_text(article(n, rng), encoding="utf-8")
        articles = load_corpus(corpus_dir).articles
        texts = [a.text[a.body_start :] for a in articles]
        print(f"{len(articles)} synthetic articles, {sum(map(len, texts)):,} characters, model {resolve_model()}")
        nlp = load_nlp(resolve_model())  # loaded before the clock: every row below pays no load but Dask's

        timed("raw nlp.pipe, 1 process", len(texts), lambda: sum(1 for _ in nlp.pipe(texts, batch_size=64)))

        def analyze(processes: int, cache: str) -> None:
            analyzer = Analyzer(cache_dir=work / cache)
            for _ in analyzer.analyze_many(articles, n_process=processes, batch_size=64):
                pass
            assert analyzer.stats.analysed == len(articles)

        timed("claimscope analyze, 1 process", len(articles), lambda: analyze(1, "c1"))
        timed("claimscope analyze --processes 2", len(articles), lambda: analyze(2, "c2"))

        def on_dask() -> None:
            analyzer = Analyzer(cache_dir=work / "c3")
            for _ in analyze_on_dask(analyzer, articles, Scheduler(workers=2), batch_size=64):
                pass
            assert analyzer.stats.analysed == len(articles)

        if any(importlib.util.find_spec(name) is None for name in ("dask", "distributed")):
            print(f"{'claimscope analyze --dask local:2':<40} skipped: dask.distributed is not installed "
                  "(pip install -e \".[dask]\")")
        else:
            timed("claimscope analyze --dask local:2", len(articles), on_dask)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
