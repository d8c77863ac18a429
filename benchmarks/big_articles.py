"""Big articles: time and peak memory of analysing one huge article, beside raw ``nlp.pipe``.

Builds synthetic articles of 1, 5 and 20 MB (UTF-8) from varied generated English
paragraphs (names, places, numbers, money, dates), writes each to a temp file, then
for every size runs two fresh child processes, one after the other:

1. claimscope: ``load_corpus(file)`` + ``Analyzer.analyze`` (fresh cache dir), the
   path ``claimscope analyze`` and the app take;
2. raw: the same file's paragraphs (split at blank lines) through ``nlp.pipe`` with
   the same pipeline (``load_nlp``), the docs thrown away as they come.

Each child reports its wall time and CPU time (model load excluded) and its peak RSS
(``VmHWM`` from ``/proc/self/status``, which includes the loaded model).

Run: ``python benchmarks/big_articles.py [--sizes 1,5,20]``; ``--quick`` runs one
article of 20 kB (CI: does it still run? the goals are for the big sizes).
``--no-baseline`` runs only the claimscope child (its time and peak RSS alone), for
sizes where the raw baseline is too slow to wait for (the 20 MB goal is a memory cap).

``--pieces 100000/1000,20000/250`` is a diagnostic of spaCy alone: in one child, for
each size, ``nlp.pipe`` over the paragraphs and over the body cut as the analyser cuts
it (pieces of at most the first number, that much context either side, batches of
``BATCH_CHARS``), rounds alternating, CPU time and ratio to the paragraphs printed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PEOPLE = [
    "Ana Ferreira", "Jon Park", "Maria Lopez", "Kofi Mensah", "Elena Sorokina", "Tom Reed",
    "Aiko Sato", "Farid Haddad", "Ingrid Nilsson", "Rahul Mehta", "Claire Dubois", "Pedro Alves",
]  # fmt: skip
PLACES = [
    "Lisbon", "Porto", "Valencia", "Nairobi", "Leeds", "Gdansk", "Tartu", "Bergen", "Turin",
    "Cork", "Accra", "Osaka", "Quito", "Tbilisi", "Hobart",
]  # fmt: skip
BODIES = [
    "the city council", "the port authority", "the health ministry", "the water board",
    "the rail operator", "the statistics office", "the teachers' union", "the central bank",
]  # fmt: skip
TOPICS = [
    "flood defences", "a new clinic", "the tram line", "school meals", "the harbour wall",
    "bus fares", "the housing plan", "wind farms", "the bridge repairs", "night trains",
]  # fmt: skip
MONTHS = "January February March April May June July August September October November December".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
SENTENCES = [
    "{Body} said on {day} that {topic} in {place} would cost {money}.",
    "{person}, {age}, who has lived in {place} for {years} years, said the plan was overdue.",
    "About {pct} per cent of residents backed the proposal in a survey of {n} households.",
    "Officials expect between {lo} and {hi} workers to be hired by {month} {year}.",
    "The scheme follows a {pct2}% rise in complaints since {date}.",
    "\u201cWe have waited long enough,\u201d said {person}, a {age}-year-old shop owner from {place}.",
    "Tens of thousands of visitors pass through {place} each summer, the tourism office says.",
    "Critics argue that {topic} will benefit only a small part of {place}.",
    "The local team won {s1}-{s2} on {day}, and the mayor promised {n} new seats at the ground.",
    "Work is due to start on {date} and last {years} months, according to {body}.",
    "Nearly half of the budget, or {money}, comes from a national fund agreed in {year}.",
    "{person} told reporters in {place} that the first phase would be finished before {month}.",
    "Prices rose by {pct2}% in the year to {month}, the fastest pace since {year}.",
    "Two-thirds of the {n} people asked said they had not yet tried {topic}.",
    "On {date}, {person} and {person2} met {body} to discuss {topic}.",
    "The report, published on {day}, counted {n} incidents between {year} and {year2}.",
]


def paragraph(rng: random.Random) -> str:
    """One paragraph of two to five generated sentences."""

    def values() -> dict[str, object]:
        body = rng.choice(BODIES)
        year = rng.randint(1990, 2024)
        return dict(
            body=body,
            Body=body[0].upper() + body[1:],
            place=rng.choice(PLACES),
            topic=rng.choice(TOPICS),
            person=rng.choice(PEOPLE),
            person2=rng.choice(PEOPLE),
            age=rng.randint(19, 88),
            years=rng.randint(2, 40),
            pct=rng.randint(5, 95),
            pct2=rng.randint(2, 60),
            n=f"{rng.randint(2, 900) * 100:,}",
            lo=rng.randint(10, 50),
            hi=rng.randint(60, 400),
            month=rng.choice(MONTHS),
            day=rng.choice(DAYS),
            date=f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}",
            year=year,
            year2=year + rng.randint(1, 9),
            s1=rng.randint(0, 4),
            s2=rng.randint(0, 4),
            money=rng.choice([f"\u20ac{rng.randint(2, 900)} million", f"\u00a3{rng.randint(1, 9)}.{rng.randint(1, 9)}bn",
                              f"${rng.randint(10, 999):,},000"]),
        )  # fmt: skip

    return " ".join(rng.choice(SENTENCES).format(**values()) for _ in range(rng.randint(2, 5)))


def build_article(megabytes: float, seed: int = 7) -> str:
    """A headline and blank-line separated paragraphs, about ``megabytes`` MB of UTF-8."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    parts = [f"{rng.choice(PLACES)}: a long report on {rng.choice(TOPICS)}\n"]
    size = 0
    while size < target:
        text = paragraph(rng)
        parts.append(text)
        size += len(text.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def _peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, path: Path, cache_dir: Path) -> None:
    """Measure one run in this (fresh) process; print one JSON line."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus
    from corpus.models import load_nlp

    analyzer = Analyzer(cache_dir=cache_dir)
    began = time.perf_counter()
    nlp = load_nlp(analyzer.model_name)
    load = time.perf_counter() - began
    began, cpu = time.perf_counter(), time.process_time()
    if mode == "claimscope":
        corpus = load_corpus(path)
        (article,) = corpus.articles
        analysis = analyzer.analyze(article)
        found = {"sentences": len(analysis.sentences), "spans": len(analysis.spans)}
    else:
        text = path.read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        del text
        tokens = sentences = entities = 0
        for doc in nlp.pipe(paragraphs):
            tokens += len(doc)
            sentences += sum(1 for _ in doc.sents)
            entities += len(doc.ents)
        found = {"tokens": tokens, "sentences": sentences, "entities": entities}
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "load": load, "peak_mb": _peak_rss_mb(), **found}))


def pieces_child(path: Path, cuts: str, rounds: int = 2) -> None:
    """spaCy's CPU time over the paragraphs and over each cut (``piece/context``)."""
    from corpus.analysis import BATCH_CHARS, Analyzer
    from corpus.models import load_nlp
    from corpus.pieces import batches, chunk_ranges, split_paragraphs, with_context

    nlp = load_nlp(Analyzer().model_name)
    text = path.read_text(encoding="utf-8")
    paragraphs = split_paragraphs(text)
    plans: dict[str, list[list[str]]] = {"paragraphs": [[text[p.start : p.end] for p in paragraphs]]}
    for cut in cuts.split(","):
        piece, context = (int(n) for n in cut.split("/"))
        docs = with_context(text, chunk_ranges(text, paragraphs, piece), context)
        pairs = ((text[lo:hi], None) for lo, hi, _, _ in docs)
        plans[cut] = [[doc for doc, _ in batch] for batch in batches(pairs, 10**6, BATCH_CHARS)]
    spent = {name: 0.0 for name in plans}
    for number in range(rounds):
        for name in plans if number % 2 == 0 else reversed(plans):
            cpu = time.process_time()
            for batch in plans[name]:
                for _ in nlp.pipe(batch, batch_size=len(batch) if name != "paragraphs" else nlp.batch_size):
                    pass
            spent[name] += time.process_time() - cpu
    for name, cpu in spent.items():
        docs = sum(len(batch) for batch in plans[name])
        print(f"  spaCy over {name:>12}: {docs:>6} docs in {len(plans[name]):>5} batches, "
              f"CPU {cpu:7.1f} s, {cpu / spent['paragraphs']:.2f}x the paragraphs", flush=True)


def measure(mode: str, path: Path, cache_dir: Path) -> dict[str, float]:
    """Run ``child`` in a fresh interpreter and return what it printed."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(cache_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode} child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--pieces-child":
        pieces_child(Path(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,20", help="article sizes in MB, comma separated (default 1,5,20)")
    parser.add_argument("--quick", action="store_true", help="one article of 0.02 MB (CI)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the raw nlp.pipe child: claimscope alone")
    parser.add_argument("--pieces", metavar="P/C,...", help="diagnostic: spaCy alone over pieces of P characters with C of context, vs the paragraphs")
    args = parser.parse_args()
    if args.quick:
        args.sizes = "0.02"
    sizes = [float(size) for size in args.sizes.split(",") if size.strip()]

    from corpus.analysis import Analyzer

    probe = Analyzer()
    print(f"pipeline {probe.model_name} {probe.model_version}; one fresh process per measurement")
    header = (
        f"{'size':>6}  {'words':>10}  {'claimscope s':>12}  {'CPU s':>7}  {'peak RSS':>9}  "
        f"{'raw pipe s':>10}  {'CPU s':>7}  {'peak RSS':>9}  {'ratio':>5}  {'CPU ratio':>9}"
    )
    if not args.pieces:
        print(header)
    with tempfile.TemporaryDirectory(prefix="claimscope-big-") as tmp:
        for size in sizes:
            path = Path(tmp) / f"big-{size:g}mb.txt"
            text = build_article(size)
            path.write_text(text, encoding="utf-8")
            words = len(text.split())
            del text
            if args.pieces:
                print(f"{size:g} MB, {words:,} words", flush=True)
                done = subprocess.run([sys.executable, __file__, "--pieces-child", str(path), args.pieces], check=False)
                if done.returncode != 0:
                    raise SystemExit("pieces child failed")
                continue
            ours = measure("claimscope", path, Path(tmp) / f"cache-{size:g}")
            mine = f"{size:>4g}MB  {words:>10,}  {ours['seconds']:>12.1f}  {ours['cpu']:>7.1f}  {ours['peak_mb']:>6.0f} MB  "
            if args.no_baseline:
                print(mine + f"{'-':>10}  {'-':>7}  {'-':>9}  {'-':>5}  {'-':>9}", flush=True)
            else:
                raw = measure("raw", path, Path(tmp) / f"cache-raw-{size:g}")
                print(
                    mine + f"{raw['seconds']:>10.1f}  {raw['cpu']:>7.1f}  {raw['peak_mb']:>6.0f} MB  "
                    f"{ours['seconds'] / raw['seconds']:>5.2f}  {ours['cpu'] / raw['cpu']:>9.2f}",
                    flush=True,
                )
            path.unlink()
    print("seconds exclude the model load; peak RSS includes it (VmHWM of the child); CPU s: the child's")
    print("own CPU time over the same interval, which other processes on a shared machine leave nearly alone")


if __name__ == "__main__":
    main()
