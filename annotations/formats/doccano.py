"""doccano JSONL, two formats.

- ``doccano``: ``{"text", "label": [name], "entities": [[s, e, L]], "cats": [name], "meta"}``:
  doccano's text-classification import reads ``label`` (and keeps the rest as
  metadata), its intent-detection/slot-filling import reads ``cats`` + ``entities``.
  ``meta.label`` keeps the label as exported: after a round trip through doccano
  the field doccano edited is the one that differs from it (see
  ``annotations.importing``).
- ``doccano-spans``: doccano sequence-labelling JSONL, ``{"text", "label": [[s, e, L]], "meta"}``.

Who claims the sentence (annotations/formats/claimant.py): ``SOURCE`` and ``CUE``
entities (in ``doccano``, objects with ids and a ``relations`` list tying the source to
the cue, as doccano's relation projects import and export them; in ``doccano-spans``
two more ``[s, e, L]`` spans), and ``meta.claimant``, ``meta.attribution`` (``found``,
``corrected``, ``outlet``). Import reads them back as the reader's correction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from annotations.formats.claimant import CUE, RELATION, SOURCE, with_claimant
from annotations.formats.jsonl import json_str, meta_json, spans_json, write_jsonl
from annotations.formats.parts import append_part
from annotations.formats.registry import Format, WriteContext, register
from annotations.formats.rows import ExportRow


def doccano_line(row: ExportRow) -> str:
    """One doccano JSONL line: ``{"text", "label": [name], "entities": [[s, e, L]], "cats": [name], "meta"}``.

    ``label`` is what doccano's text-classification import reads; ``entities`` +
    ``cats`` what its intent-detection (classification + spans) import reads.
    """
    names = f"[{json_str(row.label)}]" if row.label else "[]"
    entities, relations = _with_claimant(row)
    return (
        f'{{"text": {json_str(row.text)}, "label": {names}, "entities": {entities}, '
        f'"cats": {names}, {relations}"meta": {meta_json(row, with_label=True)}}}'
    )


def _with_claimant(row: ExportRow) -> tuple[str, str]:
    """The ``entities`` list, and the ``"relations": [...], `` piece ("" without a claimant).

    The source and cue are entities as doccano's relation projects import them, objects
    with an ``id`` (``{"id", "start_offset", "end_offset", "label"}``; ids count within
    the line), and a relation ``{"id", "from_id", "to_id", "type": "attribution"}`` ties
    the source to its cue; the other spans stay ``[start, end, LABEL]`` (doccano reads both).
    """
    claimant = row.claimant
    if claimant is None or (claimant.source is None and claimant.cue is None):
        return spans_json(row.spans), ""
    parts = [f"[{s}, {e}, {json_str(label)}]" for s, e, label in row.spans]
    ids = {}
    for n, (s, e, label) in enumerate(claimant.spans(), start=1):
        ids[label] = n
        parts.append(f'{{"id": {n}, "start_offset": {s}, "end_offset": {e}, "label": "{label}"}}')
    relations = ""
    if len(ids) == 2:
        relations = f'"relations": [{{"id": 1, "from_id": {ids[SOURCE]}, "to_id": {ids[CUE]}, "type": "{RELATION}"}}], '
    return "[" + ", ".join(parts) + "]", relations


def doccano_spans_line(row: ExportRow) -> str:
    """A doccano sequence-labelling line; the claim label rides in ``meta.label``."""
    meta = meta_json(row, with_label=True)
    return f'{{"text": {json_str(row.text)}, "label": {spans_json(with_claimant(row))}, "meta": {meta}}}'


def doccano_record(row: ExportRow) -> dict[str, Any]:
    """The ``doccano`` record of ``row`` as a dict."""
    return json.loads(doccano_line(row))


def doccano_spans_record(row: ExportRow) -> dict[str, Any]:
    """The ``doccano-spans`` record of ``row`` as a dict."""
    return json.loads(doccano_spans_line(row))


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The ``doccano`` file."""
    return write_jsonl(map(doccano_line, rows), out, context.advance)


def write_spans(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """The ``doccano-spans`` file."""
    return write_jsonl(map(doccano_spans_line, rows), out, context.advance)


_OVERLAPS = (
    "written as they are; doccano's import keeps overlapping spans only in a project "
    "with \"Allow overlapping spans\" ticked, and drops them silently otherwise"
)
FORMAT = register(
    Format(
        "doccano", write, ".jsonl", "doccano (classification) JSONL", overlaps=_OVERLAPS, join=append_part,
        whole_needed=False,
    )
)
SPANS_FORMAT = register(
    Format(
        "doccano-spans", write_spans, ".jsonl", "doccano-spans (sequence labelling) JSONL",
        overlaps=_OVERLAPS, join=append_part, whole_needed=False,
    )
)
