"""The on-disk analysis cache: one small file per article, never needing spaCy to read.

Layout: ``<cache dir>/analyses/<model>-<model version>-a<analyser version>/<key>.json``
where ``key`` hashes the article text and its body range. A file holds two lines:

1. a header: ``{"f": 1, "len": <text length>, "counts": {...}, "labels": [...]}``
2. the data: ``{"p": [s, e, ...], "s": [s, e, ...], "x": [s, e, label index, ...]}``

so the article list reads only the first line for its counts. Writes go to a temp file
and ``os.replace`` so a crash never leaves half a file; a file that does not parse or
does not fit its article is ignored (and rewritten by the next analysis).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.model import Analysis, Article, Segment, Span, kind_of

#: Bump when the file layout changes (the analyser's own version is part of the folder).
FORMAT = 1


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


def counts_of(article: Article, analysis: Analysis, tokens: int) -> Counts:
    """The counts stored beside an analysis."""
    start, end = article.body
    kinds = [span.kind for span in analysis.spans]
    return Counts(
        tokens=tokens,
        words=len(article.text[start:end].split()),
        sentences=len(analysis.sentences),
        entities=kinds.count("entity"),
        figures=kinds.count("figure"),
        dates=kinds.count("date"),
    )


def _safe(part: str) -> str:
    """A folder-name-safe rendering of a model name or version (paths get a hash)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", part)[:60]
    if cleaned != part:
        cleaned += "-" + hashlib.sha1(part.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return cleaned or "_"


class AnalysisCache:
    """Analyses of one model + version + analyser version, stored under ``root``."""

    def __init__(self, root: Path | None, model: str, model_version: str, analyser_version: int) -> None:
        self.root = Path(root) if root is not None else cache_root()
        self.model = model
        self.model_version = model_version
        self.folder = self.root / "analyses" / f"{_safe(model)}-{_safe(model_version)}-a{analyser_version}"

    def path_for(self, article: Article) -> Path:
        """Where the analysis of ``article`` (its text and body range) is kept."""
        start, end = article.body
        key = hashlib.sha256(f"{article.hash}:{start}:{end}".encode()).hexdigest()[:40]
        return self.folder / f"{key}.json"

    def _read(self, article: Article) -> str | None:
        try:
            return self.path_for(article).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def counts(self, article: Article) -> Counts | None:
        """The stored counts of ``article``, or None when not cached (reads one line)."""
        raw = self._read(article)
        if raw is None:
            return None
        try:
            header = json.loads(raw.partition("\n")[0])
            if header.get("f") != FORMAT or header.get("len") != len(article.text):
                return None
            return Counts(**{name: int(value) for name, value in header["counts"].items()})
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def load(self, article: Article) -> Analysis | None:
        """The cached analysis of ``article``, or None if absent or unusable."""
        raw = self._read(article)
        if raw is None:
            return None
        try:
            head, _, body = raw.partition("\n")
            header = json.loads(head)
            data = json.loads(body)
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
            label_kinds = [(label, kind_of(label)) for label in labels]
            return Analysis(
                paragraphs=tuple(Segment(s, e) for s, e in zip(paragraphs[0::2], paragraphs[1::2])),
                sentences=tuple(Segment(s, e) for s, e in zip(sentences[0::2], sentences[1::2])),
                spans=tuple(
                    Span(s, e, *label_kinds[k]) for s, e, k in zip(spans[0::3], spans[1::3], spans[2::3])
                ),
                model=self.model,
                model_version=self.model_version,
            )
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None

    def save(self, article: Article, analysis: Analysis, tokens: int) -> None:
        """Store ``analysis`` atomically (temp file + ``os.replace``); errors are ignored."""
        labels: list[str] = []
        index: dict[str, int] = {}
        flat_spans: list[int] = []
        for span in analysis.spans:
            k = index.get(span.label)
            if k is None:
                k = index[span.label] = len(labels)
                labels.append(span.label)
            flat_spans += (span.start, span.end, k)
        counts = counts_of(article, analysis, tokens)
        header = {
            "f": FORMAT,
            "len": len(article.text),
            "model": self.model,
            "version": self.model_version,
            "counts": asdict(counts),
            "labels": labels,
        }
        data = {
            "p": [n for seg in analysis.paragraphs for n in (seg.start, seg.end)],
            "s": [n for seg in analysis.sentences for n in (seg.start, seg.end)],
            "x": flat_spans,
        }
        payload = json.dumps(header, separators=(",", ":")) + "\n" + json.dumps(data, separators=(",", ":"))
        target = self.path_for(article)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                os.replace(temp, target)
            except BaseException:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
                raise
        except OSError:
            pass  # a read-only or full cache dir only costs a re-analysis next time
