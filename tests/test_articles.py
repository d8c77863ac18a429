"""Opening a corpus folder: every format, ids, ordering, and bad input that must not stop it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from corpus.articles import Corpus, load_corpus, read_file, sample_corpus_path
from corpus.errors import ClaimscopeError, CorpusNotFoundError
from corpus.model import Article, ArticleError, text_hash

NEWS = (
    "Mar 14, 2024 - Business\n\n"
    "Harbour plan wins approval\n\n"
    "LISBON — The ministry approved the plan on Wednesday, officials said.\n\n"
    "Residents collected 18,400 signatures against it.\n\n"
    "Go deeper\n"
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def record_id(rel: str, text: str) -> str:
    """The id of a record without an id field: the file, then a hash of its text."""
    return f"{rel}#t:{text_hash(text)[:12]}"


def only_article(corpus: Corpus) -> Article:
    assert corpus.errors == []
    assert len(corpus.articles) == 1
    return corpus.articles[0]


def only_error(corpus: Corpus) -> ArticleError:
    assert corpus.articles == []
    assert len(corpus.errors) == 1
    error = corpus.errors[0]
    assert "\n" not in error.message
    return error


# --- formats ----------------------------------------------------------------------------


def test_txt_article_keeps_its_text_and_finds_its_header(tmp_path: Path) -> None:
    write(tmp_path / "harbour.txt", NEWS)
    article = only_article(load_corpus(tmp_path))
    assert article.id == "harbour.txt"
    assert article.path == str(tmp_path / "harbour.txt")
    assert article.text == NEWS
    assert article.title == "Harbour plan wins approval"
    assert article.meta["date"] == "2024-03-14"
    assert article.meta["section"] == "Business"
    assert article.meta["dateline"] == "LISBON"
    start, end = article.body
    assert article.text[start:end] == (
        "LISBON — The ministry approved the plan on Wednesday, officials said.\n\n"
        "Residents collected 18,400 signatures against it."
    )
    assert article.warnings == ()


def test_markdown_front_matter_is_metadata_and_the_body_starts_after_it(tmp_path: Path) -> None:
    content = (
        "---\n"
        "title: Harbour plan approved\n"
        "source: Fictional Wire\n"
        "date: 2024-03-14\n"
        "section: Business\n"
        "url: https://example.org/harbour\n"
        "author: Ana Silva\n"
        "fictional: true\n"
        "tags: [ports, budgets]\n"
        "---\n"
        "# Harbour plan approved\n\n"
        "The ministry approved the plan.\n"
    )
    write(tmp_path / "news" / "harbour.md", content)
    article = only_article(load_corpus(tmp_path))
    assert article.id == "news/harbour.md"
    assert article.text == content  # the whole file; body_start skips the front matter
    assert article.title == "Harbour plan approved"
    assert article.meta["source"] == "Fictional Wire"
    assert article.meta["date"] == "2024-03-14"
    assert article.meta["section"] == "Business"
    assert article.meta["url"] == "https://example.org/harbour"
    assert article.meta["byline"] == "Ana Silva"
    assert article.meta["fictional"] == "true"
    assert article.meta["tags"] == "ports, budgets"
    assert all(isinstance(v, str) for v in article.meta.values())
    assert article.text[article.body_start :] == "The ministry approved the plan.\n"


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    write(tmp_path / "note.md", "# A heading\n\nSome body text.\n")
    article = only_article(load_corpus(tmp_path))
    assert article.title == "A heading"
    assert article.text[article.body_start :] == "Some body text.\n"


def test_html_main_text_and_metadata_come_from_trafilatura(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Harbour plan approved | Fictional Wire</title>"
        '<meta name="author" content="Ana Silva">'
        '<meta property="og:site_name" content="Fictional Wire">'
        '<meta property="og:title" content="Harbour plan approved">'
        '<meta property="article:published_time" content="2024-03-14">'
        '<link rel="canonical" href="https://example.org/harbour"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/sub'>Subscribe now</a></nav><article>"
        "<h1>Harbour plan approved</h1>"
        "<p>LISBON — The ministry approved a $250 million plan on Wednesday after four years of talks.</p>"
        "<p>Residents collected 18,400 signatures against the scheme, which they say will raise rents.</p>"
        "<p>Construction is expected to begin in the autumn and to last roughly thirty months.</p>"
        "</article><footer>Copyright Fictional Wire</footer></body></html>"
    )
    write(tmp_path / "harbour.html", html)
    article = only_article(load_corpus(tmp_path))
    assert "<p>" not in article.text and "Subscribe" not in article.text
    assert "$250 million" in article.text
    assert article.title == "Harbour plan approved"
    assert article.meta["byline"] == "Ana Silva"
    assert article.meta["date"] == "2024-03-14"
    assert article.meta["url"] == "https://example.org/harbour"
    assert article.meta["source"] == "Fictional Wire"
    assert article.text[article.body_start :].startswith("LISBON —")


def test_html_without_article_text_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path / "empty.htm",
        "<html><head><title>x</title><script>var a = 1;</script></head><body><img src='a.png'></body></html>",
    )
    error = only_error(load_corpus(tmp_path))
    assert error.message.startswith("empty.htm: no article text found in the HTML")


def test_jsonl_records_are_articles_numbered_by_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"text": "First record text.", "title": "First", "meta": {"source": "Wire", "n": 3}}
        ),
        "",
        json.dumps({"text": "Second record text.\r\nWith CRLF.", "meta": {"date": "2024-01-02"}}),
    ]
    write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    first, second = corpus.articles
    assert (first.id, second.id) == (
        record_id("batch.jsonl", "First record text."),
        record_id("batch.jsonl", "Second record text.\r\nWith CRLF."),
    )
    assert first.title == "First"
    assert first.meta == {"source": "Wire", "n": "3"}
    assert second.text == "Second record text.\r\nWith CRLF."
    assert second.title == "Second record text."
    assert second.meta["date"] == "2024-01-02"


def test_json_single_object_and_list(tmp_path: Path) -> None:
    write(tmp_path / "one.json", json.dumps({"text": "Only record.", "title": "Only"}))
    write(tmp_path / "many.json", json.dumps([{"text": "A."}, {"text": "B.", "title": "Bee"}]))
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    assert [a.id for a in corpus.articles] == [
        record_id("many.json", "A."),
        record_id("many.json", "B."),
        "one.json",
    ]
    assert [a.title for a in corpus.articles] == ["A.", "Bee", "Only"]


def test_title_falls_back_to_the_file_name_for_a_whitespace_first_line_only_text(
    tmp_path: Path,
) -> None:
    write(tmp_path / "sub" / "x.txt", "\n\n   \nA first sentence that is the title. More text.\n")
    article = only_article(load_corpus(tmp_path))
    assert article.title == "A first sentence that is the title. More text."


# --- ids, order, what is skipped ---------------------------------------------------------


def test_id_is_the_relative_path_and_survives_text_changes(tmp_path: Path) -> None:
    path = write(tmp_path / "a" / "b" / "story.txt", "Version one of the text.\n")
    before = only_article(load_corpus(tmp_path))
    write(path, "Completely different words now, and longer.\n")
    after = only_article(load_corpus(tmp_path))
    assert before.id == after.id == "a/b/story.txt"
    assert before.hash != after.hash


def test_articles_are_sorted_by_file_with_records_in_file_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B text.\n")
    write(tmp_path / "a" / "z.txt", "Z text.\n")
    write(
        tmp_path / "records.jsonl",
        "".join(json.dumps({"text": f"Record {n}."}) + "\n" for n in range(1, 12)),
    )
    ids = [a.id for a in load_corpus(tmp_path).articles]
    assert ids[:2] == ["a/z.txt", "b.txt"]
    assert ids[2:] == [record_id("records.jsonl", f"Record {n}.") for n in range(1, 12)]


def test_hidden_folders_config_and_other_file_types_are_left_alone(tmp_path: Path) -> None:
    write(tmp_path / "story.txt", "The story.\n")
    write(tmp_path / ".claimscope" / "index.json", '{"not": "an article"}')
    write(tmp_path / ".git" / "HEAD.txt", "ref: refs/heads/main\n")
    write(tmp_path / ".hidden.txt", "Hidden.\n")
    write(tmp_path / "claimscope.toml", "[labels]\n")
    write(tmp_path / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    write(tmp_path / "__pycache__" / "x.txt", "cache\n")
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == ["story.txt"]
    assert corpus.errors == []


def test_a_single_file_is_a_corpus_of_one(tmp_path: Path) -> None:
    path = write(tmp_path / "dir" / "story.txt", NEWS)
    write(tmp_path / "dir" / "other.txt", "Other.\n")
    corpus = load_corpus(path)
    assert corpus.root == tmp_path / "dir"
    assert only_article(corpus).id == "story.txt"


def test_a_single_file_of_any_ending_is_read_as_text(tmp_path: Path) -> None:
    good = write(tmp_path / "story.text", "Plain words.\n")
    assert only_article(load_corpus(good)).text == "Plain words.\n"
    binary = write(tmp_path / "notes.bin", b"\x00\x01\x02binary")
    error = only_error(load_corpus(binary))
    assert error.message.startswith("notes.bin: not a text file (contains NUL bytes")
    assert error.message.endswith("remove it or move it out of the corpus folder")


def test_missing_path_raises_a_one_line_user_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFoundError) as caught:
        load_corpus(tmp_path / "nope")
    assert isinstance(caught.value, ClaimscopeError)
    message = str(caught.value)
    assert "nope" in message and "no such folder or file" in message and "\n" not in message


def test_a_fifo_given_as_the_path_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(CorpusNotFoundError, match="not a folder or a regular file"):
        load_corpus(fifo)


def test_empty_folder_is_an_empty_corpus(tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path)
    assert (corpus.articles, corpus.errors, corpus.root) == ([], [], tmp_path)


# --- bad input never stops the corpus ------------------------------------------------------


def test_bad_files_become_one_line_errors_and_good_ones_still_load(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", NEWS)
    write(tmp_path / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.md", " \n\t\r\n")
    os.symlink(tmp_path / "missing-target.txt", tmp_path / "dangling.txt")
    os.mkfifo(tmp_path / "pipe.txt")  # must be reported, never opened (it would block)
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == ["good.txt"]
    messages = {e.id: e.message for e in corpus.errors}
    assert set(messages) == {"binary.txt", "empty.txt", "blank.md", "dangling.txt", "pipe.txt"}
    assert messages["binary.txt"].startswith("binary.txt: not a text file (contains NUL bytes")
    assert messages["empty.txt"].startswith("empty.txt: the file is empty")
    assert messages["blank.md"].startswith("blank.md: the file is empty")
    assert messages["dangling.txt"].startswith("dangling.txt: cannot be read (broken link")
    assert messages["pipe.txt"].startswith("pipe.txt: not a regular file")
    for message in messages.values():
        assert "\n" not in message


def test_a_symlink_loop_is_reported_not_followed_forever(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    write(tmp_path / "good.txt", "Good.\n")
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == ["good.txt"]
    messages = [e.message for e in corpus.errors]
    assert messages == [
        "a.txt: cannot be read (too many levels of symbolic links); remove it or move it out of the corpus folder",
        "b.txt: cannot be read (too many levels of symbolic links); remove it or move it out of the corpus folder",
    ]


def test_control_bytes_that_are_not_utf8_are_not_text(tmp_path: Path) -> None:
    write(tmp_path / "noise.txt", bytes(range(1, 32)) * 40 + b"\xff\xfe\xfd")
    assert "not a text file" in only_error(load_corpus(tmp_path)).message


def test_broken_yaml_front_matter_keeps_the_article_with_a_warning(tmp_path: Path) -> None:
    content = "---\ntitle: [unclosed\nsource: x\n---\nThe body text.\n"
    write(tmp_path / "broken.md", content)
    article = only_article(load_corpus(tmp_path))
    assert article.text == content
    assert article.body_start == 0  # the front matter is shown so the user can fix it
    assert article.title == "The body text."
    (warning,) = article.warnings
    assert warning.startswith("front matter is not valid YAML (line ")
    assert "source" not in article.meta


def test_front_matter_that_is_not_a_mapping_or_not_closed(tmp_path: Path) -> None:
    write(tmp_path / "list.md", "---\n- a\n- b\n---\nBody.\n")
    write(tmp_path / "open.md", "---\ntitle: x\nBody without a closing line.\n")
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    warnings = {a.id: a.warnings for a in corpus.articles}
    assert "not a set of 'key: value' lines" in warnings["list.md"][0]
    assert "no closing '---' line" in warnings["open.md"][0]
    assert {a.title for a in corpus.articles} == {"Body.", "title: x"}


def test_front_matter_without_a_body_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "only-meta.md", "---\ntitle: Just metadata\n---\n\n")
    error = only_error(load_corpus(tmp_path))
    assert error.message.startswith("only-meta.md: no article text after the front matter")


def test_malformed_jsonl_lines_and_records_without_text(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "Good one."}),
        '{"text": "unterminated',
        json.dumps({"title": "No text here"}),
        json.dumps({"text": 42}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "   "}),
        json.dumps({"text": "Good two.", "meta": "not a dict"}),
    ]
    write(tmp_path / "mixed.jsonl", "\n".join(lines))
    corpus = load_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == [
        record_id("mixed.jsonl", "Good one."),
        record_id("mixed.jsonl", "Good two."),
    ]
    assert corpus.articles[1].warnings == ('"meta" is not an object; it was ignored',)
    messages = {e.id: e.message for e in corpus.errors}
    assert set(messages) == {f"mixed.jsonl#line:{n}" for n in (2, 3, 4, 5, 6)}
    assert messages["mixed.jsonl#line:2"].startswith("mixed.jsonl line 2: not valid JSON (")
    assert messages["mixed.jsonl#line:3"] == (
        'mixed.jsonl line 3: record has no "text" field; add the article text as "text"'
    )
    assert "not a string" in messages["mixed.jsonl#line:4"]
    assert "not a JSON object" in messages["mixed.jsonl#line:5"]
    assert "empty" in messages["mixed.jsonl#line:6"]


def test_invalid_json_file_is_one_error(tmp_path: Path) -> None:
    write(tmp_path / "bad.json", '{"text": "x",,}')
    error = only_error(load_corpus(tmp_path))
    assert re.match(
        r"bad\.json: not valid JSON \(.+ at line 1, column \d+\); fix the file$", error.message
    )


def test_a_20_mb_article_loads(tmp_path: Path) -> None:
    paragraph = "The council said the harbour budget rose 4% to $250 million in 2023.\n\n"
    text = "Mar 14, 2024 - Business\n\nBig file\n\n" + paragraph * (20_000_000 // len(paragraph))
    write(tmp_path / "big.txt", text)
    article = only_article(load_corpus(tmp_path))
    assert len(article.text) == len(text)
    assert article.title == "Big file"
    assert article.text[article.body_start :].startswith("The council said")


def test_a_one_megabyte_line_without_punctuation(tmp_path: Path) -> None:
    text = "word " * 200_000
    write(tmp_path / "line.txt", text)
    article = only_article(load_corpus(tmp_path))
    assert article.text == text
    assert article.body == (0, len(text))
    assert article.title.endswith("…") and len(article.title) <= 81


def test_legacy_encoded_file_loads_with_a_warning(tmp_path: Path) -> None:
    text = "Café owners said “prices rose 5%” – and the mayor’s office agreed.\r\n"
    write(tmp_path / "old.txt", text.encode("cp1252"))
    article = only_article(load_corpus(tmp_path))
    assert article.text == text
    assert article.warnings == ("decoded as cp1252; save the file as UTF-8 to silence this",)


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + NEWS.encode("utf-8"))
    assert only_article(load_corpus(tmp_path)).text == NEWS


def test_read_file_is_usable_on_its_own(tmp_path: Path) -> None:
    path = write(tmp_path / "sub" / "story.txt", NEWS)
    (article,) = read_file(path, tmp_path)
    assert isinstance(article, Article) and article.id == "sub/story.txt"


# --- the bundled sample ---------------------------------------------------------------------


def test_sample_corpus_loads_cleanly_and_is_labelled_fictional() -> None:
    corpus = load_corpus(sample_corpus_path())
    assert corpus.errors == []
    suffixes = [a.id.split("#")[0].rsplit(".", 1)[1] for a in corpus.articles]
    assert suffixes.count("txt") >= 3
    assert {"md", "html", "jsonl"} <= set(suffixes)
    assert sum(1 for a in corpus.articles if "#t:" in a.id) == 2
    for article in corpus.articles:
        assert article.meta["fictional"] == "true"
        assert "fictional" in article.meta["source"]
        assert article.warnings == ()
        words = len(article.text[slice(*article.body)].split())
        assert 150 <= words <= 350, (article.id, words)
        assert article.text[slice(*article.body)].count("\n\n") >= 3 or "html" in article.id


def test_sample_corpus_has_the_shapes_the_app_highlights() -> None:
    corpus = load_corpus(sample_corpus_path())
    text = "\n".join(a.text for a in corpus.articles)
    for phrase in (
        "2 – 1",
        "Maria Lopez, 34,",
        "38-year-old",
        "$250 million",
        "40 per cent",
        "3.5bn",
        "between 10 and 15",
        "several hundred thousand",
        "tens of thousands",
        "[the nurses]",
        "“",
    ):
        assert phrase in text, phrase
    datelines = {a.meta.get("dateline") for a in corpus.articles}
    assert "LISBON" in datelines
    dated = [a for a in corpus.articles if a.id.endswith(".txt")]
    assert all("date" in a.meta and "section" in a.meta for a in dated)


# --- the metadata index: a second load reuses the first one's parsing ----------------------


def mixed_corpus(folder: Path) -> None:
    """One file of every shape the readers know, good and bad, with awkward text."""
    write(folder / "news.txt", NEWS)
    write(folder / "crlf.txt", NEWS.replace("\n", "\r\n"))
    write(folder / "emoji.txt", "Mar 1, 2024\n\nFlags 🇵🇹 and e\u0301 rise\n\nשלום said 5% more 👍🏽.\n")
    write(folder / "bom16.txt", b"\xff\xfe" + "Plain UTF-16 text, 12 items.\n".encode("utf-16-le"))
    write(folder / "bom8.txt", b"\xef\xbb\xbf" + NEWS.encode("utf-8"))
    write(folder / "old.txt", "Café prices “rose 5%” – officials said.\r\n".encode("cp1252"))
    write(folder / "front.md", "---\ntitle: Front matter title\nauthor: Ana\n---\n\nBody here.\n")
    write(folder / "broken.md", "---\ntitle: [unclosed\n---\n\n# Heading after\n\nBody.\n")
    write(
        folder / "sub" / "records.jsonl",
        '{"text": "A record."}\nnot json\n{"text": "B \\ud83d\\ude00."}\n{"text": "Lone \\ud800 half."}\n',
    )
    write(folder / "list.json", json.dumps([{"text": "One.", "title": "T"}, {"no": "text"}]))
    write(folder / "empty.txt", "")
    write(folder / "binary.txt", b"\x00\x01\x02 not text")
    write(
        folder / "page.html",
        "<html><head><title>Page title</title></head><body><article>"
        "<p>LISBON — The council approved 40 new homes on Monday after a long debate.</p>"
        "<p>Residents said the plan would cost about 12 million euros over five years.</p>"
        "</article></body></html>",
    )


def index_files(cache: Path) -> list[Path]:
    return sorted((cache / "corpora").glob("*.json"))


def test_a_warm_load_gives_exactly_what_a_fresh_read_gives(tmp_path: Path) -> None:
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    mixed_corpus(folder)
    fresh = load_corpus(folder, index=False)
    assert not (cache / "corpora").exists()
    cold = load_corpus(folder, cache_dir=cache)
    assert len(index_files(cache)) == 1
    warm = load_corpus(folder, cache_dir=cache)
    assert len(fresh.articles) >= 10 and len(fresh.errors) >= 4
    for loaded in (cold, warm):
        assert loaded.articles == fresh.articles  # ids, texts, titles, meta, offsets, warnings
        assert loaded.errors == fresh.errors
        assert [a.hash for a in loaded.articles] == [a.hash for a in fresh.articles]

    # Every kind of file is served from the index: mark each stored title and look.
    (index,) = index_files(cache)
    data = json.loads(index.read_text(encoding="ascii"))
    for _digest, items, _codec in data["files"].values():
        for item in items:
            if "t" in item:
                item["t"] = "MARK " + item["t"]
    index.write_text(json.dumps(data), encoding="ascii")
    marked = load_corpus(folder, cache_dir=cache)
    assert [a.title for a in marked.articles] == ["MARK " + a.title for a in fresh.articles]
    assert [a.text for a in marked.articles] == [a.text for a in fresh.articles]


def test_the_index_is_really_reused_and_edits_are_noticed_whatever_the_file_times(
    tmp_path: Path,
) -> None:
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    path = write(folder / "news.txt", NEWS)
    write(folder / "other.txt", "Other story.\n")
    load_corpus(folder, cache_dir=cache)
    (index,) = index_files(cache)
    # Mark the stored title: a load that shows the mark took it from the index.
    index.write_text(index.read_text(encoding="ascii").replace("Harbour plan wins approval", "FROM INDEX"))
    assert load_corpus(folder, cache_dir=cache).get("news.txt").title == "FROM INDEX"

    # Same size, same modification time, other bytes: still read afresh.
    times = os.stat(path)
    edited = NEWS.replace("Harbour plan wins approval", "Harbour plan gets approval")
    assert len(edited) == len(NEWS)
    path.write_bytes(edited.encode("utf-8"))
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    corpus = load_corpus(folder, cache_dir=cache)
    assert corpus.get("news.txt").title == "Harbour plan gets approval"
    assert corpus.get("news.txt") == load_corpus(folder, index=False).get("news.txt")


def test_added_and_removed_files_and_records_show_at_once(tmp_path: Path) -> None:
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    write(folder / "a.txt", NEWS)
    records = write(folder / "r.jsonl", '{"text": "One."}\n')
    one, two = record_id("r.jsonl", "One."), record_id("r.jsonl", "Two.")
    assert [a.id for a in load_corpus(folder, cache_dir=cache).articles] == ["a.txt", one]
    write(folder / "b.txt", "Another story.\n")
    records.write_text('{"text": "One."}\n{"text": "Two."}\n', encoding="utf-8")
    (folder / "a.txt").unlink()
    corpus = load_corpus(folder, cache_dir=cache)
    assert [a.id for a in corpus.articles] == ["b.txt", one, two]
    stored = json.loads(index_files(cache)[0].read_text(encoding="ascii"))
    assert sorted(stored["files"]) == ["b.txt", "r.jsonl"]  # a.txt dropped out


def test_paths_follow_how_the_root_was_spelled_with_one_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    write(folder / "sub" / "a.txt", NEWS)
    absolute = load_corpus(folder, cache_dir=cache).articles[0]
    monkeypatch.chdir(tmp_path)
    relative = load_corpus("corpus", cache_dir=cache).articles[0]
    assert len(index_files(cache)) == 1
    assert absolute.path == str(folder / "sub" / "a.txt")
    assert relative.path == os.path.join("corpus", "sub", "a.txt")
    assert (relative.id, relative.title, relative.body) == (absolute.id, absolute.title, absolute.body)


@pytest.mark.parametrize(
    "damage",
    ["", "not json", "[1, 2]", '{"format": 1}', "stale parser", "bad entry"],
)
def test_a_damaged_or_stale_index_costs_only_a_full_read(tmp_path: Path, damage: str) -> None:
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    mixed_corpus(folder)
    fresh = load_corpus(folder, index=False)
    load_corpus(folder, cache_dir=cache)
    (index,) = index_files(cache)
    if damage == "stale parser":
        data = json.loads(index.read_text(encoding="ascii"))
        data["parser"] = "0" * 24
        damage = json.dumps(data).replace("Harbour plan wins approval", "STALE")
    elif damage == "bad entry":
        data = json.loads(index.read_text(encoding="ascii"))
        data["files"]["news.txt"][1][0]["b"] = 10**9  # an offset beyond the text
        data["files"]["crlf.txt"][1] = "nonsense"
        damage = json.dumps(data)
    index.write_text(damage, encoding="ascii")
    again = load_corpus(folder, cache_dir=cache)
    assert again.articles == fresh.articles and again.errors == fresh.errors
    assert load_corpus(folder, cache_dir=cache).articles == fresh.articles  # rewritten


def test_an_unwritable_cache_dir_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write(folder / "a.txt", NEWS)
    blocker = write(tmp_path / "not-a-folder", "x")
    assert only_article(load_corpus(folder, cache_dir=blocker)).text == NEWS


def test_the_index_lives_in_the_cache_dir_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMSCOPE_CACHE_DIR", str(tmp_path / "env-cache"))
    write(tmp_path / "corpus" / "a.txt", NEWS)
    load_corpus(tmp_path / "corpus")
    assert len(index_files(tmp_path / "env-cache")) == 1
    load_corpus(tmp_path / "corpus" / "a.txt")  # a single file is not indexed
    assert len(index_files(tmp_path / "env-cache")) == 1
