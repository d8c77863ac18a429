"""Text from a file, a store or a network client, made safe to show on a terminal.

A terminal obeys the control characters in what it is sent: ``ESC ] 0 ; ... BEL``
sets the window title, ``ESC [ 2 J`` blanks the screen, and C1 characters (U+0080 to
U+009F, e.g. U+009B, a one-character CSI) do the same in many terminals. Article
text, titles, file names, annotator names, notes and label names can hold any of
them, so every such string passes :func:`visible` before it is printed or drawn.

The rule maps each control character to one visible character, so the text keeps
its length and every character offset into it (labels, highlights, search hits)
still points at the same character:

* C0 (U+0000 to U+001F) -> the Unicode Control Pictures U+2400 to U+241F
  (``ESC`` -> ``␛``, ``BEL`` -> ``␇``, ``CR`` -> ``␍``, ``LF`` -> ``␊``);
* DEL (U+007F) -> ``␡`` (U+2421);
* C1 (U+0080 to U+009F), which have no pictures -> ``�`` (U+FFFD).

Tab is kept unless asked otherwise. Text that wraps (an article, a note) keeps its
newlines and shows the characters that only lay text out (the ``\\r`` of a CRLF file,
vertical tab, form feed, the separators and NEL that end lines) as spaces, as they
have always looked: :func:`visible_lines`.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Every character a terminal may act on: C0, DEL and C1.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")

#: The stand-in of each control character (same length: one character each).
STAND_INS: dict[str, str] = {
    **{chr(code): chr(0x2400 + code) for code in range(0x20)},
    "\x7f": "\u2421",
    **{chr(code): "\ufffd" for code in range(0x80, 0xA0)},
}

#: Controls that only lay text out: in wrapped text they show as a space (a CRLF
#: file's ``\\r`` stays invisible at each line end).
LAYOUT = "\r\x0b\x0c\x1c\x1d\x1e\x85"


def visible(text: str, keep: str = "\t", blank: str = "") -> str:
    """``text`` with every control character replaced by its one-character stand-in.

    Characters in ``keep`` pass unchanged (tab by default), characters in ``blank``
    become a space. The result has the same length as ``text``, so offsets into one
    are offsets into the other. Text with no control character is returned as is
    (one regular-expression scan: cheap on a long article).
    """
    if _CONTROLS.search(text) is None:
        return text
    pattern, table = _replacer(keep, blank)
    return pattern.sub(lambda match: table[match.group()], text)


@lru_cache(maxsize=16)
def _replacer(keep: str, blank: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of the controls to replace (those not kept) and what each becomes."""
    table = {char: " " if char in blank else stand_in for char, stand_in in STAND_INS.items() if char not in keep}
    return re.compile("[" + "".join(re.escape(char) for char in table) + "]"), table


def visible_lines(text: str) -> str:
    """:func:`visible` for text that wraps: tab and newline kept, `LAYOUT` characters as spaces."""
    return visible(text, keep="\t\n", blank=LAYOUT)


_JSON_UNSAFE = re.compile("[\x7f-\x9f]")


def visible_json(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL and C1 written
    as ``\\u00XX`` escapes, as ``json`` already writes C0: the same JSON value, and no
    byte a terminal acts on. Outside strings JSON holds no such character, so every
    one found is inside a string, where the escape is valid."""
    if _JSON_UNSAFE.search(dumped) is None:
        return dumped
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)
