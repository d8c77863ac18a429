"""Schema versions of article files, and the steps that bring old files up to date.

Each step takes the parsed JSON of one article file at version N and returns it at
version N+1. ``migrate_article_data`` runs the steps needed; the store runs it on
open (after backing the store up) and writes the results, and read-only readers
run it in memory.

Version 0 is the layout before schema numbers existed: one TinyDB ``_default``
table of ``{"article", "sentence", "text", "label", "annotator", "time"}`` records.
Version 1 (current) has ``meta`` (with ``schema``), ``labels``, ``orphans``, ``spans``.

The store as a whole has its own version in ``store.json`` (:data:`STORE_SCHEMA`):
store schema 1 kept every annotator's labels in one ``articles/`` folder (a second
annotator's label replaced the first); store schema 2 keeps one shard per annotator
(``annotators/<name>/articles/``). :func:`split_by_annotator` cuts an article file of
the old layout into one file per annotator.
"""

from __future__ import annotations

from typing import Any, Callable

from annotations.errors import StoreError

CURRENT_SCHEMA = 1
#: the layout version written to ``store.json`` (2: one shard per annotator)
STORE_SCHEMA = 2


def file_schema(data: dict[str, Any]) -> int:
    """The schema version of a parsed article file (0 when it has no ``meta.schema``)."""
    meta = data.get("meta")
    if isinstance(meta, dict) and meta:
        first = meta[min(meta, key=lambda k: int(k))]
        if isinstance(first, dict) and isinstance(first.get("schema"), int):
            return first["schema"]
    return 0


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    records = [data["_default"][k] for k in sorted(data.get("_default", {}), key=int)]
    article_id = next((str(r["article"]) for r in records if r.get("article")), "")
    if not article_id:
        raise ValueError("no article id in any record")
    labels: dict[str, Any] = {}
    orphans: dict[str, Any] = {}
    for r in records:
        index = int(r["sentence"])
        record = {
            "annotator": str(r.get("annotator", "")),
            "article_hash": "",  # unknown: re-anchoring checks every label by text
            "article_id": article_id,
            "checkworthy": bool(r.get("checkworthy", False)),
            "created": str(r.get("time", "")),
            "end": -1,
            "label": r.get("label"),
            "note": str(r.get("note", "")),
            "orphan": False,
            "sentence_index": index,
            "start": -1,
            "text": str(r.get("text", "")),
            "updated": str(r.get("time", "")),
        }
        key = str(index + 1)
        if key in labels:  # two records for one sentence: keep the later as an orphan
            record["orphan"] = True
            orphans[str(len(orphans) + 1)] = record
        else:
            labels[key] = record
    meta = {"article_hash": "", "article_id": article_id, "schema": 1, "sentences": 0, "title": ""}
    return {"labels": labels, "meta": {"1": meta}, "orphans": orphans, "spans": {}}


#: version N -> the step from N to N+1
STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1}


def migrate_article_data(data: Any, *, source: str) -> dict[str, Any]:
    """``data`` brought to :data:`CURRENT_SCHEMA` (the same object when already current)."""
    from annotations.errors import CorruptStoreFileError

    if not isinstance(data, dict):
        raise CorruptStoreFileError(
            f"store file {source} does not hold a JSON object; it was left untouched: "
            "repair it or move it away, then reopen"
        )
    version = file_schema(data)
    if version > CURRENT_SCHEMA:
        raise StoreError(
            f"store file {source} has schema {version}, newer than this claimscope knows "
            f"({CURRENT_SCHEMA}); upgrade claimscope"
        )
    while version < CURRENT_SCHEMA:
        try:
            data = STEPS[version](data)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise CorruptStoreFileError(
                f"store file {source} cannot be migrated from schema {version} ({error}); "
                "it was left untouched: repair it or move it away"
            ) from None
        version += 1
    return data


def split_by_annotator(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A current-schema article file cut into one file per annotator (by each record's
    ``annotator``); every other table (``meta``, and any a newer module adds) is copied
    to each. An article file with no record gives ``{}``."""
    per: dict[str, dict[str, dict[str, Any]]] = {}
    for table in ("labels", "orphans", "spans"):
        docs = data.get(table) or {}
        for key in sorted(docs, key=int):
            record = docs[key]
            tables = per.setdefault(str(record.get("annotator", "")), {})
            rows = tables.setdefault(table, {})
            # Sentence labels keep their doc id (sentence index + 1); the others are renumbered.
            rows[key if table == "labels" else str(len(rows) + 1)] = record
    out: dict[str, dict[str, Any]] = {}
    for annotator, tables in per.items():
        copy = {name: value for name, value in data.items() if name not in ("labels", "orphans", "spans")}
        for table in ("labels", "orphans", "spans"):
            copy[table] = tables.get(table, {})
        out[annotator] = copy
    return out
