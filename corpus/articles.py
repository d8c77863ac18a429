"""Find and read the articles of a corpus folder (or a single article file).

A corpus folder is searched recursively for ``.txt``, ``.md``/``.markdown``,
``.html``/``.htm``, ``.jsonl``/``.ndjson`` and ``.json`` files. Hidden files and
folders (``.claimscope/``, ``.git``), ``claimscope.toml`` and files with other
endings are left alone; symbolic links to files are followed, links to folders
are not (no loops). A single file given as the path is a corpus of one and is read
as plain text whatever its ending, unless it has one of the endings above.

What ``Article.text`` holds, per format:

* ``.txt``: the decoded file text, unaltered.
* ``.md``: the decoded file text *including* any YAML front matter; ``body_start``
  skips the front matter and any header lines.
* ``.html``: the main text that trafilatura extracts (the markup is not the article).
* ``.jsonl`` / ``.json``: the record's ``text`` field.

Text is never normalised (CRLF stays, no Unicode normalisation); a byte-order mark
is not part of the text, so offsets count from the character after it (see
``corpus/decoding.py``). Header shapes (date/section line, headline, caption,
dateline, trailing cruft) set ``body_start``/``body_end`` and metadata; the dateline
stays inside the body (see ``corpus/headers.py``).

``Article.meta`` holds strings only: ``source``, ``date``
(``YYYY-MM-DD`` when it can be read for sure), ``section``, ``url``, ``byline``
(front matter ``author`` counts), ``dateline``, ``caption``, plus any other front
matter or record ``meta`` keys. Title: the metadata title, else the headline, else
the first body line (without its dateline, shortened), else the file name.

Broken YAML front matter does not lose the article: it loads with the front matter
left in its body and a warning in ``Article.warnings`` saying which line is wrong.

Ids are the path relative to the corpus root with ``/`` separators. A record of a
JSONL file or a JSON list adds ``#`` and a part that does not depend on where the
record sits, so labels stay on it when records are inserted, deleted or reordered:

* ``feed.jsonl#id:<value>`` when the record has its own id: the first of the fields
  :data:`ID_FIELDS` (``id``, ``_id``, ``uuid``, ``article_id``, ``doc_id``) that it
  has, a string or an integer (``7`` and ``"7"`` are the same id).
* ``feed.jsonl#t:<12 hex digits>`` otherwise: the start of the SHA-256 of the
  record's ``text`` (so it changes when the text does). A second record with the
  same text gets ``-2``, a third ``-3`` ..., in file order, with a warning.
* A record whose own id is already taken in the file (a duplicate) is known by its
  text instead, with a warning naming both lines: two records never share an id.
* Rows for records that could not be read are ``#line:N`` (JSONL, the true line
  number: lines end at ``\n`` only, never at U+2028 or U+0085 inside a string) or
  ``#record:N`` (the 1-based position in a JSON list). They hold no labels.

A JSON file holding one object has no ``#`` part. Ids never look like the ``#N``
line numbers of claimscope 0.1, so old store files are never mistaken for new ones
(``annotations/relocate.py`` moves them to the new ids by text). The corpus lists
files by id and the records of a file in file order.

A JSON string may hold a lone surrogate (``"\ud83d"``), which no file can encode;
each is read as U+FFFD (one character for one, so offsets are unchanged) with a
warning naming the record's line.

A folder's second and later loads reuse what the first found for every file whose
bytes are unchanged (``corpus/index.py``): the files are still read, the parsing is
skipped, and the result is identical.

Nothing a file contains stops the corpus from opening: every problem becomes an
``ArticleError`` whose message is one line (file, what, why, what to do). Articles
of the bundled sample get ``source`` and ``fictional: "true"`` metadata by default.
"""

from __future__ import annotations

import datetime as _dt
import functools
import gc
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.decoding import SURROGATE_ESCAPE, NotTextError, decode_bytes, without_surrogates
from corpus.errors import CorpusNotFoundError
from corpus.headers import iso_date, parse_header, shorten
from corpus.index import CorpusIndex, digest_of
from corpus.model import Article, ArticleError, text_hash

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
#: Metadata keys read from front matter, HTML metadata and JSON records.
META_KEYS = ("title", "source", "date", "section", "url", "byline")
_ALIASES = {"author": "byline", "authors": "byline", "sitename": "source", "link": "url"}
#: Fields that hold a JSON record's own id, tried in this order.
ID_FIELDS = ("id", "_id", "uuid", "article_id", "doc_id")

_MOVE_IT = "remove it or move it out of the corpus folder"


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


def sample_corpus_path() -> Path:
    """The folder of the bundled fictional sample corpus."""
    return Path(__file__).resolve().parent / "sample"


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
        defaults = _SAMPLE_META if _is_sample(root) else {}
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
    defaults = _SAMPLE_META if _is_sample(Path(root)) else {}
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
                f"{rel}: cannot be read (broken link or the file was removed); {_MOVE_IT}",
            )
        ]
    except _NotRegularFile:
        return [
            ArticleError(
                rel, where, f"{rel}: not a regular file (a pipe, socket or device); {_MOVE_IT}"
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
        return [ArticleError(rel, where, f"{rel}: cannot be read ({reason}); {_MOVE_IT}")]

    digest = ""
    if index is not None:
        digest = digest_of(data)
        known = index.lookup(rel, where, data, digest)
        if known is not None:
            return known

    try:
        decoded = decode_bytes(data)
    except NotTextError as reason:
        return [ArticleError(rel, where, f"{rel}: {reason}; {_MOVE_IT}")]
    del data  # a 20 MB article need not be held twice while it is parsed
    text = decoded.text
    warnings = (decoded.warning,) if decoded.warning else ()
    if not text or text.isspace():
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: the file is empty (no text); add the article text or {_MOVE_IT}",
            )
        ]

    try:
        items = _READERS[kind](text, rel, where, warnings, defaults)
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


# --- metadata helpers -------------------------------------------------------------


def _meta_value(value: Any) -> str | None:
    """A metadata value as one string (None when there is nothing useful)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        parts = [p for p in (_meta_value(v) for v in value) if p]
        return ", ".join(parts) if parts else None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(str(value).split())
    return text or None


def _collect_meta(fields: Mapping[str, Any], *, known_only: bool = False) -> dict[str, str]:
    """Metadata strings from a mapping; aliases (``author``) map to their key (``byline``)."""
    meta: dict[str, str] = {}
    for key, value in fields.items():
        key = str(key)
        name = _ALIASES.get(key.lower(), key)
        if known_only and name not in META_KEYS:
            continue
        if key.startswith("_") or key == "text":
            continue
        text = _meta_value(value)
        if text is not None and name not in meta:
            meta[name] = text
    return meta


def _build(
    *,
    rel: str,
    where: str,
    text: str,
    meta: dict[str, str],
    warnings: tuple[str, ...],
    start: int = 0,
    article_id: str | None = None,
    defaults: Mapping[str, str],
    title: str | None = None,
) -> Article:
    """Find header shapes in ``text[start:]`` and make the Article (title fallback chain).

    ``title`` is used when ``meta`` has none (a title found some other way).
    """
    known_title = meta.pop("title", None) or title
    header = parse_header(text, start, known_title=known_title)
    merged = dict(defaults)
    merged.update(header.meta)
    if "date" in meta:
        # One shape in the article list: "Sep 29, 2022" and "2022-09-29T10:00" read alike
        # (header dates are already ISO where they can be).
        meta["date"] = iso_date(meta["date"]) or meta["date"]
    merged.update(meta)  # explicit metadata wins over what the header lines suggest
    title = (
        known_title
        or (shorten(header.headline, 200) if header.headline else None)
        or _titled(header.first_line)
        or _first_line(text, start)
        or rel.rsplit("/", 1)[-1]
    )
    return Article(
        id=article_id or rel,
        path=where,
        text=text,
        title=title,
        meta=merged,
        body_start=header.body_start,
        body_end=header.body_end,
        warnings=warnings,
    )


def _titled(line: str | None) -> str | None:
    """A line as a title, or None when it has no letters or digits (``---``, ``* * *``)."""
    if not line or not any(ch.isalnum() for ch in line[:200]):
        return None
    return shorten(line)


def _first_line(text: str, start: int) -> str | None:
    for line in text[start : start + 2000].splitlines():
        titled = _titled(line.strip())
        if titled:
            return titled
    return None


# --- readers -------------------------------------------------------------------------

Reader = Callable[[str, str, str, tuple[str, ...], Mapping[str, str]], list[Article | ArticleError]]


def _read_text(
    text: str, rel: str, where: str, warnings: tuple[str, ...], defaults: Mapping[str, str]
):
    return [_build(rel=rel, where=where, text=text, meta={}, warnings=warnings, defaults=defaults)]


def _front_matter(text: str) -> tuple[int, int, int] | None:
    """``(yaml_start, yaml_end, body_start)`` when ``text`` opens with a ``---`` block.

    The block closes with a ``---`` (or ``...``) line; None when there is no block or
    it never closes.
    """
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].rstrip() != "---":
        return None
    pos = first_nl + 1
    while pos < len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl < 0 else nl
        if text[pos:stop].rstrip() in ("---", "..."):
            return first_nl + 1, pos, stop if nl < 0 else nl + 1
        if nl < 0:
            break
        pos = nl + 1
    return None


def _read_markdown(
    text: str, rel: str, where: str, warnings: tuple[str, ...], defaults: Mapping[str, str]
):
    block = _front_matter(text)
    if block is None:
        if text.split("\n", 1)[0].rstrip() == "---":
            warnings += ("front matter has no closing '---' line; it is shown as text",)
        return [
            _build(rel=rel, where=where, text=text, meta={}, warnings=warnings, defaults=defaults)
        ]

    import yaml

    yaml_start, yaml_end, body_start = block
    source = text[yaml_start:yaml_end]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    problem: str | None = None
    try:
        fields = yaml.load(source, Loader=loader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where_in = f"line {mark.line + 2}: " if mark is not None else ""
        reason = getattr(error, "problem", None) or "invalid YAML"
        problem = f"front matter is not valid YAML ({where_in}{reason}); it is shown as text"
        fields = None
    if problem is None and not isinstance(fields, dict):
        problem = "front matter is not a set of 'key: value' lines; it is shown as text"
    if problem is not None:
        # Keep the whole file as the body so the user sees (and can fix) the front
        # matter, but take the title from what follows it.
        after = parse_header(text, body_start)
        return [
            _build(
                rel=rel,
                where=where,
                text=text,
                meta={},
                warnings=(*warnings, problem),
                defaults=defaults,
                title=after.headline or _titled(after.first_line),
            )
        ]
    if body_start >= len(text) or text[body_start:].isspace():
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: no article text after the front matter; add the text or {_MOVE_IT}",
            )
        ]
    fields, replaced = _surrogates_replaced(fields, "front matter")  # YAML "\ud83d" too
    meta = _collect_meta(fields)
    return [
        _build(
            rel=rel,
            where=where,
            text=text,
            meta=meta,
            warnings=warnings + replaced,
            start=body_start,
            defaults=defaults,
        )
    ]


def _read_html(
    text: str, rel: str, where: str, warnings: tuple[str, ...], defaults: Mapping[str, str]
):
    import trafilatura  # heavy: imported only when a corpus has HTML

    document = trafilatura.bare_extraction(
        text, with_metadata=True, favor_recall=True, include_comments=False
    )
    body = getattr(document, "text", None) if document is not None else None
    if not body or body.isspace():
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: no article text found in the HTML; "
                f"save the article text as .txt, or {_MOVE_IT}",
            )
        ]
    fields = {
        "title": getattr(document, "title", None),
        "byline": getattr(document, "author", None),
        "date": getattr(document, "date", None),
        "url": getattr(document, "url", None),
        "source": getattr(document, "sitename", None),
    }
    meta = _collect_meta(fields)
    return [
        _build(rel=rel, where=where, text=body, meta=meta, warnings=warnings, defaults=defaults)
    ]


class _RecordIds:
    """Hands out the ids of the records of one file (see the module docstring)."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.taken: dict[str, str] = {}  # id -> where its record is ("line 3")

    def assign(self, value: dict[str, Any], text: str, place: str) -> tuple[str, tuple[str, ...]]:
        """The id of the record at ``place`` and warnings about how it was chosen."""
        warnings: list[str] = []
        own = None
        for name in ID_FIELDS:
            raw = value.get(name)
            if raw is None:
                continue
            if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip():
                warnings.append(
                    f'{place}: "{name}" is not a usable id (a string or an integer); '
                    "the record is known by its text"
                )
            else:
                own = f"{self.rel}#id:{raw}"
                if own in self.taken:
                    warnings.append(
                        f'{place}: "{name}" {str(raw)!r} is also the id of the record on '
                        f"{self.taken[own]}; this one is known by its text (give each record "
                        "its own id)"
                    )
                    own = None
            break
        if own is None:
            base = f"{self.rel}#t:{text_hash(text)[:12]}"
            own, copy = base, 1
            while own in self.taken:
                copy += 1
                own = f"{base}-{copy}"
            if copy > 1:
                warnings.append(
                    f"{place}: same text as the record on {self.taken[base]}; "
                    f"copy {copy} in file order"
                )
        self.taken[own] = place
        return own, tuple(warnings)


def _record(
    value: Any,
    *,
    rel: str,
    where: str,
    place: str | None,
    ids: _RecordIds | None,
    warnings: tuple[str, ...],
    defaults: Mapping[str, str],
    surrogates: bool = False,
) -> Article | ArticleError:
    """One JSON record (``text``, optional ``title``, ``meta``, id) as an Article or an error.

    ``place`` says where the record is in its file ("line 3", "record 2"; None for a
    file of one object, which takes the file's id); ``ids`` hands out record ids.
    ``surrogates``: its JSON source holds ``\\udXXX`` escapes, so lone surrogates are
    replaced (with a warning) before anything reads the record.
    """
    if surrogates:
        value, replaced = _surrogates_replaced(value, place)
        warnings += replaced
    label = f"{rel} {place}" if place else rel
    error_id = f"{rel}#{place.replace(' ', ':')}" if place else rel
    if not isinstance(value, dict):
        return ArticleError(
            error_id, where, f'{label}: not a JSON object; each record needs a "text" field'
        )
    text = value.get("text")
    if not isinstance(text, str):
        what = 'has no "text" field' if text is None else 'has a "text" field that is not a string'
        return ArticleError(error_id, where, f'{label}: record {what}; add the article text as "text"')
    if not text or text.isspace():
        return ArticleError(
            error_id,
            where,
            f'{label}: record has an empty "text"; add the article text or remove the record',
        )
    article_id = rel
    if ids is not None and place is not None:
        article_id, id_warnings = ids.assign(value, text, place)
        warnings += id_warnings
    meta = _collect_meta(value, known_only=True)
    extra = value.get("meta")
    if isinstance(extra, dict):
        for key, item in _collect_meta(extra).items():
            meta.setdefault(key, item)
    elif extra is not None:
        warnings += ('"meta" is not an object; it was ignored',)
    return _build(
        rel=rel,
        where=where,
        text=text,
        meta=meta,
        warnings=warnings,
        article_id=article_id,
        defaults=defaults,
    )


def _surrogates_replaced(value: Any, place: str | None) -> tuple[Any, tuple[str, ...]]:
    """``value`` without lone surrogates, and the warning saying how many were replaced."""
    value, count = without_surrogates(value)
    if not count:
        return value, ()
    where = f"{place}: " if place else ""
    return value, (
        f"{where}{count} lone surrogate escape(s) such as \\ud83d (half of an emoji) "
        "replaced with U+FFFD; fix the record",
    )


def _read_jsonl(
    text: str, rel: str, where: str, warnings: tuple[str, ...], defaults: Mapping[str, str]
):
    items: list[Article | ArticleError] = []
    ids = _RecordIds(rel)
    # Lines end at "\n" only: U+2028 or U+0085 inside a JSON string is not a line break.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        place = f"line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            items.append(
                ArticleError(
                    f"{rel}#line:{number}",
                    where,
                    f"{rel} {place}: not valid JSON ({error.msg} at column {error.colno}); "
                    "fix or remove the line",
                )
            )
            continue
        except (RecursionError, ValueError) as error:  # "[" * 100_000; a 5,000-digit number
            why = "nested too deeply" if isinstance(error, RecursionError) else str(error).partition(":")[0]
            items.append(
                ArticleError(f"{rel}#line:{number}", where, f"{rel} {place}: not valid JSON ({why}); fix or remove the line")
            )
            continue
        items.append(
            _record(
                value,
                rel=rel,
                where=where,
                place=place,
                ids=ids,
                warnings=warnings,
                defaults=defaults,
                surrogates=SURROGATE_ESCAPE.search(line) is not None,
            )
        )
    if not items:
        items.append(
            ArticleError(rel, where, f"{rel}: no records (every line is blank); {_MOVE_IT}")
        )
    return items


def _read_json(
    text: str, rel: str, where: str, warnings: tuple[str, ...], defaults: Mapping[str, str]
):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: not valid JSON ({error.msg} at line {error.lineno}, "
                f"column {error.colno}); fix the file",
            )
        ]
    except (RecursionError, ValueError) as error:  # "[" * 100_000; a 5,000-digit number
        why = "nested too deeply" if isinstance(error, RecursionError) else str(error).partition(":")[0]
        return [ArticleError(rel, where, f"{rel}: not valid JSON ({why}); fix the file")]
    escapes = SURROGATE_ESCAPE.search(text) is not None
    if not isinstance(value, list):
        return [
            _record(
                value, rel=rel, where=where, place=None, ids=None, warnings=warnings,
                defaults=defaults, surrogates=escapes,
            )
        ]
    if not value:
        return [ArticleError(rel, where, f"{rel}: an empty JSON list (no records); {_MOVE_IT}")]
    ids = _RecordIds(rel)
    return [
        _record(
            item,
            rel=rel,
            where=where,
            place=f"record {n}",
            ids=ids,
            warnings=warnings,
            defaults=defaults,
            surrogates=escapes,
        )
        for n, item in enumerate(value, start=1)
    ]


_READERS: dict[str, Reader] = {
    "text": _read_text,
    "markdown": _read_markdown,
    "html": _read_html,
    "jsonl": _read_jsonl,
    "json": _read_json,
}

# --- the bundled sample ------------------------------------------------------------------

#: Every article of the bundled sample is fiction, and says so in its metadata.
_SAMPLE_META: Mapping[str, str] = {"source": "claimscope sample (fictional)", "fictional": "true"}


@functools.lru_cache(maxsize=64)
def _is_sample(root: Path) -> bool:
    """True when ``root`` is (inside) the bundled sample folder (cached: asked once per file)."""
    sample = sample_corpus_path()
    try:
        resolved = root.resolve()
    except OSError:
        return False
    return resolved == sample or sample in resolved.parents
