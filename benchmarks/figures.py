"""Figure precision/recall: the plain spaCy model vs claimscope's figure layer, same run.

Gold figure spans live in ``benchmarks/figures_gold.json``:

* ``articles``: offsets + the short figure string for the real news articles in
  ``../shared/corpus`` (the article text itself is not stored here);
* ``dev``: short sentences the rules were tuned on;
* ``dev2``: short sentences written before the first rule; rules were later written
  for some of them (``4.2m``, ``by a fifth``, ``737 Max``), so they are development
  data too, not a blind test.

Both systems see the same text (the article body) through the same pipeline
(``corpus.models.load_nlp``: the lemmatizer is disabled for both). "Exact" needs the
same start and end; "lenient" counts any overlap. Dates are scored on the short
sentences (which carry date gold too); entities are compared with the model's own.

Readings: ``benchmarks/figure_readings_dev.jsonl`` holds sentences written by the
project (never copied from news), each with gold readings ``[start, end, surface,
value, unit]`` (figures, and durations such as ``48 hours`` that the reader shows as
dates) and gold dates. Reported beside the plain model, same run: span F1 of both
(lenient), claimscope's value F1 (a reading overlapping a gold one with the same
value, 0.5% tolerance) and value+unit F1 (the unit too), and date recall of both.
This is the development set. ``benchmarks/figure_readings_real.json`` holds gold
readings, hand-annotated by offset (the text is not stored; its sha256 is checked), for
the two real articles in ``../shared/corpus``; reported the same way, skipped when that
folder is absent. Those articles were read while the rules were written: development
data as well. Every figure this file prints is a development figure.

Quantities beside CQE: the gold sentence files of ``../shared/data/quantities`` (money,
dimensions, temperatures, ages) and ``benchmarks/quantities_own.json`` (sentences written
for this project, committed before the rules they test were changed) are run through the
real ``claimscope figures --json`` and through CQE 2.0.3, the best published quantity
extractor, in the same run, and both are scored by ``../shared/tools/quantity_eval.py``
(value F1, value + unit F1). CQE is GPL-3 and never a dependency of claimscope: it lives
in a virtual environment of its own (``--cqe-python``, env ``CQE_PYTHON``, default
``.cqe-venv/bin/python`` in the repository; ``../shared/data/quantities/SOURCES.md`` says
how to build it) and runs as a subprocess (``benchmarks/cqe_quantities.py``). Without
it, claimscope's lines are printed and CQE's say it is not installed.

Run: ``python benchmarks/figures.py [--only spans|readings|quantities] [--cqe-python PATH]``;
``--quick`` scores only the first 20 sentences of each quantity file (CI: does it still run?).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpus.analysis import Analyzer  # noqa: E402
from corpus.articles import read_file  # noqa: E402
from corpus.model import Article, kind_of  # noqa: E402
from corpus.models import load_nlp  # noqa: E402

GOLD = REPO / "benchmarks" / "figures_gold.json"
READINGS_DEV = REPO / "benchmarks" / "figure_readings_dev.jsonl"
READINGS_REAL = REPO / "benchmarks" / "figure_readings_real.json"
SHARED = REPO.parent / "shared" / "corpus"
QUANTITIES = REPO.parent / "shared" / "data" / "quantities"
QUANTITY_EVAL = REPO.parent / "shared" / "tools" / "quantity_eval.py"
#: (name shown, gold file): the development files of quantities scored beside CQE.
QUANTITY_FILES = (
    ("money", QUANTITIES / "currency-model.json"),
    ("dimensions", QUANTITIES / "dimension-model.json"),
    ("temperatures", QUANTITIES / "temperature-model.json"),
    ("ages", QUANTITIES / "age-model.json"),
    ("own", REPO / "benchmarks" / "quantities_own.json"),
)
CQE_RUNNER = REPO / "benchmarks" / "cqe_quantities.py"
#: Sentences whose bare number takes its unit from the context ("she weighs 120": pound-mass).
UNIT_SENTENCES = QUANTITIES / "unit-sentences.json"

Pair = tuple[int, int]


def score(predicted: list[Pair], gold: list[Pair], lenient: bool) -> tuple[int, int, int, int]:
    """(predicted correct, predicted, gold found, gold)."""

    def hit(a: Pair, b: Pair) -> bool:
        return a[0] < b[1] and b[0] < a[1] if lenient else a == b

    correct = sum(1 for p in predicted if any(hit(p, g) for g in gold))
    found = sum(1 for g in gold if any(hit(p, g) for p in predicted))
    return correct, len(predicted), found, len(gold)


def main() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as cache:
        analyzer = Analyzer(cache_dir=Path(cache))
        nlp = load_nlp(analyzer.model_name)

        # (set name, article, gold figures, gold dates or None)
        cases: list[tuple[str, Article, list[Pair], list[Pair] | None]] = []
        for group in ("dev", "dev2"):
            for n, item in enumerate(gold[group]):
                article = Article(id=f"{group}-{n}", path="", text=item["text"], title="")
                figures = [(s, e) for s, e, _ in item["figures"]]
                dates = [(s, e) for s, e, _ in item["dates"]]
                cases.append((group, article, figures, dates))
        if SHARED.is_dir():
            for name, item in gold["articles"].items():
                article = next(a for a in read_file(SHARED / name, SHARED) if isinstance(a, Article))
                for s, e, surface in item["figures"]:
                    assert article.text[s:e] == surface, (name, s, e, surface)
                cases.append(("real", article, [(s, e) for s, e, _ in item["figures"]], None))
        else:
            print(f"note: {SHARED} is absent; scoring the short sentences only")

        # set -> system -> mode -> [correct, predicted, found, gold]
        table: dict[str, dict[str, dict[str, list[int]]]] = {}
        dates: dict[str, list[int]] = {"model": [0, 0, 0, 0], "claimscope": [0, 0, 0, 0]}
        entity_same = entity_model = entity_ours = 0
        dates_dropped: list[str] = []  # model dates claimscope does not keep, on the real articles
        for group, article, gold_figures, gold_dates in cases:
            start, end = article.body
            doc = nlp(article.text[start:end])
            model_spans = [(e.start_char + start, e.end_char + start, e.label_) for e in doc.ents]
            ours = analyzer.analyze(article).spans
            predicted = {
                "model": [(s, e) for s, e, label in model_spans if kind_of(label) == "figure"],
                "claimscope": [(sp.start, sp.end) for sp in ours if sp.kind == "figure"],
            }
            for target in (group, "all"):
                for system, spans in predicted.items():
                    for mode in ("exact", "lenient"):
                        row = table.setdefault(target, {}).setdefault(system, {}).setdefault(mode, [0, 0, 0, 0])
                        for k, value in enumerate(score(spans, gold_figures, mode == "lenient")):
                            row[k] += value
            if gold_dates is not None:
                date_predicted = {
                    "model": [(s, e) for s, e, label in model_spans if kind_of(label) == "date"],
                    "claimscope": [(sp.start, sp.end) for sp in ours if sp.kind == "date"],
                }
                for system, spans in date_predicted.items():
                    for k, value in enumerate(score(spans, gold_dates, True)):
                        dates[system][k] += value
            if group == "real":
                ours_dates = {(sp.start, sp.end) for sp in ours if sp.kind == "date"}
                dates_dropped += [
                    f"{article.text[s:e]!r}->{next((sp.label for sp in ours if sp.start < e and s < sp.end), '-')}"
                    for s, e, label in model_spans
                    if kind_of(label) == "date" and (s, e) not in ours_dates
                ]
            model_entities = {(s, e, label) for s, e, label in model_spans if kind_of(label) == "entity"}
            our_entities = {(sp.start, sp.end, sp.label) for sp in ours if sp.kind == "entity"}
            entity_model += len(model_entities)
            entity_ours += len(our_entities)
            entity_same += len(model_entities & our_entities)

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:5.1f}" if b else "  n/a"

    print(f"figure spans, pipeline {analyzer.model_name} {analyzer.model_version}")
    print(f"{'set':<8} {'system':<11} {'mode':<8} {'P %':>6} {'R %':>6} {'F1 %':>6}  predicted  gold")
    for group in ("dev", "dev2", "real", "all"):
        if group not in table:
            continue
        for system in ("model", "claimscope"):
            for mode in ("exact", "lenient"):
                correct, predicted_n, found, gold_n = table[group][system][mode]
                p = correct / predicted_n if predicted_n else 0.0
                r = found / gold_n if gold_n else 0.0
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                print(
                    f"{group:<8} {system:<11} {mode:<8} {pct(correct, predicted_n):>6} {pct(found, gold_n):>6} "
                    f"{100 * f1:6.1f}  {predicted_n:>9}  {gold_n:>4}"
                )
    print("all = dev + dev2 + real: every set here is development data (rules were written for sentences of each)")
    for system, (correct, predicted_n, found, gold_n) in dates.items():
        print(
            f"dates (short sentences, lenient) {system:<11} P {pct(correct, predicted_n)}%  "
            f"R {pct(found, gold_n)}%  ({predicted_n} predicted, {gold_n} gold)"
        )
    if dates_dropped:
        print(f"model dates re-read by claimscope on the real articles: {', '.join(dates_dropped)}")
    print(
        f"entities: model {entity_model}, claimscope {entity_ours}, identical {entity_same} "
        "(claimscope drops an 'entity' that is just a number inside a figure, or trims a number off a name)"
    )


def same_value(a: object, b: object) -> bool:
    """Values equal within 0.5% (a range equals a range with both ends equal)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) == 2 and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1e-9)
    return False


def f1(correct: int, predicted: int, found: int, gold: int) -> tuple[float, float, float]:
    p = correct / predicted if predicted else 0.0
    r = found / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def readings_report(analyzer: Analyzer) -> None:
    """Span, value and value+unit F1 and date recall on the readings development set."""
    nlp = load_nlp(analyzer.model_name)
    items = [json.loads(line) for line in READINGS_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    tallies = {name: [0, 0, 0, 0] for name in ("model spans", "claimscope spans", "claimscope value", "claimscope value+unit")}
    date_found = {"model": 0, "claimscope": 0}
    date_gold = 0
    misses: list[str] = []
    for n, item in enumerate(items):
        text = item["text"]
        gold = [(s, e, value, unit) for s, e, _, value, unit in item["readings"]]
        doc = nlp(text)
        model = [(e.start_char, e.end_char) for e in doc.ents if kind_of(e.label_) == "figure"]
        model_dates = [(e.start_char, e.end_char) for e in doc.ents if kind_of(e.label_) == "date"]
        ours = analyzer.analyze(Article(id=f"readings-{n}", path="", text=text, title="")).spans
        read = [(sp.start, sp.end, sp.reading) for sp in ours if sp.reading is not None and sp.reading.value is not None]
        ours_figures = [(sp.start, sp.end) for sp in ours if sp.kind == "figure"]
        gold_pairs = [(s, e) for s, e, _, _ in gold]
        for name, spans in (("model spans", model), ("claimscope spans", ours_figures)):
            for k, value in enumerate(score(spans, gold_pairs, True)):
                tallies[name][k] += value

        misses += tally_readings(text, read, gold, tallies)
        gold_dates = [(s, e) for s, e, _ in item["dates"]]
        date_gold += len(gold_dates)
        ours_dates = [(sp.start, sp.end) for sp in ours if sp.kind == "date"]
        for system, spans in (("model", model_dates), ("claimscope", ours_dates)):
            date_found[system] += score(spans, gold_dates, True)[2]
    print()
    print(f"readings development set ({len(items)} sentences written by the project; not a blind test)")
    print_tallies(tallies)
    print("targets (issue 18) on news nobody here has read: value F1 >= 94, value+unit F1 >= 88")
    for system, found in date_found.items():
        print(f"dates (lenient recall) {system:<11} {100 * found / date_gold if date_gold else 0:5.1f}%  ({found}/{date_gold})")
    if misses:
        print(f"gold readings missed: {', '.join(misses)}")


def tally_readings(text: str, read: list, gold: list, tallies: dict[str, list[int]]) -> list[str]:
    """Add value and value+unit counts for one text; return the gold readings missed (value+unit)."""

    def hit(p: tuple, g: tuple, unit: bool) -> bool:
        return p[0] < g[1] and g[0] < p[1] and same_value(p[2].value, g[2]) and (not unit or p[2].unit == g[3])

    for name, unit in (("claimscope value", False), ("claimscope value+unit", True)):
        row = tallies[name]
        row[0] += sum(1 for p in read if any(hit(p, g, unit) for g in gold))
        row[1] += len(read)
        row[2] += sum(1 for g in gold if any(hit(p, g, unit) for p in read))
        row[3] += len(gold)
    return [f"{text[g[0]:g[1]]!r}={g[2]} {g[3]}" for g in gold if not any(hit(p, g, True) for p in read)]


def print_tallies(tallies: dict[str, list[int]]) -> None:
    print(f"{'what':<24} {'P %':>6} {'R %':>6} {'F1 %':>6}  predicted  gold")
    for name, (correct, predicted_n, found, gold_n) in tallies.items():
        p, r, f = f1(correct, predicted_n, found, gold_n)
        print(f"{name:<24} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}  {predicted_n:>9}  {gold_n:>4}")
    print("(the plain model's spans have no values: its span F1 is the most it could reach)")


def real_readings_report(analyzer: Analyzer) -> None:
    """Span, value and value+unit F1 on the two real articles, gold by offset in figure_readings_real.json."""
    print()
    if not SHARED.is_dir():
        print(f"real-news readings: skipped, {SHARED} is absent (the gold stores offsets, not the text)")
        return
    nlp = load_nlp(analyzer.model_name)
    tallies = {name: [0, 0, 0, 0] for name in ("model spans", "claimscope spans", "claimscope value", "claimscope value+unit")}
    misses: list[str] = []
    wrong: list[str] = []  # claimscope readings over no gold figure, or with another value/unit
    for item in json.loads(READINGS_REAL.read_text(encoding="utf-8"))["articles"]:
        path = SHARED / item["file"]
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != item["sha256"]:
            print(f"real-news readings: skipped {item['file']}, missing or changed (sha256 differs from the gold)")
            continue
        article = next(a for a in read_file(path, SHARED) if isinstance(a, Article))
        text = article.text
        gold = [(g["start"], g["end"], g["value"], g["unit"]) for g in item["figures"]]
        start, end = article.body
        doc = nlp(text[start:end])
        model = [(e.start_char + start, e.end_char + start) for e in doc.ents if kind_of(e.label_) == "figure"]
        ours = analyzer.analyze(article).spans
        read = [(sp.start, sp.end, sp.reading) for sp in ours if sp.reading is not None and sp.reading.value is not None]
        gold_pairs = [(s, e) for s, e, _, _ in gold]
        for name, spans in (("model spans", model), ("claimscope spans", [(sp.start, sp.end) for sp in ours if sp.kind == "figure"])):
            for k, value in enumerate(score(spans, gold_pairs, True)):
                tallies[name][k] += value
        misses += tally_readings(text, read, gold, tallies)
        wrong += [
            f"{text[s:e]!r}={r.value} {r.unit}"
            for s, e, r in read
            if not any(s < ge and gs < e and same_value(r.value, gv) and r.unit == gu for gs, ge, gv, gu in gold)
        ]
    n = sum(row[3] for row in tallies.values()) // len(tallies)
    print(f"real-news readings ({n} figures hand-annotated in the 2 articles of {SHARED})")
    print("note: real news, but development data: these articles were read while the rules were written")
    print_tallies(tallies)
    if misses:
        print(f"gold readings missed: {', '.join(misses)}")
    if wrong:
        print(f"readings not in the gold: {', '.join(wrong)}")


def quantities_report(cqe_python: Path, limit: int | None = None) -> None:
    """claimscope and CQE on each quantity development file, same run, scored by quantity_eval.py;
    ``limit``: only the first sentences of each file (a quick run)."""
    print()
    files = [(name, path) for name, path in QUANTITY_FILES if path.is_file()]
    if not QUANTITY_EVAL.is_file() or not files:
        print(f"quantities: skipped, {QUANTITY_EVAL} or the gold files of {QUANTITIES} are absent")
        return
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "sentences"
        folder.mkdir()
        units = UNIT_SENTENCES if UNIT_SENTENCES.is_file() else None
        if limit is not None:  # the gold files cut to their first sentences, scored as a whole file
            cut = Path(work) / "gold"
            cut.mkdir()
            for path in (*(path for _, path in files), *([units] if units else [])):
                items = json.loads(path.read_text(encoding="utf-8"))[:limit]
                (cut / path.name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
            files = [(name, cut / path.name) for name, path in files]
            units = cut / units.name if units else None
            print(f"quick run: the first {limit} sentences of each file")
        sources = [*files, *([("units", units)] if units else [])]
        for name, gold in sources:
            with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as out:
                for n, item in enumerate(json.loads(gold.read_text(encoding="utf-8"))):
                    out.write(json.dumps({"id": f"q{n}", "text": item["text"]}, ensure_ascii=False) + "\n")
        env = dict(os.environ, CLAIMSCOPE_CACHE_DIR=str(Path(work) / "cache"))
        command = [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())", "figures", "--json"]
        ours = subprocess.run([*command, str(folder)], env=env, capture_output=True, text=True, check=True)
        found: dict[str, dict[str, list]] = {"claimscope": {}, "CQE": {}}
        for item in json.loads(ours.stdout):
            found["claimscope"].setdefault(item["article"].split("#", 1)[0], []).append(item)
        cqe_note = ""
        if not cqe_python.is_file():
            cqe_note = f"CQE is not installed at {cqe_python} (build it as ../shared/data/quantities/SOURCES.md says; --cqe-python)"
        else:
            locale = cqe_python.parent.parent / "locale"
            cqe_env = dict(os.environ, LOCPATH=os.environ.get("CQE_LOCPATH", str(locale)))
            cqe_env.pop("PYTHONPATH", None)
            paths = [str(folder / f"{name}.jsonl") for name, _ in sources]
            run = subprocess.run([str(cqe_python), str(CQE_RUNNER), *paths], env=cqe_env, capture_output=True, text=True)
            if run.returncode != 0:
                last = (run.stderr.strip().splitlines() or ["no output"])[-1]
                cqe_note = f"CQE failed to run ({cqe_python}): {last}"
            else:
                found["CQE"] = json.loads(run.stdout)
        print("quantities beside CQE, same run, scored by quantity_eval.py (F1 %)")
        print(f"{'file':<14} {'sentences':>9} {'gold':>5}  {'CQE value':>9} {'CQE v+u':>8}  {'ours value':>10} {'ours v+u':>9}")
        for name, gold in files:
            cells = {}
            for system in ("CQE", "claimscope"):
                if system == "CQE" and cqe_note:
                    cells[system] = ("  -", "  -")
                    continue
                predicted = Path(work) / f"{system}-{name}.json"
                predicted.write_text(json.dumps(found[system].get(f"{name}.jsonl", [])), encoding="utf-8")
                scored = subprocess.run(
                    [sys.executable, str(QUANTITY_EVAL), str(gold), str(predicted)], capture_output=True, text=True, check=True
                ).stdout.split()
                cells[system] = (f"{100 * float(scored[0]):.1f}", f"{100 * float(scored[1]):.1f}")
                gold_n = int(scored[3])
            sentences = len(json.loads(gold.read_text(encoding="utf-8")))
            print(
                f"{name:<14} {sentences:>9} {gold_n:>5}  {cells['CQE'][0]:>9} {cells['CQE'][1]:>8}  "
                f"{cells['claimscope'][0]:>10} {cells['claimscope'][1]:>9}"
            )
        if cqe_note:
            print(cqe_note)
        print("own = benchmarks/quantities_own.json, sentences written for claimscope (development data too)")
        if units:
            units_from_context(found, cqe_note, units)


#: ISO 4217 codes claimscope writes whose names ``quantity_eval.py`` has no alias for: the
#: second share of the unit sentences counts them as their names (the first, as scored, does not).
ISO_NAMES = {"AMD": "armenian dram", "ZAR": "south african rand", "HRK": "croatian kuna",
             "CHF": "swiss franc", "MXN": "mexican peso", "NZD": "new zealand dollar"}


def unit_half(text: str) -> str:
    """``A`` or ``B``: a fixed split of the unit sentences by a hash of their text. Unit cues
    (``corpus/unit_context.py``) were written looking at half A only; half B is the cleaner
    measure (still development data)."""
    return "A" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def units_from_context(found: dict[str, dict[str, list]], cqe_note: str, units: Path) -> None:
    """Share of the unit sentences where a figure found carries the gold unit (quantity_eval's
    unit match), on the whole file and on each half of :func:`unit_half`."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("quantity_eval", QUANTITY_EVAL)
    assert spec is not None and spec.loader is not None
    measure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(measure)
    gold = json.loads(units.read_text(encoding="utf-8"))
    halves = [unit_half(item["text"]) for item in gold]

    def named(unit: object) -> object:
        return ISO_NAMES.get(unit, unit) if isinstance(unit, str) else unit

    print(f"units from context ({len(gold):,} sentences; share with a figure of the gold unit, %)")
    print(f"{'system':<11} {'scoring':<22} {'all':>6} {'half A':>7} {'half B':>7}")
    for system in ("CQE", "claimscope"):
        if system == "CQE" and cqe_note:
            print(f"{system:<11} {'-':<22}")
            continue
        by_sentence: dict[int, list] = {}
        for item in found[system].get("units.jsonl", []):
            by_sentence.setdefault(int(item["article"].rsplit(":q", 1)[-1]), []).append(item)
        for scoring, name in (("as scored", lambda u: u), ("ISO codes named", named)):
            hits = {"A": 0, "B": 0}
            for n, item in enumerate(gold):
                if any(measure.unit_ok(item["unit"], name(p.get("unit"))) for p in by_sentence.get(n, [])):
                    hits[halves[n]] += 1
            sizes = {half: halves.count(half) for half in "AB"}
            cells = [100 * (hits["A"] + hits["B"]) / len(gold)] + [100 * hits[h] / sizes[h] if sizes[h] else 0.0 for h in "AB"]
            print(f"{system:<11} {scoring:<22} {cells[0]:6.1f} {cells[1]:7.1f} {cells[2]:7.1f}")
    print(
        f"half A ({halves.count('A')} sentences): the unit cues were written looking at these; half B "
        f"({halves.count('B')}): not looked at, a cleaner measure but still development data"
    )
    print("'ISO codes named': AMD, ZAR, HRK, CHF, MXN, NZD counted as their names (quantity_eval.py has no alias for them)")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="figure spans, readings and quantities beside the plain model and CQE")
    parser.add_argument("--only", choices=("spans", "readings", "quantities"), help="run one part")
    parser.add_argument("--quick", action="store_true", help="quantities: 20 sentences a file (CI: does it still run?)")
    parser.add_argument(
        "--cqe-python",
        type=Path,
        default=Path(os.environ.get("CQE_PYTHON", REPO / ".cqe-venv" / "bin" / "python")),
        help="the Python of the separate CQE environment (env CQE_PYTHON)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    _args = arguments()
    if _args.only in (None, "spans"):
        main()
    if _args.only in (None, "readings"):
        with tempfile.TemporaryDirectory() as _cache:
            _analyzer = Analyzer(cache_dir=Path(_cache))
            readings_report(_analyzer)
            real_readings_report(_analyzer)
    if _args.only in (None, "quantities"):
        quantities_report(_args.cqe_python, limit=20 if _args.quick else None)
