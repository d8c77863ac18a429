"""Which characters a regular expression's match can begin with, read from the pattern itself.

The figure layer tries some thirty patterns at each token that may start a figure; most of
them cannot begin with that token's first character (a pattern of digits at ``between``,
one of number words at ``$4m``). ``StartTable`` answers, for a character, which of a list
of patterns may match starting on it, worked out once per character from the patterns'
parse trees; ``pattern.match`` then runs only for those.

The answer is a superset, never less: what the reading does not follow exactly (a
lookaround, an assertion, a back reference, a character outside ASCII with a case) counts
as "may start here". A pattern that can match the empty string may start anywhere.

``word_starts(pattern)`` reads the same trees for words: the first letters a match may
begin with on a word (``km``, ``sq``, ``mile``...), so that the figure layer can tell which
rules may go on after a number from the word that follows it (``300 people``: none).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

try:  # the parser of the re module; private, so a Python without it keeps every pattern
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    _c = _sre_parse = None
try:  # the characters IGNORECASE matches beyond lower() and upper() (private as well)
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover
    _EXTRA_CASES = None

#: How many characters outside ASCII a table works out (currency signs, fractions...).
_OTHER_CHARS = 256


def _uncased(char: str) -> bool:
    """Whether ``char`` has no case at all: IGNORECASE matches it only to itself, so the
    reading of the patterns holds for it as for ASCII (``£``, ``€``, ``½``; not ``é``, ``µ``)."""
    if _EXTRA_CASES is None or not (char.lower() == char == char.upper() == char.casefold()):
        return False
    code = ord(char)
    return code not in _EXTRA_CASES and not any(code in extra for extra in _EXTRA_CASES.values())


def _variants(char: str, icase: bool) -> tuple[str, ...]:
    return (char, char.lower(), char.upper()) if icase else (char,)


def _category(category, char: str) -> bool:
    """Whether ``char`` (ASCII, or without case) is in the class ``category`` (``\\d``, ``\\w``, ``\\s`` and their negations)."""
    digit = unicodedata.category(char) == "Nd"
    word = char.isalnum() or char == "_"
    space = char.isspace()
    table = {
        _c.CATEGORY_DIGIT: digit,
        _c.CATEGORY_NOT_DIGIT: not digit,
        _c.CATEGORY_WORD: word,
        _c.CATEGORY_NOT_WORD: not word,
        _c.CATEGORY_SPACE: space,
        _c.CATEGORY_NOT_SPACE: not space,
    }
    return table.get(category, True)  # a class not read here: may match


def _in_set(items, char: str, icase: bool) -> bool:
    """Whether the character class ``items`` (an ``IN`` node) may match ``char``."""
    negate = False
    hit = False
    for op, arg in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            literal = chr(arg)
            if literal in _variants(char, icase) or (icase and (literal.lower() == char.lower() or literal.upper() == char.upper())):
                hit = True
        elif op is _c.RANGE:
            low, high = arg
            if icase and high > 127:
                return True  # a range past ASCII may hold a case partner of an ASCII letter (the Kelvin sign)
            if any(low <= ord(v) <= high for v in _variants(char, icase)):
                hit = True
        elif op is _c.CATEGORY:
            if _category(arg, char):
                hit = True
        else:
            return True  # not read here: may match
    if negate:
        # a negated class under IGNORECASE: leave it as "may match" unless plainly outside
        return not hit if not icase else True
    return hit


def _first(items, char: str, icase: bool) -> tuple[bool, bool]:
    """(whether the sequence ``items`` may begin with ``char``, whether it may match empty)."""
    for op, arg in items:
        may, empty = _node(op, arg, char, icase)
        if may:
            return True, False
        if not empty:
            return False, False
    return False, True


def _node(op, arg, char: str, icase: bool) -> tuple[bool, bool]:
    if op is _c.LITERAL:
        literal = chr(arg)
        if icase:
            return literal.lower() == char.lower() or literal.upper() == char.upper(), False
        return literal == char, False
    if op is _c.NOT_LITERAL:
        return (chr(arg) != char) or icase, False
    if op is _c.ANY:
        return True, False
    if op is _c.IN:
        return _in_set(arg, char, icase), False
    if op is _c.BRANCH:
        may = empty = False
        for branch in arg[1]:
            m, e = _first(branch, char, icase)
            may, empty = may or m, empty or e
        return may, empty
    if op is _c.SUBPATTERN:
        _group, add, remove, items = arg
        inner = (icase or bool(add & re.IGNORECASE)) and not (remove & re.IGNORECASE)
        return _first(items, char, inner)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        low, _high, items = arg
        may, empty = _first(items, char, icase)
        return may, empty or low == 0
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _first(arg, char, icase)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return False, True  # zero width: it only narrows, so passing over it keeps a superset
    return True, True  # not read here (a back reference, a conditional): may match


def may_start(pattern: re.Pattern[str], char: str) -> bool:
    """Whether ``pattern.match`` may succeed at a position holding ``char`` (a superset)."""
    return bool(StartTable([pattern]).indices(char))


class StartTable:
    """For each character, the indices of ``patterns`` whose match may start on it."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = list(patterns)
        self._trees = []
        for pattern in self.patterns:
            try:
                tree = list(_sre_parse.parse(pattern.pattern, pattern.flags)) if _sre_parse is not None else None
            except (re.error, ValueError, TypeError, AttributeError, RecursionError):  # pragma: no cover
                tree = None  # a pattern this reading cannot take: kept for every character
            self._trees.append(tree)
        self._every = tuple(range(len(self.patterns)))
        self._by_char: dict[str, tuple[int, ...]] = {}

    def indices(self, char: str) -> tuple[int, ...]:
        """Indices, in order, of the patterns that may match starting on ``char``."""
        found = self._by_char.get(char)
        if found is None:
            if len(char) != 1 or not (char.isascii() or (len(self._by_char) < 128 + _OTHER_CHARS and _uncased(char))):
                return self._every  # not worked out, nor kept: the table stays small
            found = self._by_char[char] = self._work_out(char)
        return found

    def _work_out(self, char: str) -> tuple[int, ...]:
        kept = []
        for k, (pattern, tree) in enumerate(zip(self.patterns, self._trees)):
            if tree is None:
                kept.append(k)
                continue
            may, empty = _first(tree, char, bool(pattern.flags & re.IGNORECASE))
            if may or empty:
                kept.append(k)
        return tuple(kept)


# --- the words a pattern begins with ---------------------------------------------------

_LIMIT = 4096  # prefixes at most, beyond which a branch is cut short (shorter is safe)


def word_starts(pattern: str, flags: int = 0) -> tuple[str, ...]:
    """Lower-case ASCII letters, one string per way a match of ``pattern`` may begin, such
    that every match beginning on an ASCII word (a run of letters) begins with one of
    them: a match beginning ``km/h`` is covered by ``km``, one of ``sq. ft`` by ``sq``.
    So a word that starts with none of them cannot begin a match. A superset again: what
    the reading does not follow ends a string where it stands (an empty string covers
    every word), and zero-width assertions are passed over. Ways that begin with no letter
    (``°C``) or with a letter whose case partners are all outside ASCII (``µg``) are left
    out: they never begin on an ASCII word."""
    if _sre_parse is None:  # pragma: no cover
        return ("",)
    try:
        tree = list(_sre_parse.parse(pattern, flags))
    except (re.error, ValueError, TypeError, AttributeError, RecursionError):  # pragma: no cover
        return ("",)
    found: set[str] = set()
    _words(tree, 0, "", flags & re.IGNORECASE != 0, found, [])
    shortest: list[str] = []
    for word in sorted(found):  # a string after one that begins it adds nothing
        if not shortest or not word.startswith(shortest[-1]):
            shortest.append(word)
    return tuple(shortest)


def _ascii_partner(char: str) -> bool:
    """Whether ``char`` or a character IGNORECASE may match it to is ASCII."""
    if char.isascii() or any(v.isascii() for v in (char.lower(), char.upper(), char.casefold())):
        return True
    return _EXTRA_CASES is None or any(chr(c).isascii() for c in _EXTRA_CASES.get(ord(char.lower()), ()))


def _words(items, k: int, prefix: str, icase: bool, found: set[str], rest: list) -> None:
    """Add to ``found`` the ways the sequence ``items[k:]``, then the sequences in ``rest``
    (innermost last), may begin, after ``prefix``."""
    while k >= len(items):
        if not rest:
            found.add(prefix)  # the match may end here
            return
        items, k, icase = rest[-1]
        rest = rest[:-1]
    if len(found) > _LIMIT:
        found.add(prefix)
        return
    op, arg = items[k]
    if op is _c.LITERAL:
        char = chr(arg)
        if char.isalpha():
            if char.isascii():
                _words(items, k + 1, prefix + char.lower(), icase, found, rest)
            elif _ascii_partner(char):
                found.add(prefix)
            # else: a letter no ASCII word holds (the micro sign): this way is left out
        elif prefix:
            found.add(prefix)  # the word ends here; a way that begins with no letter is left out
        return
    if op is _c.IN:
        if any(member is not _c.LITERAL for member, _value in arg):
            found.add(prefix)
            return
        for _member, value in arg:
            char = chr(value)
            if char.isalpha() and char.isascii():
                _words(items, k + 1, prefix + char.lower(), icase, found, rest)
            elif prefix or (char.isalpha() and _ascii_partner(char)):
                found.add(prefix)
        return
    if op is _c.BRANCH:
        for branch in arg[1]:
            _words(list(branch), 0, prefix, icase, found, rest + [(items, k + 1, icase)])
        return
    if op is _c.SUBPATTERN:
        _group, add, remove, inner = arg
        inner_icase = (icase or bool(add & re.IGNORECASE)) and not (remove & re.IGNORECASE)
        _words(list(inner), 0, prefix, inner_icase, found, rest + [(items, k + 1, icase)])
        return
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[1] == 1:
        low, _high, inner = arg
        _words(list(inner), 0, prefix, icase, found, rest + [(items, k + 1, icase)])
        if low == 0:
            _words(items, k + 1, prefix, icase, found, rest)
        return
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
        _words(list(arg[2]), 0, prefix, icase, found, [])  # its first time round, then it ends here
        return
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        _words(items, k + 1, prefix, icase, found, rest)  # zero width: passing over it keeps a superset
        return
    found.add(prefix)  # not read further (a class, a back reference): it ends here
