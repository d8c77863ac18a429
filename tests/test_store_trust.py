"""The store never hides or loses labels: read-only stores, fallback stores, a bad
index, a full disk, a killed or hung-up writer."""

from __future__ import annotations

import errno
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from annotations import errors
from annotations.errors import ReadOnlyStoreError, StoreError
from annotations.store import Store, data_store_dir, shard_folder_name
from corpus.articles import load_corpus
from tui.cli import main

from folders import mount as _mount, read_only
from terminal import TMUX, env_prefix

# ----------------------------------------------------------------- helpers


@contextmanager
def small_disk(folder: Path, size: str = "64k") -> Iterator[bool]:
    """A tiny tmpfs at ``folder``; yields False when mounting is impossible here."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        chunk = b"x" * 4096
        while True:
            try:
                fh.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    return filler


@pytest.fixture
def corpus_dir(tmp_path: Path, shared_corpus: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(shared_corpus, folder, ignore=shutil.ignore_patterns(".claimscope"))
    return folder


def label_some(corpus_dir: Path, analyzer, store_dir: Path | None = None) -> dict[str, dict[int, str]]:
    """Label the first two sentences of every article; returns what was saved."""
    corpus = load_corpus(corpus_dir)
    saved: dict[str, dict[int, str]] = {}
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        assert not store.read_only, store.read_only_reason
        for article in corpus.articles:
            doc = store.article(article, analyzer.analyze(article).sentences)
            doc.set_label(0, "quantity")
            doc.set_label(1, "none")
            saved[article.id] = {0: "quantity", 1: "none"}
    return saved


# ------------------------------------------------- 1. an unwritable store


def test_an_existing_store_on_a_read_only_mount_shows_its_labels(
    corpus_dir: Path, analyzer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = label_some(corpus_dir, analyzer)
    reviewed = sum(len(v) for v in saved.values())
    fallback = data_store_dir(corpus_dir.resolve())
    with read_only(corpus_dir) as how:
        capsys.readouterr()
        assert main(["stats", str(corpus_dir)]) == 0
        out = capsys.readouterr().out
        first = out.splitlines()[0]
        assert first.startswith(f"store: {corpus_dir.resolve() / '.claimscope'}")
        if how == "read-only bind mount":
            assert "(read-only: read-only file system)" in first
        assert f"{reviewed} sentences reviewed" in " ".join(out.split())

        output = tmp_path / "out.csv"
        assert main(["export", str(corpus_dir), "-f", "csv", "-o", str(output)]) == 0
        err = " ".join(capsys.readouterr().err.split())
        assert f"wrote {reviewed} sentences" in err
        assert "read-only:" in err
        assert len(output.read_text("utf-8").splitlines()) == reviewed + 1

        corpus = load_corpus(corpus_dir)
        store = Store.open(corpus.root, annotator="ana")
        try:
            assert store.read_only and store.path == corpus_dir.resolve() / ".claimscope"
            assert "cannot be written" in store.read_only_reason
            article = corpus.articles[0]
            doc = store.article(article, analyzer.analyze(article).sentences)
            assert doc.label_of(0) == "quantity"
            with pytest.raises(ReadOnlyStoreError) as refused:
                doc.set_label(2, "quantity")
            assert "\n" not in str(refused.value) and "cannot be written" in str(refused.value)
        finally:
            store.close()
        assert main(["import", str(corpus_dir), str(output)]) == 2
        err = capsys.readouterr().err
        assert "cannot import" in err and "Traceback" not in err
    assert not fallback.exists(), "labels must never go to a hidden fallback folder"


def test_a_corpus_without_store_uses_the_fallback_and_is_told_to_merge_later(
    corpus_dir: Path, analyzer, capsys: pytest.CaptureFixture[str]
) -> None:
    fallback = data_store_dir(corpus_dir.resolve())
    with read_only(corpus_dir):
        saved = label_some(corpus_dir, analyzer)
        with Store.open(corpus_dir, read_only=True) as store:
            assert store.path == fallback and store.fallback
            assert "fallback" in store.describe()
    # The corpus folder is writable again: its store says where the labels are.
    with Store.open(corpus_dir, annotator="ana") as store:
        assert store.path == corpus_dir.resolve() / ".claimscope"
        count = sum(len(v) for v in saved.values())
        expected = (
            f"{count} labels in fallback store {fallback}; run "
            f"`claimscope merge {corpus_dir.resolve()} {fallback}` to bring them in"
        )
        assert expected in store.notices
    capsys.readouterr()
    assert main(["stats", str(corpus_dir)]) == 0
    assert f"{count} labels in fallback store" in capsys.readouterr().out
    assert main(["merge", str(corpus_dir), str(fallback)]) == 0
    assert f"merged {count} labels" in " ".join(capsys.readouterr().err.split())
    with Store.open(corpus_dir, annotator="ana") as store:
        assert not any("fallback store" in n for n in store.notices)  # merged: quiet now
        summary = store.summary()
        assert sum(s.reviewed for s in summary.values()) == count


# --------------------------------------------------------- 3. a bad index


@pytest.mark.parametrize(
    "index",
    [
        {"articles": {"x.json": "oops"}},
        {"articles": {"x.json": {"counts": [1]}}},
        "mtime_ns",  # a real entry with "mtime_ns": "abc"
        {"articles": ["x.json"]},
        [1, 2],
    ],
    ids=["entry-string", "counts-list", "mtime-string", "articles-list", "top-list"],
)
def test_an_index_with_wrong_types_is_kept_aside_and_rebuilt(
    tmp_path: Path, index: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from corpus.model import Article, Segment

    store_dir = tmp_path / "store"
    article = Article(id="a.txt", path="a.txt", text="One. Two.", title="A")
    sentences = (Segment(0, 4), Segment(5, 9))
    with Store.open(None, annotator="ana", store_dir=store_dir) as store:
        store.article(article, sentences).set_label(0, "quantity")
    index_file = store_dir / "annotators" / "ana" / "index.json"  # each annotator's shard has its index
    if index == "mtime_ns":
        data = json.loads(index_file.read_text("utf-8"))
        for entry in data["articles"].values():
            entry["mtime_ns"] = "abc"
        index = data
    index_file.write_text(json.dumps(index), "utf-8")

    reader = Store.open(None, annotator="ana", store_dir=store_dir, read_only=True)  # stats, export
    assert reader.summary()["a.txt"].reviewed == 1
    reader.close()
    with Store.open(None, annotator="ana", store_dir=store_dir) as store:
        assert store.summary()["a.txt"].reviewed == 1
        notices = [n for n in store.notices if "index" in n]
        assert len(notices) == 1 and "rebuilt" in notices[0]
    kept = list(index_file.parent.glob("index.json.bad-*"))
    assert len(kept) == 1 and json.loads(kept[0].read_text("utf-8")) == index
    rebuilt = json.loads(index_file.read_text("utf-8"))
    assert isinstance(rebuilt["articles"], dict) and len(rebuilt["articles"]) == 1


# --------------------------------------------------------- 4. a full disk


def test_a_full_disk_refuses_the_label_in_one_line_and_keeps_file_and_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corpus.model import Article, Segment

    article = Article(id="a.txt", path="a.txt", text="One. Two. Three. Four.", title="A")
    sentences = (Segment(0, 4), Segment(5, 9), Segment(10, 16), Segment(17, 22))
    disk = tmp_path / "disk"
    with small_disk(disk) as mounted:
        store = Store.open(None, annotator="ana", store_dir=disk / "store")
        try:
            doc = store.article(article, sentences)
            doc.set_label(0, "quantity")
            before = doc.path.read_bytes()
            if mounted:
                filler = fill(disk)  # a real full file system
            else:
                # No tmpfs here (not root, or no mount): make the write itself fail
                # with ENOSPC, the same OSError the kernel gives.
                def no_space(fd: int, data: object) -> int:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

                monkeypatch.setattr("corpus.files.os.write", no_space)
            with pytest.raises(errors.StoreWriteError) as full:
                doc.set_label(1, "prediction")
            message = str(full.value)
            assert "\n" not in message
            assert message == (
                f"label not saved: disk full writing {doc.path}; free space and press the key again"
            )
            assert full.value.errno == errno.ENOSPC
            assert doc.path.read_bytes() == before  # the file on disk is intact
            assert not list(doc.path.parent.glob(".*.tmp")), "no temp file is left behind"
            assert 1 not in doc.labels and doc.label_of(0) == "quantity"  # memory = disk
            # A batch (import, merge) that cannot be written rolls back whole.
            with pytest.raises(StoreError):
                with doc.batch():
                    doc.set_label(2, "rule")
                    doc.set_label(3, "cause")
            assert doc.labels.keys() == {0} and not (set(doc.labels) & {2, 3})
            assert not list(doc.path.parent.glob(".*.tmp"))
            if mounted:
                filler.unlink()
            else:
                monkeypatch.undo()
            doc.set_label(1, "prediction")  # free space, press the key again: saved
            # Undo history holds only the saved changes (sentence 2 = index 1, then index 0).
            assert [store.undo().sentence_index, store.undo().sentence_index] == [1, 0]
            assert store.undo() is None
            store.redo(), store.redo()
        finally:
            store.close()
        with Store.open(None, annotator="ana", store_dir=disk / "store", read_only=True) as reader:
            again = reader.article(article, sentences)
            assert {i: r.label for i, r in again.labels.items()} == {0: "quantity", 1: "prediction"}


# ------------------------------------------------- 5. killed and hung-up writers

CHILD = """
import sys
from annotations.lock import exit_on_signals
from annotations.store import Store
with exit_on_signals():
    store = Store.open(None, annotator="child", store_dir=sys.argv[1])
    try:
        print("ready", flush=True)
        sys.stdin.read()  # until killed
    finally:
        store.close()
"""


CHILD_LOCK = Path("annotators", "child", "lock")  # the lock of the child's shard


def start_writer(store_dir: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_dir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=store_dir.parent,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    assert (store_dir / CHILD_LOCK).exists()
    return child


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_hang_up_or_kill_releases_the_lock(tmp_path: Path, signum: int) -> None:
    store_dir = tmp_path / "store"
    child = start_writer(store_dir)
    child.send_signal(signum)
    assert child.wait(timeout=30) == 128 + signum
    assert not (store_dir / CHILD_LOCK).exists()
    with Store.open(None, annotator="child", store_dir=store_dir) as store:
        assert not store.read_only
        assert not any("lock" in n for n in store.notices)  # nothing stale to take over


def test_the_lock_of_a_killed_writer_is_taken_over_at_once_and_import_says_so(
    corpus_dir: Path, analyzer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    label_some(corpus_dir, analyzer)
    exported = tmp_path / "labels.jsonl"
    assert main(["export", str(corpus_dir), "-f", "prodigy", "-o", str(exported)]) == 0
    store_dir = corpus_dir / ".claimscope"
    child = start_writer(store_dir)
    child.kill()  # SIGKILL: no handler runs, the lock file stays
    child.wait(timeout=30)
    assert (store_dir / CHILD_LOCK).exists()
    capsys.readouterr()
    assert main(["import", str(corpus_dir), str(exported), "--annotator", "child"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"took over a stale lock left by pid {child.pid}" in err
    assert "that process is gone" in err
    assert not (store_dir / CHILD_LOCK).exists()


def test_a_lock_whose_pid_now_belongs_to_a_newer_process_is_taken_over(tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc here: process start times cannot be read")
    store_dir = tmp_path / "store"
    Store.open(None, store_dir=store_dir).close()
    # A live process that started long after the lock was taken: the pid was reused.
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (store_dir / "annotators" / "annotator" / "lock").write_text(
            json.dumps({"pid": other.pid, "host": socket.gethostname(), "started": "2020-01-01T00:00:00.000Z"})
        )
        with Store.open(None, store_dir=store_dir) as store:
            assert not store.read_only, store.read_only_reason
            assert any(
                f"pid {other.pid} is now another process" in n for n in store.notices
            ), store.notices
        # The same live process named with a start time after its own start: a real holder.
        (store_dir / "annotators" / "annotator" / "lock").write_text(
            json.dumps({"pid": other.pid, "host": socket.gethostname(), "started": "2999-01-01T00:00:00.000Z"})
        )
        with Store.open(None, store_dir=store_dir) as store:
            assert store.read_only and f"pid {other.pid}" in store.read_only_reason
    finally:
        other.kill()
        other.wait()


def test_closing_the_terminal_of_the_app_releases_the_lock(corpus_dir: Path) -> None:
    claimscope = shutil.which("claimscope") or str(Path(sys.executable).parent / "claimscope")
    if shutil.which("tmux") is None or not Path(claimscope).exists():
        pytest.skip("no tmux, or no installed claimscope command: no terminal to close")
    user = os.environ.get("CLAIMSCOPE_ANNOTATOR") or getpass.getuser()
    lock = corpus_dir / ".claimscope" / "annotators" / shard_folder_name(user) / "lock"
    session = f"trust-{os.getpid()}"
    env = env_prefix()
    subprocess.run(
        [*TMUX, "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
         f"env {env} {claimscope} {corpus_dir}"],
        check=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not lock.exists() or "articles" not in _screen(session):  # poll the real terminal
            assert time.monotonic() < deadline, "the app never came up: " + _screen(session)
            time.sleep(0.1)
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)  # SIGHUP
    deadline = time.monotonic() + 30
    while lock.exists():
        assert time.monotonic() < deadline, "the lock was left behind after the terminal closed"
        time.sleep(0.1)


def _screen(session: str) -> str:
    return subprocess.run(
        [*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True
    ).stdout
