"""Kill a writing process with SIGKILL at random moments; nothing acknowledged is lost.

The child saves labels one by one and prints an ``ack`` line after each save
returns. After every kill each store file must parse, and after all rounds every
acknowledged label and span correction must be in the store.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.store import Store
from corpus.model import Article, Segment

ROUNDS = 24
LABELS = ["quantity", "cause", "prediction", "rule", "experience", "other", "none"]
#: Articles a child would write if never killed: far more than the kill point (at most 80
#: labels), so a child is still writing when the kill comes even when the test reads its
#: output slowly (a busy machine let fast children finish all 3 articles first).
ARTICLES = 20

CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tests.test_crash import ARTICLES, build_article, LABELS
from annotations.store import Store

store = Store.open(None, annotator="crash", store_dir=Path(sys.argv[1]))
if store.read_only:
    print("readonly", store.read_only_reason, flush=True)
    sys.exit(3)
print("open", flush=True)
round_no = int(sys.argv[2])
for a in range(ARTICLES):
    article, sentences = build_article(round_no, a)
    doc = store.article(article, sentences)
    for k in range(len(sentences)):
        label = LABELS[(k + a + round_no) % len(LABELS)]
        doc.set_label(k, label)
        print("ack", article.id, k, label, flush=True)
        if k % 7 == 3:
            seg = sentences[k]
            doc.add_span(seg.start, seg.start + 8, "CARDINAL")
            print("span", article.id, seg.start, seg.start + 8, flush=True)
store.close()
print("done", flush=True)
"""


def build_article(round_no: int, a: int) -> tuple[Article, tuple[Segment, ...]]:
    """The deterministic article ``a`` of round ``round_no`` (the child builds the same)."""
    parts = [f"Sentence {k:02d} of article {a} in round {round_no} says 12 things." for k in range(30)]
    segments, pos = [], 0
    for part in parts:
        segments.append(Segment(pos, pos + len(part)))
        pos += len(part) + 1
    text = " ".join(parts)
    aid = f"round{round_no}/article{a}.txt"
    return Article(id=aid, path=aid, text=text, title=aid), tuple(segments)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_sigkill_never_loses_an_acknowledged_label(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    repo = str(Path(__file__).resolve().parents[1])
    rng = random.Random(20240501)
    acked: dict[tuple[str, int], str] = {}
    spans: set[tuple[str, int, int]] = set()
    finished = killed = 0
    began = time.monotonic()
    for round_no in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store_dir), str(round_no), repo],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Kill after a random number of acknowledged labels (of 600 a round), not after a
        # random time: how fast a child writes depends on the machine, where it stops must not.
        target = rng.randint(1, 80)
        seen: list[str] = []
        assert child.stdout is not None
        for line in child.stdout:
            seen.append(line)
            if line.startswith("ack") and sum(1 for x in seen if x.startswith("ack")) >= target:
                break
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        out, err = child.communicate(timeout=30)
        out = "".join(seen) + out
        assert child.returncode in (0, -signal.SIGKILL), err
        for line in out.splitlines():
            parts = line.split()
            if parts[:1] == ["ack"]:
                acked[(parts[1], int(parts[2]))] = parts[3]
            elif parts[:1] == ["span"]:
                spans.add((parts[1], int(parts[2]), int(parts[3])))
            elif parts[:1] == ["done"]:
                finished += 1
        # After every kill, every store file parses (temp files are the only leftovers).
        for path in store_dir.rglob("*.json"):
            json.loads(path.read_text(encoding="utf-8"))
    assert killed >= ROUNDS // 2, "the delays should kill most children mid-run"
    assert acked, "children should have saved something before being killed"

    # The writers' own shard (labels are per annotator): their dead locks are stale.
    with Store.open(None, annotator="crash", store_dir=store_dir) as store:
        assert not store.read_only, store.read_only_reason  # the dead writers' locks are stale
        assert not list(store_dir.rglob(".*.tmp")), "temp files are cleaned up on open"
        docs = {}
        for (aid, k), label in sorted(acked.items()):
            round_no, a = int(aid.split("/")[0][5:]), int(aid.split("article")[1].split(".")[0])
            if aid not in docs:
                article, sentences = build_article(round_no, a)
                docs[aid] = store.article(article, sentences)
            assert docs[aid].labels[k].label == label, (aid, k)
        for aid, start, end in spans:
            assert (start, end) in {(c.start, c.end) for c in docs[aid].span_corrections}
    assert time.monotonic() - began < 60
    print(f"{len(acked)} acknowledged labels over {ROUNDS} rounds, {killed} kills, {finished} finished")
