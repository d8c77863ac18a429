"""Who claims it: attribution found by claimscope vs the plain rule, and what it costs.

    python benchmarks/attribution.py [--polnear DIR] [--split dev] [--articles N] [--quick]

Scores, in one run and over the same parses:

1. claimscope's attributions (``corpus/attribution.py`` through ``Analyzer``) and the
   *plain rule* (a reporting verb's nominal subject is the source, "according to X"
   gives X) on PolNeAR's dev split (news on the 2016 US election, gold Source/Cue/Content
   in brat standoff). A gold attribution is found when a predicted source overlaps its
   source and the predicted cue overlaps its cue (a gold attribution with no source:
   when the cues overlap); each prediction finds at most one gold attribution.
   Precision, recall and F1 are printed side by side.
2. The speed line: ``analyze_many`` (with attribution) against raw ``nlp.pipe`` over the
   same texts, blocks alternating, plus the attribution rules alone on the raw docs.
3. Sentences of this project's own making with the attribution a reader expects, and
   every attribution of the articles in ``../shared/corpus`` (when there), printed to be
   checked by eye.

PolNeAR is read from ``--polnear DIR``: a bare git directory (its ``train``/``dev`` text
and attributions are extracted to a temporary folder, nothing else is read) or an
extracted copy holding ``data/<split>/text`` and ``data/<split>/attributions``. Its test
split is never read. Where an article has several annotators' files the first by name is
the gold. ``--quick`` (CI) scores 8 dev articles when PolNeAR is there (and says it
skipped it when not), the own sentences and the shared articles.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpus.analysis import Analyzer  # noqa: E402
from corpus.articles import load_corpus  # noqa: E402
from corpus.attribution import doc_attributions  # noqa: E402
from corpus.headers import header_lines  # noqa: E402
from corpus.models import load_nlp  # noqa: E402

DEFAULT_POLNEAR = Path("/work/.mirror/networkdynamics+PolNeAR/repo")
SHARED = REPO.parent / "shared" / "corpus"
SPLITS = ("train", "dev")  # never "test"

#: The plain rule's reporting verbs (the common ones, as word forms).
PLAIN_VERBS = frozenset(
    "say says said saying tell tells told telling add adds added adding claim claims claimed "
    "report reports reported announce announces announced state states stated write writes wrote "
    "note notes noted argue argues argued explain explains explained warn warns warned insist "
    "insists insisted suggest suggests suggested".split()
)

#: Own-made sentences: (text, [(source text, cue text), ...]) a reader expects.
OWN = [
    ("The harbour board said on Monday that fares would rise by 4%.", [("The harbour board", "said")]),
    ("Fares will rise next spring, according to the harbour board.", [("the harbour board", "according to")]),
    ("“We will not close the clinic,” Maria Lopez told reporters.", [("Maria Lopez", "told")]),
    ("The tram line opened in 1998 and carries 40,000 people a day.", []),
    ("Mayor Jon Park spoke first. He said the budget was balanced.", [("He", "said")]),
    ("The bridge is unsafe, engineers warned, adding that repairs would take a year.",
     [("engineers", "warned"), ("engineers", "adding")]),
    ("Said the minister: “Nothing has been decided.”", [("the minister", "Said")]),
    ("Kofi Mensah was quoted as saying the vote had been rigged.", [("Kofi Mensah", "saying")]),
    ("The water board believes the leak was caused by frost.", [("The water board", "believes")]),
]


# --- PolNeAR -------------------------------------------------------------------------


@dataclass(frozen=True)
class Gold:
    source: tuple[tuple[int, int], ...]  # fragments; empty: no source
    cue: tuple[tuple[int, int], ...]


def polnear_folder(path: Path, split: str, into: Path) -> Path:
    """The ``data/<split>`` folder of PolNeAR: as given, or extracted from a bare git dir."""
    if split not in SPLITS:
        raise SystemExit(f"attribution.py: split must be one of {', '.join(SPLITS)}")
    if (path / "data" / split / "text").is_dir():
        return path / "data" / split
    if (path / "HEAD").is_file():
        paths = [f"data/{split}/text", f"data/{split}/attributions"]
        archive = subprocess.run(
            ["git", f"--git-dir={path}", "archive", "HEAD", *paths], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        return into / "data" / split
    raise FileNotFoundError(path)


def read_gold(ann: Path) -> list[Gold]:
    """The attributions of one brat standoff file: ``E`` lines tie Source, Cue, Content."""
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    events = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            _, _, ranges = parts[1].partition(" ")
            spans[parts[0]] = tuple(tuple(map(int, r.split())) for r in ranges.split(";"))  # type: ignore[misc]
        elif parts[0].startswith("E"):
            events.append(dict(role.split(":", 1) for role in parts[1].split()))
    out = []
    for roles in events:
        if "Cue" not in roles:
            continue
        out.append(Gold(spans.get(roles.get("Source", ""), ()), spans[roles["Cue"]]))
    return out


def _overlaps(a: tuple[tuple[int, int], ...], b: tuple[int, int]) -> bool:
    return any(s < b[1] and b[0] < e for s, e in a)


def score(golds: list[Gold], predicted: list[tuple[tuple[int, int] | None, tuple[int, int]]]) -> tuple[int, int, int]:
    """(found, gold, predicted): golds matched one-to-one by overlapping source and cue."""
    used = [False] * len(predicted)
    found = 0
    for gold in golds:
        for k, (source, cue) in enumerate(predicted):
            if used[k] or not _overlaps(gold.cue, cue):
                continue
            if gold.source and (source is None or not _overlaps(gold.source, source)):
                continue
            used[k] = True
            found += 1
            break
    return found, len(golds), len(predicted)


def plain_rule(doc, offset: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:  # noqa: ANN001
    """A reporting verb's nominal subject is the source; "according to X" gives X."""
    out = []
    for token in doc:
        lower = token.lower_
        if lower in PLAIN_VERBS and token.tag_.startswith("VB"):
            for child in token.children:
                if child.dep_ == "nsubj":
                    out.append(((child.left_edge.idx + offset, child.right_edge.idx + len(child.right_edge) + offset),
                                (token.idx + offset, token.idx + len(token) + offset)))
                    break
        elif lower == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            to = doc[token.i + 1]
            for child in to.children:
                if child.dep_ == "pobj":
                    out.append(((child.left_edge.idx + offset, child.right_edge.idx + len(child.right_edge) + offset),
                                (token.idx + offset, to.idx + len(to) + offset)))
                    break
    return out


def prf(found: int, gold: int, predicted: int) -> str:
    p = found / predicted if predicted else 0.0
    r = found / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"F1 {f:.3f}  recall {r:.3f}  precision {p:.3f}  ({found} found of {gold} gold, {predicted} predicted)"


def texts_of(article) -> list[tuple[str, int]]:  # noqa: ANN001
    """What claimscope hands the parser for a short article: each header line, then the body."""
    start, end = article.body
    body = article.text[start:end]
    lead = len(body) - len(body.lstrip())
    pieces = [(article.text[s:e], s) for s, e in header_lines(article.text, start)]
    return [*pieces, (body.strip(), start + lead)]


def run_polnear(folder: Path, limit: int | None, cache: Path) -> None:
    text_dir, ann_dir = folder / "text", folder / "attributions"
    gold_of: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        gold_of.setdefault(ann.stem.rsplit("_", 1)[0], ann)  # first annotator by name
    corpus = load_corpus(text_dir)
    articles = [a for a in corpus.articles if Path(a.path).stem in gold_of]
    articles.sort(key=lambda a: a.path)
    if limit:
        articles = articles[:limit]
    golds = {}
    for article in articles:
        raw = (text_dir / Path(article.path).name).read_text(encoding="utf-8")
        if raw != article.text:
            print(f"  skipped {article.id}: the text claimscope reads differs from the file's")
            continue
        golds[article.id] = read_gold(gold_of[Path(article.path).stem])
    articles = [a for a in articles if a.id in golds]
    words = sum(len(a.text.split()) for a in articles)
    analyzer = Analyzer(cache_dir=cache)
    nlp = load_nlp(analyzer.model_name)
    print(f"PolNeAR {folder.name}: {len(articles)} articles, {words:,} words, "
          f"{sum(len(g) for g in golds.values())} gold attributions; pipeline {analyzer.model_name} {analyzer.model_version}")
    list(nlp.pipe([a.text[:2000] for a in articles[:8]]))  # warm up

    # speed: blocks alternate between the raw pipeline and the analysis; the attribution's
    # own share is its rules on the raw docs plus its per-article resolution (timed inside
    # the analysis by wrapping the function the analyser calls)
    import corpus.attribution_resolve as resolve_module  # the analyser imports it from there on each call

    resolve = resolve_module.resolve_attributions
    resolve_time = 0.0

    def timed_resolve(*args):  # noqa: ANN002, ANN202
        nonlocal resolve_time
        began = time.perf_counter()
        try:
            return resolve(*args)
        finally:
            resolve_time += time.perf_counter() - began

    resolve_module.resolve_attributions = timed_resolve
    raw_time = ours_time = rules_time = 0.0
    ours: dict[str, list] = {}
    plain: dict[str, list] = {}
    block = max(4, len(articles) // 4)
    for b, first in enumerate(range(0, len(articles), block)):
        chunk = articles[first : first + block]

        def raw_run() -> float:
            nonlocal rules_time
            texts = [pair for a in chunk for pair in ((t, (a.id, off)) for t, off in texts_of(a))]
            began = time.perf_counter()
            docs = list(nlp.pipe(texts, as_tuples=True))
            spent = time.perf_counter() - began
            for doc, (aid, off) in docs:
                plain.setdefault(aid, []).extend(plain_rule(doc, off))
                ruled = time.perf_counter()
                doc_attributions(doc, off, off, off + len(doc.text))
                rules_time += time.perf_counter() - ruled
            return spent

        def ours_run() -> float:
            began = time.perf_counter()
            for article, analysis in analyzer.analyze_many(chunk):
                ours[article.id] = [(a.source, a.cue) for a in analysis.attributions]
            return time.perf_counter() - began

        if b % 2 == 0:
            raw_time += raw_run()
            ours_time += ours_run()
        else:
            ours_time += ours_run()
            raw_time += raw_run()

    resolve_module.resolve_attributions = resolve
    totals = {"claimscope": [0, 0, 0], "plain rule": [0, 0, 0]}
    for article in articles:
        for name, predicted in (("claimscope", ours[article.id]), ("plain rule", plain.get(article.id, []))):
            for k, n in enumerate(score(golds[article.id], predicted)):
                totals[name][k] += n
    for name, (found, gold, predicted) in totals.items():
        print(f"  {name:<11} {prf(found, gold, predicted)}")
    own = rules_time + resolve_time
    print(f"  speed: raw nlp.pipe {raw_time:.2f} s, analysis with attribution {ours_time:.2f} s "
          f"({100 * (ours_time / raw_time - 1):+.1f} %, target <= 15 %); attribution alone "
          f"{own:.3f} s ({100 * own / raw_time:.1f} % of nlp.pipe: rules {rules_time:.3f} s, resolution {resolve_time:.3f} s)")


# --- own sentences and the shared articles --------------------------------------------


def run_own(cache: Path) -> None:
    analyzer = Analyzer(cache_dir=cache)
    with tempfile.TemporaryDirectory(prefix="claimscope-attrib-") as tmp:
        for n, (text, _) in enumerate(OWN):
            (Path(tmp) / f"s{n:02d}.txt").write_text(text + "\n", encoding="utf-8")
        corpus = load_corpus(Path(tmp))
        by_name = {Path(a.path).stem: a for a in corpus.articles}
        right = total = wrong = 0
        for n, (text, expected) in enumerate(OWN):
            article = by_name[f"s{n:02d}"]
            analysis = analyzer.analyze(article)
            got = {(None if a.source is None else article.text[slice(*a.source)], article.text[slice(*a.cue)])
                   for a in analysis.attributions}
            total += len(expected)
            right += sum(1 for e in expected if e in got)
            extra = got - set(expected)
            wrong += len(extra)
            missing = [e for e in expected if e not in got]
            if missing or extra:
                print(f"  own s{n:02d}: missing {missing} extra {sorted(extra, key=str)}")
    print(f"own sentences: {right} of {total} expected attributions found, {wrong} unexpected")


def run_shared(cache: Path) -> None:
    if not SHARED.is_dir():
        print(f"shared articles skipped: {SHARED} not found")
        return
    analyzer = Analyzer(cache_dir=cache)
    for article in load_corpus(SHARED).articles:
        analysis = analyzer.analyze(article)
        print(f"{article.id}: {len(analysis.attributions)} attributions (source | cue | claimant)")
        for a in analysis.attributions:
            source = "-" if a.source is None else " ".join(article.text[slice(*a.source)].split())
            print(f"  {a.cue[0]:>6}  {source} | {article.text[slice(*a.cue)]} | {a.claimant}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR, help="PolNeAR: bare git dir or extracted copy")
    parser.add_argument("--split", default="dev", choices=SPLITS)
    parser.add_argument("--articles", type=int, default=0, help="score only the first N articles (0: all)")
    parser.add_argument("--no-shared", action="store_true", help="do not print the shared articles' attributions")
    parser.add_argument("--quick", action="store_true", help="8 PolNeAR articles if present, own sentences (CI)")
    args = parser.parse_args()
    if args.quick:
        args.articles = 8
    with tempfile.TemporaryDirectory(prefix="claimscope-attrib-bench-") as tmp:
        root = Path(tmp)
        try:
            folder = polnear_folder(args.polnear, args.split, root)
        except (FileNotFoundError, subprocess.CalledProcessError):
            print(f"PolNeAR skipped: not found at {args.polnear} (give --polnear DIR)")
        else:
            run_polnear(folder, args.articles or None, root / "cache")
        run_own(root / "own-cache")
        if not args.no_shared:
            run_shared(root / "shared-cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
