"""Where a store lives and what its folders and files are called.

The store folder (``<corpus>/.claimscope``, or a per-corpus data folder when the corpus
folder cannot be written), its file names, the folder of each annotator's shard (the
name percent-encoded, with an ``annotator.json`` naming it when cut), the file name of
an article, and whether a folder can be written. Nothing here opens a store.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

from annotations.errors import StoreError
from annotations.storage import atomic_write_text, dump_json, read_json

STORE_DIR_NAME = ".claimscope"
STORE_META = "store.json"
INDEX_FILE = "index.json"
ARTICLES_DIR = "articles"
BACKUPS_DIR = "backups"
ANNOTATORS_DIR = "annotators"
#: the shard holding adjudicated (gold) labels; each record's ``annotator`` is who decided
GOLD_SHARD = "_gold"


#: longest shard folder name kept whole; longer ones become a prefix plus a hash (the
#: percent-encoding of a 64-character non-ASCII name is over the 255-byte name limit)
MAX_SHARD_NAME = 100
#: in a shard folder: the annotator's name as given (``{"annotator": ...}``)
SHARD_META = "annotator.json"


def shard_folder_name(annotator: str) -> str:
    """The folder of an annotator's shard: the name percent-encoded, so any name maps to
    one safe folder and back (:func:`annotator_of_folder`); a leading ``.`` or ``_`` is
    encoded too, keeping hidden names and ``_gold`` for the store. A name longer than
    :data:`MAX_SHARD_NAME` encoded is cut (never inside an escape) and a hash added; the
    shard's ``annotator.json`` then names its annotator."""
    name = _encoded(annotator)
    if len(name) > MAX_SHARD_NAME:
        digest = hashlib.sha256(annotator.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        head = ""  # whole characters, so the prefix stays readable
        for char in annotator:
            if len(_encoded(head + char)) > 60:
                break
            head += char
        name = f"{_encoded(head)}~{digest}"
    return name


def _encoded(annotator: str) -> str:
    name = quote(annotator, safe="") or "%00"
    if name[0] in "._":
        name = f"%{ord(name[0]):02X}{name[1:]}"
    return name


def annotator_of_folder(folder: str | Path, problems: list[str] | None = None) -> str:
    """The annotator whose shard is ``folder`` (see :func:`shard_folder_name`): a folder
    path's ``annotator.json`` when it has one, else its name decoded.

    An ``annotator.json`` that cannot be used is left as it is and named in ``problems``."""
    decoded = Path(folder).name if isinstance(folder, Path) else folder
    decoded = "" if decoded == "%00" else unquote(decoded)
    if not isinstance(folder, Path):
        return decoded
    meta = folder / SHARD_META
    if not meta.exists():
        return decoded
    try:
        name = read_json(meta).get("annotator")
        why = f"store file {meta} does not name its annotator"
    except StoreError as error:  # not JSON, nested too deeply, unreadable
        name, why = None, str(error)
    except AttributeError:
        name, why = None, f"store file {meta} does not hold a JSON object"
    if isinstance(name, str):
        return name
    if problems is not None:
        problems.append(f"{why}; the shard's annotator is taken from its folder name ({decoded!r})")
    return decoded


def check_annotator(annotator: str) -> str:
    """``annotator`` when it can name a shard; raises :class:`StoreError` (one line) when
    it is empty or only spaces."""
    if not annotator.strip():
        raise StoreError(
            f"annotator name {annotator!r} is blank; give a name with --annotator NAME "
            "or $CLAIMSCOPE_ANNOTATOR"
        )
    return annotator


def article_files(store_dir: Path) -> list[Path]:
    """Every article file of a store folder, old layout (``articles/``) and shards alike."""
    store_dir = Path(store_dir)
    files = list((store_dir / ARTICLES_DIR).glob("*.json"))
    files.extend(store_dir.glob(f"{ANNOTATORS_DIR}/*/{ARTICLES_DIR}/*.json"))
    return sorted(f for f in files if not f.name.startswith("."))


def default_store_dir(corpus_root: Path) -> Path:
    """``<corpus>/.claimscope``, or a per-corpus data folder when that cannot be used.

    An existing store with labels is always used where it is, even when it cannot be
    written (it then opens read-only, saying why): swapping it for an empty one would
    hide its labels. The data folder (``$CLAIMSCOPE_DATA_DIR`` or platformdirs'
    ``user_data_dir("claimscope")``, then ``stores/<basename>-<hash of the path>``)
    is only for a corpus with no store yet whose folder cannot be written, and for
    the bundled sample.
    """
    folder = corpus_folder(corpus_root)
    local = folder / STORE_DIR_NAME
    if _is_bundled_sample(folder):
        return data_store_dir(folder)  # never write inside the installed package
    if local.is_dir():
        if _has_data(local) or unwritable_reason(local) is None:
            return local
    elif unwritable_reason(folder) is None:
        return local
    return data_store_dir(folder)


def corpus_folder(corpus_root: Path) -> Path:
    """The folder a corpus's store belongs to (the parent of a one-file corpus)."""
    root = Path(corpus_root).expanduser().resolve()
    return root if root.is_dir() else root.parent


def unwritable_reason(folder: Path) -> str | None:
    """Why ``folder`` cannot be written (``read-only file system``, ...), None when it can."""
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except (OSError, AttributeError):  # no statvfs on Windows
        pass
    return "no permission to write there" if folder.exists() else "folder missing"


def _has_data(store_dir: Path) -> bool:
    """True when a store folder holds a store (its meta file or any article file)."""
    return (store_dir / STORE_META).exists() or bool(article_files(store_dir))


def store_fingerprint(store_dir: Path) -> str | None:
    """A digest of the names, sizes and times of a store's article files (None: no files).

    Cheap (no file is read): it tells whether a fallback store changed since it was merged.
    """
    try:
        entries = [
            # Old-layout files by name alone, as before shards: merged stores stay merged.
            (f.name if f.parent.parent == Path(store_dir) else str(f.relative_to(store_dir)),
             st.st_size, st.st_mtime_ns)
            for f in article_files(Path(store_dir))
            for st in (f.stat(),)
        ]
    except OSError:
        return None
    if not entries:
        return None
    return hashlib.sha256(repr(entries).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _is_bundled_sample(folder: Path) -> bool:
    try:
        from corpus.articles import sample_corpus_path

        return folder == sample_corpus_path().resolve()
    except (ImportError, OSError):  # pragma: no cover
        return False


def data_store_dir(folder: Path) -> Path:
    """The per-corpus store folder inside the user data directory."""
    env = os.environ.get("CLAIMSCOPE_DATA_DIR")
    if env:
        base = Path(env)
    else:
        from platformdirs import user_data_dir

        base = Path(user_data_dir("claimscope"))
    digest = hashlib.sha256(str(folder).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    name = _slug(folder.name) or "corpus"
    return base / "stores" / f"{name}-{digest}"


def article_file_name(article_id: str) -> str:
    """A safe, stable file name for an article id: readable slug plus a short hash."""
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    slug = _slug(article_id)[:60].strip("-") or "article"
    return f"{slug}-{digest}.json"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _name_shard(shard: Path, annotator: str) -> None:
    """Write the shard's ``annotator.json`` once (its folder name may be cut, see
    :func:`shard_folder_name`); a failure only leaves the folder name to go by."""
    meta = shard / SHARD_META
    if not meta.exists():
        try:
            atomic_write_text(meta, dump_json({"annotator": annotator}))
        except OSError:
            pass
