"""spaCy's string hashes without importing spaCy: :class:`Strings` gives what
``spacy.strings.StringStore.add`` gives (MurmurHash64A of the UTF-8 bytes, seed 1;
a reserved symbol's own number for spaCy's symbol names) and reads them back.

The DocBin writer needs only these numbers; importing spaCy for them costs ~0.4 s and
~55 MB (it loads its whole package: the CLI, thinc, pydantic). ``SYMBOLS`` is spaCy
3's symbol table (``spacy.symbols.NAMES``, the name of symbol ``n`` at index ``n``);
tests/test_export_tokens.py checks both against the installed spaCy.
"""

from __future__ import annotations

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1

#: spaCy's reserved symbols in number order (``spacy.symbols.NAMES``): lexeme flags,
#: token attributes, coarse tags, two long runs kept for old numbering, entity types,
#: dependency labels and a few later attributes. The symbol ``n`` is at index ``n``.
SYMBOLS: tuple[str, ...] = (
    *(
        '', 'IS_ALPHA', 'IS_ASCII', 'IS_DIGIT', 'IS_LOWER', 'IS_PUNCT', 'IS_SPACE', 'IS_TITLE',
        'IS_UPPER', 'LIKE_URL', 'LIKE_NUM', 'LIKE_EMAIL', 'IS_STOP', 'IS_OOV_DEPRECATED', 'IS_BRACKET',
        'IS_QUOTE', 'IS_LEFT_PUNCT', 'IS_RIGHT_PUNCT', 'IS_CURRENCY',
    ),
    *(f"FLAG{n}" for n in range(19, 64)),
    *(
        'ID', 'ORTH', 'LOWER', 'NORM', 'SHAPE', 'PREFIX', 'SUFFIX', 'LENGTH', 'CLUSTER', 'LEMMA',
        'POS', 'TAG', 'DEP', 'ENT_IOB', 'ENT_TYPE', 'HEAD', 'SENT_START', 'SPACY', 'PROB', 'LANG',
        'ADJ', 'ADP', 'ADV', 'AUX', 'CONJ', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON',
        'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X', 'EOL', 'SPACE',
    ),
    *(f"DEPRECATED{n:03d}" for n in range(1, 277)),
    *(
        'PERSON', 'NORP', 'FACILITY', 'ORG', 'GPE', 'LOC', 'PRODUCT', 'EVENT', 'WORK_OF_ART',
        'LANGUAGE', 'LAW', 'DATE', 'TIME', 'PERCENT', 'MONEY', 'QUANTITY', 'ORDINAL', 'CARDINAL',
        'acomp', 'advcl', 'advmod', 'agent', 'amod', 'appos', 'attr', 'aux', 'auxpass', 'cc', 'ccomp',
        'complm', 'conj', 'cop', 'csubj', 'csubjpass', 'dep', 'det', 'dobj', 'expl', 'hmod', 'hyph',
        'infmod', 'intj', 'iobj', 'mark', 'meta', 'neg', 'nmod', 'nn', 'npadvmod', 'nsubj',
        'nsubjpass', 'num', 'number', 'oprd', 'obj', 'obl', 'parataxis', 'partmod', 'pcomp', 'pobj',
        'poss', 'possessive', 'preconj', 'prep', 'prt', 'punct', 'quantmod', 'relcl', 'rcmod', 'root',
        'xcomp', 'acl', 'ENT_KB_ID', 'MORPH', 'ENT_ID', 'IDX', '_',
    ),
)

#: ``spacy.attrs`` numbers of the token attributes a DocBin of this project holds.
ORTH, ENT_IOB, ENT_TYPE = SYMBOLS.index("ORTH"), SYMBOLS.index("ENT_IOB"), SYMBOLS.index("ENT_TYPE")

_SYMBOL_IDS = {name: n for n, name in enumerate(SYMBOLS)}


def hash64(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A of ``data`` (the ``murmurhash`` package's ``hash64``, which spaCy's
    ``hash_string`` calls with seed 1), as an unsigned 64-bit number."""
    m, mask = _M, _MASK
    size = len(data)
    h = (seed ^ (size * m)) & mask
    body = size & ~7
    for at in range(0, body, 8):
        k = (int.from_bytes(data[at : at + 8], "little") * m) & mask
        k = ((k ^ (k >> 47)) * m) & mask
        h = ((h ^ k) * m) & mask
    if size & 7:
        h = ((h ^ int.from_bytes(data[body:], "little")) * m) & mask
    h = ((h ^ (h >> 47)) * m) & mask
    return h ^ (h >> 47)


class Strings:
    """The strings a DocBin names, by the numbers spaCy gives them (a ``StringStore``'s
    ``add`` and ``[]`` for what this project writes)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._names: dict[int, str] = {}

    def add(self, string: str) -> int:
        """The number of ``string`` (kept, so that ``strings[number]`` finds it)."""
        found = self._ids.get(string)
        if found is None:
            found = _SYMBOL_IDS.get(string)
            if found is None:
                found = hash64(string.encode("utf-8"))
            self._ids[string] = found
            self._names[found] = string
        return found

    def __getitem__(self, number: int) -> str:
        """The string added under ``number`` (a symbol's name for a symbol's number)."""
        if number < len(SYMBOLS):
            return SYMBOLS[number]
        return self._names[number]
