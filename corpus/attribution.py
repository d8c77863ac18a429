"""Who claims it: the source, cue and content of attributed statements, from the parse.

Two halves, like the rest of the analysis:

* ``doc_attributions(doc, offset, start, end)`` reads one parsed piece while its doc is
  at hand and returns ``RawAttribution``s (article offsets) whose cue starts in
  ``[start, end)``. The rules are dependency patterns over classes of words:

  - a *reporting verb* (``REPORTING_VERBS``: speech, writing, stance and belief verbs)
    with its nominal subject as the source, wherever the subject stands ("X said",
    "said X", '"…," he told reporters'); a verb without a subject of its own takes the
    subject of the verb it hangs from ("X smiled and said", "…, adding that", "X was
    quoted as saying", "X declined to say");
  - ``according to X`` (and ``citing X``-like prepositions of report);
  - a *reporting noun* (``REPORTING_NOUNS``: statement, remarks, claim…) with its owner
    ("X's statement", "a statement from X");
  - verbs whose meaning is less surely a report ("show", "called", "want") count only
    with a clause or quote to report.

* ``resolve_attributions(text, raw, spans, paragraphs)`` runs once per article: a
  pronoun source ("he said") takes the nearest fitting named entity before it (PERSON
  for he/she, ORG/GPE/NORP for it/they/we), else keeps the pronoun with no claimant; a
  headline or paragraph that opens with a short name and a colon ("Minister: …") is an
  attribution with the colon as its cue; a quote that runs on over several sentences is
  content of the attribution that closes it.

Offsets are ``str`` indices into the article text, like every other offset.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from corpus.model import Attribution, Segment, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token


def _forms(base: str) -> set[str]:
    """The inflected forms of a regular English verb (``warn``: warns, warned, warning)."""
    if base.endswith("e"):
        stem = base[:-1]
        return {base, base + "s", base + "d", stem + "ing"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        stem = base[:-1]
        return {base, stem + "ies", stem + "ied", base + "ing"}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return {base, base + "es", base + "ed", base + "ing"}
    return {base, base + "s", base + "ed", base + "ing"}


#: Verbs of saying, writing and stating: a subject is enough to make them a report.
SPEECH_VERBS = (
    "acknowledge add admit affirm agree allege announce answer argue ask assert assure "
    "boast brag caution charge claim comment complain concede conclude confess confirm contend "
    "counter declare decry deny describe disclose dispute echo email emphasize emphasise "
    "estimate explain forecast grumble guarantee hint inform insist joke lament maintain "
    "mention muse note object observe pledge point post predict proclaim promise propose "
    "protest quip recall recount reiterate remark remind repeat reply report respond retort "
    "reveal scoff shout speculate state stress suggest testify threaten tweet urge vow "
    "warn whisper yell declare indicate recommend demand insinuate opine theorize theorise "
    "acknowledge assess concur caution clarify contend"
).split()
#: Verbs that judge, back or attack (a stance taken in words): a subject is enough.
EVALUATION_VERBS = (
    "endorse attack denounce condemn hail congratulate praise criticize criticise blast slam "
    "applaud chastise rebuke mock ridicule scold accuse blame dismiss reject defend thank lash "
    "champion disavow repudiate oppose"
).split()
#: Verbs of talking about, putting forward, turning down: a subject is enough.
DISCOURSE_VERBS = (
    "discuss talk express voice invoke compare outline present offer plead "
    "continue wonder remember decline refuse seek vow pledge cite question"
).split()
#: Verbs of belief and stance: a report only with a clause or a quote beside them.
STANCE_VERBS = (
    "believe think feel fear hope expect worry doubt suspect assume understand know wish "
    "find show reckon imagine guess figure anticipate conclude realize realise call want "
    "prefer seem appear"
).split()
_IRREGULAR = {
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "writing", "written"},
    "think": {"think", "thinks", "thought", "thinking"},
    "know": {"know", "knows", "knew", "knowing", "known"},
    "feel": {"feel", "feels", "felt", "feeling"},
    "find": {"find", "finds", "found", "finding"},
    "show": {"show", "shows", "showed", "showing", "shown"},
    "understand": {"understand", "understands", "understood", "understanding"},
    "forecast": {"forecast", "forecasts", "forecasted", "forecasting"},
    "admit": {"admit", "admits", "admitted", "admitting"},
    "quip": {"quip", "quips", "quipped", "quipping"},
    "slam": {"slam", "slams", "slammed", "slamming"},
    "prefer": {"prefer", "prefers", "preferred", "preferring"},
    "signal": {"signal", "signals", "signaled", "signalled", "signaling", "signalling"},
    "concur": {"concur", "concurs", "concurred", "concurring"},
    "seek": {"seek", "seeks", "sought", "seeking"},
    "speak": {"speak", "speaks", "spoke", "speaking", "spoken"},
    "lash": {"lashed", "lashes", "lashing"},
}


def _all_forms(bases: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for base in bases:
        out |= _IRREGULAR.get(base, _forms(base))
    return frozenset(out)


#: Word forms of the reporting verbs (the pipeline has no lemmatizer: forms, not lemmas).
REPORTING_VERBS: frozenset[str] = _all_forms(["say", "tell", "write", *SPEECH_VERBS, *EVALUATION_VERBS, *DISCOURSE_VERBS])
#: Word forms of verbs that report only with a clause or quote beside them.
STANCE_FORMS: frozenset[str] = _all_forms(STANCE_VERBS) - REPORTING_VERBS
#: "seem", "appear": a stance only as a link ("seemed to suggest", "appears likely").
_SEEM = _all_forms(["seem", "appear"])
#: Nouns that carry a statement of their owner: "X's statement", "a statement from X".
REPORTING_NOUNS: frozenset[str] = frozenset(
    "statement statements remarks remark comments comment claim claims assertion words "
    "testimony announcement tweet tweets report estimate estimates forecast warning argument "
    "view views belief".split()
)
#: Nouns of stance whose owner holds it: "criticism from X", "his call for", "X's pledge".
STANCE_NOUNS: frozenset[str] = frozenset(
    "criticism criticisms complaint complaints concern concerns assertion insistence suggestion "
    "promise promises pledge pledges vow demand demands proposal endorsement opposition attacks "
    "praise call calls critique denial denials admission warnings accusation accusations".split()
)
#: Subjects that are documents or findings: what they show, find or list is reported.
DOCUMENT_NOUNS: frozenset[str] = frozenset(
    "poll polls survey surveys study studies report reports data video videos analysis figures "
    "records document documents filing filings research review audit census email emails memo "
    "letter ad ads statement".split()
)
_DOCUMENT_VERBS: frozenset[str] = frozenset(
    "show shows showed shown showing find finds found finding suggest suggests suggested "
    "indicate indicates indicated reveal reveals revealed list lists listed put puts estimate "
    "estimates estimated".split()
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
#: How a verb without a subject hangs from one that has it ("…, adding", "and said",
#: "declined to say", "quoted as saying").
_INHERIT = frozenset({"conj", "advcl", "xcomp", "pcomp", "prep"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "dobj", "oprd", "advcl"})
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis"})
#: Relative pronouns standing for the noun their clause hangs from.
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "it", "we", "them"})
_QUOTES = "\"“”«»„"
_DUMMY = frozenset({"it", "there", "this", "that"})
_COPULA = frozenset({"is", "was", "are", "were", "be", "been", "being", "'s", "’s", "am"})


class RawAttribution(NamedTuple):
    """One attribution as found in a piece (article offsets), before resolution.

    ``name`` is the part of the source that names it (the relative clause's noun for
    "who"); ``pronoun`` is the lower-case pronoun when the source is one.
    """

    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...]
    name: tuple[int, int] | None
    pronoun: str | None


# --- one doc -------------------------------------------------------------------------


#: Punctuation trimmed from the ends of a span (quotes stay on content: they are its words').
_TRIM = frozenset(",.;:!?—–-()[]")


def _edges(tokens: Sequence[Token], quotes: bool = False) -> tuple[int, int] | None:
    """Character (start, end) of a token run, without punctuation at either end
    (``quotes``: quotation marks count as punctuation too)."""
    i, j = 0, len(tokens)
    trim = lambda t: t.is_space or t.text in _TRIM or (quotes and t.tag_ in {"``", "''"})  # noqa: E731
    while i < j and trim(tokens[i]):
        i += 1
    while j > i and trim(tokens[j - 1]):
        j -= 1
    if i >= j:
        return None
    return tokens[i].idx, tokens[j - 1].idx + len(tokens[j - 1])


def _phrase(token: Token) -> tuple[int, int]:
    """The source phrase of a subject: its subtree up to a comma or relative clause
    ("John Smith, the mayor, who…" stops at "John Smith")."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    # cut at the first comma/relative clause after the head, keep what is before it
    for k in range(token.i + 1, right + 1):
        t = doc[k]
        if t.text in {",", "(", "—", "–"}:
            right = k - 1
            break
        if t.dep_ in {"relcl", "acl"} and t.head.i == token.i:
            right = max(token.i, t.left_edge.i - 1)
            break
    span = _edges(doc[left : right + 1], quotes=True) or (token.idx, token.idx + len(token))
    return span


def _name(token: Token) -> tuple[int, int]:
    """The naming part of a subject: the head noun and the words before it in its phrase
    (compounds, names, adjectives), without determiners or possessive pronouns."""
    doc = token.doc
    left = token.i
    while left > token.left_edge.i and (doc[left - 1].dep_ not in {"punct", "cc", "prep"} or doc[left - 1].text == "-"):
        left -= 1
    while left < token.i and (doc[left].dep_ == "det" or doc[left].tag_ == "POS" or doc[left].is_space):
        left += 1
    return doc[left].idx, token.idx + len(token)


def _inverted(verb: Token) -> Token | None:
    """The speaker after a tag verb the parser read as its object: '"…," added a Democrat'."""
    if verb.i == 0 or not any(c.dep_ in _CLAUSE_DEPS and c.i < verb.i for c in verb.children):
        return None
    for child in verb.rights:
        # right after the verb: "said the minister", not "said Thursday on Fox and Friends"
        if child.dep_ in {"dobj", "attr", "npadvmod", "appos"} and child.tag_.startswith("NN") and child.left_edge.i == verb.i + 1:
            return child
    return None


def _across_break(subject: Token, verb: Token) -> Token | None:
    """A subject above a line break from its verb is a heading the parser glued on: the
    phrase it hangs on the verb's line ("Update\n\nThe port authority said") is the
    subject, or there is none."""
    doc = subject.doc
    breaks = [t.i for t in doc[subject.i : verb.i] if t.is_space and "\n" in t.text]
    if not breaks:
        return subject
    for token in doc[breaks[-1] + 1 : verb.i]:
        if token.dep_ in {"appos", "conj", "nsubj"} and token.head.i < breaks[-1] and token.tag_.startswith("NN"):
            return token
    return None


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, or of the verb it hangs from when it has none of its own."""
    seen = 0
    while verb is not None and seen < 4:
        for child in verb.children:
            if child.dep_ in _SUBJECTS and child.dep_ != "expl":
                return child
        if verb.dep_ not in _INHERIT or verb.head.i == verb.i:
            return None
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and (verb.i == 0 or verb.doc[verb.i - 1].text != ","):
            return None  # "protesters … demanding": only ", saying" speaks for the subject
        # "as saying": the preposition's verb; "and said": the first verb
        verb = verb.head
        if verb.dep_ == "prep" or verb.tag_ == "IN":
            if verb.lower_ == "for":
                return None  # "held X in contempt for refusing": the object refused
            verb = verb.head
        if verb.lower_ in _COPULA and any(c.dep_ in {"nsubj", "expl"} and c.lower_ in _DUMMY for c in verb.children):
            return None  # "it is not possible to say": the subject of "is" says nothing
        seen += 1
    return None


def _clause(verb: Token, skip: set[int]) -> list[tuple[int, int]]:
    """The content of a reporting verb: its clausal complements, or the clause it tags."""
    out = []
    for child in verb.children:
        if child.dep_ in _CLAUSE_DEPS and child.i not in skip:
            span = _edges(verb.doc[child.left_edge.i : child.right_edge.i + 1])
            if span:
                out.append(span)
    doc = verb.doc
    before = verb.left_edge.i - 1
    if (
        not out
        and verb.dep_ in {"parataxis", "ccomp"}
        and verb.head.i < verb.i
        and before >= 0
        and (doc[before].text == "," or doc[before].tag_ == "''")
    ):
        head = verb.head  # "…, the minister said" parsed as hanging from the clause
        tokens = [t for t in doc[head.left_edge.i : head.right_edge.i + 1] if not (verb.left_edge.i <= t.i <= verb.right_edge.i)]
        if tokens and tokens[0].i < verb.left_edge.i:
            span = _edges([t for t in tokens if t.i < verb.left_edge.i])
            if span:
                out.append(span)
    return out


#: Verbs that report nothing when negated ("did not respond to a request for comment").
_NEGATED_SILENT = frozenset({"respond", "responded", "comment", "commented", "reply", "replied", "return", "returned"})
_COMPARED = frozenset({"compared"})
#: Particles that make a reporting verb another verb ("show up", "call off", "give away").
_OTHER_SENSE = frozenset({"up", "off", "away", "in", "down"})
_CONTINUE = frozenset({"continue", "continues", "continued", "continuing"})


def _idle(token: Token, lower: str) -> bool:
    """A cue word used for something else: "continued to campaign" (no speech), a
    declined comment, "pledged delegates" (a word naming a thing)."""
    if lower in _CONTINUE and any(c.dep_ in {"xcomp", "dobj"} for c in token.children):
        return True
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if lower in _COMPARED and following is not None and following.lower_ in {"with", "to"} and token.tag_ == "VBN":
        return True  # "$98,000, compared with $93,000": a preposition, not a comparison made
    if lower in _NEGATED_SILENT and any(c.dep_ == "neg" for c in token.children):
        return True
    if any(c.dep_ == "prt" and c.lower_ in _OTHER_SENSE for c in token.children):
        return True  # "show up", "call off": another verb
    if token.dep_ in {"amod", "compound"}:
        return True
    # a participle modifying the noun after it
    return token.head.i == token.i + 1 and token.head.tag_.startswith("NN") and token.dep_ != "relcl"


_CALL = frozenset({"call", "calls", "called", "calling"})


def _calls(token: Token, lower: str) -> bool:
    """"call for", "call on" (a demand) and "called X a Y" (a judgement)."""
    return lower in _CALL and any(
        c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in {"for", "on"}) for c in token.children
    )


def _quoted(sent_tokens: Sequence[Token]) -> bool:
    return any(t.text in _QUOTES or t.tag_ in {"``", "''"} for t in sent_tokens)


def doc_attributions(
    doc: Doc, offset: int, start: int, end: int, subjects: list[tuple[int, int]] | None = None
) -> list[RawAttribution]:
    """Attributions of ``doc`` (whose text starts at article offset ``offset``) whose cue
    starts in ``[start, end)``, in article offsets.

    ``subjects``, when given, gets the (start, end) of every proper-noun subject that is
    a person or no entity ("Elena saw…"): the people a pronoun after them most likely
    means, the model's misses among them.
    """
    found: list[RawAttribution] = []
    taken: set[int] = set()  # token indices already a cue
    reporting, stance, nouns = REPORTING_VERBS, STANCE_FORMS, REPORTING_NOUNS
    for token in doc:
        lower = token.lower_
        if subjects is not None and token.dep_ == "nsubj" and token.tag_ == "NNP" and token.ent_type_ in {"", "PERSON"}:
            at = token.idx + offset
            if start <= at < end:
                first = token
                if token.ent_type_:  # the person's name as the model has it ("Mayor" left out)
                    while first.ent_iob_ == "I":
                        first = doc[first.i - 1]
                else:
                    while first.i > 0 and doc[first.i - 1].dep_ == "compound" and doc[first.i - 1].tag_ == "NNP":
                        first = doc[first.i - 1]
                subjects.append((first.idx + offset, at + len(token)))
        if lower in reporting or lower in stance or lower in _DOCUMENT_VERBS:
            tag = token.tag_
            if not tag.startswith("VB") and not (lower in reporting and tag in {"NNS", "NN"} and token.dep_ == "ROOT"):
                continue
            if token.dep_ == "acl" and not any(c.dep_ in _SUBJECTS for c in token.children):
                continue
            if _idle(token, lower):
                continue
            subject = _subject(token)
            if subject is None and lower in reporting:
                subject = _inverted(token)
            if subject is not None and subject.i < token.i:
                subject = _across_break(subject, token)
            if subject is None:
                continue
            if lower not in reporting and lower not in stance and subject.lower_ not in DOCUMENT_NOUNS:
                continue  # "show", "list": reported only when a poll, study or document does it
            if lower in _SEEM and not any(c.dep_ in {"xcomp", "acomp", "ccomp", "oprd"} for c in token.children):
                continue  # "appeared on MSNBC"
            if lower in stance and subject.lower_ not in DOCUMENT_NOUNS or subject.dep_ == "nsubjpass" and token.dep_ != "pcomp":
                # a stance verb, or a passive ("was asked"): only with a clause to report
                if not any(c.dep_ in _CLAUSE_DEPS for c in token.children) and not (
                    token.dep_ in {"parataxis", "ccomp"} and token.head.i > token.i
                ) and not _quoted(token.sent) and not _calls(token, lower):
                    continue
            cue_tokens = [token]
            # "pointed out", "said in a statement" keep only the verb (and its particle)
            for child in token.children:
                if child.dep_ == "prt":
                    cue_tokens.append(child)
            cue = (min(t.idx for t in cue_tokens), max(t.idx + len(t) for t in cue_tokens))
            found.append(_make(doc, subject, cue, _clause(token, {subject.i}), offset))
            taken.add(token.i)
        elif lower == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            to = doc[token.i + 1]
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if not objects:
                continue
            source = objects[0]
            cue = (token.idx, to.idx + len(to))
            sent = token.sent
            left = _edges(doc[sent.start : token.i])
            right = _edges(doc[source.right_edge.i + 1 : sent.end])
            content = [c for c in (left, right) if c]
            found.append(_make(doc, source, cue, content, offset, phrase=_edges(doc[source.left_edge.i : source.right_edge.i + 1], quotes=True)))
        elif (lower in nouns or lower in STANCE_NOUNS) and token.tag_.startswith("NN"):
            owner = None
            for child in token.children:
                if child.dep_ == "poss":
                    owner = child
                elif child.dep_ == "prep" and child.lower_ in {"from", "by"}:
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    if objects:
                        owner = objects[0]
                if owner is not None:
                    break
            if owner is None or owner.tag_ in {"PRP$"} and owner.lower_ in {"its", "their", "our", "my", "your"}:
                continue
            # the noun must carry what is said: a clause, a quote, or be what a verb reports in
            # (a stance noun carries its stance itself: "criticism from X")
            clause = [c for c in token.children if c.dep_ in {"acl", "ccomp", "appos"}]
            if lower not in STANCE_NOUNS and not clause and not _quoted(token.sent) and not (token.head.lower_ in {"in", "to"}):
                continue
            content = [s for c in clause if (s := _edges(doc[c.left_edge.i : c.right_edge.i + 1]))]
            found.append(_make(doc, owner, (token.idx, token.idx + len(token)), content, offset))
    return [a for a in found if start <= a.cue[0] < end]


def _make(
    doc: Doc,
    subject: Token,
    cue: tuple[int, int],
    content: list[tuple[int, int]],
    offset: int,
    phrase: tuple[int, int] | None = None,
) -> RawAttribution:
    lower = subject.lower_
    pronoun = None
    name: tuple[int, int] | None
    if subject.tag_ in {"PRP", "PRP$"} or lower in _PERSON_PRONOUNS or lower in _GROUP_PRONOUNS:
        pronoun, name = lower, None
        src = (subject.idx, subject.idx + len(subject))
    elif lower in _RELATIVE and subject.tag_ in {"WP", "WDT"} and subject.head.dep_ == "relcl":
        noun = subject.head.head
        src = (subject.idx, subject.idx + len(subject))
        if noun.tag_ in {"PRP"}:
            pronoun, name = noun.lower_, None
        else:
            name = _name(noun)
    else:
        src = phrase or _phrase(subject)
        name = _name(subject)
    shift = lambda r: (r[0] + offset, r[1] + offset)  # noqa: E731
    return RawAttribution(
        shift(src),
        shift(cue),
        tuple(shift(c) for c in content),
        None if name is None else shift(name),
        pronoun,
    )


# --- the article ---------------------------------------------------------------------

_PERSON = frozenset({"PERSON"})
_GROUP = frozenset({"ORG", "GPE", "NORP"})
_NAMED = _PERSON | _GROUP
#: A line that opens with a short name and a colon: "Minister: …", "Sanders: Clinton…".
_HEADLINE = re.compile(
    r"[ \t]*[\"“'‘]?(?:[A-Z]{2,}[ \t]+[–—-][ \t]+)?((?:[A-Z][\w.'’&-]*\.?[ \t]+){0,3}[A-Z][\w.'’&-]*)[ \t]*:[ \t]+\S"
)
#: A quote signed with a dash after it: '“…” ― Martha Aguilar', '"…" — Jon Park'.
_SIGNED = re.compile(r"(?<=[”\"’'])[ \t\u00a0]*([―—–])[ \t\u00a0]*((?:[A-Z][\w.'’-]*[ \t]+){0,4}[A-Z][\w.'’-]*)")
#: Line openers with a colon that are no source.
_NOT_SOURCE = frozenset(
    "photo photos image video watch update updated breaking exclusive opinion analysis note editor "
    "credit caption read live related source sources q a listen graphic chart map transcript "
    "warning correction clarification disclosure more see also wow boom whoa oops ouch yikes lol omg "
    "editor’s editor's".split()
)
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


def _full_name(text: str, names: dict[str, tuple[int, str]], found: Span) -> str:
    """A one-word PERSON ("Sanders") as the fuller name seen earlier ("Bernie Sanders")."""
    word = _bare(text[found.start : found.end])
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
    want = "he" if pronoun in {"he", "him"} else "she"
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
        if match is None:
            continue
        s, e = match.span(1)
        words = text[s:e].lower().split()
        if words[0].strip(".") in _NOT_SOURCE:
            continue
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


def signed_quotes(
    text: str, paragraphs: Sequence[Segment], quotes: Sequence[tuple[int, int]]
) -> list[RawAttribution]:
    """Quotes signed after a dash ('“…” ― Martha Aguilar'): the name is the source, the
    dash the cue, the quote before it the content."""
    found = []
    ends = [e for _, e in quotes]
    for paragraph in paragraphs:
        for match in _SIGNED.finditer(text, paragraph.start, paragraph.end):
            k = bisect_right(ends, match.start()) - 1
            content = ((quotes[k][0], quotes[k][1]),) if k >= 0 and quotes[k][1] >= match.start() - 1 else ()
            name = match.span(2)
            found.append(RawAttribution(name, match.span(1), content, name, None))
    return found


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
            if found.pronoun in _PERSON_PRONOUNS:
                claimant = _person_for(
                    text, found.pronoun, anchor, persons, person_starts, named_sources, salient, names, by_start
                )
            elif found.pronoun in _GROUP_PRONOUNS:
                k = bisect_right(group_starts, anchor - 1) - 1
                if k >= 0 and anchor - groups[k].start < 600:
                    claimant = _bare(text[groups[k].start : groups[k].end])
        elif found.name is not None:
            s, e = found.name
            entity = _naming(named, named_starts, s, e) or (
                _naming(named, named_starts, *found.source) if found.source else None
            )
            if entity is not None:
                claimant = _full_name(text, names, entity)
            else:
                claimant = " ".join(text[s:e].split())
                if claimant[:1].isupper() and " " not in claimant:
                    claimant = _full_name(text, names, Span(s, e, "PERSON", "entity"))
        if claimant is not None and found.pronoun is None and found.name is not None:
            entity = _inside(persons, person_starts, *found.name)
            if entity is not None:
                named_sources.append((found.name[0], claimant))
        out.append(Attribution(found.source, found.cue, found.content, claimant))
    return tuple(out)
