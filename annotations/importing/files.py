"""The import file read as text and told apart: CSV or JSON lines. A file that is
neither (missing, a folder, binary, not UTF-8, one JSON array, no JSON object) is
refused in one line naming it (:class:`ImportFileError`), not reported line by line.
"""

from __future__ import annotations

from pathlib import Path

from annotations.errors import ImportFileError

#: What an import reads, said after every refusal.
WHAT_FITS = (
    "import Prodigy or doccano JSONL, or a CSV written by `claimscope export --format csv`"
)



def read_text(path: Path) -> str:
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file; {WHAT_FITS}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist; {WHAT_FITS}") from None
    except OSError as error:
        raise ImportFileError(f"cannot read {path} ({error.strerror})") from None
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{path} is a zip file (a spreadsheet such as .xlsx?), not text; save it as CSV "
            f"or {WHAT_FITS}"
        )
    if b"\x00" in raw[:65536]:
        raise ImportFileError(f"{path} is binary data, not text; {WHAT_FITS}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"{path} is not UTF-8 text (line {line}); {WHAT_FITS}"
        ) from None


def is_csv(path: Path, text: str) -> bool:
    """CSV by content first (a JSON object on the first line is JSONL), then by name or header.

    Anything that is neither is refused in one line rather than reported line by line.
    """
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if first.startswith("{"):
        return False
    if path.suffix.lower() == ".csv" or first.startswith(("article_id,", '"article_id"')):
        return True
    if first.startswith("["):
        raise ImportFileError(
            f"{path} holds one JSON array, not JSON lines (one object per line); {WHAT_FITS}"
        )
    if not any(line.lstrip().startswith("{") for line in text.split("\n")):
        if not first:
            return False  # empty: nothing to import, nothing wrong
        raise ImportFileError(
            f"{path} is neither JSON lines nor a claimscope CSV export (no line is a JSON "
            f"object); {WHAT_FITS}"
        )
    return False
