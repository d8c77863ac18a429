"""The on-disk analysis cache: one small file per article, never needing spaCy to read.

Layout: ``<cache dir>/analyses/<model>-<model version>-a<analyser version>/<key>.json``
where ``key`` hashes the article text and its body range. A file holds two lines:

1. a header: ``{"f": 1, "len": <text length>, "counts": {...}, "labels": [...]}``
2. the data: ``{"p": [s, e, ...], "s": [s, e, ...], "x": [s, e, label index, ...],
   "r": [[span index, value, unit, change, counted, shape], ...], "n": [sentence index, ...],
   "a": [[[source start, end] or null, [cue start, end], [content start, end, ...], claimant], ...],
   "k": {"v": spaCy version, "c": "offset offset ...", "w": [[sentence index, start, end, space, ...], ...]}}``
   (``r``: figure readings, a range value is a two-number list; ``n``: the sentences
   that are headings, captions or credits; ``a``: attributions; ``k``: the sentences'
   export tokens, see ``corpus.tokens.SentenceTokens``, absent when not worked out)

so a reader of counts needs only the first line. Writes go to a file that gets its name
only when whole (``corpus.files.write_new_file``: an unnamed file linked in, or a temp
file and ``os.replace``) so a crash never leaves half a file; a file that does not
parse or does not fit its article is ignored (and rewritten by the next analysis).

Listing 10,000 articles must not open 10,000 files, so the counts are also kept in
one journal per folder, ``counts-<format>.log``: one line ``<key> <tokens> <words>
<sentences> <entities> <figures> <dates>`` appended (``O_APPEND``, one ``write``) by
every save and by every counts read that had to open an analysis file. It is read
once, then only its new tail when a key is not found. A torn or foreign line is
skipped; the last line for a key wins. Counts depend only on the key (text, body
range, model, version, analyser), so a journal line never goes stale; deleting an
analysis file leaves its counts listed until the journal is deleted too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

from corpus.files import write_new_file
from corpus.json_fast import loads_text
from corpus.model import SHAPES, Analysis, Article, Attribution, Reading, Segment, SpanColumns
from corpus.tokens import SentenceTokens

#: Bump when the file layout changes (the analyser's own version is part of the folder).
FORMAT = 1
#: The counts journal in each cache folder (see the module docstring).
JOURNAL = f"counts-{FORMAT}.log"


def cache_root() -> Path:
    """``$CLAIMSCOPE_CACHE_DIR``, else the user cache dir for claimscope."""
    env = os.environ.get("CLAIMSCOPE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claimscope"))


@dataclass(frozen=True, slots=True)
class Counts:
    """Totals for one article, readable without loading the spans."""

    tokens: int = 0
    words: int = 0
    sentences: int = 0
    entities: int = 0
    figures: int = 0
    dates: int = 0


#: The journal's number columns, in ``Counts`` field order.
_COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Counts))
#: The one type a span's label index may have (a list index: no bool, no float).
_INT = frozenset((int,))


def word_count(text: str, start: int, end: int, step: int = 1 << 20) -> int:
    """``len(text[start:end].split())`` without holding every word at once: a 20 MB
    article is counted a megabyte at a time, each slice cut at a space (no word
    spans one), so the count is the same."""
    count = 0
    while end - start > step:
        cut = text.find(" ", start + step, end)
        if cut < 0:
            break
        count += len(text[start:cut].split())
        start = cut
    return count + len(text[start:end].split())


def listed_counts(analysis: Analysis) -> tuple[int, int, int]:
    """(entities, figures, sentences) of an analysis, as the article list shows them."""
    kinds = [span.kind for span in analysis.spans]
    sentences = sum(1 for s in analysis.sentences if not s.non_sentence)  # what progress counts
    return kinds.count("entity"), kinds.count("figure"), sentences


def counts_of(article: Article, analysis: Analysis, tokens: int) -> Counts:
    """The counts stored beside an analysis."""
    start, end = article.body
    entities, figures, sentences = listed_counts(analysis)
    return Counts(
        tokens=tokens,
        words=word_count(article.text, start, end),
        sentences=sentences,
        entities=entities,
        figures=figures,
        dates=sum(1 for span in analysis.spans if span.kind == "date"),
    )


def _safe(part: str) -> str:
    """A folder-name-safe rendering of a model name or version (paths get a hash)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", part)[:60]
    if cleaned != part:
        cleaned += "-" + hashlib.sha1(part.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return cleaned or "_"


def _reading(value: object, unit: object, change: object, counted: object, shape: object = "value") -> Reading:
    """A reading from its cached fields (a bad one raises, and the entry is ignored)."""
    if isinstance(value, list):
        low, high = value
        if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
            raise ValueError("range value")
        value = (low, high)
    elif value is not None and not isinstance(value, (int, float)):
        raise ValueError("value")
    if change not in {"=", "~", ">", "<", "up", "down"}:
        raise ValueError("change")
    if shape not in SHAPES:
        raise ValueError("shape")
    return Reading(value, None if unit is None else str(unit), change, None if counted is None else str(counted), shape)  # type: ignore[arg-type]


def _pair(value: object, size: int) -> tuple[int, int]:
    """A cached ``[start, end]`` inside the text (else raises, and the entry is ignored)."""
    start, end = value  # type: ignore[misc]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= size):
        raise ValueError("offsets")
    return start, end


def _attribution(fields: object, size: int) -> Attribution:
    """An attribution from its cached fields (a bad one raises, and the entry is ignored)."""
    source, cue, content, claimant = fields  # type: ignore[misc]
    flat = list(content)
    if len(flat) % 2:
        raise ValueError("content")
    return Attribution(
        None if source is None else _pair(source, size),
        _pair(cue, size),
        tuple(_pair(pair, size) for pair in zip(flat[0::2], flat[1::2])),
        None if claimant is None else str(claimant),
    )


class AnalysisCache:
    """Analyses of one model + version + analyser version, stored under ``root``."""

    def __init__(self, root: Path | None, model: str, model_version: str, analyser_version: int) -> None:
        self.root = Path(root) if root is not None else cache_root()
        self.model = model
        self.model_version = model_version
        self.folder = self.root / "analyses" / f"{_safe(model)}-{_safe(model_version)}-a{analyser_version}"
        self.journal = self.folder / JOURNAL
        self._journal: dict[str, Counts] = {}
        self._journal_read = 0  # bytes of the journal parsed so far
        self._journal_file: tuple[int, int] | None = None  # (device, inode) parsed
        self._folder_made = False  # made (or found) by this object: one mkdir per folder, not per save

    @staticmethod
    def key_for(article: Article) -> str:
        """The cache key of ``article``: its text hash and body range, hashed."""
        start, end = article.body
        return hashlib.sha256(f"{article.hash}:{start}:{end}".encode()).hexdigest()[:40]

    def path_for(self, article: Article) -> Path:
        """Where the analysis of ``article`` (its text and body range) is kept."""
        return self.folder / f"{self.key_for(article)}.json"

    def _read(self, article: Article, key: str | None = None) -> str | None:
        try:
            return (self.folder / f"{key or self.key_for(article)}.json").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def counts(self, article: Article) -> Counts | None:
        """The stored counts of ``article``, or None when not cached.

        From the journal when it has the key (no file opened), else from the first
        line of the analysis file, which is then added to the journal.
        """
        key = self.key_for(article)
        found = self._journal.get(key)
        if found is None and self._refresh_journal():
            found = self._journal.get(key)
        if found is not None:
            return found
        raw = self._read(article, key)
        if raw is None:
            return None
        try:
            header = json.loads(raw.partition("\n")[0])
            if header.get("f") != FORMAT or header.get("len") != len(article.text):
                return None
            found = Counts(**{name: int(value) for name, value in header["counts"].items()})
        except (ValueError, RecursionError, TypeError, KeyError, AttributeError):
            return None
        self._append_journal(key, found)
        return found

    def _refresh_journal(self) -> bool:
        """Parse what was appended to the journal since the last look; True when it grew."""
        try:
            info = os.stat(self.journal)  # cheaper than opening: asked on every unknown key
            if (info.st_dev, info.st_ino) != self._journal_file:
                # a new journal (first look, or the cache was cleared): start over
                self._journal_file = (info.st_dev, info.st_ino)
                self._journal.clear()
                self._journal_read = 0
            if info.st_size <= self._journal_read:
                return False
            with open(self.journal, "rb") as handle:
                handle.seek(self._journal_read)
                tail = handle.read(info.st_size - self._journal_read)
        except OSError:
            return False
        complete = tail.rfind(b"\n") + 1  # a line still being written is read next time
        self._journal_read += complete
        width = len(_COUNT_FIELDS) + 1
        journal = self._journal
        for line in tail[:complete].decode("ascii", "replace").split("\n"):
            parts = line.split(" ")
            if len(parts) == width:
                try:
                    journal[parts[0]] = Counts(*map(int, parts[1:]))
                except ValueError:
                    continue
        return complete > 0

    def _append_journal(self, key: str, counts: Counts) -> None:
        """Add one line to the journal; one ``write`` with ``O_APPEND`` keeps lines whole."""
        line = " ".join([key, *(str(getattr(counts, name)) for name in _COUNT_FIELDS)]) + "\n"
        try:
            fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode("ascii"))
            finally:
                os.close(fd)
        except OSError:
            return  # a read-only cache dir only costs file reads next time
        self._journal[key] = counts

    def load(self, article: Article) -> Analysis | None:
        """The cached analysis of ``article``, or None if absent or unusable."""
        columns = self.load_columns(article)
        if columns is None:
            return None
        try:
            return columns.analysis()
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None

    def load_columns(self, article: Article) -> SpanColumns | None:
        """:meth:`load` with the spans left as flat columns (see :class:`SpanColumns`)."""
        raw = self._read(article)
        if raw is None:
            return None
        try:
            head, _, body = raw.partition("\n")
            header = json.loads(head)
            data = loads_text(body)  # json.loads, in one pass
            size = len(article.text)
            if header.get("f") != FORMAT or header.get("len") != size:
                return None
            labels = [str(label) for label in header["labels"]]
            paragraphs, sentences, spans = data["p"], data["s"], data["x"]
            if len(paragraphs) % 2 or len(sentences) % 2 or len(spans) % 3:
                return None
            for flat in (paragraphs, sentences, spans[0::3], spans[1::3]):
                if flat and (min(flat) < 0 or max(flat) > size):
                    return None
            if spans and (min(spans[2::3]) < 0 or max(spans[2::3]) >= len(labels)):
                return None
            if not set(map(type, spans[2::3])) <= _INT:  # list indices, read later
                return None
            count = len(spans) // 3
            non_sentences = {int(i) for i in data.get("n", ())}
            readings = {}
            for fields in data.get("r", ()):
                number, reading = int(fields[0]), _reading(*fields[1:])
                if 0 <= number < count:  # a reading of no span is left out
                    readings[number] = reading
            attributions = tuple(_attribution(fields, size) for fields in data.get("a", ()))
            tokens = data.get("k")
            if tokens is not None:
                tokens = SentenceTokens.from_json(tokens, sentences, size)
            starts, ends = sentences[0::2], sentences[1::2]
            if non_sentences:
                segments = tuple(map(Segment, starts, ends, [i in non_sentences for i in range(len(starts))]))
            else:  # (map makes them without a generator's frame per sentence)
                segments = tuple(map(Segment, starts, ends))
            return SpanColumns(
                sentences=segments,
                flat_paragraphs=paragraphs,
                flat_spans=spans,
                labels=labels,
                readings=readings,
                model=self.model,
                model_version=self.model_version,
                attributions=attributions,
                tokens=tokens,
            )
        except (ValueError, RecursionError, TypeError, KeyError, IndexError, AttributeError):
            return None

    def save(
        self, article: Article, analysis: Analysis, tokens: int, sentence_tokens: SentenceTokens | None = None
    ) -> None:
        """Store ``analysis`` atomically (``write_new_file``: named only when whole); errors are ignored.
        ``tokens`` is the token count; ``sentence_tokens`` the sentences' export tokens."""
        labels: list[str] = []
        index: dict[str, int] = {}
        flat_spans: list[int] = []
        readings: list[list[object]] = []
        for n, span in enumerate(analysis.spans):
            k = index.get(span.label)
            if k is None:
                k = index[span.label] = len(labels)
                labels.append(span.label)
            flat_spans += (span.start, span.end, k)
            if span.reading is not None:
                r = span.reading
                value = list(r.value) if isinstance(r.value, tuple) else r.value
                readings.append([n, value, r.unit, r.change, r.counted, r.shape])
        counts = counts_of(article, analysis, tokens)
        key = self.key_for(article)
        header = {
            "f": FORMAT,
            "len": len(article.text),
            "model": self.model,
            "version": self.model_version,
            "counts": {name: getattr(counts, name) for name in _COUNT_FIELDS},  # asdict() without its deep copy
            "labels": labels,
        }
        data = {
            "p": [n for seg in analysis.paragraphs for n in (seg.start, seg.end)],
            "s": [n for seg in analysis.sentences for n in (seg.start, seg.end)],
            "x": flat_spans,
            "r": readings,
            "n": [i for i, seg in enumerate(analysis.sentences) if seg.non_sentence],
            "a": [
                [None if a.source is None else list(a.source), list(a.cue), [n for c in a.content for n in c], a.claimant]
                for a in analysis.attributions
            ],
        }
        if sentence_tokens is not None:
            data["k"] = sentence_tokens.to_json()
        payload = json.dumps(header, separators=(",", ":")) + "\n" + json.dumps(data, separators=(",", ":"))
        target = self.folder / f"{key}.json"
        data_bytes = payload.encode("utf-8", "surrogatepass")
        try:
            if not self._folder_made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._folder_made = True
            try:
                write_new_file(target, data_bytes)
            except FileNotFoundError:  # the folder was removed since (the cache cleared): make it again
                self.folder.mkdir(parents=True, exist_ok=True)
                write_new_file(target, data_bytes)
        except OSError:
            return  # a read-only or full cache dir only costs a re-analysis next time
        self._append_journal(key, counts)
