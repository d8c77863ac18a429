"""Keys per labelled sentence, and the latency of a label key, over the real articles.

    python benchmarks/session.py [--corpus ../shared/corpus] [--rounds 3]
    python benchmarks/session.py --quick    # two articles of the bundled sample, one round (CI)

1. Keys per labelled sentence: a scripted reader labels every sentence of the articles
   in ../shared/corpus (each sentence gets a label chosen by its index, so both passes
   make the same decisions). The script's rule is the same for every setting: on an
   unreviewed sentence press its label key, else press j; when the article is done,
   press ] for the next one. It runs with `advance = "next-unreviewed"` (the default)
   and with `advance = "stay"` (the old behaviour: label, then j), in the same run.
   Target: <= 1.1 keys per labelled sentence.
2. The latency of a label key with advance on: from the key (sent as the terminal
   driver sends it) to the end of the frame that shows the label and the moved cursor,
   as wall and CPU time (the method and helpers of benchmarks/tui.py). The durable
   write (temp file, fsync, rename, fsync of the folder) is not inside the key: the
   store's writer thread does it (annotations/store/writer.py) while the save cell
   says "pending". Also timed: from the key to the end of the frame whose save cell
   says "saved" (the label durable), and the durable write alone on the writer thread.
   Each key waits for "saved" before the next, so every key pays its own write.
   Against j (a cursor move) in the same run. Target: the next frame <= 16 ms p99 wall.

Everything runs on copies in a temporary folder with a fresh store per round.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import shutil
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# benchmarks/tui.py: its helpers (Frames, send_key, line, ...) and its private folders.
_spec = importlib.util.spec_from_file_location("bench_tui", _HERE / "tui.py")
bench_tui = importlib.util.module_from_spec(_spec)
assert _spec.loader is not None
_spec.loader.exec_module(bench_tui)
Frames, send_key, line, pct, ms, load = (
    bench_tui.Frames, bench_tui.send_key, bench_tui.line, bench_tui.pct, bench_tui.ms, bench_tui.load
)
_TMP: Path = bench_tui._TMP

#: The default scheme's label keys, one per sentence by index.
KEYS = ("1", "2", "x", "3", "4", "x", "5", "6", "c")
SIZE = (100, 30)


def build_app(folder: Path, store_dir: Path, advance: str):
    from tui.app import create_app
    from tui.config import Config

    return create_app(folder, store_dir=store_dir, annotator="bench", restore=False, config=Config(advance=advance))


async def labelling_pass(folder: Path, store_dir: Path, advance: str) -> dict:
    """Label every sentence of the corpus by the script's rule; count keys, time label keys."""
    from annotations.storage import AtomicJSONStorage

    app = build_app(folder, store_dir, advance)
    keys = labelled = 0
    label_frames: list[tuple[float, float]] = []
    saved_frames: list[tuple[float, float]] = []
    move_frames: list[tuple[float, float]] = []
    writes: list[tuple[float, float]] = []
    write = AtomicJSONStorage.write

    def timed_write(self, data):  # the durable write, timed where it happens (the writer thread)
        wall, cpu = time.perf_counter(), time.thread_time()
        write(self, data)
        writes.append((time.perf_counter() - wall, time.thread_time() - cpu))

    AtomicJSONStorage.write = timed_write
    try:
        async with app.run_test(size=SIZE) as pilot:
            frames = Frames(app)
            for n, article in enumerate(app.corpus.articles):
                if n == 0:
                    app.open_article(article.id)
                else:
                    send_key(app, "right_square_bracket", "]")
                    keys += 1
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                reader = app.screen
                assert reader.article.id == article.id, (reader.article.id, article.id)
                # Headings and captions nobody labels do not count (advance passes them by).
                while len(reader._reviewed()) < reader._total():
                    index = reader.view.cursor
                    if reader.doc.label_of(index) is None:
                        key = KEYS[index % len(KEYS)]
                        cell = reader.save_indicator
                        saved = frames.expect(lambda: reader.doc.label_of(index) is not None and cell.ticket is None)
                        wall, cpu = time.perf_counter(), time.process_time()
                        pair = await frames.timed(
                            lambda: send_key(app, key),
                            lambda: reader.doc.label_of(index) is not None,  # the advance is in the same handler
                        )
                        label_frames.append(pair)
                        end_wall, end_cpu = await asyncio.wait_for(saved, 20)
                        saved_frames.append((end_wall - wall, end_cpu - cpu))
                        labelled += 1
                    else:
                        pair = await frames.timed(lambda: send_key(app, "j"), lambda: reader.view.cursor == index + 1)
                        move_frames.append(pair)
                    keys += 1
                    await pilot.pause()
            await pilot.pause()
    finally:
        AtomicJSONStorage.write = write
        app.store.close()
    return {"keys": keys, "labelled": labelled, "labels": label_frames, "saved": saved_frames,
            "moves": move_frames, "writes": writes}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=_HERE.parents[1] / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=3, help="passes with advance on, for the latency figures")
    parser.add_argument("--quick", action="store_true", help="two articles of the bundled sample, one round (CI)")
    args = parser.parse_args()
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path

    folder = _TMP / "corpus"
    if args.quick:  # the same everywhere, ../shared or not: CI asks whether it still runs
        args.corpus, args.rounds = sample_corpus_path(), 1
        folder.mkdir(parents=True)
        for path in sorted(args.corpus.glob("*.txt"))[:2]:
            shutil.copy(path, folder / path.name)
    elif not args.corpus.is_dir():
        print(f"skipped: no corpus at {args.corpus} (the real articles live in ../shared/corpus)")
        return
    else:
        shutil.copytree(args.corpus, folder)

    analyzer = Analyzer()  # analyse once, into the private cache, so the passes time the app
    corpus = load_corpus(folder)
    sentences = {a.id: len(analyzer.analyze(a).sentences) for a in corpus.articles}
    print(f"corpus {args.corpus}: {len(sentences)} articles, {sum(sentences.values())} sentences "
          f"({', '.join(f'{n}' for n in sentences.values())}); load {load()}")

    results = {}
    for advance in ("stay", "next-unreviewed"):
        results[advance] = await labelling_pass(folder, _TMP / f"store-{advance}", advance)
    print("[1] keys per labelled sentence (label keys + j + ] between articles)")
    for advance, result in results.items():
        print(f"    advance = {advance:16} {result['keys']:4} keys for {result['labelled']} sentences: "
              f"{result['keys'] / result['labelled']:.2f} keys a sentence")
    print("    target <= 1.1; the stay figure is the behaviour before advance on label")

    labels, saved, moves, writes = [], [], [], []
    labels += results["next-unreviewed"]["labels"]
    saved += results["next-unreviewed"]["saved"]
    writes += results["next-unreviewed"]["writes"]
    moves += results["stay"]["moves"]
    for n in range(1, args.rounds):
        extra = await labelling_pass(folder, _TMP / f"store-round-{n}", "next-unreviewed")
        labels += extra["labels"]
        saved += extra["saved"]
        writes += extra["writes"]
    print(f"[2] a label key with advance on, key to painted frame ({len(labels)} keys, {args.rounds} passes); load {load()}")
    print(line("baseline: j (next sentence)", moves))
    print(line("label key + advance (frame, write queued)", labels, width=44))
    print(line("key to the frame that says saved", saved, width=44))
    print(line("  the durable write alone (writer thread)", writes, width=44))
    walls = [wall for wall, _cpu in labels]
    print(f"    => label key frame wall p99 {ms(pct(walls, .99))} (target <= 16 ms); j wall p99 "
          f"{ms(pct([w for w, _c in moves], .99))}; saved after p50 {ms(pct([w for w, _c in saved], .5))} "
          f"p99 {ms(pct([w for w, _c in saved], .99))}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
