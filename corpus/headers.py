"""News header shapes in plain text: where the body starts and ends, and what the header says.

Recognised at the top of a text (each optional, in this order)::

    Sep 29, 2022 - World                      date and section line
    Putin says ... as some Russians resist    headline (short, no final full stop)
    New recruits ... Photo: Name/Agency       caption / photo credit line
    MOSCOW — When ...                         dateline at the start of the body

and at the bottom, whole lines of navigation cruft such as ``The latest:`` or
``Go deeper``. Only lines are looked at, never rewritten: the result is a set of
absolute offsets into the unchanged text plus a few metadata strings.

The dateline stays *inside* the body (``body_start`` is the start of its line):
it is part of the first sentence, and the place it names is worth highlighting.
It is recorded as ``meta["dateline"]``.

Only a bounded number of lines at each end is examined, and each line only up to
:data:`_LINE_LIMIT` characters, so a 20 MB article or a 1 MB line costs the same
as a short one.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

#: At most this many cruft lines are cut from the bottom.
_MAX_LINES = 8
#: Characters of a line that the patterns look at (header lines are short).
_LINE_LIMIT = 400
#: Longest line that can be a headline.
_HEADLINE_MAX = 200
#: Titles made from the first line of a text are cut to about this length.
TITLE_MAX = 80

class _Lazy:
    """A regular expression compiled when first used.

    The patterns below took about 4 ms to compile at import, on every start of the
    app, though a warm metadata index (``corpus/index.py``) never parses a header.
    """

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
# Named parts so the date can be written as ISO without parsing it a second time.
_DATE = (
    rf"{_WEEKDAY}(?:"
    rf"(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"  # Sep 29, 2022
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}})"  # 29 Sep 2022
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"  # 2022-09-29
    r"|\d{1,2}/\d{1,2}/\d{4}"  # 09/29/2022: day and month order unknown
    r")"
)
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?"
#: "Sep 29, 2022 - World", "29 September 2022 | Business", or a date alone.
_DATE_LINE = _Lazy(
    rf"(?P<date>{_DATE}){_TIME}(?:\s*[-–—|·•]\s*(?P<section>[^\W\d_][\w &/,.'’-]{{0,48}}))?",
    re.IGNORECASE,
)
#: "MOSCOW —", "LISBON –", "NEW YORK (Reuters) -", "SÃO PAULO, Brazil —"
_DATELINE = _Lazy(
    r"(?P<place>[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_][^\W\d_.'’-]*){0,4}\.?)"
    r"(?:,\s+[^\W\d_][\w.]*(?:\s+[^\W\d_][\w.]*){0,2})?"
    r"(?:\s*\([^()\n]{1,30}\))?"
    r"\s*(?:—|–|--|-)\s+(?=\S)"
)
#: A caption or photo credit line.
_CAPTION = _Lazy(
    r"\b(?:photo(?:graph)?s?|image|picture|credit|illustration)\s*(?::|by\b)"
    r"|\bvia\s+getty\s+images\b|\bgetty\s+images\b|\bap\s+photo\b|\b(?:AFP|Reuters|EPA)\s*$"
    r"|^\s*\((?:photo|image)\b",
    re.IGNORECASE,
)
#: Whole lines at the end of an article that belong to the website, not the story.
_CRUFT = _Lazy(
    r"(?:go\s+deeper|the\s+latest|read\s+more|more\s+on\s+this(?:\s+story)?|related(?:\s+(?:articles|stories|coverage))?"
    r"|recommended(?:\s+for\s+you)?|most\s+read|more\s+stories|more\s+from\s+\w+(?:\s+\w+)?"
    r"|share(?:\s+this(?:\s+(?:article|story))?)?|advertisement|subscribe(?:\s+now)?"
    r"|sign\s+up(?:\s+for\s+[\w ]{1,40})?|follow\s+us(?:\s+on\s+[\w ]{1,30})?|comments?"
    r"|keep\s+reading|continue\s+reading|what\s+to\s+read\s+next|topics?|tags?"
    r"|back\s+to\s+top|skip\s+to\s+content|print|email|newsletter)"
    r"\s*[:.…>»→]*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Header:
    """What the header shapes of one text say.

    ``body_start``/``body_end`` are absolute offsets into the text; ``body_end`` is
    -1 when the body runs to the end of the examined range's text.
    """

    body_start: int
    body_end: int
    headline: str | None = None
    first_line: str | None = None  # the first body line, without its dateline (title fallback)
    meta: dict[str, str] = field(default_factory=dict)


def _lines_backward(text: str, start: int, end: int):
    """Yield ``(line_start, line_end_without_newline)`` from the last line back to ``start``."""
    stop = end
    while stop > start:
        nl = text.rfind("\n", start, stop)
        line_start = start if nl < 0 else nl + 1
        line_stop = stop
        if line_stop > line_start and text[line_stop - 1] == "\r":
            line_stop -= 1
        yield line_start, line_stop
        if nl < 0:
            break
        stop = nl


def _same_title(a: str, b: str) -> bool:
    """Headline and known title match, ignoring case, spacing and a leading ``#``."""

    def norm(s: str) -> str:
        return " ".join(s.lstrip("#").split()).casefold()

    return norm(a) == norm(b)


def shorten(line: str, limit: int = TITLE_MAX) -> str:
    """Cut a line to about ``limit`` characters at a word boundary, adding an ellipsis."""
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_DATE_PARTS = _Lazy(
    r"(\d{4})-(\d{2})-(\d{2})|(\d{4})|(\d{1,2})(?:st|nd|rd|th)?|([^\W\d_]{3,})"
)


def _iso_from(match: re.Match[str]) -> str | None:
    """``YYYY-MM-DD`` from the named parts of a :data:`_DATE_LINE` match."""
    parts = match.groupdict()
    if parts["y3"]:
        year, month, day = int(parts["y3"]), int(parts["m3"]), int(parts["d3"])
    elif parts["y1"] or parts["y2"]:
        year = int(parts["y1"] or parts["y2"])
        day = int(parts["d1"] or parts["d2"])
        month = _MONTHS[(parts["m1"] or parts["m2"])[:3].lower()]
    else:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_date(raw: str) -> str | None:
    """``YYYY-MM-DD`` for a date line's date (``Sep 29, 2022``, ``29 September 2022``, ISO).

    None when it cannot be read for sure (``09/10/2022`` could be either order).
    """
    day = month = year = None
    for iso_y, iso_m, iso_d, four, number, word in _DATE_PARTS.findall(raw):
        if iso_y:  # ISO date first: what follows is a time, not a day
            year, month, day = int(iso_y), int(iso_m), int(iso_d)
            break
        if four:
            year = int(four)
        elif number:
            day = int(number)
        elif word and word[:3].lower() in _MONTHS and month is None:
            month = _MONTHS[word[:3].lower()]
    if day is None or month is None or year is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def dateline_of(line: str) -> tuple[str, int] | None:
    """``(place, length)`` when ``line`` starts with an upper-case dateline like ``MOSCOW —``."""
    # Cheap test first: a dateline starts with two capital letters.
    if not line[:2].isupper():
        return None
    match = _DATELINE.match(line)
    if match is None:
        return None
    place = match.group("place").strip()
    letters = [ch for ch in place if ch.isalpha()]
    if len(letters) < 2 or not all(ch.isupper() for ch in letters):
        return None
    return place, match.end()


def is_cruft(line: str) -> bool:
    """True for a whole line of site navigation (``Go deeper``, ``The latest:`` ...)."""
    return len(line) <= 60 and _CRUFT.fullmatch(line.strip()) is not None


def is_caption(line: str) -> bool:
    """True for a photo caption / credit line."""
    if len(line) > _LINE_LIMIT:
        return False
    low = line.lower()
    # Most lines are body text: substring tests reject them far faster than the regex.
    if not (
        "photo" in low
        or "image" in low
        or "picture" in low
        or "credit" in low
        or "illustration" in low
        or "afp" in low
        or "reuters" in low
        or "epa" in low
    ):
        return False
    return _CAPTION.search(line) is not None


def _next_line(text: str, pos: int, end: int) -> tuple[int, int, int, str] | None:
    """The first non-blank line at or after ``pos``: ``(start, stop, next_start, clipped)``."""
    while pos < end:
        nl = text.find("\n", pos, end)
        nxt = end if nl < 0 else nl + 1
        stop = end if nl < 0 else nl
        if stop > pos and text[stop - 1] == "\r":
            stop -= 1
        line = text[pos : min(stop, pos + _LINE_LIMIT)].strip()
        if line:
            return pos, stop, nxt, line
        pos = nxt
    return None


def _blank_follows(text: str, pos: int, end: int) -> bool:
    """True when the line starting at ``pos`` is blank (or the text ends there)."""
    nl = text.find("\n", pos, min(end, pos + _LINE_LIMIT))
    stop = min(end, pos + _LINE_LIMIT) if nl < 0 else nl
    return not text[pos:stop].strip()


def _date_line_at(top: list[tuple[int, int, int, str]], i: int) -> bool:
    """Whether line ``i`` of the top lines is a date (and section) line of its own."""
    return i < len(top) and top[i][1] - top[i][0] <= 80 and _DATE_LINE.fullmatch(top[i][3]) is not None


def parse_header(
    text: str, start: int = 0, end: int | None = None, known_title: str | None = None
) -> Header:
    """Find the header shapes in ``text[start:end]``; offsets returned are absolute.

    With ``known_title`` (from front matter, HTML metadata or a JSON record) a first
    line is taken as the headline only when it repeats that title.
    """
    end = len(text) if end is None else end
    meta: dict[str, str] = {}
    headline: str | None = None

    # The first few non-blank lines: date, headline, caption, first body line.
    top: list[tuple[int, int, int, str]] = []
    pos = start
    while len(top) < 4:
        found = _next_line(text, pos, end)
        if found is None:
            break
        top.append(found)
        pos = found[2]
    if not top:
        return Header(body_start=start, body_end=-1 if end == len(text) else end)
    i = 0  # index of the first line not (yet) taken as header

    # 1. Date (and section) line.
    a, b, _nxt, line = top[0]
    if b - a <= 80:
        match = _DATE_LINE.fullmatch(line)
        if match:
            meta["date"] = _iso_from(match) or match.group("date").strip()
            if match.group("section"):
                meta["section"] = " ".join(match.group("section").split())
            i = 1

    # 2. Headline: short, no closing full stop, set apart from what follows.
    if i + 1 < len(top):
        a, b, nxt, line = top[i]
        short = (b - a) <= _HEADLINE_MAX
        if known_title is not None:
            looks = short and _same_title(line, known_title)
        elif line.startswith("# "):
            looks = short
        else:
            looks = (
                short
                and not line.endswith((".", ",", ";", ":"))
                and (i > 0 or _blank_follows(text, nxt, end) or _date_line_at(top, i + 1))
                and dateline_of(line) is None
                and not is_caption(line)
            )
        if looks:
            headline = line.lstrip("#").strip()
            i += 1

    # 2b. A date line under the headline ("Monday, June 3, 2019"), when none stood above it.
    if "date" not in meta and headline is not None and _date_line_at(top, i) and i + 1 < len(top):
        match = _DATE_LINE.fullmatch(top[i][3])
        assert match is not None
        meta["date"] = _iso_from(match) or match.group("date").strip()
        if match.group("section"):
            meta["section"] = " ".join(match.group("section").split())
        i += 1

    # 3. Caption / photo credit (only right under a recognised header line).
    if 0 < i < len(top) - 1 and is_caption(top[i][3]):
        meta["caption"] = " ".join(top[i][3].split())
        i += 1

    if i >= len(top):
        # Everything was header; whatever follows is the (empty) body.
        body_start = top[-1][2]
        first_line = None
    else:
        body_start = top[i][0]
        first_line = top[i][3]
        dl = dateline_of(first_line)
        if dl is not None:
            meta["dateline"] = dl[0]
            first_line = first_line[dl[1] :]

    # 4. Trailing navigation cruft, whole lines only.
    body_end = end
    cut = False
    seen = 0
    for a, b in _lines_backward(text, body_start, end):
        if b - a > 60:  # longer than any cruft line: the body has been reached
            break
        line = text[a:b].strip()
        if not line:
            continue
        if seen >= _MAX_LINES or not is_cruft(line):
            break
        seen += 1
        body_end = a
        cut = True
    if cut:
        # Stop the body at its last visible character, not on the blank lines before the cruft.
        while body_end > body_start and text[body_end - 1].isspace():
            body_end -= 1
        if body_end <= body_start:  # nothing but cruft: keep the text rather than nothing
            body_end = end
            cut = end != len(text)

    return Header(
        body_start=body_start,
        body_end=body_end if (cut or end != len(text)) else -1,
        headline=headline,
        first_line=first_line,
        meta=meta,
    )


#: At most this many header lines sit above the body (date line, headline, caption).
_MAX_HEADER_LINES = 3


def header_lines(text: str, body_start: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the non-blank header lines just above ``body_start``, trimmed.

    Header recognition only adds metadata: these lines are still text that gets the
    entity, figure and date layers (``Sep 29, 2022 - World`` has a date). The walk
    back stops at a front matter fence (``---``) and after the few lines a header has.
    """
    lines: list[tuple[int, int]] = []
    for a, b in _lines_backward(text, max(0, body_start - 3 * _LINE_LIMIT), body_start):
        line = text[a:b].strip()
        if not line:
            continue
        if line in {"---", "..."} or len(lines) >= _MAX_HEADER_LINES or b - a > _LINE_LIMIT:
            break
        start = a + (len(text[a:b]) - len(text[a:b].lstrip()))
        end = b - (len(text[a:b]) - len(text[a:b].rstrip()))
        lines.append((start, end))
    lines.reverse()
    return lines


def header_date(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Absolute ``(start, end)`` of the date in a date line ``text[start:end]``
    (``Sep 29, 2022`` in ``Sep 29, 2022 - World``), or None when it is no date line."""
    if end - start > 80:
        return None
    match = _DATE_LINE.fullmatch(text, start, end)
    if match is None:
        return None
    return match.start("date"), match.end("date")
