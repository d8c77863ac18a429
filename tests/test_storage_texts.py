"""The store's file writer reuses the text of unchanged documents and still writes
exactly what `dump_json` writes, whatever the documents hold."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.storage import AtomicJSONStorage, DocumentTexts, dump_json

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, -0.0, 1.0, 2.5, 1e300]),
    st.text(alphabet="aé\u202e\"\\\n\U0001f600", max_size=4),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab1Z"), inner, max_size=3), max_leaves=8)
ids = st.sampled_from(["1", "2", "10"])
files = st.dictionaries(st.sampled_from(["labels", "meta", "spans"]), st.dictionaries(ids, values, max_size=3), max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(files, min_size=1, max_size=6))
def test_every_write_is_byte_identical_to_dump_json(versions: list[dict]) -> None:
    # One writer over a run of versions of a file: reused texts must never be stale,
    # also when a value turns from 1 into True or 1.0, or from 0.0 into -0.0.
    texts = DocumentTexts()
    for data in versions:
        assert texts.dump(data) == dump_json(data)


def test_a_changed_label_is_written_and_the_rest_reused(tmp_path: Path) -> None:
    record = {"label": "quantity", "checkworthy": False, "note": "", "start": 0, "end": 9, "text": "Rents rose."}
    data = {"labels": {str(i): dict(record, start=i) for i in range(1, 400)}, "meta": {"1": {"schema": 1}}}
    storage = AtomicJSONStorage(tmp_path / "a.json")
    storage.write(data)
    first = storage._texts._kept[("labels", "5")]
    again = json.loads(json.dumps(data))  # what TinyDB hands over next: a fresh parse
    again["labels"]["7"]["label"] = "none"
    again["labels"]["8"]["checkworthy"] = 0  # equal to False, but another text
    storage.write(again)
    raw = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert raw == dump_json(again)
    assert storage._texts._kept[("labels", "5")] is first  # unchanged: its text was reused
    assert storage._texts._kept[("labels", "7")] is not first
    assert '"checkworthy": 0' in raw and json.loads(raw)["labels"]["7"]["label"] == "none"
    # A document that is gone is forgotten.
    del again["labels"]["9"]
    storage.write(again)
    assert ("labels", "9") not in storage._texts._kept
