"""Re-anchoring: putting stored labels back on the sentences of a changed article.

A label remembers its sentence's text. When the article text (or the sentence
split) changes, each label goes, in order of preference, to: the same index if the
text there is unchanged; the nearest sentence with exactly the same text; the
nearest sentence whose text matches ignoring whitespace. Labels that fit nowhere are
orphans: kept and reported, never dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from corpus.model import Segment

from annotations.model import SentenceLabel, SpanCorrection


def squash(text: str) -> str:
    """``text`` with all whitespace removed (for whitespace-insensitive matching)."""
    return "".join(text.split())


def anchor_labels(
    records: Sequence[SentenceLabel],
    text: str,
    sentences: Sequence[Segment],
    article_hash: str,
) -> tuple[dict[int, SentenceLabel], list[SentenceLabel], bool]:
    """Place ``records`` on ``sentences``; returns (placed by index, orphans, changed?).

    ``changed`` is True when any record had to move, take new offsets or become an
    orphan, i.e. when the article file should be rewritten.
    """
    texts = [text[s.start : s.end] for s in sentences]
    placed: dict[int, SentenceLabel] = {}
    pending: list[SentenceLabel] = []
    changed = False

    # Pass 1: unchanged text at the same index (the usual case: nothing moved).
    for record in records:
        i = record.sentence_index
        if not record.orphan and 0 <= i < len(texts) and i not in placed and texts[i] == record.text:
            seg = sentences[i]
            if (record.start, record.end, record.article_hash) != (seg.start, seg.end, article_hash):
                record = replace(record, start=seg.start, end=seg.end, article_hash=article_hash)
                changed = True
            placed[i] = record
        else:
            pending.append(record)
    if not pending:
        return placed, [], changed

    orphans: list[SentenceLabel] = []
    squashed: list[str] | None = None
    for record in pending:
        changed = True
        j = _nearest(texts, lambda t: t == record.text, record.sentence_index, placed)
        if j is None:
            if squashed is None:
                squashed = [squash(t) for t in texts]
            key = squash(record.text)
            j = _nearest(squashed, lambda t: t == key, record.sentence_index, placed) if key else None
        if j is None:
            orphans.append(record if record.orphan else replace(record, orphan=True))
            continue
        seg = sentences[j]
        placed[j] = replace(
            record,
            sentence_index=j,
            start=seg.start,
            end=seg.end,
            text=texts[j],
            article_hash=article_hash,
            orphan=False,
        )
    return placed, orphans, changed


def _nearest(
    items: Sequence[str], match: Callable[[str], bool], near: int, taken: dict[int, object]
) -> int | None:
    best: int | None = None
    for j, item in enumerate(items):
        if j in taken or not match(item):
            continue
        if best is None or abs(j - near) < abs(best - near):
            best = j
    return best


def anchor_spans(
    corrections: Sequence[SpanCorrection], text: str, article_hash: str
) -> tuple[list[SpanCorrection], bool]:
    """Move span corrections to where their text is now; unplaceable ones become orphans."""
    out: list[SpanCorrection] = []
    changed = False
    for c in corrections:
        if text[c.start : c.end] == c.text and not c.orphan:
            if c.article_hash != article_hash:
                c = replace(c, article_hash=article_hash)
                changed = True
            out.append(c)
            continue
        changed = True
        best: int | None = None
        pos = text.find(c.text) if c.text else -1
        while pos >= 0:
            if best is None or abs(pos - c.start) < abs(best - c.start):
                best = pos
            pos = text.find(c.text, pos + 1)
        if best is None:
            out.append(c if c.orphan else replace(c, orphan=True))
        else:
            out.append(
                replace(c, start=best, end=best + len(c.text), article_hash=article_hash, orphan=False)
            )
    return out, changed
