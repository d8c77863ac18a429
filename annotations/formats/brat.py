"""brat standoff (also read by INCEpTION): ``--format brat -o DIR``.

Per article with exported sentences, ``DIR/<name>.txt`` holds the article text exactly
(written with no newline translation, so ``\\r\\n`` stays two characters) and
``DIR/<name>.ann`` its annotations, with character offsets into that text
(``<name>`` is the store's safe file name for the article id):

- a labelled sentence is ``T<n>\\tSentence START END\\tTEXT`` with ``A<k>\\tClaim T<n>
  LABEL``, ``A<k>\\tCheckworthy T<n>`` when flagged, and its note as ``#<k>\\tAnnotatorNotes
  T<n>\\tNOTE`` (line breaks and tabs in the note become spaces: brat notes are one line);
- a span is ``T<n>\\tLABEL START END\\tTEXT`` (characters outside ``A-Za-z0-9_-`` in a
  label become ``_``, which brat type names need);
- when the export holds several annotators, each sentence annotation has an
  ``A<k>\\tAnnotator T<n> NAME`` (brat shows it on the annotation's box); a span all
  annotators of its sentence share is written once, any other once per annotator with
  its ``Annotator``. ``annotation.conf`` then declares ``Annotator`` with their names.

Who claims a sentence (annotations/formats/claimant.py): its source and cue are
``T<n>\tSOURCE ...`` and ``T<n>\tCUE ...``, tied by ``R<k>\tAttribution Arg1:T<source>
Arg2:T<cue>`` (``annotation.conf`` declares both types and the relation); written once
when every annotator of the sentence agrees on them, else per annotator with its
``Annotator``. A source or cue outside its sentence is not written.

A brat annotation cannot run across a line break, so one that does is written as
brat's discontinuous fragments, ``START END;START END``, one per line of it (the line
break characters of ``str.splitlines`` left out), its text the fragments joined by a
space as brat shows it. Overlapping spans are all kept (``annotation.conf`` allows
overlaps). ``DIR/annotation.conf`` declares the types and the ``Claim`` values.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Sequence

from annotations.errors import ExportError
from annotations.formats.claimant import CUE, SOURCE
from annotations.formats.conll import span_labels
from annotations.formats.parts import moving_files
from annotations.formats.registry import Format, WriteContext, register
from annotations.formats.rows import ExportRow
from annotations.outputs import write_or_link
from annotations.scheme import Scheme
from annotations.store import article_file_name

SENTENCE, CLAIM, CHECKWORTHY, ANNOTATOR = "Sentence", "Claim", "Checkworthy", "Annotator"
ATTRIBUTION = "Attribution"  # the relation from a sentence's SOURCE to its CUE
CONF = "annotation.conf"
_BREAK = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")  # what str.splitlines splits at
_ONE_BREAK = re.compile(_BREAK.pattern[:-1])  # one character of a break
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_VALUE_UNSAFE = re.compile(r"[\s|,:=]")


def brat_type(label: str) -> str:
    """A span label as a brat type name."""
    return _UNSAFE.sub("_", label) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at line breaks into the pieces brat can mark."""
    out = []
    at = start
    for found in _BREAK.finditer(text, start, end):
        if found.start() > at:
            out.append((at, found.start()))
        at = found.end()
    if end > at:
        out.append((at, end))
    return out


def _standoff(text: str, start: int, end: int, breaks: Sequence[int] | None = None) -> str | None:
    """``START END[;START END...]\\tTEXT`` of a region, or None when it is only line breaks.
    ``breaks``: where ``text`` has a line break character (:func:`_breaks_of`), if known."""
    if breaks is not None:
        at = bisect_left(breaks, start)
        if start < end and (at == len(breaks) or breaks[at] >= end):  # one line: the usual case
            return f"{start} {end}\t{text[start:end]}"
    elif start < end and _BREAK.search(text, start, end) is None:
        return f"{start} {end}\t{text[start:end]}"
    pieces = fragments(text, start, end)
    if not pieces:
        return None
    where = ";".join(f"{s} {e}" for s, e in pieces)
    return f"{where}\t{' '.join(text[s:e] for s, e in pieces)}"


def _breaks_of(text: str) -> list[int]:
    """Where ``text`` has a character that ``str.splitlines`` splits at, in order."""
    return [found.start() for found in _ONE_BREAK.finditer(text)]


def annotator_value(name: str) -> str:
    """An annotator's name as a brat attribute value (one word, none of ``|,:=``)."""
    return _VALUE_UNSAFE.sub("_", name) or "_"


def ann_lines(text: str, rows: Sequence[ExportRow], *, annotators: bool = False) -> list[str]:
    """The ``.ann`` lines of one article's rows.

    With ``annotators`` (the export holds several), each sentence annotation says whose
    it is (``A<k>\tAnnotator T<n> NAME``); a span that every annotator of its sentence
    has is written once, one that only some have is written per annotator with theirs.
    """
    lines: list[str] = []
    types: dict[str, str] = {}  # brat_type of each label, worked out once
    t = a = k = r = 0
    at = 0
    breaks = _breaks_of(text)
    while at < len(rows):
        end = at + 1
        while end < len(rows) and rows[end].sentence_index == rows[at].sentence_index:
            end += 1
        group = rows[at:end]
        at = end
        for row in group:
            if row.label is None:
                continue
            where = _standoff(text, row.start, row.end, breaks)
            if where is None:
                continue
            t += 1
            lines.append(f"T{t}\t{SENTENCE} {where}")
            a += 1
            lines.append(f"A{a}\t{CLAIM} T{t} {row.label}")
            if row.checkworthy:
                a += 1
                lines.append(f"A{a}\t{CHECKWORTHY} T{t}")
            if annotators and row.annotator:
                a += 1
                lines.append(f"A{a}\t{ANNOTATOR} T{t} {annotator_value(row.annotator)}")
            if row.note:
                k += 1
                lines.append(f"#{k}\tAnnotatorNotes T{t}\t{' '.join(row.note.split())}")
        shared = set(group[0].spans).intersection(*(r.spans for r in group[1:]))
        written: set[tuple[int, int, str]] = set()
        for row in group:
            for span in row.spans:
                if span in shared and span in written:
                    continue
                written.add(span)
                s, e, label = span
                where = _standoff(text, row.start + s, row.start + e, breaks)
                if where is None:
                    continue
                t += 1
                kind = types.get(label) or types.setdefault(label, brat_type(label))
                lines.append(f"T{t}\t{kind} {where}")
                if span not in shared and row.annotator:
                    a += 1
                    lines.append(f"A{a}\t{ANNOTATOR} T{t} {annotator_value(row.annotator)}")
        t, a, r = _claimant_lines(text, group, lines, t, a, r)
    return lines


_NONE = (None, None)


def _claimant_lines(
    text: str, group: Sequence[ExportRow], lines: list[str], t: int, a: int, r: int
) -> tuple[int, int, int]:
    """Append who claims one sentence (the rows of ``group``): ``SOURCE`` and ``CUE``
    text-bound annotations and ``R<n>\tAttribution Arg1:T<source> Arg2:T<cue>``; once
    when every annotator's rows agree, else per annotator with its ``Annotator``.
    Returns the last T, A and R numbers used."""
    parts = [(row.claimant.source, row.claimant.cue) if row.claimant is not None else _NONE for row in group]
    if parts.count(_NONE) == len(parts):  # most sentences: nobody is said to make them
        return t, a, r
    shared = len(set(parts)) == 1
    written: set[tuple[object, object]] = set()
    for row, part in zip(group, parts):
        if part == _NONE or part in written:
            continue
        written.add(part)
        assert row.claimant is not None
        ids: dict[str, int] = {}
        for s, e, label in row.claimant.spans():
            where = _standoff(text, row.start + s, row.start + e)
            if where is None:
                continue
            t += 1
            ids[label] = t
            lines.append(f"T{t}\t{label} {where}")
            if not shared and row.annotator:
                a += 1
                lines.append(f"A{a}\t{ANNOTATOR} T{t} {annotator_value(row.annotator)}")
        if len(ids) == 2:
            r += 1
            lines.append(f"R{r}\t{ATTRIBUTION} Arg1:T{ids[SOURCE]} Arg2:T{ids[CUE]}")
    return t, a, r


def annotation_conf(scheme: Scheme, labels: Sequence[str], annotators: Sequence[str] = ()) -> str:
    """brat's type declarations for the export (and the ``Annotator`` values when
    several annotators are in it)."""
    entities = "\n".join([SENTENCE, *sorted({brat_type(label) for label in labels} | {SOURCE, CUE})])
    who = sorted({annotator_value(name) for name in annotators})
    annotator = f"{ANNOTATOR}\tArg:<ENTITY>, Value:{'|'.join(who)}\n" if who else ""
    return (
        f"[entities]\n{entities}\n\n"
        f"[relations]\n{ATTRIBUTION}\tArg1:{SOURCE}, Arg2:{CUE}\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n"
        "[events]\n\n"
        f"[attributes]\n{CLAIM}\tArg:{SENTENCE}, Value:{'|'.join(scheme.names)}\n"
        f"{CHECKWORTHY}\tArg:{SENTENCE}\n{annotator}"
    )


def write(rows: Sequence[ExportRow], out: Path, context: WriteContext) -> int:
    """One ``.txt`` + ``.ann`` per article, and ``annotation.conf``; returns the sentences written."""
    out.mkdir(exist_ok=True)
    whole = context.whole  # set when these rows are one part of the export
    names = sorted(whole.annotators if whole is not None else {row.annotator for row in rows if row.annotator})
    several = len(names) > 1
    previous = context.previous  # a repeated export links the files that are the same
    for article_id, group in groupby(rows, key=attrgetter("article_id")):
        mine = list(group)
        text = context.texts.get(article_id)
        if text is None:
            raise ExportError(f"cannot write brat: the text of article {article_id!r} was not given")
        stem = article_file_name(article_id).removesuffix(".json")
        write_or_link(out / f"{stem}.txt", text.encode("utf-8"), previous)
        lines = ann_lines(text, mine, annotators=several)
        write_or_link(out / f"{stem}.ann", ("\n".join(lines) + "\n" if lines else "").encode("utf-8"), previous)
        context.advance(len(mine))
    (out / CONF).write_text(
        annotation_conf(context.scheme, span_labels(rows, whole), names if several else ()),
        encoding="utf-8", newline="\n",
    )
    return len(rows)


FORMAT = register(
    Format(
        "brat", write, "", "brat standoff folder (.txt + .ann per article)", folder=True, join=moving_files(CONF),
        overlaps="all kept (annotation.conf allows overlaps)",
    )
)
