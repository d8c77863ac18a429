"""Label Studio: tasks and a labeling config to import, and Label Studio's JSON export to read back.

``--format label-studio -o DIR`` writes two files:

- ``DIR/config.xml``: the labeling config, a ``<Text name="text">`` with ``<Labels
  name="spans">`` (every span label claimscope knows, plus any other in the export,
  ``SOURCE`` and ``CUE``), ``<Relations>`` (``attribution``, from a source to its cue)
  and ``<Choices name="claim">`` (the scheme's labels, one per sentence);
- ``DIR/tasks.json``: a JSON array, one task per line: ``data.text`` (the sentence)
  and ``data.meta`` (article id, sentence index, offsets, title, annotator,
  check-worthy, note and the exported ``label``); a reviewed sentence has one
  annotation whose ``result`` holds a ``choices`` result for its label and a
  ``labels`` result per span (``start``/``end`` in the sentence, ``text``,
  ``labels``); an unreviewed one has no annotation and its spans as a prediction.
  A sentence several annotators labelled is one task with an annotation each, and
  ``data.meta.annotations`` saying whose each is (see :func:`shared_task`).
  A figure's result also has ``meta`` with its reading (``value``, ``unit``,
  ``change``, ``counted``): the region's own metadata, which Label Studio keeps
  with the region; import ignores it.
  Who claims the sentence (annotations/formats/claimant.py): ``labels`` regions
  ``SOURCE`` (id ``source``) and ``CUE`` (id ``cue``) and Label Studio's relation result
  ``{"from_id": "source", "to_id": "cue", "type": "relation", "direction": "right",
  "labels": ["attribution"]}``; ``data.meta`` says ``claimant`` and ``attribution``.

Offsets are Python ``str`` indices, which is what Label Studio 1.x stores (code
points; older releases counted UTF-16 units, which the reader also accepts when the
span's ``text`` shows it: see annotations/formats/offsets.py). Overlapping spans are all
kept: Label Studio shows them.

Reading (``claimscope import PATH tasks.json``) takes Label Studio's "Export → JSON"
(or the file written here): per task the newest annotation that was not cancelled
(skipped); tasks without one change nothing. Its ``SOURCE``/``CUE`` regions, the pair a
relation ties where there are several, are the sentence's claimant (see
:func:`~annotations.formats.claimant.take_claimant`). The sentence is found by
``data.meta.article_id`` and the text; ``checkworthy`` and ``note`` come from
``data.meta``. The label's annotator is ``data.meta.annotator`` when the label is the
one exported, else the Label Studio user who made the annotation: the name ``--users``
gives its id, else the e-mail the export shows, else ``label-studio user N`` (listed in
the report, to be named). A task whose ``annotations`` is not a list of objects is
rejected by the line it starts on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence
from xml.sax.saxutils import quoteattr

from corpus.decoding import SURROGATE_ESCAPE, without_surrogates  # the reader's own rule
from corpus.readings import reading_json

from annotations.errors import ImportFileError
from annotations.formats.claimant import CUE, RELATION, SOURCE, related, take_claimant
from annotations.formats.conll import span_labels
from annotations.formats.jsonl import BATCH, dumps, json_str
from annotations.formats.parts import joining_array
from annotations.formats.registry import Format, WriteContext, register
from annotations.formats.offsets import character_offsets, converted
from annotations.formats.import_records import ImportOptions, ImportReport, ImportRow, LineError
from annotations.formats.rows import ExportRow
from annotations.scheme import Scheme

TASKS, CONFIG = "tasks.json", "config.xml"
#: The names tying results to the config: ``from_name`` of the label and the spans, ``to_name``.
CLAIM, SPANS, TEXT = "claim", "spans", "text"


def config_xml(scheme: Scheme, labels: Sequence[str]) -> str:
    """The labeling config: span ``labels`` over the text (``SOURCE`` and ``CUE`` too),
    the source-to-cue relation, and the scheme's labels as choices."""
    names = [*labels, *(name for name in (SOURCE, CUE) if name not in labels)]
    spans = "".join(f"    <Label value={quoteattr(name)}/>\n" for name in names)
    choices = "".join(f"    <Choice value={quoteattr(name)}/>\n" for name in scheme.names)
    return (
        "<View>\n"
        f'  <Labels name="{SPANS}" toName="{TEXT}">\n{spans}  </Labels>\n'
        f'  <Relations>\n    <Relation value="{RELATION}"/>\n  </Relations>\n'
        f'  <Text name="{TEXT}" value="$text"/>\n'
        f'  <Header value="Claim label"/>\n'
        f'  <Choices name="{CLAIM}" toName="{TEXT}" choice="single" showInline="true">\n'
        f"{choices}  </Choices>\n"
        "</View>\n"
    )


def task(row: ExportRow) -> dict[str, Any]:
    """The Label Studio task of ``row``."""
    meta: dict[str, Any] = {"annotator": row.annotator, "article_id": row.article_id}
    if row.claimant is not None:
        meta["attribution"] = row.claimant.how
    meta["checkworthy"] = row.checkworthy
    if row.claimant is not None:
        meta["claimant"] = row.claimant.name
    meta.update({
        "end": row.end,
        "label": row.label or "",
        "note": row.note,
        "sentence_index": row.sentence_index,
        "start": row.start,
        "title": row.title,
    })
    if row.source:  # an accepted suggestion, as in the JSONL formats' meta
        meta["source"] = row.source
    spans = [
        {
            "id": f"s{n}",
            "from_name": SPANS,
            "to_name": TEXT,
            "type": "labels",
            "value": {"start": s, "end": e, "text": row.text[s:e], "labels": [label]},
        }
        for n, (s, e, label) in enumerate(row.spans, start=1)
    ]
    if row.readings:
        for span, result in zip(row.spans, spans):
            reading = row.reading(span)
            if reading is not None:
                result["meta"] = reading_json(reading)  # the region's meta: kept by Label Studio
    spans.extend(json.loads(region) for region in _claimant_json(row))
    data = {"text": row.text, "meta": meta}
    if row.label is None:
        predictions = [{"model_version": "claimscope", "result": spans}] if spans else []
        return {"data": data, "annotations": [], "predictions": predictions}
    choice = {
        "id": CLAIM,
        "from_name": CLAIM,
        "to_name": TEXT,
        "type": "choices",
        "value": {"choices": [row.label]},
    }
    return {"data": data, "annotations": [{"result": [choice, *spans]}], "predictions": []}


def shared_task(rows: Sequence[ExportRow]) -> dict[str, Any]:
    """One task for a sentence several annotators labelled: one annotation each, in
    ``rows``' order (by annotator), as Label Studio keeps several annotators' work.

    Label Studio takes an annotation's ``completed_by`` only as one of its own users
    (an unknown one fails the whole import), and keeps nothing else of an imported
    annotation but its ``result``; so who made each annotation is in the task's data,
    which it keeps: ``data.meta.annotations`` lists, per annotation in order, its
    ``annotator``, ``label``, ``checkworthy`` and ``note``. The rest of ``data.meta``
    describes the last annotation, the one a reader that takes one annotation imports.
    """
    tasks = [task(row) for row in rows]
    merged = tasks[-1]
    merged["data"]["meta"]["annotations"] = [
        {"annotator": row.annotator, "label": row.label or "", "checkworthy": row.checkworthy, "note": row.note}
        for row in rows
    ]
    merged["annotations"] = [a for t in tasks for a in t["annotations"]]
    return merged


# The same JSON as ``dumps(task(row))`` / ``dumps(shared_task(rows))``, put together
# from pieces: one json.dumps per task was most of the time of a big export.
_CHOICE_HEAD = (
    f'{{"id": {json_str(CLAIM)}, "from_name": {json_str(CLAIM)}, "to_name": {json_str(TEXT)}, '
    '"type": "choices", "value": {"choices": ['
)
_SPAN_HEAD = f'"from_name": {json_str(SPANS)}, "to_name": {json_str(TEXT)}, "type": "labels", "value": {{"start": '


def _meta_json(row: ExportRow, tail: str = "") -> str:
    """``task(row)["data"]["meta"]`` as JSON; ``tail`` goes in before the closing brace."""
    source = f', "source": {json_str(row.source)}' if row.source else ""
    how = name = ""
    if row.claimant is not None:
        how = f'"attribution": "{row.claimant.how}", '
        name = f'"claimant": {json_str(row.claimant.name)}, '
    return (
        f'{{"annotator": {json_str(row.annotator)}, "article_id": {json_str(row.article_id)}, {how}'
        f'"checkworthy": {"true" if row.checkworthy else "false"}, {name}"end": {row.end}, '
        f'"label": {json_str(row.label or "")}, "note": {json_str(row.note)}, '
        f'"sentence_index": {row.sentence_index}, "start": {row.start}, '
        f'"title": {json_str(row.title)}{source}{tail}}}'
    )


def _spans_json(row: ExportRow) -> list[str]:
    """The span regions of ``task(row)`` as JSON, in order."""
    out = []
    text = row.text
    for n, span in enumerate(row.spans, start=1):
        s, e, label = span
        reading = row.reading(span) if row.readings else None
        meta = f', "meta": {dumps(reading_json(reading))}' if reading is not None else ""
        out.append(
            f'{{"id": "s{n}", {_SPAN_HEAD}{s}, "end": {e}, "text": {json_str(text[s:e])}, '
            f'"labels": [{json_str(label)}]}}{meta}}}'
        )
    out.extend(_claimant_json(row))
    return out


def _claimant_json(row: ExportRow) -> list[str]:
    """The source and cue of ``row`` as ``labels`` regions (ids ``source`` and ``cue``),
    and when it has both, Label Studio's relation result from the source to the cue."""
    claimant = row.claimant
    if claimant is None or (claimant.source is None and claimant.cue is None):
        return []
    text = row.text
    out = [
        f'{{"id": "{label.lower()}", {_SPAN_HEAD}{s}, "end": {e}, "text": {json_str(text[s:e])}, '
        f'"labels": ["{label}"]}}}}'
        for s, e, label in claimant.spans()
    ]
    if len(out) == 2:
        out.append(
            f'{{"from_id": "source", "to_id": "cue", "type": "relation", "direction": "right", '
            f'"labels": ["{RELATION}"]}}'
        )
    return out


def _annotation_json(row: ExportRow, spans: list[str]) -> str:
    """The one annotation of a labelled row's task, as JSON."""
    return f'{{"result": [{", ".join([f"{_CHOICE_HEAD}{json_str(row.label)}]}}}}", *spans])}]}}'


def task_json(rows: Sequence[ExportRow]) -> str:
    """``dumps(task(row))`` for one row, ``dumps(shared_task(rows))`` for several."""
    last = rows[-1]
    spans = _spans_json(last)
    tail = ""
    annotations = []
    if len(rows) > 1:
        tail = ', "annotations": [' + ", ".join([
            f'{{"annotator": {json_str(row.annotator)}, "label": {json_str(row.label or "")}, '
            f'"checkworthy": {"true" if row.checkworthy else "false"}, "note": {json_str(row.note)}}}'
            for row in rows
        ]) + "]"
        annotations = [_annotation_json(row, _spans_json(row)) for row in rows[:-1] if row.label is not None]
    if last.label is not None:
        annotations.append(_annotation_json(last, spans))
        predictions = "[]"
    else:
        predictions = f'[{{"model_version": "claimscope", "result": [{", ".join(spans)}]}}]' if spans else "[]"
    return (
        f'{{"data": {{"text": {json_str(last.text)}, "meta": {_meta_json(last, tail)}}}, '
        f'"annotations": [{", ".join(annotations)}], "predictions": {predictions}}}'
    )


def grouped_rows(rows: Sequence[ExportRow]) -> Iterator[Sequence[ExportRow]]:
    """The rows of each sentence (one task each; rows of one sentence are adjacent)."""
    at = 0
    while at < len(rows):
        row = rows[at]
        end = at + 1
        while (
            end < len(rows)
            and rows[end].sentence_index == row.sentence_index
            and rows[end].article_id == row.article_id
        ):
            end += 1
        yield rows[at:end]
        at = end


def grouped_tasks(rows: Sequence[ExportRow]) -> Iterator[tuple[dict[str, Any], int]]:
    """``(task, rows in it)``: one task per sentence (rows of one sentence are adjacent)."""
    for group in grouped_rows(rows):
        yield (task(group[0]) if len(group) == 1 else shared_task(group)), len(group)


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """``out/tasks.json`` and ``out/config.xml``; returns the number of tasks (one per
    sentence: several annotators' labels of it are annotations of one task)."""
    out.mkdir(exist_ok=True)
    written = 0
    with (out / TASKS).open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("[")
        batch: list[str] = []
        done = 0
        for group in grouped_rows(rows):
            batch.append(("," if written else "") + "\n" + task_json(group))
            written += 1
            done += len(group)
            if len(batch) == BATCH:
                fh.write("".join(batch))
                context.advance(done)
                batch, done = [], 0
        fh.write("".join(batch))
        context.advance(done)
        fh.write("\n]\n" if rows else "]\n")
    config = config_xml(context.scheme, span_labels(rows, context.whole))
    (out / CONFIG).write_text(config, encoding="utf-8", newline="\n")
    return written


# ------------------------------------------------------------------ reading


def sniff(path: Path, text: str) -> bool:
    """A JSON array of Label Studio tasks (objects with ``data``)."""
    head = text.lstrip()[:1000]
    return head.startswith("[") and (head[1:].lstrip()[:1] in ("", "]") or '"data"' in text)


def read(
    path: Path, text: str, scheme: Scheme, report: ImportReport, options: ImportOptions | None = None
) -> list[tuple[int, ImportRow]]:
    """The annotated tasks of a Label Studio JSON export, numbered by the line each starts on.

    ``options.users`` names Label Studio's bare user ids (``{"1": "alice"}``); ids left
    without a name are imported as ``label-studio user N`` and listed in ``report``.
    """
    out: list[tuple[int, ImportRow]] = []
    users = options.users if options is not None else {}
    surrogates = SURROGATE_ESCAPE.search(text) is not None
    # A task of several annotators is read as one task per annotation, numbered as the task.
    tasks = (
        (number, line, one)
        for number, (line, whole) in enumerate(_tasks(path, text), start=1)
        for one in per_annotation(whole)
    )
    for number, line, obj in tasks:
        report.lines += 1
        replaced = 0
        if surrogates:
            obj, replaced = without_surrogates(obj)
        try:
            row = _task_row(obj, scheme, report, line, number, users)
        except LineError as error:
            report.reject(line, str(error))
            continue
        if row is None:
            report.lines -= 1  # nothing annotated: not a record
            continue
        if replaced:
            report.warnings.append(
                f"line {line}: {replaced} lone surrogate escape(s) (\\ud800-\\udfff without a pair) "
                "read as U+FFFD"
            )
        out.append((line, row))
    return out


def per_annotation(obj: Any) -> list[Any]:
    """A task of several annotators (written by :func:`shared_task`) as one task per
    annotation, each with its annotator's ``data.meta``; any other task as it is.

    Only when ``data.meta.annotations`` still pairs with the annotations one to one
    (Label Studio exports them in the order they were imported); a task that gained
    or lost annotations in Label Studio is read as a whole.
    """
    data = obj.get("data") if isinstance(obj, dict) else None
    meta = data.get("meta") if isinstance(data, dict) else None
    whose = meta.get("annotations") if isinstance(meta, dict) else None
    annotations = obj.get("annotations")
    if (
        not isinstance(whose, list)
        or not isinstance(annotations, list)
        or len(whose) != len(annotations)
        or not all(isinstance(w, dict) for w in whose)
    ):
        return [obj]
    out = []
    for who, annotation in zip(whose, annotations):
        own = {k: v for k, v in meta.items() if k != "annotations"}
        own.update({k: who[k] for k in ("annotator", "label", "checkworthy", "note") if k in who})
        out.append({**obj, "data": {**data, "meta": own}, "annotations": [annotation]})
    return out


def _tasks(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """Each element of the top-level JSON array, with the line it starts on."""
    decoder = json.JSONDecoder()
    line, seen = 1, 0

    def skip(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    def broken(at: int, what: str) -> ImportFileError:
        row = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        return ImportFileError(
            f"{path} is not a Label Studio JSON export ({what} at line {row} column {column}); "
            "export the project again with Export -> JSON"
        )

    at = skip(0)
    if text[at : at + 1] != "[":
        raise broken(at, "expected a JSON array")
    at = skip(at + 1)
    if text[at : at + 1] == "]":
        return
    while True:
        try:
            obj, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            raise broken(error.pos, error.msg) from None
        except RecursionError:
            raise broken(at, "nested too deeply") from None
        line += text.count("\n", seen, at)
        seen = at
        yield line, obj
        at = skip(end)
        if text[at : at + 1] == ",":
            at = skip(at + 1)
        elif text[at : at + 1] == "]":
            return
        else:
            raise broken(at, "expected ',' or ']'")


def _task_row(
    obj: Any, scheme: Scheme, report: ImportReport, line: int, number: int, users: Mapping[str, str]
) -> ImportRow | None:
    """The record of task ``number`` (starting on ``line``); None when it holds no annotation
    to import."""
    if not isinstance(obj, dict) or not isinstance(obj.get("data"), dict):
        raise LineError("not a Label Studio task (no \"data\" object)")
    data = obj["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise LineError("no data.text string")
    meta = data.get("meta")
    meta = meta if isinstance(meta, dict) else data  # a project made elsewhere: fields in data
    article_id = meta.get("article_id")
    if not isinstance(article_id, str) or not article_id:
        raise LineError("no data.meta.article_id: cannot tell which article the sentence is from")
    annotations = [a for a in _annotations(obj, number) if not a.get("was_cancelled")]
    for at, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation.get("result"), list):
            raise LineError(f"annotation {at} of task {number} has no \"result\" list")
    if not annotations:
        return None
    # The newest (ISO 8601 times sort as text); the last one when they carry no times.
    chosen = max(enumerate(annotations), key=lambda p: (str(p[1].get("updated_at") or ""), p[0]))[1]
    label, spans, pairs = _result(chosen["result"], text, scheme, report, line)
    spans, claimant = take_claimant(spans, meta, pairs)
    name, bare = _user(chosen, users)
    if len(annotations) > 1:
        report.warnings.append(
            f"line {line}: {len(annotations)} annotations; the newest, by {name}, imported"
        )
    index = meta.get("sentence_index")
    exported = meta.get("label")
    if label == (exported or None):
        annotator = meta.get("annotator")
    else:
        annotator = name
        if bare is not None:
            report.unnamed_users.add(bare)
    return ImportRow.from_meta(
        article_id=article_id,
        sentence_index=index if type(index) is int else None,
        text=text,
        label=label,
        spans=spans,
        meta=meta,
        annotator=annotator,
        # An annotation without any region: its project may show no span labels at all.
        span_loss=() if spans else ("all",),
        claimant=claimant,
    )


def _annotations(obj: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """The task's ``annotations``: a list of objects (absent or null: none)."""
    annotations = obj.get("annotations")
    if annotations is None:
        return []
    if not isinstance(annotations, list):
        raise LineError(
            f"\"annotations\" of task {number} is {_kind(annotations)}, not a list; "
            "export the project again with Export -> JSON"
        )
    for at, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise LineError(f"annotation {at} of task {number} is {_kind(annotation)}, not an object")
    return annotations


def _kind(value: Any) -> str:
    """A JSON value's kind, as said to the user."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return "a list" if isinstance(value, list) else "null"


def _result(
    result: list[Any], text: str, scheme: Scheme, report: ImportReport, line: int
) -> tuple[str | None, tuple[tuple[int, int, str], ...], list[tuple[int, int]]]:
    """The claim label (None: no choice made), the spans of one annotation's results, and
    its relations as ``(span index, span index)`` pairs (from, to)."""
    choices: list[tuple[bool, list[Any]]] = []
    spans: list[tuple[int, int, str]] = []
    region_ids: list[Any] = []  # the result id of each span
    relations: list[tuple[Any, Any]] = []
    for item in result:
        if isinstance(item, dict) and item.get("type") == "relation":  # no "value": two region ids
            relations.append((item.get("from_id"), item.get("to_id")))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise LineError("a result without a \"value\" object")
        value, kind = item["value"], item.get("type")
        if kind == "choices":
            picked = value.get("choices")
            if not isinstance(picked, list):
                raise LineError("a choices result without a \"choices\" list")
            choices.append((item.get("from_name") == CLAIM, picked))
        elif kind == "labels":
            names = value.get("labels")
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise LineError("a labels result without label names")
            start, end = _offsets(value, text, report, line)
            spans.extend((start, end, name) for name in names)
            region_ids.extend(item.get("id") for _ in names)
    # The claim control when it is there; else the only choices control of the project.
    claim = [picked for is_claim, picked in choices if is_claim] or [picked for _, picked in choices]
    picked = [name for names in claim for name in names]
    if len(picked) > 1:
        raise LineError(f"several labels {picked} for one sentence; claimscope keeps one")
    label = picked[0] if picked else None
    if label is not None and (not isinstance(label, str) or scheme.get(label) is None):
        raise LineError(f"unknown label {label!r} (known: {', '.join(scheme.names)})")
    return label, tuple(spans), related(region_ids, relations)


def _offsets(value: dict[str, Any], text: str, report: ImportReport, line: int) -> tuple[int, int]:
    """A span's ``start``/``end`` as ``str`` indices, checked against its ``text``."""
    start, end, said = value.get("start"), value.get("end"), value.get("text")
    if type(start) is not int or type(end) is not int:
        raise LineError(f"span offsets {start!r}-{end!r} are not whole numbers")
    if isinstance(said, str) and text[start:end] != said:
        # Label Studio before 1.x's code-point fix counted UTF-16 units (an emoji is two).
        start, end, unit = character_offsets(text, start, end, said=said, tool="Label Studio")
        converted(report, line, unit)
    if not 0 <= start < end <= len(text):
        raise LineError(f"span {start}-{end} is outside the sentence (it has {len(text)} characters)")
    return start, end


def _user(annotation: dict[str, Any], users: Mapping[str, str]) -> tuple[str, str | None]:
    """Who made an annotation in Label Studio: the name ``users`` gives its user id, else
    the e-mail it shows, else ``label-studio user N``; and the bare id ``N`` when that
    is all there is (None otherwise)."""
    who = annotation.get("completed_by")
    uid = who.get("id") if isinstance(who, dict) else who
    if uid is not None and str(uid) in users:
        return users[str(uid)], None
    if isinstance(who, dict):
        for key in ("email", "username"):
            if isinstance(who.get(key), str) and who[key]:
                return who[key], None
    named = annotation.get("created_username")  # " ana@example.com, 1" in Label Studio's export
    if isinstance(named, str) and named.strip(" ,"):
        return (named.rsplit(",", 1)[0].strip() if "," in named else named.strip()), None
    return f"label-studio user {uid}", str(uid)


FORMAT = register(
    Format(
        "label-studio", write, "", "Label Studio tasks + config folder", folder=True,
        overlaps="all kept (Label Studio shows overlapping regions)", read=read, sniff=sniff,
        join=joining_array(TASKS),
    )
)
