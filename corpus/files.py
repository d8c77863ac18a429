"""Replacing a file whole, so that a reader sees the old file or the new one, never half."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, new files) to disk; a no-op where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to a temp file beside ``path`` and rename it over ``path``.

    With ``durable`` the temp file is fsynced before the rename and the folder after
    it, so the new content survives a power cut as well as a killed process. Caches
    skip that cost: losing one only means recomputing it.
    """
    path = Path(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


#: Whether unnamed temp files can be linked in here (Linux's ``O_TMPFILE`` and /proc);
#: None until the first try.
_LINKABLE: bool | None = None
#: What opening an unnamed file answers where there are none (old kernels: EISDIR).
_UNSUPPORTED = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL})


def write_new_file(path: Path, data: bytes) -> None:
    """:func:`replace_file` (not durable), in half the folder updates when ``path`` does
    not exist yet: ``data`` goes into an unnamed file of the folder (Linux's
    ``O_TMPFILE``), which is then linked in under ``path``, whole, so a reader never
    sees part of it (a file is made and named in one step, instead of made under a temp
    name and renamed). Where that is not supported, or ``path`` exists, it is
    :func:`replace_file`."""
    global _LINKABLE
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or _LINKABLE is False:
        replace_file(path, data)
        return
    path = Path(path)
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, 0o600)
    except OSError as error:
        if error.errno not in _UNSUPPORTED:
            raise  # no folder, no permission: as replace_file would fail
        _LINKABLE = False  # the file system (or kernel) has no unnamed files
        replace_file(path, data)
        return
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        # (the dir fd makes os.link call linkat, which follows /proc's link to the file)
        os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=fd, follow_symlinks=True)
    except FileExistsError:
        os.close(fd)
        replace_file(path, data)
        return
    except OSError:
        os.close(fd)
        if _LINKABLE is None:  # no /proc, or links refused: never try again
            _LINKABLE = False
            replace_file(path, data)
            return
        raise
    os.close(fd)
    _LINKABLE = True
