"""Every benchmark in quick mode: does each still run to the end? (CI runs this.)

    python benchmarks/quick.py [NAME ...]

Runs each ``benchmarks/*.py`` (or only the NAMEs given, e.g. ``store tui``) with
``--quick`` in a child process of its own, one after the other, each with private
``CLAIMSCOPE_CACHE_DIR``/``DATA_DIR``/``CONFIG_DIR`` folders in a temporary folder and
this repository first on ``PYTHONPATH``. Quick mode means small sizes and no timing
targets: the figures printed mean little, but a benchmark that no longer runs (an API
it calls has moved, a check in it fails) fails here. One line per script: its exit
status and seconds, then any line of its output saying what it skipped and why (a tool
that is not installed); a failed script's last lines of output follow it. Exits 1 if any
script fails or runs longer than ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
#: What a script prints when it leaves a part out (and says why).
SKIP_LINE = re.compile(r"\b(skipped|not run:|not installed)", re.IGNORECASE)
TAIL = 25  # lines of a failed script's output shown


def scripts(names: list[str]) -> list[Path]:
    """The benchmark scripts to run: all of them but this one, or the ones named."""
    found = sorted(path for path in HERE.glob("*.py") if path.name != Path(__file__).name)
    if not names:
        return found
    by_name = {path.stem: path for path in found}
    unknown = [name for name in names if name.removesuffix(".py") not in by_name]
    if unknown:
        raise SystemExit(f"quick.py: no benchmark named {', '.join(unknown)} (known: {', '.join(by_name)})")
    return [by_name[name.removesuffix(".py")] for name in names]


def run_one(script: Path, timeout: float) -> tuple[int | None, float, str]:
    """(exit status or None on timeout, seconds, output) of ``script --quick`` in private folders."""
    with tempfile.TemporaryDirectory(prefix=f"claimscope-quick-{script.stem}-") as tmp:
        env = dict(os.environ)
        for name in ("CACHE", "DATA", "CONFIG"):
            env[f"CLAIMSCOPE_{name}_DIR"] = str(Path(tmp) / name.lower())
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
        env["COLUMNS"] = "160"
        began = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(script), "--quick"], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", timeout=timeout,
            )
        except subprocess.TimeoutExpired as expired:
            output = expired.stdout if isinstance(expired.stdout, str) else (expired.stdout or b"").decode("utf-8", "replace")
            return None, time.perf_counter() - began, output
        return done.returncode, time.perf_counter() - began, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these benchmarks (file names without .py)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a script may take (default 300)")
    args = parser.parse_args()
    chosen = scripts(args.names)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"benchmarks in quick mode: {len(chosen)} scripts; {os.cpu_count()} cores, load average {load}", flush=True)
    failed: list[str] = []
    began = time.perf_counter()
    width = max(len(script.name) for script in chosen)
    for script in chosen:
        status, seconds, output = run_one(script, args.timeout)
        ok = status == 0
        said = "ok" if ok else (f"TIMED OUT after {args.timeout:.0f} s" if status is None else f"FAILED (exit {status})")
        print(f"{script.name:<{width}}  {said:<10} {seconds:6.1f} s", flush=True)
        lines = [line.rstrip() for line in output.splitlines()]
        for line in lines:
            if SKIP_LINE.search(line):
                print(f"    {' '.join(line.replace('│', ' ').split())[:200]}")  # a table row as plain words
        if not ok:
            failed.append(script.name)
            for line in lines[-TAIL:]:
                print(f"    | {line}")
    total = time.perf_counter() - began
    print(f"{len(chosen) - len(failed)} of {len(chosen)} ran to the end in {total:.1f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
