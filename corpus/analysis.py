"""Articles in, analyses out: paragraphs, sentences and highlighted spans, cached on disk.

The body of an article (``text[body_start:body_end]``) is split into paragraphs
(``corpus/pieces.py`` holds that cutting, and cutting the parse back), run through
spaCy in pieces (a whole body of up to ``CHUNK_CHARS`` for a normal article; for a
longer one, runs of paragraphs of at most ``PIECE_CHARS``, a huge paragraph cut at a
line break, a sentence end or a space), and the parser's sentences are cut at
paragraph edges.
Each piece is parsed with up to ``CONTEXT_CHARS`` of the text around it, so it gets
what one doc would give; sentences and spans are kept by the piece they start in.
Pieces go to ``nlp.pipe`` in batches of at most ``BATCH_CHARS`` characters, since the
pipeline's memory grows with the text in flight: memory stays flat however long the
article, and each piece's offsets are shifted back by where its text starts.
The pipeline runs without its attribute ruler, whose work (a tag's part of speech and
morphology) a table of the same result does on each doc (``corpus/attributes.py``).
Entities come from the model; figures from the model merged with the rule layer
in ``corpus.figures``, each figure (and each duration date, ``48 hours``) with its
reading from ``corpus.readings`` (the counted noun taken from the parse while the doc
is at hand); attributions (who claims what) from ``corpus.attribution``, read off each
doc while it is at hand, and resolved once per article by ``corpus.attribution_resolve``.
Every offset is absolute into ``Article.text``.

Header lines above the body (``Sep 29, 2022 - World``, the headline, a caption) get
the layers too: each is parsed on its own and becomes a paragraph with spans but no
sentences, so sentence numbers (and the labels on them) stay those of the body.

``Analyzer.cached`` and ``Analyzer.counts`` read the cache without importing spaCy.

Making an ``Analyzer`` never fails for a missing model: the article list, stats and
the app can all start without it. ``ModelNotFoundError`` (one line with the install
command) is raised only when the pipeline is needed (``nlp``, ``analyze``,
``analyze_many`` with an uncached article); ``model_error`` tells beforehand. With the
model package absent ``cached`` and ``counts`` find nothing: the cache key holds the
model version, which only the installed package can tell.
"""

from __future__ import annotations

import gc
import itertools
import re
from bisect import bisect_left
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TypeVar

from corpus.cache import AnalysisCache, Counts
from corpus.headers import header_date, header_lines
from corpus.model import Analysis, Article, Segment, SpanColumns, kind_of
from corpus.errors import ModelNotFoundError
from corpus.models import is_installed, load_nlp, missing_model, model_version, resolve_model

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

    from corpus.attribution import RawAttribution
    from corpus.pieces import RawSpan
    from corpus.tokens import ChunkTokenizer

T = TypeVar("T")

#: Bump whenever paragraphs, sentences or the figure rules change: old cache entries
#: then live in another folder and are never read.
ANALYSER_VERSION = 15  # 15: attribution: datelines made subjects, ", adding" after a quote the teller's, questions raised, "That said"; 14: emoji and other symbols kept off the edges of sources and claimants; 13: a body over 100,000 characters parsed in pieces of 20,000 with context past the blank lines, its token count one doc's; 12: attribution rules widened again (passive agents, speech acts, stance adjectives, asides, headline verbs); 11: the sentences' export tokens cached (corpus/tokens.py); 10: attribution rules widened (position verbs, glued headings, split quotes, titles, owners); 9: attributions (source, cue, content, claimant); 8: ambiguous unit symbols read from context (corpus/unit_context.py); 7: durations, signed and from-to changes, reading shapes; 6: vague durations and split ranges read; 5: non-sentences (headings, captions, credits) flagged; 4: figure readings

#: A body up to this many characters is parsed whole, as one doc (every normal
#: article). nlp.max_length is 1,000,000 characters.
CHUNK_CHARS = 100_000
#: A longer body is cut into pieces of at most this many characters, several to a
#: batch: the parser and the entity recogniser take one step for all the docs of a
#: batch at once, so a batch of one long doc pays each step's fixed cost per token
#: (the parser ~50% slower per token alone than ten docs abreast, the entity
#: recogniser ~5%). The 1 MB article of benchmarks/big_articles.py analysed in one
#: process beside raw ``nlp.pipe`` over its paragraphs, CPU: 1.21x with one
#: 100,000-character piece per batch and 1,000 of context, 1.13x with 20,000 and 250
#: (at 0.5 MB, 10,000 and 250: 1.16-1.20x; smaller pieces parse more context twice).
PIECE_CHARS = 20_000
#: Most characters in one ``nlp.pipe`` batch. spaCy's memory grows with the text of a
#: batch (about 3 GB for 1 MB), so batches are cut by size as well as by count.
BATCH_CHARS = 100_000
#: Text parsed on each side of a piece (not kept): the model's view of a word reaches
#: a few tokens past a paragraph edge (four each way for the small English
#: pipeline's tok2vec), and the parser's left of it, so a piece parsed without it
#: could differ. About fifty tokens (the tests of whole-doc results fail with none
#: and pass with 50); the context is parsed twice, so it is what small pieces cost
#: (250 characters each side of 20,000: 2.5% more text).
CONTEXT_CHARS = 250

@dataclass(slots=True)
class RunStats:
    """What the last ``analyze_many`` did (read by ``claimscope analyze``)."""

    cached: int = 0
    analysed: int = 0
    tokens: int = 0
    seconds: float = 0.0  # the whole call
    load_seconds: float = 0.0  # of which loading the spaCy pipeline

    @property
    def tokens_per_second(self) -> float:
        """Tokens analysed per second, not counting the pipeline load."""
        busy = self.seconds - self.load_seconds
        return self.tokens / busy if busy > 0 else 0.0


#: The whitespace after a piece (the blank lines to the next piece).
_TRAILING_SPACE = re.compile(r"\s*")


def _doc_parts(
    doc: Doc, text: str, offset: int, piece: tuple[int, int], after: int
) -> tuple[list[tuple[int, int]], list[RawSpan], int]:
    """Sentences, merged spans and token count of one piece, from its doc (of ``text``,
    which starts at ``offset``), in article offsets: those that start inside ``piece``
    (a sentence running on into the next piece is kept whole), and the rest of a
    sentence that started in the piece before but ends after ``after`` (where that
    piece stopped)."""
    from corpus.figures import doc_spans
    from corpus.readings import counted_from_doc, read_span

    start, end = piece
    sentences = []
    for sent in doc.sents:
        s, e = sent.start_char + offset, sent.end_char + offset
        if s >= end:
            break
        s = max(s, after)
        if s < e and e > start:
            sentences.append((s, e))
    spans = []
    for found in doc_spans(doc, text):
        s = found.start + offset
        if start <= s < end:
            reading = None
            kind = kind_of(found.label)
            if kind == "figure":
                counted, head = counted_from_doc(doc, found.start, found.end)
                reading = read_span(text, found.start, found.end, found.label, counted, head)
            elif kind == "date":
                reading = read_span(text, found.start, found.end, found.label)
            spans.append((s, found.end + offset, found.label, reading))
    if (offset, offset + len(text)) == piece:
        return sentences, spans, len(doc)
    # not the context's: the tokens starting inside the piece or in the blank lines
    # after it (up to the next piece), so the count is one doc's whatever the pieces
    from spacy.attrs import IDX

    starts = doc.to_array(IDX).tolist()
    gap = _TRAILING_SPACE.match(text, end - offset).end()
    tokens = bisect_left(starts, gap) - bisect_left(starts, start - offset)
    return sentences, spans, tokens


def release_freed_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; nothing
    elsewhere). Parsing a 100k-character piece takes ~400 MB that the C allocator keeps
    after the doc is gone, and Python's own objects (the article's sentences and spans,
    the cache file) are not put there: without this, finishing a 20 MB article would
    sit on top of it."""
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def _heap_frozen(items: Iterable[T]) -> Iterator[T]:
    """``items``, with Python's full garbage collections leaving alone the objects that
    were alive before the first one (the loaded pipeline's Python side, the corpus).

    An analysis makes many small objects that survive (each piece's sentences, spans
    and readings), so full collections come every few pieces, and each walked the
    whole heap again: 6% of the CPU time of a 0.2 MB article, more as the heap grew
    (benchmarks/big_articles.py). ``gc.freeze`` moves what is alive into a generation
    the collector never walks; garbage made meanwhile is still collected. When
    something else had frozen objects already (the app's idle collector), it stays in
    charge of thawing them.
    """
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield from items
    finally:
        if thaw:
            gc.unfreeze()


# --- the analyser --------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """An article whose pieces are in spaCy: what came back so far."""

    article: Article
    paragraphs: list[Segment]
    pieces: int
    chunks: int = 1  # of the body (the rest of the pieces are header lines)
    done: int = 0
    tokens: int = 0
    sentences: list[tuple[int, int]] = field(default_factory=list)
    spans: list[RawSpan] = field(default_factory=list)
    finite: list[int] = field(default_factory=list)  # offsets of finite verbs (non-sentences)
    attributions: list[RawAttribution] = field(default_factory=list)
    subjects: list[tuple[int, int]] = field(default_factory=list)  # proper-noun subjects (pronouns' people)



class Analyzer:
    """Analyses articles with one spaCy pipeline, through the on-disk cache."""

    def __init__(
        self,
        model: str | None = None,
        cache_dir: Path | None = None,
        *,
        chunk_chars: int = CHUNK_CHARS,
        batch_chars: int = BATCH_CHARS,
        piece_chars: int = PIECE_CHARS,
    ) -> None:
        self.model_name = resolve_model(model, require=False)
        #: Whether the pipeline is there; checked once (a package lookup, no spaCy).
        self.installed = is_installed(self.model_name)
        self.model_version = model_version(self.model_name) if self.installed else ""
        self.cache = AnalysisCache(cache_dir, self.model_name, self.model_version, ANALYSER_VERSION)
        self.chunk_chars = chunk_chars  # a body up to this is one doc
        self.piece_chars = piece_chars  # a longer one: pieces up to this (and chunk_chars)
        self.batch_chars = batch_chars
        self.stats = RunStats()
        self._chunker: ChunkTokenizer | None = None  # the exports' tokens, worked out for the cache

    @property
    def model_error(self) -> ModelNotFoundError | None:
        """The error ``analyze`` will raise because the model is not installed, else None."""
        return None if self.installed else missing_model(self.model_name)

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline (loaded on first use, once per process).

        Raises ``ModelNotFoundError`` when the model is not installed.
        """
        if not self.installed:
            raise missing_model(self.model_name)
        return load_nlp(self.model_name)

    def cached(self, article: Article) -> Analysis | None:
        """The cached analysis of ``article`` or None; never imports spaCy.

        None when the model is not installed (nothing is cached for an absent model).
        """
        return self.cache.load(article) if self.installed else None

    def cached_columns(self, article: Article) -> SpanColumns | None:
        """:meth:`cached` with the spans left as flat columns (see ``corpus.model.SpanColumns``)."""
        return self.cache.load_columns(article) if self.installed else None

    def counts(self, article: Article) -> Counts | None:
        """Word/entity/figure counts from the cache, or None (also when the model is absent).

        A warm cache answers from one in-memory table (see ``corpus.cache``).
        """
        return self.cache.counts(article) if self.installed else None

    def analyze(self, article: Article, progress: Callable[[int, int], None] | None = None) -> Analysis:
        """The analysis of one article (from the cache when it is there).

        ``progress(done, pieces)`` is called after each piece spaCy finishes.
        """
        pieces = None if progress is None else (lambda _article, done, total: progress(done, total))
        for _, analysis in self.analyze_many([article], pieces=pieces):
            return analysis
        raise AssertionError("analyze_many yields one result per article")  # pragma: no cover

    def analyze_many(
        self,
        articles: Iterable[Article],
        n_process: int = 1,
        batch_size: int = 64,
        progress: Callable[[Article, bool], None] | None = None,
        pieces: Callable[[Article, int, int], None] | None = None,
        *,
        columns: bool = False,
    ) -> Iterator[tuple[Article, Analysis]]:
        """Analyse many articles with batched ``nlp.pipe``; cached ones come straight back.

        Results arrive in input order for analysed articles, with cache hits yielded as
        soon as they are found (so the overall order may differ from the input).
        ``progress(article, from_cache)`` is called once per article, and
        ``pieces(article, done, total)`` after each piece of an analysed article.
        ``self.stats`` counts cache hits, analysed articles and tokens of this call.
        With ``columns`` a cache hit comes back as a :class:`~corpus.model.SpanColumns`
        (its spans not built as records: what an export reads, see ``span_rows``).

        A batch holds at most ``batch_size`` pieces and ``batch_chars`` characters in
        this process; with ``n_process`` > 1 spaCy's workers batch by count only.
        """
        # The parsing modules are imported once an article needs spaCy: the app and an
        # export read cached analyses and need none of them.
        self.stats = stats = RunStats()
        began = time.perf_counter()
        # finished without spaCy: (article, analysis, from_cache)
        ready: deque[tuple[Article, Analysis, bool]] = deque()
        pending: dict[int, _Pending] = {}

        def piece_stream() -> Iterator[tuple[str, tuple[int, int, int, int, int]]]:
            """(text, (article number, text start, text end, piece start, piece end)) for uncached articles."""
            limit = 0
            for number, article in enumerate(articles):
                found = self.cached(article) if not columns else self.cached_columns(article)
                if found is not None:
                    ready.append((article, found, True))
                    continue
                from corpus.pieces import chunk_ranges, split_paragraphs, with_context

                text = article.text
                start, end = article.body
                paragraphs = split_paragraphs(text, start, end)
                if not limit:  # the first article that needs spaCy: load it now
                    loading = time.perf_counter()
                    # a piece and its context on both sides stay under spaCy's limit
                    limit = min(self.chunk_chars, self.nlp.max_length - 1 - 2 * CONTEXT_CHARS)
                    stats.load_seconds = time.perf_counter() - loading
                chunks = chunk_ranges(text, paragraphs, limit, self.piece_chars)
                if not chunks:  # an empty body: nothing to parse
                    ready.append((article, self._finish(article, paragraphs, [], [], 0), False))
                    continue
                # header lines: each parsed alone (a date line is no sentence of the body)
                headers = [(s, e, s, e) for s, e in header_lines(text, start)]
                paragraphs = [Segment(s, e) for s, e, _, _ in headers] + paragraphs
                pending[number] = _Pending(article, paragraphs, len(chunks) + len(headers), len(chunks))
                for doc_start, doc_end, piece_start, piece_end in headers + with_context(text, chunks, CONTEXT_CHARS):
                    yield text[doc_start:doc_end], (number, doc_start, doc_end, piece_start, piece_end)

        def drain() -> Iterator[tuple[Article, Analysis]]:
            while ready:
                article, analysis, from_cache = ready.popleft()
                if from_cache:
                    stats.cached += 1
                else:
                    stats.analysed += 1
                if progress is not None:
                    progress(article, from_cache)
                yield article, analysis

        stream = piece_stream()
        # Look for the first article that needs spaCy before loading it: a corpus that
        # is all cached never pays for the import.
        first = next(stream, None)
        yield from drain()
        if first is not None:
            from corpus.attribution import doc_attributions
            from corpus.attributes import RULER, table_for
            from corpus.non_sentences import finite_verbs
            from corpus.pieces import batches

            # the pipeline's attribute ruler as a table, applied to each doc below (same
            # attributes, a tenth of the time); None keeps the ruler in the pipeline
            table = table_for(self.nlp)
            skip = [RULER] if table is not None else []
            texts = itertools.chain([first], stream)
            if n_process == 1:
                docs = (
                    pair
                    for batch in batches(texts, batch_size, self.batch_chars)
                    for pair in self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch), disable=skip)
                )
            else:
                docs = self.nlp.pipe(texts, as_tuples=True, batch_size=batch_size, n_process=n_process, disable=skip)
            for doc, (number, offset, doc_end, piece_start, piece_end) in _heap_frozen(docs):
                yield from drain()
                if table is not None:
                    table(doc)
                got = pending[number]
                # the doc's text again, sliced (Doc.text would re-join every token)
                after = got.sentences[-1][1] if got.sentences else 0
                sentences, spans, tokens = _doc_parts(
                    doc, got.article.text[offset:doc_end], offset, (piece_start, piece_end), after
                )
                got.sentences += sentences
                got.spans += spans
                got.finite += finite_verbs(doc, offset, piece_start, piece_end)
                got.attributions += doc_attributions(doc, offset, piece_start, piece_end, got.subjects)
                got.tokens += tokens
                got.done += 1
                del doc, sentences, spans  # nothing of the piece outlives it but its offsets
                if pieces is not None:
                    pieces(got.article, got.done, got.pieces)
                if got.done < got.pieces:
                    continue
                del pending[number]
                if got.chunks > 1:  # a big article: its parses are gone, their heap is not
                    release_freed_memory()
                analysis = self._finish(
                    got.article, got.paragraphs, got.sentences, got.spans, got.tokens, sorted(got.finite),
                    got.attributions, got.subjects,
                )
                stats.tokens += got.tokens
                ready.append((got.article, analysis, False))
                yield from drain()
            yield from drain()
        stats.seconds = time.perf_counter() - began

    def _finish(
        self,
        article: Article,
        paragraphs: list[Segment],
        raw_sentences: list[tuple[int, int]],
        raw_spans: list[RawSpan],
        tokens: int,
        finite: Sequence[int] = (),
        attributions: Sequence[RawAttribution] = (),
        subjects: Sequence[tuple[int, int]] = (),
    ) -> Analysis:
        from corpus.attribution_resolve import resolve_attributions
        from corpus.non_sentences import mark_non_sentences
        from corpus.pieces import clip_spans, sentences_within

        text = article.text
        body_start = article.body_start
        for paragraph in paragraphs:
            if paragraph.start >= body_start:
                break
            date = header_date(text, paragraph.start, paragraph.end)
            if date is not None:
                # the header parser knows this date for sure; the model often reads
                # "Mar 14," as a name or keeps only the year
                raw_spans = [r for r in raw_spans if r[1] <= date[0] or r[0] >= date[1]]
                raw_spans.append((date[0], date[1], "DATE", None))
                raw_spans.sort(key=lambda r: (r[0], r[1]))
        body = [p for p in paragraphs if p.start >= body_start]  # header paragraphs have no sentences
        sentences = mark_non_sentences(text, body, sentences_within(text, body, raw_sentences), finite)
        spans = tuple(clip_spans(text, paragraphs, raw_spans))
        analysis = Analysis(
            paragraphs=tuple(paragraphs),
            sentences=tuple(sentences),
            spans=spans,
            model=self.model_name,
            model_version=self.model_version,
            attributions=resolve_attributions(text, attributions, spans, paragraphs, subjects),
        )
        from corpus.tokens import analyser_chunker, pipeline_tokenizer, sentence_tokens

        if self._chunker is None:
            # the pipeline's own tokenizer when its rules are blank English's (else that one, ~0.1 s more, once)
            self._chunker = analyser_chunker(pipeline_tokenizer(self.nlp))
        # The tokens every export would cut these sentences into, cached so that an
        # export need not load spaCy (about 1% of the parse's time).
        self.cache.save(article, analysis, tokens, sentence_tokens(text, analysis.sentences, self._chunker))
        return analysis
