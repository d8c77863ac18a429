"""Joining the parts of an export written by two processes (see
:mod:`annotations.export_halves`): each part is what the format's writer wrote for
its articles, and the join makes of them, byte for byte, what one writer would have
written for all the rows. A format names its way in ``Format.join``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from annotations.errors import ExportError
from annotations.formats.jsonl import append_file
from annotations.formats.registry import Joiner


def append_part(out: Path, part: Path) -> None:
    """A file of lines (or of per-article blocks) with no header: ``part`` goes after ``out``."""
    _append(out, part, 0)


def append_after_header(out: Path, part: Path) -> None:
    """A file whose first line is a header (CSV): ``part`` without its header goes after ``out``."""
    with part.open("rb") as src:
        head = src.read(1 << 16)
    end = head.find(b"\n")
    if end < 0:
        raise ExportError(f"cannot join {part.name}: its header line is not whole")
    _append(out, part, end + 1)


def appending(name: str) -> Joiner:
    """For a folder format: the file ``name`` of the part goes after the same file of the
    output (the folder's other files are the same in both parts)."""

    def join(out: Path, part: Path) -> None:
        append_part(out / name, part / name)

    return join


def joining_array(name: str) -> Joiner:
    """For a folder whose file ``name`` is a JSON array written one element a line, as
    ``[\\n{...},\\n{...}\\n]\\n`` (``[]\\n`` when empty): the part's elements go after
    the output's, inside one array."""

    def join(out: Path, part: Path) -> None:
        target, source = out / name, part / name
        with source.open("rb") as src:
            empty = src.read(3) == b"[]\n" and not src.read(1)
        if empty:
            return
        with target.open("r+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(size - 3, 0))
            tail = fh.read()
            if size == 3 and tail == b"[]\n":  # nothing before: the part is the whole array
                fh.seek(0)
                fh.truncate()
                _append_open(fh, source, 0)
                return
            if tail != b"\n]\n":
                raise ExportError(f"cannot join {name}: it does not end its array as written")
            fh.seek(size - 3)
            fh.truncate()
            fh.write(b",")
            _append_open(fh, source, 1)  # after the part's "["

    return join


def moving_files(*same: str) -> Joiner:
    """For a folder of files per article: the part's files move into the output, but
    those named in ``same`` (written alike by both parts)."""

    def join(out: Path, part: Path) -> None:
        for entry in sorted(os.scandir(part), key=lambda e: e.name):
            if entry.name in same:
                continue
            target = out / entry.name
            if target.exists():
                raise ExportError(f"cannot join the parts of {out.name}: both wrote {entry.name}")
            os.rename(entry.path, target)

    return join


def _append(out: Path, part: Path, skip: int) -> None:
    with out.open("r+b") as fh:
        fh.seek(0, os.SEEK_END)
        _append_open(fh, part, skip)


def _append_open(fh: BinaryIO, part: Path, skip: int) -> None:
    # unbuffered: append_file copies from the descriptor's own position
    with part.open("rb", buffering=0) as src:
        src.seek(skip)
        append_file(src, fh)
