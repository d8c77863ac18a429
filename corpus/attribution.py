"""Who claims it, in one parsed piece: the source, cue and content of attributed statements.

``doc_attributions(doc, offset, start, end)`` reads one parsed piece while its doc is at
hand and returns ``RawAttribution``s (article offsets) whose cue starts in
``[start, end)``. The rules are dependency patterns over classes of words:

- a *reporting verb* (``REPORTING_VERBS``: saying, writing, judging, backing or
  attacking, talking about, turning down) with its nominal subject as the source,
  wherever the subject stands ("X said", "said X", '"…," he told reporters', '"…,"
  added a Democrat' read by the parser as an object); a verb without a subject of its
  own takes the subject of the verb it hangs from ("X smiled and said", "…, adding
  that", "X was quoted as saying", "X declined to say");
- verbs of belief and stance (``STANCE_FORMS``: think, fear, want, call…) count only
  with a clause, a quote, "call for"/"called X a Y" beside them; "show", "find",
  "list" only when a poll, study or document (``DOCUMENT_NOUNS``) does it;
- a passive reporting verb's agent ("was reported by X"; not "emails released by X");
  a speaker the parser left without a subject ("About 4 in 10 say", "Alarmed, Senator
  X, the whip, said") or gave the sentence's ("The cost, officials say, is…", "…, says
  X, an economist, is…"); a headline verb the tagger read as a noun ("X Slams Y");
- a light verb with a speech act ("made the allegation", "took a swipe at"), "spoke …
  about", an adjective of stance on a linking verb ("remains skeptical of"), "issued a
  statement saying" as one report of the issuer;
- ``according to X``;
- a *reporting noun* with its owner ("X's statement", "a statement from X") when it
  carries a clause or a quote, a *stance noun* ("criticism from X", "his call for")
  always;
- words used in another sense are left out: "continued to", "did not respond",
  "pledged delegates", "show up", "compared with", a heading glued onto a subject.

``corpus/attribution_resolve.py`` then resolves them per article. Offsets are ``str`` indices
into the article text, like every other offset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence
from unicodedata import category

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
#: Verbs of referring, portraying, taking a side or putting a position out (news reports
#: these as a source's stance as much as its words): a subject is enough.
POSITION_VERBS = (
    "refer reference bemoan liken assail lambast lambaste rail interject retweet chant tout "
    "highlight portray imply quote signal distance side embrace balk unveil issue "
    "publish order request deem persuade advocate identify recognize recognise downplay apologize "
    "apologise dub characterize characterise rebuff envision"
).split()
#: Single forms of verbs that report a position in these forms only ("supported X",
#: "plans to"; "support" and "plan" are more often nouns or infinitives of others).
POSITION_FORMS = frozenset(
    "supported supports backed backing sounded knocked pressed learned plans pushed pushing "
    "shared views sees released ruled approved named encouraged focuses welcomed decides "
    "decided deciding voted favor favored favoring favour favoured challenged".split()
)
#: Verbs of belief and stance: a report only with a clause or a quote beside them.
STANCE_VERBS = (
    "believe think feel fear hope expect worry doubt suspect assume understand know wish "
    "find show reckon imagine guess figure anticipate conclude realize realise call want "
    "prefer seem appear consider"
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
    "refer": {"refer", "refers", "referred", "referring"},
    "imply": {"imply", "implies", "implied", "implying"},
    "rail": {"rail", "rails", "railed", "railing"},
    "lambast": {"lambast", "lambasts", "lambasted", "lambasting"},
    "quote": {"quote", "quotes", "quoted", "quoting"},
    "side": {"sided", "siding"},
    "issue": {"issued", "issues", "issuing"},
    "order": {"ordered", "orders", "ordering"},
}


def _all_forms(bases: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for base in bases:
        out |= _IRREGULAR.get(base, _forms(base))
    return frozenset(out)


#: Word forms of the reporting verbs (the pipeline has no lemmatizer: forms, not lemmas).
REPORTING_VERBS: frozenset[str] = (
    _all_forms(["say", "tell", "write", *SPEECH_VERBS, *EVALUATION_VERBS, *DISCOURSE_VERBS, *POSITION_VERBS])
    | POSITION_FORMS
)
#: Word forms of the verbs of saying alone ("a sign saying", not "a sign supporting").
_SPEAKING: frozenset[str] = _all_forms(["say", "tell", "write", *SPEECH_VERBS])
#: Word forms of verbs that report only with a clause or quote beside them.
STANCE_FORMS: frozenset[str] = _all_forms(STANCE_VERBS) - REPORTING_VERBS
#: "seem", "appear": a stance only as a link ("seemed to suggest", "appears likely").
_SEEM = _all_forms(["seem", "appear"])
#: "wanted": a stance only about another's doing ("wanted Congress to act"); "wanted to
#: fix up his home" tells a plan of one's own, no claim.
_WANT = frozenset({"wanted"})
_OWN_CLAUSE = frozenset({"ccomp", "parataxis"})
#: Nouns that carry a statement of their owner: "X's statement", "a statement from X".
REPORTING_NOUNS: frozenset[str] = frozenset(
    "remarks remark comments comment claim claims assertion announcement tweet report estimate "
    "estimates forecast warning argument view views".split()
)
#: Nouns of stance whose owner holds it: "criticism from X", "his call for", "X's pledge"
#: ("proposal", "endorsement", "statement" are as often things handed about as stances held).
STANCE_NOUNS: frozenset[str] = frozenset(
    "criticism complaint complaints concern assertion insistence suggestion "
    "promise promises pledge pledges vow demand demands opposition attacks "
    "praise call calls admission warnings accusation".split()
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
#: Verbs that tell a reading of evidence as much as a statement: a report only when a
#: person, a group or a document is their subject.
_EVIDENCE = _all_forms(["suggest", "indicate", "reveal", "imply", "signal"])
#: Subjects of an evidence verb that are signs the outlet reads, no one who speaks: "a
#: steady trickle of reports suggests", "the measures suggest".
SIGN_NOUNS: frozenset[str] = frozenset(
    "trickle stream flood wave spate string flurry series number handful host raft slew "
    "measures moves steps signs sign events developments pattern trend trends".split()
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
#: Adverbs that say a statement is someone else's without naming them.
_HEARSAY = frozenset({"reportedly", "allegedly", "purportedly", "supposedly", "ostensibly"})
#: Passives of a view held that name no holder when they take "as" ("is seen as").
_SEEN_AS = frozenset({"seen", "viewed", "regarded"})
#: How a verb without a subject hangs from one that has it ("…, adding", "and said",
#: "declined to say", "quoted as saying").
_INHERIT = frozenset({"conj", "advcl", "xcomp", "pcomp", "prep"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "dobj", "oprd", "advcl"})
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis"})
#: Relative pronouns standing for the noun their clause hangs from.
_RELATIVE = frozenset({"who", "which", "that", "whom"})
#: Pronoun sources a person or a group stands behind (``corpus/attribution_resolve.py`` resolves them).
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "it", "we", "them"})
_QUOTES = "\"“”«»„"
_DUMMY = frozenset({"it", "there", "this", "that"})
_COPULA = frozenset({"is", "was", "are", "were", "be", "been", "being", "'s", "’s", "am"})


class RawAttribution(NamedTuple):
    """One attribution as found in a piece (article offsets), before resolution.

    ``name`` is the part of the source that names it (the relative clause's noun for
    "who"); ``pronoun`` is the lower-case pronoun when the source is one; ``owner`` the
    possessive pronoun of a source such as "his boss" ("his"; ``name`` is then "boss").
    """

    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...]
    name: tuple[int, int] | None
    pronoun: str | None
    owner: str | None = None


# --- one doc -------------------------------------------------------------------------


#: Punctuation trimmed from the ends of a span (quotes stay on content: they are its words').
_TRIM = frozenset(",.;:!?—–-()[]")


def _symbols(text: str) -> bool:
    """Whether ``text`` is symbols only (an emoji, an arrow, a trademark sign): no
    part of a name, so not of a source's edges either. Currency signs are kept."""
    return not text.isascii() and all(category(ch) in {"So", "Sk", "Sm"} or category(ch) in {"Mn", "Cf"} for ch in text)


def _edges(tokens: Sequence[Token], quotes: bool = False) -> tuple[int, int] | None:
    """Character (start, end) of a token run, without punctuation at either end
    (``quotes``: quotation marks count as punctuation too)."""
    i, j = 0, len(tokens)
    trim = lambda t: t.is_space or t.text in _TRIM or (quotes and t.tag_ in {"``", "''"}) or _symbols(t.text)  # noqa: E731
    while i < j and trim(tokens[i]):
        i += 1
    while j > i and trim(tokens[j - 1]):
        j -= 1
    if i >= j:
        return None
    return tokens[i].idx, tokens[j - 1].idx + len(tokens[j - 1])


#: Subjects that say who only with their relative clause ("those who stayed", "others
#: who spoke to reporters"): the clause stays in the source.
WHO_BY_CLAUSE = frozenset("those others many some most few several all anyone everyone people".split())


def _phrase(token: Token) -> tuple[int, int]:
    """The source phrase of a subject: its subtree up to a comma or relative clause
    ("John Smith, the mayor, who…" stops at "John Smith")."""
    doc = token.doc
    left, right = _line_start(token), token.right_edge.i
    # cut at the first comma/relative clause after the head, keep what is before it
    for k in range(token.i + 1, right + 1):
        t = doc[k]
        if t.text in {",", "(", "—", "–"}:
            right = k - 1
            break
        if t.dep_ in {"relcl", "acl"} and t.head.i == token.i and token.lower_ not in WHO_BY_CLAUSE:
            right = max(token.i, t.left_edge.i - 1)
            break
    span = _edges(doc[left : right + 1], quotes=True) or (token.idx, token.idx + len(token))
    return span


def _line_start(token: Token) -> int:
    """The first token of ``token``'s phrase on its own line: a time stamp or heading
    above ("9:30 p.m.\n\nDonald Trump says") is no part of it."""
    doc = token.doc
    left = token.left_edge.i
    for k in range(token.i - 1, left - 1, -1):
        if doc[k].is_space and "\n" in doc[k].text:
            return k + 1
    return left


def _name(token: Token) -> tuple[int, int]:
    """The naming part of a subject: the head noun and the words before it in its phrase
    (compounds, names, adjectives), without determiners or possessive pronouns."""
    doc = token.doc
    left = token.i
    first = _line_start(token)
    while left > first and (doc[left - 1].dep_ not in {"punct", "cc", "prep"} or doc[left - 1].text == "-"):
        left -= 1
    while left < token.i and (doc[left].dep_ == "det" or doc[left].tag_ == "POS" or doc[left].is_space):
        left += 1
    last = token.i
    while last > left and (_symbols(doc[last].text) or doc[last].is_space):  # "the council 🙂"
        last -= 1
    return doc[left].idx, doc[last].idx + len(doc[last])


def _inverted(verb: Token) -> Token | None:
    """The speaker after a tag verb the parser read as its object: '"…," added a Democrat'."""
    if verb.i == 0 or not any(c.dep_ in _CLAUSE_DEPS and c.i < verb.i for c in verb.children):
        return None
    for child in verb.rights:
        # right after the verb: "said the minister", not "said Thursday on Fox and Friends"
        if child.dep_ in {"dobj", "attr", "npadvmod", "appos"} and child.tag_.startswith("NN") and child.left_edge.i == verb.i + 1:
            return child
    return None


_CLOSING = frozenset({"''", "”", '"', "’", "'"})
#: Words that may stand in a speaker's name after a quote's tag verb ("said the city's mayor").
_TAG_WORDS = frozenset({"DT", "NNP", "NNPS", "NN", "NNS", "JJ", "PRP$", "POS", "HYPH", "NFP"})


def _tag_after(verb: Token) -> Token | None:
    """The speaker named right after a quote's tag verb the parser hung elsewhere
    ('"…," said the woman, who…': "woman" read as the subject of a later verb): the
    head noun of the run of name words after the verb."""
    doc = verb.doc
    k = verb.i - 1
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k < 1 or not (doc[k].text in _CLOSING or doc[k].text == "," and doc[k - 1].text in _CLOSING):
        return None
    head = None
    for token in doc[verb.i + 1 : verb.i + 9]:
        if token.tag_ not in _TAG_WORDS or token.is_space:
            break
        if token.tag_.startswith("NN"):
            head = token
    return head


_LINE_SUBJECT_TAGS = frozenset({"DT", "JJ", "NN", "NNS", "NNP", "NNPS", "POS", "PRP$", "HYPH", ",", "RB"})


def _acl_speaker(verb: Token, reporting: bool) -> Token | None:
    """The noun a reporting verb hangs from as a clause of it, when that noun speaks: "a
    sign saying", "voters saying"; "Beruff, a Scott ally, called X 'strong'" (the verb
    after a comma, the parser reading it as a clause of the name)."""
    head = verb.head
    if not reporting or not head.tag_.startswith("NN") or head.i > verb.i:
        return None
    if verb.tag_ == "VBG" and verb.lower_ in _SPEAKING and head.lower_ in STATEMENTS and head.dep_ == "dobj":
        issuer = _subject(head.head)  # "the board issued a statement saying": the board says
        if issuer is not None:
            return issuer
    if verb.tag_ == "VBG" and verb.i == head.i + 1 and verb.lower_ in _SPEAKING and head.dep_ != "pobj":
        return head
    if verb.tag_ in {"VBD", "VBN"} and verb.i > 0 and verb.doc[verb.i - 1].text == "," and head.tag_ in {"NNP", "NNPS"}:
        return head
    return None


#: Things issued that say something: "issued a statement saying", "released a letter saying".
STATEMENTS: frozenset[str] = frozenset(
    "statement statements release letter message post tweet email ad video memo note op-ed".split()
)


def _issued(verb: Token) -> Token | None:
    """The verb that issued the statement a participle of saying belongs to ("issued a
    statement saying", "released a letter Thursday, saying"), or None."""
    if verb.tag_ != "VBG" or verb.lower_ not in _SPEAKING:
        return None
    head = verb.head
    if verb.dep_ == "acl" and head.lower_ in STATEMENTS and head.dep_ == "dobj":
        return head.head
    if verb.dep_ == "advcl" and any(c.dep_ == "dobj" and c.lower_ in STATEMENTS for c in head.children):
        return head
    return None


def _line_subject(verb: Token) -> Token | None:
    """The subject of a verb at the start of a line whose heading above the parser glued
    on ("Ramping up recruitment\nLegal experts, however, point out"): the last noun of
    the words before the verb on its line, when they are all a noun phrase and adverbs."""
    doc = verb.doc
    k = verb.i - 1
    head = None
    while k >= 0 and not (doc[k].is_space and "\n" in doc[k].text):
        token = doc[k]
        if token.tag_ not in _LINE_SUBJECT_TAGS:
            return None
        if head is None and token.tag_.startswith("NN"):
            head = token
        k -= 1
    # only a phrase the parser hung on the line above
    return head if k >= 0 and head is not None and head.head.i < k else None


#: Words that stand for a share of those polled ("half said", "most say").
_SHARES = frozenset("half most many majority plurality third quarter two-thirds three-quarters".split())


def _stray_subject(verb: Token) -> Token | None:
    """The speaker of a reporting verb the parser left without a subject: a share of
    those polled ("About 4 in 10 say", "half said"); a name and its apposition after an
    opening phrase ("Alarmed by the riots, Senator Ada Lund, the whip, said"); a name
    the parser made the subject of a clause set off by commas ("Ada Lund, who chairs the
    board, said")."""
    doc = verb.doc
    if verb.lower_ in _SPEAKING and (named := _named_after(verb)) is not None:
        return named  # "The trouble, says Ada Lund, is…" read with "Lund" the subject of "is"
    if verb.dep_ not in {"ROOT", "conj", "ccomp"} or verb.tag_ not in {"VBD", "VBZ", "VBP"}:
        return None
    for child in verb.lefts:
        if child.dep_ in {"nummod", "npadvmod", "advmod", "nsubj"} and (child.tag_ == "CD" or child.lower_ in _SHARES):
            if child.i + 1 == verb.i or all(t.tag_ in {"CD", "IN", "RB"} for t in doc[child.i + 1 : verb.i]):
                return child
    k = verb.i - 1
    while k >= 0 and (doc[k].is_space or doc[k].text == "," or doc[k].dep_ == "advmod" and doc[k].tag_ == "RB"):
        k -= 1
    if k < 0 or k == verb.i - 1 or not doc[k].tag_.startswith("NN"):
        return _comma_clause_subject(verb)
    name = doc[k]
    while name.dep_ == "appos" and name.head.i < name.i:
        name = name.head
    before = name.left_edge.i - 1
    if name.tag_ in {"NNP", "NNPS"} and name.dep_ != "pobj" and (before < verb.sent.start or doc[before].text == ","):
        return name
    return _comma_clause_subject(verb)


def _comma_clause_subject(verb: Token) -> Token | None:
    """"Ada Lund, who chairs the board, said": the parser read "chairs" as the reported
    clause and "Ada Lund" as its subject; a name that opens the sentence and is followed
    by a comma is the speaker."""
    for child in verb.lefts:
        if child.dep_ != "ccomp":
            continue
        for sub in child.children:
            if sub.dep_ == "nsubj" and sub.i < child.i and sub.tag_.startswith("NN") and sub.text[:1].isupper():
                after = sub.i + 1
                starts = sub.left_edge.i == verb.sent.start
                if starts and after < verb.i and verb.doc[after].text == "," and not _quoted(verb.doc[verb.sent.start : verb.i]):
                    return sub
    return None


_TELL = frozenset({"tell", "tells", "told", "telling"})
_ASIDE_TAGS = frozenset({"DT", "JJ", "NN", "NNS", "NNP", "NNPS", "CC", "POS", "PRP$", "PRP", "CD", "HYPH"})


def _named_after(verb: Token) -> Token | None:
    """The name right after a reporting verb set off by a comma, itself followed by a
    comma or the sentence's end ("…, says Ada Lund, an economist, is"); none after "told"
    (its object is who was told), a date or a noun phrase ("…, urged a strong stand")."""
    doc = verb.doc
    if verb.i < 1 or doc[verb.i - 1].text != ",":
        return None
    if verb.tag_ not in {"VBD", "VBZ"} or verb.lower_ in _TELL or verb.i + 1 >= len(doc) or doc[verb.i + 1].tag_ != "NNP":
        return None
    head = None
    k = verb.i + 1
    while k < len(doc) and doc[k].tag_ in _TAG_WORDS and not doc[k].is_space:
        if doc[k].tag_.startswith("NN"):
            head = doc[k]
        k += 1
    if head is not None and k < len(doc) and doc[k].text in {",", "."} and head.ent_type_ in {"", "PERSON", "ORG"}:
        return head
    return None


def _parenthetical(subject: Token, verb: Token) -> Token:
    """The speaker of a reporting clause set off inside the sentence it reports, which
    the parser gave the sentence's own subject: "The cost, port officials say, is
    rising" (the words between the comma and the verb), "The trouble, says Ada Lund,
    an economist, is" (the name after the verb)."""
    doc = verb.doc
    if verb.i < 2:
        return subject
    if doc[verb.i - 1].text == "," and subject.i < verb.i - 1:
        return _named_after(verb) or subject
    if verb.i + 1 >= len(doc) or doc[verb.i + 1].text != ",":
        return subject
    k = verb.i - 1
    while k > subject.i and doc[k].tag_ in _ASIDE_TAGS and not doc[k].is_space:
        k -= 1
    if k <= subject.i or doc[k].text != "," or k + 1 >= verb.i:
        return subject
    run = doc[k + 1 : verb.i]
    roots = [t for t in run if not (k < t.head.i < verb.i)]
    if len(roots) != 1 or roots[0].tag_ not in {"NN", "NNS", "NNP", "NNPS", "PRP"} or roots[0].head.i == subject.i:
        return subject
    return roots[0]


def _out_of_quote(subject: Token, verb: Token) -> Token | None:
    """A subject inside the quote a tag verb closes is the quote's words, not its speaker
    ('"Very good reporter," Trump, the front-runner, said'): the speaker is the name or
    pronoun right after the quote, if there is one."""
    doc = subject.doc
    marks = [t.i for t in doc[subject.i + 1 : verb.i] if t.tag_ == "''" or t.text in {"”", "»"}]
    if not marks:
        return subject
    opened = False
    for t in doc[subject.sent.start : subject.i]:
        if t.tag_ == "``" or t.text in {"“", "«"}:
            opened = True
        elif t.tag_ == "''" or t.text in {"”", "»"}:
            opened = False
    if not opened:
        return subject  # 'X, who called Y "a liar," said': the subject is outside the quote
    head = None
    for token in doc[marks[-1] + 1 : verb.i]:
        if token.is_punct or token.is_space:
            if head is not None:
                break
            continue
        if token.tag_ in {"NNP", "NNPS", "NN", "NNS", "PRP", "DT", "JJ"}:
            if token.tag_ != "DT" and token.tag_ != "JJ":
                head = token
            continue
        break
    return head


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


#: Marks that set a participle off from its clause as the subject's own act: ", saying",
#: "— saying", '…,” claiming' (the comma inside the quote).
_SET_OFF = frozenset({",", "—", "–", "-", "--", ";"})
_WHILE = frozenset({"while", "when", "whilst", "after", "before"})


def _set_off(verb: Token) -> bool:
    """Whether a participle follows a comma, a dash or a closing quote, adverbs between
    (", falsely suggesting")."""
    doc = verb.doc
    if any(c.dep_ == "mark" and c.lower_ in _WHILE for c in verb.children):
        return True  # "while saying", "when discussing": the subject's own doing
    if verb.i == verb.sent.start and verb.head.i > verb.i:
        return True  # "Conceding that …, he warned"
    k = verb.i - 1
    while k >= 0 and (doc[k].tag_ == "RB" or doc[k].is_space):
        k -= 1
    return k >= 0 and (doc[k].text in _SET_OFF or doc[k].tag_ == "''" or doc[k].text in {"”", "’"})


#: Verbs of putting a thing out: "emails released by the department" says who released
#: them, no statement of theirs.
_PRODUCED = frozenset(
    "released issued published written posted presented offered maintained approved identified "
    "ordered requested unveiled declared".split()
)


def _agent(verb: Token) -> Token | None:
    """The one who does a passive reporting verb: "was first reported by the Gazette",
    "was criticised by his rivals" (the object of its "by")."""
    if verb.tag_ != "VBN" or verb.lower_ in _PRODUCED:
        return None
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, or of the verb it hangs from when it has none of its own."""
    seen = 0
    while verb is not None and seen < 4:
        # the nearest subject before the verb: "9:30 p.m.\n\nDonald Trump says" has two
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and c.dep_ != "expl"]
        if subjects:
            before = [c for c in subjects if c.i < verb.i]
            return before[-1] if before else subjects[0]
        if verb.dep_ == "acomp" and seen and verb.head.lower_ in _COPULA:
            verb = verb.head  # "were more likely to say", "was quick to point out": the copula's subject
            if any(c.dep_ in {"nsubj", "expl"} and c.lower_ in _DUMMY for c in verb.children):
                return None  # "it is hard to say"
            seen += 1
            continue
        if verb.dep_ not in _INHERIT or verb.head.i == verb.i:
            return None
        if verb.dep_ == "conj" and (teller := _coordinated_teller(verb)) is not None:
            verb = teller  # "He said the attacks had worked and said that…": the first "said"
            seen += 1
            continue
        if verb.dep_ == "conj" and verb.i > 0 and verb.doc[verb.i - 1].tag_ in {"NN", "NNS"}:
            return None  # "posts and videos shared widely": a participle read as a second verb
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and not _set_off(verb):
            return None  # "protesters … demanding": only ", saying" speaks for the subject
        # "as saying": the preposition's verb; "and said": the first verb
        step = verb
        verb = verb.head
        if _reported_clause(step, verb):
            verb = verb.head  # '… told Newsmax that X "had a crazy policy," adding': the teller adds
        if verb.dep_ == "prep" or verb.tag_ == "IN":
            if verb.lower_ == "for":
                return None  # "held X in contempt for refusing": the object refused
            if verb.lower_ == "as":
                # "cited unnamed sources as saying": the object speaks
                spoken = next((c for c in verb.head.children if c.dep_ == "dobj"), None)
                if spoken is not None:
                    return spoken
            verb = verb.head
        if verb.lower_ in _COPULA and any(c.dep_ in {"nsubj", "expl"} and c.lower_ in _DUMMY for c in verb.children):
            return None  # "it is not possible to say": the subject of "is" says nothing
        seen += 1
    return None


_FINITE = frozenset({"VBD", "VBZ", "VBP"})
_CLIMB = frozenset({"ccomp", "xcomp", "conj", "advcl", "prep", "pobj", "pcomp", "dobj", "relcl"})


def _coordinated_teller(verb: Token) -> Token | None:
    """The verb of saying a second one is coordinated with when the parser hung it inside
    the first one's clause ("He called on the city to act and proposed a levy": "proposed"
    read as the partner of "act"; "He said the attacks had worked and said that…"): an
    earlier reporting verb of the same tense above a clause it reports, the verb's own head
    of another form."""
    if verb.tag_ not in _FINITE or verb.lower_ not in REPORTING_VERBS:
        return None
    node = verb.head
    if node.tag_ == verb.tag_:
        return None  # coordinated with its head indeed
    through = False
    for _ in range(5):
        if node.dep_ not in _CLIMB or node.head.i == node.i:
            return None
        through = through or node.dep_ in {"ccomp", "xcomp"}
        node = node.head
        if through and node.tag_ == verb.tag_ and node.i < verb.i and (
            node.lower_ in REPORTING_VERBS or node.lower_ in STANCE_FORMS
        ):
            return node
    return None


def _reported_clause(step: Token, head: Token) -> bool:
    """Whether a participle set off after a clause (", adding", ", claiming") that the
    parser hung from the clause reported by a verb of saying belongs to that verb: the
    clause is the verb's complement and the participle comes after a closing quote or
    the clause's subject is inside a quote."""
    if step.dep_ != "advcl" or step.tag_ != "VBG" or head.dep_ != "ccomp":
        return False
    teller = head.head
    if teller.i > head.i or teller.lower_ not in _SPEAKING:
        return False
    doc = step.doc
    k = step.i - 1
    while k > head.i and (doc[k].text in _SET_OFF or doc[k].is_space or doc[k].tag_ == "RB"):
        k -= 1
    return doc[k].tag_ == "''" or doc[k].text in {"”", "’"}


def _clause(verb: Token, skip: set[int]) -> list[tuple[int, int]]:
    """The content of a reporting verb: its clausal complements, or the clause it tags."""
    out = []
    for child in verb.children:
        # "called for all boats to return": the parser's "for" a mark of an adverbial clause
        reported = child.dep_ in _CLAUSE_DEPS or child.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ == "for" for c in child.children
        )
        if reported and child.i not in skip and not any(
            child.left_edge.i <= i <= child.right_edge.i for i in skip
        ):
            right = child.right_edge.i
            for aside in child.children:  # '…," adding': the teller's next words, not this clause's
                if aside.i > child.i and _reported_clause(aside, child):
                    right = min(right, aside.left_edge.i - 1)
            for t in verb.doc[child.i + 1 : right + 1]:  # "… and said that": the teller's next report
                if t.dep_ == "conj" and t.lower_ in REPORTING_VERBS and (teller := _coordinated_teller(t)) is not None and teller.i == verb.i:
                    right = t.left_edge.i - 1
                    while right > child.i and (verb.doc[right].dep_ in {"cc", "punct"} or verb.doc[right].is_space):
                        right -= 1
                    break
            span = _edges(verb.doc[child.left_edge.i : right + 1])
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
_NEGATED_SILENT = frozenset(
    "respond responded comment commented reply replied return returned publish publishes published "
    "release releases released issue issues issued".split()
)
_COMPARED = frozenset({"compared"})
#: Particles that make a reporting verb another verb ("show up", "call off", "give away").
_OTHER_SENSE = frozenset({"up", "off", "away", "in", "down"})
_CONTINUE = frozenset({"continue", "continues", "continued", "continuing"})


def _described(token: Token) -> bool:
    """A one-word name the model took for a group but that an apposition describes as a
    person does ("Elena, a hairdresser, …")."""
    return token.ent_iob_ == "B" and (token.i + 1 == len(token.doc) or token.doc[token.i + 1].ent_iob_ != "I") and any(
        c.dep_ == "appos" and c.tag_ == "NN" and c.i > token.i for c in token.children
    )


#: Verbs that report with the word right after them ("shot back", "weighed in", "spoke
#: out", "took aim", "took issue", "went after", "laid out", "pushed back").
_PHRASAL_AFTER: dict[str, frozenset[str]] = {
    **dict.fromkeys(["shot", "shoots", "shooting", "fired", "fires", "firing", "hit", "hits", "hitting"], frozenset({"back"})),
    **dict.fromkeys(["weighed", "weighs", "weighing", "weigh", "chimed", "chime", "chimes", "chiming"], frozenset({"in"})),
    **dict.fromkeys(["spoke", "speaks", "speak", "speaking", "spoken"], frozenset({"out", "about"})),
    **dict.fromkeys(["shrugged", "shrugs", "shrug", "shrugging"], frozenset({"off"})),
    **dict.fromkeys(["called", "calls", "call", "calling"], frozenset({"out"})),
    **dict.fromkeys(["took", "takes", "take", "taking", "taken"], frozenset({"aim", "issue"})),
    **dict.fromkeys(["went", "goes", "go", "going", "gone"], frozenset({"after"})),
    **dict.fromkeys(["put", "puts", "putting"], frozenset({"it"})),
    **dict.fromkeys(["laid", "lays", "lay", "laying"], frozenset({"out"})),
    **dict.fromkeys(["pushed", "pushes", "push", "pushing"], frozenset({"back"})),
    **dict.fromkeys(["brushed", "brushes", "brush", "brushing"], frozenset({"off", "aside"})),
    **dict.fromkeys(["singled", "singles", "single", "singling"], frozenset({"out"})),
}
_PHRASAL = frozenset(_PHRASAL_AFTER)


_SPEAK = frozenset({"spoke", "speaks", "speak", "speaking", "spoken"})
_SPOKEN_OF = frozenset({"about", "of"})


def _phrasal(token: Token) -> bool:
    doc = token.doc
    if token.i + 1 < len(doc) and doc[token.i + 1].lower_ in _PHRASAL_AFTER[token.lower_]:
        return True
    # "spoke at the rally on Tuesday about taxes", "speaks often of her mother": what about
    return token.lower_ in _SPEAK and any(c.dep_ == "prep" and c.lower_ in _SPOKEN_OF for c in token.children)


_POLLS = frozenset({"poll", "polls", "survey", "surveys", "polling"})


def _poll_object(token: Token) -> Token | None:
    """The poll or survey a preposition takes ("in a CNN poll"), or None."""
    for child in token.children:
        if child.dep_ == "pobj" and child.lower_ in _POLLS:
            # only where the poll tells a standing: a share, a lead, a margin
            if any(t.lower_ in _STANDING or t.text == "%" for t in token.sent):
                return child
    return None


_STANDING = frozenset("percent points point lead leads leading ahead behind trails trailing trail edge margin".split())


_MADE = frozenset({"made", "make", "makes", "making"})
_READS = frozenset({"read", "reads"})


def _made_clear(token: Token) -> bool:
    """"made clear", "made it clear": an adjective "clear" right after, or after "it"."""
    doc = token.doc
    k = token.i + 1
    if k < len(doc) and doc[k].lower_ == "it":
        k += 1
    return k < len(doc) and doc[k].lower_ == "clear"


def _idle(token: Token, lower: str) -> bool:
    """A cue word used for something else: "continued to campaign" (no speech), a
    declined comment, "pledged delegates" (a word naming a thing)."""
    if lower in _CONTINUE and any(c.dep_ in {"xcomp", "dobj"} for c in token.children):
        return True
    if lower in _CONTINUE and not _quoted(token.sent) and not any(c.dep_ in _CLAUSE_DEPS for c in token.children):
        return True  # "the strike continued": no speech
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if lower in _COMPARED and following is not None and following.lower_ in {"with", "to"} and token.tag_ == "VBN":
        return True  # "$98,000, compared with $93,000": a preposition, not a comparison made
    if lower in _NEGATED_SILENT and any(c.dep_ == "neg" for c in token.children):
        return True
    if any(c.dep_ == "prt" and c.lower_ in _OTHER_SENSE for c in token.children):
        return True  # "show up", "call off": another verb
    if token.dep_ in {"amod", "compound"}:
        return True
    if lower == "said" and token.i > 0 and token.doc[token.i - 1].lower_ in _SAID_IDIOM and (
        token.i + 1 == len(token.doc) or token.doc[token.i + 1].text in {",", ".", "!", ";"}
    ):
        return True  # "That said, …", "Enough said.": a turn of phrase, no one speaks
    # a participle modifying the noun after it
    return token.head.i == token.i + 1 and token.head.tag_.startswith("NN") and token.dep_ != "relcl"


#: Words that make "said" a turn of phrase right before it ("That said,", "Enough said.").
_SAID_IDIOM = frozenset({"that", "enough", "this"})
_CALL = frozenset({"call", "calls", "called", "calling"})
#: Modals that make a report a possibility: "could attempt to portray" says nothing yet.
_MAYBE = frozenset({"could", "might", "may"})


def _hedged(token: Token) -> bool:
    """A report only possible: a modal on the verb it is the aim of ("could attempt to
    portray", "may try to argue")."""
    for _ in range(3):
        if token.dep_ != "xcomp":
            return False
        token = token.head
        if any(c.dep_ == "aux" and c.lower_ in _MAYBE for c in token.children):
            return True
    return False


def _calls(token: Token, lower: str) -> bool:
    """"call for", "call on" (a demand) and "called X a Y" (a judgement)."""
    if lower not in _CALL:
        return False
    if any(c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ in {"for", "on"}) for c in token.children):
        return True
    # "called for X to act": the parser often takes "for" as the mark of the clause
    doc = token.doc
    after = token.i + 1
    return after + 1 < len(doc) and doc[after].lower_ == "for" and doc[after].dep_ == "mark"


def _quoted(sent_tokens: Sequence[Token]) -> bool:
    return any(t.text in _QUOTES or t.tag_ in {"``", "''"} for t in sent_tokens)


#: Verbs that say nothing alone but report with a speech act as their object ("made
#: the allegation", "took a swipe at", "launched an attack", "raised questions").
_LIGHT: frozenset[str] = frozenset(
    "make makes made making take takes took taken taking launch launches launched launching "
    "raise raises raised raising unleash unleashes unleashed unleashing level levels leveled "
    "levelled leveling levelling deliver delivers delivered delivering renew renews renewed "
    "renewing repeat repeats repeated repeating lodge lodged lodges file filed files".split()
)
#: Speech acts a light verb makes into a report.
SPEECH_ACTS: frozenset[str] = frozenset(
    "allegation allegations accusation accusations statement statements mention case shot shots "
    "swipe swipes jab jabs dig digs stance attack attacks criticism argument arguments claim "
    "claims remark remarks comment comments appeal plea pitch promise promises pledge pledges vow "
    "vows call calls demand demands threat threats complaint complaints assertion assertions "
    "announcement prediction predictions warning warnings insult insults joke jokes reference "
    "references apology charges "
    "suggestion suggestions proposal proposals objection objections denial denials "
    "question questions concern concerns doubt doubts defense defence rebuttal rant tirade".split()
)


def _speech_act(verb: Token) -> Token | None:
    """The speech act a light verb takes as its object ("made no mention", "took a shot")."""
    for child in verb.children:
        if child.dep_ == "dobj" and child.lower_ in SPEECH_ACTS:
            return child
    return None


#: Adjectives of a stance held ("critical of", "confident that", "eager to").
STANCE_ADJECTIVES: frozenset[str] = frozenset(
    "critical skeptical sceptical confident optimistic pessimistic hopeful eager willing "
    "unwilling reluctant concerned worried convinced adamant supportive opposed "
    "aware proud happy unhappy firm insistent wary doubtful dismissive "
    "angry nervous keen glad upset furious frustrated disappointed pleased satisfied".split()
)
#: What may follow a reporting verb the tagger read as a noun: its object or clause.
_AFTER_VERB_TAGS = frozenset({"NNP", "NNPS", "DT", "PRP", "PRP$"})


def _headline_subject(token: Token) -> Token | None:
    """The name before a verb form the tagger read as a noun ("Harbour Board Slams
    Quota", "Lund predicts that…"): the name right before it, when an object, "that",
    "about" or "to" comes right after."""
    doc = token.doc
    if token.i < 1 or token.i + 1 >= len(doc) or token.dep_ not in {"ROOT", "compound", "nsubj", "appos"}:
        return None
    if not token.lower_.endswith(("s", "ed")):
        return None  # "the vote", "a tweet": a noun indeed
    before, after = doc[token.i - 1], doc[token.i + 1]
    if before.tag_ not in {"NNP", "NNPS"} or before.is_space:
        return None
    if after.tag_ in _AFTER_VERB_TAGS or after.lower_ in {"that", "about", "to", "for", "on"}:
        return before
    return None


def _main_clause(verb: Token) -> bool:
    """Whether ``verb`` heads no clause of another's ("that he is wary", "is that he is
    wary"): a stance inside one is what that other reads, no source's own."""
    return not any(c.dep_ == "mark" for c in verb.children) and verb.dep_ not in _CLAUSE_DEPS


#: Linking verbs a stance adjective hangs from.
_LINKS = _COPULA | frozenset("remain remains remained remaining seem seems seemed appear appears appeared".split())


#: Every word a cue of :func:`doc_attributions` can be (the first test of each of its
#: branches); a token with none of these, and no proper-noun subject, is passed by.
_CUE_WORDS: frozenset[str] = frozenset().union(
    _HEARSAY, {"known", "in", "according"}, _SEEN_AS, _PHRASAL, _MADE, _READS, _LIGHT, STANCE_ADJECTIVES,
    REPORTING_VERBS, STANCE_FORMS, _DOCUMENT_VERBS, REPORTING_NOUNS, STANCE_NOUNS,
)
_CUE_HASHES: frozenset[int] | None = None


def _worth_a_look(doc: Doc, subjects: bool) -> Iterable[Token]:
    """The tokens of ``doc`` the loop of :func:`doc_attributions` does anything with, in
    order: a cue word, or (when ``subjects`` are collected) a proper noun. Read from the
    doc's arrays: building a ``Token`` for every word of an article cost more than the rules."""
    global _CUE_HASHES
    from spacy.attrs import LOWER, TAG
    from spacy.strings import get_string_id

    if _CUE_HASHES is None:
        _CUE_HASHES = frozenset(get_string_id(word) for word in _CUE_WORDS)
    if not len(doc):
        return ()
    cues, proper = _CUE_HASHES, get_string_id("NNP") if subjects else None
    rows = doc.to_array([LOWER, TAG]).tolist()
    return [doc[i] for i, (lower, tag) in enumerate(rows) if lower in cues or tag == proper]


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
    for token in _worth_a_look(doc, subjects is not None):
        lower = token.lower_
        if subjects is not None and token.tag_ == "NNP" and (
            token.dep_ == "nsubj" and token.ent_type_ in {"", "PERSON"} or _described(token)
        ) and not any(c.dep_ in {"det", "poss"} for c in token.children):  # "my military ID" is no one
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
        if lower in _HEARSAY and token.dep_ == "advmod":
            # "has reportedly suffered": said by someone the outlet does not name
            clause = _edges(doc[token.head.left_edge.i : token.head.right_edge.i + 1])
            content = () if clause is None else ((clause[0] + offset, clause[1] + offset),)
            found.append(RawAttribution(None, (token.idx + offset, token.idx + len(token) + offset), content, None, None))
        elif lower == "known" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in {"as", "for"}:
            # "known as", "known for": a name or a fame given by no one in particular
            after = doc[token.i + 1]
            found.append(RawAttribution(None, (token.idx + offset, after.idx + len(after) + offset), (), None, None))
        elif lower in _PHRASAL and token.tag_.startswith("VB") and _phrasal(token):
            # "shot back", "weighed in", "took aim at": verbs that report only with their word after
            subject = _subject(token)
            if subject is not None:
                after = doc[token.i + 1]
                if after.lower_ not in _PHRASAL_AFTER[lower]:
                    after = token  # "spoke … about": the verb alone
                found.append(_make(doc, subject, (token.idx, after.idx + len(after)), _clause(token, {subject.i}), offset))
        elif lower == "in" and token.dep_ == "prep" and (poll := _poll_object(token)) is not None:
            # "leads by 10 points in a new poll", "ahead in the polls": the poll says so
            found.append(_make(doc, poll, (token.idx, token.idx + len(token)), [], offset))
        elif lower in _SEEN_AS and token.tag_ == "VBN" and _seen_as(token):
            # "is widely seen as the favourite": a view held by people left unnamed
            found.append(_unnamed(token, offset))
        elif lower in _MADE and _made_clear(token):
            # "made it clear that", "made clear": a statement put plainly
            subject = _subject(token)
            if subject is not None:
                found.append(_make(doc, subject, (token.idx, token.idx + len(token)), _clause(token, {subject.i}), offset))
        elif lower in _READS and token.tag_.startswith("VB") and token.i + 1 < len(doc) and (
            doc[token.i + 1].text in {":", ",", "“", '"'} or doc[token.i + 1].tag_ == "``"
        ):
            # 'the sign read: "…"', 'one message read "…"': the sign's words
            subject = _subject(token)
            if subject is not None:
                found.append(_make(doc, subject, (token.idx, token.idx + len(token)), [], offset))
        elif lower in STANCE_ADJECTIVES and token.dep_ == "acomp" and token.head.lower_ in _LINKS and _main_clause(token.head):
            # "was critical of", "is confident that", "remains skeptical": a stance its subject holds
            subject = _subject(token.head)
            if subject is not None and subject.lower_ not in _DUMMY and subject.dep_ != "expl":
                found.append(_make(doc, subject, (token.idx, token.idx + len(token)), _clause(token, {subject.i}), offset))
        elif lower in _LIGHT and token.tag_.startswith("VB") and (act := _speech_act(token)) is not None:
            # "made these allegations", "took a swipe at", "launched an attack on": the act is a statement
            subject = _agent(token) or _subject(token)
            if subject is not None and subject.dep_ != "nsubjpass":
                found.append(_make(doc, subject, (token.idx, act.idx + len(act)), _clause(token, {subject.i}), offset))
                taken.add(token.i)
        elif lower in reporting and token.tag_.startswith("NN") and (named := _headline_subject(token)) is not None:
            # "Harbour Board Slams Quota", "Lund predicts that…": a verb the tagger took for a noun
            first = named
            while first.i > 0 and doc[first.i - 1].tag_ in {"NNP", "NNPS"} and not doc[first.i - 1].is_space:
                first = doc[first.i - 1]
            phrase = (first.idx, named.idx + len(named))
            found.append(_make(doc, named, (token.idx, token.idx + len(token)), [], offset, phrase=phrase))
            taken.add(token.i)
        elif lower in reporting or lower in stance or lower in _DOCUMENT_VERBS:
            tag = token.tag_
            if not tag.startswith("VB") and not (lower in reporting and tag in {"NNS", "NN"} and token.dep_ == "ROOT"):
                continue
            owner = _agent(token) if lower in reporting else None
            if owner is None and token.dep_ == "acl" and not any(c.dep_ in _SUBJECTS for c in token.children):
                owner = _acl_speaker(token, lower in reporting)
                if owner is None:
                    continue
            if _idle(token, lower):
                continue
            if owner is None and token.dep_ == "advcl" and lower == "asked" and _unnamed_asker(token):
                found.append(_unnamed(token, offset))  # "Asked about it, the mayor said": the mayor was asked
                taken.add(token.i)
                continue
            subject = owner or _subject(token)
            if subject is None and lower in reporting:
                subject = _inverted(token) or _tag_after(token) or _line_subject(token) or _stray_subject(token)
            if subject is not None and subject.i < token.i:
                subject = _across_break(subject, token)
            if subject is not None and subject.i < token.i:
                subject = _out_of_quote(subject, token)
            if subject is not None and subject.i < token.i and lower in _SPEAKING:
                subject = _parenthetical(subject, token)
            if subject is None:
                if _unnamed_asker(token):
                    found.append(_unnamed(token, offset))
                continue
            if lower not in reporting and lower not in stance and subject.lower_ not in DOCUMENT_NOUNS:
                continue  # "show", "list": reported only when a poll, study or document does it
            if (lower in _EVIDENCE or lower in _SEEM) and subject.lower_ in SIGN_NOUNS:
                continue  # "a trickle of reports suggests": the outlet reads the signs itself
            if lower in _SEEM and not any(c.dep_ in {"xcomp", "acomp", "ccomp", "oprd"} for c in token.children):
                continue  # "appeared on MSNBC"
            if lower in stance and subject.lower_ not in DOCUMENT_NOUNS or subject.dep_ == "nsubjpass" and token.dep_ != "pcomp":
                # a stance verb, or a passive ("was asked"): only with a clause to report
                clauses = _CLAUSE_DEPS if lower not in _WANT else _OWN_CLAUSE
                if not any(c.dep_ in clauses for c in token.children) and not (
                    token.dep_ in {"parataxis", "ccomp"} and token.head.i > token.i
                ) and not _quoted(token.sent) and not _calls(token, lower) and not (
                    token.dep_ == "relcl" and subject.lower_ == "who" and any(c.dep_ == "dobj" for c in token.children)
                ):
                    if subject.dep_ == "nsubjpass" and _unnamed_asker(token):
                        found.append(_unnamed(token, offset))  # "Trump was asked about it": asked by no one named
                    continue
            if _hedged(token):
                continue
            cue_tokens = [token]
            # "pointed out", "said in a statement" keep only the verb (and its particle)
            for child in token.children:
                if child.dep_ == "prt":
                    cue_tokens.append(child)
            cue = (min(t.idx for t in cue_tokens), max(t.idx + len(t) for t in cue_tokens))
            issued = _issued(token)
            if issued is not None and issued.i in taken:
                # "issued a statement saying": one report, its cue from the verb that issues it
                at = issued.idx + offset
                found = [a for a in found if a.cue[0] != at]
                cue = (issued.idx, cue[1])
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
            if owner.tag_ == "PRP$" and token.dep_ == "dobj":
                # "Trump kept up his criticism": the one who voices it is the verb's subject
                holder = _subject(token.head)
                if holder is not None and holder.i < token.i:
                    owner = holder
            found.append(_make(doc, owner, (token.idx, token.idx + len(token)), content, offset))
    return [a for a in found if start <= a.cue[0] < end]


#: Passives that report a speech act of someone left unnamed ("was asked about", "was
#: criticized for", "it was announced"): an attribution with no source.
_UNNAMED_PASSIVES = frozenset(
    "asked announced criticized criticised accused described condemned".split()
)


def _unnamed_asker(verb: Token) -> bool:
    """A passive of asking, announcing or blaming with no agent ("was asked about the
    fares", "Asked about the fares, she said"), read as a report by no one named."""
    if verb.tag_ != "VBN" or verb.lower_ not in _UNNAMED_PASSIVES or verb.dep_ in {"ccomp", "acl", "amod", "xcomp"}:
        return False
    if any(c.dep_ == "agent" for c in verb.children):
        return False
    return any(c.dep_ == "auxpass" for c in verb.children) or verb.lower_ == "asked" and verb.dep_ == "advcl"


def _seen_as(verb: Token) -> bool:
    return (
        any(c.dep_ == "auxpass" for c in verb.children)
        and not any(c.dep_ == "agent" for c in verb.children)
        and any(c.dep_ == "prep" and c.lower_ == "as" for c in verb.children)
    )


def _unnamed(verb: Token, offset: int) -> RawAttribution:
    cue = (verb.idx + offset, verb.idx + len(verb) + offset)
    content = tuple((s + offset, e + offset) for s, e in _clause(verb, set()))
    return RawAttribution(None, cue, content, None, None)


def _make(
    doc: Doc,
    subject: Token,
    cue: tuple[int, int],
    content: list[tuple[int, int]],
    offset: int,
    phrase: tuple[int, int] | None = None,
) -> RawAttribution:
    lower = subject.lower_
    pronoun = pronoun_owner = None
    name: tuple[int, int] | None
    if subject.tag_ in {"PRP", "PRP$"} or lower in PERSON_PRONOUNS or lower in GROUP_PRONOUNS:
        pronoun, name = lower, None
        src = (subject.idx, subject.idx + len(subject))
    elif lower in _RELATIVE and subject.tag_ in {"WP", "WDT"} and subject.head.dep_ == "relcl":
        noun = subject.head.head
        src = (subject.idx, subject.idx + len(subject))
        if subject.tag_ == "WDT" and noun.tag_.startswith("NN") and noun.i < subject.i:
            # "a report that suggested": the thing with its "that" (a bare "that" names nothing)
            src = (min(_phrase(noun)[0], subject.idx), src[1])
        if noun.tag_ in {"PRP"}:
            pronoun, name = noun.lower_, None
        elif noun.lower_ in WHO_BY_CLAUSE:
            name = _phrase(noun)  # "those who prefer the old ferry": named by the clause
        else:
            name = _name(noun)
    else:
        if phrase is None and (after := _after_dateline(subject)) is not None:
            subject, phrase = after  # "RANGOON, Burma - Aung San Suu Kyi's allies predicted": not the place
            lower = subject.lower_
        src = phrase or _phrase(subject)
        # a share of those polled ("About 4 in 10") is named by its whole phrase
        name = src if subject.tag_ == "CD" or lower in _SHARES else _name(subject)
        if name[0] < src[0] <= name[1]:
            name = (src[0], name[1])  # no word before the source's own is its name
        named = _named_apposition(subject)
        if named is not None:  # "his boss, Ivan Petrov, said": the name is the source's
            name = named
        elif subject.tag_.startswith("NN") and subject.tag_ not in {"NNP", "NNPS"}:
            owner = next((c for c in subject.children if c.dep_ == "poss" and c.lower_ in _OWNERS), None)
            if owner is not None and owner.i == subject.left_edge.i:
                pronoun_owner = owner.lower_
    shift = lambda r: (r[0] + offset, r[1] + offset)  # noqa: E731
    return RawAttribution(
        shift(src),
        shift(cue),
        tuple(shift(c) for c in content),
        None if name is None else shift(name),
        pronoun,
        pronoun_owner,
    )


_DASHES = frozenset({"-", "—", "–", "--"})


def _after_dateline(subject: Token) -> tuple[Token, tuple[int, int]] | None:
    """The subject after a dateline the parser made the subject ("PORTLAND, Ore. - Peter
    Santilli, a host, was…", "JACKSON, Miss. - Judge Ada Reeves issued"): the name its
    dash opens, with its phrase from the dash on; None when ``subject`` is no dateline."""
    doc = subject.doc
    if not (subject.is_upper and len(subject.text) > 2 and doc[subject.i + 1 : subject.i + 2].text == ","):
        return None
    if subject.i > 0 and not (doc[subject.i - 1].is_space and "\n" in doc[subject.i - 1].text) and subject.i != subject.sent.start:
        return None
    dash = next((t for t in doc[subject.i + 2 : subject.i + 8] if t.text in _DASHES), None)
    if dash is None:
        return None
    heads = [c for c in subject.children if c.dep_ in {"appos", "conj"} and c.i > dash.i]
    if not heads:
        return None
    head = heads[0]
    first = dash.i + 1
    while first < head.i and doc[first].is_space:
        first += 1
    span = _phrase(head)
    return head, (doc[first].idx, max(span[1], head.idx + len(head)))


#: Possessive pronouns of a person whose role names a source ("his boss", "her lawyer").
_OWNERS = frozenset({"his", "her"})


def _named_apposition(subject: Token) -> tuple[int, int] | None:
    """The name in an apposition to a common-noun subject ("his boss, Ivan Petrov,")."""
    if subject.tag_ in {"NNP", "NNPS"} or not subject.tag_.startswith("NN"):
        return None
    for child in subject.rights:
        if child.dep_ == "appos" and child.tag_ == "NNP" and child.ent_type_ == "PERSON":
            first = child
            while first.i > 0 and first.ent_iob_ == "I":
                first = subject.doc[first.i - 1]
            return first.idx, child.idx + len(child)
    return None
