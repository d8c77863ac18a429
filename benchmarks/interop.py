"""Every export format through the tool that reads it (issue 11, "Interchange"): a proof, not a test.

    python benchmarks/interop.py [--label-studio-venv DIR] [--datasets-venv DIR] [--keep]

Labels the bundled sample corpus plus one article with CRLF, an emoji, U+2028 and
overlapping spans (every sentence gets a label by a simple rule, so each class has
examples), exports it with the real ``claimscope export`` command, then runs:

- ``spacy`` DocBin: ``spacy debug data`` and ``spacy train`` (20 steps) with a
  textcat, an ner and a spancat config from ``spacy init config``;
- ``conll``: ``spacy convert -c ner``, then ``spacy train`` ner (20 steps);
- ``hf-tokens``: ``datasets.load_dataset("json")`` plus a ``ClassLabel`` cast of
  ``ner_tags`` from ``tags.json``, in the virtual environment ``--datasets-venv``;
- ``csv``: ``pandas.read_csv`` in the same environment (pandas comes with datasets);
- ``label-studio``: a Label Studio server from ``--label-studio-venv`` on 127.0.0.1:
  a project made with ``config.xml`` and ``tasks.json`` through the REST API, its JSON
  export imported back (then exported again: byte-identical ``tasks.json``), then one
  label changed through the API and imported (annotator: the Label Studio user).

A tool that is not there is a row saying ``not run: <why>``. Set the environments
up with ``python -m venv DIR && DIR/bin/pip install label-studio`` (or ``datasets``);
they stay out of claimscope's own dependencies. Servers are stopped on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRICKY = (
    "Prices in May\r\n\r\n"
    "Prices rose by 5% in May\r\naccording to officials \U0001F600 today.\r\n\r\n"
    "The bank said rates\u2028would rise to 3% next year.\r\n\r\n"
    "Nobody knows why this happened at all.\r\n"
)
STEPS = 20
Row = tuple[str, str, str]


def run(command: list[str], timeout: float = 900, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


def last_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [l.strip() for l in (proc.stderr + "\n" + proc.stdout).splitlines() if l.strip()]
    errors = [l for l in lines if "Error" in l or "✘" in l or "E0" in l or "E1" in l]
    return (errors or lines or ["(no output)"])[-1][:160]


# ------------------------------------------------------------------ corpus


def make_corpus(work: Path) -> Path:
    """The sample corpus plus the tricky article, every sentence labelled, spans corrected."""
    from annotations.store import Store
    from corpus.analysis import Analyzer
    from corpus.articles import load_corpus, sample_corpus_path

    root = work / "corpus"
    shutil.copytree(sample_corpus_path(), root, ignore=shutil.ignore_patterns(".claimscope"))
    (root / "tricky.txt").write_bytes(TRICKY.encode("utf-8"))
    corpus = load_corpus(root)
    analyzer = Analyzer()
    with Store.open(corpus.root, annotator="ana") as store:
        for article in corpus.articles:
            analysis = analyzer.analyze(article)
            doc = store.article(article, analysis.sentences)
            with doc.batch():
                for i, seg in enumerate(analysis.sentences):
                    text = article.text[seg.start : seg.end]
                    figures = [s for s in analysis.spans if seg.start <= s.start and s.end <= seg.end and s.kind == "figure"]
                    if any(w in text for w in (" will ", " would ", " expect", " forecast")):
                        doc.set_label(i, "prediction")
                    elif figures:
                        doc.set_label(i, "quantity")
                    else:
                        doc.set_label(i, "none")
                    for span in figures[:1]:  # a wider span over the figure: an overlap
                        before = article.text.rfind(" ", seg.start, span.start - 1)
                        if before > seg.start:
                            doc.add_span(before + 1, span.end, "CLAIM_FIGURE")
    return root


def export_all(root: Path, out: Path) -> dict[str, Path]:
    """Each format written by the real CLI; format -> what it wrote."""
    made = {}
    names = {"spacy": "labels.spacy", "conll": "labels.conll", "csv": "labels.csv",
             "hf-tokens": "hf", "label-studio": "ls", "brat": "brat"}
    for fmt, name in names.items():
        target = out / name
        proc = run([sys.executable, "-m", "tui.cli", "export", str(root), "-f", fmt, "-o", str(target)], cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"export {fmt} failed: {last_line(proc)}")
        made[fmt] = target
    return made


# ------------------------------------------------------------------ spaCy


def spacy_rows(files: dict[str, Path], work: Path) -> list[Row]:
    rows: list[Row] = []
    spacy = [sys.executable, "-m", "spacy"]
    for pipe in ("textcat", "ner", "spancat"):
        cfg = work / f"{pipe}.cfg"
        proc = run([*spacy, "init", "config", str(cfg), "--lang", "en", "--pipeline", pipe, "--force"])
        if proc.returncode != 0:
            rows.append(("spacy", f"spacy init config ({pipe})", f"failed: {last_line(proc)}"))
            continue
        rows.append(("spacy", f"spacy debug data ({pipe})", debug_data(cfg, files["spacy"])))
        rows.append(("spacy", f"spacy train {pipe} ({STEPS} steps)", train(cfg, files["spacy"], work / f"out-{pipe}")))
    # CoNLL through spaCy's own converter, then an ner model on it
    converted = work / "conll-docbin"
    converted.mkdir()
    proc = run([*spacy, "convert", "-c", "ner", "-n", "0", str(files["conll"]), str(converted)])
    if proc.returncode != 0:
        rows.append(("conll", "spacy convert -c ner", f"failed: {last_line(proc)}"))
        return rows
    from spacy.tokens import DocBin
    import spacy as spacy_lib

    (docbin,) = converted.glob("*.spacy")
    docs = list(DocBin().from_disk(docbin).get_docs(spacy_lib.blank("en").vocab))
    ents = sum(len(d.ents) for d in docs)
    sents = sum(len(list(d.sents)) for d in docs)
    rows.append(("conll", "spacy convert -c ner", f"ok: {len(docs)} docs, {sents} sentences, {ents} entities"))
    rows.append(("conll", f"spacy train ner ({STEPS} steps)", train(work / "ner.cfg", docbin, work / "out-conll")))
    return rows


#: spaCy's size check, about the amount of data rather than its format.
SMALL = "Low number of examples"


def debug_data(cfg: Path, data: Path) -> str:
    proc = run([sys.executable, "-m", "spacy", "debug", "data", str(cfg),
                "--paths.train", str(data), "--paths.dev", str(data)], env={**os.environ, "NO_COLOR": "1"})
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", l).strip() for l in proc.stdout.splitlines()]
    passed = next((l for l in lines if "checks passed" in l), "")
    errors = [l for l in lines if l.startswith("✘") and not re.match(r"✘ \d+ errors?$", l)]
    if proc.returncode not in (0, 1) or not passed:
        return f"failed: {last_line(proc)}"
    if any(SMALL not in l for l in errors):
        return "failed: " + "; ".join(errors)[:150]
    return f"ok: {passed}" + (f"; only {errors[0][2:]}" if errors else "")


def train(cfg: Path, data: Path, out: Path) -> str:
    proc = run([sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(out),
                "--paths.train", str(data), "--paths.dev", str(data),
                "--training.max_steps", str(STEPS), "--training.eval_frequency", "10"])
    if proc.returncode != 0:
        return f"failed: {last_line(proc)}"
    meta = json.loads((out / "model-last" / "meta.json").read_text())
    perf = {k: round(v, 3) for k, v in (meta.get("performance") or {}).items()
            if isinstance(v, float) and k.endswith(("_f", "_score", "macro_f"))}
    return f"ok: trained; {perf}"


# ------------------------------------------------------------ datasets, pandas


def venv_python(venv: Path | None, module: str) -> tuple[Path | None, str]:
    if venv is None:
        return None, f"not run: no --datasets-venv (a venv with {module} installed)"
    python = venv / "bin" / "python"
    if not python.exists() or run([str(python), "-c", f"import {module}"]).returncode != 0:
        return None, f"not run: {module} does not import in {venv}"
    return python, ""


HF_CHECK = """
import json, sys
from datasets import ClassLabel, Sequence, load_dataset
folder = sys.argv[1]
tags = json.load(open(folder + "/tags.json"))
ds = load_dataset("json", data_files=folder + "/train.jsonl", split="train")
ds = ds.cast_column("ner_tags", Sequence(ClassLabel(names=tags)))
assert all(len(r["tokens"]) == len(r["ner_tags"]) for r in ds)
tagged = sum(1 for r in ds for t in r["ner_tags"] if t)
print(f"ok: {ds.num_rows} rows, {len(tags)} tags, {tagged} tagged tokens, features {list(ds.features)}")
"""

CSV_CHECK = """
import sys, pandas
df = pandas.read_csv(sys.argv[1], keep_default_na=False)
assert list(df.columns)[:3] == ["article_id", "title", "sentence_index"]
print(f"ok: {len(df)} rows, labels {dict(df['label'].value_counts())}")
"""


def python_rows(files: dict[str, Path], venv: Path | None) -> list[Row]:
    rows: list[Row] = []
    for fmt, consumer, module, script in (
        ("hf-tokens", 'datasets.load_dataset("json")', "datasets", HF_CHECK),
        ("csv", "pandas.read_csv", "pandas", CSV_CHECK),
    ):
        python, why = venv_python(venv, module)
        if python is None:
            rows.append((fmt, consumer, why))
            continue
        proc = run([str(python), "-c", script, str(files[fmt])], env={**os.environ, "HF_DATASETS_OFFLINE": "1"})
        rows.append((fmt, consumer, proc.stdout.strip()[:200] if proc.returncode == 0 else f"failed: {last_line(proc)}"))
    return rows


# ------------------------------------------------------------- Label Studio


class LabelStudio:
    """A Label Studio server of ``venv`` on 127.0.0.1, stopped by :meth:`stop`."""

    TOKEN = "claimscope-interop-token"

    def __init__(self, venv: Path, data: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
               "LABEL_STUDIO_BASE_DATA_DIR": str(data), "DJANGO_DB": "sqlite"}
        self.log = (data / "server.log").open("w")
        self.proc = subprocess.Popen(
            [str(venv / "bin" / "label-studio"), "start", "--no-browser", "--internal-host", "127.0.0.1",
             "--port", str(port), "--data-dir", str(data), "--username", "interop@example.com",
             "--password", "interop-pass-1", "--user-token", self.TOKEN],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=data,
        )

    def wait(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode})")
            try:
                self.call("GET", "/api/projects")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(2)
        raise RuntimeError(f"server not up after {timeout:.0f} s")

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Token {self.TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server and its workers, all ours
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def claimscope(*args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT)


def label_studio_rows(root: Path, files: dict[str, Path], venv: Path | None, work: Path) -> list[Row]:
    consumer = "Label Studio server (REST API)"
    if venv is None or not (venv / "bin" / "label-studio").exists():
        return [("label-studio", consumer, "not run: no --label-studio-venv with label-studio installed")]
    version = run([str(venv / "bin" / "python"), "-c", "import label_studio; print(label_studio.__version__)"]).stdout.strip()
    consumer = f"Label Studio {version} server (REST API)"
    data = work / "ls-data"
    data.mkdir()
    server = LabelStudio(venv, data)
    rows: list[Row] = []
    try:
        started = time.monotonic()
        server.wait()
        up = time.monotonic() - started
        folder = files["label-studio"]
        tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
        project = server.call("POST", "/api/projects", {
            "title": "claimscope interop", "label_config": (folder / "config.xml").read_text(encoding="utf-8")})
        rows.append(("label-studio", consumer, f"ok: up in {up:.0f} s; config.xml accepted as the project's labeling config"))
        imported = server.call("POST", f"/api/projects/{project['id']}/import", tasks)
        exported = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON&download_all_tasks=true")
        done = sum(1 for t in exported if t.get("annotations"))
        rows.append(("label-studio", f"{consumer}: import tasks.json",
                     f"ok: {imported.get('task_count')} tasks, {imported.get('annotation_count')} annotations; export gives {len(exported)} tasks ({done} annotated)"))
        back = work / "ls-export.json"
        back.write_text(json.dumps(exported, ensure_ascii=False, indent=2), encoding="utf-8")
        fresh = work / "fresh-store"
        proc = claimscope("import", str(root), str(back), "--store", str(fresh))
        summary = next((l for l in proc.stderr.splitlines() if "imported," in l), last_line(proc))
        again = work / "ls-again"
        claimscope("export", str(root), "--store", str(fresh), "-f", "label-studio", "-o", str(again))
        same = (again / "tasks.json").read_bytes() == (folder / "tasks.json").read_bytes()
        rows.append(("label-studio", "claimscope import of Label Studio's JSON export",
                     f"{'ok' if proc.returncode == 0 and same else 'FAILED'}: {summary.strip()}; "
                     f"export again byte-identical: {same}"))
        # A label changed in Label Studio comes back with the Label Studio user as annotator.
        task = next(t for t in exported if t["annotations"] and t["data"]["meta"]["label"] == "quantity")
        annotation = task["annotations"][0]
        result = [dict(r, value={"choices": ["prediction"]}) if r["type"] == "choices" else r for r in annotation["result"]]
        server.call("PATCH", f"/api/annotations/{annotation['id']}", {"result": result})
        exported = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON&download_all_tasks=true")
        back.write_text(json.dumps(exported, ensure_ascii=False, indent=2), encoding="utf-8")
        proc = claimscope("import", str(root), str(back), "--store", str(fresh))
        summary = next((l for l in proc.stderr.splitlines() if "imported," in l), last_line(proc))
        csv_out = work / "after-change.csv"
        claimscope("export", str(root), "--store", str(fresh), "-f", "csv", "-o", str(csv_out))
        meta = task["data"]["meta"]
        import csv as csv_lib

        with csv_out.open(encoding="utf-8", newline="") as fh:
            row = next(r for r in csv_lib.DictReader(fh)
                       if r["article_id"] == meta["article_id"] and int(r["sentence_index"]) == meta["sentence_index"])
        rows.append(("label-studio", "label changed in Label Studio, imported",
                     f"{'ok' if row['label'] == 'prediction' else 'FAILED'}: {summary.strip()}; "
                     f"label {row['label']!r} by {row['annotator']!r}"))
    except Exception as error:  # a row, not a traceback: the other rows still print
        rows.append(("label-studio", consumer, f"failed: {type(error).__name__}: {str(error)[:150]}"))
    finally:
        server.stop()
    return rows


# --------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label-studio-venv", type=Path, default=Path("/tmp/interop-ls"))
    parser.add_argument("--datasets-venv", type=Path, default=Path("/tmp/interop-hf"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="claimscope-interop-"))
    for name in ("CACHE", "DATA", "CONFIG"):  # never the user's own folders
        os.environ[f"CLAIMSCOPE_{name}_DIR"] = str(work / name.lower())
    try:
        root = make_corpus(work)
        (work / "exports").mkdir()
        files = export_all(root, work / "exports")
        rows: list[Row] = []
        steps: list[Callable[[], list[Row]]] = [
            lambda: spacy_rows(files, work),
            lambda: python_rows(files, args.datasets_venv if args.datasets_venv.exists() else None),
            lambda: label_studio_rows(root, files, args.label_studio_venv if args.label_studio_venv.exists() else None, work),
            lambda: [("brat", "brat / INCEpTION", "not run: brat is a Python 2 web app not on PyPI and "
                      "INCEpTION a Java server; offsets are checked against the .txt by tests/test_formats_new.py")],
            lambda: [("prodigy", "Prodigy", "not run: Prodigy is licensed software, not on a public registry")],
        ]
        for step in steps:
            rows.extend(step())
        print_table(rows)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("format", "consumer", "result", show_lines=False)
    for fmt, consumer, result in rows:
        table.add_row(Text(fmt), Text(consumer), Text(result))  # tool output is not markup
    Console(width=200).print(table)


if __name__ == "__main__":
    sys.exit(main())
