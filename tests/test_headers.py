"""News header shapes: date/section line, headline, caption, dateline and trailing cruft."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.articles import read_file
from corpus.headers import dateline_of, is_caption, is_cruft, iso_date, parse_header, shorten

HEADED = (
    "Mar 14, 2024 - Business\n"
    "\n"
    "Harbour plan wins approval despite cost fears\n"
    "\n"
    "Cranes stand idle at the terminal. Photo: Rita Gomes/Fictional Wire via Getty Images\n"
    "\n"
    "LISBON — The ministry approved the plan on Wednesday.\n"
    "\n"
    "  • Residents collected 18,400 signatures.\n"
    "\n"
    "The latest:\n"
    "\n"
    "Go deeper\n"
)


def body(text: str, header) -> str:
    end = len(text) if header.body_end < 0 else header.body_end
    return text[header.body_start : end]


def test_full_news_header_is_recognised_with_exact_offsets() -> None:
    header = parse_header(HEADED)
    assert header.meta["date"] == "2024-03-14"
    assert header.meta["section"] == "Business"
    assert header.headline == "Harbour plan wins approval despite cost fears"
    assert header.meta["caption"].endswith("via Getty Images")
    assert header.meta["dateline"] == "LISBON"
    # The dateline stays inside the body; the cruft and the blank lines before it do not.
    assert header.body_start == HEADED.index("LISBON —")
    assert body(HEADED, header) == (
        "LISBON — The ministry approved the plan on Wednesday.\n\n"
        "  • Residents collected 18,400 signatures."
    )


def test_crlf_header_gives_the_same_shapes_and_exact_offsets() -> None:
    text = HEADED.replace("\n", "\r\n")
    header = parse_header(text)
    assert header.meta["section"] == "Business"
    assert header.headline == "Harbour plan wins approval despite cost fears"
    assert text[header.body_start :].startswith("LISBON —")
    assert body(text, header).endswith("18,400 signatures.")


@pytest.mark.parametrize(
    "line, date, section",
    [
        ("Sep 29, 2022 - World", "2022-09-29", "World"),
        ("29 September 2022 | Business", "2022-09-29", "Business"),
        ("Thursday, September 29, 2022 — Politics & Policy", "2022-09-29", "Politics & Policy"),
        ("2022-09-29 · Science", "2022-09-29", "Science"),
        ("Sept. 3, 2021", "2021-09-03", None),
        (
            "09/10/2022 - World",
            "09/10/2022",
            "World",
        ),  # day and month order unknown: kept as written
    ],
)
def test_date_and_section_line_shapes(line: str, date: str, section: str | None) -> None:
    text = f"{line}\n\nA headline without a full stop\n\nThe body sentence is here.\n"
    header = parse_header(text)
    assert header.meta["date"] == date
    assert header.meta.get("section") == section
    assert header.headline == "A headline without a full stop"
    assert text[header.body_start :].startswith("The body sentence")


def test_iso_date() -> None:
    assert iso_date("Mon, 3rd June 2024") == "2024-06-03"
    assert iso_date("Feb 30, 2022") is None
    assert iso_date("2024-01-22T10:00:00+00:00") == "2024-01-22"


def test_plain_text_without_a_header_is_all_body() -> None:
    text = "The council met on Monday. It agreed the budget.\nA second line follows.\n"
    header = parse_header(text)
    assert (header.body_start, header.body_end) == (0, -1)
    assert header.headline is None
    assert header.meta == {}
    assert header.first_line == "The council met on Monday. It agreed the budget."


def test_headline_without_date_needs_a_blank_line_after_it() -> None:
    text = "Harbour plan approved\n\nThe ministry approved the plan.\n"
    header = parse_header(text)
    assert header.headline == "Harbour plan approved"
    assert text[header.body_start :].startswith("The ministry")
    # Two short lines in a row are a poem or a list, not a headline and a body.
    verse = "Harbour plan approved\nThe ministry approved the plan\n"
    assert parse_header(verse).headline is None


def test_markdown_heading_is_the_headline() -> None:
    text = "# Harbour plan approved\nThe ministry approved the plan.\n"
    header = parse_header(text)
    assert header.headline == "Harbour plan approved"
    assert header.body_start == text.index("The ministry")


def test_known_title_only_skips_a_first_line_that_repeats_it() -> None:
    text = "Harbour plan approved\nThe ministry approved it.\n"
    assert parse_header(text, known_title="harbour  plan approved").body_start == text.index("The")
    assert parse_header(text, known_title="Something else").body_start == 0


@pytest.mark.parametrize(
    "line, place",
    [
        ("MOSCOW — When the order came", "MOSCOW"),
        ("LISBON – The ministry said", "LISBON"),
        ("NEW YORK (Reuters) - Shares fell", "NEW YORK"),
        ("SÃO PAULO, Brazil — Rain fell", "SÃO PAULO"),
        ("WASHINGTON -- Lawmakers voted", "WASHINGTON"),
    ],
)
def test_datelines(line: str, place: str) -> None:
    found = dateline_of(line)
    assert found is not None and found[0] == place
    assert line[found[1] :][0].isupper()


@pytest.mark.parametrize(
    "line",
    [
        "I — for one — disagree",
        "The UN — which met — said",
        "Moscow — a city",
        "2024 — a year",
        "MOSCOW",
    ],
)
def test_not_datelines(line: str) -> None:
    assert dateline_of(line) is None


def test_dateline_in_the_first_body_line_is_recorded_but_kept_in_the_body() -> None:
    text = "MOSCOW — When the order came, he left.\nHe came back later.\n"
    header = parse_header(text)
    assert header.meta["dateline"] == "MOSCOW"
    assert header.body_start == 0
    assert header.first_line == "When the order came, he left."


def test_captions() -> None:
    assert is_caption("New recruits in Moscow. Photo:\u00a0Name Surname/Agency via Getty Images")
    assert is_caption("A crowd gathers. (Photo by Jane Doe/AFP)")
    assert not is_caption("The photographer's union said 40% of members were freelance.")
    assert not is_caption("Officials met on Monday to discuss the budget.")


def test_cruft_lines_are_whole_lines_only() -> None:
    assert is_cruft("Go deeper")
    assert is_cruft("The latest:")
    assert is_cruft("Read more »")
    assert not is_cruft("The latest: talks resumed on Monday and ended without a deal.")
    text = "Body sentence one.\n\nThe latest: talks resumed on Monday.\n"
    assert parse_header(text).body_end == -1


def test_text_that_is_only_cruft_keeps_its_text_as_body() -> None:
    text = "Go deeper\n\nRead more\n"
    header = parse_header(text)
    assert body(text, header).strip() != ""


def test_range_limits_are_respected_and_offsets_are_absolute() -> None:
    prefix = "---\ntitle: x\n---\n"
    text = prefix + HEADED
    header = parse_header(text, start=len(prefix))
    assert header.body_start == text.index("LISBON —")
    assert body(text, header).endswith("18,400 signatures.")


def test_a_one_megabyte_line_without_punctuation() -> None:
    text = "word " * 200_000 + "\n"
    header = parse_header(text)
    assert header.body_start == 0
    assert header.headline is None
    assert shorten(header.first_line or "").endswith("…")


def test_shorten_cuts_at_a_word_boundary() -> None:
    long = "This is a rather long first line that goes on and on well past the limit of a title"
    short = shorten(long, 40)
    assert short.endswith("…") and len(short) <= 41
    assert long.startswith(short[:-1])
    assert shorten("  Short   line ") == "Short line"


# --- the real articles beside the repository ----------------------------------------


def test_real_article_with_date_section_headline_caption_and_cruft(shared_corpus: Path) -> None:
    path = shared_corpus / "000_545ca403fe8ec4c8.txt"
    if not path.is_file():
        pytest.skip(f"{path.name} is not in {shared_corpus}")
    (article,) = read_file(path, shared_corpus)
    assert article.meta["date"] == "2022-09-29"
    assert article.meta["section"] == "World"
    assert article.title.startswith("Putin says")
    assert "Getty Images" in article.meta["caption"]
    start, end = article.body
    assert article.text[start:].startswith("Russian President")
    tail = article.text[end:]
    assert "The latest:" in tail and "Go deeper" in tail
    assert article.text[start:end].rstrip() == article.text[start:end]
    assert "\u2022" in article.text[start:end]  # the bullets stay in the body


def test_real_article_with_a_dateline_and_no_header(shared_corpus: Path) -> None:
    path = shared_corpus / "003_a6c593d0cdc332f4.txt"
    if not path.is_file():
        pytest.skip(f"{path.name} is not in {shared_corpus}")
    (article,) = read_file(path, shared_corpus)
    assert article.meta["dateline"] == "MOSCOW"
    assert article.body == (0, len(article.text))
    assert article.text.startswith("MOSCOW —")
    assert not article.title.startswith("MOSCOW")
    assert article.title.endswith("…")
    assert "\u041e" in article.text  # the Cyrillic look-alike letter survives as read
