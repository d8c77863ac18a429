"""The chaos suite: bad corpora, damaged stores and killed processes, through the real command.

Every case builds its fault in a temporary folder, runs the installed ``claimscope``
(or the store API where the fault is a library call) and asserts three things:
no traceback reaches the user, the message names the file at fault, and every label
that was acknowledged before the fault is afterwards on its own sentence (checked by
sentence text through a CSV export, never by position).

The cases are the ones issue 7 lists: bad encodings, lone surrogates, NULs, line
separators, edited JSONL files, corrupt and read-only stores, a stale lock, a full
disk, and SIGKILL loops during ``import`` and during labelling in the app (tmux).
"""

from __future__ import annotations

import csv
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.store import Store, annotator_of_folder
from corpus.articles import load_corpus

from terminal import TMUX, env_prefix

pytestmark = pytest.mark.slow

LABELS = ("quantity", "cause", "prediction", "rule", "experience", "other", "none")


def _command() -> list[str]:
    found = shutil.which("claimscope")
    if found:
        return [found]
    beside = Path(sys.executable).parent / "claimscope"
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-m", "tui.cli"]


def run_cli(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """The installed command, no terminal, wide output so file names are not wrapped."""
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run(
        [*_command(), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def assert_clean(result: subprocess.CompletedProcess[str], *, codes: tuple[int, ...] = (0,)) -> str:
    """No traceback, an expected exit status, errors as single lines; returns all output."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode in codes, (result.returncode, output)
    for line in result.stderr.splitlines():
        if line.startswith("claimscope: error:"):
            assert len(line) < 600, line
    return output


def sentences_of(analyzer, article) -> list[str]:
    analysis = analyzer.analyze(article)
    return [article.text[s.start : s.end] for s in analysis.sentences]


def exported_labels(corpus_dir: Path, store_dir: Path, tmp_path: Path) -> dict[str, str]:
    """Sentence text -> label, as ``claimscope export --format csv`` writes them."""
    out = tmp_path / f"export-{time.monotonic_ns()}.csv"
    result = run_cli("export", corpus_dir, "--store", store_dir, "--format", "csv", "-o", out)
    assert_clean(result)
    with out.open(newline="", encoding="utf-8") as handle:
        return {row["sentence"]: row["label"] for row in csv.DictReader(handle) if row["label"]}


def label_every_sentence(corpus_dir: Path, store_dir: Path, analyzer) -> dict[str, str]:
    """Label each sentence of the corpus through the store; returns sentence text -> label.

    Every label is acknowledged (``set_label`` returned, so it is on disk).
    """
    acked: dict[str, str] = {}
    corpus = load_corpus(corpus_dir)
    with Store.open(corpus.root, annotator="chaos", store_dir=store_dir) as store:
        for n, article in enumerate(corpus.articles):
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            with doc.batch():
                for i, sentence in enumerate(analysis.sentences):
                    doc.set_label(i, LABELS[(n + i) % len(LABELS)])
                    acked[article.text[sentence.start : sentence.end]] = LABELS[(n + i) % len(LABELS)]
    return acked


# ----------------------------------------------------------------------------- bad files

GOOD = (
    "Harbour board approves new ferry berth\n\n"
    "The Kelsey harbour board approved a £4.2 million ferry berth on Monday. "
    "Work will start in June and take 14 months, the board said.\n"
)


def _record(text: str, **extra: str) -> str:
    return json.dumps({"text": text, **extra}, ensure_ascii=True)


FAULT_FILES = [
    "legacy.txt",
    "stray-byte.txt",
    "binary.txt",
    "nul.txt",
    "empty.txt",
    "utf16.txt",
    "crlf-scripts.txt",
    "surrogate.jsonl",
    "separators.jsonl",
    "broken.jsonl",
    "bad-front-matter.md",
    "brackets [b]and[red] markup.txt",
]


def build_bad_corpus(folder: Path) -> None:
    """Write one good article and one file per fault (see FAULT_FILES)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    faults: dict[str, bytes] = {
        # Western European text saved by an old editor: every accent is one cp1252 byte.
        "legacy.txt": "Café owners in Málaga said prices rose 8% in a year.\n".encode("cp1252"),
        # Valid UTF-8 but for one stray cp1252 byte (a curly apostrophe).
        "stray-byte.txt": (
            "The mayor’s office said 1,200 homes in Zürich were insulated.\n".encode("utf-8")
            + b"The council\x92s budget rose by 3% this year.\n"
        ),
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "nul.txt": "Turnout was 61% in the north.\x00\x00 It fell to 48% in the south.\n".encode(),
        "empty.txt": b"",
        "utf16.txt": "Unemployment fell to 4.1% in March, the office said.\n".encode("utf-16"),
        "crlf-scripts.txt": (
            "Prices rose 5% 📈 in Tel Aviv.\r\n\r\n"
            "המחיר עלה ב-5% השנה, said the report.\r\n\r\n"
            "Cafe\u0301 sales fell by a third in 2023.\r\n"
        ).encode("utf-8"),
        "surrogate.jsonl": (
            _record("A fan wrote \ud83d about the 3-1 win on Saturday.") + "\n"
            + _record("The club sold 12,000 tickets for the final.") + "\n"
        ).encode("utf-8"),
        "separators.jsonl": (
            _record("Rents rose 7%\u2028in the capital last year.\u2029Wages rose 3%.") + "\n"
            + _record("Exports fell\u0085by 2% in May, officials said.") + "\n"
        ).encode("utf-8"),
        "broken.jsonl": (
            _record("Ridership grew 9% after the fare cut.") + "\n"
            + '{"text": "unterminated\n'
            + '["a list", "not an object"]\n'
            + _record("The line carries 40,000 people a day.") + "\n"
        ).encode("utf-8"),
        "bad-front-matter.md": b"---\ntitle: [unclosed\n---\nThe port handled 3 million containers.\n",
        "brackets [b]and[red] markup.txt": b"A note [/source] says [red]12%[/red] of [link=x]voters[/link].\n",
    }
    assert sorted(faults) == sorted(FAULT_FILES)
    for name, data in faults.items():
        (folder / name).write_bytes(data)


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "corpus"
    build_bad_corpus(folder)
    return folder


def test_listing_survives_every_bad_file_and_names_each_one(bad_corpus: Path) -> None:
    output = assert_clean(run_cli(bad_corpus))
    assert "Harbour board approves new ferry berth" in output
    # Files that cannot be articles are named in their own error rows.
    for name in ("binary.txt", "empty.txt", "broken.jsonl"):
        assert name in output, name


@pytest.mark.parametrize(
    "command",
    [
        ("stats",),
        ("analyze",),
        ("export", "--format", "csv"),
        ("export", "--format", "prodigy"),
        ("export", "--format", "doccano"),
        ("export", "--format", "spacy"),
    ],
    ids=lambda c: "-".join(c),
)
def test_corpus_commands_survive_every_bad_file(command, bad_corpus: Path, tmp_path: Path) -> None:
    args: list[str | Path] = [command[0], bad_corpus, "--store", tmp_path / "store"]
    if command[0] == "export":
        args += [*command[1:], "-o", tmp_path / "out", "--include-unreviewed"]
    assert_clean(run_cli(*args))


@pytest.mark.parametrize("name", FAULT_FILES)
def test_inspect_each_bad_file(name: str, bad_corpus: Path) -> None:
    result = run_cli("inspect", bad_corpus / name, "--json")
    output = assert_clean(result, codes=(0, 2))
    if result.returncode == 2:
        # One line that names the file.
        errors = [line for line in result.stderr.splitlines() if line.startswith("claimscope: error:")]
        assert len(errors) == 1, output
        assert name.split(" ")[0] in errors[0], errors[0]
    else:
        data = json.loads(result.stdout)
        articles = data if isinstance(data, list) else [data]
        for article in articles:
            text = article["text"]
            for span in article["spans"] + article["sentences"]:
                piece = text[span["start"] : span["end"]]
                # Offsets index the exact text: a span never starts or ends on a space.
                assert piece and piece == piece.strip(), (span, piece)


# ---------------------------------------------------------------- labels stay in place

RECORDS = [
    ("The depot will hire 120 drivers by May. Unions welcomed the news.", {}),
    ("Bus fares rose 6% in January. The operator blamed fuel costs.", {"id": "bus-fares"}),
    ("A new tram line opens in 2027. It will cost €310 million.", {}),
    ("Cycle lanes grew by 40 km last year. Councillors want more.", {"uuid": "c-lanes"}),
]


def _write_jsonl(path: Path, records, *, blank_top: int = 0) -> None:
    lines = ["" for _ in range(blank_top)]
    lines += [_record(text, **extra) for text, extra in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_labels_stay_on_their_sentences_through_jsonl_edits(tmp_path: Path, analyzer) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    feed = corpus_dir / "feed.jsonl"
    _write_jsonl(feed, RECORDS)
    store_dir = tmp_path / "store"
    acked = label_every_sentence(corpus_dir, store_dir, analyzer)
    assert len(acked) == 8
    assert exported_labels(corpus_dir, store_dir, tmp_path) == acked

    edits = {
        "two blank lines at the top": lambda: _write_jsonl(feed, RECORDS, blank_top=2),
        "a new record at the top": lambda: _write_jsonl(
            feed, [("Ferry crossings fell 11% in winter. Storms were blamed.", {}), *RECORDS]
        ),
        "records reversed": lambda: _write_jsonl(feed, list(reversed(RECORDS))),
        "the first record deleted": lambda: _write_jsonl(feed, RECORDS[1:]),
    }
    for what, edit in edits.items():
        edit()
        expected = {
            text: label
            for text, label in acked.items()
            if any(text in record for record, _ in load_records(feed))
        }
        got = exported_labels(corpus_dir, store_dir, tmp_path)
        assert got == expected, what
        stats = assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))
        assert "Traceback" not in stats


def load_records(path: Path) -> list[tuple[str, dict]]:
    records = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            value = json.loads(line)
            records.append((value["text"], value))
    return records


# ------------------------------------------------------------------------ store faults


@pytest.fixture
def labelled(tmp_path: Path, analyzer):
    """A two-article corpus with every sentence labelled; returns (corpus, store, acked)."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "ferry.txt").write_text(GOOD, encoding="utf-8")
    (corpus_dir / "rail.txt").write_text(
        "Rail use hits a record\n\nPassenger journeys rose 12% to 1.6 billion last year. "
        "The regulator expects growth to slow in 2026.\n",
        encoding="utf-8",
    )
    store_dir = tmp_path / "store"
    return corpus_dir, store_dir, label_every_sentence(corpus_dir, store_dir, analyzer)


def _article_file(store_dir: Path, stem_part: str) -> Path:
    # Labels are kept per annotator: annotators/<name>/articles/.
    [path] = [p for p in store_dir.glob("annotators/*/articles/*.json") if stem_part in p.name]
    return path


def test_a_corrupt_store_file_is_named_and_the_rest_goes_on(labelled, tmp_path: Path) -> None:
    corpus_dir, store_dir, acked = labelled
    # Labels of both articles, exported before the damage, to import afterwards.
    out = tmp_path / "all.jsonl"
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "--format", "prodigy", "-o", out))
    bad = _article_file(store_dir, "rail")
    bad.write_bytes(b'{"labels": {"1": {"label": "quan')
    rest = {t: l for t, l in acked.items() if "Passenger" not in t and "regulator" not in t}

    stats = assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))
    assert bad.name in stats and "corrupt" in stats.lower(), stats
    assert exported_labels(corpus_dir, store_dir, tmp_path) == rest

    # An import that touches both articles skips the corrupt one in one line.
    fresh = tmp_path / "fresh-store"
    shutil.copytree(store_dir, fresh)
    imported = assert_clean(
        run_cli("import", corpus_dir, out, "--store", fresh, "--annotator", "chaos"), codes=(0, 1)
    )  # into chaos's shard, which holds the corrupt file
    assert bad.name in imported, imported
    assert exported_labels(corpus_dir, fresh, tmp_path) == rest
    assert bad.read_bytes() == b'{"labels": {"1": {"label": "quan'  # left untouched


@pytest.mark.parametrize(
    "index",
    [
        {"articles": {"x.json": "oops"}},
        {"articles": {"x.json": {"counts": [1], "mtime_ns": "abc"}}},
        {"articles": []},
        ["not", "an", "object"],
        {"articles": {"ferry.json": {"counts": {"quantity": "many"}, "size": None}}},
    ],
    ids=["string-entry", "wrong-field-types", "list-articles", "list-index", "string-count"],
)
def test_an_index_with_wrong_types_is_rebuilt(index, labelled, tmp_path: Path) -> None:
    corpus_dir, store_dir, acked = labelled
    (store_dir / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))
    assert exported_labels(corpus_dir, store_dir, tmp_path) == acked
    with Store.open(corpus_dir, annotator="chaos", store_dir=store_dir) as store:
        summary = store.summary()
    assert sum(s.reviewed for s in summary.values()) == len(acked)


def test_a_lock_left_by_a_dead_process_is_taken_over_at_once(labelled, tmp_path: Path) -> None:
    corpus_dir, store_dir, acked = labelled
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from annotations.store import Store;"
            "s = Store.open(None, annotator='dead', store_dir=sys.argv[1]);"
            "print('locked', s.read_only, flush=True); time.sleep(60)",
            str(store_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().split() == ["locked", "False"]
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)

    out = tmp_path / "labels.jsonl"
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "--format", "prodigy", "-o", out))
    # The dead holder's shard is annotator 'dead''s: importing as 'dead' meets its lock.
    imported = assert_clean(run_cli("import", corpus_dir, out, "--store", store_dir, "--annotator", "dead"))
    assert "took over" in imported, imported
    assert exported_labels(corpus_dir, store_dir, tmp_path) == acked


def _read_only_copy(src: Path, dst: Path) -> bool:
    """Mount ``src`` read-only at ``dst``; False when this machine cannot."""
    dst.mkdir()
    if os.geteuid() != 0:
        return False
    if subprocess.run(["mount", "--bind", str(src), str(dst)], capture_output=True).returncode:
        return False
    if subprocess.run(["mount", "-o", "remount,bind,ro", str(dst)], capture_output=True).returncode:
        subprocess.run(["umount", str(dst)], capture_output=True)
        return False
    return True


def test_a_read_only_store_shows_its_labels_and_refuses_new_ones(labelled, tmp_path: Path, analyzer) -> None:
    corpus_dir, store_dir, acked = labelled
    # The store inside the corpus, as a user has it; the whole corpus mounted read-only.
    shutil.move(str(store_dir), str(corpus_dir / ".claimscope"))
    mounted = tmp_path / "ro"
    if not _read_only_copy(corpus_dir, mounted):
        pytest.skip("no read-only mount here (needs root and mount --bind); chmod does not stop root")
    try:
        stats = assert_clean(run_cli("stats", mounted))
        assert "read-only" in stats.lower(), stats
        assert str(mounted / ".claimscope") in stats, stats
        assert exported_labels(mounted, mounted / ".claimscope", tmp_path) == acked
        # Without --store the command must find the same labels, not an empty fallback.
        out = tmp_path / "default.csv"
        assert_clean(run_cli("export", mounted, "--format", "csv", "-o", out))
        with out.open(newline="", encoding="utf-8") as handle:
            assert {r["sentence"]: r["label"] for r in csv.DictReader(handle) if r["label"]} == acked
        article = load_corpus(mounted).articles[0]
        with Store.open(mounted, annotator="chaos") as store:
            assert store.read_only and store.path == (mounted / ".claimscope").resolve()
            doc = store.article(article, analyzer.analyze(article).sentences)
            with pytest.raises(Exception) as caught:
                doc.set_label(0, "cause")
            assert "\n" not in str(caught.value) and "read-only" in str(caught.value).lower()
    finally:
        subprocess.run(["umount", str(mounted)], capture_output=True)


def test_a_full_disk_keeps_every_acknowledged_label(tmp_path: Path, analyzer) -> None:
    from annotations.errors import StoreError

    store_dir = tmp_path / "tiny"
    store_dir.mkdir()
    if os.geteuid() != 0 or subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(store_dir)], capture_output=True
    ).returncode:
        pytest.skip("no small file system here (mounting a tmpfs needs root)")
    try:
        corpus_dir = tmp_path / "corpus"
        corpus_dir.mkdir()
        text = "Full disk test\n\n" + " ".join(
            f"Depot {n} moved {n * 37} parcels on day {n}." for n in range(400)
        )
        (corpus_dir / "long.txt").write_text(text, encoding="utf-8")
        article = load_corpus(corpus_dir).articles[0]
        sentences = analyzer.analyze(article).sentences
        acked: dict[int, str] = {}
        failures = 0
        with Store.open(corpus_dir, annotator="chaos", store_dir=store_dir) as store:
            doc = store.article(article, sentences)
            for i in range(len(sentences)):
                try:
                    doc.set_label(i, LABELS[i % len(LABELS)])
                    doc.set_note(i, "x" * 200)
                except StoreError as error:
                    failures += 1
                    assert "\n" not in str(error) and "not saved" in str(error).lower()
                    break
                acked[i] = LABELS[i % len(LABELS)]
            assert failures == 1, "the tiny file system should fill up"
            # In memory, the failed label is not shown as saved.
            assert all(doc.labels[i].label == label for i, label in acked.items())
        with Store.open(corpus_dir, annotator="chaos", store_dir=store_dir, read_only=True) as store:
            doc = store.article(article, sentences)
            assert {i: doc.labels[i].label for i in acked} == acked
    finally:
        subprocess.run(["umount", str(store_dir)], capture_output=True)


# ---------------------------------------------------------------------- SIGKILL loops


def test_sigkill_during_import_loses_nothing(tmp_path: Path, analyzer) -> None:
    # Enough articles that the import spends a while writing store files.
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for n in range(60):
        (corpus_dir / f"depot-{n:02d}.txt").write_text(
            f"Depot {n} report\n\n"
            + " ".join(f"Depot {n} sent {n * 13 + k} parcels to town {k} on Monday." for k in range(6))
            + "\n",
            encoding="utf-8",
        )
    store_dir = tmp_path / "store"
    acked = label_every_sentence(corpus_dir, store_dir, analyzer)
    labels_file = tmp_path / "labels.jsonl"
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "--format", "prodigy", "-o", labels_file))

    target = tmp_path / "target"
    rng = random.Random(7)
    kills = 0
    for _ in range(6):
        before = len(list(target.glob("annotators/*/articles/*.json")))
        child = subprocess.Popen(
            [*_command(), "import", str(corpus_dir), str(labels_file), "--store", str(target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        # Kill once the import has started writing article files (or at once if it is done).
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline:
            if len(list(target.glob("annotators/*/articles/*.json"))) > before:
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.02))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        _, err = child.communicate(timeout=60)
        assert "Traceback" not in err, err
        for path in target.rglob("*.json"):
            json.loads(path.read_text(encoding="utf-8"))  # every store file parses
    assert kills >= 2, "the import should have been killed mid-write in most rounds"
    final = assert_clean(run_cli("import", corpus_dir, labels_file, "--store", target))
    assert "read-only" not in final.lower(), final
    assert exported_labels(corpus_dir, target, tmp_path) == acked
    assert len(acked) == 360


# The app, driven in a real terminal, killed with SIGKILL after each acknowledged label.
APP_ROUNDS = 5


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True)


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session).stdout


def _wait(session: str, predicate, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if predicate(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"timed out in tmux; the screen was:\n{screen}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.e2e
def test_sigkill_while_labelling_in_the_app_loses_nothing(labelled, tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("no tmux installed, so there is no real terminal to drive")
    corpus_dir, _, _ = labelled
    store_dir = tmp_path / "app-store"
    keys = {"quantity": "1", "cause": "2", "prediction": "3", "none": "x"}
    env = env_prefix()
    command = " ".join(shlex.quote(part) for part in _command())
    # exec: the pane's own process is the app, so SIGKILL reaches it and not a shell.
    shell = f"exec env {env} {command} {shlex.quote(str(corpus_dir))} --store {shlex.quote(str(store_dir))}"
    acked: list[str] = []
    for round_no in range(APP_ROUNDS):
        session = f"claimscope-chaos-{os.getpid()}-{round_no}"
        _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell)
        try:
            _wait(session, lambda s: "Harbour board" in s)
            _tmux("send-keys", "-t", session, "Enter")
            # The reader's status line: the list's footer also says "n/m reviewed", and keys
            # sent while the list is still up (or the article is being analysed) are lost.
            _wait(session, lambda s: "reviewed · s" in s)
            _tmux("send-keys", "-t", session, "g")
            for _ in range(round_no % 2):
                _tmux("send-keys", "-t", session, "j")
            name = list(keys)[round_no % len(keys)]
            _tmux("send-keys", "-t", session, keys[name])
            _wait(session, lambda s: "saved" in s and "not saved" not in s)
            acked.append(name)
            pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").stdout.strip())
            [lock] = store_dir.glob("annotators/*/lock")  # the app's annotator's shard
            assert str(pid) in lock.read_text(encoding="utf-8"), "the app holds the lock"
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)  # tmux reaps the killed app
        finally:
            _tmux("kill-session", "-t", session)
        app_annotator = annotator_of_folder(lock.parent.name)
        with Store.open(corpus_dir, annotator=app_annotator, store_dir=store_dir) as store:
            assert not store.read_only, store.read_only_reason  # the dead app's lock is taken over
    got = exported_labels(corpus_dir, store_dir, tmp_path)
    sentences = list(got)
    # Rounds alternate between the first and second sentence: the last write to each wins.
    last = {}
    for round_no, name in enumerate(acked):
        last[round_no % 2] = name
    assert sorted(got.values()) == sorted(last.values()), (got, acked)
    assert len(sentences) == len(last)


def test_a_lone_surrogate_in_a_note_does_not_make_the_store_file_unreadable(labelled, tmp_path: Path) -> None:
    corpus_dir, store_dir, acked = labelled
    article = load_corpus(corpus_dir).get("ferry.txt")
    assert article is not None
    from corpus.analysis import Analyzer

    sentences = Analyzer().analyze(article).sentences
    with Store.open(corpus_dir, annotator="chaos", store_dir=store_dir) as store:
        store.article(article, sentences).set_note(0, "pasted half an emoji: \ud83d")
    with Store.open(corpus_dir, annotator="chaos", store_dir=store_dir, read_only=True) as store:
        doc = store.article(article, sentences)
        assert doc.error is None
        assert doc.labels[0].note == "pasted half an emoji: \ufffd"
    assert exported_labels(corpus_dir, store_dir, tmp_path) == acked


def test_a_store_file_with_a_wrong_sentence_count_type_is_named_as_corrupt(labelled, tmp_path: Path) -> None:
    corpus_dir, store_dir, acked = labelled
    bad = _article_file(store_dir, "rail")
    data = json.loads(bad.read_text(encoding="utf-8"))
    data["meta"]["1"]["sentences"] = "many"
    bad.write_text(json.dumps(data), encoding="utf-8")
    stats = assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))
    assert bad.name in stats and "corrupt" in stats.lower(), stats


def test_a_lock_held_by_a_killed_but_unreaped_process_is_taken_over(tmp_path: Path) -> None:
    # A parent that has not collected its killed child (tmux, a supervisor) leaves a
    # zombie: it still answers kill(pid, 0), but it holds nothing any more.
    store_dir = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from annotations.store import Store;"
            "s = Store.open(None, annotator='zombie', store_dir=sys.argv[1]);"
            "print('locked', s.read_only, flush=True); time.sleep(60)",
            str(store_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().split() == ["locked", "False"]
        os.kill(holder.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{holder.pid}/stat").read_text().split(") ")[1][0] != "Z":
            assert time.monotonic() < deadline, "the killed child never became a zombie"
            time.sleep(0.02)
        with Store.open(None, annotator="zombie", store_dir=store_dir) as store:  # its shard's lock
            assert not store.read_only, store.read_only_reason
            assert any("took over" in notice for notice in store.notices), store.notices
    finally:
        holder.kill()
        holder.wait(timeout=10)


# --- issue 16: serve security ---
# A real `claimscope serve` on a free port, sent requests built by hand (tests/served.py),
# so each test sets the headers a hostile page or a rebound name would send.


def _serve(tmp_path: Path, *extra: str):
    from served import corpus_with_one_article, free_port, start_server

    corpus = corpus_with_one_article(tmp_path)
    return start_server(corpus, tmp_path / "store", free_port(), *extra)


def _add_user(users: Path, name: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), "serve", "--users", str(users), "--add-user", name],
        input=password + "\n", capture_output=True, text=True, timeout=60, check=False,
    )


def test_serve_refuses_a_websocket_from_another_origin(tmp_path: Path) -> None:
    # Any page the annotator has open could open ws://127.0.0.1:PORT/ws/NAME: a page of
    # evil.example sends its own Origin (and the browser would add the cookie, were it Lax).
    server = _serve(tmp_path)
    try:
        cookie = {"Cookie": server.cookie()}
        hostile = server.handshake("/ws/ana", {**cookie, "Origin": "http://evil.example"})
        spoofed_port = server.handshake("/ws/ana", {**cookie, "Origin": f"http://127.0.0.1:{server.port + 1}"})
        no_origin = server.handshake("/ws/ana", cookie)
        own = server.handshake("/ws/ana", {**cookie, "Origin": server.origin})
        # Cross-origin requests are refused too, not only sockets (a form posted from elsewhere).
        page = server.request("/?annotator=ana", headers={**cookie, "Origin": "http://evil.example"})
    finally:
        server.stop()
    assert hostile[0] == 403 and "cross-origin" in hostile[1], hostile
    assert spoofed_port[0] == 403, spoofed_port
    assert no_origin[0] == 403, no_origin
    assert own[0] == 101, own  # the server's own page still opens its session
    assert page.status == 403 and "cross-origin" in page.text


def test_serve_refuses_a_wrong_host(tmp_path: Path) -> None:
    # DNS rebinding: evil.example resolves to 127.0.0.1, so the browser sends
    # Host: evil.example:PORT, and the page (same origin for the browser) reads the answer.
    server = _serve(tmp_path)
    try:
        cookie = {"Cookie": server.cookie()}
        rebound = f"evil.example:{server.port}"
        page = server.request("/?annotator=ana", headers={**cookie, "Host": rebound})
        script = server.request("/static/js/textual.js", headers={**cookie, "Host": rebound})
        socket_ = server.handshake("/ws/ana", {**cookie, "Host": rebound, "Origin": f"http://{rebound}"})
        other_port = server.request("/", headers={**cookie, "Host": f"127.0.0.1:{server.port + 1}"})
        no_host = server.request("/", headers={**cookie, "Host": ""})
        right = [server.request("/", headers={**cookie, "Host": f"{name}:{server.port}"}) for name in ("127.0.0.1", "localhost", "LOCALHOST")]
    finally:
        server.stop()
    for response in (page, script, other_port, no_host):
        assert response.status in (403, 421), response.status
        assert response.getheader("Content-Type", "").startswith("text/plain")
        assert "Host" in response.text and len(response.text.strip().splitlines()) == 1, response.text
    assert socket_[0] in (403, 421), socket_
    assert [response.status for response in right] == [200, 200, 200]


def test_serve_needs_the_start_token(tmp_path: Path) -> None:
    server = _serve(tmp_path)
    try:
        assert server.token and len(server.token) >= 32, server.output
        assert f"http://127.0.0.1:{server.port}/?token={server.token}" in server.output
        bare = server.request("/")
        wrong_query = server.request("/?token=" + "x" * len(server.token))
        wrong_cookie = server.request("/", headers={"Cookie": server.cookie("x" * len(server.token))})
        script = server.request("/static/js/textual.js")
        socket_ = server.handshake("/ws/ana", {"Origin": server.origin})
        # The printed URL sets the cookie and sends the tab on without the token in its address.
        opened = server.request(f"/?token={server.token}&annotator=ana")
        cookie = {"Cookie": opened.getheader("Set-Cookie", "").split(";")[0]}
        page = server.request("/?annotator=ana", headers=cookie)
        script_ok = server.request("/static/js/textual.js", headers=cookie)
        socket_ok = server.handshake("/ws/ana", {**cookie, "Origin": server.origin})
    finally:
        server.stop()
    for response in (bare, wrong_query, wrong_cookie, script):
        assert response.status == 403, response.status
        assert response.text.strip() == (
            "claimscope: missing or wrong token: open the URL printed by claimscope serve (it carries the token)"
        )
    assert socket_[0] == 403 and "open the URL printed by claimscope serve" in socket_[1]
    assert opened.status in (302, 303) and opened.getheader("Location") == "/?annotator=ana"
    set_cookie = opened.getheader("Set-Cookie", "")
    attributes = {part.strip().lower() for part in set_cookie.split(";")}
    assert set_cookie.startswith(f"claimscope-{server.port}={server.token};"), set_cookie
    assert "httponly" in attributes and "samesite=strict" in attributes, set_cookie
    assert page.status == 200 and "data-session-websocket-url" in page.text
    assert script_ok.status == 200
    assert socket_ok[0] == 101, socket_ok


def test_serve_off_this_machine_needs_a_users_file(tmp_path: Path) -> None:
    from served import corpus_with_one_article, free_port

    corpus = corpus_with_one_article(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [*_command(), "serve", str(corpus), "--store", str(tmp_path / "store"), "--host", "0.0.0.0", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.terminate()
        out, err = process.communicate(timeout=15)
        raise AssertionError(f"claimscope serve --host 0.0.0.0 started without --users: {err}") from None
    assert process.returncode == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("claimscope: error:") and "--users FILE" in err, err
    assert "claimscope serve --users FILE --add-user NAME" in err, err


def test_serve_users_sign_in_and_a_name_cannot_be_claimed(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    for name, password in (("ana", "ana's secret"), ("bo", "bo's secret")):
        added = _add_user(users, name, password)
        assert added.returncode == 0 and f"added {name} to {users}" in added.stderr, added.stderr
    lines = [line for line in users.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert [line.split(":", 1)[0] for line in lines] == ["ana", "bo"]
    assert all(line.split(":", 1)[1].startswith("scrypt$") for line in lines), lines
    assert "secret" not in users.read_text(encoding="utf-8")
    assert users.stat().st_mode & 0o077 == 0  # hashes for this server only

    server = _serve(tmp_path, "--users", str(users))
    try:
        token = {"Cookie": server.cookie(), "Origin": server.origin}
        form = {**token, "Content-Type": "application/x-www-form-urlencoded"}
        asked = server.request("/?annotator=ana", headers=token)
        wrong = server.request("/login", method="POST", headers=form, body="annotator=ana&password=bo%27s+secret")
        nobody = server.request("/login", method="POST", headers=form, body="annotator=cy&password=x")
        right = server.request("/login", method="POST", headers=form, body="annotator=ana&password=ana%27s+secret")
        session = right.getheader("Set-Cookie", "").split(";")[0]
        signed = {"Cookie": f"{server.cookie()}; {session}", "Origin": server.origin}
        page = server.request("/?annotator=ana", headers=signed)
        other_page = server.request("/?annotator=bo", headers=signed)
        own = server.handshake("/ws/ana", signed)
        claimed = server.handshake("/ws/bo", signed)
        unsigned = server.handshake("/ws/ana", token)
        forged = server.handshake("/ws/bo", {**token, "Cookie": f"{server.cookie()}; {session.split('=')[0]}=Ym8.{'0' * 64}"})
    finally:
        server.stop()
    # Without signing in, the page asks for the name and password, not the terminal.
    assert asked.status == 200 and 'type="password"' in asked.text and "data-session-websocket-url" not in asked.text
    for refused in (wrong, nobody):
        assert refused.status == 403 and "Wrong name or password" in refused.text
        assert refused.getheader("Set-Cookie") is None
    assert right.status == 303 and right.getheader("Location") == "/?annotator=ana"
    attributes = {part.strip().lower() for part in right.getheader("Set-Cookie", "").split(";")}
    assert "httponly" in attributes and "samesite=strict" in attributes
    assert page.status == 200 and "data-session-websocket-url" in page.text
    assert "data-session-websocket-url" not in other_page.text and 'type="password"' in other_page.text
    assert own[0] == 101, own
    for refused_socket in (claimed, unsigned, forged):
        assert refused_socket[0] == 403, refused_socket


def test_serve_users_file_problems_are_one_line(tmp_path: Path) -> None:
    from served import corpus_with_one_article

    corpus = corpus_with_one_article(tmp_path)
    broken = tmp_path / "broken.txt"
    broken.write_text("ana:plaintext-password\n", encoding="utf-8")
    cases = {
        "missing": ["serve", str(corpus), "--users", str(tmp_path / "none.txt")],
        "broken": ["serve", str(corpus), "--users", str(broken)],
        "no file": ["serve", "--add-user", "ana"],
        "blank name": ["serve", "--users", str(tmp_path / "u.txt"), "--add-user", " "],
    }
    for case, args in cases.items():
        result = subprocess.run([*_command(), *args], input="\n", capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 2, (case, result.stderr)
        assert result.stderr.startswith("claimscope: error:") and len(result.stderr.splitlines()) == 1, (case, result.stderr)
    empty = _add_user(tmp_path / "u.txt", "ana", "")
    assert empty.returncode == 2 and "no password" in empty.stderr and not (tmp_path / "u.txt").exists()


def test_serve_a_tab_named_dash_h_gets_a_session(tmp_path: Path) -> None:
    # The name reached the child as `--annotator -h`, and argparse printed its help there.
    import asyncio

    from served import session_screen

    server = _serve(tmp_path)
    try:
        page = server.request("/?annotator=-h", headers={"Cookie": server.cookie()})
        screen = asyncio.run(session_screen(server, "-h", until="Rail operator"))
    finally:
        server.stop()
    assert page.status == 200 and "/ws/-h" in page.text
    assert "Rail operator" in screen, screen[-2000:]
    assert "usage:" not in screen
# --- issue 16: exports of several annotators, unreviewed sentences, gold notes ---

#: A ferry article: five sentences of interest, then 104 that ana and bob agree on (so
#: that spaCy's debug data has the 100 examples it asks of a new pipeline), then 3 that
#: nobody labelled.
_TEAM_HEAD = (
    "Ferry fares will rise by 12% next year. The council blamed higher fuel costs. "
    "Passengers said the service was often late. The operator expects 2 million journeys in 2026. "
)
_TEAM_AGREED = 104
_TEAM_TAIL = 3


def _team_text() -> str:
    body = [_TEAM_HEAD.strip()]
    for n in range(_TEAM_AGREED):
        body.append(f"Route {n + 1} carried {1000 + 37 * n} passengers in {1990 + n % 30}.")
    body += ["Nobody asked the crew.", "The harbour was quiet.", "Gulls circled the pier."]
    return "Ferry fares rise\n\n" + " ".join(body) + "\n"


@pytest.fixture(scope="module")
def team_store(tmp_path_factory, analyzer):
    """ana, bob and cy label one article: s0 all say quantity (ana stars it and notes it),
    s1 ana cause / bob quantity (bob stars and notes it; cy adjudicates: cause), s2 ana
    none / bob cause / cy none (never adjudicated), s3 bob alone says prediction, then
    ana and bob agree on 104 sentences; the last 3 sentences are unreviewed."""
    root = tmp_path_factory.mktemp("team")
    corpus_dir, store_dir = root / "corpus", root / "store"
    corpus_dir.mkdir()
    (corpus_dir / "ferry.txt").write_text(_team_text(), encoding="utf-8")
    article = load_corpus(corpus_dir).articles[0]
    sentences = analyzer.analyze(article).sentences
    assert len(sentences) == 4 + _TEAM_AGREED + _TEAM_TAIL, [article.text[s.start : s.end] for s in sentences]
    agreed = {4 + n: ("quantity" if n % 3 else "cause") for n in range(_TEAM_AGREED)}
    plan = {
        "ana": {0: "quantity", 1: "cause", 2: "none", **agreed},
        "bob": {0: "quantity", 1: "quantity", 2: "cause", 3: "prediction", **agreed},
        "cy": {0: "quantity", 2: "none"},
    }
    for who, labels in plan.items():
        with Store.open(corpus_dir, annotator=who, store_dir=store_dir) as store:
            doc = store.article(article, sentences)
            with doc.batch():
                for index, name in labels.items():
                    doc.set_label(index, name)
                if who == "ana":
                    doc.set_note(0, "twelve percent of what?")
                    doc.set_checkworthy(0, True)
                if who == "bob":
                    doc.set_note(1, "fuel or wages?")
                    doc.set_checkworthy(1, True)
    with Store.open(corpus_dir, annotator="cy", store_dir=store_dir, gold=True) as gold:
        gold.article(article, sentences).decide(1, "cause", "ana=cause; bob=quantity")
    return corpus_dir, store_dir


def _team_export(team_store, out: Path, fmt: str, *extra: str) -> str:
    corpus_dir, store_dir = team_store
    return assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", fmt, "-o", out, *extra))


def _docbin(path: Path) -> list:
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    return list(DocBin(store_user_data=True).from_disk(path).get_docs(vocab))


def _cat(doc) -> str | None:
    return max(doc.cats, key=doc.cats.get) if doc.cats else None


def test_training_formats_of_several_annotators_hold_one_label_per_sentence(team_store, tmp_path: Path) -> None:
    expected = {0: "quantity", 1: "cause", 3: "prediction"}  # agreed, adjudicated, bob's alone
    expected.update({4 + n: ("quantity" if n % 3 else "cause") for n in range(_TEAM_AGREED)})

    said = _team_export(team_store, tmp_path / "team.spacy", "spacy")
    docs = _docbin(tmp_path / "team.spacy")
    by_sentence = [(d.user_data["sentence_index"], _cat(d)) for d in docs]
    assert sorted(by_sentence) == sorted(expected.items())  # one Doc per sentence, s2 left out
    assert "wrote 107 sentences" in said and "left out 1 sentence where the annotators disagree" in said, said
    assert "ferry.txt#2" in said
    annotators = {d.user_data["sentence_index"]: d.user_data["annotator"] for d in docs}
    assert (annotators[0], annotators[1], annotators[3]) == ("ana+bob+cy", "cy", "bob")

    said = _team_export(team_store, tmp_path / "team.conll", "conll")
    blocks = [b for b in (tmp_path / "team.conll").read_text(encoding="utf-8").split("\n\n") if b.strip()]
    sentences = [b for b in blocks if not b.startswith("-DOCSTART-")]
    assert len(sentences) == len(expected), len(sentences)
    assert sentences[2].split("\n")[0].startswith("The _ _"), sentences[2]  # s3 follows s1: s2 left out
    assert "left out 1 sentence" in said

    said = _team_export(team_store, tmp_path / "team-hf", "hf-tokens")
    lines = [json.loads(x) for x in (tmp_path / "team-hf" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["sentence_index"]: r["label"] for r in lines} == expected
    assert len(lines) == len(expected)  # no sentence twice
    assert "left out 1 sentence" in said

    # One annotator chosen: that annotator's labels, disagreements and all, nothing left out.
    said = _team_export(team_store, tmp_path / "bob.spacy", "spacy", "--annotator", "bob")
    bob = {d.user_data["sentence_index"]: _cat(d) for d in _docbin(tmp_path / "bob.spacy")}
    assert (bob[1], bob[2]) == ("quantity", "cause") and "left out" not in said


def test_annotation_tool_formats_keep_each_annotator_in_the_tools_own_fields(team_store, tmp_path: Path) -> None:
    _team_export(team_store, tmp_path / "p.jsonl", "prodigy")
    tasks = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    first = [t for t in tasks if t["meta"]["sentence_index"] == 0]
    assert [(t["_annotator_id"], t["_session_id"], t["meta"]["annotator"]) for t in first] == [
        ("ana", "ana", "ana"), ("bob", "bob", "bob"), ("cy", "cy", "cy")
    ]
    assert all(t["_annotator_id"] == t["meta"]["annotator"] for t in tasks)

    # Label Studio: one task per sentence, an annotation per annotator, whose in data.meta.
    _team_export(team_store, tmp_path / "ls", "label-studio")
    ls = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))
    assert len(ls) == 4 + _TEAM_AGREED
    s2 = next(t for t in ls if t["data"]["meta"]["sentence_index"] == 2)
    assert [a["annotator"] for a in s2["data"]["meta"]["annotations"]] == ["ana", "bob", "cy"]
    assert [a["result"][0]["value"]["choices"] for a in s2["annotations"]] == [["none"], ["cause"], ["none"]]

    # brat: every sentence annotation says whose it is, and loads as standoff.
    _team_export(team_store, tmp_path / "brat", "brat")
    (ann,) = (tmp_path / "brat").glob("*.ann")
    lines = ann.read_text(encoding="utf-8").splitlines()
    ids = {line.split("\t")[0] for line in lines}
    sentence_ids = [line.split("\t")[0] for line in lines if line.split("\t")[1].startswith("Sentence ")]
    whose = {line.split("\t")[1].split()[1]: line.split()[-1] for line in lines if "\tAnnotator " in line}
    assert set(sentence_ids) <= whose.keys()  # each sentence annotation has its Annotator
    for line in lines:  # every attribute and note points at an annotation of the file
        if line[0] in "A#":
            assert line.split("\t")[1].split()[1] in ids, line
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "Annotator\tArg:<ENTITY>, Value:ana|bob|cy" in conf


def test_unreviewed_sentences_go_to_their_own_docbin_and_spacy_debug_data_passes(team_store, tmp_path: Path) -> None:
    out = tmp_path / "train.spacy"
    said = _team_export(team_store, out, "spacy", "--include-unreviewed")
    apart = tmp_path / "train.unreviewed.spacy"
    assert f"wrote {_TEAM_TAIL} unreviewed sentences to {apart}" in said, said
    labelled, unreviewed = _docbin(out), _docbin(apart)
    assert labelled and all(_cat(d) is not None for d in labelled)
    assert len(unreviewed) == _TEAM_TAIL
    assert {d.user_data["label_source"] for d in unreviewed} == {"unreviewed"}
    assert {d.text for d in unreviewed} == {"Nobody asked the crew.", "The harbour was quiet.", "Gulls circled the pier."}
    assert not any(d.cats for d in unreviewed)
    for pipeline in ("textcat", "spancat"):
        config = tmp_path / f"{pipeline}.cfg"
        made = subprocess.run(
            [sys.executable, "-m", "spacy", "init", "config", str(config), "--pipeline", pipeline, "--lang", "en"],
            capture_output=True, text=True, timeout=240,
        )
        assert made.returncode == 0, made.stderr
        debug = subprocess.run(
            [sys.executable, "-m", "spacy", "debug", "data", str(config),
             "--paths.train", str(out), "--paths.dev", str(out)],
            capture_output=True, text=True, timeout=240, env={**os.environ, "NO_COLOR": "1"},
        )
        report = debug.stdout + debug.stderr
        assert debug.returncode == 0, (pipeline, report)
        assert "mutually-exclusive" not in report, report


def test_gold_export_keeps_the_annotators_notes_and_marks(team_store, tmp_path: Path) -> None:
    out = tmp_path / "gold.csv"
    _team_export(team_store, out, "csv", "--gold")
    rows = {int(r["sentence_index"]): r for r in csv.DictReader(out.open(encoding="utf-8", newline=""))}
    assert (rows[0]["label"], rows[0]["annotator"], rows[0]["checkworthy"]) == ("quantity", "ana+bob+cy", "true")
    assert rows[0]["note"] == "ana: twelve percent of what?"
    assert (rows[1]["label"], rows[1]["annotator"], rows[1]["checkworthy"]) == ("cause", "cy", "true")
    assert rows[1]["note"] == "bob: fuel or wages?"
    assert 2 not in rows and 3 not in rows  # a disagreement nobody decided; one annotator only
    # The same in a format with its own place for them.
    _team_export(team_store, tmp_path / "gold.jsonl", "prodigy", "--gold")
    tasks = {t["meta"]["sentence_index"]: t for t in map(json.loads, (tmp_path / "gold.jsonl").read_text("utf-8").splitlines())}
    assert tasks[1]["meta"]["checkworthy"] is True and tasks[1]["meta"]["note"] == "bob: fuel or wages?"
# --- issue 16: the first hour (label picker, adjudication, reading positions, notes, key bar) ---

FIRST_HOUR = """Ferry fares rise

Ferry fares will rise by 12% next year. The council blamed higher fuel costs.

Passengers said the service was often late. The operator expects 2 million journeys in 2026.
"""


def _first_hour_corpus(tmp_path: Path, scheme_toml: str | None = None) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ferry.txt").write_text(FIRST_HOUR, encoding="utf-8")
    (folder / "buses.txt").write_text(
        "Bus lanes extended\n\nThe city added 14 km of bus lanes. Journeys got 6% faster.\n\n"
        "Drivers complained about the works. The mayor expects more lanes in 2027.\n",
        encoding="utf-8",
    )
    if scheme_toml is not None:
        (folder / "claimscope.toml").write_text(scheme_toml, encoding="utf-8")
    return folder


def _region_text(app, region) -> list[str]:
    """The characters the terminal shows inside ``region`` of the app, line by line."""
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]


async def _opened(app, pilot, article_id: str | None = None):
    """Open ``article_id`` (None: wait for the app's own restore) and wait for its analysis."""
    from tui.screens.reader import ReaderScreen

    if article_id is not None:
        app.open_article(article_id)
    for _ in range(200):
        await pilot.pause()
        await app.workers.wait_for_complete()
        if isinstance(app.screen, ReaderScreen) and app.screen.analysis is not None:
            return app.screen
    return None


@pytest.mark.anyio
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_label_picker_of_t_and_r_shows_its_labels_and_a_key_picks_one(
    tmp_path: Path, analyzer, size: tuple[int, int]
) -> None:
    from textual.containers import Vertical

    from apps import make_app
    from tui.screens.label_picker import LabelPickerScreen

    app = make_app(_first_hour_corpus(tmp_path), tmp_path / "store", analyzer)
    async with app.run_test(size=size) as pilot:
        reader = await _opened(app, pilot, "ferry.txt")
        assert reader is not None
        await pilot.press("j", "j", "2", "g")  # s3 cause, back to the first sentence
        for key, question in (("T", "Go to the next sentence labelled:"), ("R", "Review the sentences labelled:")):
            await pilot.press(key)
            await pilot.pause()
            picker = app.screen
            assert isinstance(picker, LabelPickerScreen)
            box = picker.query_one(Vertical).region
            shown = _region_text(app, box)
            text = "\n".join(shown)
            # Every label with its key, the question and the way out, inside the box.
            assert question in text, shown
            for label in app.scheme:
                assert any(f"{label.key}  {label.name}" in line for line in shown), (label.name, shown)
            assert "escape: cancel" in text
            assert box.right <= size[0] and box.bottom <= size[1]
            await pilot.press("2")  # cause
            await pilot.pause()
            assert app.screen is reader and reader.view.cursor == 2
            await pilot.press("g")
        assert reader.review_label == "cause"
    app.store.close()


@pytest.mark.anyio
async def test_adjudication_with_single_labels_too_keeps_its_gold_lock_and_saves_decisions(
    tmp_path: Path, analyzer
) -> None:
    from annotations.scheme import default_scheme
    from tui.app import ClaimscopeApp
    from tui.config import Config
    from tui.screens.adjudicate import AdjudicateScreen

    corpus_dir, store_dir = _first_hour_corpus(tmp_path), tmp_path / "store"
    corpus = load_corpus(corpus_dir)
    article = corpus.get("ferry.txt")
    sentences = analyzer.analyze(article).sentences
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as ana:
        ana.article(article, sentences).set_label(1, "quantity")  # ana and bob disagree on s2
        ana.article(article, sentences).set_label(3, "prediction")  # ana alone on s4
    with Store.open(corpus.root, annotator="bob", store_dir=store_dir) as bob:
        bob.article(article, sentences).set_label(1, "cause")

    store = Store.open(corpus.root, annotator="cy", scheme=default_scheme(), store_dir=store_dir)
    app = ClaimscopeApp(corpus, store, default_scheme(), analyzer, restore=False, config=Config(advance="stay"))

    async def adjudicate() -> AdjudicateScreen:
        screen = AdjudicateScreen(app)
        app.push_screen(screen)
        for _ in range(200):
            await pilot.pause()
            await app.workers.wait_for_complete()
            if screen.work is not None:
                break
        assert screen.work is not None
        return screen

    try:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await adjudicate()
            assert [c.index for c in screen.work.cases] == [1]
            await pilot.press("a")  # single labels too
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert [c.index for c in screen.work.cases] == [1, 3]
            plain = screen.render_case().plain
            assert screen.work.read_only_reason is None and "locked by" not in plain, plain
            assert screen.case is not None and screen.case.index == 1  # the first undecided
            await pilot.press("2")  # cause for s2; then the next undecided, s4
            await pilot.press("3")  # prediction for s4
            assert "2 decided, 0 to go" in screen.render_case().plain, screen.render_case().plain
            await pilot.press("a")  # and back: still the same lock, still writable
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert [c.index for c in screen.work.cases] == [1] and screen.work.read_only_reason is None
            # "Adjudicate" from the palette while the review is open goes back to it.
            await pilot.press("ctrl+p", *"Adjudicate", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is screen and sum(isinstance(s, AdjudicateScreen) for s in app.screen_stack) == 1
            assert screen.work is not None and screen.work.read_only_reason is None
            await pilot.press("escape")
            await pilot.pause()
            # Closed, the lock is gone: a second review in the same app is not locked out.
            again = await adjudicate()
            assert again.work.read_only_reason is None, again.work.read_only_reason
            await pilot.press("escape")
            await pilot.pause()
    finally:
        store.close()
    with Store.open(corpus.root, annotator="cy", store_dir=store_dir, gold=True, read_only=True) as gold:
        decided = {i: (r.label, r.annotator) for i, r in gold.article(article, sentences).labels.items()}
    assert decided == {1: ("cause", "cy"), 3: ("prediction", "cy")}
    assert not (store_dir / "annotators" / "_gold" / "lock").exists()


@pytest.mark.anyio
async def test_each_annotator_reopens_at_their_own_sentence(tmp_path: Path, analyzer) -> None:
    from annotations.scheme import default_scheme
    from tui.app import ClaimscopeApp
    from tui.config import Config, Position, PositionBook

    corpus_dir, store_dir = _first_hour_corpus(tmp_path), tmp_path / "store"
    corpus = load_corpus(corpus_dir)
    book = tmp_path / "positions.json"  # one user data folder, shared by everyone on this computer

    def app_of(annotator: str) -> ClaimscopeApp:
        store = Store.open(corpus.root, annotator=annotator, scheme=default_scheme(), store_dir=store_dir)
        return ClaimscopeApp(
            corpus, store, default_scheme(), analyzer,
            positions=PositionBook(book), config=Config(advance="stay"),
        )

    async def session(annotator: str, *moves: tuple[str, int]) -> tuple[str, int] | None:
        """Start the app as ``annotator``; return where it reopened, then open and move."""
        app = app_of(annotator)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                reader = await _opened(app, pilot)
                where = (reader.article.id, reader.view.cursor) if reader is not None else None
                for article_id, steps in moves:
                    reader = await _opened(app, pilot, article_id)
                    start = reader.view.cursor
                    await pilot.press(*["j"] * steps)
                    assert reader.view.cursor == start + steps
                await pilot.pause()
        finally:
            app.store.close()
        return where

    assert await session("ana", ("buses.txt", 2)) is None
    # bob starts fresh: not at ana's sentence, and ana's buses.txt position is not his.
    assert await session("bob", ("ferry.txt", 1)) is None
    assert await session("bob", ("buses.txt", 1)) == ("ferry.txt", 1)
    assert await session("ana") == ("buses.txt", 2)
    assert await session("bob") == ("buses.txt", 1)

    # A position written before positions were per annotator is everyone's start until
    # they move, and one annotator's moves do not change it for the others.
    legacy = tmp_path / "legacy.json"
    legacy.write_text(json.dumps({str(corpus.root): {"article": "ferry.txt", "sentence": 3, "articles": {"ferry.txt": 3}}}))
    positions = PositionBook(legacy)
    assert positions.get(corpus.root, "cy") == positions.get(corpus.root, "dan") == Position("ferry.txt", 3)
    positions.set(corpus.root, Position("buses.txt", 1), {"ferry.txt": 3, "buses.txt": 1}, "cy")
    assert positions.get(corpus.root, "cy") == Position("buses.txt", 1)
    assert positions.get(corpus.root, "dan") == Position("ferry.txt", 3)
    assert positions.sentences(corpus.root, "dan") == {"ferry.txt": 3}
    assert positions.get(corpus.root) == Position("ferry.txt", 3)  # what an older claimscope reads


@pytest.mark.anyio
async def test_a_note_that_cannot_be_saved_on_a_full_disk_stays_in_the_editor(
    tmp_path: Path, analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.notifications import Notify
    from textual.widgets import Static, TextArea

    from apps import make_app
    from test_app_save_failures import Disk
    from tui.screens.note import NoteScreen
    from tui.screens.reader import ReaderScreen

    corpus_dir = _first_hour_corpus(tmp_path)
    disk = Disk(tmp_path / "store", monkeypatch)  # a 64 KiB tmpfs, filled: the kernel's ENOSPC
    disk.mount()
    notices: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification.message)

    typed = "ask the council for the 2024 fuel bill"
    try:
        app = make_app(corpus_dir, disk.folder, analyzer)
        async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
            reader = await _opened(app, pilot, "ferry.txt")
            await pilot.press("j", "n", *typed)
            editor = app.screen
            assert isinstance(editor, NoteScreen)
            disk.fill()
            await pilot.press("ctrl+s")
            await pilot.pause()
            # Still open, with every typed character, and saying the note was not saved.
            assert app.screen is editor and editor.query_one(TextArea).text == typed
            assert any("not saved" in notice and "disk full" in notice for notice in notices), notices
            hint = str(editor.query_one("#note-hint", Static).render())
            assert "not saved" in hint and "kept" in hint, hint
            await pilot.press("escape")  # one escape does not throw the text away
            await pilot.pause()
            assert app.screen is editor and editor.query_one(TextArea).text == typed
            disk.free()
            await pilot.press("ctrl+s")  # room again: the same text is saved
            await pilot.pause()
            assert app.screen is reader and isinstance(reader, ReaderScreen)
            assert reader.doc.labels[1].note == typed
        app.store.close()
        article = load_corpus(corpus_dir).get("ferry.txt")
        with Store.open(corpus_dir, annotator="tester", store_dir=disk.folder, read_only=True) as store:
            assert store.article(article, analyzer.analyze(article).sentences).labels[1].note == typed
    finally:
        disk.unmount()


SWAPPED_KEYS = """
default_claim = "other"
[[labels]]
name = "quantity"
key = "2"
claim = true
[[labels]]
name = "cause"
key = "1"
claim = true
[[labels]]
name = "prediction"
key = "3"
claim = true
[[labels]]
name = "rule"
key = "4"
claim = true
[[labels]]
name = "experience"
key = "5"
claim = true
[[labels]]
name = "other"
key = "6"
claim = true
[[labels]]
name = "none"
key = "x"
claim = false
"""


@pytest.mark.anyio
async def test_the_key_bar_shows_the_keys_of_a_scheme_with_swapped_keys(tmp_path: Path, analyzer) -> None:
    from apps import make_app
    from tui.widgets.key_bar import KeyBar

    app = make_app(_first_hour_corpus(tmp_path, SWAPPED_KEYS), tmp_path / "store", analyzer)
    assert [label.key for label in app.scheme][:2] == ["2", "1"]  # quantity and cause swapped
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await _opened(app, pilot, "ferry.txt")
        bar = "\n".join(_region_text(app, reader.query_one(KeyBar).region))
        assert " 1-6 Type " in bar and "2-6" not in bar, bar
        await pilot.press("1")  # cause, by the scheme's key
        assert reader.doc.labels[0].label == "cause"
    app.store.close()


@pytest.mark.anyio
async def test_undoing_a_note_does_not_read_like_the_label_none(tmp_path: Path, analyzer) -> None:
    from apps import make_app
    from tui.widgets.save_indicator import SaveIndicator

    app = make_app(_first_hour_corpus(tmp_path), tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await _opened(app, pilot, "ferry.txt")

        def said() -> str:
            return str(reader.query_one(SaveIndicator).render())

        await pilot.press("n", *"check", "ctrl+s", "u")
        assert "undo: note on sentence 1 removed" in said() and "none" not in said(), said()
        await pilot.press("ctrl+r")
        assert "redo: note on sentence 1 to “check”" in said(), said()
        await pilot.press("n", *" this", "ctrl+s")
        await pilot.pause()
        assert reader.doc.labels[0].note == "check this"
        await pilot.press("u")
        assert "undo: note on sentence 1 restored to “check”" in said(), said()
# --- issue 16: the reader's label marks, the palette's ranking, the figures filter ---

_FIGURES_ARTICLES = {
    "army.txt": "Army plans a bigger reserve\n\nThe army wants 300,000 new recruits by 2030, the defence ministry said.\n\n"
    "Spending on training will rise by 40 per cent next year.\n\nOfficers said morale was good.\n",
    "schools.txt": "Schools report fewer pupils\n\nEnrolment fell by 12% in the county this autumn.\n\n"
    "The council will hire 150 new recruits for its youth service.\n",
}


@pytest.mark.anyio
async def test_typing_a_command_title_in_the_palette_runs_that_command(tmp_path: Path, analyzer) -> None:
    # "Figures" is the title of the figures view; "Highlights: turn figures on" only
    # mentions the word, and ranked first on a tie, so enter switched a layer instead.
    from apps import corpus_folder, make_app
    from tui.palette import title_rank
    from tui.screens.figures import FiguresScreen

    assert title_rank("Figures", "Figures: every figure in the corpus") == 2
    assert title_rank("figures", "Highlights: turn figures on") == 0
    assert title_rank("retrain", "Retrain suggestions") == 1
    app = make_app(corpus_folder(tmp_path, _FIGURES_ARTICLES), tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        layers = dict(app.layers)
        await pilot.press("ctrl+p", *"Figures")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FiguresScreen), app.screen
        assert app.layers == layers  # no highlight layer was switched
    app.store.close()


@pytest.mark.anyio
async def test_enter_in_the_figures_filter_opens_the_first_match(tmp_path: Path, analyzer) -> None:
    from apps import corpus_folder, make_app
    from tui.screens.figures import FiguresScreen
    from tui.screens.reader import ReaderScreen

    app = make_app(corpus_folder(tmp_path, _FIGURES_ARTICLES), tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(FiguresScreen())
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FiguresScreen) and screen.loaded
        await pilot.press(*"12%")
        await pilot.pause()
        assert [f.row.text for f in screen.shown] == ["12%"]
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == "schools.txt", reader
        sentence = reader.analysis.sentences[reader.view.cursor]
        assert "12%" in reader.article.text[sentence.start : sentence.end]
        # A filter nothing matches: enter says so and stays in the view.
        app.push_screen(FiguresScreen())
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"zebras", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FiguresScreen)
    app.store.close()


_POLL = (
    "Poll shows voters split\n\n"
    "Support for the plan fell to 41%, said the pollster. The figure is the lowest since 2019 and will worry the minister.\n\n"
    "Officials said nothing more on Friday.\n"
)


@pytest.mark.anyio
async def test_a_mid_line_sentence_shows_its_own_label_star_and_note_where_it_starts(tmp_path: Path, analyzer) -> None:
    # The star and the note sat in the gutter beside the line's first sentence, and the
    # second sentence's label was its key glued to the text: "pollster.1The".
    import re

    from apps import corpus_folder, make_app, open_reader
    from tui.widgets.article_view import GUTTER, ArticleView

    app = make_app(corpus_folder(tmp_path, {"poll.txt": _POLL}), tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot, "poll.txt")
        view = reader.view
        text = reader.article.text
        second = text.index("The figure")
        assert [s.start for s in view.sentences][:2] == [text.index("Support"), second]
        await pilot.press("j", "1", "w", "n", *"check the 2019 figure", "ctrl+s")
        await pilot.pause()
        record = reader.doc.labels[1]
        assert (record.label, record.checkworthy, record.note) == ("quantity", True, "check the 2019 figure")
        assert 0 not in reader.doc.labels

        def drawn(y: int) -> tuple[str, list]:
            segments = list(view.render_line(y))
            return "".join(segment.text for segment in segments), segments

        y = next(y for y in range(view.size.height) if "pollster" in drawn(y)[0])
        line, segments = drawn(y)
        # The second sentence's name, star and note stand where it starts, apart from the text.
        assert "pollster. quantity★✎ The" in line, line
        assert not re.search(r"[.!?]\d", line), line  # no key digit glued to the text
        # The first sentence (which starts the line) carries no star, note or label chip.
        assert "★" not in line[:GUTTER] and "✎" not in line[:GUTTER], line
        colour = app.scheme.get("quantity").color
        gutter, used = [], 0
        for segment in segments:
            if used >= GUTTER:
                break
            gutter.append(segment)
            used += len(segment.text)
        assert all(str(segment.style.bgcolor.name).lower() != colour.lower() for segment in gutter if segment.style.bgcolor)
        chip = next(segment for segment in segments if segment.text == "quantity")
        assert str(chip.style.bgcolor.name).lower() == colour.lower()
        # The highlights stay on their characters: the cursor's sentence starts at "The",
        # after the tag; the text before the tag is not the current sentence; 41% is a figure.
        current = view.palette.current.bgcolor
        styles = {}
        for segment in segments:
            for word in re.findall(r"\S+", segment.text):
                styles.setdefault(word, segment.style)
        # (a source's highlight may end a segment before the full stop: look the word up bare)
        pollster = styles.get("pollster.") or styles["pollster"]
        assert styles["The"].bgcolor == current and pollster.bgcolor != current
        assert styles["41%"].underline and styles["41%"].bgcolor != current
        below, below_segments = drawn(y + 1)
        assert view.line_of(text.index("minister")) == y + 1 and "minister." in below
        assert any("2019" in s.text and s.style.bgcolor == current for s in below_segments)
        # A click on the tag picks the sentence it names; a click before it, the first one.
        await pilot.click(ArticleView, offset=(line.index("said"), y))
        await pilot.pause()
        assert view.cursor == 0
        await pilot.click(ArticleView, offset=(line.index("quantity") + 2, y))
        await pilot.pause()
        assert view.cursor == 1
        await pilot.click(ArticleView, offset=(line.index("The") + 1, y))
        await pilot.pause()
        assert view.cursor == 1
        # Undoing the note, the star and the label takes the tag away and the text back.
        await pilot.press("u", "u", "u")
        await pilot.pause()
        assert 1 not in reader.doc.labels or reader.doc.labels[1].label is None
        line, _ = drawn(y)
        assert "said the pollster. The figure" in line and "quantity" not in line, line
    app.store.close()


@pytest.mark.anyio
async def test_marks_of_two_sentences_on_one_line_each_stand_at_their_own_sentence(tmp_path: Path, analyzer) -> None:
    # Three sentences on a line: the first labelled, the second only starred, the third
    # labelled with a note. Each mark is drawn where its own sentence starts.
    from apps import corpus_folder, make_app, open_reader
    from tui.widgets.article_view import GUTTER

    article = "Port news\n\nTrade rose by 4.2 million tonnes. Jobs were cut. Officials spoke.\n"
    app = make_app(corpus_folder(tmp_path, {"port.txt": article}), tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(app, pilot, "port.txt")
        await pilot.press("1", "j", "w", "j", "2", "n", *"who said so", "ctrl+s")
        await pilot.pause()
        view = reader.view
        lines = [view.render_line(y).text for y in range(view.size.height)]
        line = next(line for line in lines if "Trade rose" in line)
        assert "Officials" in line, "the test line must fit one screen line"
        assert line[1:6] == "quant" and line[6:8] == "  ", line  # the first sentence's own: no star, no note
        assert "tonnes. ★ Jobs were cut. cause✎ Officials" in line[GUTTER:], line
    app.store.close()
# --- issue 16: hostile store files (deep nesting, unusable model weights, deleted articles) ---

#: Every file of a store that is JSON, relative to the store folder ({rail} is the rail
#: article's file in ann's shard), with the commands that read it: those must name it.
#: The others never open it (the lock is read only by a writer of that shard; the model
#: only by `suggest` and the app), so they must only go on without a traceback.
NESTED_FILES = {
    "store.json": {"stats", "export", "agree", "import", "merge", "suggest", "app"},
    "annotators/ann/index.json": {"stats", "export", "agree", "import", "merge", "suggest", "app"},
    # a writer of the shard knows its annotator: it does not read annotator.json
    "annotators/ann/annotator.json": {"stats", "export", "agree", "merge", "app"},
    "annotators/ann/articles/{rail}": {"stats", "export", "agree", "import", "merge", "suggest", "app"},
    "annotators/ann/lock": {"import", "merge", "app"},
    "models/claims.json": {"suggest", "app"},
}


@pytest.fixture(scope="module")
def two_annotators(tmp_path_factory, analyzer) -> Path:
    """A corpus of two articles, every sentence labelled by ann and by bob; returns the folder
    holding ``corpus/``, ``store/`` and ``all.jsonl`` (ann's labels, exported, to import)."""
    root = tmp_path_factory.mktemp("two-annotators")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "ferry.txt").write_text(GOOD, encoding="utf-8")
    (corpus_dir / "rail.txt").write_text(
        "Rail use hits a record\n\nPassenger journeys rose 12% to 1.6 billion last year. "
        "The regulator expects growth to slow in 2026.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(corpus_dir)
    for who, shift in (("ann", 0), ("bob", 1)):
        with Store.open(corpus.root, annotator=who, store_dir=root / "store") as store:
            for article in corpus.articles:
                sentences = analyzer.analyze(article).sentences
                doc = store.article(article, sentences)
                with doc.batch():
                    for i in range(len(sentences)):
                        doc.set_label(i, LABELS[(i + shift) % 3])
    out = root / "all.jsonl"
    assert_clean(run_cli("export", corpus_dir, "--store", root / "store", "--annotator", "ann",
                         "--format", "prodigy", "-o", out))
    return root


def _csv_rows(corpus_dir: Path, store_dir: Path, out: Path) -> set[tuple[str, str, str]]:
    """(annotator, sentence, label) of every exported label, through the real command."""
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "--format", "csv", "-o", out))
    with out.open(newline="", encoding="utf-8") as handle:
        return {(r["annotator"], r["sentence"], r["label"]) for r in csv.DictReader(handle) if r["label"]}


def _copy_store(source: Path, tmp_path: Path) -> tuple[Path, Path]:
    corpus_dir, store_dir = tmp_path / "corpus", tmp_path / "store"
    shutil.copytree(source / "corpus", corpus_dir)
    shutil.copytree(source / "store", store_dir)
    return corpus_dir, store_dir


@pytest.mark.anyio
@pytest.mark.parametrize("relative", list(NESTED_FILES), ids=lambda r: r.split("/")[-1].replace("{rail}", "article"))
async def test_a_store_file_nested_too_deeply_is_named_and_no_good_label_is_lost(
    relative: str, two_annotators: Path, tmp_path: Path
) -> None:
    from textual.widgets import Static

    from annotations.store import article_file_name
    from tui.app import create_app

    corpus_dir, store_dir = _copy_store(two_annotators, tmp_path)
    before = _csv_rows(corpus_dir, store_dir, tmp_path / "before.csv")
    bad = store_dir / relative.format(rail=article_file_name("rail.txt"))
    bad.parent.mkdir(parents=True, exist_ok=True)

    def damage() -> None:  # before each command: a writer may have rebuilt or replaced it
        bad.write_text("[" * 100_000, encoding="utf-8")
    # The labels of the damaged file are the only ones that may go missing.
    lost = {row for row in before if row[0] == "ann" and ("Passenger" in row[1] or "regulator" in row[1])}
    keep = before - lost if relative.endswith("{rail}") else before

    other = tmp_path / "other-store"  # merge brings a sound store into the damaged one
    shutil.copytree(two_annotators / "store", other)
    commands = {
        "stats": ("stats", corpus_dir),
        "export": ("export", corpus_dir, "--format", "csv", "-o", tmp_path / "out.csv"),
        "agree": ("agree", corpus_dir),
        "import": ("import", corpus_dir, two_annotators / "all.jsonl"),
        "merge": ("merge", corpus_dir, other),
        "suggest": ("suggest", corpus_dir, "-o", tmp_path / "ranked.jsonl"),
    }
    for name, args in commands.items():
        damage()
        result = run_cli(*args, "--store", store_dir, "--annotator", "ann")
        output = assert_clean(result, codes=(0, 1, 2))
        if name in NESTED_FILES[relative]:
            assert str(bad) in output, (name, output)
            named = [line for line in output.splitlines() if str(bad) in line]
            assert all(len(line) < 600 for line in named), named
        assert result.returncode != 2 or "claimscope: error: " in result.stderr, (name, output)
    damage()
    # The app starts as `claimscope PATH --annotator ann` starts it.
    app = create_app(corpus_dir, store_dir=store_dir, annotator="ann", restore=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            header = app.list_screen.query_one("#list-header", Static).content  # says why read-only
            shown = [str(n.message) for n in app._notifications] + [getattr(header, "plain", str(header))]
    finally:
        app.store.close()
    if "app" in NESTED_FILES[relative]:
        assert any(str(bad) in message for message in shown), shown
    # Every label outside the damaged file is still there, on its own sentence.
    assert keep <= _csv_rows(corpus_dir, store_dir, tmp_path / "after.csv")


def _model_with_weight(store_dir: Path, weight: str) -> Path:
    """A trained model saved in ``store_dir``'s models folder, its first claim weight
    replaced by ``weight`` as written in the JSON text (e.g. a 401-digit integer)."""
    from suggest_examples import small_model

    from annotations.suggest.model import models_dir, save_model

    path = save_model(small_model(), models_dir(store_dir))
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition('"claim": [')
    assert sep
    _, comma, tail = rest.partition(",")  # the first weight goes
    path.write_text(f"{head}{sep}{weight}{comma}{tail}", encoding="utf-8")
    return path


@pytest.mark.parametrize("weight", ["1" + "0" * 400, "1e400", "NaN"], ids=["10**400", "1e400", "NaN"])
def test_suggest_with_unusable_model_weights_falls_back_to_rules_and_says_why(
    weight: str, two_annotators: Path, tmp_path: Path
) -> None:
    corpus_dir, store_dir = _copy_store(two_annotators, tmp_path)
    model = _model_with_weight(store_dir, weight)
    out = tmp_path / "ranked.jsonl"
    result = run_cli("suggest", corpus_dir, "--store", store_dir, "-o", out)
    output = assert_clean(result)
    [line] = [line for line in result.stderr.splitlines() if "model file unreadable" in line]
    assert line.startswith(f"model file unreadable: {model}: ") and line.endswith("; suggestions from rules"), line
    assert "no trained model" not in output
    rows = [json.loads(row) for row in out.read_text(encoding="utf-8").splitlines()]
    assert rows and {row["by"] for row in rows} == {"prior"}
    assert all(0.0 <= row["score"] <= 1.0 for row in rows)


@pytest.mark.anyio
async def test_the_app_with_unusable_model_weights_says_why_and_suggests_from_rules(
    two_annotators: Path, tmp_path: Path
) -> None:
    from apps import open_reader

    from tui.app import create_app

    corpus_dir, store_dir = _copy_store(two_annotators, tmp_path)
    model = _model_with_weight(store_dir, "1" + "0" * 400)
    app = create_app(corpus_dir, store_dir=store_dir, annotator="ann", restore=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            reader = await open_reader(app, pilot, "ferry.txt")
            await app.workers.wait_for_complete()
            await pilot.pause()
            messages = [str(n.message) for n in app._notifications]
            assert not any("background task failed" in m for m in messages), messages
            [said] = [m for m in messages if "model file unreadable" in m]
            assert said.startswith(f"model file unreadable: {model}: ") and said.endswith("; suggestions from rules")
            assert app.suggestions.describe() == "rules only (model file unreadable)"
            assert reader.suggestions and {s.source for s in reader.suggestions} == {"prior"}
    finally:
        app.store.close()


def test_stats_and_export_agree_on_a_stored_article_whose_file_was_deleted(
    two_annotators: Path, tmp_path: Path
) -> None:
    import re

    corpus_dir, store_dir = _copy_store(two_annotators, tmp_path)
    (corpus_dir / "rail.txt").unlink()
    # Run as a third annotator (the tests' default), as a reviewer would: the labels are in
    # ann's and bob's shards only.
    stats = assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))
    out = tmp_path / "out.csv"
    export = assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "--format", "csv", "-o", out))
    with out.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["label"]]
    assert rows and {r["article_id"] for r in rows} == {"ferry.txt"}
    assert "warning: 1 stored articles are not in the corpus and were not exported: rail.txt" in export
    assert "warning: 1 stored articles are not in the corpus and were not counted: rail.txt" in stats
    sentences = {(r["article_id"], r["sentence_index"]) for r in rows}
    assert f"{len(sentences)} sentences reviewed in 1 of 1 articles" in stats, stats
    # The label table counts what export wrote, label by label.
    counted = {m[1]: int(m[2]) for m in re.finditer(r"│ (\w+) +│ \S+ +│ +(\d+) │", stats)}
    exported = {name: sum(r["label"] == name for r in rows) for name in counted}
    assert counted == exported and sum(counted.values()) == len(rows), (counted, stats)
    assert "Rail use" not in stats  # not a row of the progress table


def test_nested_json_in_corpus_files_and_caches_is_named_per_line_and_the_rest_is_read(
    tmp_path: Path, analyzer
) -> None:
    from corpus.index import index_path

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "ferry.txt").write_text(GOOD, encoding="utf-8")
    (corpus_dir / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    good = json.dumps({"title": "Bus fares frozen", "text": "Bus fares stay at £2 until March, the council said."})
    (corpus_dir / "feed.jsonl").write_text(good + "\n" + "[" * 100_000 + "\n", encoding="utf-8")
    store_dir = tmp_path / "store"
    assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))  # writes the corpus index
    ferry = load_corpus(corpus_dir).get("ferry.txt")
    assert ferry is not None
    analyzer.analyze(ferry)  # cached
    index = index_path(corpus_dir.resolve())
    assert index.exists() and analyzer.cache.path_for(ferry).exists()
    for cached in (index, analyzer.cache.path_for(ferry)):
        cached.write_text("[" * 100_000, encoding="utf-8")
    assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))  # reads the cached analysis
    listing = assert_clean(run_cli(corpus_dir, "--store", store_dir))  # no terminal: the printed list
    assert "deep.json: not valid JSON (nested too deeply); fix the file" in listing, listing
    assert "feed.jsonl line 2: not valid JSON (nested too deeply); fix or remove the line" in listing, listing
    assert "Bus fares frozen" in listing and "Harbour board" in listing  # the good records are listed


# --- issue 16: settings files nested too deeply ---


def test_a_scheme_file_nested_too_deeply_is_one_line_naming_it(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text("The port handled 12 ships.\n", encoding="utf-8")
    scheme = tmp_path / "scheme.toml"
    scheme.write_text("labels = " + "[" * 100_000, encoding="utf-8")
    result = run_cli("stats", corpus_dir, "--labels", scheme)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(scheme) in lines[0] and "nested too deeply" in lines[0], result.stderr


@pytest.mark.anyio
async def test_the_app_starts_past_config_and_positions_files_nested_too_deeply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import create_app
    from tui.config import ConfigError, load_config

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text("The port handled 12 ships.\n", encoding="utf-8")
    data, config = tmp_path / "data", tmp_path / "config"
    data.mkdir()
    config.mkdir()
    monkeypatch.setenv("CLAIMSCOPE_DATA_DIR", str(data))
    monkeypatch.setenv("CLAIMSCOPE_CONFIG_DIR", str(config))
    (config / "config.toml").write_text("[keys]\nx = " + "[" * 100_000, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:  # the CLI prints a ConfigError as one line
        load_config()
    assert str(config / "config.toml") in str(caught.value) and "nested too deeply" in str(caught.value)
    assert "\n" not in str(caught.value)
    (config / "config.toml").unlink()
    # A damaged positions file only costs reopening where one left off: the app starts.
    (data / "positions.json").write_text("[" * 100_000, encoding="utf-8")
    app = create_app(corpus_dir, store_dir=tmp_path / "store", annotator="ana")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running and app.return_code is None
    finally:
        app.store.close()
# --- issue 16: terminal escapes and 80-column tables ---
#: Sequences a terminal acts on, each after a marker naming the field that carries it.
OSC = "\x1b]0;PWNED\x07"  # sets the window title
CSI_RED = "\x1b[31mRED"  # colours what follows
CSI_CLEAR = "\x1b[2J"  # blanks the screen
C1_CSI = "\x9b2J"  # the one-character CSI of C1


def _escape_corpus(tmp_path: Path, analyzer) -> dict[str, Path]:
    """A corpus, a store and a label scheme whose every text field carries escape sequences:
    the file name, the title, the article text (CRLF lines), two annotators' names, their
    notes, and a scheme's key and guidelines."""
    from annotations.scheme import load_scheme

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    name = f"FILE{CSI_RED}.txt"  # Linux file names may hold ESC
    (corpus_dir / name).write_bytes(
        (
            f"TITLE{OSC} Ferry fares rise\r\n\r\n"
            f"Fares rose 12% to TEXT{CSI_CLEAR}{C1_CSI} 4.50 pounds in 2024.\r\n"
            f"The operator blamed TEXT{CSI_RED} fuel costs.\r\n\r\n"
            "Passenger numbers fell by 3,000 last year.\r\n"
        ).encode("utf-8")
    )
    labels = tmp_path / "labels.toml"
    labels.write_text(
        'default_claim = "quantity"\n'
        '[[labels]]\nname = "quantity"\nkey = "1"\ncolor = "#4e9de0"\n'
        'guideline = "GUIDE\\u001b]0;PWNED\\u0007 numbers \\u009b2J"\n'
        '[[labels]]\nname = "none"\nkey = "\\u009b"\ncolor = "#888888"\nclaim = false\n'
        'guideline = "GUIDE\\u001b[31mRED not a claim"\n',
        encoding="utf-8",
    )
    scheme = load_scheme(labels)
    corpus = load_corpus(corpus_dir)
    store_dir = tmp_path / "store"
    for annotator, label in ((f"ana{OSC}", "quantity"), (f"bob{CSI_CLEAR}{C1_CSI}", "none")):
        store = Store.open(corpus_dir, annotator=annotator, scheme=scheme, store_dir=store_dir)
        try:
            for article in corpus.articles:
                doc = store.article(article, analyzer.analyze(article).sentences)
                doc.set_label(0, label)
                doc.set_note(0, f"NOTE{OSC} {CSI_RED}\n{C1_CSI}")
                doc.set_label(1, "quantity")
        finally:
            store.close()
    return {"corpus": corpus_dir, "file": corpus_dir / name, "store": store_dir, "labels": labels}


def _terminal_bytes_problems(data: bytes) -> list[str]:
    """The control characters (but tab and newline) in output: none may reach a terminal."""
    import re

    text = data.decode("utf-8")  # also: the bytes are UTF-8
    return sorted({hex(ord(c)) for c in re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)})


def test_no_escape_sequence_from_a_file_or_store_reaches_the_terminal_from_the_cli(tmp_path: Path, analyzer) -> None:
    paths = _escape_corpus(tmp_path, analyzer)
    corpus, store, labels, article = (str(paths[k]) for k in ("corpus", "store", "labels", "file"))
    with_store = ("--store", store, "--labels", labels)
    bad_scheme = tmp_path / "bad.toml"
    bad_scheme.write_text(f'[[labels]]\nname = "q{OSC}"\nkey = "1"\ncolor = "red"\nguideline = "x"\n', encoding="utf-8")
    commands = {
        "inspect": ("inspect", article),
        "inspect --json": ("inspect", "--json", article),
        "stats": ("stats", corpus, *with_store),
        "agree": ("agree", corpus, *with_store),
        "agree --json": ("agree", "--json", corpus, *with_store),
        "figures": ("figures", corpus),
        "figures --json": ("figures", "--json", corpus),
        "listing": (corpus, *with_store),  # no terminal: the bare command prints the article table
        "export": ("export", corpus, *with_store, "-f", "csv", "-o", str(tmp_path / f"out{OSC}.csv")),
        "suggest": ("suggest", corpus, *with_store),
        "missing file": ("inspect", str(paths["corpus"] / f"gone{OSC}.txt")),
        "bad scheme": ("stats", corpus, "--labels", str(bad_scheme)),
        "annotator": ("stats", corpus, *with_store, "--annotator", f"eve{OSC}"),
    }
    outputs, stdouts = {}, {}
    for name, args in commands.items():
        result = subprocess.run(
            [*_command(), *args], capture_output=True, stdin=subprocess.DEVNULL, timeout=240,
            env={**os.environ, "COLUMNS": "120"},
        )
        assert b"Traceback" not in result.stderr, (name, result.stderr.decode())
        assert result.returncode == (2 if name in ("missing file", "bad scheme") else 0), (name, result.stderr.decode())
        for stream, data in (("stdout", result.stdout), ("stderr", result.stderr)):
            assert _terminal_bytes_problems(data) == [], (name, stream, data.decode("utf-8", "replace"))
        outputs[name] = result.stdout.decode() + result.stderr.decode()
        stdouts[name] = result.stdout.decode()
    # What was there is shown, one visible character for each control character.
    assert "TITLE␛]0;PWNED␇ Ferry" in outputs["inspect"] and "TEXT␛[2J�2J" in outputs["inspect"]
    assert "FILE␛[31mRED.txt ·" in outputs["inspect"] and "TITLE␛]0;PWNED" in outputs["listing"]
    assert "ana␛]0;PWNED" in outputs["stats"] and "bob␛[2J�2J" in outputs["agree"]
    # (Rich's Text drops BEL, BS, VT, FF and CR itself: removed, not shown, is safe too.)
    assert "out␛]0;PWNED" in outputs["export"] and "gone␛]0;PWNED␇.txt" in outputs["missing file"]
    # JSON keeps the exact text (escaped, as JSON writes it): offsets still hold.
    analysis = json.loads(stdouts["inspect --json"])
    assert analysis["text"] == paths["file"].read_bytes().decode("utf-8")
    assert analysis["title"].startswith(f"TITLE{OSC}")
    assert {row["article"] for row in json.loads(stdouts["figures --json"])} == {paths["file"].name}
    assert sorted(json.loads(stdouts["agree --json"])["annotators"]) == sorted([f"ana{OSC}", f"bob{CSI_CLEAR}{C1_CSI}"])
    suggestions = [json.loads(line) for line in stdouts["suggest"].splitlines()]
    assert any(CSI_RED in row["text"] for row in suggestions), suggestions


def test_no_escape_sequence_from_a_file_or_store_reaches_the_terminal_from_the_app(tmp_path: Path, analyzer) -> None:
    """The real app in a pseudo-terminal: the list, an article, the side panel."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    paths = _escape_corpus(tmp_path, analyzer)
    env = {**os.environ, "TERM": "xterm-256color", "CLAIMSCOPE_ANNOTATOR": f"carol{OSC}"}
    env.pop("NO_COLOR", None)
    command = [*_command(), str(paths["corpus"]), "--store", str(paths["store"]), "--labels", str(paths["labels"])]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, on the pseudo-terminal
        try:
            os.execve(command[0], command, env) if os.path.isabs(command[0]) else os.execvpe(command[0], command, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    written = bytearray()

    def read_until(marker: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and marker not in written:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                written.extend(chunk)

    def settle(seconds: float = 1.5) -> None:
        read_until(b"\x00never\x00", seconds)

    try:
        read_until("carol␛".encode(), 60)  # the list's header names the annotator
        settle()
        os.write(fd, b"\r")  # open the article
        read_until("Passenger".encode(), 60)
        settle()
        os.write(fd, b"p")  # the side panel: other annotators' names, labels and notes
        read_until("NOTE␛".encode(), 30)
        settle()
        os.write(fd, b"?")  # the help: the scheme's keys and guidelines, at its end
        settle()
        for _page in range(6):
            os.write(fd, b" ")
            read_until("GUIDE␛".encode(), 2)
    finally:
        os.kill(pid, signal.SIGTERM)
        settle(1)
        deadline = time.monotonic() + 10
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            settle(0.2)
        os.close(fd)
    screen = written.decode("utf-8", "replace")
    for injected in (OSC[:-1], CSI_RED, f"TEXT{CSI_CLEAR}", "\x9b", "NOTE\x1b", "ana\x1b", "carol\x1b", "GUIDE\x1b", "FILE\x1b"):
        assert injected not in screen, f"{injected!r} reached the terminal"
    for shown in ("TITLE␛]0;PWNED", "carol␛]0;PWNED", "ana␛]0;PWNED", "NOTE␛]0;PWNED", "TEXT␛[2J�2J", "TEXT␛[31mRED",
                  "GUIDE␛]0;PWNED"):
        assert shown in screen, f"{shown!r} is not on the screen"


@pytest.mark.anyio
async def test_the_reader_shows_escape_sequences_and_crlf_text_with_every_highlight_on_its_characters(
    tmp_path: Path, analyzer
) -> None:
    import sys as _sys

    _sys.path.insert(0, str(Path(__file__).parent))
    from apps import make_app, open_reader

    text = (
        "Ferry fares rise\r\n\r\n"
        f"Fares rose TEXT{CSI_RED} by 12% to {C1_CSI} 4.50 pounds in 2024.\r\n"
        "Passenger numbers fell by 3,000 last year.\r\n"
    )
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "ferry.txt").write_bytes(text.encode("utf-8"))
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_reader(app, pilot, "ferry.txt")
        view = screen.view
        article_text = view.article.text
        figures = [span for span in view.spans if span.kind == "figure"]
        assert {article_text[s.start : s.end] for s in figures} >= {"12%", "3,000"}, figures
        for number, paragraph in enumerate(view._paragraphs):
            drawn = view._styled_paragraph(number)
            assert len(drawn.plain) == paragraph.end - paragraph.start  # one character for one
            assert not any("\x00" <= c < " " or "\x7f" <= c <= "\x9f" for c in drawn.plain), drawn.plain
            for span in figures:
                if paragraph.start <= span.start < paragraph.end:
                    start, end = span.start - paragraph.start, span.end - paragraph.start
                    assert drawn.plain[start:end] == article_text[span.start : span.end]
                    styled = [(s.start, s.end) for s in drawn.spans if s.style == view.palette.figure]
                    assert (start, end) in styled, (article_text[span.start : span.end], styled)
        lines = ["".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)]
        shown = "\n".join(lines)
        assert "TEXT␛[31mRED by 12%" in shown and "�2J 4.50 pounds" in shown, shown
        assert "\r" not in shown and "\x1b" not in shown and "␍" not in shown  # a CRLF line end is a space


@pytest.fixture
def short_tmp():
    """A temp folder with a short path (``/tmp/cs-…``), removed afterwards: `stats`
    names the store on a line of its own, which then fits in 80 columns whichever
    runner made pytest's temp folders (pytest-xdist's are ten characters longer)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cs-") as folder:
        yield Path(folder)


def test_tables_stay_readable_at_80_columns_in_a_pipe(short_tmp: Path, analyzer) -> None:
    """figures, stats and agree through a pipe with COLUMNS=80: nothing wider than 80,
    no line of a single letter, every value and unit whole on one line, no figure cut."""
    import re

    from rich.cells import cell_len

    from corpus.readings import value_text

    paths = _escape_corpus(short_tmp, analyzer)
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}

    def run(*args: str | Path) -> str:
        result = subprocess.run([*_command(), *map(str, args)], capture_output=True, text=True, env=env,
                                stdin=subprocess.DEVNULL, timeout=240)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        if "--json" in args:
            return result.stdout
        for line in result.stdout.splitlines():
            assert cell_len(line) <= 80, line
            assert len(line.strip()) != 1 or not line.strip().isalnum(), result.stdout  # a letter a line
        return result.stdout

    with_store = ("--store", paths["store"], "--labels", paths["labels"])
    for corpus in ([], [paths["corpus"]]):  # the bundled sample (ranges, long units) and the test corpus
        table = run("figures", *corpus)
        rows = json.loads(run("figures", "--json", *corpus))
        assert rows
        lines = table.splitlines()
        for row in rows:
            value = tuple(row["value"]) if isinstance(row["value"], list) else row["value"]
            for whole in (value_text(value), row["unit"] or ""):
                if whole:
                    pattern = re.compile(rf"(^|\s){re.escape(whole)}(\s|$)")
                    assert any(pattern.search(line) for line in lines), (whole, table)
    stats = run("stats", paths["corpus"], *with_store)
    assert re.search(r"\s\d\d-\d\d \d\d:\d\d\s*$", stats, re.MULTILINE), stats  # `updated` whole
    agree = run("agree", paths["corpus"], *with_store)
    assert "…" not in agree, agree
    figures = re.findall(r"-?\d\.\d{3} \(-?\d\.\d{3}--?\d\.\d{3}\)", agree)
    assert len(figures) >= 3 * 4, agree  # overall, per label (2), per article: 4 measures each, whole


def test_the_terminal_rule_shows_every_control_character_and_keeps_every_offset() -> None:
    from corpus.terminal import visible, visible_json, visible_lines

    every = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    shown = visible(every)
    assert len(shown) == len(every)
    assert shown[0x1B] == "␛" and shown[0x07] == "␇" and shown[0x0D] == "␍" and shown[0x0A] == "␊"
    assert shown[0x09] == "\t" and shown[0x20] == "␡" and set(shown[0x21:]) == {"\ufffd"}
    assert all(c.isprintable() or c == "\t" for c in shown), shown
    text = f"Fares {OSC}rose\r\n\tby 12%{C1_CSI}\r\n"
    lines = visible_lines(text)
    assert len(lines) == len(text) and lines.index("12%") == text.index("12%")
    assert lines.endswith(" \n") and "\t" in lines and "\x1b" not in lines and "\x9b" not in lines
    assert visible("plain text") == "plain text"
    dumped = visible_json(json.dumps({"t": every}, ensure_ascii=False))
    assert json.loads(dumped) == {"t": every} and not any("\x7f" <= c <= "\x9f" for c in dumped)
# --- issue 16: imports that tell the truth ---

FEES = (
    "Harbour fees rise\n\n"
    "The Kelsey harbour board raised fees by 12% on Monday, its chairman Tom Reed said. "
    "Fans of \U0001F600 cars and \U0001F1EC\U0001F1E7 boats paid 40 pounds more in May.\n"
)


def _fees_store(tmp_path: Path, analyzer) -> tuple[Path, Path, list[str]]:
    """A corpus of one article, its two sentences labelled by ana, and a wide span over the
    figure 12% (two overlapping spans); returns the corpus, the store and the sentences."""
    corpus_dir, store_dir = tmp_path / "corpus", tmp_path / "store"
    corpus_dir.mkdir()
    (corpus_dir / "fees.txt").write_text(FEES, encoding="utf-8")
    article = load_corpus(corpus_dir).articles[0]
    analysis = analyzer.analyze(article)
    sentences = [article.text[s.start : s.end] for s in analysis.sentences]
    assert sentences[-2].startswith("The Kelsey") and sentences[-1].startswith("Fans of"), sentences
    with Store.open(corpus_dir, annotator="ana", store_dir=store_dir) as store:
        doc = store.article(article, analysis.sentences)
        doc.set_label(len(sentences) - 2, "quantity")
        doc.set_label(len(sentences) - 1, "quantity")
        start = article.text.index("raised fees")
        doc.add_span(start, article.text.index("12%") + 3, "CLAIM_FIGURE")
    return corpus_dir, store_dir, sentences


def _export_jsonl(corpus_dir: Path, store_dir: Path, fmt: str, out: Path) -> list[dict]:
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", fmt, "-o", out))
    return [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]


def _write_jsonl_records(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _csv_labels(corpus_dir: Path, store_dir: Path, out: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(the sentence's first word, annotator) -> the CSV row, as `claimscope export --format
    csv` writes them ("The" Kelsey..., "Fans" of...)."""
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", "csv", "-o", out))
    with out.open(newline="", encoding="utf-8") as handle:
        return {(r["sentence"].split()[0], r["annotator"]): r for r in csv.DictReader(handle)}


def test_a_doccano_round_trip_keeps_the_overlapping_span_doccano_dropped(tmp_path: Path, analyzer) -> None:
    corpus_dir, store_dir, sentences = _fees_store(tmp_path, analyzer)
    records = _export_jsonl(corpus_dir, store_dir, "doccano", tmp_path / "out.jsonl")
    record = records[0]
    text = record["text"]
    figure = [text.index("12%"), text.index("12%") + 3, "PERCENT"]
    monday = [text.index("Monday"), text.index("Monday") + 6, "DATE"]
    assert figure in record["entities"] and monday in record["entities"]
    # doccano's intent detection: the inner of the two overlapping spans is gone; in the
    # project, Monday was taken off and "harbour board" marked.
    board = [text.index("harbour board"), text.index("harbour board") + 13, "ORG"]
    back = dict(record, id=7, entities=[s for s in record["entities"] if s not in (figure, monday)] + [board])
    path = _write_jsonl_records(tmp_path / "all.jsonl", [back, records[1]])

    result = run_cli("import", corpus_dir, path, "--store", store_dir)
    output = assert_clean(result)
    assert "spans: 1 added, 1 removed, 1 removal held back" in result.stderr, output
    assert "--accept-removals" in output and "overlapping" in output, output
    again = _export_jsonl(corpus_dir, store_dir, "doccano", tmp_path / "again.jsonl")[0]["entities"]
    assert figure in again, "the span doccano could not hold was deleted by the import"
    assert monday not in again and board in again

    result = run_cli("import", corpus_dir, path, "--store", store_dir, "--accept-removals")
    assert "spans: 0 added, 1 removed" in assert_clean(result)
    again = _export_jsonl(corpus_dir, store_dir, "doccano", tmp_path / "third.jsonl")[0]["entities"]
    assert figure not in again and board in again


@pytest.mark.parametrize("unit", ["utf-16", "graphemes"])
def test_doccano_offsets_counted_after_an_emoji_land_on_the_right_characters(
    tmp_path: Path, analyzer, unit: str
) -> None:
    corpus_dir, store_dir, sentences = _fees_store(tmp_path, analyzer)
    records = _export_jsonl(corpus_dir, store_dir, "doccano", tmp_path / "out.jsonl")
    record = records[1]
    text = record["text"]
    word = "cars" if unit == "utf-16" else "boats"
    start = text.index(word)
    if unit == "utf-16":  # as a browser counts: the emoji is two units
        offset = len(text[:start].encode("utf-16-le")) // 2
        assert text[offset : offset + 4] == "ars "
    else:  # as a page counting what it shows: the emoji and the flag are one each
        offset = start - 1
    back = dict(record, entities=record["entities"] + [[offset, offset + len(word), "PRODUCT"]])
    path = _write_jsonl_records(tmp_path / "all.jsonl", [back])
    result = run_cli("import", corpus_dir, path, "--store", store_dir)
    output = assert_clean(result)
    said = "UTF-16 units" if unit == "utf-16" else "grapheme clusters"
    assert f"1 span counted in {said}" in output, output
    assert "spans: 1 added, 0 removed" in output, output
    again = _export_jsonl(corpus_dir, store_dir, "doccano", tmp_path / "again.jsonl")[1]
    added = [s for s in again["entities"] if s[2] == "PRODUCT"]
    assert [text[s:e] for s, e, _ in added] == [word], added


def test_a_label_taken_off_in_doccano_is_cleared_and_reported(tmp_path: Path, analyzer) -> None:
    corpus_dir, store_dir, sentences = _fees_store(tmp_path, analyzer)
    records = _export_jsonl(corpus_dir, store_dir, "doccano", tmp_path / "out.jsonl")
    assert records[0]["label"] == ["quantity"] == records[0]["cats"]
    # text classification: doccano exports its own "label"; "cats" comes back as imported
    path = _write_jsonl_records(tmp_path / "all.jsonl", [dict(records[0], id=3, label=[]), records[1]])
    result = run_cli("import", corpus_dir, path, "--store", store_dir)
    output = assert_clean(result)
    assert "1 label cleared" in output and "line 1" in output, output
    rows = _csv_labels(corpus_dir, store_dir, tmp_path / "after.csv")
    assert ("The", "ana") not in rows or rows[("The", "ana")]["label"] == "", rows
    assert rows[("Fans", "ana")]["label"] == "quantity"


def _label_studio_tasks(corpus_dir: Path, store_dir: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / "ls"
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", "label-studio", "-o", out))
    return json.loads((out / "tasks.json").read_text(encoding="utf-8"))


def _write_tasks(path: Path, tasks: list[dict]) -> Path:
    """A JSON array, one task per line: task n starts on line n + 1."""
    path.write_text("[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n]\n", encoding="utf-8")
    return path


def test_a_label_studio_task_whose_annotations_is_not_a_list_is_rejected_by_line(tmp_path: Path, analyzer) -> None:
    corpus_dir, store_dir, sentences = _fees_store(tmp_path, analyzer)
    tasks = _label_studio_tasks(corpus_dir, store_dir, tmp_path)
    assert len(tasks) == 2
    tasks[1]["annotations"] = {"result": tasks[1]["annotations"][0]["result"]}
    path = _write_tasks(tmp_path / "export.json", tasks)
    result = run_cli("import", corpus_dir, path, "--store", store_dir)
    output = assert_clean(result, codes=(1,))
    assert '2 lines: 0 imported, 1 unchanged, 1 rejected' in output, output
    assert 'line 3: "annotations" of task 2 is an object, not a list' in result.stderr, output


def test_label_studio_user_ids_are_named_with_users(tmp_path: Path, analyzer) -> None:
    corpus_dir, store_dir, sentences = _fees_store(tmp_path, analyzer)
    tasks = _label_studio_tasks(corpus_dir, store_dir, tmp_path)
    for task, user, name in zip(tasks, (1, 3), ("prediction", "cause")):  # each edited in Label Studio
        (annotation,) = task["annotations"]
        annotation["completed_by"] = user
        annotation["id"] = 100 + user
        for result in annotation["result"]:
            if result["type"] == "choices":
                result["value"]["choices"] = [name]
    path = _write_tasks(tmp_path / "export.json", tasks)

    plain = assert_clean(run_cli("import", corpus_dir, path, "--store", tmp_path / "plain"))
    assert (
        "Label Studio users 1, 3 imported as 'label-studio user N'; name them with --users 1=NAME,..."
        in plain
    ), plain
    rows = _csv_labels(corpus_dir, tmp_path / "plain", tmp_path / "plain.csv")
    assert rows[("The", "label-studio user 1")]["label"] == "prediction"

    named = assert_clean(run_cli("import", corpus_dir, path, "--store", tmp_path / "named", "--users", "1=alice"))
    assert "Label Studio user 3 imported as 'label-studio user N'" in named and "users 1" not in named, named
    rows = _csv_labels(corpus_dir, tmp_path / "named", tmp_path / "named.csv")
    assert rows[("The", "alice")]["label"] == "prediction" and ("Fans", "label-studio user 3") in rows

    names = tmp_path / "users.txt"
    names.write_text("# Label Studio ids\n1=alice\n3 = bob\n", encoding="utf-8")
    both = assert_clean(run_cli("import", corpus_dir, path, "--store", tmp_path / "both", "--users", names))
    assert "label-studio user" not in both, both
    rows = _csv_labels(corpus_dir, tmp_path / "both", tmp_path / "both.csv")
    assert rows[("The", "alice")]["label"] == "prediction" and rows[("Fans", "bob")]["label"] == "cause"
    names.write_text('{"1": "alice", "3": "bob"}', encoding="utf-8")  # the same map as JSON
    assert "label-studio user" not in assert_clean(
        run_cli("import", corpus_dir, path, "--store", tmp_path / "json", "--users", names)
    )

    bad = run_cli("import", corpus_dir, path, "--store", tmp_path / "bad", "--users", "alice")
    assert_clean(bad, codes=(2,))
    assert "--users 'alice'" in bad.stderr and "ID=NAME" in bad.stderr, bad.stderr
# --- issue 16: atomic outputs (export, suggest -o, train -o) ---

#: 400 articles of 50 sentences, every one labelled: 20,000 rows, enough that writing a
#: format takes a good fraction of a second (and the Prodigy export forks its writer).
_BIG_ARTICLES, _BIG_SENTENCES = 400, 50


@pytest.fixture(scope="module")
def big_store(tmp_path_factory, analyzer) -> tuple[Path, Path]:
    """(corpus folder, store folder): identical articles share one cached analysis, and
    the labels go in through the store API, so building takes a few seconds."""
    root = tmp_path_factory.mktemp("big")
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    body = " ".join(
        f"In {1990 + k % 30}, the council of district {k} said that {k % 97}% of the {1000 + k} "
        "homes surveyed were affected."
        for k in range(_BIG_SENTENCES)
    )
    for n in range(_BIG_ARTICLES):
        (corpus_dir / f"a{n:04d}.txt").write_text(f"A long report\n\n{body}\n", encoding="utf-8")
    corpus = load_corpus(corpus_dir)
    analysis = analyzer.analyze(corpus.articles[0])  # cached for every article (same text)
    assert len(analysis.sentences) == _BIG_SENTENCES
    with Store.open(corpus.root, annotator="bulk", store_dir=root / "store") as store:
        for article in corpus.articles:
            doc = store.article(article, analysis.sentences)
            with doc.batch():
                for i in range(_BIG_SENTENCES):
                    doc.set_label(i, LABELS[i % len(LABELS)])
    return corpus_dir, root / "store"


def _state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` (hidden ones too) with its size and modification time."""
    found = {}
    for path in folder.rglob("*"):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        found[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns)
    return found


def _contents(path: Path) -> bytes | dict[str, bytes] | None:
    if path.is_dir():
        return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    return path.read_bytes() if path.exists() else None


def _kill_once_writing(args: list[str | Path], folder: Path, *, started=None) -> tuple[int, list]:
    """Start the command, SIGKILL it as soon as it starts writing in ``folder`` (something
    there appears or changes, or ``started(folder)`` says so); returns its exit status
    and the processes it had started by then (psutil)."""
    import psutil

    before = _state(folder)
    process = subprocess.Popen(
        [*_command(), *map(str, args)], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    children: list = []
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            now = _state(folder)
            if (started(folder) if started is not None else now != before):
                try:
                    children = psutil.Process(process.pid).children(recursive=True)
                except psutil.NoSuchProcess:
                    pass
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        if process.poll() is None and time.monotonic() >= deadline:
            process.kill()
        process.wait(timeout=60)
    return process.returncode, children


def _kill_until_mid_write(args, folder: Path, destination: Path, previous, complete) -> None:
    """Kill the command while it writes until a kill lands before the end (a late kill
    finds the new output whole, which is right too, and is tried again): the
    destination then holds exactly ``previous`` (None: it does not exist)."""
    for _attempt in range(4):
        status, _ = _kill_once_writing(args, folder)
        found = _contents(destination)
        if status == -signal.SIGKILL and found == previous:
            return
        assert found in (previous, complete), f"a killed run left {destination} half-written (exit {status})"
        _restore(destination, previous)
    pytest.fail("the command never was still writing when killed")


def _restore(destination: Path, previous) -> None:
    if destination.is_dir():
        shutil.rmtree(destination)
    elif destination.exists():
        destination.unlink()
    if isinstance(previous, bytes):
        destination.write_bytes(previous)
    elif isinstance(previous, dict):
        for name, data in previous.items():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            (destination / name).write_bytes(data)


def test_a_killed_csv_export_leaves_the_previous_file_and_no_leftovers(big_store, tmp_path: Path) -> None:
    corpus_dir, store_dir = big_store
    reference = tmp_path / "reference" / "labels.csv"
    reference.parent.mkdir()
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", "csv", "-o", reference))
    complete = reference.read_bytes()
    assert complete.count(b"\n") > _BIG_ARTICLES * _BIG_SENTENCES
    assert os.listdir(reference.parent) == ["labels.csv"]

    out = tmp_path / "out"
    out.mkdir()
    destination = out / "labels.csv"
    previous = b"article_id,label\nan export of yesterday,quantity\n"
    destination.write_bytes(previous)
    args = ["export", corpus_dir, "--store", store_dir, "-f", "csv", "-o", destination]
    _kill_until_mid_write(args, out, destination, previous, complete)

    assert_clean(run_cli(*args))  # the next run replaces it and removes what the killed one left
    assert destination.read_bytes() == complete
    assert os.listdir(out) == ["labels.csv"]


def test_a_killed_folder_export_leaves_the_previous_folder_whole(big_store, tmp_path: Path) -> None:
    corpus_dir, store_dir = big_store
    out = tmp_path / "out"
    out.mkdir()
    destination = out / "studio"
    args = ["export", corpus_dir, "--store", store_dir, "-f", "label-studio", "-o", destination]
    # Yesterday's export: the same format from a store with one label less.
    assert_clean(run_cli(*args, "--label", "quantity"))
    previous = _contents(destination)
    assert previous and set(previous) == {"tasks.json", "config.xml"}
    reference = tmp_path / "reference" / "studio"
    reference.parent.mkdir()
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", "label-studio", "-o", reference))
    complete = _contents(reference)
    assert complete != previous

    _kill_until_mid_write(args, out, destination, previous, complete)

    assert_clean(run_cli(*args))
    assert _contents(destination) == complete
    assert os.listdir(out) == ["studio"]


def test_a_killed_prodigy_export_takes_its_forked_writer_with_it(big_store, tmp_path: Path) -> None:
    import psutil

    corpus_dir, store_dir = big_store
    out = tmp_path / "out"
    out.mkdir()
    destination = out / "tasks.jsonl"
    args = ["export", corpus_dir, "--store", store_dir, "-f", "prodigy", "-o", destination]

    def forked(folder: Path) -> bool:
        # Bytes in the staged output: its blocks are being written, by both processes
        # (the second is forked before the first block is made).
        return any(p.is_file() and p.stat().st_size > 0 for p in folder.rglob("*"))

    status, children = _kill_once_writing(args, out, started=forked)
    assert status == -signal.SIGKILL
    assert children, "the export did not fork its second writer"
    deadline = time.monotonic() + 2
    alive = children
    while alive and time.monotonic() < deadline:
        alive = []
        for child in children:
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(child)
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.02)
    assert not alive, "the forked writer went on after its parent was killed"
    assert not destination.exists()  # no previous file, and none half-written

    assert_clean(run_cli(*args))
    assert os.listdir(out) == ["tasks.jsonl"]  # the killed run's temporary files are gone
    assert destination.read_bytes().count(b"\n") == _BIG_ARTICLES * _BIG_SENTENCES


def test_a_killed_suggest_output_leaves_the_previous_file(big_store, tmp_path: Path) -> None:
    corpus_dir, store_dir = big_store
    reference = tmp_path / "reference.jsonl"
    assert_clean(run_cli("suggest", corpus_dir, "--store", store_dir, "-o", reference))
    complete = reference.read_bytes()
    assert complete.count(b"\n") == _BIG_ARTICLES * _BIG_SENTENCES

    out = tmp_path / "out"
    out.mkdir()
    destination = out / "ranked.jsonl"
    previous = b'{"an": "older ranking"}\n'
    destination.write_bytes(previous)
    args = ["suggest", corpus_dir, "--store", store_dir, "-o", destination]
    _kill_until_mid_write(args, out, destination, previous, complete)

    assert_clean(run_cli(*args))
    assert destination.read_bytes() == complete
    assert os.listdir(out) == ["ranked.jsonl"]


def test_stale_staging_folders_of_dead_runs_go_and_nothing_else(tmp_path: Path) -> None:
    """Only a staging folder whose lock nobody holds is removed; a live run's, the user's
    look-alikes and other hidden files stay."""
    import fcntl

    from annotations.outputs import LOCK_NAME, remove_stale_stages, staged_output

    dead = tmp_path / ".out.csv.claimscope-abcd1234.tmp"
    dead.mkdir()
    (dead / LOCK_NAME).touch()
    (dead / "out.csv").write_text("half")
    live = tmp_path / ".out.csv.claimscope-live0000.tmp"
    live.mkdir()
    (live / LOCK_NAME).touch()
    held = os.open(live / LOCK_NAME, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    mine = tmp_path / ".notes.claimscope-keepme00.tmp"  # named like ours, but no lock file inside
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)  # an earlier version's killed export left its part file
    (tmp_path / f".out.csv.{dead_pid}.part").write_text("x")
    (tmp_path / f".out.csv.{os.getpid()}.part").write_text("x")  # a live process's: kept
    (tmp_path / f".other.csv.{dead_pid}.part").write_text("x")  # another destination's: kept
    try:
        with staged_output(tmp_path / "out.csv") as staged:
            assert not dead.exists() and live.exists()
            staged.write_text("new")
        assert remove_stale_stages(tmp_path) == []
    finally:
        os.close(held)
    assert (tmp_path / "out.csv").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == sorted(
        [
            ".out.csv.claimscope-live0000.tmp", ".notes.claimscope-keepme00.tmp",
            f".out.csv.{os.getpid()}.part", f".other.csv.{dead_pid}.part", "out.csv",
        ]
    )
    assert remove_stale_stages(tmp_path) == [live]  # its run has ended


def test_a_folder_export_never_replaces_a_folder_of_other_files(labelled, tmp_path: Path) -> None:
    corpus_dir, store_dir, _ = labelled
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("my own words", encoding="utf-8")
    result = run_cli("export", corpus_dir, "--store", store_dir, "-f", "brat", "-o", mine)
    output = assert_clean(result, codes=(2,))
    assert "documents already exists and was left as it was" in output and "thesis.txt" in output
    assert os.listdir(mine) == ["thesis.txt"]
    assert sorted(os.listdir(tmp_path)) == ["corpus", "documents", "store"]  # no staging folder left
    again = tmp_path / "brat"
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", "brat", "-o", again))
    first = _contents(again)
    assert_clean(run_cli("export", corpus_dir, "--store", store_dir, "-f", "brat", "-o", again))
    assert _contents(again) == first  # an earlier export of the same kind is replaced whole


@pytest.mark.parametrize("command", ["train", "suggest"])
def test_train_and_suggest_refuse_to_write_into_the_corpus(
    command: str, tmp_path: Path, analyzer, shared_corpus: Path
) -> None:
    corpus_dir, store_dir = tmp_path / "corpus", tmp_path / "store"
    shutil.copytree(shared_corpus, corpus_dir)
    label_every_sentence(corpus_dir, store_dir, analyzer)  # claims and not-claims: train would fit
    before = sorted(os.listdir(corpus_dir))
    target = corpus_dir / ("pipeline" if command == "train" else "ranked.jsonl")
    output = assert_clean(run_cli(command, corpus_dir, "--store", store_dir, "-o", target), codes=(2,))
    assert "is inside the corpus folder" in output and "Write it elsewhere" in output
    assert sorted(os.listdir(corpus_dir)) == before
    listing = assert_clean(run_cli("stats", corpus_dir, "--store", store_dir))
    assert "unreadable" not in listing


def test_a_trained_pipeline_gives_sentences_entities_and_cats_and_analyses(
    tmp_path: Path, analyzer, shared_corpus: Path
) -> None:
    corpus_dir, store_dir = tmp_path / "corpus", tmp_path / "store"
    shutil.copytree(shared_corpus, corpus_dir)  # two real news articles, every sentence labelled
    label_every_sentence(corpus_dir, store_dir, analyzer)
    out = tmp_path / "pipeline"
    assert_clean(run_cli("train", corpus_dir, "--store", store_dir, "-o", out))
    script = (
        "import json, sys, spacy; nlp = spacy.load(sys.argv[1]); "
        "doc = nlp('The ferry carried 1.2 million passengers in 2023, up 8%. Fares will rise in May.'); "
        "print(json.dumps({'sents': [s.text for s in doc.sents], 'ents': [e.label_ for e in doc.ents], "
        "'cats': doc.cats, 'pipes': nlp.pipe_names}))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert len(got["sents"]) == 2 and {"CARDINAL", "DATE", "PERCENT"} <= set(got["ents"])
    assert set(got["cats"]) == set(LABELS) and sum(got["cats"].values()) == pytest.approx(1.0)
    assert got["pipes"][-1] == "claimscope_claims" and "ner" in got["pipes"]

    article = sorted(corpus_dir.glob("*.txt"))[0]  # (not a store someone kept in the corpus folder)
    for model in (out, "pipeline"):  # a path, and a bare folder name as spacy.load takes it
        result = subprocess.run(
            [*_command(), "inspect", str(article), "--model", str(model), "--json"],
            capture_output=True, text=True, timeout=240, cwd=tmp_path, stdin=subprocess.DEVNULL,
        )
        assert_clean(result)
        analysis = json.loads(result.stdout)
        assert analysis["sentences"] and analysis["spans"]

    # Trained again over the same folder: the pipeline is replaced whole, nothing left beside it.
    assert_clean(run_cli("train", corpus_dir, "--store", store_dir, "-o", out))
    assert sorted(os.listdir(tmp_path)) == sorted(["corpus", "store", "pipeline"])


def test_write_or_link_links_only_a_regular_file_with_the_same_bytes(tmp_path: Path) -> None:
    from annotations.outputs import write_or_link

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "same.ann").write_bytes(b"T1\tSentence 0 4\tSame\n")
    (old / "other.ann").write_bytes(b"T1\tSentence 0 4\tOld!\n")
    (old / "longer.ann").write_bytes(b"T1\tSentence 0 4\tSame\nmore\n")
    (old / "target.txt").write_bytes(b"abc")
    (old / "link.txt").symlink_to(old / "target.txt")
    assert write_or_link(new / "same.ann", b"T1\tSentence 0 4\tSame\n", old) is True
    assert (new / "same.ann").stat().st_ino == (old / "same.ann").stat().st_ino
    assert write_or_link(new / "other.ann", b"T1\tSentence 0 4\tSame\n", old) is False
    assert write_or_link(new / "longer.ann", b"T1\tSentence 0 4\tSame\n", old) is False
    assert write_or_link(new / "link.txt", b"abc", old) is False  # a link is never followed
    assert (new / "link.txt").is_file() and not (new / "link.txt").is_symlink()
    assert write_or_link(new / "missing.txt", b"x", old) is False
    assert write_or_link(new / "none.txt", b"x", None) is False
    # Written again in the same output: made anew, never through the link to the old file.
    assert write_or_link(new / "same.ann", b"changed\n", old) is False
    assert (old / "same.ann").read_bytes() == b"T1\tSentence 0 4\tSame\n"
    assert (new / "same.ann").read_bytes() == b"changed\n"
    assert (old / "other.ann").read_bytes() == b"T1\tSentence 0 4\tOld!\n"
    assert {p.name: p.read_bytes() for p in new.iterdir()} == {
        "same.ann": b"changed\n", "other.ann": b"T1\tSentence 0 4\tSame\n",
        "longer.ann": b"T1\tSentence 0 4\tSame\n", "link.txt": b"abc", "missing.txt": b"x", "none.txt": b"x",
    }


def test_a_folder_of_many_files_is_made_durable_by_one_syncfs_when_safe(tmp_path: Path, monkeypatch) -> None:
    from annotations import outputs

    calls: list[str] = []
    real_syncfs, real_fsync = outputs._syncfs_whole, outputs._fsync_file
    monkeypatch.setattr(outputs, "_syncfs_whole", lambda held: calls.append("syncfs") or real_syncfs(held))
    monkeypatch.setattr(outputs, "_fsync_file", lambda path: calls.append("fsync") or real_fsync(path))

    def write(name: str, files: int) -> dict[str, bytes]:
        with outputs.staged_output(tmp_path / name, folder=True) as staged:
            staged.mkdir()
            for n in range(files):
                (staged / f"{n}.ann").write_bytes(f"T1\tSentence 0 {n}\n".encode())
        return {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}

    many = write("many", outputs.SYNCFS_FILES)
    assert len(many) == outputs.SYNCFS_FILES and many["7.ann"] == b"T1\tSentence 0 7\n"
    if sys.platform.startswith("linux") and outputs._kernel_at_least(5, 8):
        assert calls == ["syncfs"]  # one call, no fsync per file
    calls.clear()
    assert len(write("few", outputs.SYNCFS_FILES - 1)) == outputs.SYNCFS_FILES - 1
    assert calls == ["fsync"] * (outputs.SYNCFS_FILES - 1)
    calls.clear()
    monkeypatch.setattr(outputs, "SYNCFS_DIRTY", -1)  # as if much else waited to be written
    assert write("busy", outputs.SYNCFS_FILES) == many
    assert calls == ["syncfs"] + ["fsync"] * outputs.SYNCFS_FILES
    assert sorted(os.listdir(tmp_path)) == ["busy", "few", "many"]  # no staging folder left


def test_the_kernel_version_and_the_memory_waiting_to_be_written_are_read() -> None:
    from annotations import outputs

    assert outputs._kernel_at_least(0, 1) == sys.platform.startswith("linux")
    assert not outputs._kernel_at_least(10**6, 0)
    if Path("/proc/meminfo").is_file():
        assert 0 <= outputs._waiting_to_be_written() < 1 << 50


def test_a_staged_output_brings_its_second_file_and_a_failed_one_changes_nothing(tmp_path: Path) -> None:
    """A format that writes a second file beside its main one (as a DocBin of unreviewed
    documents may) gets both renamed into place; a writer that fails leaves all as it was."""
    from annotations.outputs import staged_output

    main, second = tmp_path / "train.spacy", tmp_path / "train.unreviewed.spacy"
    main.write_text("old")
    with staged_output(main) as staged:
        staged.write_text("new")
        staged.with_name("train.unreviewed.spacy").write_text("new second")
    assert (main.read_text(), second.read_text()) == ("new", "new second")
    with pytest.raises(OSError):
        with staged_output(main) as staged:
            staged.write_text("half")
            raise OSError(28, "No space left on device")
    assert (main.read_text(), second.read_text()) == ("new", "new second")
    assert sorted(os.listdir(tmp_path)) == ["train.spacy", "train.unreviewed.spacy"]


# --- issue 16: figures at 80 columns, sentences on the full width ---


def test_figures_at_80_columns_give_each_sentence_the_whole_width(shared_corpus: Path) -> None:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    result = subprocess.run(
        [*_command(), "figures", str(shared_corpus)], capture_output=True, text=True, env=env,
        stdin=subprocess.DEVNULL, timeout=240,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    figures = json.loads(
        subprocess.run(
            [*_command(), "figures", str(shared_corpus), "--json"], capture_output=True, text=True, env=env,
            stdin=subprocess.DEVNULL, timeout=240,
        ).stdout
    )
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert figures and all(len(line) <= 80 for line in lines)
    # A sentence folded into a column a dozen cells wide took 15-20 lines a figure; on
    # the whole width every figure of these articles takes a row, its sentence and a gap.
    assert len(lines) <= 3 + 7 * len(figures), result.stdout
    words = " ".join(figures[0]["sentence"].split()).split()
    flowing = " ".join(line.strip() for line in lines)
    assert " ".join(words) in flowing, "the first figure's sentence is not readable as one run of words"


def test_a_run_killed_before_it_locked_its_staging_folder_leaves_nothing_behind(tmp_path: Path) -> None:
    """A kill between making the staging folder and locking it leaves an empty folder:
    the next run removes it at once; a look-alike with something in it stays, however old."""
    from annotations.outputs import remove_stale_stages, staged_output

    empty = tmp_path / ".out.csv.claimscope-k1lled00.tmp"
    empty.mkdir()
    kept = tmp_path / ".notes.claimscope-keepme00.tmp"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    hour_ago = time.time() - 3600
    os.utime(kept, (hour_ago, hour_ago))
    with staged_output(tmp_path / "out.csv") as staged:
        staged.write_text("new")
    assert sorted(os.listdir(tmp_path)) == [".notes.claimscope-keepme00.tmp", "out.csv"]
    assert remove_stale_stages(tmp_path) == [] and (kept / "notes.txt").read_text() == "mine"
