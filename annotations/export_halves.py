"""An export from the articles to the file, in one process or, when it is big, in two.

:func:`export_articles` is what ``claimscope export`` runs: the analyses of the
articles are read, the rows made (:func:`~annotations.formats.collect.collect_rows`)
and the format written (:func:`~annotations.export.write_outputs`).

A big export (at least :data:`FORK_SENTENCES` cached sentences, a format with a
``join``, Linux, the main thread: never the app's worker thread) is split between
articles into two halves of about as many sentences, and a process forked before
anything is read does the second half while this one does the first: each reads its
analyses, makes its rows and writes its part, the second one into a folder inside
the export's staging folder (:func:`~annotations.outputs.staged_output`). Once both
have made their rows they tell each other what the writers must know of all of them
(:class:`~annotations.formats.registry.WholeExport`: tag numbers, label lists); a
format whose writer needs none of it (``Format.whole_needed`` False) is written by
each as soon as its own rows are made, and this one tells the total to ``on_rows``
when the second's count has come. The second part is then joined onto the first
(``Format.join``) and the whole renamed into place as any export. The output is byte
for byte the one-process output; the child's counts, notes and problems come back
over a pipe as JSON and are merged with this process's as one process would have
made them.

A format whose lines can be made batch by batch (``Format.lines``: Prodigy) is
written in blocks instead (:func:`blocks`, about :data:`BLOCK_SENTENCES` sentences of
whole articles each). The block numbers wait in a pipe; each process takes the next
one when it is done with its last (a read of four bytes), reads its articles, makes
its lines and tells the other process their size. A block goes straight to its place
in the staged file (``pwritev``) as soon as the sizes of all blocks before it are
known: no part to copy, and whichever process is faster takes more blocks, so
neither waits for the other at the end for more than one block. Problems, overlap
counts and withheld sentences are merged in block order: the file and the messages
are what one process would have written.

A failed child fails the export with its one-line message; a killed export leaves no
child (:func:`~annotations.outputs.fork_child`) and no part (it was inside the
staging folder).
"""

from __future__ import annotations

import gc
import json
import os
import re
import select
import shutil
import signal
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Sequence

from corpus.collector_pause import collector_paused
from corpus.model import Analysis, Article

from annotations.errors import ExportError
from annotations.export import cached_tokens, format_named, write_outputs
from annotations.formats import collect_rows
from annotations.formats.gold import Withheld
from annotations.formats.jsonl import FORK_ROWS, can_fork, copy_range, cpus, write_pieces
from annotations.formats.parts import append_part
from annotations.formats.registry import Format, Progress, WholeExport, WriteContext
from annotations.formats.rows import ExportRow, overlapping
from annotations.outputs import (
    EarlyWriteback, drop_cached, fork_child, punch_hole, replaced_folder, staged_output, start_writeback,
)
from annotations.store import Store

#: Below this many sentences (from the analysis cache) an export stays in one process.
FORK_SENTENCES = FORK_ROWS
#: The folder, inside the staging folder, where the second process writes its part
#: (made by that process, when it starts writing: a ``.part`` beside a live writer).
PART_FOLDER = ".second-half.part"

#: Sentences per block of an export written in blocks (``Format.lines``): small enough
#: that the process that ends first waits little for the other, big enough that taking
#: a block (reading its files, one message each way) costs nothing next to its lines.
BLOCK_SENTENCES = 1000
#: At most this many blocks (bigger blocks for a bigger export): their numbers, four
#: bytes each, are written into a pipe before anyone reads it, so they must fit in the
#: smallest pipe buffer Linux gives (one page, when a user's pipes take too much).
MAX_BLOCKS = 500

__all__ = [
    "BLOCK_SENTENCES", "FORK_SENTENCES", "analyses_of", "block_cuts", "blocks", "export_articles", "halves",
    "merge_counted",
]


def export_articles(
    store: Store,
    articles: Sequence[Article],
    analyzer: Any,
    fmt: str,
    out: Path,
    scheme: Any,
    *,
    label: str | None = None,
    annotator: str | None = None,
    include_unreviewed: bool = False,
    gold: bool = False,
    problems: list[str] | None = None,
    withheld: Withheld | None = None,
    on_articles: Progress | None = None,
    on_rows: Progress | None = None,
    progress: Progress | None = None,
    fork_sentences: int = FORK_SENTENCES,
    block_sentences: int = BLOCK_SENTENCES,
) -> list[tuple[Path, int]]:
    """Export the labels of ``articles`` (:func:`~annotations.export.articles_to_export`)
    to ``out`` in format ``fmt``; returns ``(path, records written)`` per file, as
    :func:`~annotations.export.write_outputs`.

    ``problems`` receives what cannot be exported and the writer's notes;
    ``withheld`` counts what a training format left out. ``on_articles(n)``: ``n``
    more analyses read; ``on_rows(n)``: the rows are made, ``n`` of them (called
    once, before the writing); ``progress(n)``: ``n`` more rows written.
    ``fork_sentences``: the least number of sentences split between two processes;
    ``block_sentences``: about how many go in a block (a format written in blocks).
    An export in blocks tells ``on_rows`` the total when every block is written.
    """
    chosen = format_named(fmt)
    if analyzer is None and articles:
        from corpus.analysis import Analyzer

        analyzer = Analyzer()
    job = _Job(
        store, chosen, scheme, label, annotator, include_unreviewed, gold,
        on_articles or (lambda n: None), on_rows or (lambda n: None), progress or (lambda n: None),
    )
    cut = None
    if chosen.join is not None and can_fork() and cpus() >= 2:
        if chosen.lines is not None and not chosen.folder and len(job.outputs(Path(out))) == 1:
            cuts = blocks(articles, analyzer, fork_sentences, block_sentences)
            if cuts is not None:
                with collector_paused():  # as below: every analysis is cached
                    return _export_blocks(job, articles, cuts, analyzer, Path(out), problems, withheld)
        cut = halves(articles, analyzer, fork_sentences, STREAMED_SHARE if _streamed(job) else 0.5)
    if cut is None:
        # spaCy may run here (an article not in the cache): the collector as it is
        items = job.analyses(articles, analyzer, per_article=True)
        # The rows live until the format has written them, and a collection walks every
        # object made since the last one: paused until they are dropped, none walks them.
        with collector_paused():
            rows, texts, tokens = job.rows(items, problems, withheld)
            del items
            job.on_rows(len(rows))
            written = write_outputs(
                rows, fmt, out, scheme, include_unreviewed=include_unreviewed, progress=job.progress,
                texts=texts, tokens=tokens, notes=problems,
            )
            del rows, texts, tokens
        return written
    # Every analysis is cached (halves): the collector is paused from the first file
    # read until the rows are dropped (see above), in both processes.
    with collector_paused():
        return _export_forked(job, articles[:cut], articles[cut:], analyzer, Path(out), problems, withheld)


def halves(articles: Sequence[Article], analyzer: Any, least: int, share: float = 0.5) -> int | None:
    """Where to cut ``articles`` into two halves of about as many sentences (the first
    half is ``articles[:cut]``, about ``share`` of the sentences), by the sentence
    counts of the analysis cache; None when the export is too small to share, or an
    analysis is not cached (spaCy would run: that stays in one process)."""
    sizes = _sentence_counts(articles, analyzer, least)
    if sizes is None:
        return None
    middle = sum(sizes) * share
    run = 0
    for at, n in enumerate(sizes):
        if run + n >= middle:
            # before or after this article, whichever is nearer the cut
            cut = at + 1 if run + n - middle <= middle - run else at
            return min(max(cut, 1), len(articles) - 1)
        run += n
    return len(articles) - 1  # pragma: no cover - the loop always reaches half


def blocks(articles: Sequence[Article], analyzer: Any, least: int, size: int = BLOCK_SENTENCES) -> list[int] | None:
    """Where to cut ``articles`` into blocks of whole articles, about ``size`` sentences
    each and a quarter of that in the last tenth of the sentences (at most
    :data:`MAX_BLOCKS` blocks), by the sentence counts of the analysis cache: the
    first article of each block, then ``len(articles)``. None when the
    export is too small to share (fewer than ``least`` sentences), or an analysis is
    not cached (spaCy would run: that stays in one process)."""
    sizes = _sentence_counts(articles, analyzer, least)
    return None if sizes is None else block_cuts(sizes, size)


def block_cuts(sizes: Sequence[int], size: int) -> list[int]:
    """:func:`blocks` for articles of ``sizes`` sentences: a block ends with the first
    article that brings it to ``size`` sentences, or to a quarter of that once no more
    than a tenth of them is left after it (so the process that takes the last block
    ends about a quarter block after the other, not a whole one); ``size`` grows so
    that there are at most :data:`MAX_BLOCKS` blocks."""
    total = sum(sizes)
    size = max(size, 1, -(-2 * total // MAX_BLOCKS))
    small = max(size // 4, 1)
    cuts = [0]
    run = done = 0
    for at, n in enumerate(sizes[:-1]):
        run += n
        done += n
        if run >= (size if (total - done) * 10 > total else small):
            cuts.append(at + 1)
            run = 0
    cuts.append(len(sizes))
    return cuts


def _sentence_counts(articles: Sequence[Article], analyzer: Any, least: int) -> list[int] | None:
    """Each article's number of sentences from the analysis cache; None when the export
    is not to be shared: fewer than two articles or ``least`` sentences, or an article
    not cached."""
    if len(articles) < 2 or analyzer is None:
        return None
    sizes = []
    for article in articles:
        counts = analyzer.counts(article)
        if counts is None:
            return None
        sizes.append(counts.sentences)
    total = sum(sizes)
    return sizes if total >= least and total > 0 else None


def analyses_of(
    articles: Sequence[Article], analyzer: Any, on_article: Callable[[Article], None] | None = None
) -> list[tuple[Article, Any]]:
    """``(article, analysis)`` in the order of ``articles``: from the cache (spans left
    as columns, which ``collect_rows`` reads), else made by ``analyzer``."""
    if not articles:
        return []
    found: dict[str, Analysis] = {}
    progress = (lambda article, _cached: on_article(article)) if on_article else None
    for article, analysis in analyzer.analyze_many(articles, progress=progress, columns=True):
        found[article.id] = analysis
    return [(a, found[a.id]) for a in articles if a.id in found]


class _Job:
    """One export's settings, shared by both processes."""

    def __init__(
        self, store: Store, chosen: Format, scheme: Any, label: str | None, annotator: str | None,
        include_unreviewed: bool, gold: bool, on_articles: Progress, on_rows: Progress, progress: Progress,
    ) -> None:
        self.store, self.chosen, self.scheme = store, chosen, scheme
        self.label, self.annotator, self.include_unreviewed, self.gold = label, annotator, include_unreviewed, gold
        self.on_articles, self.on_rows, self.progress = on_articles, on_rows, progress
        #: The folder a folder format's output replaces (its unchanged files are linked).
        self.previous: Path | None = None

    def analyses(
        self, articles: Sequence[Article], analyzer: Any, *, per_article: bool
    ) -> list[tuple[Article, Any]]:
        """``(article, analysis)`` of ``articles`` (:func:`analyses_of`); ``per_article``:
        each one told to ``on_articles``."""
        tell = self.on_articles
        return analyses_of(articles, analyzer, (lambda _a: tell(1)) if per_article else None)

    def rows(
        self, items: list[tuple[Article, Any]], problems: list[str] | None, withheld: Withheld | None
    ) -> tuple[list[ExportRow], dict[str, str], dict[str, Any]]:
        """The rows of the articles of ``items``, their texts and their cached tokens."""
        rows = list(
            collect_rows(
                self.store, items, label=self.label, annotator=self.annotator,
                include_unreviewed=self.include_unreviewed, problems=problems, gold=self.gold,
                agreed=self.chosen.training, withheld=withheld,
            )
        )
        texts = {article.id: article.text for article, _ in items}
        return rows, texts, cached_tokens(items)

    def whole(self, rows: Sequence[ExportRow]) -> WholeExport:
        """What the writer must know of ``rows`` (for the other part's writer too);
        nothing for a format whose writer reads none of it."""
        return WholeExport.of(rows) if self.chosen.whole_needed else WholeExport()

    def outputs(self, out: Path) -> list[Path]:
        """The files of one part: ``out``, and the unreviewed sentences' file of a format
        that keeps them apart (written whenever they are asked for, as write_outputs)."""
        if self.chosen.unreviewed_apart and self.include_unreviewed:
            return [out, self.chosen.unreviewed_path(out)]
        return [out]

    def write(
        self, rows: Sequence[ExportRow], out: Path, whole: WholeExport, texts: dict[str, str],
        tokens: dict[str, Any], progress: Progress,
    ) -> list[dict[str, Any]]:
        """Write one part (each of :meth:`outputs`); returns per file the records written,
        the overlapping spans and the writer's notes."""
        paths = self.outputs(out)
        if len(paths) == 1:
            groups = [rows]
        else:
            groups = [[row for row in rows if row.label is not None], [row for row in rows if row.label is None]]
        results = []
        for path, group in zip(paths, groups):
            context = WriteContext(
                self.scheme, progress, 1, texts=texts, tokens=tokens, whole=whole,
                previous=self.previous if path == paths[0] else None,
            )
            with collector_paused():  # the writers' tables are many objects and no cycles
                written = self.chosen.write(group, path, context)
            overlaps = overlapping(group) if self.chosen.overlaps else 0
            results.append({"written": written, "overlaps": overlaps, "notes": context.notes})
        return results


def _export_forked(
    job: _Job, mine: Sequence[Article], theirs: Sequence[Article], analyzer: Any, out: Path,
    problems: list[str] | None, withheld: Withheld | None,
) -> list[tuple[Path, int]]:
    """The export in two processes (see the module's docstring); returns ``(path,
    records written)`` per file, as :func:`~annotations.export.write_outputs`."""
    if out.parent and not out.parent.exists():
        raise ExportError(f"cannot write {out}: folder {out.parent} does not exist")
    chosen = job.chosen
    job.previous = replaced_folder(out) if chosen.folder else None
    try:
        with staged_output(out, folder=chosen.folder) as staged:
            part = staged.parent / PART_FOLDER / staged.name
            try:
                counts = _two_halves(job, mine, theirs, analyzer, staged, part, problems, withheld)
            except ExportError as error:  # a writer's message names the file it was given
                raise ExportError(
                    str(error).replace(str(part), str(out)).replace(str(staged), str(out))
                ) from None
            finally:  # the staging folder's other files are renamed beside the output
                shutil.rmtree(part.parent, ignore_errors=True)
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror})") from None
    return list(zip(job.outputs(out), counts))


def _two_halves(
    job: _Job, mine: Sequence[Article], theirs: Sequence[Article], analyzer: Any, staged: Path,
    part: Path, problems: list[str] | None, withheld: Withheld | None,
) -> list[int]:
    """Both halves, joined in ``staged``; returns the records written per file."""
    from_child, to_parent = os.pipe()
    from_parent, to_child = os.pipe()
    # What both processes hold from before the fork is left out of the collector's
    # walks: a collection would touch every object's header, copying its page.
    gc.freeze()

    def second_half() -> None:
        os.close(from_child)
        os.close(to_child)
        _second_half(job, theirs, analyzer, part, from_parent, to_parent)

    pid = fork_child(second_half, lambda error: _send(to_parent, {"error": _one_line(error)}))
    os.close(to_parent)
    os.close(from_parent)
    reader = os.fdopen(from_child, "rb")
    try:
        own_problems: list[str] = []
        rows, texts, tokens = job.rows(job.analyses(mine, analyzer, per_article=True), own_problems, withheld)
        whole = job.whole(rows)
        own_rows = len(rows)
        if job.chosen.whole_needed:
            try:
                _send(to_child, whole.to_json())
            except BrokenPipeError:  # the child is gone: what became of it is read next
                pass
        made: dict[str, Any] | None = None
        untold = 0  # rows written before the child's count came (the total is told first)

        def told(wait: bool) -> bool:
            """Whether the child's rows are made and counted (its first message: read
            when it has come, or waited for), their count told to ``on_rows``."""
            nonlocal made, pid
            if made is not None:
                return True
            # nothing was read from the pipe before this message: its descriptor says all
            if not wait and not select.select([reader], [], [], 0)[0]:
                return False
            made = _receive(reader)
            if made is None:
                pid, why = 0, _ended(pid)
                raise ExportError(f"cannot write {staged}: {why}")
            job.on_articles(made["articles"])
            job.on_rows(own_rows + made["rows"])
            return True

        if job.chosen.whole_needed:
            told(wait=True)
            whole = whole.merged(WholeExport.from_json(made["whole"]))  # type: ignore[index]
        # The disk starts on this half as it is written (the child's part is only copied:
        # not worth writing); the fsync before the rename has the rest to do.
        early = EarlyWriteback([] if job.chosen.folder else job.outputs(staged))

        def progress(n: int) -> None:
            # Else this half is written while the child still makes its rows; what is
            # written meanwhile is told once the total is.
            nonlocal untold
            if told(wait=False):
                if untold:
                    job.progress(untold)
                    untold = 0
                job.progress(n)
            else:
                untold += n
            early()

        copy: _PartCopy | None = None
        try:
            results = job.write(rows, staged, whole, texts, tokens, progress)
            del rows, texts, tokens
            told(wait=True)
            if untold:
                job.progress(untold)
            if _streamed(job):  # the part so far goes after this half while the child writes the rest
                copy = _PartCopy(staged, part)
                # While the child is still at work: the pages of the output this one
                # replaces, which the rename would free (its folder: where the stage is)
                drop_cached(staged.parent.parent / staged.name)
            done = _receive(reader)
            while copy is not None and done is not None and "part" in done:
                if copy.upto(done["part"]):  # all written so far: the messages queued meanwhile ask for nothing
                    early()
                done = _receive(reader)
            if copy is not None and done is not None:
                # the rest: the part is whole once the child has told its counts, and
                # it is copied (and its writeback started) while the child exits
                copy.upto(0)
                early()
            pid, why = 0, _ended(pid)
            if done is None or why:
                raise ExportError(f"cannot write {staged}: {why or 'the second export process said nothing'}")
            if copy is None:
                for path, part_path in zip(job.outputs(staged), job.outputs(part)):
                    job.chosen.join(path, part_path)
        finally:
            early.close()
            if copy is not None:
                copy.close()
        job.progress(made["rows"])  # type: ignore[index]
        if withheld is not None:
            withheld.disagreements += done["withheld"][0]
            withheld.where.extend(done["withheld"][1])
        if problems is not None:
            problems.extend(own_problems)
            problems.extend(done["problems"])
            for n, (path, ours, theirs) in enumerate(zip(job.outputs(staged), results, done["files"])):
                # as write_outputs says them: a second file's notes after its name
                said = f"{path.name}: " if n else ""
                overlaps = ours["overlaps"] + theirs["overlaps"]
                if overlaps:
                    problems.append(f"{said}{overlaps} overlapping spans: {job.chosen.overlaps}")
                problems.extend(said + note for note in merge_counted(ours["notes"], theirs["notes"]))
        return [ours["written"] + theirs["written"] for ours, theirs in zip(results, done["files"])]
    finally:
        if pid:  # this process failed or was interrupted: stop the child
            _stop(pid)
        reader.close()
        os.close(to_child)
        gc.unfreeze()


def _second_half(
    job: _Job, articles: Sequence[Article], analyzer: Any, part: Path, from_parent: int, to_parent: int
) -> None:
    """The child's work: its rows, what they hold, its part, then its counts and notes."""
    problems: list[str] = []
    withheld = Withheld()
    rows, texts, tokens = job.rows(job.analyses(articles, analyzer, per_article=False), problems, withheld)
    whole = job.whole(rows)
    _send(to_parent, {"articles": len(articles), "rows": len(rows), "whole": whole.to_json()})
    if job.chosen.whole_needed:
        with os.fdopen(from_parent, "rb") as reader:
            theirs = _receive(reader)
        whole = whole.merged(WholeExport.from_json(theirs))
    else:
        os.close(from_parent)
    part.parent.mkdir()
    grown = _PartGrowth(part, to_parent) if _streamed(job) else None
    files = job.write(rows, part, whole, texts, tokens, grown or (lambda n: None))
    _send(to_parent, {"files": files, "problems": problems, "withheld": [withheld.disagreements, withheld.where]})


#: The child says how far its part is written each time it has grown by this much.
PART_STEP = 1 << 22
#: The first half's share of the sentences when the parent copies the part as it is
#: written (doccano, doccano-spans, conll: Prodigy goes in blocks). It was 0.46 when
#: Prodigy's 280 MB went this way and its copy made the parent's half heavier; for
#: these formats' 30-50 MB the copy is small and the child, which starts after the
#: fork, is the one that ends last. At 100k labels, five runs each, alternating, the
#: share of both CPUs the export kept busy (CPU time / 2 x wall): 0.46 gave 0.90-0.91,
#: 0.5 gave 0.94-0.97 and 0.53 gave 0.90-0.93.
STREAMED_SHARE = 0.5


def _streamed(job: _Job) -> bool:
    """Whether the parent copies the child's part after its own half while the child is
    still writing it: a file appended whole (``append_part``, a part written from its
    start to its end), no second file."""
    return job.chosen.join is append_part and len(job.outputs(Path("part"))) == 1


class _PartGrowth:
    """In the child, the writer's progress: tells the parent ``{"part": size}`` each
    time the part has grown by :data:`PART_STEP` (its first ``size`` bytes are written:
    a file's size moves only past the bytes a write has put in it)."""

    def __init__(self, part: Path, to_parent: int) -> None:
        self.part, self.to_parent, self.told = part, to_parent, 0

    def __call__(self, n: int) -> None:
        try:
            size = os.stat(self.part).st_size
        except OSError:
            return
        if size - self.told >= PART_STEP:
            _send(self.to_parent, {"part": size})
            self.told = size


class _PartCopy:
    """In the parent, the child's part copied after this half (the join of
    ``append_part``), as much of it as is written at each :meth:`upto`."""

    def __init__(self, staged: Path, part: Path) -> None:
        self.part = part
        self._out = os.open(staged, os.O_WRONLY | os.O_CLOEXEC)
        self._at = os.fstat(self._out).st_size  # this half's end: where the part goes
        self._from: int | None = None
        self.copied = 0

    def upto(self, size: int) -> int:
        """Copy the part's bytes up to ``size``, or further: as far as it is written now
        (a file's size moves only past the bytes a write has put in it); returns how
        many bytes were copied."""
        if self._from is None:
            self._from = os.open(self.part, os.O_RDWR | os.O_CLOEXEC)
        size = max(size, os.fstat(self._from).st_size)
        began = self.copied
        while self.copied < size:
            n = copy_range(self._from, self._out, self.copied, self._at + self.copied, size - self.copied)
            if n == 0:
                raise ExportError(f"cannot join {self.part.name}: it ends before {size} bytes")
            self.copied += n
        # what is copied is freed now, not all at once when the part is removed (the
        # bytes of a block partly copied are zeroed: they are copied already)
        punch_hole(self._from, began, self.copied - began)
        return self.copied - began

    def close(self) -> None:
        for fd in (self._out, self._from):
            if fd is not None:
                os.close(fd)
        self._from = None


# ------------------------------------------------------------------ blocks


def _export_blocks(
    job: _Job, articles: Sequence[Article], cuts: list[int], analyzer: Any, out: Path,
    problems: list[str] | None, withheld: Withheld | None,
) -> list[tuple[Path, int]]:
    """The export in blocks, by two processes (see the module's docstring); returns
    ``[(out, records written)]``, as :func:`~annotations.export.write_outputs`."""
    if out.parent and not out.parent.exists():
        raise ExportError(f"cannot write {out}: folder {out.parent} does not exist")
    try:
        with staged_output(out) as staged:
            try:
                written = _blocks_in_two(job, articles, cuts, analyzer, staged, problems, withheld)
            except ExportError as error:  # the messages name the file written
                raise ExportError(str(error).replace(str(staged), str(out))) from None
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror})") from None
    return [(out, written)]


def _blocks_in_two(
    job: _Job, articles: Sequence[Article], cuts: list[int], analyzer: Any, staged: Path,
    problems: list[str] | None, withheld: Withheld | None,
) -> int:
    """Both processes' blocks, written into ``staged``; returns the records written."""
    opened: list[int] = []

    def pipe() -> tuple[int, int]:
        ends = os.pipe()
        opened.extend(ends)
        return ends

    def close(fd: int) -> None:
        opened.remove(fd)
        os.close(fd)

    pid = 0
    try:
        # Every block number, in order, four bytes each (at most MAX_BLOCKS: the pipe
        # holds them all): a process takes the next block by reading four bytes (a
        # pipe's reads come whole, one after the other), and reads nothing once they
        # are all taken. The messages each way are a few between two reads: neither
        # process can fill the other's pipe.
        claims, filler = pipe()
        _write_all(filler, b"".join(k.to_bytes(4, "little") for k in range(len(cuts) - 1)))
        close(filler)
        from_child, to_parent = pipe()
        from_parent, to_child = pipe()
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        opened.append(fd)
        # What both processes hold from before the fork is left out of the collector's
        # walks: a collection would touch every object's header, copying its page.
        gc.freeze()

        def second() -> None:
            os.close(from_child)
            os.close(to_child)
            mine = _Blocks(job, articles, cuts, analyzer, fd, claims, from_parent, to_parent, staged, per_article=False)
            mine.run()
            _send(to_parent, {"done": mine.summary()})

        pid = fork_child(second, lambda error: _send(to_parent, {"error": _one_line(error)}))
        close(to_parent)
        close(from_parent)
        mine = _Blocks(job, articles, cuts, analyzer, fd, claims, from_child, to_child, staged, per_article=True)
        try:
            mine.run()
            # the pages of the output this one replaces, which the rename would free
            drop_cached(staged.parent.parent / staged.name)
            theirs = mine.last_word()
        except _Silent:
            pid, why = 0, _ended(pid)
            raise ExportError(f"cannot write {staged}: {why or 'the second export process said nothing'}") from None
        pid, why = 0, _ended(pid)
        if why:
            raise ExportError(f"cannot write {staged}: {why}")
        start_writeback(fd)
        summary = mine.summary()
        said = dict(summary["problems"]) | dict(theirs["problems"])
        kept = dict(summary["withheld"]) | dict(theirs["withheld"])
        if problems is not None:
            for block in sorted(said):
                problems.extend(said[block])
            overlaps = summary["overlaps"] + theirs["overlaps"]
            if overlaps:
                problems.append(f"{overlaps} overlapping spans: {job.chosen.overlaps}")
        if withheld is not None:
            for block in sorted(kept):
                disagreements, where = kept[block]
                withheld.disagreements += disagreements
                withheld.where.extend(where)
        total = summary["rows"] + theirs["rows"]
        job.on_rows(total)
        job.progress(total)
        return total
    finally:
        if pid:  # this process failed or was interrupted: stop the child
            _stop(pid)
        for fd in opened:
            os.close(fd)
        gc.unfreeze()


class _Silent(Exception):
    """The other process ended without its last word."""


class _Blocks:
    """One process's share of an export in blocks: it takes block after block, makes
    its lines and tells the other process their size (``{"b": block, "size": bytes,
    "rows": n, "articles": n}``), and writes each of its blocks once every block
    before it has a known size."""

    def __init__(
        self, job: _Job, articles: Sequence[Article], cuts: list[int], analyzer: Any, fd: int, claims: int,
        incoming: int, outgoing: int, staged: Path, *, per_article: bool,
    ) -> None:
        self.job, self.articles, self.cuts, self.analyzer = job, articles, cuts, analyzer
        self.fd, self.claims, self.incoming, self.outgoing = fd, claims, incoming, outgoing
        self.staged, self.per_article = staged, per_article
        self.lines = job.chosen.lines(job.scheme)  # type: ignore[misc]
        self.sizes: dict[int, int] = {}  # every block made so far, by either process
        self.pending: dict[int, list[bytes | memoryview]] = {}  # made here, not written yet
        self.frontier = 0  # the first block whose size is not known
        self.at = 0  # where that block starts in the file
        self.problems: dict[int, list[str]] = {}
        self.withheld: dict[int, tuple[int, list[str]]] = {}
        self.rows = self.overlaps = 0
        self.heard: dict[str, Any] | None = None  # the other process's last word
        self._buffer = b""

    def run(self) -> None:
        """Take, make and write blocks until none is left and each made here is written."""
        try:
            while (block := self._claim()) is not None:
                self._make(block)
                self._receive(wait=False)
                self._write_ready()
            while self.pending:
                self._receive(wait=True)
                self._write_ready()
        except OSError as error:  # the disk full, say: the file is named
            raise ExportError(f"cannot write {self.staged} ({error.strerror})") from None

    def last_word(self) -> dict[str, Any]:
        """Wait for the other process's summary (see :meth:`summary`)."""
        while self.heard is None:
            self._receive(wait=True)
        return self.heard

    def summary(self) -> dict[str, Any]:
        """What the other process adds to its own at the end: rows, problems, overlaps."""
        return {
            "rows": self.rows, "overlaps": self.overlaps,
            "problems": sorted(self.problems.items()), "withheld": sorted(self.withheld.items()),
        }

    def _claim(self) -> int | None:
        data = os.read(self.claims, 4)
        return int.from_bytes(data, "little") if len(data) == 4 else None

    def _make(self, block: int) -> None:
        job, first, end = self.job, self.cuts[block], self.cuts[block + 1]
        said: list[str] = []
        kept = Withheld()
        rows, _texts, tokens = job.rows(
            job.analyses(self.articles[first:end], self.analyzer, per_article=self.per_article), said, kept
        )
        pieces: list[bytes | memoryview] = list(chain.from_iterable(self.lines(rows, tokens)))
        size = sum(map(len, pieces))
        if job.chosen.overlaps:
            self.overlaps += overlapping(rows)
        self.rows += len(rows)
        if said:
            self.problems[block] = said
        if kept.disagreements:
            self.withheld[block] = (kept.disagreements, kept.where)
        self.sizes[block] = size
        self.pending[block] = pieces
        self._send({"b": block, "size": size, "rows": len(rows), "articles": end - first})

    def _write_ready(self) -> None:
        """Write each block made here whose place is known (every block before it has a size)."""
        wrote = False
        while self.frontier in self.sizes:
            pieces = self.pending.pop(self.frontier, None)
            if pieces is not None:
                write_pieces(self.fd, pieces, self.at)
                wrote = True
            self.at += self.sizes[self.frontier]
            self.frontier += 1
        if wrote:  # the disk starts on it now; the fsync before the rename has the rest to do
            start_writeback(self.fd)

    def _send(self, message: dict[str, Any]) -> None:
        try:
            _send(self.outgoing, message)
        except BrokenPipeError:  # the other process is gone: done, or failed (its pipe says)
            pass

    def _receive(self, wait: bool) -> None:
        """Read what the other process said; ``wait``: until at least one message came."""
        while True:
            if not wait and not select.select([self.incoming], [], [], 0)[0]:
                return
            data = os.read(self.incoming, 1 << 16)
            if not data:
                if self.heard is not None and not wait:  # its last word came: nothing more will
                    return
                raise _Silent()
            *lines, self._buffer = (self._buffer + data).split(b"\n")
            for line in lines:
                self._hear(json.loads(line.decode("utf-8", "surrogatepass")))
            if lines and wait:
                return

    def _hear(self, message: dict[str, Any]) -> None:
        if "error" in message:
            raise ExportError(message["error"])
        if "done" in message:
            self.heard = message["done"]
            return
        self.sizes[message["b"]] = message["size"]
        if self.per_article:  # this is the first process: the other's articles are read
            self.job.on_articles(message["articles"])


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _send(fd: int, message: dict[str, Any]) -> None:
    _write_all(fd, (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass"))


def _receive(reader: Any) -> dict[str, Any] | None:
    """The other process's next message (None when it ended without one); its error as
    an :class:`ExportError`."""
    line = reader.readline()
    if not line:
        return None
    message = json.loads(line.decode("utf-8", "surrogatepass"))
    if "error" in message:
        raise ExportError(message["error"])
    return message


def _stop(pid: int) -> None:
    """Kill the child ``pid`` and wait for it (this process failed or was interrupted)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _ended(pid: int) -> str:
    """Wait for the child ``pid``; "" when it ended well, else how it ended."""
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        return f"the second export process failed (exit status {code})" if code else ""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"the second export process was killed ({name})"
    return "the second export process failed"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


_COUNTED = re.compile(r"(\d+)(\D.*)", re.DOTALL)


def merge_counted(first: list[str], second: list[str]) -> list[str]:
    """The notes of two parts as one writer would have given them: a note that starts
    with a count and is in both ("3 sentence(s) of ...") once, with the counts added."""
    out = list(first)
    for note in second:
        found = _COUNTED.match(note)
        for at, mine in enumerate(out):
            other = _COUNTED.match(mine)
            if found and other and other.group(2) == found.group(2):
                out[at] = f"{int(other.group(1)) + int(found.group(1))}{found.group(2)}"
                break
        else:
            out.append(note)
    return out
