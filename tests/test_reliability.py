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

from terminal import env_prefix

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
    return subprocess.run(["tmux", *args], capture_output=True, text=True)


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
        pytest.skip("tmux is not installed, so there is no real terminal to drive")
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
            _wait(session, lambda s: "reviewed" in s)
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

    def forked(folder: Path) -> bool:  # the second writer's part file exists
        return any(p.name.endswith(".part") for p in folder.rglob("*"))

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

    article = sorted(corpus_dir.iterdir())[0]
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
