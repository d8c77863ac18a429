"""JSON read in one pass by msgspec's decoder where it can, with ``json``'s result.

The analysis cache and the store's article files are plain JSON that this program
wrote; an export of 100,000 labels reads 2,000 of each, and ``json.loads`` spent
0.31 s on the store's alone where msgspec's decoder took 0.18 s (the 100k-label store
of ``benchmarks/store.py``). What msgspec decodes comes out as ``json`` gives it (dicts,
lists, str, int of any size, float, bool, None; a repeated key keeps its last
value); what it refuses (``NaN``, a lone surrogate escape, a float out of range, a
byte-order mark, bad bytes, broken JSON) goes through ``json``, which answers as it
always did: the same value or the same error.

msgspec is imported on the first read, not before: 15-30 ms that the article list
never needs.
"""

from __future__ import annotations

import json
from typing import Any, Callable

_decode: Callable[[str | bytes], Any] | None = None


def _decoder() -> Callable[[str | bytes], Any]:
    global _decode
    try:
        from msgspec.json import decode
    except ImportError:  # pragma: no cover - a declared dependency; json alone still works
        decode = json.loads
    _decode = decode
    return decode


def loads_text(text: str) -> Any:
    """``json.loads(text)``: the same value, or the same error."""
    try:
        return (_decode or _decoder())(text)
    except Exception:  # noqa: BLE001 - whatever msgspec refuses, json decides
        return json.loads(text)


def loads_utf8(raw: bytes) -> Any:
    """``json.loads(raw.decode("utf-8"))``: the same value, or the same error (a
    ``UnicodeDecodeError`` for bytes that are not UTF-8)."""
    try:
        return (_decode or _decoder())(raw)
    except Exception:  # noqa: BLE001 - whatever msgspec refuses, json decides
        return json.loads(raw.decode("utf-8"))


def spaced_ints(text: str) -> list[int]:
    """``list(map(int, text.split()))`` for the cache's strings of numbers (``"3 7 12"``):
    decoded as a JSON list of ints in one pass (a third of the time) when it is one
    number after another with single spaces; anything else (other spaces, signs,
    leading zeros, words, a comma) goes through ``int``, which answers as it always did."""
    if "," not in text:  # "1,2" is no number for int
        try:
            from msgspec.json import decode

            return decode(f"[{text.replace(' ', ',')}]", type=list[int])
        except Exception:  # noqa: BLE001 - whatever msgspec refuses (or its absence), int decides
            pass
    return list(map(int, text.split()))
