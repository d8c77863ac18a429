"""Analysis throughput: claimscope's analysis vs raw ``nlp.pipe``, and the cached re-open.

Generates a corpus of fictional news-like articles (~150 words each) in a temp dir,
loads it with ``load_corpus``, then in the same run and process:

1. raw ``nlp.pipe`` over the article bodies (tokens/s, the baseline);
2. ``Analyzer.analyze_many`` over the same articles with a fresh cache dir: the same
   pipeline (``load_nlp``: lemmatizer disabled for both), same batch size, plus
   paragraphs, sentence cutting, the figure rules and the cache writes;
3. re-opening: ``Analyzer.cached`` and ``Analyzer.counts`` for every article.

Each round alternates blocks of articles between the baseline and claimscope (which
goes first alternates too), so a change in the machine's load hits both alike; with
several rounds the best of each is reported. The overhead is given in wall time and
in this process's CPU time (which other processes' load on a shared machine leaves
nearly alone).

Run: ``python benchmarks/analyze.py [--articles 2000] [--rounds 2] [--processes 1]``;
``--quick`` runs it over 40 articles (CI: does it still run? the figures mean little).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpus.analysis import Analyzer  # noqa: E402
from corpus.articles import load_corpus  # noqa: E402
from corpus.headers import header_lines  # noqa: E402
from corpus.models import DISABLED_PIPES, load_nlp  # noqa: E402

TOWNS = ["Lisbon", "Porto", "Valencia", "Nairobi", "Leeds", "Gdansk", "Tartu", "Bergen", "Turin", "Cork"]
PEOPLE = ["Ana Ferreira", "Jon Park", "Maria Lopez", "Kofi Mensah", "Elena Sorokina", "Tom Reed", "Aiko Sato"]
BODIES = ["the city council", "the port authority", "the health ministry", "the water board", "the rail operator"]
TOPICS = ["flood defences", "a new clinic", "the tram line", "school meals", "the harbour wall", "bus fares"]
MONTHS = ["January", "March", "May", "July", "September", "November"]

SENTENCES = [
    "{body} said on {day} that {topic} in {town} would cost {money}.",
    "{person}, {age}, who has lived in {town} for {years} years, said the plan was overdue.",
    "About {pct} per cent of residents backed the proposal in a survey of {n} households.",
    "Officials expect between {lo} and {hi} workers to be hired by {month}.",
    "The scheme follows a {pct2}% rise in complaints since {month} last year.",
    "“We have waited long enough,” said {person}, a {age}-year-old shop owner.",
    "Tens of thousands of visitors pass through {town} each summer, the tourism office says.",
    "Critics argue that {topic} will benefit only a small part of the city.",
    "The local team won {s1}-{s2} on {day}, and the mayor promised {n} new seats at the ground.",
    "Work is due to start in {month} and last {years} months, according to {body}.",
    "Nearly half of the budget, or {money}, comes from a national fund.",
    "{person} told reporters that the first phase would be finished before {month}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def fake_article(rng: random.Random, n: int) -> str:
    """One fictional article: a headline and five or six one-line paragraphs."""
    town = rng.choice(TOWNS)
    values = lambda: dict(  # noqa: E731 - fresh numbers for every sentence
        body=rng.choice(BODIES).capitalize() if rng.random() < 0.5 else rng.choice(BODIES),
        town=town,
        topic=rng.choice(TOPICS),
        person=rng.choice(PEOPLE),
        age=rng.randint(19, 88),
        years=rng.randint(2, 40),
        pct=rng.randint(5, 95),
        pct2=rng.randint(2, 60),
        n=f"{rng.randint(2, 90) * 100:,}",
        lo=rng.randint(10, 50),
        hi=rng.randint(60, 400),
        month=rng.choice(MONTHS),
        day=rng.choice(DAYS),
        s1=rng.randint(0, 4),
        s2=rng.randint(0, 4),
        money=f"€{rng.randint(2, 900)} million" if rng.random() < 0.5 else f"£{rng.randint(1, 9)}.{rng.randint(1, 9)}bn",
    )
    paragraphs = []
    for _ in range(rng.randint(5, 6)):
        chosen = rng.sample(SENTENCES, 2)
        paragraphs.append(" ".join(s.format(**values()) for s in chosen))
    return f"{town}: {rng.choice(TOPICS)} plan number {n}\n\n" + "\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--block", type=int, default=250, help="articles per alternating block")
    parser.add_argument("--quick", action="store_true", help="40 articles in blocks of 20 (CI)")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.block, args.rounds = 40, 20, 1

    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-") as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        for n in range(args.articles):
            (root / f"article-{n:05d}.txt").write_text(fake_article(rng, n), encoding="utf-8")
        corpus = load_corpus(root)
        articles = corpus.articles
        # claimscope parses each body trimmed of outer whitespace, and each header line
        # (the headline) as a doc of its own; give the baseline the same texts
        bodies = [a.text[slice(*a.body)].strip() for a in articles]
        headers = [[a.text[s:e] for s, e in header_lines(a.text, a.body_start)] for a in articles]
        words = sum(len(b.split()) for b in bodies)

        probe = Analyzer(cache_dir=Path(tmp) / "probe")
        nlp = load_nlp(probe.model_name)
        for _ in nlp.pipe(bodies[:64], batch_size=args.batch_size):  # warm up
            pass
        print(
            f"{len(articles)} generated articles, {words:,} words ({words / len(articles):.0f} per article); "
            f"pipeline {probe.model_name} {probe.model_version}: {', '.join(nlp.pipe_names)} "
            f"(disabled for both: {', '.join(DISABLED_PIPES)}); batch size {args.batch_size}, "
            f"processes {args.processes}"
        )

        raw_times, our_times, raw_cpus, our_cpus = [], [], [], []
        tokens = 0
        analyzer = probe
        block = args.block
        for round_no in range(args.rounds):
            analyzer = Analyzer(cache_dir=Path(tmp) / f"cache-{round_no}")
            raw_time = our_time = raw_cpu = our_cpu = 0.0
            tokens = analysed_tokens = 0
            # Alternate small blocks (raw first, then claimscope first) so a change in
            # the machine's load hits both sides alike.
            for b, first in enumerate(range(0, len(articles), block)):
                def raw_block() -> tuple[float, float]:
                    nonlocal tokens
                    began, cpu = time.perf_counter(), time.process_time()
                    texts = [t for n in range(first, min(first + block, len(articles))) for t in (*headers[n], bodies[n])]
                    for doc in nlp.pipe(texts, batch_size=args.batch_size, n_process=args.processes):
                        tokens += len(doc)
                    return time.perf_counter() - began, time.process_time() - cpu

                def our_block() -> tuple[float, float]:
                    nonlocal analysed_tokens
                    began, cpu = time.perf_counter(), time.process_time()
                    for _ in analyzer.analyze_many(
                        articles[first : first + block], n_process=args.processes, batch_size=args.batch_size
                    ):
                        pass
                    spent = time.perf_counter() - began, time.process_time() - cpu
                    assert analyzer.stats.analysed == len(articles[first : first + block])
                    analysed_tokens += analyzer.stats.tokens
                    return spent

                for side in ((raw_block, our_block) if b % 2 == 0 else (our_block, raw_block)):
                    wall, cpu = side()
                    if side is raw_block:
                        raw_time += wall
                        raw_cpu += cpu
                    else:
                        our_time += wall
                        our_cpu += cpu
            assert analysed_tokens == tokens, (analysed_tokens, tokens)
            raw_times.append(raw_time)
            our_times.append(our_time)
            raw_cpus.append(raw_cpu)
            our_cpus.append(our_cpu)
            print(
                f"  round {round_no + 1}: raw nlp.pipe {raw_time:.2f} s (CPU {raw_cpu:.2f} s), "
                f"claimscope {our_time:.2f} s (CPU {our_cpu:.2f} s)"
            )

        raw, ours = min(raw_times), min(our_times)
        print(f"{'':<34}{'seconds':>9}{'tokens/s':>11}")
        print(f"{'raw nlp.pipe (baseline)':<34}{raw:>9.2f}{tokens / raw:>11,.0f}")
        print(f"{'claimscope analyze_many':<34}{ours:>9.2f}{tokens / ours:>11,.0f}")
        print(f"overhead: {100 * (ours / raw - 1):+.1f} % (target <= 10 %)")
        # CPU time of this process on each side: what another process's load leaves alone
        print(f"overhead in CPU time: {100 * (min(our_cpus) / min(raw_cpus) - 1):+.1f} %")

        # Re-open: a new Analyzer reading what the last round cached.
        reopened = Analyzer(cache_dir=analyzer.cache.root)
        began = time.perf_counter()
        hits = sum(1 for a in articles if reopened.cached(a) is not None)
        cached_time = max(time.perf_counter() - began, 1e-9)
        began = time.perf_counter()
        counted = sum(1 for a in articles if reopened.counts(a) is not None)
        counts_time = max(time.perf_counter() - began, 1e-9)
        assert hits == counted == len(articles)
        print(
            f"cached re-open of {hits} articles: cached() {cached_time:.3f} s "
            f"({ours / cached_time:,.0f}x faster than analysing), counts() {counts_time:.3f} s "
            f"({ours / counts_time:,.0f}x) (target >= 50x)"
        )


if __name__ == "__main__":
    main()
