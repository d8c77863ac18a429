"""`claimscope agree` on a big three-annotator store, and the adjudication screen's keys.

    python benchmarks/agree.py [--labels 100000] [--annotators 3] [--keys 200]
    python benchmarks/agree.py --quick    # 3,000 labels and 10 keys (CI: does it still run?)

1. Agreement: a store with ``--labels`` labels in all, spread over ``--annotators``
   annotators who each labelled every sentence (1,000 sentences an article, about 70 %
   agreement), written as store files. Timed: what `claimscope agree` does (read every
   shard, every figure overall, per label, per article, per pair, with 1,000 bootstrap
   resamples). Baselines in the same run: a bare `json.loads` of every store file, and a
   plain numpy pass of percent agreement over the same sentences. Target: <= 5 s.
2. Adjudication keys: the review screen of the real app (run_test) over 500 sentences
   that annotators disagree on; the time from sending a key to the screen having handled
   it and refreshed, for a move (down) and for a decision (a label key: includes the
   durable write of the gold shard file), p50 and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from annotations.scheme import default_scheme  # noqa: E402
from annotations.store import STORE_META, Store, article_file_name, shard_folder_name  # noqa: E402

PER_ARTICLE = 1000


def build_store(folder: Path, labels: int, annotators: int, seed: int = 1) -> tuple[Path, np.ndarray]:
    """Store files for ``labels`` labels; returns the store folder and the codes (sentences x annotators)."""
    names = default_scheme().names
    rng = np.random.default_rng(seed)
    sentences = labels // annotators
    truth = rng.integers(0, len(names), sentences)
    codes = np.where(rng.random((sentences, annotators)) < 0.7, truth[:, None], rng.integers(0, len(names), (sentences, annotators)))
    store_dir = folder / "store"
    store_dir.mkdir(parents=True)
    (store_dir / STORE_META).write_text(json.dumps({"schema": 2}), "utf-8")
    for a in range(annotators):
        who = f"annotator{a}"
        articles = store_dir / "annotators" / shard_folder_name(who) / "articles"
        articles.mkdir(parents=True)
        for start in range(0, sentences, PER_ARTICLE):
            article_id = f"news/{start // PER_ARTICLE:04d}.txt"
            rows = {}
            for i in range(start, min(start + PER_ARTICLE, sentences)):
                k = i - start
                rows[str(k + 1)] = {
                    "annotator": who, "article_hash": "h", "article_id": article_id, "checkworthy": False,
                    "created": "2024-01-01T00:00:00.000Z", "end": k * 10 + 9, "label": names[codes[i, a]],
                    "note": "", "orphan": False, "sentence_index": k, "start": k * 10,
                    "text": f"Sentence {k}.", "updated": "2024-01-01T00:00:00.000Z",
                }
            data = {
                "labels": rows, "orphans": {}, "spans": {},
                "meta": {"1": {"article_hash": "h", "article_id": article_id, "schema": 1, "sentences": len(rows), "title": ""}},
            }
            (articles / article_file_name(article_id)).write_text(json.dumps(data), "utf-8")
    return store_dir, codes


def bench_agree(labels: int, annotators: int) -> None:
    from annotations.agreement import store_agreement as compute

    with tempfile.TemporaryDirectory() as tmp:
        store_dir, codes = build_store(Path(tmp), labels, annotators)
        began = time.perf_counter()
        for file in store_dir.glob("annotators/*/articles/*.json"):
            json.loads(file.read_bytes())
        loads = time.perf_counter() - began

        began = time.perf_counter()
        same = np.zeros(len(codes))
        pairs = 0
        for a in range(annotators):
            for b in range(a + 1, annotators):
                same += codes[:, a] == codes[:, b]
                pairs += 1
        percent = float((same / pairs).mean())
        numpy_pass = time.perf_counter() - began

        store = Store.open(None, annotator="annotator0", store_dir=store_dir, read_only=True)
        began = time.perf_counter()
        report = compute(store)
        took = time.perf_counter() - began
        store.close()
    print(f"agree: {labels:,} labels by {annotators} annotators, {report.units:,} sentences, "
          f"{len(report.per_article)} articles, {report.resamples} resamples")
    print(f"  claimscope agree (read + every figure + intervals): {took:.2f} s  (target <= 5 s)")
    print(f"  baseline json.loads of every store file:          {loads:.2f} s")
    print(f"  baseline numpy percent agreement pass:             {numpy_pass * 1000:.1f} ms")
    print(f"  percent agreement: claimscope {report.overall['percent'].value:.4f}, numpy {percent:.4f}; "
          f"alpha {report.overall['krippendorff_alpha'].value:.4f}")


async def bench_keys(keys: int) -> None:
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus
    from tui.app import ClaimscopeApp
    from tui.config import Config
    from tui.screens.adjudicate import AdjudicateScreen

    with tempfile.TemporaryDirectory() as tmp:
        corpus_dir = Path(tmp) / "corpus"
        corpus_dir.mkdir()
        text = " ".join(f"The depot sent {n * 7} parcels on day {n}." for n in range(500))
        (corpus_dir / "depots.txt").write_text("Depots\n\n" + text + "\n", "utf-8")
        os.environ.setdefault("CLAIMSCOPE_CACHE_DIR", str(Path(tmp) / "cache"))
        corpus = load_corpus(corpus_dir)
        analyzer = Analyzer()
        article = corpus.articles[0]
        sentences = analyzer.analyze(article).sentences
        store_dir = Path(tmp) / "store"
        for who, name in (("ana", "quantity"), ("bob", "cause")):
            with Store.open(corpus.root, annotator=who, store_dir=store_dir) as store:
                doc = store.article(article, sentences)
                with doc.batch():
                    for i in range(len(sentences)):
                        doc.set_label(i, name)
        store = Store.open(corpus.root, annotator="cy", store_dir=store_dir)
        app = ClaimscopeApp(corpus, store, default_scheme(), analyzer, restore=False, config=Config(advance="stay"))
        moves: list[float] = []
        decisions: list[float] = []
        handled: dict[str, list[float]] = {"down": [], "1": []}
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                screen = AdjudicateScreen(app)
                app.push_screen(screen)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert screen.work is not None and len(screen.work.cases) == len(sentences)
                for n in range(keys):
                    key, into = ("down", moves) if n % 2 else ("1", decisions)
                    began = time.perf_counter()
                    await pilot.press(key)
                    into.append(time.perf_counter() - began)
                    # The screen's own work for the same key, without the pilot's waiting.
                    began = time.perf_counter()
                    screen.key_next() if n % 2 else screen.decide("quantity")
                    handled[key].append(time.perf_counter() - began)
        finally:
            store.close()
    for name, values in (
        ("down (next sentence), key to handled by pilot", moves),
        ("label key (decide + durable write), key to handled by pilot", decisions),
        ("down, the screen's handler and redraw call", handled["down"]),
        ("label key, the screen's handler (decide + durable write + redraw call)", handled["1"]),
    ):
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"  {name}: p50 {statistics.median(values) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms ({len(values)} keys)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="3,000 labels, 10 keys (CI)")
    args = parser.parse_args()
    if args.quick:
        args.labels, args.keys = 3_000, 10
    bench_agree(args.labels, args.annotators)
    print(f"adjudication screen, {len(range(500))} sentences in disagreement:")
    asyncio.run(bench_keys(args.keys))


if __name__ == "__main__":
    main()
