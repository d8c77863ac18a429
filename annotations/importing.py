"""Read Prodigy or doccano JSONL back into the store.

Each line is matched to a sentence by ``meta.article_id`` and the sentence text
(``meta.sentence_index`` first, then the nearest sentence with the same text, then
ignoring whitespace). Bad lines are reported one by one (``line 7: unknown label
'foo' (known: ...)``) and the rest are imported.

Per line, by shape:

- Prodigy (has ``answer``, ``tokens`` or ``_input_hash``): the label is ``label``,
  else ``accept[0]`` when accepted, else the scheme's not-a-claim label when
  rejected; ``ignore`` leaves the stored label alone. ``spans`` (sentence offsets)
  become span corrections against the model's spans.
- doccano classification (``label`` and/or ``cats`` a list of names): at most one
  name; ``entities`` (``[start, end, LABEL]`` or doccano's ``{"start_offset",
  "end_offset", "label"}``), when present, are the sentence's spans.
- doccano sequence labelling (``label`` is a list of ``[start, end, LABEL]``): the
  spans; the sentence label comes from ``meta.label`` when present.

``meta.annotator``, ``meta.checkworthy`` and ``meta.note`` are kept when present.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from corpus.model import Analysis, Article, Span

from annotations.anchoring import squash
from annotations.errors import ClaimscopeError, ImportFileError
from annotations.store import ArticleAnnotations, Store

Resolver = Callable[[str], "tuple[Article, Analysis] | None"]


class LineError(Exception):
    """One bad input line; the message is shown after ``line N: ``."""


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts and one message per rejected line."""

    lines: int = 0
    imported: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Item:
    article_id: str
    sentence_index: int | None
    text: str
    label: str | None  # None: leave the stored label alone
    spans: tuple[tuple[int, int, str], ...] | None  # None: leave spans alone
    annotator: str | None
    checkworthy: bool | None
    note: str | None


def import_file(
    store: Store,
    path: Path,
    resolve: Resolver,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a JSONL file into ``store``; ``resolve(article_id)`` gives the article and analysis."""
    path = Path(path)
    store.check_writable()
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        raise ImportFileError(f"cannot read {path} ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path} is not UTF-8 text; export it again as JSONL") from None
    return import_lines(store, lines, resolve, progress=progress)


def import_lines(
    store: Store,
    lines: Iterable[str],
    resolve: Resolver,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import JSONL ``lines`` (see :func:`import_file`)."""
    report = ImportReport()
    grouped: dict[str, list[tuple[int, _Item]]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            item = _parse_line(line, store)
        except LineError as error:
            report.errors.append(f"line {number}: {error}")
            continue
        grouped.setdefault(item.article_id, []).append((number, item))
    for article_id, items in grouped.items():
        found = resolve(article_id)
        if found is None:
            for number, _ in items:
                report.errors.append(f"line {number}: unknown article {article_id!r} (not in the corpus)")
            continue
        article, analysis = found
        doc = store.article(article, analysis.sentences)
        with doc.batch():
            for number, item in items:
                try:
                    changed = _apply(doc, article, analysis, item)
                except (LineError, ClaimscopeError) as error:
                    report.errors.append(f"line {number}: {error}")
                    continue
                if changed:
                    report.imported += 1
                else:
                    report.unchanged += 1
        if progress:
            progress(len(items))
    report.errors.sort(key=lambda message: int(message.split(":", 1)[0].split()[1]))
    return report


def _parse_line(line: str, store: Store) -> _Item:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(obj, dict):
        raise LineError("not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError("no \"text\" string")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise LineError("\"meta\" is not an object")
    article_id = meta.get("article_id")
    if not isinstance(article_id, str) or not article_id:
        raise LineError("no meta.article_id: cannot tell which article the sentence is from")
    index = meta.get("sentence_index")
    if not isinstance(index, int) or isinstance(index, bool):
        index = None
    scheme = store.scheme

    label: str | None
    spans: tuple[tuple[int, int, str], ...] | None = None
    raw_label = obj.get("label")
    if any(k in obj for k in ("answer", "tokens", "_input_hash", "accept")):
        answer = obj.get("answer", "accept")
        if answer not in ("accept", "reject", "ignore"):
            raise LineError(f"unknown answer {answer!r} (expected accept, reject or ignore)")
        accept = obj.get("accept") or []
        if answer == "ignore":
            label = None
        elif isinstance(raw_label, str) and raw_label:
            label = raw_label
        elif answer == "accept" and isinstance(accept, list) and accept:
            label = str(accept[0])
        elif answer == "reject":
            label = _not_a_claim(store)
        else:
            raise LineError("accepted task without a label or accept list")
        if "spans" in obj:
            spans = _parse_spans(obj["spans"], text, prodigy=True)
    elif isinstance(raw_label, list) and raw_label and all(isinstance(x, list) for x in raw_label):
        spans = _parse_spans(raw_label, text, prodigy=False)
        label = meta.get("label") or None
    elif isinstance(raw_label, list) or isinstance(obj.get("cats"), list):
        names = _names(raw_label if isinstance(raw_label, list) else obj["cats"])
        cats = obj.get("cats")
        if isinstance(raw_label, list) and cats is not None and _names(cats) != names:
            raise LineError(f"\"label\" {names} and \"cats\" {cats} disagree")
        label = names[0] if names else (meta.get("label") or None)
        if "entities" in obj:
            spans = _parse_spans(obj["entities"], text, prodigy=False)
    else:
        raise LineError("no \"label\" list and no Prodigy answer: not Prodigy or doccano JSONL")
    if label is not None:
        if not isinstance(label, str):
            raise LineError(f"label {label!r} is not a name")
        if scheme.get(label) is None:
            raise LineError(f"unknown label {label!r} (known: {', '.join(scheme.names)})")
    checkworthy = meta.get("checkworthy")
    note = meta.get("note")
    annotator = meta.get("annotator")
    return _Item(
        article_id=article_id,
        sentence_index=index,
        text=text,
        label=label,
        spans=spans,
        annotator=annotator if isinstance(annotator, str) and annotator else None,
        checkworthy=checkworthy if isinstance(checkworthy, bool) else None,
        note=note if isinstance(note, str) else None,
    )


def _names(raw: Any) -> list[str]:
    """The label names of a doccano ``label``/``cats`` list (at most one)."""
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise LineError("\"label\" must list label names or [start, end, LABEL] spans")
    if len(raw) > 1:
        raise LineError(f"several labels {raw} for one sentence; claimscope keeps one")
    return list(raw)


def _not_a_claim(store: Store) -> str:
    for label in store.scheme.labels:
        if not label.claim:
            return label.name
    raise LineError("rejected task, but the scheme has no not-a-claim label")


def _parse_spans(raw: Any, text: str, *, prodigy: bool) -> tuple[tuple[int, int, str], ...]:
    if not isinstance(raw, list):
        raise LineError("spans must be a list")
    out = []
    for entry in raw:
        if prodigy:
            if not isinstance(entry, dict):
                raise LineError("each span must be an object with start, end, label")
            start, end, label = entry.get("start"), entry.get("end"), entry.get("label")
        elif isinstance(entry, dict):  # doccano's own export: start_offset/end_offset/label
            start, end, label = entry.get("start_offset"), entry.get("end_offset"), entry.get("label")
        else:
            if not isinstance(entry, list) or len(entry) != 3:
                raise LineError("each span must be [start, end, LABEL]")
            start, end, label = entry
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise LineError(f"span offsets {start!r}-{end!r} are not whole numbers")
        if not 0 <= start < end <= len(text):
            raise LineError(
                f"span {start}-{end} is outside the sentence (it has {len(text)} characters)"
            )
        if not isinstance(label, str) or not label.strip():
            raise LineError(f"span {start}-{end} has no label")
        out.append((start, end, label))
    return tuple(out)


def _find_sentence(doc: ArticleAnnotations, article: Article, item: _Item) -> int:
    texts = [article.text[s.start : s.end] for s in doc.sentences]
    i = item.sentence_index
    if i is not None and 0 <= i < len(texts) and texts[i] == item.text:
        return i
    near = i if i is not None else 0
    for match in (lambda t: t == item.text, lambda t, key=squash(item.text): squash(t) == key):
        candidates = [j for j, t in enumerate(texts) if match(t)]
        if candidates:
            return min(candidates, key=lambda j: abs(j - near))
    raise LineError(f"sentence not found in article {item.article_id!r} (has its text changed?)")


def _apply(doc: ArticleAnnotations, article: Article, analysis: Analysis, item: _Item) -> bool:
    """Apply one line; True when the store changed."""
    index = _find_sentence(doc, article, item)
    before = doc.labels.get(index)
    before_spans = doc.span_corrections
    who = item.annotator
    if item.label is not None:
        doc.set_label(index, item.label, annotator=who)
    if item.checkworthy is not None:
        doc.set_checkworthy(index, item.checkworthy, annotator=who)
    if item.note is not None:
        doc.set_note(index, item.note, annotator=who)
    if item.spans is not None:
        _apply_spans(doc, analysis, index, item.spans, who)
    return doc.labels.get(index) != before or doc.span_corrections != before_spans


def _apply_spans(
    doc: ArticleAnnotations,
    analysis: Analysis,
    index: int,
    spans: tuple[tuple[int, int, str], ...],
    who: str | None,
) -> None:
    """Make the corrected spans inside sentence ``index`` equal ``spans`` (sentence offsets)."""
    seg = doc.sentences[index]
    wanted = {(seg.start + s, seg.start + e): label for s, e, label in spans}
    current: dict[tuple[int, int], Span] = {
        (s.start, s.end): s
        for s in doc.spans(analysis.spans)
        if s.start >= seg.start and s.end <= seg.end
    }
    for key, span in current.items():
        if key not in wanted:
            doc.remove_span(*key, annotator=who)
        elif wanted[key] != span.label:
            doc.relabel_span(*key, wanted[key], annotator=who)
    for key, label in wanted.items():
        if key not in current:
            doc.add_span(*key, label, annotator=who)
