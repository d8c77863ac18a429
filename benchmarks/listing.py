"""Listing a 10,000-article corpus (metadata + cached counts): time and memory, beside a baseline.

Run: ``python benchmarks/listing.py [--articles N] [--keep DIR]``; ``--quick``: 300
articles (CI: does it still run? the target is not for that size).

Generates N fictional news articles (``.txt`` with a date/section line, a headline
and a dateline) in a temporary folder, fills a private analysis cache for all of them
(synthetic analyses written through ``AnalysisCache.save``: spaCy is not run, the
listing only reads what is stored), then measures in the same run:

* baseline: ``os.walk`` + ``Path.read_text`` of the same files (the least any
  reader must do);
* cold load: ``load_corpus`` with no metadata index yet (parses every header, writes
  the index); also without any index (``index=False``, what every load used to do);
* warm load: ``load_corpus`` reusing the index;
* counts for every article, cold (one analysis file per article, no journal yet)
  and warm (the counts journal);
* the full listing, warm: ``corpus.listing.list_corpus`` = warm load + counts + rows.

Target: listing 10,000 articles (metadata only, analyses cached) in at most 1 s with
at most 300 MB peak RSS. Repeated steps report their best of three (the machine may
be shared).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.analysis import Analyzer  # noqa: E402
from corpus.pieces import split_paragraphs  # noqa: E402
from corpus.articles import load_corpus  # noqa: E402
from corpus.listing import list_corpus  # noqa: E402
from corpus.model import Analysis, Segment, Span  # noqa: E402

_PLACES = ["LISBON", "PORTO", "NAIROBI", "BRNO", "VALENCIA", "OSLO", "QUITO", "HANOI"]
_SECTIONS = ["World", "Business", "Sport", "Health", "Science", "Politics"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WORDS = (
    "council harbour minister report budget river school clinic league market rail "
    "survey voters percent million officials residents plan figures week growth"
).split()


def _article(rng: random.Random, n: int) -> str:
    """One fictional article of roughly 250 words with the usual header shapes."""
    paragraphs = []
    for _ in range(rng.randint(4, 7)):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(30, 55))]
        words[0] = words[0].capitalize()
        paragraphs.append(
            " ".join(words) + f", up {rng.randint(1, 99)}% on {rng.randint(2001, 2024)}."
        )
    return (
        f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(2015, 2024)} - {rng.choice(_SECTIONS)}\n\n"
        f"Fictional headline number {n} about the {rng.choice(_WORDS)}\n\n"
        f"{rng.choice(_PLACES)} — " + "\n\n".join(paragraphs) + "\n\nGo deeper\n"
    )


def generate(folder: Path, count: int) -> None:
    """Write ``count`` articles into 100 sub-folders of ``folder``."""
    rng = random.Random(20240)
    for n in range(count):
        sub = folder / f"batch-{n % 100:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"article-{n:05d}.txt").write_text(_article(rng, n), encoding="utf-8")


def baseline(folder: Path) -> int:
    """Walk and read every file as text: the floor for any listing."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            total += len(Path(dirpath, name).read_text(encoding="utf-8"))
    return total


def _rss_mb() -> float:
    # ru_maxrss is KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _timed(fn) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _best(fn, runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        result = None  # one result in memory at a time, as in the app
        seconds, result = _timed(fn)
        best = min(best, seconds)
    return best, result


def fill_cache(analyzer: Analyzer, folder: Path, cache: Path) -> int:
    """Store a synthetic analysis (paragraphs, one sentence each, a few spans) per article."""
    corpus = load_corpus(folder, index=False)
    for article in corpus.articles:
        paragraphs = split_paragraphs(article.text, *article.body)
        spans = []
        for paragraph in paragraphs:
            spans.append(Span(paragraph.start, paragraph.start + 3, "GPE", "entity"))
            spans.append(Span(paragraph.end - 4, paragraph.end - 1, "PERCENT", "figure"))
        analysis = Analysis(
            paragraphs=tuple(paragraphs),
            sentences=tuple(Segment(p.start, p.end) for p in paragraphs),
            spans=tuple(spans),
            model=analyzer.model_name,
            model_version=analyzer.model_version,
        )
        analyzer.cache.save(article, analysis, tokens=len(article.text.split()))
    return len(corpus.articles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--quick", action="store_true", help="300 articles (CI)")
    args = parser.parse_args()
    if args.quick:
        args.articles = 300

    with tempfile.TemporaryDirectory(prefix="claimscope-bench-") as tmp:
        folder = args.keep or Path(tmp) / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        cache = Path(tmp) / "cache"  # private: the benchmark never touches the user's cache
        t_gen, _ = _timed(lambda: generate(folder, args.articles))
        analyzer = Analyzer(cache_dir=cache)
        if analyzer.model_error is not None:
            print(f"note: {analyzer.model_error}; counts cannot be cached, they are all misses")
        t_fill, _ = _timed(lambda: fill_cache(analyzer, folder, cache))
        rss_start = _rss_mb()

        rows: list[tuple[str, float, str]] = []
        t, _ = _best(lambda: baseline(folder))
        rows.append(("baseline: os.walk + read_text", t, ""))
        t, corpus = _best(lambda: load_corpus(folder, index=False))
        rows.append(("load, no index (every load before)", t, f"{len(corpus.articles)} articles"))
        del corpus
        t, corpus = _timed(lambda: load_corpus(folder, cache_dir=cache))
        rows.append(("cold load (parses, writes the index)", t, f"{len(corpus.errors)} errors"))
        del corpus
        t, corpus = _best(lambda: load_corpus(folder, cache_dir=cache))
        rows.append(("warm load (index)", t, ""))

        # Counts as every listing read them before: one analysis file per article.
        journal = analyzer.cache.journal
        journal.unlink(missing_ok=True)
        cold = Analyzer(cache_dir=cache)
        t, hits = _timed(lambda: sum(cold.counts(a) is not None for a in corpus.articles))
        rows.append(("counts, cold (a file each, no journal)", t, f"{hits} hits"))
        before = rows[1][1] + t
        def warm_counts() -> int:
            fresh = Analyzer(cache_dir=cache)  # a new process would start with an empty table
            return sum(fresh.counts(a) is not None for a in corpus.articles)

        t, hits = _best(warm_counts)
        rows.append(("counts, warm (journal)", t, f"{hits} hits"))
        del corpus
        t, listing = _best(lambda: list_corpus(folder, Analyzer(cache_dir=cache), cache_dir=cache))
        counted = sum(row.entities is not None for row in listing.rows)
        rows.append(("full listing, warm: list_corpus", t, f"{len(listing.rows)} rows, {counted} with counts"))
        full = t
        del listing
        peak = _rss_mb()

    print(
        f"corpus: {args.articles} generated .txt articles (generation {t_gen:.2f} s, "
        f"cache fill {t_fill:.2f} s); files are in the OS page cache."
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'step'.ljust(width)}  {'seconds':>8}  {'x baseline':>10}  notes")
    base = rows[0][1]
    for name, seconds, note in rows:
        ratio = seconds / base if base else float("nan")
        print(f"{name.ljust(width)}  {seconds:8.3f}  {ratio:10.2f}  {note}")
    print(f"listing before (no index + a counts file each): {before:.3f} s; now, warm: {full:.3f} s")
    print(f"peak RSS: {peak:.0f} MB (at start: {rss_start:.0f} MB); target: <= 1.000 s, <= 300 MB")
    print(f"result: {'OK' if full <= 1.0 and peak <= 300 else 'OVER TARGET'} (full listing {full:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
