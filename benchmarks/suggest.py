"""Claim suggestions against ClaimBuster: how well they learn, how fast they retrain,
and what a retraining costs a label key.

    python benchmarks/suggest.py [--data ../shared/data/claimbuster/train.json] [--no-spans]
                                 [--no-latency | --only {quality,retrain,latency}]
    python benchmarks/suggest.py --quick    # every part, small, on generated sentences (CI)

1. Quality. The 7,976 labelled debate sentences (label 1 = check-worthy) are split
   once (seed 0): 2,000 kept for scoring (never labelled by the simulated reader; the
   rule cues are development work on this data set, so this is a development figure),
   the rest a pool a simulated reader labels, as claim (`quantity`) or not (`none`).
   ROC AUC and F1 (score >= 0.5) on the scoring part with 0 labels (the rule prior alone), then after 50, 100, 200, 500, 1,000
   and all labels, in reading order (debate order) and in "most useful next" order
   (uncertainty sampling: the unlabelled sentences closest to 0.5, retraining after
   every batch), beside a TF-IDF (words + word pairs) + logistic-regression baseline
   fitted on the same labels in the same run. Targets: AUC >= 0.75 at 0 labels,
   >= 0.85 after 200, >= 0.90 with all; above the baseline at every point.
   Sentences are analysed with the project's pipeline (cached) so the cues see
   entities and figures as in the app; --no-spans scores text alone.
2. Retrain time at each size (one core, as in the training child process);
   target <= 5 s for 2,000 labels.
3. Label-key latency in the app while a retraining runs, against the same keys
   with no retraining, in one run (the frame-timing helpers of benchmarks/tui.py),
   over a store of 2,000 labels: alternating rounds of 100 keys each way at the
   same pace. Target: no extra latency.

The data is read from its path only: nothing of it is copied into the repository,
and no model fitted on it is kept. ``--quick`` does not read it: every part runs at
small sizes on 600 generated debate-like sentences (fictional, labelled by rule), so
CI, which has no ClaimBuster, can tell whether this script still runs; its figures
say nothing about quality.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE.parent))
# benchmarks/tui.py: frame timing helpers and private cache/data/config folders.
_spec = importlib.util.spec_from_file_location("bench_tui", _HERE / "tui.py")
bench_tui = importlib.util.module_from_spec(_spec)
assert _spec.loader is not None
_spec.loader.exec_module(bench_tui)

from annotations.scheme import default_scheme  # noqa: E402
from annotations.suggest.features import SentenceInput  # noqa: E402
from annotations.suggest.model import Example, Suggester, fit  # noqa: E402

DATA = _HERE.parent.parent / "shared" / "data" / "claimbuster" / "train.json"
ROUNDS = 3  # rounds without and with retraining, alternating
PACE = 0.05  # seconds between label keys, the same in both kinds of round
SCHEME = default_scheme()


@dataclass(frozen=True)
class Sizes:
    """How big each part runs."""

    points: tuple[int, ...] = (0, 50, 100, 200, 500, 1000)  # labels at which quality is scored
    held_out: int = 2000  # sentences kept for scoring
    retrain: tuple[int, ...] = (500, 1000, 2000)  # labels timed for a retraining (and all)
    keys: int = 100  # label keys per round of the latency part (p99 of 30 was just the slowest key)
    key_sentences: int = 60  # the length of the article the keys label (a long news article)
    labelled_articles: int = 40  # articles of 50 labelled sentences in the latency part's store
    cache: Path = Path.home() / ".cache" / "claimscope-bench-suggest"  # analyses kept between runs


FULL = Sizes()
QUICK = Sizes(points=(0, 50, 100), held_out=150, retrain=(50, 100), keys=10, key_sentences=20,
              labelled_articles=4, cache=bench_tui._TMP / "suggest-cache")


def load(path: Path, held_out: int) -> tuple[list[dict], list[dict]]:
    """(pool in debate order, scoring part) from one seeded split."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)
    held = [rows[i] for i in order[:held_out]]
    pool = sorted((rows[i] for i in order[held_out:]), key=lambda row: row["sentence_id"])
    return pool, held


CLAIMS = (
    "Unemployment rose to {n} percent in {place} last year.",
    "We spent {n} million dollars on roads in {place}.",
    "Crime in {place} fell by {n} percent since {year}.",
    "My opponent voted against the bill {n} times.",
    "Since {year} wages in {place} grew by {n} percent.",
)
REMARKS = (
    "I want to thank everyone in {place} for coming tonight.",
    "That is a fair question and I will answer it.",
    "We will stand up for every family in {place}.",
    "My opponent knows exactly what I mean.",
    "Let me finish what I was saying about {place}.",
)


def generated_data(path: Path, count: int = 600) -> Path:
    """``count`` fictional debate sentences in ClaimBuster's shape (label 1: a factual claim)."""
    rng = random.Random(5)
    rows = []
    for n in range(count):
        claim = rng.random() < 0.35
        template = rng.choice(CLAIMS if claim else REMARKS)
        text = template.format(n=rng.randint(2, 90), place=rng.choice(("Ohio", "Dover", "Leeds", "Perth")),
                               year=rng.randint(1990, 2020))
        label = int(claim) if rng.random() < 0.9 else int(not claim)  # some noise, as real labels have
        rows.append({"sentence_id": n, "text": text, "label": label})
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def with_spans(rows: list[dict], use_spans: bool, cache: Path = FULL.cache) -> list[SentenceInput]:
    """Each sentence with the spans the project's analysis finds in it (cached after the first run)."""
    if not use_spans:
        return [SentenceInput(row["text"]) for row in rows]
    from corpus.analysis import Analyzer
    from corpus.model import Article

    analyzer = Analyzer(cache_dir=cache)
    articles = [Article(id=f"cb/{row['sentence_id']}", path="", text=row["text"], title="") for row in rows]
    found: dict[str, SentenceInput] = {}
    began = time.perf_counter()
    for article, analysis in analyzer.analyze_many(articles, batch_size=256):
        found[article.id] = SentenceInput(article.text, tuple((s.start, s.end, s.label) for s in analysis.spans))
    print(f"  analysed {len(rows)} sentences in {time.perf_counter() - began:.1f} s ({analyzer.stats.cached} from the cache)")
    return [found[article.id] for article in articles]


def examples(sentences: list[SentenceInput], rows: list[dict]) -> list[Example]:
    return [Example(s, "quantity" if row["label"] else "none") for s, row in zip(sentences, rows)]


def evaluate(scores: list[float], truth: list[int]) -> tuple[float, float]:
    from sklearn.metrics import f1_score, roc_auc_score

    return roc_auc_score(truth, scores), f1_score(truth, [s >= 0.5 for s in scores])


def claimscope_scores(model, held: list[SentenceInput]) -> list[float]:
    suggester = Suggester(SCHEME, model)
    return [s.score for s in suggester.suggest_many(held)]


def baseline_scores(texts: list[str], labels: list[int], held_texts: list[str]) -> list[float] | None:
    """TF-IDF (words and word pairs) + logistic regression, scikit-learn defaults."""
    if len(set(labels)) < 2:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(max_iter=1000).fit(vectorizer.fit_transform(texts), labels)
    return model.predict_proba(vectorizer.transform(held_texts))[:, 1].tolist()


def most_useful_order(pool: list[SentenceInput], rows: list[dict], stops: list[int]) -> dict[int, list[int]]:
    """The pool indexes a reader labels in "most useful next" order, at each stop."""
    chosen: list[int] = []
    left = set(range(len(pool)))
    model = None
    taken: dict[int, list[int]] = {}
    for stop in stops:
        while len(chosen) < stop:
            batch = 10 if len(chosen) < 200 else 50 if len(chosen) < 1000 else 500
            suggester = Suggester(SCHEME, model)
            ranked = sorted(left, key=lambda i: (abs(suggester.suggest(pool[i]).score - 0.5), i))
            for i in ranked[: min(batch, stop - len(chosen))]:
                chosen.append(i)
                left.discard(i)
            model = fit(examples([pool[i] for i in chosen], [rows[i] for i in chosen]), SCHEME) or model
        taken[stop] = list(chosen)
    return taken


def quality(pool_rows: list[dict], held_rows: list[dict], use_spans: bool, sizes: Sizes = FULL) -> None:
    print(f"1. Quality on {len(held_rows):,} sentences kept out of the labelled pool (development data; label 1 = check-worthy)")
    pool = with_spans(pool_rows, use_spans, sizes.cache)
    held = with_spans(held_rows, use_spans, sizes.cache)
    truth = [row["label"] for row in held_rows]
    held_texts = [row["text"] for row in held_rows]
    stops = [p for p in sizes.points if p] + [len(pool)]
    print("  choosing sentences in most-useful-next order (retraining after every batch)...")
    useful = most_useful_order(pool, pool_rows, stops)
    header = f"  {'labels':>6} {'order':<12} {'AUC':>6} {'F1':>6} | {'baseline AUC':>12} {'F1':>6} | {'retrain s':>9}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    auc, f1 = evaluate(claimscope_scores(None, held), truth)
    print(f"  {0:>6} {'(prior)':<12} {auc:6.3f} {f1:6.3f} | {'– (no labels)':>12} {'–':>6} | {'–':>9}")
    for stop in stops:
        for order, picked in (("reading", list(range(stop))), ("most-useful", useful[stop])):
            if order == "most-useful" and stop == len(pool):
                continue  # the same labels as reading order
            chosen = examples([pool[i] for i in picked], [pool_rows[i] for i in picked])
            began = time.perf_counter()
            model = fit(chosen, SCHEME)
            seconds = time.perf_counter() - began
            auc, f1 = evaluate(claimscope_scores(model, held), truth)
            base = baseline_scores([pool_rows[i]["text"] for i in picked], [pool_rows[i]["label"] for i in picked], held_texts)
            b = f"{evaluate(base, truth)[0]:12.3f} {evaluate(base, truth)[1]:6.3f}" if base else f"{'one class':>12} {'–':>6}"
            name = "all" if stop == len(pool) else str(stop)
            print(f"  {name:>6} {order:<12} {auc:6.3f} {f1:6.3f} | {b} | {seconds:9.2f}")
    print(f"  (all = {len(pool)} labels; F1 at score >= 0.5)")


def retrain_time(pool_rows: list[dict], sizes: Sizes = FULL) -> None:
    from threadpoolctl import threadpool_limits

    print("2. Retrain time (one process on one thread, as in the training child)")
    pool = with_spans(pool_rows, False)
    for size in (*sizes.retrain, len(pool)):
        chosen = examples(pool[:size], pool_rows[:size])
        runs = []
        for _ in range(3):
            with threadpool_limits(1):
                began = time.perf_counter()
                fit(chosen, SCHEME)
                runs.append(time.perf_counter() - began)
        print(f"  {size:>5} labels: best {min(runs):.2f} s, worst {max(runs):.2f} s (target <= 5 s at 2,000)")


async def latency(pool_rows: list[dict], rounds: int = ROUNDS, sizes: Sizes = FULL) -> None:
    """Label keys in the app with and without a retraining of 2,000 labels in flight.

    Rounds without and with retraining alternate (``rounds`` of each, ``sizes.keys``
    keys a round, the same pace), so drift in the machine's load falls on both sides alike.
    The keys go round a news-length article (60 sentences), each one changing a label,
    so every key writes to the store and scrolling is part of both kinds of round.
    """
    import shutil

    from annotations.store import Store
    from corpus.articles import load_corpus

    per, labelled_articles = 50, sizes.labelled_articles
    print(f"3. Label-key latency while retraining (store of {per * labelled_articles:,} labels; load {bench_tui.load()})")
    folder = bench_tui._TMP / "suggest-corpus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n in range(labelled_articles):
        chunk = pool_rows[n * per : (n + 1) * per]
        text = f"Debate part {n}\n\n" + "\n\n".join(row["text"] for row in chunk) + "\n"
        (folder / f"part-{n:03d}.txt").write_text(text, encoding="utf-8")
    # The article the keys label: a news-length one, gone through again and again.
    rest = pool_rows[labelled_articles * per :]
    key_rows = [row["text"].strip() for row in rest if bench_tui._SENTENCE.fullmatch(row["text"].strip())][: sizes.key_sentences]
    (folder / "part-keys.txt").write_text("Debate part keys\n\n" + "\n\n".join(key_rows) + "\n", encoding="utf-8")
    store_dir = bench_tui._TMP / "suggest-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    app = bench_tui.build_app(folder, store_dir)
    corpus = load_corpus(folder)
    bench_tui.fill_cache(app.analyzer, corpus)
    app.store.close()
    keys_article = next(article for article in corpus.articles if article.id == "part-keys.txt")
    with Store.open(corpus.root, annotator="bench", scheme=SCHEME, store_dir=store_dir) as store:
        for article in corpus.articles:
            if article is keys_article:
                continue
            analysis = app.analyzer.cached(article)
            doc = store.article(article, analysis.sentences)
            with doc.batch():
                for i, sentence in enumerate(analysis.sentences):
                    text = article.text[sentence.start : sentence.end].lower()
                    doc.set_label(i, "quantity" if any(ch.isdigit() for ch in text) else "none")
    app = bench_tui.build_app(folder, store_dir)
    idle: list[tuple[float, float]] = []
    busy: list[tuple[float, float]] = []
    keys = ("1", "x")
    keys_label = next(label.name for label in SCHEME if label.key == keys[0])
    retrains = 0
    async with app.run_test(size=bench_tui.SIZE) as pilot:
        frames = bench_tui.Frames(app)
        app.open_article(keys_article.id)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        # A person reads the first sentence before the first key (the app's full garbage
        # collection waits for such a pause, tui/collector.py); after it, no pause at all.
        await asyncio.sleep(1.5)
        app.advance = "next"  # each label key moves on; at the end the keys start again at the top
        last = len(reader.analysis.sentences) - 1
        first_version = app.suggestions.version
        began = time.perf_counter()
        for _ in range(rounds):
            for retraining, into in ((False, idle), (True, busy)):
                app.suggestions.pending = 0 if retraining else -1_000_000  # no retraining from the keys themselves
                for n in range(sizes.keys):
                    if retraining and not app.suggestions.training:
                        app.suggestions.retrain()
                        retrains += 1
                    if reader.view.cursor >= last:  # untimed: back to the first sentence
                        await pilot.press("g")
                    index = reader.view.cursor
                    before = reader.doc.label_of(index)
                    key = keys[1] if before == keys_label else keys[0]  # always a change, so always a write
                    into.append(await frames.timed(lambda: bench_tui.send_key(app, key), lambda: reader.doc.label_of(index) != before))
                    await asyncio.sleep(PACE)  # a fast reader: about 15 keys a second
                await app.workers.wait_for_complete()
        model = app.suggestions.model
        print(f"  {app.suggestions.version - first_version} new models ({retrains} retrainings started by the benchmark, "
              f"the rest by the keys) of {model.trained_on if model else '?'} labels; "
              f"{len(idle)} + {len(busy)} keys in {rounds} alternating rounds, {time.perf_counter() - began:.1f} s")
    app.store.close()
    print(bench_tui.line("label key, no retraining", idle))
    print(bench_tui.line("label key, retraining in flight", busy))
    idle_walls, busy_walls = [w for w, _ in idle], [w for w, _ in busy]
    draw = random.Random(0)
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        extra = bench_tui.pct(busy_walls, q) - bench_tui.pct(idle_walls, q)
        # How far the difference moves when the keys are resampled: 2.5th..97.5th of 1,000.
        spread = sorted(
            bench_tui.pct(draw.choices(busy_walls, k=len(busy_walls)), q) - bench_tui.pct(draw.choices(idle_walls, k=len(idle_walls)), q)
            for _ in range(1000)
        )
        print(f"    extra wall {name} while retraining: {extra * 1000:+.2f} ms "
              f"(bootstrap 95% interval {spread[25] * 1000:+.2f} .. {spread[974] * 1000:+.2f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="ClaimBuster train.json (read by path only)")
    parser.add_argument("--no-spans", action="store_true", help="score text alone (no spaCy analysis)")
    parser.add_argument("--no-latency", action="store_true", help="skip the app latency part")
    parser.add_argument("--only", choices=("quality", "retrain", "latency"), help="run one part only")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"latency: rounds of {FULL.keys} keys each way (default {ROUNDS})")
    parser.add_argument("--quick", action="store_true", help="every part, small, on generated sentences (CI)")
    args = parser.parse_args()
    sizes = FULL
    if args.quick:
        sizes, args.rounds = QUICK, 1
        bench_tui._TMP.mkdir(parents=True, exist_ok=True)
        args.data = generated_data(bench_tui._TMP / "generated-debate.json")
        print(f"quick run: {args.data.name}, generated sentences (not ClaimBuster); the figures say nothing about quality")
    if not args.data.is_file():
        sys.exit(f"benchmarks/suggest.py: {args.data} not found; pass --data PATH to ClaimBuster's train.json")
    pool, held = load(args.data, sizes.held_out)
    if args.only in (None, "quality"):
        quality(pool, held, not args.no_spans, sizes)
    if args.only in (None, "retrain"):
        retrain_time(pool, sizes)
    if args.only == "latency" or (args.only is None and not args.no_latency):
        asyncio.run(latency(pool, args.rounds, sizes))


if __name__ == "__main__":
    main()
