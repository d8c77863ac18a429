"""An article's metadata strings and title, and the `Article` a reader builds from its text.

``Article.meta`` holds strings only: ``source``, ``date`` (``YYYY-MM-DD`` when it can
be read for sure), ``section``, ``url``, ``byline`` (front matter ``author`` counts),
``dateline``, ``caption``, plus any other front matter or record ``meta`` keys. Title:
the metadata title, else the headline, else the first body line (without its
dateline, shortened), else the file name. Header shapes (date/section line, headline,
caption, dateline, trailing cruft) set ``body_start``/``body_end`` and metadata; the
dateline stays inside the body (see ``corpus/headers.py``).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from typing import Any

from corpus.headers import iso_date, parse_header, shorten
from corpus.model import Article

#: Metadata keys read from front matter, HTML metadata and JSON records.
META_KEYS = ("title", "source", "date", "section", "url", "byline")
_ALIASES = {"author": "byline", "authors": "byline", "sitename": "source", "link": "url"}


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


def collect_meta(fields: Mapping[str, Any], *, known_only: bool = False) -> dict[str, str]:
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


def build_article(
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
        or titled(header.first_line)
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


def titled(line: str | None) -> str | None:
    """A line as a title, or None when it has no letters or digits (``---``, ``* * *``)."""
    if not line or not any(ch.isalnum() for ch in line[:200]):
        return None
    return shorten(line)


def _first_line(text: str, start: int) -> str | None:
    for line in text[start : start + 2000].splitlines():
        title = titled(line.strip())
        if title:
            return title
    return None

