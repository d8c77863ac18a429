"""A big export in two processes (annotations/export_halves.py) writes what one process
writes, byte for byte, with the same counts, notes and progress; a failed second
process fails the export in one line and leaves nothing behind. That holds for both
ways of sharing the work: halves (most formats) and blocks taken in turn (Prodigy).

The corpus here is small: the threshold is lowered through ``fork_sentences``, the
parameter the CLI leaves at its default, and the blocks through ``block_sentences``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.errors import ExportError
from annotations.export import FORMATS, Withheld, articles_to_export
from annotations import export_halves
from annotations.export_halves import MAX_BLOCKS, block_cuts, blocks, export_articles, halves, merge_counted
from annotations.formats import jsonl
from annotations.formats.jsonl import can_fork
from annotations.formats.parts import append_part
from annotations.scheme import default_scheme
from annotations.store import Store, article_file_name
from corpus.articles import load_corpus

pytestmark = pytest.mark.skipif(not can_fork(), reason="the export forks only on Linux")

ARTICLES = [
    'Acme Research said on Monday that 42% of the 1,200 homes were damaged. "Costs rose by £3.5m," '
    "said Jane Doe, the council's treasurer. Nobody knows why.",
    "The Bank of England raised rates to 5.25% in August 2023. Inflation fell from 11.1% to 6.7%.\n\n"
    "Economists at Barclays expect two more rises, according to a note seen by Reuters.",
    "About 3 million people live in the region, up from 2.4 million in 1990. "
    "The mayor said the growth would continue.\n\nCafé owners said prices doubled: 😀 from €2 to €4.",
    "Sales of 12,000 cars were reported by Volvo in May, a fall of 8 per cent.\n\n"
    "\"We expected worse,\" a spokesman said. Shares rose 2%.",
    "Between 10 and 15 schools closed on Friday, officials said. The ministry denied it. "
    "A report by the WHO put the figure at 30 in 2021.",
    "Rainfall reached 120mm in 24 hours, the Met Office said, the most since 1952. "
    "Three rivers burst their banks.",
]
LABELS = default_scheme().names
SPLIT = [fmt for fmt, chosen in FORMATS.items() if chosen.join is not None]


@pytest.fixture
def corpus(tmp_path: Path, analyzer) -> Path:
    """Six articles, labelled by two annotators who disagree on some sentences, with a
    note, a flag, overlapping spans in both halves, and one unreadable store file in
    the second half. Only the first half has a second annotator (brat names them when
    there are several), only the second half a span label of its own (a tag number in
    hf-tokens, a label in Label Studio's config and brat's annotation.conf)."""
    root = tmp_path / "corpus"
    root.mkdir()
    for n, text in enumerate(ARTICLES):
        (root / f"{n}.txt").write_text(text, encoding="utf-8")
    loaded = load_corpus(root)
    for who in ("ana", "bea"):
        with Store.open(loaded.root, annotator=who) as store:
            for n, article in enumerate(loaded.articles):
                analysis = analyzer.analyze(article)
                doc = store.article(article, analysis.sentences)
                for i in range(len(analysis.sentences)):
                    if who == "bea" and (i % 2 or 2 < n < len(ARTICLES) - 1):
                        continue
                    if who == "ana" and i == len(analysis.sentences) - 1 > 1:  # unreviewed by anyone
                        continue
                    doc.set_label(i, LABELS[(i + n + (who == "bea") * (i % 3 == 0)) % len(LABELS)])
                if who == "ana":
                    doc.set_checkworthy(0, True)
                    doc.set_note(0, "=see\nthe\tsource")
                    first = analysis.sentences[0]
                    doc.add_span(first.start, first.start + 5, "ORG")  # overlaps what the model found
                    doc.add_span(first.start + 1, first.start + 7, "QUANTITY" if n < 3 else "HARBOUR_FEE")
            if who == "bea":
                (store.file_for(loaded.articles[-1].id)).write_text("{not json", encoding="utf-8")
    return root


def tree(path: Path) -> dict[str, bytes]:
    """Every file of an output (one file, or a folder) by its relative name; a file
    with its siblings (``OUT.unreviewed.spacy``)."""
    if path.is_file():
        return {p.name.replace(path.name, "OUT"): p.read_bytes() for p in path.parent.glob(path.name + "*")}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def unzipped(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: zlib.decompress(data) for name, data in files.items()}


def docs_of(path: Path) -> list[tuple]:
    """What spaCy reads from a DocBin file, doc by doc."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    return [
        (
            doc.text, [t.text for t in doc], [(e.start, e.end, e.label_) for e in doc.ents],
            [t.ent_iob_ for t in doc],
            {key: [(s.start, s.end, s.label_) for s in group] for key, group in doc.spans.items()},
            doc.cats, dict(doc.user_data),
        )
        for doc in DocBin(store_user_data=True).from_disk(path).get_docs(vocab)
    ]


def run_export(root: Path, analyzer, fmt: str, out: Path, fork_sentences: int, **kwargs) -> dict:
    kwargs.setdefault("block_sentences", 1)  # Prodigy's blocks: an article or so each
    loaded = load_corpus(root)
    with Store.open(loaded.root, annotator="ana", read_only=True) as store:
        articles = articles_to_export(loaded, store, include_unreviewed=kwargs.get("include_unreviewed", False))
        problems: list[str] = []
        withheld = Withheld()
        read, made, done = [], [], []
        written = export_articles(
            store, articles, analyzer, fmt, out, store.scheme, problems=problems, withheld=withheld,
            on_articles=read.append, on_rows=made.append, progress=done.append,
            fork_sentences=fork_sentences, **kwargs,
        )
        cut = halves(articles, analyzer, fork_sentences)
    return {
        "written": written, "problems": problems, "withheld": withheld.message(), "read": sum(read),
        "articles": len(articles), "made": made, "done": sum(done), "cut": cut,
    }


@pytest.mark.parametrize("fmt", SPLIT)
@pytest.mark.parametrize("include_unreviewed", [False, True])
def test_two_processes_write_what_one_writes(
    corpus: Path, tmp_path: Path, analyzer, fmt: str, include_unreviewed: bool
) -> None:
    one = run_export(corpus, analyzer, fmt, tmp_path / "one", 10**9, include_unreviewed=include_unreviewed)
    two = run_export(corpus, analyzer, fmt, tmp_path / "two", 1, include_unreviewed=include_unreviewed)
    assert one["cut"] is None and two["cut"] is not None  # the second export was split
    assert 1 <= two["cut"] < two["articles"]
    if fmt in ("brat", "hf-tokens", "label-studio"):
        assert "HARBOUR_FEE" in "".join(v.decode("utf-8") for v in tree(tmp_path / "one").values())
    if fmt == "spacy":  # joined from zlib pieces: the same bytes, compressed otherwise
        assert unzipped(tree(tmp_path / "two")) == unzipped(tree(tmp_path / "one"))
        for name in tree(tmp_path / "one"):
            path = name.replace("OUT", "{}")
            docs = docs_of(tmp_path / path.format("one"))
            assert docs and docs_of(tmp_path / path.format("two")) == docs
    else:
        assert tree(tmp_path / "two") == tree(tmp_path / "one")
    assert [(p.name.replace("two", "OUT"), n) for p, n in two["written"]] == [
        (p.name.replace("one", "OUT"), n) for p, n in one["written"]
    ]
    apart = FORMATS[fmt].unreviewed_apart and include_unreviewed  # spacy: OUT.unreviewed.spacy too
    assert [p.name for p, _ in two["written"]] == (["two", "two.unreviewed.spacy"] if apart else ["two"])
    assert two["problems"] == one["problems"]
    assert any("overlapping spans" in p for p in one["problems"]) or FORMATS[fmt].overlaps == ""
    assert any("corrupt store file" in p for p in one["problems"])  # from the second half
    assert two["withheld"] == one["withheld"]
    if apart:
        assert one["written"][1][1] > 0  # unreviewed sentences, in their own file
    if FORMATS[fmt].training:
        assert one["withheld"]  # the annotators disagree: something was left out
    assert two["read"] == one["read"] == one["articles"]
    assert two["made"] == one["made"] and two["done"] == one["done"] == one["made"][0]
    # nothing beside the output but the output
    beside = ["corpus", "one", "one.unreviewed.spacy", "two", "two.unreviewed.spacy"] if apart else ["corpus", "one", "two"]
    assert sorted(p.name for p in tmp_path.iterdir()) == beside


STREAMED = [fmt for fmt in SPLIT if FORMATS[fmt].join is append_part]


@pytest.mark.parametrize("fork_sentences", [10**9, 1])
def test_brat_again_links_what_is_unchanged_and_writes_what_changed(
    corpus: Path, tmp_path: Path, analyzer, fork_sentences: int
) -> None:
    """A brat export over an earlier one, after one label changed, in one process and in
    two: the files that are the same are the old files (hard links: nothing freed,
    nothing written), the changed one is a new file, the old file is never written
    through, and the output is what an export into a new folder writes."""
    out = tmp_path / "brat"
    run_export(corpus, analyzer, "brat", out, fork_sentences)
    inodes = {p.name: p.stat().st_ino for p in out.iterdir()}
    loaded = load_corpus(corpus)
    changed = loaded.articles[0]
    ann = out / (article_file_name(changed.id).removesuffix(".json") + ".ann")
    kept = tmp_path / "kept.ann"
    os.link(ann, kept)  # the old .ann, held past the swap
    old_bytes = kept.read_bytes()
    with Store.open(loaded.root, annotator="ana") as store:
        doc = store.article(changed, analyzer.analyze(changed).sentences)
        first = doc.labels[0].label
        doc.set_label(0, next(name for name in LABELS if name != first))
    again = run_export(corpus, analyzer, "brat", out, fork_sentences)
    assert (again["cut"] is None) == (fork_sentences > 1)
    fresh = tmp_path / "fresh"
    run_export(corpus, analyzer, "brat", fresh, fork_sentences)
    assert tree(out) == tree(fresh)
    now = {p.name: p.stat().st_ino for p in out.iterdir()}
    assert set(now) == set(inodes)
    made_anew = {name for name in now if now[name] != inodes[name]}
    assert made_anew == {ann.name, "annotation.conf"}  # the conf is always written
    assert kept.read_bytes() == old_bytes != ann.read_bytes()  # written anew, not through the link
    assert kept.stat().st_nlink == 1  # the old folder is gone


@pytest.mark.parametrize("fmt", STREAMED)
@pytest.mark.parametrize("in_kernel", [True, False])
def test_a_part_copied_while_it_is_written_is_the_part(
    corpus: Path, tmp_path: Path, analyzer, monkeypatch, fmt: str, in_kernel: bool
) -> None:
    """The parent copies the child's part as the child writes it (here: a message each
    time a line or so reaches the file), over an earlier output it replaces; through copy_file_range, or
    through a buffer where the kernel refuses it. The output is still one process's,
    and nothing is left beside it."""
    assert STREAMED  # prodigy, doccano, conll: the line formats
    one = run_export(corpus, analyzer, fmt, tmp_path / "one", 10**9)
    monkeypatch.setattr(export_halves, "PART_STEP", 1)
    monkeypatch.setattr(jsonl, "BATCH", 1)
    monkeypatch.setattr(export_halves, "STREAMED_SHARE", 0.05)  # the parent done long before the child
    monkeypatch.setattr(jsonl, "_COPY_RANGE", in_kernel)
    (tmp_path / "two").write_bytes(b"an earlier export, replaced whole\n" * 1000)
    two = run_export(corpus, analyzer, fmt, tmp_path / "two", 1)
    assert two["cut"] is not None
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    assert two["problems"] == one["problems"] and two["done"] == one["done"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "one", "two"]


def test_a_half_written_before_the_other_is_made_tells_the_total_first(
    corpus: Path, tmp_path: Path, analyzer, monkeypatch
) -> None:
    """Prodigy's writer needs nothing of the other half: the parent, given a small share,
    writes its half while the child still makes its rows. The callbacks still come in
    order: the analyses, then once the total of rows, then the rows written, all of them."""
    assert not FORMATS["prodigy"].whole_needed
    one = run_export(corpus, analyzer, "prodigy", tmp_path / "one", 10**9)
    # in halves, not in blocks: the way a format written in halves that needs nothing
    # of the other half would go
    monkeypatch.setitem(FORMATS, "prodigy", replace(FORMATS["prodigy"], lines=None))
    monkeypatch.setattr(jsonl, "BATCH", 1)  # a progress call per row
    monkeypatch.setattr(export_halves, "STREAMED_SHARE", 0.05)
    loaded = load_corpus(corpus)
    events: list[tuple[str, int]] = []
    with Store.open(loaded.root, annotator="ana", read_only=True) as store:
        articles = articles_to_export(loaded, store)
        export_articles(
            store, articles, analyzer, "prodigy", tmp_path / "two", store.scheme,
            on_articles=lambda n: events.append(("articles", n)), on_rows=lambda n: events.append(("rows", n)),
            progress=lambda n: events.append(("written", n)), fork_sentences=1,
        )
    kinds = [kind for kind, _ in events]
    assert kinds.count("rows") == 1
    at = kinds.index("rows")
    assert set(kinds[:at]) == {"articles"} and set(kinds[at + 1 :]) == {"written"}
    assert sum(n for kind, n in events if kind == "articles") == len(articles)
    assert events[at] == ("rows", one["made"][0])
    assert sum(n for kind, n in events if kind == "written") == one["done"]
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def test_halves_takes_the_share_asked_for(corpus: Path, analyzer) -> None:
    loaded = load_corpus(corpus)
    sizes = [analyzer.counts(a).sentences for a in loaded.articles]
    even, less = halves(loaded.articles, analyzer, 1), halves(loaded.articles, analyzer, 1, share=0.2)
    assert even is not None and less is not None and less < even
    assert abs(sum(sizes[:less]) - 0.2 * sum(sizes)) <= max(sizes)


def test_the_split_keeps_the_halves_about_even(corpus: Path, analyzer) -> None:
    loaded = load_corpus(corpus)
    sizes = [analyzer.counts(a).sentences for a in loaded.articles]
    cut = halves(loaded.articles, analyzer, 1)
    assert cut is not None
    first, second = sum(sizes[:cut]), sum(sizes[cut:])
    assert abs(first - second) <= max(sizes)
    assert halves(loaded.articles, analyzer, sum(sizes) + 1) is None  # too small to share
    assert halves(loaded.articles[:1], analyzer, 1) is None  # one article is not split


# csv: in halves, this half written without waiting for the child's rows; prodigy: in
# blocks; hf-tokens: in halves, waiting for the child's rows (its tag list is every part's)
@pytest.mark.parametrize("fmt", ["csv", "prodigy", "hf-tokens"])
def test_a_killed_second_process_fails_the_export_in_one_line(
    corpus: Path, tmp_path: Path, analyzer, fmt: str
) -> None:
    """The child dies while it makes its rows: the export says so in one line, no
    process is left, and the folder holds only the output that was there before."""
    assert FORMATS["hf-tokens"].whole_needed and not FORMATS["csv"].whole_needed
    assert FORMATS["prodigy"].lines is not None and FORMATS["csv"].lines is None
    out = tmp_path / "out.csv"
    previous = out / "train.jsonl" if FORMATS[fmt].folder else out
    previous.parent.mkdir(exist_ok=True)
    previous.write_text("the previous export\n", encoding="utf-8")
    loaded = load_corpus(corpus)

    before = set(children(os.getpid()))
    killed: list[int] = []

    def kill_child(_n: int) -> None:  # while this process reads: the child reads or waits
        if not killed:
            (child,) = set(children(os.getpid())) - before
            os.kill(child, signal.SIGKILL)
            killed.append(child)

    with Store.open(loaded.root, annotator="ana", read_only=True) as store:
        articles = articles_to_export(loaded, store)
        with pytest.raises(ExportError) as raised:
            export_articles(
                store, articles, analyzer, fmt, out, store.scheme, on_articles=kill_child, fork_sentences=1,
                block_sentences=1,
            )
    message = str(raised.value)
    assert message == f"cannot write {out}: the second export process was killed (SIGKILL)"
    assert set(children(os.getpid())) <= before
    assert previous.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.csv"]
    if FORMATS[fmt].folder:
        assert [p.name for p in out.iterdir()] == ["train.jsonl"]


def test_an_export_killed_with_its_child_leaves_no_process_and_no_part(corpus: Path, tmp_path: Path) -> None:
    """kill -9 of a two-process export while both write: the child goes with it, the
    destination stays absent, and the next export removes the staging folder."""
    out = tmp_path / "out" / "export"
    out.parent.mkdir()
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from annotations.export import articles_to_export
        from annotations.export_halves import export_articles
        from annotations.store import Store
        from corpus.analysis import Analyzer
        from corpus.articles import load_corpus

        loaded = load_corpus({str(corpus)!r})
        store = Store.open(loaded.root, annotator="ana", read_only=True)

        def made(_n):
            print("ready", flush=True)
            time.sleep(60)  # killed here, the child reading or waiting for this process

        # hf-tokens: its halves wait for each other's rows (the tag list is every
        # part's), so the child of this small corpus is still there (a doccano or
        # Prodigy child writes at once and may be done; the big store's kill test in
        # test_reliability.py takes a Prodigy child along)
        export_articles(store, articles_to_export(loaded, store), Analyzer(), "hf-tokens", {str(out)!r},
                        store.scheme, on_articles=made, fork_sentences=1)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        (child,) = children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        wait_gone(child)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    left = [p.name for p in out.parent.iterdir()]
    assert "export" not in left and len(left) == 1  # only the dead run's staging folder
    loaded = load_corpus(corpus)
    with Store.open(loaded.root, annotator="ana", read_only=True) as store:
        from corpus.analysis import Analyzer

        export_articles(store, articles_to_export(loaded, store), Analyzer(), "hf-tokens", out, store.scheme)
    assert [p.name for p in out.parent.iterdir()] == ["export"]


def test_blocks_cut_between_articles_about_the_size_asked(corpus: Path, analyzer) -> None:
    loaded = load_corpus(corpus)
    articles = loaded.articles
    sizes = [analyzer.counts(a).sentences for a in articles]
    assert blocks(articles, analyzer, 1, size=4) == block_cuts(sizes, 4)  # the cache's counts
    assert blocks(articles, analyzer, sum(sizes) + 1) is None  # too small to share
    assert blocks(articles[:1], analyzer, 1) is None


@pytest.mark.parametrize("sizes", [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4], [50] * 40, [7], [0, 0, 9]])
def test_block_cuts_end_each_block_at_its_size_and_the_last_tenth_at_a_quarter(sizes: list[int]) -> None:
    total = sum(sizes)
    cuts = block_cuts(sizes, 8)
    assert cuts[0] == 0 and cuts[-1] == len(sizes) and cuts == sorted(set(cuts))

    def wanted(k: int) -> int:  # the size once article k is in: a quarter in the last tenth
        return 8 if (total - sum(sizes[: k + 1])) * 10 > total else 2

    for first, end in zip(cuts, cuts[1:]):
        # a block ends with the first article that brings it to the size (the last: with the last article)
        assert all(sum(sizes[first : k + 1]) < wanted(k) for k in range(first, end - 1))
        assert sum(sizes[first:end]) >= wanted(end - 1) or end == len(sizes)


def test_block_cuts_grow_the_blocks_rather_than_make_more_than_max_blocks() -> None:
    sizes = [10] * 10_000  # 100,000 sentences: 1,000 blocks of 100 asked
    cuts = block_cuts(sizes, 100)
    assert len(cuts) - 1 <= MAX_BLOCKS
    assert (MAX_BLOCKS + 1) * 4 <= 4096  # every block number fits in a pipe of one page
    cuts = block_cuts([5] * 1000, 100)  # 5,000 sentences: 4,500 in blocks of 100, the last 500 of 25
    assert [(end - first) * 5 for first, end in zip(cuts, cuts[1:])] == [100] * 45 + [25] * 20


def _blocks_logged(tmp_path: Path, monkeypatch, fail_in_child: bool = False) -> Path:
    """Prodigy's lines, with each block's maker (a pid a line) written down; the first
    process waits in its first block until the second has taken one (so both take
    some, however fast the first is). ``fail_in_child``: the second process's block fails."""
    record = tmp_path / "blocks.log"
    record.write_text("", encoding="utf-8")
    parent = os.getpid()
    made = FORMATS["prodigy"].lines
    assert made is not None

    def lines(scheme):
        make = made(scheme)

        def logged(rows, tokens):
            with record.open("a", encoding="utf-8") as fh:  # appended whole: one write each
                fh.write(f"{os.getpid()}\n")
            if os.getpid() != parent and fail_in_child:
                raise ExportError("a block the second process could not make")
            deadline = time.monotonic() + 60
            while os.getpid() == parent and set(record.read_text(encoding="utf-8").split()) == {str(parent)}:
                assert time.monotonic() < deadline, "the second process took no block"
                time.sleep(0.01)
            return make(rows, tokens)

        return logged

    monkeypatch.setitem(FORMATS, "prodigy", replace(FORMATS["prodigy"], lines=lines))
    return record


def test_both_processes_take_blocks_and_write_what_one_writes(
    corpus: Path, tmp_path: Path, analyzer, monkeypatch
) -> None:
    loaded = load_corpus(corpus)
    with Store.open(loaded.root, annotator="ana") as store:  # a second unreadable file, early on
        store.file_for(loaded.articles[1].id).write_text("[not an object", encoding="utf-8")
    one = run_export(corpus, analyzer, "prodigy", tmp_path / "one", 10**9, include_unreviewed=True)
    record = _blocks_logged(tmp_path, monkeypatch)
    two = run_export(corpus, analyzer, "prodigy", tmp_path / "two", 1, include_unreviewed=True)
    makers = record.read_text(encoding="utf-8").split()
    assert len(set(makers)) == 2 and len(makers) == len(ARTICLES)  # an article a block, each made once
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    assert two["problems"] == one["problems"]  # in the order of the articles, whoever made their block
    assert sum("corrupt store file" in p for p in one["problems"]) == 2
    assert two["read"] == one["read"] == one["articles"]
    assert two["made"] == one["made"] and two["done"] == one["done"] == one["made"][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocks.log", "corpus", "one", "two"]


def test_a_block_failing_in_the_second_process_fails_the_export_in_one_line(
    corpus: Path, tmp_path: Path, analyzer, monkeypatch
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    before = set(children(os.getpid()))
    _blocks_logged(tmp_path, monkeypatch, fail_in_child=True)
    with pytest.raises(ExportError) as raised:
        run_export(corpus, analyzer, "prodigy", out, 1)
    assert str(raised.value) == "a block the second process could not make"
    assert set(children(os.getpid())) <= before
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocks.log", "corpus", "out.jsonl"]


def test_counted_notes_of_two_parts_are_added() -> None:
    dropped = "sentence(s) of whitespace only were left out (no tokens to tag)"
    assert merge_counted([f"3 {dropped}", "a note"], [f"2 {dropped}", "another"]) == [
        f"5 {dropped}", "a note", "another",
    ]
    assert merge_counted([], [f"2 {dropped}"]) == [f"2 {dropped}"]


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.extend(int(n) for n in (task / "children").read_text().split())
        except OSError:
            continue
    return [n for n in found if _alive(n)]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pid: int) -> None:
    import time

    for _ in range(300):
        if not _alive(pid):
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} outlived its parent")


def test_a_docbin_part_is_joined_only_with_a_part(tmp_path: Path) -> None:
    """The spaCy join reads the parts its writer leaves for it; anything else is one line."""
    from annotations.formats.spacy_docbin import join_docbins

    whole, other = tmp_path / "whole.spacy", tmp_path / "other.spacy"
    whole.write_bytes(zlib.compress(b"\x80", 1))  # a DocBin, not a part
    other.write_bytes(b"")
    with pytest.raises(ExportError, match="not a part of a DocBin"):
        join_docbins(whole, other)
    from annotations.formats.spacy_docbin import _PART_MAGIC

    whole.write_bytes(_PART_MAGIC + b"{not json" + (9).to_bytes(8, "big"))  # a part cut short
    with pytest.raises(ExportError, match="whole.spacy: it is not a part of a DocBin"):
        join_docbins(whole, other)


def test_the_summary_counts_one_sentence_as_one(tmp_path: Path) -> None:
    from annotations.export import summary_lines

    assert summary_lines([(tmp_path / "out", 1)], "brat") == [f"wrote 1 sentence to {tmp_path / 'out'} (brat)"]
    lines = summary_lines([(tmp_path / "a.spacy", 2), (tmp_path / "a.unreviewed.spacy", 1)], "spacy")
    assert lines[0] == f"wrote 2 sentences to {tmp_path / 'a.spacy'} (spacy)"
    assert lines[1].startswith(f"wrote 1 unreviewed sentence to {tmp_path / 'a.unreviewed.spacy'} (kept apart")
