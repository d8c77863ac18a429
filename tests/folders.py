"""Folders a test cannot write to: a read-only bind mount where this machine allows it."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make ``folder`` read-only for the block: a read-only bind mount, else chmod.

    Yields how it was done; skips (saying why) when neither stops writes.
    """
    if mount("--bind", str(folder), str(folder)):
        try:
            if not mount("-o", "remount,bind,ro", str(folder)):
                pytest.skip("a bind mount was possible but not a read-only remount")
            yield "read-only bind mount"
        finally:
            subprocess.run(["umount", str(folder)], capture_output=True)
        return
    if os.geteuid() == 0:
        pytest.skip("cannot mount here and root writes through chmod: no read-only folder")
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(0o555)
    try:
        yield "chmod"
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
