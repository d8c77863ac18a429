"""One reader per article file format: the decoded text of a file in, its articles out.

What ``Article.text`` holds, per format:

* ``.txt``: the decoded file text, unaltered.
* ``.md``: the decoded file text *including* any YAML front matter; ``body_start``
  skips the front matter and any header lines.
* ``.html``: the main text that trafilatura extracts (the markup is not the article).
* ``.jsonl`` / ``.json``: the record's ``text`` field (record ids: ``corpus/record_ids.py``).

Broken YAML front matter does not lose the article: it loads with the front matter
left in its body and a warning in ``Article.warnings`` saying which line is wrong.

A JSON string may hold a lone surrogate (``"\ud83d"``), which no file can encode;
each is read as U+FFFD (one character for one, so offsets are unchanged) with a
warning naming the record's line.

A problem inside a file becomes an ``ArticleError`` whose message is one line (file,
what, why, what to do). :data:`READERS` maps the reader names of
``corpus.articles.SUFFIXES`` to the readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from corpus.decoding import SURROGATE_ESCAPE, without_surrogates
from corpus.headers import parse_header
from corpus.metadata import build_article, collect_meta, titled
from corpus.model import Article, ArticleError
from corpus.record_ids import RecordIds

#: The end of the message of a file that is not an article.
MOVE_IT = "remove it or move it out of the corpus folder"

Reader = Callable[[str, str, str, tuple[str, ...], Mapping[str, str]], list[Article | ArticleError]]


def _read_text(
    text: str, rel: str, where: str, warnings: tuple[str, ...], defaults: Mapping[str, str]
):
    return [build_article(rel=rel, where=where, text=text, meta={}, warnings=warnings, defaults=defaults)]


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
            build_article(rel=rel, where=where, text=text, meta={}, warnings=warnings, defaults=defaults)
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
            build_article(
                rel=rel,
                where=where,
                text=text,
                meta={},
                warnings=(*warnings, problem),
                defaults=defaults,
                title=after.headline or titled(after.first_line),
            )
        ]
    if body_start >= len(text) or text[body_start:].isspace():
        return [
            ArticleError(
                rel,
                where,
                f"{rel}: no article text after the front matter; add the text or {MOVE_IT}",
            )
        ]
    fields, replaced = _surrogates_replaced(fields, "front matter")  # YAML "\ud83d" too
    meta = collect_meta(fields)
    return [
        build_article(
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
                f"save the article text as .txt, or {MOVE_IT}",
            )
        ]
    fields = {
        "title": getattr(document, "title", None),
        "byline": getattr(document, "author", None),
        "date": getattr(document, "date", None),
        "url": getattr(document, "url", None),
        "source": getattr(document, "sitename", None),
    }
    meta = collect_meta(fields)
    return [
        build_article(rel=rel, where=where, text=body, meta=meta, warnings=warnings, defaults=defaults)
    ]


def _record(
    value: Any,
    *,
    rel: str,
    where: str,
    place: str | None,
    ids: RecordIds | None,
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
    meta = collect_meta(value, known_only=True)
    extra = value.get("meta")
    if isinstance(extra, dict):
        for key, item in collect_meta(extra).items():
            meta.setdefault(key, item)
    elif extra is not None:
        warnings += ('"meta" is not an object; it was ignored',)
    return build_article(
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
    ids = RecordIds(rel)
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
            ArticleError(rel, where, f"{rel}: no records (every line is blank); {MOVE_IT}")
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
        return [ArticleError(rel, where, f"{rel}: an empty JSON list (no records); {MOVE_IT}")]
    ids = RecordIds(rel)
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


READERS: dict[str, Reader] = {
    "text": _read_text,
    "markdown": _read_markdown,
    "html": _read_html,
    "jsonl": _read_jsonl,
    "json": _read_json,
}
