"""The ids of the records of a JSONL file or a JSON list.

Ids are the path relative to the corpus root with ``/`` separators. A record of a
JSONL file or a JSON list adds ``#`` and a part that does not depend on where the
record sits, so labels stay on it when records are inserted, deleted or reordered:

* ``feed.jsonl#id:<value>`` when the record has its own id: the first of the fields
  :data:`ID_FIELDS` (``id``, ``_id``, ``uuid``, ``article_id``, ``doc_id``) that it
  has, a string or an integer (``7`` and ``"7"`` are the same id).
* ``feed.jsonl#t:<12 hex digits>`` otherwise: the start of the SHA-256 of the
  record's ``text`` (so it changes when the text does). A second record with the
  same text gets ``-2``, a third ``-3`` ..., in file order, with a warning.
* A record whose own id is already taken in the file (a duplicate) is known by its
  text instead, with a warning naming both lines: two records never share an id.
* Rows for records that could not be read are ``#line:N`` (JSONL, the true line
  number: lines end at ``\n`` only, never at U+2028 or U+0085 inside a string) or
  ``#record:N`` (the 1-based position in a JSON list). They hold no labels.

A JSON file holding one object has no ``#`` part. Ids never look like the ``#N``
line numbers of claimscope 0.1, so old store files are never mistaken for new ones
(``annotations/relocate.py`` moves them to the new ids by text).
"""

from __future__ import annotations

from typing import Any

from corpus.model import text_hash

#: Fields that hold a JSON record's own id, tried in this order.
ID_FIELDS = ("id", "_id", "uuid", "article_id", "doc_id")


class RecordIds:
    """Hands out the ids of the records of one file (see the module docstring)."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.taken: dict[str, str] = {}  # id -> where its record is ("line 3")

    def assign(self, value: dict[str, Any], text: str, place: str) -> tuple[str, tuple[str, ...]]:
        """The id of the record at ``place`` and warnings about how it was chosen."""
        warnings: list[str] = []
        own = None
        for name in ID_FIELDS:
            raw = value.get(name)
            if raw is None:
                continue
            if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip():
                warnings.append(
                    f'{place}: "{name}" is not a usable id (a string or an integer); '
                    "the record is known by its text"
                )
            else:
                own = f"{self.rel}#id:{raw}"
                if own in self.taken:
                    warnings.append(
                        f'{place}: "{name}" {str(raw)!r} is also the id of the record on '
                        f"{self.taken[own]}; this one is known by its text (give each record "
                        "its own id)"
                    )
                    own = None
            break
        if own is None:
            base = f"{self.rel}#t:{text_hash(text)[:12]}"
            own, copy = base, 1
            while own in self.taken:
                copy += 1
                own = f"{base}-{copy}"
            if copy > 1:
                warnings.append(
                    f"{place}: same text as the record on {self.taken[base]}; "
                    f"copy {copy} in file order"
                )
        self.taken[own] = place
        return own, tuple(warnings)
