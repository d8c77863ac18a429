"""Every export format through the tool that reads it (issue 11, "Interchange"): a proof, not a test.

    python benchmarks/interop.py [--label-studio-venv DIR] [--datasets-venv DIR]
        [--doccano-venv DIR] [--only CONSUMER ...] [--keep] [--quick]

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
  label changed through the API and imported (annotator: the Label Studio user);
- ``doccano`` and ``doccano-spans``: a doccano server from ``--doccano-venv`` on
  127.0.0.1 (web app and task worker), the files imported into a text-classification,
  an intent-detection and a sequence-labelling project through the REST API; each
  project's JSONL export imported back and exported again (compared byte for byte),
  then one label changed (one span taken off) through the API and imported.

A tool that is not there is a row saying ``not run: <why>``; pandas is used from
claimscope's own environment when no ``--datasets-venv`` is given and it imports there.
``--quick`` (CI) trains only the ner configuration, for 2 steps, and skips the textcat
and spancat ones, saying so; every export and every other consumer that is there runs.
The exit status is 1 when any consumer that ran failed. Set the environments
up with ``python -m venv DIR && DIR/bin/pip install label-studio`` (or ``datasets``,
or ``doccano==1.8.4 "marshmallow<4" "numpy<2"``: doccano 1.8.4's own ranges now let
in a marshmallow its environs cannot import and a numpy its pandas 1.5 cannot);
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
QUICK_STEPS = 2
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
             "hf-tokens": "hf", "label-studio": "ls", "brat": "brat",
             "doccano": "doccano.jsonl", "doccano-spans": "doccano-spans.jsonl"}
    for fmt, name in names.items():
        target = out / name
        proc = run([sys.executable, "-m", "tui.cli", "export", str(root), "-f", fmt, "-o", str(target)], cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"export {fmt} failed: {last_line(proc)}")
        made[fmt] = target
    return made


# ------------------------------------------------------------------ spaCy


def spacy_rows(files: dict[str, Path], work: Path, quick: bool = False) -> list[Row]:
    rows: list[Row] = []
    spacy = [sys.executable, "-m", "spacy"]
    steps = QUICK_STEPS if quick else STEPS
    if quick:
        rows.append(("spacy", "spacy textcat, spancat", "not run: --quick trains the ner configuration only"))
    for pipe in ("ner",) if quick else ("textcat", "ner", "spancat"):
        cfg = work / f"{pipe}.cfg"
        proc = run([*spacy, "init", "config", str(cfg), "--lang", "en", "--pipeline", pipe, "--force"])
        if proc.returncode != 0:
            rows.append(("spacy", f"spacy init config ({pipe})", f"failed: {last_line(proc)}"))
            continue
        rows.append(("spacy", f"spacy debug data ({pipe})", debug_data(cfg, files["spacy"])))
        rows.append(("spacy", f"spacy train {pipe} ({steps} steps)", train(cfg, files["spacy"], work / f"out-{pipe}", steps)))
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
    rows.append(("conll", f"spacy train ner ({steps} steps)", train(work / "ner.cfg", docbin, work / "out-conll", steps)))
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


def train(cfg: Path, data: Path, out: Path, steps: int = STEPS) -> str:
    proc = run([sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(out),
                "--paths.train", str(data), "--paths.dev", str(data),
                "--training.max_steps", str(steps), "--training.eval_frequency", str(min(10, steps))])
    if proc.returncode != 0:
        return f"failed: {last_line(proc)}"
    meta = json.loads((out / "model-last" / "meta.json").read_text())
    perf = {k: round(v, 3) for k, v in (meta.get("performance") or {}).items()
            if isinstance(v, float) and k.endswith(("_f", "_score", "macro_f"))}
    return f"ok: trained; {perf}"


# ------------------------------------------------------------ datasets, pandas


def venv_python(venv: Path | None, module: str) -> tuple[Path | None, str]:
    if venv is None:
        if run([sys.executable, "-c", f"import {module}"]).returncode == 0:
            return Path(sys.executable), ""  # claimscope's own environment has it (pandas, with the test extra)
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
print(f"ok: {len(df)} rows, labels {({k: int(v) for k, v in df['label'].value_counts().items()})}")
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


class Server:
    """REST servers on 127.0.0.1: commands started in their own process groups (stopped
    by :meth:`stop`), called with a token."""

    def __init__(self, data: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ""
        self.data = data
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []

    def start(self, command: list[str], log: str, env: dict[str, str]) -> None:
        self.logs.append((self.data / log).open("w"))
        self.procs.append(subprocess.Popen(command, stdout=self.logs[-1], stderr=subprocess.STDOUT,
                                           env=env, start_new_session=True, cwd=self.data))

    def wait(self, probe: Callable[[], Any], timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"{proc.args[0]} exited ({proc.returncode})")
            try:
                probe()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(2)
        raise RuntimeError(f"server not up after {timeout:.0f} s")

    def send(self, method: str, path: str, data: bytes | None = None,
             content_type: str = "application/json") -> bytes:
        headers = {"Content-Type": content_type}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        raw = self.send(method, path, None if body is None else json.dumps(body).encode("utf-8"))
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # the server and its workers, all ours
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        for log in self.logs:
            log.close()


class LabelStudio(Server):
    """A Label Studio server of ``venv``."""

    TOKEN = "claimscope-interop-token"

    def __init__(self, venv: Path, data: Path) -> None:
        super().__init__(data)
        self.token = self.TOKEN
        # No calls home: no check for a newer release, no usage analytics.
        env = {**os.environ, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
               "LABEL_STUDIO_BASE_DATA_DIR": str(data), "DJANGO_DB": "sqlite",
               "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false"}
        self.start(
            [str(venv / "bin" / "label-studio"), "start", "--no-browser", "--internal-host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(data), "--username", "interop@example.com",
             "--password", "interop-pass-1", "--user-token", self.TOKEN], "server.log", env)

    def up(self, timeout: float = 300) -> None:
        self.wait(lambda: self.call("GET", "/api/projects"), timeout)


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
        server.up()
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
        worked, summary = import_into(root, back, fresh)
        again = work / "ls-again"
        claimscope("export", str(root), "--store", str(fresh), "-f", "label-studio", "-o", str(again))
        same = (again / "tasks.json").read_bytes() == (folder / "tasks.json").read_bytes()
        rows.append(("label-studio", "claimscope import of Label Studio's JSON export",
                     f"{'ok' if worked and same else 'FAILED'}: {summary}; export again byte-identical: {same}"))
        # A label changed in Label Studio comes back by the Label Studio user: its bare id in
        # the export, named with --users ID=NAME (the e-mail the server gives for that id).
        before = csv_rows(root, fresh, work / "before-change.csv")
        task = next(t for t in exported if t["annotations"] and t["data"]["meta"]["label"] == "quantity")
        annotation = task["annotations"][0]
        result = [dict(r, value={"choices": ["prediction"]}) if r["type"] == "choices" else r for r in annotation["result"]]
        server.call("PATCH", f"/api/annotations/{annotation['id']}", {"result": result})
        exported = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON&download_all_tasks=true")
        back.write_text(json.dumps(exported, ensure_ascii=False, indent=2), encoding="utf-8")
        user = server.call("GET", "/api/current-user/whoami")
        worked, summary = import_into(root, back, fresh, "--users", f"{user['id']}={user['email']}")
        after = csv_rows(root, fresh, work / "after-change.csv")
        meta = task["data"]["meta"]
        rows.append(("label-studio", "label changed in Label Studio, imported",
                     one_new_label(before, after, (meta["article_id"], meta["sentence_index"], user["email"]),
                                   worked, summary)))
    except Exception as error:  # a row, not a traceback: the other rows still print
        rows.append(("label-studio", consumer, f"failed: {type(error).__name__}: {str(error)[:150]}"))
    finally:
        server.stop()
    return rows


# ------------------------------------------------------------------ doccano


class Doccano(Server):
    """A doccano server of ``venv``: its database set up in ``data``, its web app and its
    task worker (imports and exports run there)."""

    USER, PASSWORD = "admin", "interop-pass-1"

    def __init__(self, venv: Path, data: Path) -> None:
        super().__init__(data)
        self.venv = venv

    def up(self, timeout: float = 300) -> None:
        """Set up the database and the admin, start both processes, log in."""
        data, bin = self.data, self.venv / "bin"
        env = {**os.environ, "DOCCANO_HOME": str(data), "DATABASE_URL": f"sqlite:///{data}/db.sqlite3",
               "MEDIA_ROOT": str(data / "media"), "STANDALONE": "True",
               "DJANGO_SETTINGS_MODULE": "config.settings.production"}
        for step in (["init"], ["createuser", "--username", self.USER, "--password", self.PASSWORD]):
            proc = run([str(bin / "doccano"), *step], timeout=300, env=env, cwd=data)
            if proc.returncode != 0:
                raise RuntimeError(f"doccano {step[0]}: {last_line(proc)}")
        backend = run([str(bin / "python"), "-c", "import backend; print(backend.__path__[0])"]).stdout.strip()
        # `doccano webserver` binds 0.0.0.0; its gunicorn app runs here on 127.0.0.1 only
        self.start([str(bin / "gunicorn"), "--chdir", backend, "--bind", f"127.0.0.1:{self.port}",
                    "--workers", "2", "config.wsgi"], "web.log", env)
        self.start([str(bin / "doccano"), "task", "--concurrency", "1"], "task.log", env)

        def login() -> None:
            self.token = self.call("POST", "/v1/auth/login/", {"username": self.USER, "password": self.PASSWORD})["key"]

        self.wait(login, timeout)

    def task(self, task_id: str, timeout: float = 300) -> Any:
        """The result of doccano's background task ``task_id`` once it is done."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.call("GET", f"/v1/tasks/status/{task_id}")
            if status["error"]:
                raise RuntimeError(f"doccano task: {status['error']['text'][:150]}")
            if status["ready"]:
                return status["result"]
            time.sleep(1)
        raise RuntimeError(f"doccano task not done after {timeout:.0f} s")

    def upload(self, project: int, path: Path, task: str) -> list[Any]:
        """Import the JSONL file ``path`` as doccano's web page does; doccano's errors."""
        boundary = "claimscope-interop-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"filepond\"; "
                f"filename=\"{path.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        body += path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        upload_id = self.send("POST", "/v1/fp/process/", body, f"multipart/form-data; boundary={boundary}").decode()
        started = self.call("POST", f"/v1/projects/{project}/upload", {
            "uploadIds": [upload_id], "format": "JSONL", "task": task, "encoding": "utf_8",
            "column_data": "text", "column_label": "label"})
        return self.task(started["task_id"])["error"]

    def export(self, project: int, folder: Path) -> Path:
        """doccano's JSONL export of ``project``, unzipped into ``folder``: the admin's file."""
        started = self.call("POST", f"/v1/projects/{project}/download", {"format": "JSONL", "exportApproved": False})
        self.task(started["task_id"])
        archive = folder.with_suffix(".zip")
        archive.write_bytes(self.send("GET", f"/v1/projects/{project}/download?taskId={started['task_id']}"))
        shutil.unpack_archive(archive, folder)
        return folder / f"{self.USER}.jsonl"  # one file per member: a project without shared annotation

    def examples(self, project: int) -> list[dict[str, Any]]:
        return self.call("GET", f"/v1/projects/{project}/examples?limit=100000")["results"]

    def set_category(self, project: int, example: int, name: str) -> None:
        """Label ``example`` ``name`` as the admin (single-class: the old label goes)."""
        types = {t["text"]: t["id"] for t in self.call("GET", f"/v1/projects/{project}/category-types")}
        if name not in types:
            types[name] = self.call("POST", f"/v1/projects/{project}/category-types", {"text": name})["id"]
        self.call("POST", f"/v1/projects/{project}/examples/{example}/categories", {"label": types[name]})


#: format, doccano project type (task), its resource type, its options
DOCCANO_PROJECTS = (
    ("doccano", "DocumentClassification", "TextClassificationProject", {"single_class_classification": True}),
    ("doccano", "IntentDetectionAndSlotFilling", "IntentDetectionAndSlotFillingProject",
     {"single_class_classification": True}),
    ("doccano-spans", "SequenceLabeling", "SequenceLabelingProject", {"allow_overlapping": True}),
)


def doccano_rows(root: Path, files: dict[str, Path], venv: Path | None, work: Path) -> list[Row]:
    consumer = "doccano server (REST API)"
    if venv is None or not (venv / "bin" / "doccano").exists():
        return [("doccano", consumer, "not run: no --doccano-venv with doccano installed")]
    version = run([str(venv / "bin" / "python"), "-c",
                   "from importlib.metadata import version; print(version('doccano'))"]).stdout.strip()
    consumer = f"doccano {version} server (REST API)"
    data = work / "doccano-data"
    data.mkdir()
    rows: list[Row] = []
    server = Doccano(venv, data)
    try:
        started = time.monotonic()
        server.up()
        rows.append(("doccano", consumer, f"ok: up in {time.monotonic() - started:.0f} s (database, admin user, "
                     "web app, task worker)"))
        for fmt, task, resource, options in DOCCANO_PROJECTS:
            rows.extend(doccano_project(server, root, files[fmt], fmt, task, resource, options, work / task))
    except Exception as error:  # a row, not a traceback: the other rows still print
        rows.append(("doccano", consumer, f"failed: {type(error).__name__}: {str(error)[:150]}"))
    finally:
        server.stop()
    return rows


def doccano_project(server: Doccano, root: Path, exported: Path, fmt: str, task: str, resource: str,
                    options: dict[str, Any], work: Path) -> list[Row]:
    """``exported`` through one doccano project and back, then one edit made in doccano
    (a label changed, or for sequence labelling a span taken off) and imported."""
    work.mkdir()
    project = server.call("POST", "/v1/projects", {
        "name": f"claimscope {task}", "description": "claimscope interop", "project_type": task,
        "resourcetype": resource, "guideline": "", **options})["id"]
    errors = server.upload(project, exported, task)
    examples = server.examples(project)
    records = jsonl_records(exported)
    rows: list[Row] = [(fmt, f"doccano {task} project: import",
                        f"{'ok' if len(examples) == len(records) and not errors else 'FAILED'}: "
                        f"{len(examples)} examples from {len(records)} lines"
                        + (f", {len(errors)} errors: {json.dumps(errors[:2])[:100]}" if errors else ""))]
    fresh = work / "store"
    worked, summary = import_into(root, server.export(project, work / "export"), fresh)
    same, how = compare(exported, export_store(root, fresh, fmt, work / "again.jsonl"), task)
    rows.append((fmt, f"claimscope import of doccano's {task} export",
                 f"{'ok' if worked and same else 'FAILED'}: {summary}; {how}"))
    if fmt == "doccano":
        rows.append(changed_label(server, root, project, examples, fresh, task, work))
    else:
        rows.append(removed_span(server, root, project, examples, fresh, work))
    return rows


def changed_label(server: Doccano, root: Path, project: int, examples: list[dict[str, Any]], store: Path,
                  task: str, work: Path) -> Row:
    """A label changed in doccano comes back with the doccano user as annotator, the rest as it was."""
    before = csv_rows(root, store, work / "before.csv")
    example = next(e for e in examples if e["meta"]["meta"]["label"] == "quantity")
    server.set_category(project, example["id"], "prediction")
    worked, summary = import_into(root, server.export(project, work / "export-changed"), store)
    after = csv_rows(root, store, work / "after.csv")
    meta = example["meta"]["meta"]
    return ("doccano", f"label changed in doccano ({task}), imported",
            one_new_label(before, after, (meta["article_id"], meta["sentence_index"], server.USER), worked, summary))


def one_new_label(before: dict[RowKey, dict[str, str]], after: dict[RowKey, dict[str, str]], key: RowKey,
                  worked: bool, summary: str) -> str:
    """The result of an edit made in a tool: ``key`` (article, sentence, the tool's user) is
    the one CSV row that is new or changed, labelled prediction; every other row as it was."""
    changed = sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))
    row = after.get(key)
    good = worked and changed == [key] and row is not None and row["label"] == "prediction"
    label = f"label {row['label']!r} by {row['annotator']!r}" if row else f"no row by {key[2]!r}"
    return (f"{'ok' if good else 'FAILED'}: {summary}; {label}; "
            f"{len(changed)} of {len(after)} CSV rows new or changed: {changed[:3]}")


def removed_span(server: Doccano, root: Path, project: int, examples: list[dict[str, Any]], store: Path,
                 work: Path) -> Row:
    """A span taken off in doccano is gone after the import; nothing else changed.

    The span taken off overlaps no other: where spans overlap, a file from doccano cannot
    tell a span taken off from one a project without "allow overlapping" dropped, and
    import holds such a removal back until ``--accept-removals``."""
    before = jsonl_records(export_store(root, store, "doccano-spans", work / "before.jsonl"))

    def alone(span: dict[str, Any], spans: list[dict[str, Any]]) -> bool:
        return not any(o is not span and o["start_offset"] < span["end_offset"]
                       and span["start_offset"] < o["end_offset"] for o in spans)

    span = next(s for e in examples
                for spans in [server.call("GET", f"/v1/projects/{project}/examples/{e['id']}/spans")]
                for s in spans if alone(s, spans))
    server.send("DELETE", f"/v1/projects/{project}/examples/{span['example']}/spans/{span['id']}")
    worked, summary = import_into(root, server.export(project, work / "export-changed"), store)
    after = jsonl_records(export_store(root, store, "doccano-spans", work / "after.jsonl"))
    changed = [(a["label"], b["label"]) for a, b in zip(before, after) if a != b]
    gone = len(changed) == 1 and len(changed[0][1]) == len(changed[0][0]) - 1 and all(
        s in changed[0][0] for s in changed[0][1]
    ) and [s[:2] for s in changed[0][0] if s not in changed[0][1]] == [[span["start_offset"], span["end_offset"]]]
    return ("doccano-spans", "span taken off in doccano (SequenceLabeling), imported",
            f"{'ok' if worked and gone and len(after) == len(before) else 'FAILED'}: {summary}; span "
            f"{span['start_offset']}-{span['end_offset']} gone: {gone}; {len(changed)} of {len(after)} lines changed")


def jsonl_records(path: Path) -> list[dict[str, Any]]:
    # split on "\n" only: str.splitlines() would also split at a U+2028 inside a text
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def compare(first: Path, again: Path, task: str) -> tuple[bool, str]:
    """Whether exporting again gave ``first`` back, except for overlapping spans doccano
    dropped (a project keeps them only with "allow overlapping", which only sequence
    labelling has); what differed."""
    if again.read_bytes() == first.read_bytes():
        return True, "export again byte-identical"
    old, new = jsonl_records(first), jsonl_records(again)
    differ = [(a, b) for a, b in zip(old, new) if a != b]
    lost = 0
    for a, b in differ:
        key = "entities" if "entities" in a else "label"
        dropped = [s for s in a[key] if s not in b[key]]
        overlapping = all(any(o is not s and o[0] < s[1] and s[0] < o[1] for o in a[key]) for s in dropped)
        if {**a, key: None} != {**b, key: None} or any(s not in a[key] for s in b[key]) or not overlapping:
            return False, f"export again differs beyond overlapping spans, e.g. {json.dumps(a)[:60]}"
        lost += len(dropped)
    if len(old) != len(new):
        return False, f"export again has {len(new)} lines, not {len(old)}"
    return True, (f"export again byte-identical but for the {len(differ)} lines with overlapping spans: "
                  f"doccano dropped {lost} of them ({task} projects have no \"allow overlapping\")")


def export_store(root: Path, store: Path, fmt: str, out: Path) -> Path:
    claimscope("export", str(root), "--store", str(store), "-f", fmt, "-o", str(out))
    return out


def import_into(root: Path, path: Path, store: Path, *options: str) -> tuple[bool, str]:
    """``claimscope import`` of ``path`` into ``store``: whether it worked, its summary line."""
    proc = claimscope("import", str(root), str(path), "--store", str(store), *options)
    return proc.returncode == 0, next((l for l in proc.stderr.splitlines() if "imported," in l), last_line(proc)).strip()


#: What names one label record of a CSV export: article id, sentence index, annotator.
RowKey = tuple[str, int, str]


def csv_rows(root: Path, store: Path, out: Path) -> dict[RowKey, dict[str, str]]:
    """The rows of a CSV export of ``store``, by (article id, sentence index, annotator):
    every annotator's label of a sentence is a row of its own."""
    import csv as csv_lib

    with export_store(root, store, "csv", out).open(encoding="utf-8", newline="") as fh:
        rows: dict[RowKey, dict[str, str]] = {}
        for r in csv_lib.DictReader(fh):
            key = (r["article_id"], int(r["sentence_index"]), r["annotator"])
            if key in rows:
                raise RuntimeError(f"two CSV rows for {key}")
            rows[key] = r
        return rows


# --------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label-studio-venv", type=Path, default=Path("/tmp/interop-ls"))
    parser.add_argument("--datasets-venv", type=Path, default=Path("/tmp/interop-hf"))
    parser.add_argument("--doccano-venv", type=Path, default=Path("/tmp/interop-doccano"))
    parser.add_argument("--only", action="append", choices=STEPS_NAMES, metavar="CONSUMER",
                        help=f"run only these consumers ({', '.join(STEPS_NAMES)}); repeatable")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--quick", action="store_true", help=f"train ner only, {QUICK_STEPS} steps (CI)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="claimscope-interop-"))
    for name in ("CACHE", "DATA", "CONFIG"):  # never the user's own folders
        os.environ[f"CLAIMSCOPE_{name}_DIR"] = str(work / name.lower())

    def venv(path: Path) -> Path | None:
        return path if path.exists() else None

    try:
        root = make_corpus(work)
        (work / "exports").mkdir()
        files = export_all(root, work / "exports")
        rows: list[Row] = []
        steps: dict[str, Callable[[], list[Row]]] = {
            "spacy": lambda: spacy_rows(files, work, args.quick),
            "python": lambda: python_rows(files, venv(args.datasets_venv)),
            "label-studio": lambda: label_studio_rows(root, files, venv(args.label_studio_venv), work),
            "doccano": lambda: doccano_rows(root, files, venv(args.doccano_venv), work),
            "brat": lambda: [("brat", "brat / INCEpTION", "not run: brat is a Python 2 web app not on PyPI and "
                              "INCEpTION a Java server; offsets are checked against the .txt by tests/test_formats_new.py")],
            "prodigy": lambda: [("prodigy", "Prodigy", "not run: Prodigy is licensed software, not on a public registry")],
        }
        for name, step in steps.items():
            if not args.only or name in args.only:
                rows.extend(step())
        print_table(rows)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = [f"{fmt} ({consumer})" for fmt, consumer, result in rows if result.lower().startswith("failed")]
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


#: the consumers main() runs, in order (``python``: datasets and pandas)
STEPS_NAMES = ("spacy", "python", "label-studio", "doccano", "brat", "prodigy")


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
