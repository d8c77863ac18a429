"""Who claims it, across the article: attributions resolved and their claimants named.

``resolve_attributions(text, raw, spans, paragraphs, subjects)`` runs once per article
over what ``corpus/attribution.py`` found in each parsed piece:

- a paragraph opening with a short name and a colon is an attribution with the colon
  as its cue ("Minister: …" in a headline; "PENCE: Well, …" in a transcript), and a
  quote signed after a dash ('"…" ― Maria Lopez') one with the dash;
- a cue inside a quote is the quoted speaker's words and is left out, and so is a
  report inside another's content ("X said that Y believes…" is X's); source and content
  stay in the cue's paragraph, and a quote that runs on over several sentences is
  content of the tag that closes it;
- a pronoun source ("he said") takes the nearest fitting person or group before it: for
  he/she a named source or a person as a sentence's subject within ``SOURCE_REACH``,
  else any person named within ``MENTION_REACH`` (an honorific tells gender); for
  it/they an organisation, place or people named near; else it keeps the pronoun and
  has no claimant;
- a claimant is the entity naming the source ("Russian President Vladimir Putin" is
  Vladimir Putin, a surname the full name seen earlier), else the source's noun phrase.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Sequence

from corpus.attribution import GROUP_PRONOUNS, PERSON_PRONOUNS, REPORTING_VERBS, WHO_BY_CLAUSE, RawAttribution
from corpus.model import Attribution, Segment, Span

_PERSON = frozenset({"PERSON"})
_GROUP = frozenset({"ORG", "GPE", "NORP"})
_NAMED = _PERSON | _GROUP
#: A line that opens with a short name and a colon: "Minister: …", "Sanders: Clinton…".
_HEADLINE = re.compile(
    r"[ \t]*[\"“'‘]?(?:[A-Z]{2,}[ \t]+[–—-][ \t]+)?((?:[A-Z][\w.'’&-]*\.?[ \t]+){0,3}[A-Z][\w.'’&-]*)[ \t]*:[ \t]+\S"
)
#: A title that opens with a name, maybe a word of its kind and where or to whom it spoke,
#: and a colon: "Clinton camp: …", "Clinton to Planned Parenthood: …".
_TITLE = re.compile(
    r"[ \t]*((?:[A-Z][\w.'’&-]*\.?[ \t]+){0,3}[A-Z][\w.'’&-]*(?:[ \t]+(?:camp|aide|aides|allies|campaign|team|spokesman|spokeswoman))?)"
    r"(?:[ \t]+(?:on|to|at|in|about|after|for)[ \t]+[^:\n]{1,80})?[ \t]*:[ \t]+\S"
)
#: A name and a colon before a quote inside a line: "Pollsters agree - Carl Bialik: “…”".
_NAME_COLON_QUOTE = re.compile(r"((?:[A-Z][\w.'’&-]*\.?[ \t]+){0,3}[A-Z][\w.'’&-]*)[ \t]*:[ \t]*(?=[“\"])")
_COLON_QUOTE = re.compile(r":[ \t]*(?=[“\"])")
#: A quote signed with a dash after it: '“…” ― Martha Aguilar', '"…" — Jon Park'.
_SIGNED = re.compile(r"(?<=[”\"’'])[ \t\u00a0]*([―—–])[ \t\u00a0]*((?:[A-Z][\w.'’-]*[ \t]+){0,4}[A-Z][\w.'’-]*)")
#: Line openers with a colon that are no source.
_NOT_SOURCE = frozenset(
    "photo photos image video watch update updated breaking exclusive opinion analysis note editor "
    "credit caption read live related source sources q a listen graphic chart map transcript "
    "warning correction clarification disclosure more see also wow boom whoa oops ouch yikes lol omg "
    "editor’s editor's latest daily".split()
)
#: What follows a colon in a list or a tally, not a statement: "Clinton: 1,769."
_LISTED = re.compile(r"[ \t]*[$€£]?\d")
#: Role nouns that may stand for a source in a headline ("Minister: …").
_ROLES = frozenset(
    "minister president governor mayor police officials official pm chancellor premier "
    "senator sheriff spokesman spokeswoman spokesperson ministry army military report study".split()
)


def _entities(spans: Sequence[Span], labels: frozenset[str]) -> list[Span]:
    return [s for s in spans if s.label in labels]


def _inside(spans: Sequence[Span], starts: list[int], start: int, end: int) -> Span | None:
    """The first span of ``spans`` (sorted, with ``starts``) that lies inside ``[start, end)``."""
    k = bisect_right(starts, start - 1)
    while k < len(spans) and spans[k].start < end:
        if spans[k].end <= end:
            return spans[k]
        k += 1
    return None


_POSSESSIVE = re.compile(r"['’]s?$")
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")


def _bare(name: str) -> str:
    """A name without a possessive ending or a leading article ("Putin’s" -> "Putin",
    "the Levada Center" -> "Levada Center")."""
    return _ARTICLE.sub("", _POSSESSIVE.sub("", name).strip())


def _naming(named: Sequence[Span], starts: list[int], start: int, end: int) -> Span | None:
    """The entity that names a source phrase: the one its head word ends ("Russian
    President Vladimir Putin"), else a person or organisation inside it ("Carnegie's
    Alexander Gabuev" is Gabuev; "the Vermont senator" has none: a place names no one)."""
    inside = []
    k = bisect_right(starts, start - 1)
    while k < len(named) and named[k].start < end:
        if named[k].end <= end:
            inside.append(named[k])
        k += 1
    for span in inside:
        if span.end == end:
            return span
    people = [span for span in inside if span.label in {"PERSON", "ORG"}]
    return people[-1] if people else None


def full_names(text: str, persons: Sequence[Span]) -> dict[str, tuple[int, str]]:
    """Last word -> (where, name) of the first person named in full with it."""
    names: dict[str, tuple[int, str]] = {}
    for span in persons:
        name = _bare(text[span.start : span.end])
        if " " in name:
            names.setdefault(name.rsplit(" ", 1)[1], (span.start, name))
    return names


#: Words of a role or title written before a name ("Researcher Fyodor", "Mayor Park"):
#: no part of the name a claimant goes by.
TITLES = frozenset(
    "mr mrs ms miss dr prof professor sen senator rep representative gov governor mayor minister "
    "president premier chancellor judge justice general gen col colonel capt captain lt sgt "
    "officer commissioner chairman chairwoman chair director spokesman spokeswoman sheriff chief "
    "coach pastor rev reverend father sister brother researcher analyst teacher economist "
    "historian pollster lawyer attorney author writer activist student engineer doctor nurse "
    "councillor councilman councilwoman ambassador secretary deputy leader candidate fisherman "
    "farmer driver worker hairdresser owner resident veteran soldier pilot".split()
)


def _untitled(name: str) -> str:
    """A name without the titles before it ("Researcher Fyodor" -> "Fyodor")."""
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES and words[1][:1].isupper():
        words.pop(0)
    return " ".join(words)


def _full_name(text: str, names: dict[str, tuple[int, str]], found: Span) -> str:
    """A one-word PERSON ("Sanders") as the fuller name seen earlier ("Bernie Sanders"),
    titles left out."""
    word = _bare(text[found.start : found.end])
    if found.label == "PERSON":  # "General Electric" keeps its first word
        word = _untitled(word)
    if " " in word:
        return word
    earlier = names.get(word)
    return earlier[1] if earlier is not None and earlier[0] < found.start else word


#: How far back (characters) a pronoun looks for a person named, and for a named source:
#: news names a speaker again within a paragraph or two.
MENTION_REACH = 800
SOURCE_REACH = 1500


def _one_script(name: str) -> bool:
    """Whether each word of a name is written in one script (a Latin word with a Cyrillic
    letter in it is no name the model read right)."""
    if name.isascii():
        return True
    import unicodedata

    for word in name.split():
        scripts = {unicodedata.name(ch, "?").split(" ")[0] for ch in word if ch.isalpha()}
        if len(scripts) > 1:
            return False
    return True


_HONORIFIC = re.compile(r"\b(Mr|Ms|Mrs|Miss|Sen|Rep|Gov|Dr|President|Senator)\.?[ \t]+$")
_HE, _SHE = frozenset({"Mr"}), frozenset({"Ms", "Mrs", "Miss"})


def _gender(text: str, at: int) -> str | None:
    """"he"/"she" when an honorific just before ``at`` tells it, else None."""
    match = _HONORIFIC.search(text, max(0, at - 12), at)
    if match is None:
        return None
    title = match.group(1)
    return "he" if title in _HE else "she" if title in _SHE else None


def _person_for(
    text: str,
    pronoun: str,
    anchor: int,
    persons: Sequence[Span],
    person_starts: list[int],
    named_sources: Sequence[tuple[int, str]],
    salient: Sequence[int],
    names: dict[str, tuple[int, str]],
    by_start: dict[int, Span],
) -> str | None:
    """The person a he/she source stands for: the nearest person before it that a reader
    has in mind, a named source or a person as the subject of a sentence (within
    ``SOURCE_REACH``), else the nearest person named before it (within
    ``MENTION_REACH``); any whose honorific says the other gender is skipped."""
    want = "he" if pronoun in {"he", "him", "his"} else "she"
    k = bisect_right(person_starts, anchor - 1) - 1
    mention = None
    while k >= 0 and mention is None and anchor - persons[k].start <= MENTION_REACH:
        if _gender(text, persons[k].start) in {None, want} and _one_script(text[persons[k].start : persons[k].end]):
            mention = persons[k]
        k -= 1
    reach = anchor - SOURCE_REACH
    # named sources come in text order: only the last few can be in reach
    candidates: list[tuple[int, str | None]] = []
    for where, name in reversed(named_sources):
        if where < reach:
            break
        if where < anchor:
            candidates.append((where, name))
    for where in salient[bisect_right(salient, reach - 1) : bisect_right(salient, anchor - 1)]:
        candidates.append((where, None))  # a person as subject, named when chosen
    for where, name in sorted(candidates, key=lambda c: c[0], reverse=True):
        if _gender(text, where) not in {None, want}:
            continue
        if name is not None:
            return name
        person = by_start.get(where)
        if person is not None and _one_script(text[person.start : person.end]):
            return _full_name(text, names, person)
    return None if mention is None else _full_name(text, names, mention)


def headline_attributions(text: str, paragraphs: Sequence[Segment], spans: Sequence[Span]) -> list[RawAttribution]:
    """Paragraphs that open with a short name and a colon: the name is the source."""
    found = []
    starts = [s.start for s in spans]
    for n, paragraph in enumerate(paragraphs):
        match = _HEADLINE.match(text, paragraph.start, paragraph.end)
        if match is None and n == 0:
            match = _TITLE.match(text, paragraph.start, paragraph.end)
        if match is None:
            continue
        s, e = match.span(1)
        words = text[s:e].lower().split()
        if any(w.strip(".") in _NOT_SOURCE for w in words) or _LISTED.match(text, text.index(":", e) + 1):
            continue  # "The Latest: …", "Delegate Update: …", "Clinton: 1,769."
        entity = _inside(spans, starts, s, e)
        # the headline may name anyone ("Insiders: …"); a line of the body needs a person,
        # an organisation, a role ("Iowa: Tim Albrecht, …" is a list) or a transcript's
        # speaker in capitals ("PENCE: Well, look, …")
        speaker = text[s:e].isupper() and len(text[s:e]) > 2
        if n > 0 and not speaker and not (entity and entity.label in {"PERSON", "ORG"}) and not any(w.strip(".") in _ROLES for w in words):
            continue
        colon = text.index(":", e)
        content = (colon + 1 + (len(text[colon + 1 : paragraph.end]) - len(text[colon + 1 : paragraph.end].lstrip())), paragraph.end)
        found.append(RawAttribution((s, e), (colon, colon + 1), (content,), (s, e), None))
    return found


#: Words before a name that make it the one spoken to or of, not the speaker.
_TOLD_OF = frozenset("of to with about at for on against from by".split())


def colon_quotes(text: str, paragraphs: Sequence[Segment], spans: Sequence[Span]) -> list[RawAttribution]:
    """A name and a colon before a quote inside a line ("Republican pollster Daron Shaw:
    “Historically, …”"): the name is the source when a person or organisation is in it."""
    found = []
    starts = [s.start for s in spans]
    for paragraph in paragraphs:
        for colon_match in _COLON_QUOTE.finditer(text, paragraph.start, paragraph.end):
            # the name is read back from the colon only (a search from every capital is slow)
            window = max(paragraph.start, colon_match.start() - 80)
            match = next(
                (m for m in _NAME_COLON_QUOTE.finditer(text, window, colon_match.end() + 1) if m.end() == colon_match.end()), None
            )
            if match is None:
                continue
            s, e = match.span(1)
            if s == paragraph.start or text[s:e].lower().split()[0].strip(".") in _NOT_SOURCE:
                continue  # a line's opening name is a headline's or a transcript's
            before = text[max(paragraph.start, s - 20) : s].split()
            if before and (before[-1].lower() in REPORTING_VERBS or before[-1].lower() in _TOLD_OF):
                continue  # "telling Breitbart London: “…”", "said of Sanders: “…”": the name is who was told or spoken of
            entity = _inside(spans, starts, s, e)
            if not (entity and entity.label in {"PERSON", "ORG"}) and not (text[s:e].isupper() and len(text[s:e]) > 2):
                continue
            colon = text.index(":", e)
            found.append(RawAttribution((s, e), (colon, colon + 1), ((match.end(), paragraph.end),), (s, e), None))
    return found


def signed_quotes(
    text: str, paragraphs: Sequence[Segment], quotes: Sequence[tuple[int, int]]
) -> list[RawAttribution]:
    """Quotes signed after a dash ('“…” ― Martha Aguilar'): the name is the source, the
    dash the cue, the quote before it the content."""
    found: list[RawAttribution] = []
    # both patterns hold a dash: a text (or a paragraph) without one has no match to look for
    dashes = [dash for dash in _SIGN_DASHES if dash in text]
    if not dashes:
        return found
    ends = [e for _, e in quotes]
    for paragraph in paragraphs:
        if all(text.find(dash, paragraph.start, paragraph.end) < 0 for dash in dashes):
            continue
        for match in _SIGNED.finditer(text, paragraph.start, paragraph.end):
            k = bisect_right(ends, match.start()) - 1
            content = ((quotes[k][0], quotes[k][1]),) if k >= 0 and quotes[k][1] >= match.start() - 1 else ()
            name = match.span(2)
            found.append(RawAttribution(name, match.span(1), content, name, None))
        signed = {a.cue[0] for a in found}
        for match in _TWEET_SIGNED.finditer(text, paragraph.start, paragraph.end):
            if match.start(1) in signed:
                continue
            body = text[paragraph.start : match.start(1)]
            content = ((paragraph.start, match.start(1)),) if _WORD.search(body) else ()
            name = match.span(2)
            found.append(RawAttribution(name, match.span(1), content, name, None))
    return found


#: The dashes that sign a quote (each of _SIGNED's and _TWEET_SIGNED's matches holds one).
_SIGN_DASHES = ("―", "—", "–")
#: An embedded post signed with a dash, a name and a handle: "… — Ada Lund (@adalund) July 5, 2016".
_TWEET_SIGNED = re.compile(r"([―—–])[ \t\u00a0]*((?:[A-Z][\w.'’-]*[ \t]+){0,4}[A-Z][\w.'’-]*)[ \t\u00a0]+\(@\w+\)")


#: What follows a dateline's place: "MOSCOW —", "LOS ANGELES, Sept. 28 (UPI) —".
_DATELINE = re.compile(r"[^\n—–]{0,30}[—–]|[ \t]*-[ \t]")


def _sourced_here(text: str, paragraphs: Sequence[Segment], starts: list[int], raw: RawAttribution) -> bool:
    """Whether the source is in the cue's paragraph (a heading glued on by the parser is
    no source) and is not a dateline ("MOSCOW — …")."""
    if raw.source is None:
        return True
    k = bisect_right(starts, raw.cue[0]) - 1
    head = raw.name or raw.source
    if k < 0 or head[0] < paragraphs[k].start:
        return False
    s, e = raw.source
    return not (text[s:e].isupper() and _DATELINE.match(text, e, min(len(text), e + 40)))


_WORD = re.compile(r"\w")


def _clip(text: str, paragraphs: Sequence[Segment], starts: list[int], raw: RawAttribution) -> RawAttribution:
    """Source and content kept inside the cue's paragraph (the parser's sentence may run
    past it: a heading above read as part of the subject)."""
    k = bisect_right(starts, raw.cue[0]) - 1
    if k < 0:
        return raw
    lo, hi = paragraphs[k].start, paragraphs[k].end
    content = tuple(
        (max(s, lo), min(e, hi)) for s, e in raw.content if s < hi and e > lo and _WORD.search(text, max(s, lo), min(e, hi))
    )
    source = raw.source
    if source is not None and source[0] < lo:
        source = (lo, max(lo, source[1]))
    return raw._replace(source=source, content=content)


def _extend_quotes(quotes: Sequence[tuple[int, int]], quote_starts: list[int], raw: RawAttribution) -> RawAttribution:
    """Content reaching back to where its quote opened, sentences before in the paragraph
    ('“The dam is safe. The inspectors saw no cracks,” the engineer said')."""
    if not raw.content:
        return raw
    first = min(c[0] for c in raw.content)
    k = bisect_right(quote_starts, first) - 1
    if k < 0 or not first < quotes[k][1] or quotes[k][0] >= first:
        return raw
    return raw._replace(content=((quotes[k][0], first), *raw.content))


#: Quotation marks that open and close a quote ('' and `` as some outlets write them).
_QUOTE_MARKS = re.compile(r"''|``|[\"“”«»„]")
_CLOSERS = frozenset({"”", "»"})


def quote_regions(text: str, paragraphs: Sequence[Segment]) -> list[tuple[int, int]]:
    """Where quotes run, paragraph by paragraph (a quote left open ends with its paragraph)."""
    regions = []
    for paragraph in paragraphs:
        opened = -1
        for match in _QUOTE_MARKS.finditer(text, paragraph.start, paragraph.end):
            mark = match.group()
            if opened < 0 and mark not in _CLOSERS:
                opened = match.start()
            elif opened >= 0:  # any mark closes ('“…?“ he asked' is written so too)
                regions.append((opened, match.end()))
                opened = -1
        if opened >= 0:
            regions.append((opened, paragraph.end))
    return regions


def _within(regions: Sequence[tuple[int, int]], starts: list[int], at: int) -> bool:
    k = bisect_right(starts, at) - 1
    return k >= 0 and at < regions[k][1]


def _nested(found: Sequence[RawAttribution], starts: list[int]) -> set[int]:
    """Attributions whose cue is inside the content of another ("X said that Y
    believes…"): a report inside a report belongs to the outer claimant. Content stays
    in its cue's paragraph, so only attributions of one paragraph (``starts``: paragraph
    starts) are compared."""
    by_paragraph: dict[int, list[int]] = {}
    for i, a in enumerate(found):
        by_paragraph.setdefault(bisect_right(starts, a.cue[0]), []).append(i)
    inner = set()
    for members in by_paragraph.values():
        for i in members:
            a = found[i]
            for j in members:
                b = found[j]
                if i != j and j not in inner and any(s <= a.cue[0] < e for s, e in b.content) and not any(
                    s <= b.cue[0] < e for s, e in a.content
                ):
                    inner.add(i)
                    break
    return inner


def resolve_attributions(
    text: str,
    raw: Sequence[RawAttribution],
    spans: Sequence[Span],
    paragraphs: Sequence[Segment],
    subjects: Sequence[tuple[int, int]] = (),
) -> tuple[Attribution, ...]:
    """The article's attributions: headline colons added, pronouns resolved, claimants named.

    ``spans`` are the article's spans sorted by start (entities among them); ``subjects``
    proper-noun subjects no entity claims (see ``doc_attributions``), taken as people.
    """
    persons = _entities(spans, _PERSON)
    known = {p.start for p in persons}
    extra = [Span(s, e, "PERSON", "entity") for s, e in subjects if s not in known]
    if extra:
        persons = sorted([*persons, *extra], key=lambda x: x.start)
    salient = sorted({s for s, _ in subjects})  # people as subjects: whom a "he" follows
    names = full_names(text, persons)
    by_start = {p.start: p for p in persons}
    groups = _entities(spans, _GROUP)
    named = _entities(spans, _NAMED)
    named_starts = [s.start for s in named]
    person_starts = [s.start for s in persons]
    group_starts = [s.start for s in groups]
    para_starts = [p.start for p in paragraphs]
    quotes = quote_regions(text, paragraphs)
    quote_starts = [s for s, _ in quotes]
    # a cue inside a quote is the quoted speaker's words, not the article's attribution;
    # a line's opening name and colon stay, even inside quotes ('"PENCE: Well, …')
    all_raw = sorted(
        [
            *(
                a
                for a in (*raw, *signed_quotes(text, paragraphs, quotes))
                if not _within(quotes, quote_starts, a.cue[0])
            ),
            *headline_attributions(text, paragraphs, spans),
            *colon_quotes(text, paragraphs, spans),
        ],
        key=lambda a: a.cue,
    )
    all_raw = [_clip(text, paragraphs, para_starts, a) for a in all_raw if _sourced_here(text, paragraphs, para_starts, a)]
    nested = _nested(all_raw, para_starts)
    out = []
    named_sources: list[tuple[int, str]] = []  # (where, claimant) of sources that name a person
    last_cue = None
    for n, found in enumerate(all_raw):
        if n in nested:
            continue
        if found.cue == last_cue:
            continue  # the same cue found twice (two pieces' overlap)
        last_cue = found.cue
        found = _extend_quotes(quotes, quote_starts, found)
        claimant: str | None = None
        if found.pronoun is not None:
            anchor = found.source[0] if found.source else found.cue[0]
            if found.pronoun in PERSON_PRONOUNS:
                claimant = _person_for(
                    text, found.pronoun, anchor, persons, person_starts, named_sources, salient, names, by_start
                )
            elif found.pronoun in GROUP_PRONOUNS:
                k = bisect_right(group_starts, anchor - 1) - 1
                if k >= 0 and anchor - groups[k].start < 600:
                    claimant = _bare(text[groups[k].start : groups[k].end])
        elif found.owner is not None and found.source is not None:
            # "his boss": the person "his" stands for, and the role ("Sergei's boss")
            owner = _person_for(
                text, found.owner, found.source[0], persons, person_starts, named_sources, salient, names, by_start
            )
            role = " ".join(text[found.source[0] : found.source[1]].split()[1:])
            claimant = f"{owner}'s {role}" if owner and role else None
        elif found.name is not None and found.source is not None and text[slice(*found.name)].lower() in WHO_BY_CLAUSE:
            claimant = " ".join(text[slice(*found.source)].split())  # "those who stayed", whole
        elif found.name is not None:
            s, e = found.name
            entity = _naming(named, named_starts, s, e) or (
                _naming(named, named_starts, *found.source) if found.source else None
            )
            if entity is not None:
                claimant = _full_name(text, names, entity)
            else:
                claimant = " ".join(text[s:e].split())
                if claimant[:1].isupper():
                    claimant = _untitled(claimant)
                if claimant[:1].isupper() and " " not in claimant:
                    claimant = _full_name(text, names, Span(s, e, "PERSON", "entity"))
        if claimant is not None and found.pronoun is None and found.name is not None:
            entity = _inside(persons, person_starts, *found.name)
            if entity is not None:
                named_sources.append((found.name[0], claimant))
        out.append(Attribution(found.source, found.cue, found.content, claimant))
    return tuple(out)
