"""Find and read the articles of a corpus folder (or a single article file).

A corpus folder is searched recursively for ``.txt``, ``.md``/``.markdown``,
``.html``/``.htm``, ``.jsonl``/``.ndjson`` and ``.json`` files. Hidden files and
folders (``.claimscope/``, ``.git``), ``claimscope.toml`` and files with other
endings are left alone; symbolic links to files are followed, links to folders
are not (no loops). A single file given as the path is a corpus of one and is read
as plain text whatever its ending, unless it has one of the endings above.

The reader of each format is in ``corpus/readers.py`` (what ``Article.text`` holds per
format), the metadata and title rules in ``corpus/metadata.py``, the ids of JSONL and
JSON records in ``corpus/record_ids.py``, the bundled sample in
``corpus/sample_corpus.py``.

Text is never normalised (CRLF stays, no Unicode normalisation); a byte-order mark
is not part of the text, so offsets count from the character after it (see
``corpus/decoding.py``).

Ids are the path relative to the corpus root with ``/`` separators; a record of a
JSONL file or a JSON list adds ``#`` and its own id or a hash of its text. The corpus
lists files by id and the records of a file in file order.

A folder's second and later loads reuse what the first found for every file whose
bytes are unchanged (``corpus/index.py``): the files are still read, the parsing is
skipped, and the result is identical.

Nothing a file contains stops the corpus from opening: every problem becomes an
``ArticleError`` whose message is one line (file, what, why, what to do). Articles
of the bundled sample get ``source`` and ``fictional: "true"`` metadata by default.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from corpus.decoding import NotTextError, decode_bytes
from corpus.errors import CorpusNotFoundError
from corpus.index import CorpusIndex, digest_of
from corpus.model import Article, ArticleError
from corpus.readers import MOVE_IT, READERS
from corpus.sample_corpus import SAMPLE_META, is_sample, sample_corpus_path

__all__ = ["IGNORED_NAMES", "SUFFIXES", "Corpus", "load_corpus", "read_file", "sample_corpus_path"]

#: Files of these endings are articles; the value names the reader.
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
#: Names in a corpus folder that are claimscope's own files, not articles.
IGNORED_NAMES = frozenset({"claimscope.toml"})


@dataclass(slots=True)
class Corpus:
    """The articles of a corpus (by file, records in file order), and what failed to load."""

    root: Path
    articles: list[Article] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)

    def get(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        for article in self.articles:
            if article.id == article_id:
                return article
        return None


def load_corpus(
    root: Path | str, *, index: bool = True, cache_dir: Path | str | None = None
) -> Corpus:
    """Read every article under ``root`` (a folder, or one file: a corpus of one).

    With ``index`` (the default) a folder's metadata index in the cache dir
    (``cache_dir``, else ``$CLAIMSCOPE_CACHE_DIR`` or the user cache dir) is used and
    updated, so unchanged files are not parsed again; ``index=False`` reads everything
    afresh and writes nothing. Raises :class:`CorpusNotFoundError` when ``root`` does
    not exist or cannot be read; problems with single files become ``Corpus.errors``.
    """
    root = Path(root).expanduser()
    # Reading builds many small objects and no reference cycles; pausing the cyclic
    # garbage collector meanwhile saves ~10% of a 10,000-article listing.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(root, index, cache_dir)
    finally:
        if paused:
            gc.enable()


def _load(root: Path, use_index: bool, cache_dir: Path | str | None) -> Corpus:
    try:
        info = root.stat()
    except FileNotFoundError:
        raise CorpusNotFoundError(
            f"{root}: no such folder or file; give a folder of articles or one article file"
        ) from None
    except OSError as error:
        raise CorpusNotFoundError(
            f"{root}: cannot be opened ({error.strerror or error}); "
            "check the path and its permissions"
        ) from None

    if stat.S_ISREG(info.st_mode):
        folder = root.parent
        items = read_file(root, folder, any_suffix=True)
    elif stat.S_ISDIR(info.st_mode):
        if not os.access(root, os.R_OK | os.X_OK):
            raise CorpusNotFoundError(
                f"{root}: folder cannot be read (permission denied); check its permissions"
            )
        folder = root
        defaults = SAMPLE_META if is_sample(root) else {}
        index = CorpusIndex.open(root, cache_dir) if use_index else None
        items = []
        for path, rel, kind, problem in _walk(root):
            if problem is not None:
                items.append(ArticleError(rel, path, f"{rel}: {problem}"))
            else:
                items.extend(_read(path, rel, kind, defaults, index))
        if index is not None:
            index.save()
    else:
        raise CorpusNotFoundError(
            f"{root}: not a folder or a regular file; give a folder of articles or one article file"
        )

    corpus = Corpus(root=folder)
    for item in items:
        (corpus.articles if isinstance(item, Article) else corpus.errors).append(item)
    # By file; a stable sort keeps the records of a file in file order.
    corpus.articles.sort(key=_file_of)
    corpus.errors.sort(key=_file_of)
    return corpus


def _file_of(item: Article | ArticleError) -> str:
    return item.id.partition("#")[0]


def _walk(root: Path):
    """Yield ``(path, id, kind, None)`` per article file, ``(path, id, None, problem)`` per unreadable folder.

    Plain strings, not ``Path`` objects: this loop runs once per file of a large corpus.
    """
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                found = list(entries)
        except OSError as error:
            yield (
                folder,
                prefix.rstrip("/") or ".",
                None,
                (f"folder cannot be read ({error.strerror or error}); check its permissions"),
            )
            continue
        for entry in found:
            name = entry.name
            if name.startswith(".") or name in IGNORED_NAMES:
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if name != "__pycache__":
                    stack.append((entry.path, f"{prefix}{name}/"))
                continue
            kind = SUFFIXES.get(os.path.splitext(name)[1].lower())
            if kind is None:
                continue
            # Regular files and symlinks to them are read; a dangling link, a FIFO
            # or a socket is reported by _read without ever being opened.
            yield entry.path, prefix + name, kind, None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _kind(path: str, *, any_suffix: bool) -> str | None:
    return SUFFIXES.get(os.path.splitext(path)[1].lower(), "text" if any_suffix else None)


def read_file(path: Path, root: Path, *, any_suffix: bool = False) -> list[Article | ArticleError]:
    """Read one file: one article, several (JSONL/JSON records), or error records.

    ``root`` is the corpus folder that ids are relative to. With ``any_suffix`` a
    file of an unknown ending is read as plain text (used for a single-file corpus).
    """
    path = Path(path)
    rel = _relative(path, Path(root))
    defaults = SAMPLE_META if is_sample(Path(root)) else {}
    return _read(str(path), rel, _kind(str(path), any_suffix=any_suffix), defaults)


def _read(
    path: str,
    rel: str,
    kind: str | None,
    defaults: Mapping[str, str],
    index: CorpusIndex | None = None,
) -> list[Article | ArticleError]:
    """Read the file at ``path`` (id ``rel``) with the reader for ``kind``.

    With an ``index``, the items stored for these exact bytes are reused, and what a
    fresh read finds is recorded.
    """
    where = path
    if kind is None:
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: not an article file type; use .txt, .md, .html, .jsonl or .json",
            )
        ]
    try:
        data = _read_bytes(path)
    except FileNotFoundError:
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: cannot be read (broken link or the file was removed); {MOVE_IT}",
            )
        ]
    except _NotRegularFile:
        return [
            ArticleError(
                rel, where, f"{rel}: not a regular file (a pipe, socket or device); {MOVE_IT}"
            )
        ]
    except PermissionError:
        return [
            ArticleError(
                rel, where, f"{rel}: cannot be read (permission denied); check its permissions"
            )
        ]
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        return [ArticleError(rel, where, f"{rel}: cannot be read ({reason}); {MOVE_IT}")]

    digest = ""
    if index is not None:
        digest = digest_of(data)
        known = index.lookup(rel, where, data, digest)
        if known is not None:
            return known

    try:
        decoded = decode_bytes(data)
    except NotTextError as reason:
        return [ArticleError(rel, where, f"{rel}: {reason}; {MOVE_IT}")]
    del data  # a 20 MB article need not be held twice while it is parsed
    text = decoded.text
    warnings = (decoded.warning,) if decoded.warning else ()
    if not text or text.isspace():
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: the file is empty (no text); add the article text or {MOVE_IT}",
            )
        ]

    try:
        items = READERS[kind](text, rel, where, warnings, defaults)
    except Exception as error:  # a reader bug must not stop the corpus from opening
        return [
            ArticleError(rel, where, f"{rel}: could not be read ({type(error).__name__}: {error})")
        ]
    if index is not None:
        index.record(rel, digest, items, text, decoded.encoding)
    return items


class _NotRegularFile(OSError):
    """A FIFO, socket, device or folder where an article file was expected."""


def _read_bytes(path: str) -> bytes:
    """The whole file, refusing anything that is not a regular file.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a
    writer (it changes nothing for regular files); one ``fstat`` on the open file
    then tells what it is, with no race between checking and reading.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegularFile(path)
        chunks = [os.read(fd, info.st_size + 1)]
        while chunks[-1]:  # the file grew, or a huge file came back in parts
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    finally:
        os.close(fd)
