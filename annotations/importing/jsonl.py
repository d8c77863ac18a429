"""Prodigy and doccano JSON lines read as import records (:class:`ImportRow`).

JSONL is split at ``\n`` only, so sentences holding U+2028, U+2029 or U+0085 stay
one record. Per line, by shape:

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
``SOURCE`` and ``CUE`` spans (and doccano's ``relations`` between entity ids) are who
claims the sentence, not span corrections (annotations/formats/claimant.py).
An empty doccano ``label``/``cats`` where ``meta.label`` has a label takes it off.
doccano's span offsets may count UTF-16 units or grapheme clusters (its page does
after an emoji): they are read at the sentence (annotations/importing/applying.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from corpus.decoding import SURROGATE_ESCAPE, without_surrogates  # the reader's own rule

from annotations.formats import ImportReport, ImportRow, LineError
from annotations.formats.claimant import CUE, SOURCE, ImportedClaimant, related, take_claimant
from annotations.formats.import_records import Numbered
from annotations.store import Store


def jsonl_items(
    lines: Iterable[str], store: Store, report: ImportReport, path: Path | None = None
) -> Numbered:
    items: Numbered = []
    # doccano's per-user export: <username>.jsonl (all.jsonl: collaborative, no one user)
    user = path.stem if path is not None and path.stem not in ("", "all") else None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            item, replaced = _parse_line(line.removesuffix("\r"), store, user)
        except LineError as error:
            report.reject(number, str(error))
            continue
        items.append((number, item))
        if replaced:
            # A lone surrogate is no character; stored as is it would make the store file unreadable.
            report.warnings.append(
                f"line {number}: {replaced} lone surrogate escape(s) (\\ud800-\\udfff without "
                "a pair) read as U+FFFD"
            )
    return items


def _parse_line(line: str, store: Store, doccano_user: str | None = None) -> tuple[ImportRow, int]:
    """The line's record, and how many lone surrogates in it were replaced by U+FFFD.

    ``doccano_user`` is who made a label changed in doccano (see :func:`_doccano_label`).
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise LineError("not valid JSON here (nested too deeply)") from None
    replaced = 0
    if SURROGATE_ESCAPE.search(line):
        obj, replaced = without_surrogates(obj)
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
    said: tuple[str | None, ...] = ()
    cleared = False
    raw_label = obj.get("label")
    annotator = meta.get("annotator")
    # What each tool may have lost (see ImportRow.span_loss): Prodigy's ner.manual holds no
    # overlapping spans, and its export leaves out spans over white space (no token there);
    # doccano keeps overlapping spans only where a project allows them.
    loss: tuple[str, ...] = ()
    claimant: ImportedClaimant | None = None
    claimant_texts: tuple[str | None, str | None] = (None, None)
    if any(k in obj for k in ("answer", "tokens", "_input_hash", "accept")):
        label = _prodigy_label(obj, store)
        if "spans" in obj:
            spans, claimant = take_claimant(_parse_spans(obj["spans"], text), meta)
            loss = ("overlaps", "blank")
    elif isinstance(raw_label, list) and raw_label and all(isinstance(x, list) for x in raw_label):
        whole, whole_said = _doccano_spans(raw_label, text)
        spans, said, claimant = _split_claimant(whole, whole_said, meta)
        claimant_texts = _claimant_texts(whole, whole_said, claimant)
        label = meta.get("label") or None
        loss = ("overlaps",)
    elif isinstance(raw_label, list) or isinstance(obj.get("cats"), list):
        label, edited, cleared = _doccano_label(obj, meta)
        if edited:  # changed in doccano: by doccano's user (None: whoever imports)
            annotator = _doccano_user(obj, doccano_user)
        if "entities" in obj:
            whole, whole_said = _doccano_spans(obj["entities"], text)
            pairs = related(_entity_ids(obj["entities"]), _doccano_relations(obj.get("relations")))
            spans, said, claimant = _split_claimant(whole, whole_said, meta, pairs)
            claimant_texts = _claimant_texts(whole, whole_said, claimant)
            loss = ("overlaps",)
    else:
        raise LineError("no \"label\" list and no Prodigy answer: not Prodigy or doccano JSONL")
    if label is not None:
        if not isinstance(label, str):
            raise LineError(f"label {label!r} is not a name")
        if scheme.get(label) is None:
            raise LineError(f"unknown label {label!r} (known: {', '.join(scheme.names)})")
    return ImportRow.from_meta(
        article_id=article_id,
        sentence_index=index,
        text=text,
        label=label,
        spans=spans,
        meta=meta,
        annotator=annotator,
        clear_label=cleared,
        span_loss=loss,
        # doccano's page may count UTF-16 units or grapheme clusters: read at the sentence
        tool_offsets=bool(said),
        span_texts=said,
        claimant=claimant,
        claimant_texts=claimant_texts,
    ), replaced


def _split_claimant(
    spans: tuple[tuple[int, int, str], ...],
    said: tuple[str | None, ...],
    meta: dict[str, Any],
    pairs: list[tuple[int, int]] | None = None,
) -> tuple[tuple[tuple[int, int, str], ...], tuple[str | None, ...], ImportedClaimant | None]:
    """doccano's spans without SOURCE and CUE, the texts they say (kept in step), and
    who claims the sentence (see :func:`~annotations.formats.claimant.take_claimant`)."""
    rest, claimant = take_claimant(spans, meta, pairs or ())
    if len(rest) != len(spans):
        said = tuple(t for t, span in zip(said, spans) if span[2] not in (SOURCE, CUE))
    return rest or (), said, claimant


def _claimant_texts(
    spans: tuple[tuple[int, int, str], ...], said: tuple[str | None, ...], claimant: ImportedClaimant | None
) -> tuple[str | None, str | None]:
    """The texts doccano says the record's chosen SOURCE and CUE hold (None: not said)."""
    if claimant is None:
        return None, None
    texts = {(start, end, label): text for (start, end, label), text in zip(spans, said)}
    source, cue = claimant
    return (
        texts.get((*source, SOURCE)) if source is not None else None,
        texts.get((*cue, CUE)) if cue is not None else None,
    )


def _entity_ids(raw: Any) -> list[Any]:
    """The ``id`` of each doccano entity (None for ``[start, end, LABEL]`` ones)."""
    return [entry.get("id") if isinstance(entry, dict) else None for entry in raw] if isinstance(raw, list) else []


def _doccano_relations(raw: Any) -> list[tuple[Any, Any]]:
    """doccano's ``relations`` (``{"from_id", "to_id", "type"}``) as ``(from, to)`` entity ids."""
    if not isinstance(raw, list):
        return []
    return [(r.get("from_id"), r.get("to_id")) for r in raw if isinstance(r, dict)]


def _prodigy_label(obj: dict[str, Any], store: Store) -> str | None:
    """The label of a Prodigy task; None leaves the stored one alone.

    The choice interface's ``accept`` is the truth (a top-level ``label`` may be a
    stale copy). ``ignore`` leaves the label alone, and so does ``reject``, which in
    Prodigy discards the example, except in the shape claimscope wrote before issue
    11 (``label: "none"``, ``answer: "reject"``, ``accept: []``).
    """
    answer = obj.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise LineError(f"unknown answer {answer!r} (expected accept, reject or ignore)")
    accept = obj.get("accept") or []
    raw_label = obj.get("label")
    if answer == "ignore":
        return None
    if answer == "accept" and accept:
        if not isinstance(accept, list) or not all(isinstance(x, str) for x in accept):
            raise LineError("\"accept\" must list label names")
        if len(accept) > 1:
            raise LineError(f"several labels {accept} for one sentence; claimscope keeps one")
        return accept[0]
    if isinstance(raw_label, str) and raw_label:
        return raw_label
    if answer == "reject":
        return _not_a_claim(store) if obj.get("_view_id") is None and "label" in obj else None
    raise LineError("accepted task without a label or accept list")


def _doccano_label(obj: dict[str, Any], meta: dict[str, Any]) -> tuple[str | None, bool, bool]:
    """The label of a doccano classification record, whether doccano changed it, and
    whether it was taken off there.

    claimscope writes the label three times: ``label`` (what a text-classification
    project reads and exports), ``cats`` (what an intent-detection project reads and
    exports) and ``meta.label`` (as exported). A project edits one of the two and
    keeps the other as metadata, so when ``label`` and ``cats`` disagree the edited
    one is the one that differs from ``meta.label``. Without ``meta.label`` (files
    from elsewhere, or claimscope before issue 11) a disagreement cannot be settled
    and the line is rejected. An empty list where ``meta.label`` has a label takes the
    label off (doccano's ``"label": []``), but only in a classification record (with
    ``cats`` or ``entities``): a sequence-labelling record's empty ``label`` lists no
    spans, and leaves the stored label alone.
    """
    raw_label, cats = obj.get("label"), obj.get("cats")
    exported = meta.get("label") if isinstance(meta.get("label"), str) else None
    fields = [_names(x) for x in (raw_label, cats) if isinstance(x, list)]
    if cats is not None and not isinstance(cats, list):
        raise LineError("\"cats\" must list label names")
    if len(fields) == 2 and fields[0] != fields[1]:
        as_exported = [exported] if exported else []
        edited = [names for names in fields if names != as_exported]
        if exported is None or len(edited) != 1:
            raise LineError(f"\"label\" {fields[0]} and \"cats\" {fields[1]} disagree")
        names = edited[0]
    else:
        names = fields[0]
    if not names:
        if exported and ("cats" in obj or "entities" in obj):
            return None, False, True  # taken off in doccano
        return exported or None, False, False  # a sequence-labelling record without spans
    return names[0], exported is not None and names[0] != exported, False


def _doccano_user(obj: dict[str, Any], from_file: str | None) -> str | None:
    """Who made a change in doccano: the record's own ``user``/``annotator`` name when
    it has one, else the user whose file it is (doccano 1.x exports a project without
    collaborative annotation as one ``<username>.jsonl`` per user, with doccano's
    ``id`` on each record); None (whoever imports) for ``all.jsonl`` or unknown."""
    for key in ("annotator", "user"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            return obj[key].strip()
    if from_file and isinstance(obj.get("id"), int) and not isinstance(obj.get("id"), bool):
        return from_file
    return None


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


def _parse_spans(raw: Any, text: str) -> tuple[tuple[int, int, str], ...]:
    """A Prodigy task's ``spans``: objects with ``start``, ``end``, ``label`` (offsets in
    ``str`` indices, as Python counts)."""
    if not isinstance(raw, list):
        raise LineError("spans must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise LineError("each span must be an object with start, end, label")
        start, end, label = entry.get("start"), entry.get("end"), entry.get("label")
        exact = entry.get("meta")
        if isinstance(exact, dict) and _exact_inside(exact, start, end):
            # claimscope's export widened the span to tokens; its true offsets are these
            start, end = exact["start"], exact["end"]
        _check_span(start, end, label, text)
        if end > len(text):
            raise LineError(
                f"span {start}-{end} is outside the sentence (it has {len(text)} characters)"
            )
        out.append((start, end, label))
    return tuple(out)


def _doccano_spans(raw: Any, text: str) -> tuple[tuple[tuple[int, int, str], ...], tuple[str | None, ...]]:
    """doccano's spans, ``[start, end, LABEL]`` or its export's ``{"start_offset",
    "end_offset", "label"}``, and the text each one says it holds (None: not said).

    The offsets are read against the sentence when it is found: doccano's page may have
    counted UTF-16 units or grapheme clusters (annotations/formats/offsets.py)."""
    if not isinstance(raw, list):
        raise LineError("spans must be a list")
    spans, said = [], []
    for entry in raw:
        says = None
        if isinstance(entry, dict):
            start, end, label = entry.get("start_offset"), entry.get("end_offset"), entry.get("label")
            says = entry.get("text") if isinstance(entry.get("text"), str) else None
        else:
            if not isinstance(entry, list) or len(entry) != 3:
                raise LineError("each span must be [start, end, LABEL]")
            start, end, label = entry
        _check_span(start, end, label, text)
        spans.append((start, end, label))
        said.append(says)
    return tuple(spans), tuple(said)


def _check_span(start: Any, end: Any, label: Any, text: str) -> None:
    """Whole-number offsets running forwards, and a label (the end is checked by the caller)."""
    if type(start) is not int or type(end) is not int:  # bool is an int too
        raise LineError(f"span offsets {start!r}-{end!r} are not whole numbers")
    if not 0 <= start < end:
        raise LineError(f"span {start}-{end} is outside the sentence (it has {len(text)} characters)")
    if not isinstance(label, str) or not label.strip():
        raise LineError(f"span {start}-{end} has no label")


def _exact_inside(exact: dict[str, Any], start: Any, end: Any) -> bool:
    """Whether a Prodigy span's ``meta`` holds exact offsets of its (token) ``start``-``end``:
    they overlap it (widening to tokens can also drop an edge space). A span moved
    away in Prodigy no longer overlaps them, and its own offsets count."""
    a, b = exact.get("start"), exact.get("end")
    return (
        type(a) is int and type(b) is int and type(start) is int and type(end) is int
        and a < b and a < end and start < b
    )
