"""Encoding an article's store file after one label key: the store's writer against
json's pretty printer (`dump_json`, what it did before), in the same run.

    python benchmarks/store_write.py [--sizes 50,500,3000] [--rounds 50]
    python benchmarks/store_write.py --quick    # 50 and 500 labels, 5 rounds (CI)

For each number of labels in the article, one label changes per round and the file
text is made again; the two texts are checked to be identical. Printed: the median
and worst milliseconds per key of each. The first write of a session (nothing to
reuse yet) is shown too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.storage import DocumentTexts, dump_json  # noqa: E402


def record(i: int) -> dict:
    """A stored label as the store writes it (fictional text)."""
    return {
        "annotator": "bench", "article_hash": "0" * 12, "article_id": "long.txt", "checkworthy": False,
        "created": "2026-12-01T00:00:00Z", "end": i * 120 + 110, "label": "quantity", "note": "",
        "sentence_index": i, "start": i * 120, "text": f"Sentence {i} says that a figure rose by {i % 97}% last year.",
        "updated": "2026-12-01T00:00:00Z",
    }


def run(size: int, rounds: int) -> None:
    data = {"labels": {str(i + 1): record(i) for i in range(size)}, "meta": {"1": {"schema": 1, "sentences": size}}, "orphans": {}, "spans": {}}
    texts = DocumentTexts()
    began = time.perf_counter()
    texts.dump(data)
    first = time.perf_counter() - began
    old, new = [], []
    for n in range(rounds):
        data = json.loads(json.dumps(data))  # what TinyDB hands the storage: a fresh parse
        data["labels"][str(n % size + 1)]["label"] = "none" if n % 2 == 0 else "quantity"
        began = time.perf_counter()
        expected = dump_json(data)
        old.append(time.perf_counter() - began)
        began = time.perf_counter()
        got = texts.dump(data)
        new.append(time.perf_counter() - began)
        assert got == expected, "the writer's text differs from dump_json"
    ms = lambda values, f: f"{f(values) * 1000:7.2f}"  # noqa: E731
    print(f"  {size:>6} labels | dump_json p50 {ms(old, statistics.median)} max {ms(old, max)} ms"
          f" | store writer p50 {ms(new, statistics.median)} max {ms(new, max)} ms | first write {first * 1000:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,500,3000", help="labels in the article, comma-separated")
    parser.add_argument("--rounds", type=int, default=50, help="label keys per size")
    parser.add_argument("--quick", action="store_true", help="50 and 500 labels, 5 rounds (CI)")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = "50,500", 5
    print("Encoding an article file after one label key (texts checked identical)")
    for size in (int(part) for part in args.sizes.split(",")):
        run(size, args.rounds)


if __name__ == "__main__":
    main()
