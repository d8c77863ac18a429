"""How fast the app answers: prints figures beside baselines measured in the same run.

    python benchmarks/tui.py [--paragraphs 2000] [--articles 1000] [--presses 200]

1. Cursor moves in a long article (headless `run_test`, `pilot.press("j")` + a
   refresh), against an unbound key (the cost of a keypress doing nothing) and a naive
   redraw that throws away every cached strip on each move. Target: <= 16 ms a press.
2. Opening a cached article in the reader, against pushing the help screen.
   Target: <= 100 ms.
3. App start to an interactive list of a corpus whose analyses are cached, against
   reading the corpus alone; and whether spaCy was imported. Target: <= 1 s, no spaCy.
4. Keypress latency while spaCy analyses a long article in the reader's thread worker,
   against the idle figure (does the GIL make the UI stutter?).

The synthetic analyses of (1) and (3) are written straight into a private cache, so
the figures measure the app, not spaCy. Everything runs in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

# This file is named tui.py: keep its folder off sys.path so `import tui` finds the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

_TMP = Path(tempfile.mkdtemp(prefix="claimscope-bench-"))
for _name in ("CACHE", "DATA", "CONFIG"):
    os.environ[f"CLAIMSCOPE_{_name}_DIR"] = str(_TMP / _name.lower())

from corpus.model import Analysis, Article, Segment, Span, kind_of  # noqa: E402

_SENTENCE = re.compile(r"[^.!?]+[.!?]")
_NAMES = re.compile(r"\b(?:Acme Corp|Jane Smith|London|Tuesday|2023|\d+(?:[.,]\d+)?%?)")
_LABELS = {"Acme Corp": "ORG", "Jane Smith": "PERSON", "London": "GPE", "Tuesday": "DATE", "2023": "DATE"}


def synthetic_text(paragraphs: int, seed: int = 0) -> str:
    """A long fictional article: three sentences a paragraph, with names and numbers."""
    parts = [f"Benchmark article {seed}\n"]
    for n in range(paragraphs):
        parts.append(
            f"Acme Corp said on Tuesday that sales rose {n % 90 + 1}% in 2023 to {n * 7 + 3} units "
            f"in paragraph {n}. Jane Smith, based in London, called it [a record] for the firm. "
            f"Critics said the {n + 11} figures hid a fall of {n % 9 + 1}.{n % 10}% in wages."
        )
    return "\n\n".join(parts) + "\n"


def synthetic_analysis(article: Article) -> Analysis:
    """Paragraphs, sentences and spans found by regex (what the cache would hold)."""
    text = article.text
    start, end = article.body
    paragraphs, sentences, spans = [], [], []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        p_start, p_end = start + match.start(), start + match.end()
        paragraphs.append(Segment(p_start, p_end))
        for sentence in _SENTENCE.finditer(text, p_start, p_end):
            s_start = sentence.start() + (len(sentence.group()) - len(sentence.group().lstrip()))
            sentences.append(Segment(s_start, sentence.end()))
        for name in _NAMES.finditer(text, p_start, p_end):
            surface = name.group()
            label = _LABELS.get(surface, "PERCENT" if surface.endswith("%") else "CARDINAL")
            spans.append(Span(name.start(), name.end(), label, kind_of(label)))
    return Analysis(tuple(paragraphs), tuple(sentences), tuple(spans), model="bench")


def write_corpus(folder: Path, articles: int, paragraphs: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(articles):
        (folder / f"article-{n:04d}.txt").write_text(synthetic_text(paragraphs, n), encoding="utf-8")


def fill_cache(analyzer, corpus) -> None:
    for article in corpus.articles:
        analysis = synthetic_analysis(article)
        analyzer.cache.save(article, analysis, tokens=len(article.text.split()))


def build_app(folder: Path, store_dir: Path):
    from tui.app import create_app

    return create_app(folder, store_dir=store_dir, annotator="bench", restore=False)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


async def bench_cursor(paragraphs: int, presses: int) -> None:
    folder = _TMP / "long"
    write_corpus(folder, 1, paragraphs)
    app = build_app(folder, _TMP / "store-long")
    fill_cache(app.analyzer, app.corpus)
    from tui.widgets.article_view import ArticleView

    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.open_article(app.corpus.articles[0].id)
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        print(f"[1] cursor moves in a {paragraphs}-paragraph article ({len(view.sentences)} sentences, "
              f"{view.virtual_size.height} screen lines), {presses} presses each")

        async def timed(key: str, before=None) -> list[float]:
            times = []
            for _ in range(presses):
                if before:
                    before()
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                times.append(time.perf_counter() - start)
            return times

        baseline = await timed("z")  # not bound in the reader: a keypress that does nothing
        status = app.screen.query_one("#sentence-status")
        repaint = await timed("z", lambda: status.refresh())  # ... plus the smallest repaint
        view.cursor = paragraphs  # the middle, away from the ends
        await pilot.pause()
        moves = await timed("j")

        def naive() -> None:
            view._strips.clear()  # redraw as if nothing were cached
            view.refresh()

        naive_moves = await timed("j", naive)
        # The draw itself: every visible line after a move, straight from render_line.
        draws = []
        for _ in range(presses):
            view.cursor += 1
            start = time.perf_counter()
            for y in range(view.size.height):
                view.render_line(y)
            draws.append(time.perf_counter() - start)
        for name, values in (
            ("unbound key (baseline)", baseline),
            ("unbound key + 1-line repaint", repaint),
            ("j: next sentence", moves),
            ("j with naive full redraw", naive_moves),
        ):
            print(f"    {name:28} median {ms(statistics.median(values))}  p95 {ms(sorted(values)[int(len(values) * .95) - 1])}")
        print(f"    {'visible lines drawn after a move':28} median {ms(statistics.median(draws))}")
        print(f"    => j costs {ms(statistics.median(moves) - statistics.median(baseline))} over the baseline, "
              f"{ms(statistics.median(moves) - statistics.median(repaint))} over a 1-line repaint "
              f"(target <= 16 ms a press in total)")
    app.store.close()


async def bench_open(paragraphs: int) -> None:
    folder = _TMP / f"open-{paragraphs}"
    write_corpus(folder, 3, paragraphs)
    app = build_app(folder, _TMP / f"store-open-{paragraphs}")
    fill_cache(app.analyzer, app.corpus)
    from tui.screens.help import HelpScreen
    from tui.screens.reader import ReaderScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        opens, calls, helps, idle = [], [], [], []
        for article in app.corpus.articles * 4:
            start = time.perf_counter()
            await pilot.pause()
            idle.append(time.perf_counter() - start)  # the harness's own wait
            start = time.perf_counter()
            app.open_article(article.id)
            calls.append(time.perf_counter() - start)  # the reader's work, before the paint
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen) and app.screen.analysis is not None
            opens.append(time.perf_counter() - start)
            await pilot.press("q")
            start = time.perf_counter()
            app.push_screen(HelpScreen())
            await pilot.pause()
            helps.append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()
        steps = []  # "]" and "[" inside the reader: a new article in the same screen
        app.open_article(app.corpus.articles[0].id)
        await pilot.pause()
        for key in ["right_square_bracket", "right_square_bracket", "left_square_bracket", "left_square_bracket"] * 3:
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            steps.append(time.perf_counter() - start)
        print(f"[2] next article with ] in the reader ({paragraphs} paragraphs), to painted: "
              f"median {ms(statistics.median(steps))}")
        print(f"[2] open a cached {paragraphs}-paragraph article, to painted: median {ms(statistics.median(opens))} "
              f"(open_article itself {ms(statistics.median(calls))}; an idle harness wait "
              f"{ms(statistics.median(idle))}); baseline, push the help screen: {ms(statistics.median(helps))} "
              f"(target <= 100 ms)")
    app.store.close()


async def bench_start(articles: int) -> None:
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus

    folder = _TMP / "many"
    write_corpus(folder, articles, 12)
    fill_cache(Analyzer(), load_corpus(folder))
    start = time.perf_counter()
    load_corpus(folder)
    read_only = time.perf_counter() - start

    start = time.perf_counter()
    app = build_app(folder, _TMP / "store-many")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        interactive = time.perf_counter() - start
        await app.workers.wait_for_complete()
        await pilot.pause()
        counted = time.perf_counter() - start
        rows = app.list_screen.query_one("DataTable").row_count
    app.store.close()
    print(f"[3] start to an interactive list of {rows} articles: {ms(interactive)} "
          f"(entity/figure counts filled {ms(counted)}); baseline, load_corpus alone: {ms(read_only)} "
          f"(target <= 1 s); spaCy imported: {'spacy' in sys.modules}")


async def bench_gil(paragraphs: int, presses: int) -> None:
    folder = _TMP / "gil"
    folder.mkdir(parents=True, exist_ok=True)
    text = synthetic_text(paragraphs, 99).replace("Acme Corp", "Orbis Ltd")
    (folder / "fresh.txt").write_text(text, encoding="utf-8")
    (folder / "idle.txt").write_text(synthetic_text(paragraphs // 4, 98), encoding="utf-8")
    app = build_app(folder, _TMP / "store-gil")
    idle = app.corpus.get("idle.txt")
    app.analyzer.cache.save(idle, synthetic_analysis(idle), tokens=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.open_article("idle.txt")
        await pilot.pause()

        async def presses_now(count: int) -> list[float]:
            times = []
            for _ in range(count):
                start = time.perf_counter()
                await pilot.press("z")
                await pilot.pause()
                times.append(time.perf_counter() - start)
            return times

        quiet = await presses_now(presses)
        await pilot.press("q")
        app.open_article("fresh.txt")  # not cached: spaCy runs in the thread worker
        await pilot.pause()
        busy: list[float] = []
        started = time.perf_counter()
        while app.workers and any(w.is_running for w in app.workers) and len(busy) < presses * 5:
            busy += await presses_now(1)
        analysing = time.perf_counter() - started
        await app.workers.wait_for_complete()
    app.store.close()
    if busy:
        print(f"[4] keypress while spaCy analyses {paragraphs} paragraphs (child process, waited on by the thread worker) "
              f"({analysing:.1f} s, {len(busy)} presses): median {ms(statistics.median(busy))}, "
              f"max {ms(max(busy))}; idle baseline median {ms(statistics.median(quiet))}")
    else:
        print("[4] the analysis finished before a key could be pressed")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--skip-gil", action="store_true", help="do not load spaCy for part 4")
    args = parser.parse_args()
    await bench_start(args.articles)  # first, while spaCy is surely not imported
    await bench_cursor(args.paragraphs, args.presses)
    await bench_open(20)
    await bench_open(200)
    if not args.skip_gil:
        await bench_gil(300, 20)


if __name__ == "__main__":
    asyncio.run(main())
