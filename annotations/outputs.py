"""Outputs that appear whole or not at all: exports, ``suggest -o`` and ``train -o``.

:func:`staged_output` gives a writer a path inside a staging folder beside the
destination (same folder, so the final rename never crosses file systems), named
``.<destination>.claimscope-<random>.tmp``. The writer writes there as if it were the
destination, siblings included (a format may write a second file beside its main
one). When the writer returns, every file is fsynced (a folder of many files by one
``syncfs`` where that is safe) and renamed into place, then the folder is fsynced; a
folder output is swapped in with ``renameat2(RENAME_EXCHANGE)`` where Linux has it,
so the old folder is replaced whole. A run killed at any moment leaves the previous
output (or none), plus a staging folder that the next run in the same folder removes.

A staging folder is recognised by its name and by the lock file inside it, which its
run holds with ``flock`` for as long as it lives (a forked writer child inherits it):
a staging folder whose lock can be taken belongs to a dead run. Nothing else is ever
removed, but for the ``.<destination>.<pid>.part`` file that a killed Prodigy export
left beside its destination before this module, once its process is gone.

:func:`end_with_parent` makes a forked child die with its parent (Linux), so a killed
export leaves no writer behind.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotations.errors import ExportError
from corpus.files import fsync_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: stale staging folders stay
    fcntl = None  # type: ignore[assignment]

#: The lock file inside a staging folder (held by the live run).
LOCK_NAME = ".claimscope-staging-lock"
_SUFFIX = ".tmp"
_MARK = ".claimscope-"
#: ``.<name>.claimscope-<8 random characters>.tmp``, as ``tempfile.mkdtemp`` makes it.
_STAGE = re.compile(r"^\..*\.claimscope-[a-z0-9_]{8}\.tmp$")

#: ``replaceable(old, new)``: None when the existing folder ``old`` may be replaced by
#: ``new``, else why not (one line).
Replaceable = Callable[[Path, Path], "str | None"]


def exported_folder(old: Path, new: Path) -> str | None:
    """Whether an existing folder looks like an earlier export of the same kind as ``new``.

    It may hold only plain files, each either a name the new export also writes or,
    as brat writes them, a pair of files with one stem and two of the new export's
    suffixes. A folder of anything else (the user's own files) is never replaced.
    """
    names = {p.name for p in new.iterdir()}
    suffixes = {p.suffix for p in new.iterdir() if p.suffix}
    entries = list(old.iterdir())
    stems: dict[str, set[str]] = {}
    for entry in entries:
        stems.setdefault(entry.stem, set()).add(entry.suffix)
    if names & {entry.name for entry in entries}:  # the same kind (annotation.conf): pairs of any
        suffixes |= {entry.suffix for entry in entries if entry.suffix}  # suffix (a smaller export)
    for entry in entries:
        if entry.is_symlink() or not entry.is_file():
            return f"it holds {entry.name}, which is not a file"
        paired = entry.suffix in suffixes and len(stems[entry.stem] & suffixes) >= 2
        if entry.name not in names and not paired:
            return f"it holds {entry.name}, which this export does not write"
    return None


def pipeline_folder(old: Path, new: Path) -> str | None:
    """An existing folder may be replaced by a spaCy pipeline when it is one (or empty)."""
    if any(old.iterdir()) and not (old / "config.cfg").is_file():
        return "it is not a spaCy pipeline folder"
    return None


@contextmanager
def staged_output(
    destination: Path, *, folder: bool = False, replaceable: Replaceable = exported_folder
) -> Iterator[Path]:
    """Yield the path to write instead of ``destination``; rename the result into place
    when the block ends without an exception, else remove it (the destination is left
    as it was).

    ``folder``: the output is a folder, swapped in whole; an existing folder is replaced
    only when ``replaceable(old, new)`` returns None, else :class:`ExportError` says why.
    """
    destination = Path(destination).absolute()
    if destination.is_symlink():  # write where the link points, and keep the link
        destination = Path(os.path.realpath(destination))
    parent = destination.parent
    if folder and destination.exists() and not destination.is_dir():
        raise ExportError(f"cannot write {destination}: it is a file, and this output is a folder")
    if not folder and destination.is_dir():
        raise ExportError(f"cannot write {destination}: it is a folder; give a file name")
    remove_stale_stages(parent)
    _remove_dead_parts(destination)
    stage, lock = _new_stage(parent, destination.name)
    try:
        yield stage / destination.name
        _commit(stage, destination, folder, replaceable, lock)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if lock is not None:
            os.close(lock)


def replaced_folder(destination: Path) -> Path | None:
    """The folder a folder output written to ``destination`` would replace (where a
    link there points), or None when there is none yet."""
    found = Path(os.path.realpath(Path(destination).absolute()))
    return found if found.is_dir() else None


def write_or_link(path: Path, data: bytes, previous: Path | None) -> bool:
    """Make the new file ``path`` hold ``data``: a hard link to the file of the same name
    in ``previous`` (the folder this output replaces) when that one holds exactly these
    bytes, else a file written anew. Returns whether it was linked.

    A repeated export then writes, and later syncs, only what changed, and replacing
    the old folder frees no inode for an unchanged file (on ext4 without a journal,
    every inode freed in the last minutes slows each new file made near it). A file
    changed or replaced between the comparison and the link is written anew, and so is
    one that cannot be linked (another file system, a file of another user).
    """
    if previous is not None and _link_same(previous / path.name, path, data):
        return True
    try:
        out = open(path, "xb")
    except FileExistsError:  # written before in this output: made anew, never written through
        os.unlink(path)  # (it may be a link to the old output's file)
        out = open(path, "xb")
    with out:
        out.write(data)
    return False


def _link_same(old: Path, path: Path, data: bytes) -> bool:
    """Hard-link ``old`` as ``path`` if it is a regular file holding ``data``."""
    try:
        fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode) or before.st_size != len(data):
            return False
        held = bytearray()
        while len(held) <= len(data):
            piece = os.read(fd, len(data) + 1 - len(held))
            if not piece:
                break
            held += piece
        if held != data:
            return False
        try:
            os.link(old, path)
        except OSError:
            return False
        after, linked = os.fstat(fd), os.stat(path, follow_symlinks=False)
        if (after.st_mtime_ns, after.st_size) != (before.st_mtime_ns, before.st_size) or (
            (linked.st_dev, linked.st_ino) != (before.st_dev, before.st_ino)
        ):
            os.unlink(path)  # changed or replaced while it was compared: made anew
            return False
        return True
    finally:
        os.close(fd)


def remove_stale_stages(folder: Path) -> list[Path]:
    """Remove the staging folders of dead runs in ``folder``; returns those removed.

    Only a folder named as :func:`staged_output` names them, holding its lock file
    unlocked (or nothing at all: killed before it locked it) is removed.
    """
    if fcntl is None:
        return []
    removed = []
    try:
        entries = [e for e in os.scandir(folder) if _STAGE.match(e.name)]
    except OSError:
        return []
    for entry in entries:
        path = Path(entry.path)
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            lock_path = path / LOCK_NAME
            if not lock_path.exists():
                # A run killed between making its folder and locking it left it empty;
                # rmdir removes only an empty folder (a run that locks it meanwhile makes
                # another), and a folder with anything in it but no lock is not ours.
                if not any(path.iterdir()):
                    os.rmdir(path)
                    removed.append(path)
                continue
            if lock_path.is_symlink() or not lock_path.is_file():
                continue
            fd = os.open(lock_path, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # a live run holds it
                os.close(fd)
                continue
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                os.close(fd)
            removed.append(path)
        except OSError:
            continue
    return removed


def _remove_dead_parts(destination: Path) -> None:
    """Remove ``.<destination>.<pid>.part``, which a killed Prodigy export wrote beside
    its destination before exports were staged, once process ``pid`` is gone."""
    pattern = re.compile(rf"^\.{re.escape(destination.name)}\.([0-9]+)\.part$")
    try:
        entries = [(e, pattern.match(e.name)) for e in os.scandir(destination.parent)]
    except OSError:
        return
    for entry, found in entries:
        if found is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            os.kill(int(found.group(1)), 0)
            continue  # a live process may still be writing it
        except ProcessLookupError:
            pass
        except (OSError, OverflowError):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def _new_stage(parent: Path, name: str) -> tuple[Path, int | None]:
    """A new staging folder for ``name`` in ``parent``, with its lock held."""
    for _attempt in range(3):
        stage = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name[:80]}{_MARK}", suffix=_SUFFIX))
        try:
            return stage, _hold(stage)
        except FileNotFoundError:  # another run's clean-up took it while still empty
            continue
    raise ExportError(f"cannot make a staging folder in {parent}: it keeps disappearing")


def _hold(stage: Path) -> int | None:
    """Create and lock the stage's lock file; the descriptor stays open for the run."""
    if fcntl is None:
        return None
    fd = os.open(stage / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _commit(
    stage: Path, destination: Path, folder: bool, replaceable: Replaceable, held: int | None = None
) -> None:
    """fsync everything written in ``stage`` and rename it beside ``destination``: the
    destination itself last, so a sibling never belongs to an older output than it.
    ``held``: a descriptor in ``stage`` opened before anything was written there (the
    lock file's), for :func:`_fsync_tree`."""
    main = stage / destination.name
    if not (main.is_dir() if folder else main.is_file()):
        raise ExportError(f"cannot write {destination}: nothing was written")
    others = sorted(p for p in stage.iterdir() if p.name not in (LOCK_NAME, destination.name))
    for path in [*others, main]:
        target = destination.parent / path.name
        if path.is_dir() and not path.is_symlink():
            _fsync_tree(path, held)
            if target.is_dir() and not target.is_symlink():
                why = replaceable(target, path)
                if why is not None:
                    raise ExportError(
                        f"{target} already exists and was left as it was: {why}; "
                        "give a new or empty folder, or remove it first"
                    )
                if not _exchange(path, target):
                    os.rename(target, stage / f"{_MARK}old")  # a moment without it: no atomic swap here
                    os.rename(path, target)
            else:
                os.rename(path, target) if not target.exists() else os.replace(path, target)
        else:
            _fsync_file(path)
            os.replace(path, target)
    fsync_dir(destination.parent)


def _fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_SYNC_FILE_RANGE_WRITE = 2
#: libc's ``sync_file_range`` once looked up (False: there is none here).
_sync_file_range: Any = None


def _linux_libc(name: str, argtypes: list[Any]) -> Any:
    """The C library's function ``name`` with its argument types, or False where this is
    not Linux or the library has no such function (the callers then do without it)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return False
    function.argtypes = argtypes
    return function


def start_writeback(fd: int) -> None:
    """Have the kernel start writing the dirty pages of ``fd``'s file to the disk now,
    without waiting for them (Linux ``sync_file_range(SYNC_FILE_RANGE_WRITE)``): the
    fsync before the rename then finds most of a big output written. Only a hint:
    where it is missing or fails, nothing happens (the fsync still does it all)."""
    global _sync_file_range
    if _sync_file_range is None:
        _sync_file_range = _linux_libc("sync_file_range", [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint])
    if _sync_file_range:
        _sync_file_range(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)


def drop_cached(path: Path) -> None:
    """Let the kernel drop the cached pages of the regular file at ``path`` now, while
    there is time (``posix_fadvise(DONTNEED)``): an old output about to be replaced,
    whose pages would otherwise be freed by the rename, on the export's path. The file
    itself is left as it is; only a hint, errors ignored."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except (OSError, AttributeError):
        pass
    finally:
        os.close(fd)


_PUNCH_HOLE = 0x01 | 0x02  # FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE
#: libc's ``fallocate`` once looked up (False: there is none here).
_fallocate: Any = None


def punch_hole(fd: int, offset: int, length: int) -> None:
    """Free the pages and blocks of ``fd``'s file in ``offset:offset+length`` (whole
    blocks of it; Linux ``fallocate(PUNCH_HOLE)``), as a temporary file's bytes are
    used up, so that removing the file has little left to free. Only a help: where it
    is missing or refused, nothing happens."""
    global _fallocate
    if _fallocate is None:
        _fallocate = _linux_libc("fallocate", [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64])
    if _fallocate and length > 0:
        _fallocate(fd, _PUNCH_HOLE, offset, length)


class EarlyWriteback:
    """Calling it starts the writeback of ``paths`` (see :func:`start_writeback`) as they
    are being written; a path that does not exist yet is tried again at the next call.
    :meth:`close` lets go of the files."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._fds: dict[Path, int] = {}

    def __call__(self) -> None:
        for path in self.paths:
            fd = self._fds.get(path)
            if fd is None:
                try:
                    fd = self._fds[path] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    continue
            start_writeback(fd)

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()


#: fsyncs in flight at once for a folder output: each waits for the disk with the GIL
#: released, and the file system commits them together (4,000 brat files: ~12 s one by
#: one on this machine's ext4, ~0.3 s sixteen at a time).
_FSYNC_THREADS = 16
#: A folder of at least this many files is made durable by one ``syncfs`` of its file
#: system where that is safe (see :func:`_syncfs_whole`): 4,000 brat files in ~0.05 s.
SYNCFS_FILES = 256
#: ... when no more than this much of the machine's memory waits to be written (the
#: rest of the file system would be written too): else one fsync per file.
SYNCFS_DIRTY = 256 << 20
#: libc's ``syncfs`` once looked up (False: there is none here, or the kernel's does
#: not report write errors).
_syncfs: Any = None


def _fsync_tree(folder: Path, held: int | None = None) -> None:
    """Make every file and folder under ``folder`` durable: a few files by fsync each,
    many by one ``syncfs`` where :func:`_syncfs_whole` allows it."""
    files: list[str] = []
    folders: list[str] = []
    for root, _dirs, names in os.walk(folder):
        files.extend(os.path.join(root, name) for name in names)
        folders.append(root)
    if held is None or len(files) < SYNCFS_FILES or not _syncfs_whole(held):
        _fsync_files(files)
    for root in folders:  # once its files are durable, as before
        fsync_dir(Path(root))


def _fsync_files(files: list[str]) -> None:
    """fsync each of ``files``, several at once (see :data:`_FSYNC_THREADS`)."""
    if len(files) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(_FSYNC_THREADS, len(files))) as pool:
            for _ in pool.map(_fsync_file, files):  # re-raises the first OSError
                pass
    else:
        for name in files:
            _fsync_file(Path(name))


def _syncfs_whole(held: int) -> bool:
    """Write everything of the file system that holds ``held``'s file to the disk and
    wait for it (Linux ``syncfs``): one call instead of an fsync per file. Done only
    where it reports a failed write (Linux 5.8 on, for writes since ``held`` was opened)
    and when little else waits to be written (:data:`SYNCFS_DIRTY`, which would all be
    waited for); returns False when it was not done. A failed write raises OSError."""
    global _syncfs
    if _syncfs is None:
        _syncfs = _linux_libc("syncfs", [ctypes.c_int]) if _kernel_at_least(5, 8) else False
    if not _syncfs or _waiting_to_be_written() > SYNCFS_DIRTY:
        return False
    if _syncfs(held) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return True


def _kernel_at_least(major: int, minor: int) -> bool:
    """Whether this is Linux ``major.minor`` or later."""
    if not sys.platform.startswith("linux"):
        return False
    found = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return found is not None and (int(found[1]), int(found[2])) >= (major, minor)


def _waiting_to_be_written() -> int:
    """Bytes of the machine's memory that are dirty or being written (``/proc/meminfo``);
    very many when that cannot be read."""
    try:
        with open("/proc/meminfo", "rb") as fh:
            text = fh.read()
    except OSError:
        return 1 << 62
    found = dict(re.findall(rb"^(Dirty|Writeback):\s+(\d+) kB", text, re.M))
    if len(found) < 2:
        return 1 << 62
    return sum(int(kb) for kb in found.values()) << 10


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(new: Path, old: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(old), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(old))


_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """In a forked child: be killed when the parent process ``parent`` dies (Linux), and
    leave at once if it is already gone (it may have died before this call)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def fork_child(work: Callable[[], None], report: Callable[[BaseException], None]) -> int:
    """Fork a child that runs ``work()`` and leaves with ``os._exit`` (0 when it ran
    through, else 1 after ``report(error)``, whose own failure is swallowed), killed
    with this process (:func:`end_with_parent`); returns the child's pid here."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 1  # the child: never returns
    try:
        end_with_parent(parent)  # a killed export leaves no child behind
        work()
        code = 0
    except BaseException as error:  # the parent tells it, as one line
        try:
            report(error)
        except BaseException:
            pass
    finally:
        os._exit(code)


def refuse_inside_corpus(output: Path, path: Path, root: Path) -> None:
    """Refuse to write inside the corpus folder (the next listing would read the export
    as articles), or over the article file itself."""
    out = output.expanduser().resolve()
    if path.is_dir():
        folder = root.resolve()
        if out == folder or folder in out.parents:
            raise ExportError(
                f"{output} is inside the corpus folder {folder}; exported files would be read "
                "as articles. Write it elsewhere."
            )
    elif out == path.expanduser().resolve():
        raise ExportError(f"{output} is the article file itself; write the export elsewhere.")
