"""The single-writer lock of a store: a ``lock`` file holding pid, host and start time.

The file is created with ``O_CREAT | O_EXCL`` so only one process can create it, and
the creator also holds ``fcntl.flock`` on it for as long as it lives. The kernel drops
that flock when the process dies (even by SIGKILL), so a lock file that nobody holds a
flock on, whose pid is gone (or now belongs to a process started after the lock was
taken), is stale and is taken over at once. :func:`exit_on_signals` turns SIGHUP and
SIGTERM into ``SystemExit`` so that a closed terminal or a ``kill`` still runs the
``finally`` that releases the lock.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

try:  # POSIX; on Windows the pid check alone decides staleness
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

from annotations.model import utc_now
from annotations.storage import JSON_ERRORS

LOCK_FILE_NAME = "lock"
#: A lock file younger than this with no readable content may still be being written
#: (its creator is between O_EXCL-creating it and writing pid/host); older ones are
#: left by a process that died in that gap.
_FRESH_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class LockInfo:
    """Who holds a lock."""

    pid: int
    host: str
    started: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} (since {self.started})"


@dataclass(slots=True)
class Lock:
    """A held lock; :meth:`release` removes the file."""

    path: Path
    fd: int
    info: LockInfo
    took_over: LockInfo | None = None  # the stale holder this lock replaced
    stale_because: str = ""  # why that holder's lock was stale, for the notice

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and drop the flock."""
        if self.fd < 0:
            return
        try:
            if _same_file(self.fd, self.path):
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            os.close(self.fd)  # closing drops the flock
            self.fd = -1


class Locked(Exception):
    """Raised by :func:`acquire` when another live process holds the lock."""

    def __init__(self, holder: LockInfo | None, path: Path) -> None:
        self.holder = holder
        self.path = path
        who = holder.describe() if holder else "another process"
        super().__init__(f"locked by {who}")


def acquire(folder: Path) -> Lock:
    """Take the lock of ``folder``; raises :class:`Locked` when a live process holds it."""
    path = Path(folder) / LOCK_FILE_NAME
    me = LockInfo(os.getpid(), socket.gethostname(), utc_now())
    for _ in range(20):  # retries: a vanished file, or an empty one still being written
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            lock = _try_take_over(path, me)
            if lock is not None:
                return lock
            continue  # the file vanished or changed under us: try again
        if not _flock(fd):  # cannot happen unless someone raced us to a fresh file
            os.close(fd)
            continue
        _write_info(fd, me)
        return Lock(path, fd, me)
    raise Locked(read_info(path), path)


def read_info(path: Path) -> LockInfo | None:
    """The holder named in a lock file, or None when it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data.get("started", "")))
    except (OSError, *JSON_ERRORS, KeyError, TypeError):
        return None


def _try_take_over(path: Path, me: LockInfo) -> Lock | None:
    """Take over a stale lock file; raise Locked if it is live; None to retry."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    if not _flock(fd):
        os.close(fd)
        raise Locked(read_info(path), path)
    # Nobody holds a flock on it. The holder may still be alive if it is between
    # creating the file and taking the flock (or a claimscope without flock).
    holder = read_info(path)
    if not _same_file(fd, path):
        os.close(fd)
        return None
    if holder is None:
        try:
            age = time.time() - os.fstat(fd).st_mtime
        except OSError:
            age = 0.0
        if age < _FRESH_SECONDS:
            os.close(fd)
            time.sleep(0.05)  # let the creator write its pid, then look again
            return None
    elif holder.host == me.host and holder.pid != me.pid and _pid_alive(holder.pid):
        if not _started_after(holder.pid, holder.started):
            os.close(fd)
            raise Locked(holder, path)
        why = f"pid {holder.pid} is now another process, started after the lock was taken"
    elif holder.host != me.host and fcntl is None:  # pragma: no cover
        os.close(fd)
        raise Locked(holder, path)
    elif holder.host == me.host and holder.pid != me.pid:
        why = "that process is gone"
    else:
        why = "nobody holds it any more"
    if holder is None:
        try:
            empty = os.fstat(fd).st_size == 0
        except OSError:
            empty = True
        why = (
            "it was empty and nobody holds it"
            if empty
            else "it holds no readable pid and host (not a lock record) and nobody holds it"
        )
    _write_info(fd, me)
    return Lock(path, fd, me, took_over=holder, stale_because=why)


def _flock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _write_info(fd: int, info: LockInfo) -> None:
    data = json.dumps({"pid": info.pid, "host": info.host, "started": info.started}) + "\n"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data.encode("utf-8"))
    os.fsync(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a = os.fstat(fd)
        b = os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _started_after(pid: int, started: str) -> bool:
    """True when process ``pid`` started clearly after ``started`` (so it reuses the pid).

    Reads Linux's ``/proc``; False wherever the start time cannot be known, so a live
    holder is never mistaken for a stale one.
    """
    try:
        lock_time = datetime.fromisoformat(started.replace("Z", "+00:00")).timestamp()
        fields = _proc_stat(pid)
        if fields is None:
            return False
        ticks = int(fields[19])  # field 22: starttime
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        begun = boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration, AttributeError):
        return False
    return begun > lock_time + 2.0  # boot time has one-second steps; leave a margin


@contextmanager
def exit_on_signals() -> Iterator[None]:
    """Within the block, SIGHUP and SIGTERM raise ``SystemExit(128 + signal)``.

    So a closed terminal or a plain ``kill`` unwinds through ``finally`` blocks and
    ``with`` exits (closing the store releases its lock). The old handlers come back
    after the block. A no-op outside the main thread.
    """
    wanted = [getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)]
    previous: dict[int, object] = {}

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        for signum in wanted:
            previous[signum] = signal.signal(signum, leave)
    except ValueError:  # not the main thread: signals go to the main thread anyway
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """True when ``pid`` has exited and only waits for its parent to reap it (Linux).

    A killed process whose parent has not yet collected it still answers ``kill(pid, 0)``,
    but it holds nothing: its lock is as stale as one whose pid is gone.
    """
    fields = _proc_stat(pid)
    return fields is not None and fields[0] in ("Z", "X")


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2 :].split()
    except (OSError, ValueError):
        return None
