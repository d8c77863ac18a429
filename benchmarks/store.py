"""Store benchmark: save latency at 1k/10k/100k labels, beside a plain single-file TinyDB,
and the time and memory to export 100,000 labels to each format.

Run: ``python benchmarks/store.py`` (a few minutes; writes only to a temp folder);
``--export-only`` skips the save latencies, ``--save-only`` the exports, ``--repeat N`` sets the rounds
of exports (every format once a round; 5);
``--quick`` runs every part at 1,000 labels (20 saves, one run per export), for CI.
Targets: one save (the key's wait; the writer thread makes it durable) p99 <= 2 ms at
100k labels over 2,000 articles, beside the time until it is durable and the write
inside the call as it was before;
each export of 100k labels <= 1.5 s and <= 300 MB RSS (issue 20).

brat makes 4,000 new files. On an ext4 file system without a journal (this project's
build machine), the kernel's inode allocator steps over every inode freed in the last
one to five minutes, one by one, for each new file: after a run that deleted thousands
of files (the previous run's temp folders, the replaced output of a repeat), brat's
system time grows from about 0.5 s to 2-3 s. ``perf`` puts half of that run's samples
in ``recently_deleted`` under ``ext4_create``. A journalled ext4 does not do this; the
same repeated exports on one took 1.3-1.4 s each. The export's child CPU column shows
it (it counts system time). So each run writes a new output, as a first export does,
and the many files are removed only when the benchmark ends; "brat again" is a second
export over the last one's folder, which links the files that did not change
(:func:`annotations.outputs.write_or_link`) and so frees and makes none of them.
"""

from __future__ import annotations

import argparse
import json
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

from annotations.export import FORMATS  # noqa: E402
from annotations.export_halves import export_articles  # noqa: E402
from annotations.scheme import default_scheme  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.store.paths import article_files  # noqa: E402
from corpus.analysis import Analyzer  # noqa: E402
from corpus.model import Analysis, Article, Segment, Span  # noqa: E402
from corpus.tokens import ChunkTokenizer, analyser_chunker, sentence_tokens  # noqa: E402
from corpus.tokens import tokenizer as spacy_tokenizer  # noqa: E402

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


def bench_store(root: Path, labels: int, saves: int) -> tuple[dict[str, tuple[float, float]], float, Store, list]:
    """Fill a store with ``labels`` labels, then time ``saves`` single saves: written in
    the call (as before the writer thread), then written behind as the app does (the
    call's own time, and the time until the label is durable)."""
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

    def one_save() -> float:
        article, analysis = rng.choice(items)
        doc = store.article(article, analysis.sentences)
        k = rng.randrange(SENTENCES_PER_ARTICLE)
        current = doc.labels[k].label
        label = rng.choice([name for name in LABELS if name != current])
        t = time.perf_counter()
        doc.set_label(k, label)
        return t

    inline, behind, durable = [], [], []
    for _ in range(saves):
        t = one_save()  # returns when the file is fsynced and renamed
        inline.append((time.perf_counter() - t) * 1000)
    store.write_behind(lambda result: None)  # as the app does: a writer thread makes it durable
    for _ in range(saves):
        t = one_save()  # returns once the change is in memory and queued
        behind.append((time.perf_counter() - t) * 1000)
        store.flush()  # each save pays its own write: no coalescing in these figures
        durable.append((time.perf_counter() - t) * 1000)
    figures = {
        name: (percentile(values, 50), percentile(values, 99))
        for name, values in (("inline", inline), ("behind", behind), ("durable", durable))
    }
    return figures, fill, store, items


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
    """Time one export the way the CLI does it: read-only store, the analyses read from
    the on-disk cache (see :func:`fill_cache`), rows, then the format.

    Prints one JSON line for the parent process. ``fmt`` may also be one of the
    baselines: ``tokenizer`` (spaCy's tokenizer over the same sentences) or
    ``json`` (a plain ``json.loads`` of every store file).
    """
    from annotations.export import tokenizer

    # The corpus: the articles alone (the CLI holds no analyses but those it reads from the cache).
    articles = [make_article(n)[0] for n in range(n_articles)]
    if fmt == "tokenizer":
        tokenizer()  # the baseline times the tokenizer, not loading spaCy
    base_rss = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    read = 0.0
    size = 0
    if fmt == "tokenizer":
        texts = []
        for n in range(n_articles):
            article, analysis = make_article(n)
            texts.extend(article.text[s.start : s.end] for s in analysis.sentences)
        wall, cpu = time.perf_counter(), time.process_time()
        n = sum(1 for _ in tokenizer().pipe(texts))
    elif fmt == "json":
        files = article_files(store_dir)  # wherever the store keeps them (per-annotator shards)
        n = sum(len(json.loads(f.read_bytes()).get("labels", {})) for f in files)
        if n == 0:
            raise SystemExit(f"the json baseline read no labels from {len(files)} files in {store_dir}")
    else:
        store = Store.open(None, annotator="bench", store_dir=store_dir, read_only=True)
        # As `claimscope export` runs it (export_articles): every analysis from the cache,
        # the article texts along (brat writes whole articles), the sentences' cached tokens
        # (the token formats need no spaCy); a big export in two processes.
        analyzer = bench_analyzer(store_dir)
        made = []

        def rows_made(total: int) -> None:
            made.append((total, time.perf_counter() - wall))

        written = export_articles(store, articles, analyzer, fmt, out, store.scheme, on_rows=rows_made)
        if analyzer.stats.analysed or made[0][0] != len(articles) * SENTENCES_PER_ARTICLE:
            raise SystemExit(f"the cache held {analyzer.stats.cached} of {len(articles)} analyses")
        read = made[0][1]
        n = sum(count for _path, count in written)
        size = sum(output_size(path) for path, _count in written)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # A big export forks a second process; its own peak is reported beside ours.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    child, child_cpu = children.ru_maxrss / 1024, children.ru_utime + children.ru_stime
    print(json.dumps({
        "n": n, "wall": wall, "cpu": cpu, "read": read, "size": size, "rss": rss_mb(), "base": base_rss,
        "child": child, "child_cpu": child_cpu,
    }))
    return 0


def output_size(path: Path) -> int:
    """Bytes of an export: one file, or every file of a folder format."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


def bench_analyzer(store_dir: Path) -> Analyzer:
    """The analyser whose cache (beside the store) holds the synthetic analyses."""
    return Analyzer(cache_dir=store_dir.parent / f"{store_dir.name}-cache")


def cache_analysis(cache, article: Article, analysis: Analysis, chunker: ChunkTokenizer) -> None:
    """Save a synthetic analysis as the analyser saves one: with its sentences' tokens."""
    cache.save(article, analysis, tokens=0, sentence_tokens=sentence_tokens(article.text, analysis.sentences, chunker))


def fill_store(path: Path, articles: int) -> float:
    """A store of ``articles`` x 50 labels (one batch write per article), and each
    article's analysis in the analysis cache; returns seconds."""
    store = Store.open(None, annotator="bench", store_dir=path)
    cache = bench_analyzer(path).cache
    chunker = analyser_chunker(spacy_tokenizer())
    began = time.perf_counter()
    for n in range(articles):
        article, analysis = make_article(n)
        cache_analysis(cache, article, analysis, chunker)
        doc = store.article(article, analysis.sentences)
        with doc.batch():
            for k in range(SENTENCES_PER_ARTICLE):
                doc.set_label(k, LABELS[(k + len(article.id)) % len(LABELS)])
    store.close()
    return time.perf_counter() - began


def bench_exports(store_dir: Path, articles: int, out_dir: Path, repeat: int) -> list[str]:
    """Each format (and two baselines) ``repeat`` times, each run in a fresh process;
    returns the formats whose run failed. CPU is the export's own process; a big
    export's second process (annotations/export_halves.py) is shown apart: its peak
    RSS and its CPU time. "(read)" is the time until the rows are made and counted;
    an export in blocks (Prodigy) counts them when its last block is written, so
    there it is the whole time.

    The runs go in rounds, every format once a round: this machine's speed swings by
    a third for a minute at a time, and a format's runs one after another all fell
    into the same slow minute (one format at 1.5-2.0 s while the next was at its
    usual time). In rounds, a format's runs are a round apart, and the baselines'
    runs show how fast the machine was in each round (the walls by round, printed last)."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(
        f"\nexport of {articles * SENTENCES_PER_ARTICLE} labels from {articles} article files, each "
        f"run in a fresh process as `claimscope export` runs; best and median of {repeat}, in "
        f"{repeat} rounds of every format (load average {load} on {os.cpu_count()} CPUs). "
        "Target (issue 20): <= 1.5 s and <= 300 MB RSS per format."
    )
    names = ("json", "tokenizer", *FORMATS)
    runs: dict[str, list[dict]] = {fmt: [] for fmt in names}
    failed: dict[str, str] = {}
    folders = {}
    for fmt in names:
        folders[fmt] = out_dir / f"exports-{fmt}"
        folders[fmt].mkdir()
    for k in range(repeat):
        for fmt in names:
            if fmt in failed:
                continue
            # Each run writes a new output, as a first export does; a folder format's
            # folders (brat's 4,000 files) stay until the benchmark ends (see above).
            out = folders[fmt] / f"export-{k}.{fmt}"
            run = export_run(fmt, store_dir, articles, out)
            if isinstance(run, str):
                failed[fmt] = run
                continue
            runs[fmt].append(run)
            if fmt not in FORMATS or not FORMATS[fmt].folder:  # one big file: removed now
                out.unlink(missing_ok=True)
    # A second brat export over the last one's folder (nothing changed: its files are linked).
    again = []
    if "brat" in FORMATS and "brat" not in failed and runs["brat"]:
        last = folders["brat"] / f"export-{repeat - 1}.brat"
        for _ in range(repeat):
            run = export_run("brat", store_dir, articles, last)
            if isinstance(run, str):
                failed["brat again"] = run
                break
            again.append(run)
    print(
        f"{'format':>14} | {'wall':>7} {'median':>7} {'CPU':>6} {'(read)':>6} | {'file':>8} | {'peak RSS':>8} {'(before)':>8} "
        f"{'(child)':>8} | {'child CPU':>9}"
    )
    for fmt in names:
        if fmt in failed:
            print(f"{fmt:>14} | failed: {failed[fmt]}")
        else:
            print_export_row(fmt, runs[fmt])
        if fmt == "brat" and again:
            print_export_row("brat again", again)
    if "brat again" in failed:
        print(f"{'brat again':>14} | failed: {failed['brat again']}")
    # Every run's wall by round: the baselines show how fast the machine was in each.
    print(f"\n{'wall by round':>14} | " + " ".join(f"{k + 1:>5}" for k in range(repeat)))
    for fmt in names:
        if fmt not in failed:
            print(f"{fmt:>14} | " + " ".join(f"{r['wall']:5.2f}" for r in runs[fmt]))
    for folder in folders.values():
        shutil.rmtree(folder, ignore_errors=True)
    return list(failed)


def export_run(fmt: str, store_dir: Path, articles: int, out: Path) -> dict | str:
    """One export of ``fmt`` to ``out`` in a fresh process: its figures, or the last
    line of its error."""
    result = subprocess.run(
        [sys.executable, __file__, "--export", fmt, "--store", str(store_dir),
         "--articles", str(articles), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        return (result.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_export_row(fmt: str, runs: list[dict]) -> None:
    """The best of ``runs`` (wall), with the median of their walls (this machine's
    speed swings by a third from one minute to the next: the best of a few runs is
    the code's time, the median says how much the machine took from it) and the
    highest peaks."""
    best = min(runs, key=lambda r: r["wall"])
    median = sorted(r["wall"] for r in runs)[len(runs) // 2]
    rss = max(r["rss"] for r in runs)
    child = max(r.get("child", 0) for r in runs)
    child_text = f"{child:6.0f}MB" if child else "       -"
    child_cpu = f"{best.get('child_cpu', 0):8.2f}s" if best.get("child_cpu") else "        -"
    size = f"{best['size'] / 1e6:6.1f}MB" if best["size"] else "       -"
    read = f"{best['read']:5.2f}s" if best["read"] else "     -"
    note = {"json": "  baseline: json.loads of every store file",
            "tokenizer": "  baseline: spaCy's tokenizer over the same sentences",
            "brat again": "  over the last brat export, nothing changed"}.get(fmt, "")
    print(
        f"{fmt:>14} | {best['wall']:6.3f}s {median:6.3f}s {best['cpu']:5.2f}s {read} | {size} | "
        f"{rss:6.0f}MB {best['base']:6.0f}MB {child_text} | {child_cpu}{note}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=500, help="timed saves per size")
    parser.add_argument("--quick", action="store_true", help="every part at 1k labels, once (CI)")
    parser.add_argument("--export-only", action="store_true", help="only the export of 100k labels")
    parser.add_argument("--save-only", action="store_true", help="only the save latencies, no exports")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of every export format (best and median shown)")
    parser.add_argument("--export", metavar="FORMAT", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        return export_one(args.export, args.store, args.articles, args.out)
    root = Path(tempfile.mkdtemp(prefix="claimscope-bench-"))
    try:
        if args.export_only:
            articles = 100_000 // SENTENCES_PER_ARTICLE
            fill = fill_store(root / "store-100000", articles)
            print(f"filled a store with 100000 labels in {fill:.1f}s")
            return 1 if bench_exports(root / "store-100000", articles, root, args.repeat) else 0
        sizes = [1_000] if args.quick else [1_000, 10_000, 100_000]
        saves = min(args.saves, 20) if args.quick else args.saves
        repeat = 1 if args.quick else args.repeat
        plain_inserts = {1_000: 100, 10_000: 50, 100_000: 10}
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
        print(f"save latency (one label, durable); folder {root}; load average {load} on {os.cpu_count()} CPUs")
        print("  save: the key's wait for set_label with the writer thread (as the app saves);")
        print("  durable: until that label is on disk; in-call: the write inside set_label (before)")
        print(f"{'labels':>8} {'articles':>8} | {'save p50':>8} {'p99':>8} | {'durable p50':>11} {'p99':>8} | "
              f"{'in-call p50':>11} {'p99':>8} | {'plain TinyDB p50':>16} {'p99':>8} {'(inserts)':>9}")
        big: tuple[Store, list] | None = None
        for size in sizes:
            figures, fill, store, items = bench_store(root, size, saves)
            q50, q99 = bench_plain(root, size, plain_inserts[size])
            (s50, s99), (d50, d99), (i50, i99) = figures["behind"], figures["durable"], figures["inline"]
            print(
                f"{size:>8} {size // SENTENCES_PER_ARTICLE:>8} | {s50:>6.3f}ms {s99:>6.3f}ms | "
                f"{d50:>9.2f}ms {d99:>6.2f}ms | {i50:>9.2f}ms {i99:>6.2f}ms | "
                f"{q50:>14.1f}ms {q99:>6.1f}ms {plain_inserts[size]:>9}   (filled in {fill:.1f}s)"
            )
            if size == sizes[-1]:
                big = (store, items)
            else:
                store.close()
        print("target: save p99 <= 2 ms at 100k labels / 2,000 articles. The plain TinyDB")
        print("baseline does not even fsync; at 100k only 10 inserts are timed (each rewrites the file).")
        if big is None or args.save_only:
            if big is not None:
                big[0].close()
            return 0
        writer, items = big
        writer.close()
        cache = bench_analyzer(writer.path).cache
        chunker = analyser_chunker(spacy_tokenizer())
        for article, analysis in items:
            cache_analysis(cache, article, analysis, chunker)
        return 1 if bench_exports(writer.path, len(items), root, repeat) else 0
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
