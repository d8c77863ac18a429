"""Writing JSON lines fast: JSON put together from pieces, batched writes, and an
optional second writer process for the big CPU-bound formats.

The pieces give the same JSON that ``json.dumps(record, ensure_ascii=False)`` gives
for the same dict (keys in the order written).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Sequence

from annotations.errors import ExportError
from annotations.formats.claimant import NOBODY
from annotations.formats.registry import Progress
from annotations.formats.rows import ExportRow, RowSpan
from annotations.outputs import fork_child

json_str = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (C version)
dumps = json.JSONEncoder(ensure_ascii=False).encode


def meta_json(row: ExportRow, strings: dict[str, str] | None = None, *, with_label: bool = False) -> str:
    """``row``'s provenance as a JSON object (keys sorted, as ``json.dumps`` would order a dict).

    ``with_label`` adds the sentence label (``""`` when unreviewed). ``strings``
    memoises JSON string literals across rows (ids, titles and annotators repeat).
    """
    if strings is None:
        strings = {}
    js = strings.get
    annotator, article_id, title = row.annotator, row.article_id, row.title
    label = f'"label": {json_str(row.label or "")}, ' if with_label else ""
    # Only an accepted suggestion says where its label came from: typed labels export as before.
    source = f'"source": {json_str(row.source)}, ' if row.source else ""
    # (most rows: nobody is found saying the sentence, and it has no note)
    how, name = _NOBODY_META if row.claimant is NOBODY else claimant_meta(row, strings)
    note = row.note
    return (
        f'{{"annotator": {js(annotator) or strings.setdefault(annotator, json_str(annotator))}, '
        f'"article_id": {js(article_id) or strings.setdefault(article_id, json_str(article_id))}, {how}'
        f'"checkworthy": {"true" if row.checkworthy else "false"}, {name}"end": {row.end}, {label}'
        f'"note": {json_str(note) if note else _EMPTY}, "sentence_index": {row.sentence_index}, '
        f'{source}"start": {row.start}, "title": {js(title) or strings.setdefault(title, json_str(title))}}}'
    )


def claimant_meta(row: ExportRow, strings: dict[str, str]) -> tuple[str, str]:
    """The ``"attribution": HOW, `` and ``"claimant": NAME, `` pieces of a row's meta
    (both "" for a row without a claimant; see :mod:`annotations.formats.claimant`)."""
    claimant = row.claimant
    if claimant is None:
        return "", ""
    name = claimant.name
    quoted = strings.get(name) or strings.setdefault(name, json_str(name))
    return f'"attribution": "{claimant.how}", ', f'"claimant": {quoted}, '


_EMPTY = json_str("")
#: :func:`claimant_meta` of a row whose sentence nobody is found saying (the outlet's own)
_NOBODY_META = (f'"attribution": "{NOBODY.how}", ', f'"claimant": {json_str(NOBODY.name)}, ')


def spans_json(spans: Sequence[RowSpan]) -> str:
    """``[[start, end, "LABEL"], ...]``."""
    if not spans:
        return "[]"
    return "[" + ", ".join([f"[{s}, {e}, {json_str(label)}]" for s, e, label in spans]) + "]"


BATCH = 1000  # lines per write() call and per progress step
FORK_ROWS = 20_000  # below this a second process costs more than it saves


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking is only done where it is well-behaved: Linux, from the main thread (the
    app exports from a worker thread, and never forks)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.current_thread() is threading.main_thread()
    )


def write_lines_forked(
    rows: Sequence[ExportRow],
    make_lines: Callable[[Sequence[ExportRow]], Iterable[str]] | Callable[[Sequence[ExportRow]], Iterable[bytes]],
    out: Path,
    advance: Progress,
    *,
    binary: bool = False,
) -> int:
    """Write ``make_lines(rows)`` to ``out``, the second half from a forked child.

    Formatting Prodigy tasks is CPU-bound Python; a forked child inherits the rows
    and the loaded tokenizer for free, writes its half to a temp file beside ``out``,
    and the parent appends it after writing its own half: the same bytes as one
    process writes. The child only formats and writes (no progress, no output) and
    leaves with ``os._exit``; on any failure the export fails with its message.
    ``binary``: ``make_lines`` gives UTF-8 bytes (see :func:`write_byte_lines`).
    """
    half = len(rows) // 2
    write_lines = write_byte_lines if binary else write_text_lines
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    read_end, write_end = os.pipe()

    def second_half() -> None:
        os.close(read_end)
        with _open_lines(part, binary) as fh:
            write_lines(make_lines(rows[half:]), fh, lambda n: None)

    def report(error: BaseException) -> None:
        os.write(write_end, str(error).encode("utf-8", "replace")[:2000])

    pid = fork_child(second_half, report)
    os.close(write_end)
    try:
        with _open_lines(out, binary) as fh:
            write_lines(make_lines(rows[:half]), fh, advance)
        _, status = os.waitpid(pid, 0)
        pid = 0
        message = os.read(read_end, 2000).decode("utf-8", "replace")
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            raise ExportError(f"cannot write {out}: {message or 'the second writer process failed'}")
        with out.open("r+b") as fh, part.open("rb") as src:
            fh.seek(0, os.SEEK_END)
            append_file(src, fh)
        advance(len(rows) - half)
        return len(rows)
    finally:
        if pid:  # the parent failed or was interrupted: stop the child
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(read_end)
        part.unlink(missing_ok=True)


def _open_lines(path: Path, binary: bool) -> IO[Any]:
    return path.open("wb") if binary else path.open("w", encoding="utf-8", newline="\n")


_COPY_RANGE = hasattr(os, "copy_file_range")  # False once the kernel refused it here


def copy_range(src: int, dest: int, src_at: int, dest_at: int, count: int) -> int:
    """Copy up to ``count`` bytes from ``src`` at ``src_at`` to ``dest`` at ``dest_at``
    (neither descriptor's position moves); returns how many (0: ``src`` ends there).
    Inside the kernel where it can (``copy_file_range``), else through a buffer."""
    global _COPY_RANGE
    if _COPY_RANGE:
        try:
            return os.copy_file_range(src, dest, count, src_at, dest_at)
        except OSError as error:  # not between these two files (file systems, old kernels)
            if error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                raise
            _COPY_RANGE = False
    data = os.pread(src, min(count, 1 << 22), src_at)
    done = 0
    while done < len(data):
        done += os.pwrite(dest, memoryview(data)[done:], dest_at + done)
    return len(data)


def append_file(src: IO[bytes], dest: IO[bytes]) -> None:
    """Copy the rest of ``src`` to where ``dest`` stands (not opened to append, which
    ``copy_file_range`` refuses): inside the kernel where it can
    (``copy_file_range``: the second half of a big export is 100+ MB, a tenth of a
    second through Python's buffers), else through them."""
    dest.flush()
    copy = getattr(os, "copy_file_range", None)
    if copy is not None:
        try:
            while copy(src.fileno(), dest.fileno(), 1 << 30):
                pass
            return
        except OSError:  # not between these two files (filesystems, old kernels)
            pass
    shutil.copyfileobj(src, dest, 1 << 22)


def write_text_lines(lines: Iterable[str], fh: IO[str], advance: Progress) -> int:
    n = 0
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == BATCH:
            batch.append("")
            fh.write("\n".join(batch))
            n += BATCH
            advance(BATCH)
            batch = []
    if batch:
        batch.append("")
        fh.write("\n".join(batch))
        n += len(batch) - 1
        advance(len(batch) - 1)
    return n


def write_jsonl(lines: Iterable[str], out: Path, advance: Progress) -> int:
    """Write ``lines`` to ``out``, each ended by ``\\n``; returns how many."""
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        return write_text_lines(lines, fh, advance)


def write_byte_lines(lines: Iterable[bytes], fh: IO[bytes], advance: Progress) -> int:
    """As :func:`write_text_lines`, for lines already in UTF-8: a writer that makes its
    JSON as bytes spares the file a second pass over every character (the encoding)."""
    n = 0
    batch: list[bytes] = []
    for line in lines:
        batch.append(line)
        if len(batch) == BATCH:
            batch.append(b"")
            fh.write(b"\n".join(batch))
            n += BATCH
            advance(BATCH)
            batch = []
    if batch:
        batch.append(b"")
        fh.write(b"\n".join(batch))
        n += len(batch) - 1
        advance(len(batch) - 1)
    return n


#: Buffers per ``writev`` call (Linux's ``IOV_MAX`` is 1024).
_IOV_MAX = 1024
_NEWLINE = b"\n"


def write_piece_lines(lines: Iterable[Sequence[bytes | memoryview]], out: Path, advance: Progress) -> int:
    """Write to ``out`` lines given as pieces (a line's pieces, then ``\\n``); returns
    how many lines. The file gets the pieces themselves (``writev``, where there is
    one): no line and no batch of lines is copied whole on the way, as
    :func:`write_jsonl_bytes` copies them."""
    writev = getattr(os, "writev", None)
    if writev is None:  # pragma: no cover - not on POSIX
        return write_jsonl_bytes(map(b"".join, lines), out, advance)
    n = 0
    with out.open("wb", buffering=0) as fh:
        fd = fh.fileno()
        batch: list[bytes | memoryview] = []
        count = 0
        for pieces in lines:
            batch += pieces
            batch.append(_NEWLINE)
            count += 1
            if count == BATCH:
                write_pieces(fd, batch)
                n += count
                advance(count)
                batch, count = [], 0
        if count:
            write_pieces(fd, batch)
            n += count
            advance(count)
    return n


def write_pieces(fd: int, pieces: list[bytes | memoryview], at: int | None = None) -> None:
    """Write ``pieces`` one after the other to ``fd``, :data:`_IOV_MAX` at a time: where
    the file stands, or from offset ``at`` (``pwritev``: the file's position stays)."""
    for first in range(0, len(pieces), _IOV_MAX):
        some = pieces[first : first + _IOV_MAX]
        size = sum(map(len, some))
        done = os.writev(fd, some) if at is None else os.pwritev(fd, some, at)
        if done < size:  # a short write: the rest, joined
            rest = memoryview(b"".join(some))[done:]
            while rest:
                n = os.write(fd, rest) if at is None else os.pwrite(fd, rest, at + done)
                rest, done = rest[n:], done + n
        if at is not None:
            at += size


def write_jsonl_bytes(lines: Iterable[bytes], out: Path, advance: Progress) -> int:
    """Write the UTF-8 ``lines`` to ``out``, each ended by ``\\n``; returns how many."""
    with out.open("wb") as fh:
        return write_byte_lines(lines, fh, advance)
