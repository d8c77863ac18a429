"""How fast the app answers: prints figures beside baselines measured in the same run.

    python benchmarks/tui.py [--paragraphs 2000] [--articles 1000] [--presses 200] [--runs 5] [--skip-gil]
    python benchmarks/tui.py --quick    # every part at small sizes, for CI (figures not meaningful)

Method. `pilot.press` cannot time a key: after each key it waits until the process has
been idle for a while (Textual's `wait_for_idle`), about 85 ms whatever the key does.
Instead this script times frames. It wraps the app's `_display`, where a finished frame
(layout, every changed line drawn through the widgets' `render_line`, compositing) is
handed to the terminal; headless Textual skips turning the frame into terminal bytes,
so the wrapper does that too (`render_segments`), and the figures include all the work
a real terminal session pays for except the write itself. A key is sent the way the
terminal driver sends one (`driver.send_message(events.Key(...))`); its latency is the
time from sending it to the end of the first frame that shows its effect. Every figure
is given as wall time and as this process's CPU time over the same interval: wall time
also holds any wait for Textual's frame timer (at most 60 frames a second; after an
idle spell it ticks at once) and whatever the shared cores spend on other processes;
CPU time is the work itself. Between two measured keys the app is left to go idle.

1. Cursor moves (j) in a long article: per-keypress p50/p99, against a frame that
   repaints one status line and no key, and against j with the strip cache thrown
   away before each press (a naive full redraw); plus the reader's own draw (the move
   and `render_line` for every visible line). Target: <= 16 ms a keypress.
2. Opening a cached article from the list, to its first frame, and to the frame
   answering a j sent straight after; ] (next article) in the reader; against pushing
   the help screen. Target: <= 100 ms.
3. Process start to an interactive list of a corpus whose analyses are cached (first
   frame with the rows, and the frame answering the first key), in fresh processes,
   best and median of --runs; against a process that only reads the corpus. And
   whether spaCy was imported. Target: <= 1 s, no spaCy.
4. Keypress latency (page down/up) while spaCy analyses an article, against the same
   keys once it is done: does the analysis make the UI stutter?

The synthetic analyses of (1)-(3) are written straight into a private cache, so the
figures measure the app, not spaCy. Everything runs in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

# This file is named tui.py: keep its folder off sys.path so `import tui` finds the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

_CHILD = os.environ.get("CLAIMSCOPE_BENCH_CHILD") == "1"
if not _CHILD:  # a child of this script inherits the parent's private folders
    _TMP = Path(tempfile.mkdtemp(prefix="claimscope-bench-"))
    import atexit
    import shutil

    atexit.register(shutil.rmtree, _TMP, True)  # the private folders go with the run
    for _name in ("CACHE", "DATA", "CONFIG"):
        os.environ[f"CLAIMSCOPE_{_name}_DIR"] = str(_TMP / _name.lower())

from corpus.model import Analysis, Article, Segment, Span, kind_of  # noqa: E402

_SENTENCE = re.compile(r"[^.!?]+[.!?]")
_NAMES = re.compile(r"\b(?:Acme Corp|Jane Smith|London|Tuesday|2023|\d+(?:[.,]\d+)?%?)")
_LABELS = {"Acme Corp": "ORG", "Jane Smith": "PERSON", "London": "GPE", "Tuesday": "DATE", "2023": "DATE"}
SIZE = (120, 40)


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


# ------------------------------------------------------------------ measuring
class Frames:
    """Notes the end of every frame the app hands to the terminal (see the method above)."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[tuple[float, float]]]] = []
        display = app._display

        def display_and_note(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return  # nothing was shown
            if app.is_headless and isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # the terminal bytes a real session writes
            now = (time.perf_counter(), time.process_time())  # taken here: work queued after the frame is not counted
            for check, future in self._waiting:
                if not future.done() and check():
                    future.set_result(now)
            self._waiting = [(check, future) for check, future in self._waiting if not future.done()]

        app._display = display_and_note

    def expect(self, check: Callable[[], bool]) -> asyncio.Future[tuple[float, float]]:
        """A future set to the (wall, cpu) clocks at the end of the first frame painted while ``check()`` holds."""
        future: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self._waiting.append((check, future))
        return future

    async def timed(self, act: Callable[[], Any], check: Callable[[], bool], timeout: float = 20.0) -> tuple[float, float]:
        """(wall, cpu) seconds from calling ``act`` to the end of the frame where ``check()`` holds."""
        future = self.expect(check)
        wall, cpu = time.perf_counter(), time.process_time()
        act()
        end_wall, end_cpu = await asyncio.wait_for(future, timeout)
        return end_wall - wall, end_cpu - cpu


def send_key(app, key: str, char: str | None = None) -> None:
    """Send a key the way the terminal driver does."""
    from textual import events

    app._driver.send_message(events.Key(key, char if char is not None else (key if len(key) == 1 else None)))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def line(name: str, pairs: list[tuple[float, float]], width: int = 40) -> str:
    walls = [wall for wall, _cpu in pairs]  # (wall, cpu) seconds per measurement
    cpus = [cpu for _wall, cpu in pairs]
    return (
        f"    {name:{width}} wall p50 {ms(pct(walls, .5))} p99 {ms(pct(walls, .99))}"
        f" | cpu p50 {ms(pct(cpus, .5))} p99 {ms(pct(cpus, .99))}"
    )


def load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


class Press:
    """What happened while one key was measured: garbage collections (their generation
    and time, from ``gc.callbacks``) and the paragraphs the view drew afresh (not from
    its strip cache). Used as ``with press as note:``; ``note`` fills in."""

    def __init__(self, view) -> None:
        import gc

        self.note: dict[str, Any] = {}
        self._gc_started = 0.0
        drawn = view._render_paragraph  # counted through an attribute of this one view

        def counted(*args, **kwargs):
            if not self.note.get("painted"):
                self.note["drawn"] = self.note.get("drawn", 0) + 1
            return drawn(*args, **kwargs)

        view._render_paragraph = counted

        def collected(phase: str, info: dict) -> None:
            if phase == "start":
                self._gc_started = time.perf_counter()
            elif not self.note.get("painted"):
                self.note.setdefault("gc", []).append(
                    (info["generation"], time.perf_counter() - self._gc_started)
                )

        gc.callbacks.append(collected)

    def __enter__(self) -> dict[str, Any]:
        self.note = {}
        return self.note

    def __exit__(self, *exc: object) -> None:
        pass

    def until(self, check: Callable[[], bool]) -> Callable[[], bool]:
        """``check``, noting when it first holds: what comes after that frame is not the press's."""

        def noted() -> bool:
            if check():
                self.note["painted"] = True
                return True
            return False

        return noted

    @staticmethod
    def describe(note: dict[str, Any]) -> str:
        parts = ["scrolled" if note.get("scrolled") else "no scroll", f"{note.get('drawn', 0)} paragraphs drawn"]
        parts += [f"gc gen{gen} {ms(took).strip()}" for gen, took in note.get("gc", [])] or ["no gc"]
        return ", ".join(parts)


# ---------------------------------------------------------------------- parts
async def bench_cursor(paragraphs: int, presses: int) -> None:
    folder = _TMP / "long"
    write_corpus(folder, 1, paragraphs)
    app = build_app(folder, _TMP / "store-long")
    fill_cache(app.analyzer, app.corpus)
    from textual.content import Content

    from tui.widgets.article_view import ArticleView

    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await app.workers.wait_for_complete()
        app.open_article(app.corpus.articles[0].id)
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        status = app.screen.query_one("#sentence-status")
        print(f"[1] cursor moves in a {paragraphs}-paragraph article ({len(view.sentences)} sentences, "
              f"{view.virtual_size.height} screen lines), {presses} presses each; load {load()}")

        scrolled: list[bool] = []
        notes: list[dict[str, Any]] = []  # per press: what happened during it (see Press)
        press = Press(view)

        async def series(act: Callable[[], Any], check_after: Callable[[], Callable[[], bool]], before=None):
            pairs = []
            scrolled.clear()
            notes.clear()
            for _ in range(presses):
                if before:
                    before()
                top = view.scroll_y
                with press as note:
                    pairs.append(await frames.timed(act, press.until(check_after())))
                scrolled.append(view.scroll_y != top)
                notes.append(dict(note, scrolled=view.scroll_y != top))
                await pilot.pause()
            return pairs

        counter = iter(range(10**9))

        def one_line():
            status.update(Content(f"baseline frame {next(counter)}"), layout=False)

        repaint = await series(one_line, lambda: (lambda: True))
        view.cursor = len(view.sentences) // 2  # the middle, away from the ends
        await pilot.pause()

        def j_check():
            target = view.cursor + 1
            return lambda: view.cursor == target

        moves = await series(lambda: send_key(app, "j"), j_check)
        move_notes = list(notes)
        plain = [pair for pair, moved in zip(moves, scrolled) if not moved]
        scrolls = [pair for pair, moved in zip(moves, scrolled) if moved]

        def naive() -> None:
            view._strips.clear()  # redraw as if nothing were cached
            view.refresh()

        naive_moves = await series(lambda: send_key(app, "j"), j_check, naive)
        # The reader's own share: the move, then every visible line through render_line.
        draws = []
        for _ in range(presses):
            wall, cpu = time.perf_counter(), time.process_time()
            app.screen.action_next_sentence()
            for y in range(view.size.height):
                view.render_line(y)
            draws.append((time.perf_counter() - wall, time.process_time() - cpu))
            await pilot.pause()
        print(line("baseline: a frame repainting 1 line, no key", repaint))
        print(line("j: next sentence, key to painted", moves))
        print(line(f"  of which {len(plain)} redraw two paragraphs", plain))
        if scrolls:
            print(line(f"  and {len(scrolls)} scroll the view", scrolls))
        print(f"    the 5 slowest j (cpu), of {presses}:")
        slowest = sorted(zip(moves, move_notes), key=lambda item: -item[0][1])[:5]
        for (wall, cpu), note in slowest:
            print(f"      cpu {ms(cpu)} wall {ms(wall)}: {Press.describe(note)}")
        print(line("j with a naive full redraw", naive_moves))
        print(line("j's draw alone (action + render_line)", draws))
        print(f"    => j, key to painted: cpu p50 {ms(pct([c for _w, c in moves], .5))} p99 "
              f"{ms(pct([c for _w, c in moves], .99))}, wall p50 {ms(pct([w for w, _c in moves], .5))} "
              f"(target <= 16 ms a keypress)")
    app.store.close()


async def bench_open(paragraphs: int, rounds: int = 10) -> None:
    folder = _TMP / f"open-{paragraphs}"
    write_corpus(folder, 3, paragraphs)
    app = build_app(folder, _TMP / f"store-open-{paragraphs}")
    fill_cache(app.analyzer, app.corpus)
    from tui.screens.articles import ArticlesScreen
    from tui.screens.help import HelpScreen
    from tui.screens.reader import ReaderScreen

    def reading(article_id: str, cursor: int | None = None) -> Callable[[], bool]:
        def check() -> bool:
            screen = app.screen
            return (
                isinstance(screen, ReaderScreen)
                and screen.article.id == article_id
                and screen.view.analysis is not None
                and (cursor is None or screen.view.cursor == cursor)
            )

        return check

    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await app.workers.wait_for_complete()
        await asyncio.sleep(1.0)  # about the least a person takes to choose an article
        await pilot.pause()
        opens, answered, backs, helps, steps = [], [], [], [], []
        ids = [article.id for article in app.corpus.articles]
        for n in range(rounds + 1):
            article_id = ids[n % len(ids)]
            opens.append(await frames.timed(lambda: app.open_article(article_id), reading(article_id)))
            await pilot.pause()
            backs.append(await frames.timed(lambda: send_key(app, "q"), lambda: isinstance(app.screen, ArticlesScreen)))
            await pilot.pause()

            def open_and_press() -> None:
                app.open_article(article_id)
                send_key(app, "j")  # typed at once, as a fast reader would

            # The reader reopens an article where this annotator left it: j moves one on from there.
            left_at = app.article_positions.get(article_id) or 0
            answered.append(await frames.timed(open_and_press, reading(article_id, left_at + 1)))
            await pilot.pause()
            send_key(app, "q")
            await pilot.pause()
            helps.append(await frames.timed(lambda: app.push_screen(HelpScreen()), lambda: isinstance(app.screen, HelpScreen)))
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        app.open_article(ids[0])
        await pilot.pause()
        for n in range(rounds):
            target = ids[(n + 1) % len(ids)]
            if target == ids[0]:
                app.open_article(ids[0])
                await pilot.pause()
                continue
            steps.append(await frames.timed(lambda: send_key(app, "right_square_bracket", "]"), reading(target)))
            await pilot.pause()
        first, opens = opens[0], opens[1:]
        print(f"[2] a cached {paragraphs}-paragraph article, {rounds} rounds; load {load()}")
        print(f"    {'first open (reader built while list shown)':40} wall {ms(first[0])} | cpu {ms(first[1])}")
        print(line("open from the list, to its first frame", opens))
        print(line("open, then j typed at once, to j painted", answered))
        print(line("] next article in the reader", steps))
        print(line("q back to the list", backs))
        print(line("baseline: push the help screen", helps))
        print(f"    => open to painted: wall p50 {ms(pct([w for w, _c in opens], .5))} (target <= 100 ms)")
    app.store.close()


_START_CHILD = """
import asyncio, json, sys, time
from pathlib import Path
mode, folder, store = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if mode == "corpus":
    from corpus.articles import load_corpus
    corpus = load_corpus(folder)
    print(json.dumps({"done": time.time(), "rows": len(corpus.articles)}))
    raise SystemExit
sys.path.insert(0, sys.argv[4])
import tui as _package  # noqa: the benchmark module below is also named tui
import importlib.util
spec = importlib.util.spec_from_file_location("claimscope_bench", sys.argv[5])
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
from tui.app import create_app

async def main():
    imported = time.time()
    app = create_app(folder, store_dir=store, annotator="bench", restore=False)
    created = time.time()
    result = {"imported": imported, "created": created}
    async with app.run_test(size=bench.SIZE) as pilot:
        frames = bench.Frames(app)
        table = lambda: app.list_screen.query_one("#articles") if app.list_screen and app.list_screen.is_mounted else None
        shown = frames.expect(lambda: table() is not None and table().row_count > 0 and app.screen is app.list_screen)
        await shown
        result["painted"] = time.time()
        result["rows"] = table().row_count
        await frames.timed(lambda: bench.send_key(app, "down"), lambda: table().cursor_row == 1)
        result["answered"] = time.time()
        result["spacy"] = "spacy" in sys.modules
        await app.workers.wait_for_complete()
    app.store.close()
    print(json.dumps(result))

asyncio.run(main())
"""


def _start_folder(articles: int) -> Path:
    """The corpus of parts 3 and 3b: `articles` short articles, their analyses cached."""
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus

    folder = _TMP / f"many-{articles}"
    if not folder.exists():
        write_corpus(folder, articles, 12)
        fill_cache(Analyzer(), load_corpus(folder))
    return folder


def bench_start(articles: int, runs: int) -> None:
    folder = _start_folder(articles)
    import tui

    env = dict(os.environ, CLAIMSCOPE_BENCH_CHILD="1")
    repo = str(Path(tui.__file__).resolve().parent.parent)  # the code under test

    def child(mode: str, store: str) -> tuple[float, dict]:
        started = time.time()
        done = subprocess.run(
            [sys.executable, "-c", _START_CHILD, mode, str(folder), store, repo, str(Path(__file__).resolve())],
            capture_output=True, text=True, env=env, cwd=repo, timeout=120,
        )
        if done.returncode != 0:
            raise SystemExit(f"start benchmark child failed:\n{done.stderr[-3000:]}")
        return started, json.loads(done.stdout.strip().splitlines()[-1])

    read, painted, answered, imported, created = [], [], [], [], []
    spacy = False
    rows = 0
    for n in range(runs):
        started, result = child("corpus", "-")
        read.append(result["done"] - started)
        started, result = child("app", str(_TMP / f"store-many-{n}"))
        imported.append(result["imported"] - started)
        created.append(result["created"] - started)
        painted.append(result["painted"] - started)
        answered.append(result["answered"] - started)
        spacy = spacy or result["spacy"]
        rows = result["rows"]
    print(f"[3] process start to an interactive list of {rows} articles, {runs} fresh processes; load {load()}")
    for name, values in (
        ("baseline: python + load_corpus alone", read),
        ("imports done", imported),
        ("corpus, store and app built", created),
        ("list painted", painted),
        ("first key (down) painted", answered),
    ):
        print(f"    {name:40} best {ms(min(values))}  median {ms(statistics.median(values))}")
    print(f"    => interactive (first key answered): median {ms(statistics.median(answered))} "
          f"(target <= 1 s); spaCy imported: {spacy}")


def _pty_run(argv: list[str], env: dict, until: Callable[[bytes], bool], size=SIZE, timeout: float = 30.0) -> tuple[float, bytes]:
    """Starts argv on a new pseudo-terminal of `size` and reads what it writes until
    `until(bytes so far)` holds; returns the seconds from the fork to that moment."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pseudo-terminal is its stdin, stdout and stderr
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    seen = bytearray()
    try:
        while True:
            left = timeout - (time.perf_counter() - started)
            if left <= 0:
                raise SystemExit(f"{argv[0]} did not paint in {timeout:.0f} s; it wrote: {bytes(seen[-400:])!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                raise SystemExit(f"{argv[0]} exited before painting; it wrote: {bytes(seen[-400:])!r}")
            seen += chunk
            at = time.perf_counter()
            # a read can end inside a frame on what looks like its end: done only when
            # nothing more follows within 5 ms (the time is that of the last byte read)
            if until(bytes(seen)) and not select.select([fd], [], [], 0.005)[0]:
                return at - started, bytes(seen)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def bench_start_terminal(folder: Path, runs: int) -> None:
    """Process start to the article list painted in a real (pseudo-)terminal, as a user
    starts it: the installed command, with the modules' bytecode already written by an
    earlier start (as on any second start), against a process that imports textual,
    rich and tinydb and prints one line, in the same terminal set-up."""
    command = Path(sys.executable).with_name("claimscope")
    argv = [str(command)] if command.exists() else [sys.executable, "-c", "from tui.cli import main; main()"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CLAIMSCOPE_BENCH_CHILD")}
    env.update(TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    env["CLAIMSCOPE_DATA_DIR"] = str(_TMP / "tty-data")
    # Textual writes a frame line by line and ends it by parking the cursor (an escape
    # such as ESC[2;5H with nothing after it): the list is painted when a frame with
    # article rows has ended that way.
    frame_end = re.compile(rb"\x1b\[\d+;\d+H$")

    def painted(seen: bytes) -> bool:
        return b"Benchmark article" in seen and frame_end.search(seen) is not None

    baseline_argv = [sys.executable, "-c", "import textual.app, rich.console, tinydb; print('imported')"]
    _pty_run(argv + [str(folder)], env, painted)  # writes any missing bytecode; not counted
    _pty_run(baseline_argv, env, lambda seen: b"imported" in seen)
    app_times, base_times = [], []
    for _ in range(runs):
        base_times.append(_pty_run(baseline_argv, env, lambda seen: b"imported" in seen)[0])
        app_times.append(_pty_run(argv + [str(folder)], env, painted)[0])
    print(f"[3b] start to the list painted in a real terminal ({SIZE[0]}x{SIZE[1]} pty), "
          f"`claimscope FOLDER`, {runs} runs; load {load()}")
    print(f"    baseline: import textual+rich+tinydb     best {ms(min(base_times))}  median {ms(statistics.median(base_times))}")
    print(f"    list painted                             best {ms(min(app_times))}  median {ms(statistics.median(app_times))}")
    print(f"    => start to list painted: median {ms(statistics.median(app_times))} (target <= 300 ms)")


async def bench_gil(paragraphs: int, presses: int) -> None:
    folder = _TMP / "gil"
    folder.mkdir(parents=True, exist_ok=True)
    text = synthetic_text(paragraphs, 99).replace("Acme Corp", "Orbis Ltd")
    (folder / "fresh.txt").write_text(text, encoding="utf-8")
    app = build_app(folder, _TMP / "store-gil")
    from tui.widgets.article_view import ArticleView

    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await app.workers.wait_for_complete()
        app.open_article("fresh.txt")  # not cached: spaCy runs (in the child process)
        await pilot.pause()
        view = app.screen.query_one(ArticleView)

        dropped = 0

        async def press(into: list[tuple[float, float]]) -> None:
            nonlocal dropped
            before = view.scroll_y
            key = "pagedown" if before == 0 else "pageup"  # between the top and one page down
            try:
                into.append(await frames.timed(lambda: send_key(app, key), lambda: view.scroll_y != before, timeout=5))
            except asyncio.TimeoutError:
                dropped += 1  # the analysis arrived and put the view back at the top meanwhile
            await asyncio.sleep(0.02)

        busy: list[tuple[float, float]] = []
        started = time.perf_counter()
        while view.analysis is None and len(busy) < presses * 10:
            await press(busy)
        analysing = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiet: list[tuple[float, float]] = []
        for _ in range(presses):
            await press(quiet)
    app.store.close()
    print(f"[4] page down/up while spaCy analyses {paragraphs} paragraphs ({analysing:.1f} s, {len(busy)} presses, "
          f"{dropped} dropped); load {load()}")
    if busy:
        print(line("while analysing", busy))
    else:
        print("    the analysis finished before a key could be pressed")
    print(line("baseline: the same keys, idle", quiet))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes for part 3")
    parser.add_argument("--only", choices=["cursor", "open", "start", "terminal", "gil"], help="run one part")
    parser.add_argument("--skip-gil", action="store_true", help="do not load spaCy for part 4")
    parser.add_argument("--quick", action="store_true", help="every part at small sizes (CI: does it still run?)")
    args = parser.parse_args()
    if args.quick:
        args.paragraphs, args.articles, args.presses, args.runs = 60, 30, 5, 1
    print(f"cores {os.cpu_count()}, load average {load()} (other processes share these cores)")
    if args.only in (None, "start"):
        bench_start(args.articles, args.runs)
    if args.only in (None, "start", "terminal"):
        bench_start_terminal(_start_folder(args.articles), max(args.runs, 3))
    if args.only in (None, "open"):  # before part 1, so the first open is a first in this process
        for paragraphs in (20,) if args.quick else (20, 200):
            await bench_open(paragraphs, rounds=3 if args.quick else 10)
    if args.only in (None, "cursor"):
        await bench_cursor(args.paragraphs, args.presses)
    if args.only == "gil" or (args.only is None and not args.skip_gil):
        await bench_gil(40 if args.quick else 300, 5 if args.quick else 20)


if __name__ == "__main__":
    asyncio.run(main())
