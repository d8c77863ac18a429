"""Claims with their claimants: `corpus/claimants.py`, `annotations/claims.py` and
`claimscope claims` over a real store and the real spaCy pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.claims import claim_rows, claimant_matches
from annotations.store import Store
from corpus.articles import load_corpus
from corpus.claimants import OUTLET, UNNAMED, claimant_of, sentence_attribution
from corpus.model import Attribution

ARTICLE = (
    "Harbour fees to rise\n\n"
    "The port authority said on Monday that harbour fees would rise by 12% next year. "
    "Ferry tickets cost £4.50 today. "
    "\u201cWe cannot keep prices frozen,\u201d Maria Lopez told reporters. "
    "According to the Harbour Trust, 3,000 jobs depend on the ferry. "
    "Crowds gathered at the quay.\n"
)


def test_the_attribution_covering_most_of_a_sentence_is_its_own() -> None:
    text = "Ana said prices rose. Bo said so too. Rain fell."
    ana = Attribution(source=(0, 3), cue=(4, 8), content=((9, 21),), claimant="Ana Ruiz")
    bo = Attribution(source=(22, 24), cue=(25, 29), content=((30, 36),), claimant=None)
    attributions = (ana, bo)
    assert sentence_attribution(attributions, 0, 21) is ana
    assert sentence_attribution(attributions, 22, 37) is bo
    assert sentence_attribution(attributions, 38, 48) is None
    assert claimant_of(text, ana) == "Ana Ruiz"  # the resolved name
    assert claimant_of(text, bo) == "Bo"  # no resolved name: the source as written
    assert claimant_of(text, None) == OUTLET


def test_a_cue_with_no_source_is_an_unnamed_claimant(analyzer, tmp_path: Path) -> None:
    """ "reportedly" passes on what someone the outlet does not name says: the claimant is
    "unnamed", not the outlet, in the API and in the listing (listed before the outlet)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "dam.txt").write_text(
        "Dam repairs\n\nThe dam has reportedly cracked in two places. The river rose 2 metres on Friday.\n",
        encoding="utf-8",
    )
    article = load_corpus(folder).articles[0]
    analysis = analyzer.analyze(article)
    first, second = analysis.sentences[-2:]
    found = sentence_attribution(analysis.attributions, first.start, first.end)
    assert found is not None and found.source is None
    assert article.text[found.cue[0] : found.cue[1]] == "reportedly"
    assert claimant_of(article.text, found) == UNNAMED
    assert claimant_of(article.text, sentence_attribution(analysis.attributions, second.start, second.end)) == OUTLET
    done = run_cli("--store", str(tmp_path / "store"), "claims", str(folder))
    assert done.returncode == 0, done.stderr
    headings = [line.split("  ")[0] for line in done.stdout.splitlines() if line and not line.startswith(" ")][1:]
    assert headings == [UNNAMED, OUTLET], done.stdout


def test_claimant_matching_takes_words_in_any_case() -> None:
    assert claimant_matches("the Ministry of Defence", "ministry")
    assert claimant_matches("the Ministry of Defence", "DEFENCE ministry")
    assert not claimant_matches("the Ministry of Defence", "health ministry")
    assert claimant_matches(OUTLET, "outlet")


@pytest.fixture
def labelled(tmp_path: Path, analyzer) -> tuple[Path, Path]:
    """A corpus of one article whose five sentences are labelled (four as claims), and its store."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    corpus = load_corpus(folder)
    article = corpus.articles[0]
    analysis = analyzer.analyze(article)
    store_dir = tmp_path / "store"
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        doc = store.article(article, analysis.sentences)
        labels = {"The port authority": "prediction", "Ferry tickets": "quantity", "\u201cWe cannot": "other",
                  "According to": "quantity", "Crowds": "none"}
        for index, sentence in enumerate(analysis.sentences):
            words = article.text[sentence.start : sentence.end]
            for opening, label in labels.items():
                if words.startswith(opening):
                    doc.set_label(index, label)
    return folder, store_dir


def run_cli(*args: str, columns: int = 250) -> subprocess.CompletedProcess[str]:
    """The installed ``claimscope`` command, as a user runs it."""
    beside = Path(sys.executable).parent / "claimscope"
    command = [str(beside)] if beside.exists() else [sys.executable, "-m", "tui.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": str(columns)}, stdin=subprocess.DEVNULL,
    )


def _claims(folder: Path, store_dir: Path, *extra: str) -> list[dict]:
    done = run_cli("--store", str(store_dir), "claims", str(folder), "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_claims_json_names_claimant_cue_type_and_figures(labelled, analyzer) -> None:
    folder, store_dir = labelled
    claims = _claims(folder, store_dir)
    by_start = {claim["text"].split()[0]: claim for claim in claims}
    assert len(claims) == 4  # "none" is not a claim type
    assert {claim["label"] for claim in claims} == {"prediction", "quantity", "other"}
    for claim in claims:
        assert ARTICLE[claim["start"] : claim["end"]] == claim["text"]
        for place in (claim["source"], claim["cue"]):
            if place is not None:
                assert ARTICLE[place["start"] : place["end"]] == place["text"]
        for figure in claim["figures"]:
            assert ARTICLE[figure["start"] : figure["end"]] == figure["text"]
            assert claim["start"] <= figure["start"] < figure["end"] <= claim["end"]
    ferry = by_start["Ferry"]
    assert ferry["claimant"] == OUTLET and ferry["attributed"] is False and ferry["cue"] is None
    assert [f["value"] for f in ferry["figures"]] == [4.5]
    lopez = by_start["\u201cWe"]
    assert "Lopez" in lopez["claimant"] and lopez["cue"]["text"] == "told"
    trust = by_start["According"]
    assert "Harbour Trust" in trust["claimant"] and trust["attributed"] is True
    assert 3000 in [f["value"] for f in trust["figures"]]
    port = by_start["The"]
    assert "port authority" in port["claimant"] and port["cue"]["text"] == "said"
    # Grouped by claimant, the outlet's own claims last.
    assert claims[-1]["claimant"] == OUTLET


def test_claims_filters_by_claimant_and_label(labelled) -> None:
    folder, store_dir = labelled
    trust = _claims(folder, store_dir, "--claimant", "harbour TRUST")
    assert [claim["text"].split()[0] for claim in trust] == ["According"]
    assert [c["claimant"] for c in _claims(folder, store_dir, "--claimant", "outlet")] == [OUTLET]
    quantity = _claims(folder, store_dir, "--label", "quantity")
    assert sorted(claim["text"].split()[0] for claim in quantity) == ["According", "Ferry"]
    bad = run_cli("--store", str(store_dir), "claims", str(folder), "--label", "rumour")
    assert bad.returncode != 0 and "rumour" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_claims_table_groups_by_claimant(labelled) -> None:
    folder, store_dir = labelled
    done = run_cli("--store", str(store_dir), "claims", str(folder), columns=80)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("4 claims in")
    outlet = lines.index(next(line for line in lines if line.startswith(OUTLET)))
    assert "1 claim" in lines[outlet]
    assert any("£4.50 (4.5 GBP)" in line for line in lines[outlet:])
    assert all(len(line) <= 80 for line in lines)


def test_claims_lines_that_fold_keep_their_indent(labelled) -> None:
    """At 40 columns the claim line, its figures and the sentence all fold: every folded
    line stays under its claimant's heading (no line of a claim starts at column 0)."""
    folder, store_dir = labelled
    done = run_cli("--store", str(store_dir), "claims", str(folder), columns=40)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    lines = [line for line in out[out.index("") :] if line.strip()]  # after the title, however it folds
    headings = [line for line in lines if not line.startswith(" ")]
    assert sorted(h.split("  ")[0] for h in headings) == ["Harbour Trust", "Maria Lopez", OUTLET, "port authority"]
    figures = [n for n, line in enumerate(lines) if line.strip().startswith("figures:")]
    assert figures, done.stdout
    for n in figures:
        assert lines[n].startswith("    figures:")
    assert all(len(line) <= 40 for line in lines)
    claim_lines = [line for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert any("sentence" in line for line in claim_lines)


def test_claims_of_a_store_in_the_api_match_the_command(labelled, analyzer) -> None:
    folder, store_dir = labelled
    corpus = load_corpus(folder)
    items = [(article, analyzer.analyze(article)) for article in corpus.articles]
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir, read_only=True) as store:
        rows = claim_rows(store, items, claimant="lopez")
    assert len(rows) == 1 and rows[0].label == "other" and rows[0].annotator == "ana"


def test_a_store_without_labels_lists_suggested_claims_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    done = run_cli("--store", str(tmp_path / "store"), "claims", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    claims = json.loads(done.stdout)
    assert "no sentence is labelled yet" in done.stderr
    assert claims and all(c["suggested"] is True and c["annotator"] == "" for c in claims)
    assert all(0.5 <= c["score"] <= 1 for c in claims)
    trust = [c for c in claims if c["text"].startswith("According")]
    assert trust and "Harbour Trust" in trust[0]["claimant"]
    assert not (tmp_path / "store").exists()  # listing never creates a store


def test_suggested_claims_leave_out_labelled_sentences(labelled) -> None:
    folder, store_dir = labelled
    plain = _claims(folder, store_dir)
    assert not any(c["suggested"] for c in plain)  # labels exist: no suggestions unless asked
    both = _claims(folder, store_dir, "--suggested")
    labelled_places = {(c["article"], c["sentence"]) for c in plain}
    suggested = [c for c in both if c["suggested"]]
    assert {(c["article"], c["sentence"]) for c in both if not c["suggested"]} == labelled_places
    assert not {(c["article"], c["sentence"]) for c in suggested} & labelled_places


async def _open_claims_view(app, pilot):
    """Run the palette's Claims command and wait until the view has read its rows."""
    from tui.screens.claims import ClaimsScreen

    offered = {command.title: command for command in app.commands.commands(app.screen)}
    offered["Claims: every labelled claim and who claims it"].run()
    screen = app.screen
    assert isinstance(screen, ClaimsScreen)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


@pytest.mark.anyio
async def test_claims_view_lists_filters_and_opens(labelled, analyzer) -> None:
    from textual.widgets import DataTable, Input

    from apps import make_app

    folder, store_dir = labelled
    app = make_app(folder, store_dir, analyzer)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await _open_claims_view(app, pilot)  # the palette offers the view; its command pushes it
        table = screen.query_one(DataTable)
        assert table.row_count == 4
        claimants = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert claimants[-1] == "outlet" and any("Lopez" in name for name in claimants)
        status = str(screen.query_one("#claims-status").render())
        assert status.startswith("4 claims by 4 claimants")
        screen.query_one(Input).value = "harbour trust"
        await pilot.pause()
        assert table.row_count == 1 and "According" in str(table.get_row_at(0)[5])
        await pilot.press("enter")
        await pilot.pause()
        reader = app.reader
        assert app.screen is reader
        sentence = reader.view.sentences[reader.view.cursor]
        assert reader.article.text[sentence.start : sentence.end].startswith("According to the Harbour Trust")
    app.store.close()


def test_a_readers_correction_decides_the_claimant(labelled, analyzer) -> None:
    from annotations.model import ClaimantMark

    folder, store_dir = labelled
    corpus = load_corpus(folder)
    article = corpus.articles[0]
    analysis = analyzer.analyze(article)
    ferry = next(i for i, s in enumerate(analysis.sentences) if ARTICLE[s.start : s.end].startswith("Ferry"))
    port = next(i for i, s in enumerate(analysis.sentences) if ARTICLE[s.start : s.end].startswith("The port"))
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        doc = store.article(article, analysis.sentences)
        # "Ferry tickets" marked as the source of the ferry sentence; the port sentence has no source.
        doc.set_claimant(ferry, ClaimantMark(source=(0, len("Ferry tickets"))))
        doc.set_claimant(port, ClaimantMark(no_source=True))
        with pytest.raises(Exception, match="not inside sentence"):
            doc.set_claimant(ferry, ClaimantMark(cue=(0, 10_000)))
    claims = {c["text"].split()[0]: c for c in _claims(folder, store_dir)}
    assert claims["Ferry"]["claimant"] == "Ferry tickets" and claims["Ferry"]["attributed"] is True
    assert claims["Ferry"]["source"]["text"] == "Ferry tickets" and claims["Ferry"]["cue"] is None
    assert claims["The"]["claimant"] == OUTLET and claims["The"]["source"] is None
    assert claims["Ferry"]["label"] == "quantity"  # the label stays what it was


def test_agree_reports_agreement_on_the_claimant(labelled, analyzer, capsys) -> None:
    from annotations.model import ClaimantMark
    from tui.cli import main

    folder, store_dir = labelled
    corpus = load_corpus(folder)
    article = corpus.articles[0]
    analysis = analyzer.analyze(article)
    sentences = {ARTICLE[s.start : s.end].split()[0]: i for i, s in enumerate(analysis.sentences)}
    with Store.open(corpus.root, annotator="ana", store_dir=store_dir) as store:
        doc = store.article(article, analysis.sentences)
        doc.set_claimant(sentences["The"], ClaimantMark(source=(0, len("The port authority"))))
    with Store.open(corpus.root, annotator="bo", store_dir=store_dir) as store:
        doc = store.article(article, analysis.sentences)
        for word, label in (("The", "prediction"), ("Ferry", "quantity"), ("\u201cWe", "other"), ("According", "quantity")):
            doc.set_label(sentences[word], label)
        doc.set_claimant(sentences["The"], ClaimantMark(source=(4, len("The port authority"))))  # "port authority"
        doc.set_claimant(sentences["According"], ClaimantMark(no_source=True))  # bo: the outlet's own
    capsys.readouterr()
    assert main(["agree", str(folder), "--store", str(store_dir), "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{"):])
    claimant = report["claimant"]
    assert claimant["categories"] == ["attributed", "outlet"] and claimant["sentences"] == 4
    # They agree on 3 of the 4 sentences: bo says nobody makes the "According to" claim.
    assert claimant["pairs"][0]["percent"]["value"] == pytest.approx(0.75)
    # Both marked a source on the port sentence, not the same characters.
    assert claimant["source_match"] == {"pairs": 1, "exact": 0, "percent": 0.0}
    assert main(["agree", str(folder), "--store", str(store_dir)]) == 0
    table = capsys.readouterr().out
    assert "who claims it: attributed or the outlet's own, on 4 sentences" in table
    assert "0 of 1 (0%)" in table


@pytest.mark.anyio
async def test_claims_view_before_any_label_lists_the_suggested_claims(tmp_path: Path, analyzer) -> None:
    """A new store: the view shows what the suggestions take for claims, marked so, rather
    than an empty table (as `claimscope claims` does)."""
    from textual.widgets import DataTable

    from apps import make_app

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    app = make_app(folder, tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await _open_claims_view(app, pilot)
        table = screen.query_one(DataTable)
        assert table.row_count >= 2
        types = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert all(t.endswith("(suggested)") for t in types), types
        status = str(screen.query_one("#claims-status").render())
        assert f"{table.row_count} suggested claims" in status and "none labelled yet" in status, status


def test_a_long_claimant_is_cut_in_the_view_but_found_by_the_filter() -> None:
    from annotations.claims import ClaimRow
    from tui.screens.claims import NAME_WIDTH, haystack, shortened

    name = "Those who left the island during the first long winter"
    shown = shortened(name)
    assert len(shown) == NAME_WIDTH and shown.endswith("…") and name.startswith(shown[:-1])
    assert shortened("Maria Lopez") == "Maria Lopez"
    row = ClaimRow("a.txt", "A", 0, 0, 10, "They left.", "other", "ana", name, None, None, ())
    assert "winter" in haystack(row)
