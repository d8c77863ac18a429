"""Store benchmark: save latency at 1k/10k/100k labels, beside a plain single-file TinyDB,
and the time and memory to export 100,000 labels to each format.

Run: ``python benchmarks/store.py`` (about a minute; writes only to a temp folder).
Targets: one save (durable on disk) p99 <= 10 ms at 100k labels over 2,000 articles;
each export of 100k labels <= 5 s and <= 500 MB RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from annotations.export import FORMATS, collect_rows, write_export  # noqa: E402
from annotations.scheme import default_scheme  # noqa: E402
from annotations.store import Store  # noqa: E402
from corpus.model import Analysis, Article, Segment, Span  # noqa: E402

SENTENCES_PER_ARTICLE = 50
LABELS = default_scheme().names
TEMPLATE = (
    "In {year}, the council of district {n} said that {pct}% of the {count} homes "
    "surveyed by Acme Research were affected, costing £{money}m."
)


def make_article(n: int) -> tuple[Article, Analysis]:
    """A synthetic article of 50 sentences with a date, a percent, a number, an org and money each."""
    parts, sentences, spans, pos = [], [], [], 0
    for k in range(SENTENCES_PER_ARTICLE):
        s = TEMPLATE.format(year=1990 + k % 30, n=n, pct=k % 97, count=1000 + k, money=k + 1)
        sentences.append(Segment(pos, pos + len(s)))
        for label, needle in (("DATE", str(1990 + k % 30)), ("PERCENT", f"{k % 97}%"), ("ORG", "Acme Research")):
            at = s.index(needle)
            spans.append(Span(pos + at, pos + at + len(needle), label, "entity"))
        parts.append(s)
        pos += len(s) + 1
    text = " ".join(parts)
    article = Article(id=f"feed/article-{n:05d}.txt", path="", text=text, title=f"Article {n}")
    return article, Analysis((Segment(0, len(text)),), tuple(sentences), tuple(spans))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Reads VmHWM from /proc where it exists: ``ru_maxrss`` survives ``exec`` on Linux,
    so a child process would report its parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_store(root: Path, labels: int, saves: int) -> tuple[float, float, float, Store, list]:
    """Fill a store with ``labels`` labels, then time ``saves`` single saves."""
    n_articles = labels // SENTENCES_PER_ARTICLE
    store = Store.open(None, annotator="bench", store_dir=root / f"store-{labels}")
    items = [make_article(n) for n in range(n_articles)]
    began = time.perf_counter()
    for article, analysis in items:
        doc = store.article(article, analysis.sentences)
        with doc.batch():
            for k in range(SENTENCES_PER_ARTICLE):
                doc.set_label(k, LABELS[(k + len(article.id)) % len(LABELS)])
    fill = time.perf_counter() - began
    rng = random.Random(7)
    timings = []
    for _ in range(saves):
        article, analysis = rng.choice(items)
        doc = store.article(article, analysis.sentences)
        k = rng.randrange(SENTENCES_PER_ARTICLE)
        current = doc.labels[k].label
        label = rng.choice([name for name in LABELS if name != current])
        t = time.perf_counter()
        doc.set_label(k, label)  # returns when the file is fsynced and renamed
        timings.append((time.perf_counter() - t) * 1000)
    return percentile(timings, 50), percentile(timings, 99), fill, store, items


def bench_plain(root: Path, labels: int, inserts: int) -> tuple[float, float]:
    """A plain single-file TinyDB (its default JSONStorage, no fsync) holding ``labels`` records."""
    path = root / f"plain-{labels}.json"
    db = TinyDB(path, storage=JSONStorage)
    record = {
        "article_id": "feed/article-00001.txt", "sentence_index": 0, "label": "quantity",
        "text": TEMPLATE, "annotator": "bench", "created": "2024-01-01T00:00:00.000Z",
        "updated": "2024-01-01T00:00:00.000Z", "checkworthy": False, "note": "",
        "article_hash": "0" * 64, "start": 0, "end": 120,
    }
    db.insert_multiple(dict(record, sentence_index=i) for i in range(labels))
    timings = []
    for i in range(inserts):
        t = time.perf_counter()
        db.insert(dict(record, sentence_index=labels + i))
        timings.append((time.perf_counter() - t) * 1000)
    db.close()
    return percentile(timings, 50), percentile(timings, 99)


def export_one(fmt: str, store_dir: Path, n_articles: int, out: Path) -> int:
    """Time one export the way the CLI does it: read-only store, rows, then the format."""
    from annotations.export import tokenizer

    items = [make_article(n) for n in range(n_articles)]  # stands in for the cached analyses
    if fmt in ("prodigy", "spacy"):
        tokenizer()  # loading spaCy (~1 s) is a fixed cost, not part of the per-label time
    base_rss = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    store = Store.open(None, annotator="bench", store_dir=store_dir, read_only=True)
    rows = list(collect_rows(store, items))
    read = time.perf_counter() - wall
    n = write_export(rows, fmt, out, store.scheme)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{fmt:>14}: {n} records in {wall:5.2f}s wall, {cpu:5.2f}s CPU (reading the store "
        f"{read:.2f}s); {out.stat().st_size / 1e6:6.1f} MB file; peak RSS {rss_mb():4.0f} MB "
        f"({base_rss:.0f} MB before the export)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=500, help="timed saves per size")
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, no export")
    parser.add_argument("--export", metavar="FORMAT", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        return export_one(args.export, args.store, args.articles, args.out)
    root = Path(tempfile.mkdtemp(prefix="claimscope-bench-"))
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    plain_inserts = {1_000: 100, 10_000: 50, 100_000: 10}
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
        print(f"save latency (one label, durable); folder {root}; load average {load} on {os.cpu_count()} CPUs")
        print(f"{'labels':>8} {'articles':>8} | {'store p50':>9} {'p99':>8} | {'plain TinyDB p50':>16} {'p99':>8} {'(inserts)':>9}")
        big: tuple[Store, list] | None = None
        for size in sizes:
            p50, p99, fill, store, items = bench_store(root, size, args.saves)
            q50, q99 = bench_plain(root, size, plain_inserts[size])
            print(
                f"{size:>8} {size // SENTENCES_PER_ARTICLE:>8} | {p50:>7.2f}ms {p99:>6.2f}ms | "
                f"{q50:>14.1f}ms {q99:>6.1f}ms {plain_inserts[size]:>9}   (filled in {fill:.1f}s)"
            )
            if size == sizes[-1]:
                big = (store, items)
            else:
                store.close()
        print("target: store p99 <= 10 ms at 100k labels / 2,000 articles. The plain TinyDB")
        print("baseline does not even fsync; at 100k only 10 inserts are timed (each rewrites the file).")
        if args.quick or big is None:
            return 0
        writer, items = big
        writer.close()
        print(
            f"\nexport of {len(items) * SENTENCES_PER_ARTICLE} labels from {len(items)} article files, "
            "each format in a fresh process as `claimscope export` runs (target <= 5 s, <= 500 MB RSS)"
        )
        for fmt in FORMATS:
            result = subprocess.run(
                [sys.executable, __file__, "--export", fmt, "--store", str(writer.path),
                 "--articles", str(len(items)), "--out", str(root / f"export.{fmt}")],
                capture_output=True, text=True, check=False,
            )
            print(result.stdout.rstrip() or result.stderr.strip().splitlines()[-1])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
