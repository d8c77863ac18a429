"""Property tests: whatever the characters and encoding, Article.text is the original text
and the body offsets are exact str indices into it."""

from __future__ import annotations

import codecs
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.articles import read_file
from corpus.model import Article, text_hash

#: Awkward pieces: emoji (with skin tone and ZWJ), CRLF, RTL scripts, combining marks,
#: Cyrillic look-alikes of Latin letters, curly quotes, tabs, brackets.
FRAGMENTS = [
    "The council said ",
    "40% ",
    "$250 million. ",
    "😀",
    "👍🏽",
    "👩‍👩‍👧",
    "مرحبا بالعالم ",
    "שלום עולם ",
    "e\u0301",
    "a\u0308\u0323",
    "Оn Рutin’s оrders ",  # Cyrillic О, Р, о
    "“quoted”",
    "[brackets]",
    "\t",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "\r\n\r\n",
    "  • bullet\n",
]

#: Random characters that cannot form an English header or cruft word by accident.
ODD = st.characters(
    blacklist_categories=("Cs", "Cc", "Lu", "Ll"),
) | st.sampled_from("0123456789.,;:!?-–—()")

CORE = (
    st.lists(
        st.sampled_from(FRAGMENTS) | st.text(ODD, min_size=1, max_size=6), min_size=1, max_size=40
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)

UTF_ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "utf-16-le-bom": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be-bom": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-32-bom": lambda s: codecs.BOM_UTF32_LE + s.encode("utf-32-le"),
}

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_one(name: str, data: bytes) -> Article:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        items = read_file(path, Path(folder))
    assert len(items) == 1
    (article,) = items
    assert isinstance(article, Article), article
    return article


def check_offsets(article: Article) -> tuple[int, int]:
    start, end = article.body
    assert 0 <= start <= end <= len(article.text)
    # Same characters whichever way they are sliced: the offsets index this very string.
    assert article.text[start:end] == "".join(article.text[i] for i in range(start, end))
    return start, end


@FAST
@given(
    core=CORE,
    encoding=st.sampled_from(sorted(UTF_ENCODINGS)),
    newline=st.sampled_from(["\n", "\r\n"]),
    headed=st.booleans(),
)
def test_text_round_trips_and_body_offsets_are_exact(
    core: str, encoding: str, newline: str, headed: bool
) -> None:
    # A string that begins with U+FEFF cannot be told apart from a BOM: not this test's business.
    core = core.lstrip("\ufeff") or "x"
    if headed:
        header = f"Sep 29, 2022 - World{newline}{newline}A headline here{newline}{newline}LISBON — "
        text = header + core + f"{newline}{newline}The latest:{newline}{newline}Go deeper{newline}"
    else:
        text = core
    article = load_one("story.txt", UTF_ENCODINGS[encoding](text))
    assert article.text == text
    assert article.warnings == ()
    start, end = check_offsets(article)
    if headed:
        assert start == text.index("LISBON — ")
        assert article.text[start:end] == ("LISBON — " + core).rstrip()
        if not core[0].isspace():  # "LISBON —" alone on its line is not a dateline
            assert article.meta["dateline"] == "LISBON"
        assert article.meta["section"] == "World"
    else:
        # Without a header the body can only lose a headline-like first line.
        assert core.rstrip().endswith(article.text[start:end].rstrip()) or start == 0


CP1252_ALPHABET = st.sampled_from(
    list("abcdefghij KLMNOP\n\r.,“”‘’–—€éèàüöçñ©°½ßØÆ") + ["\r\n", "Café ", "naïve "]
)


@FAST
@given(core=st.lists(CP1252_ALPHABET, min_size=1, max_size=60).map("".join))
def test_legacy_bytes_decode_consistently_with_their_warning(core: str) -> None:
    text = "Café “menu” – " + core
    data = text.encode("cp1252")
    article = load_one("old.txt", data)
    if article.warnings:
        (warning,) = article.warnings
        codec = warning.removeprefix("decoded as ").split(";", 1)[0]
        assert article.text == data.decode(codec)
        assert warning.endswith("save the file as UTF-8 to silence this")
    else:  # by chance the bytes were valid UTF-8
        assert article.text == data.decode("utf-8")
    check_offsets(article)


@FAST
@given(core=CORE, newline=st.sampled_from(["\n", "\r\n"]))
def test_markdown_body_starts_exactly_after_the_front_matter(core: str, newline: str) -> None:
    front = f"---{newline}title: A title{newline}source: Wire{newline}---{newline}"
    text = front + core
    article = load_one("story.md", text.encode("utf-8"))
    assert article.text == text
    start, _end = check_offsets(article)
    assert start >= len(front)
    assert article.title == "A title"


@FAST
@given(core=CORE, ascii_only=st.booleans())
def test_jsonl_record_text_is_kept_exactly(core: str, ascii_only: bool) -> None:
    line = json.dumps({"text": core, "title": "T"}, ensure_ascii=ascii_only)
    article = load_one("batch.jsonl", (line + "\n").encode("utf-8"))
    assert article.id == f"batch.jsonl#t:{text_hash(core)[:12]}"
    assert article.text == core
    check_offsets(article)
