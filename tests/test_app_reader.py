"""The reader, driven like a person would: open an article, press keys, check the store.

Everything is real: the spaCy pipeline (session fixture), TinyDB files in tmp_path and
the Textual app under `run_test`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.notifications import Notify

from annotations.store import Store
from corpus.articles import load_corpus
from tui.app import ClaimscopeApp

from apps import corpus_folder, make_app, open_reader as _open_article
from tui.config import Config
from tui.screens.help import HelpScreen
from tui.screens.note import NoteScreen
from tui.screens.reader import ReaderScreen
from tui.screens.span_label import SpanLabelScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.legend import Legend
from tui.widgets.side_panel import SidePanel

pytestmark = pytest.mark.anyio

# Fictional articles written for these tests.
HARBOUR = """Harbour authority reports record cargo [provisional]

The Port of Westhaven handled 4.2 million tonnes of cargo in 2023, up 12% on the year before, the Westhaven Harbour Authority said on Monday.

Chief executive Maria Jensen said the new container terminal had cut waiting times by half. She expects traffic to grow again next year.

Critics in the town council said the figures hid a fall in fishing jobs. Councillor Tom Reyes said 300 jobs had gone since 2019.

The authority will publish its full accounts in March.
"""

LIBRARY = """Library opens late on Sundays

Brookfield Library will open until 8pm on Sundays from April, the city council said.

The change costs £45,000 a year. Visitor numbers rose by 9% last year.
"""



@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return corpus_folder(tmp_path, {"harbour.txt": HARBOUR, "library.txt": LIBRARY})



def stored_labels(corpus_dir: Path, store_dir: Path, analyzer, article_id: str = "harbour.txt"):
    """Open the store afresh (read-only) and return the article's labels by sentence."""
    corpus = load_corpus(corpus_dir)
    article = corpus.get(article_id)
    assert article is not None
    with Store.open(corpus.root, annotator="tester", store_dir=store_dir, read_only=True) as store:
        doc = store.article(article, analyzer.analyze(article).sentences)
        return dict(doc.labels), doc.spans(analyzer.analyze(article).spans)


async def open_reader(app: ClaimscopeApp, pilot, article_id: str = "harbour.txt") -> ReaderScreen:
    return await _open_article(app, pilot, article_id)


async def test_label_keys_are_saved_in_the_store(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_reader(app, pilot)
        sentences = reader.analysis.sentences
        assert len(sentences) >= 6
        await pilot.press("1")          # s0 quantity
        await pilot.press("j", "x")     # s1 not a claim
        await pilot.press("down", "c")  # s2 default claim
        await pilot.press("w")          # s2 check-worthy
        await pilot.press("j", "2")     # s3 cause ...
        await pilot.press("0")          # ... cleared again
        await pilot.press("j", "3", "backspace", "4")  # s4 rule
        await pilot.pause()
        saved = reader.query_one("#save-indicator").render()
        assert "saved" in str(saved)
    app.store.close()
    labels, _ = stored_labels(corpus_dir, store_dir, analyzer)
    assert labels[0].label == "quantity"
    assert labels[1].label == "none"
    assert labels[2].label == "other" and labels[2].checkworthy
    assert 3 not in labels or labels[3].label is None
    assert labels[4].label == "rule"
    assert all(record.annotator == "tester" for record in labels.values())


async def test_movement_keys(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.query_one(ArticleView)
        last = len(reader.analysis.sentences) - 1
        await pilot.press("G")
        assert view.cursor == last
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("j", "j", "k")
        assert view.cursor == 1
        await pilot.press("up")
        assert view.cursor == 0
        await pilot.press("J")
        paragraph_two = reader.analysis.paragraphs[1].start
        assert reader.analysis.sentences[view.cursor].start >= paragraph_two
        first_of_two = view.cursor
        await pilot.press("j", "K")
        assert view.cursor == first_of_two
        await pilot.press("K")
        assert view.cursor == 0
        await pilot.press("1", "space")  # s0 labelled: space goes to the next unreviewed, s1
        assert view.cursor == 1
        await pilot.press("g", "space")
        assert view.cursor == 1


async def test_undo_and_redo(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("1", "j", "2", "u")
        assert reader.doc.labels.get(1) is None or reader.doc.labels[1].label is None
        assert reader.query_one(ArticleView).cursor == 1
        await pilot.press("ctrl+r")
        assert reader.doc.labels[1].label == "cause"
        await pilot.press("u", "u")
    app.store.close()
    labels, _ = stored_labels(corpus_dir, store_dir, analyzer)
    assert all(record.label is None for record in labels.values())


async def test_note_editor_saves_text_with_brackets(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("j", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"check [source]")
        await pilot.press("ctrl+s")  # enter is a new line in the note
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("j", "n", "escape")  # cancelled: nothing saved for s2
        assert isinstance(app.screen, ReaderScreen)
    app.store.close()
    labels, _ = stored_labels(corpus_dir, store_dir, analyzer)
    assert labels[1].note == "check [source]"
    assert 2 not in labels


async def test_layers_toggle_and_legend(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.query_one(ArticleView)
        assert any(span.kind == "entity" for span in view.spans)
        assert any(span.kind == "figure" for span in view.spans)
        await pilot.press("e", "f", "d")
        assert app.layers == {"entities": False, "figures": False, "dates": False, "attribution": True}
        assert (view.show_entities, view.show_figures, view.show_dates) == (False, False, False)
        legend = str(reader.query_one(Legend).render())
        assert "entities off" in legend and "figures off" in legend and "dates off" in legend
        await pilot.press("e")
        assert view.show_entities and "entities on" in str(reader.query_one(Legend).render())


async def test_at_80_columns_marks_then_a_named_claimant_then_the_suggestion(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(80, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(reader.query_one("#sentence-status").render())
        # one space after the sentence number, as when the claimant follows the suggestion
        assert "reviewed · s1 Westhaven Harbour Authority · said suggested " in status, status
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"a [b] note", "ctrl+s")
        await pilot.pause()
        status = str(reader.query_one("#sentence-status").render())
        # the reader's note first, then who claims it and the suggestion, one space apart
        assert "reviewed · s1 ✎ a [b] note Westhaven Harbour Authority · said suggested " in status, status
        await pilot.press("j", "n")
        await pilot.pause()
        await pilot.press(*"only", "ctrl+s")
        await pilot.pause()
        status = str(reader.query_one("#sentence-status").render())
        assert "reviewed · s2 ✎ only Maria Jensen · said suggested quantity" in status, status


async def test_who_claims_layer_status_line_and_panel(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 30)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.query_one(ArticleView)
        text = reader.article.text
        # The first body sentence ends "..., the Westhaven Harbour Authority said on Monday."
        first = view.sentences[view.cursor]
        status = str(reader.query_one("#sentence-status").render())
        assert "Westhaven Harbour" in status and "· said" in status
        sources = [(a, b) for a, b, kind in view._attribution_marks if kind == "source"]
        cues = [text[a:b] for a, b, kind in view._attribution_marks if kind == "cue"]
        assert any("Harbour Authority" in text[a:b] for a, b in sources) and "said" in cues
        # The cue is drawn in the cue style where it stands in the sentence.
        said = text.index(" said on Monday", first.start) + 1
        drawn = view._styled_paragraph(view.paragraph_of(said))
        paragraph = view._paragraphs[view.paragraph_of(said)]
        styles = [span.style for span in drawn.spans if span.start <= said - paragraph.start < span.end]
        assert view.palette.cue in styles
        await pilot.press("a")
        assert app.layers["attribution"] is False and view.show_attribution is False
        assert "· said" not in str(reader.query_one("#sentence-status").render())
        assert "who off" in str(reader.query_one(Legend).render())
        drawn = view._styled_paragraph(view.paragraph_of(said))
        assert view.palette.cue not in [span.style for span in drawn.spans]
        await pilot.press("a", "p")
        panel = reader.query_one(SidePanel)
        shown = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        assert shown[0].startswith("Who claims it (s") and "Harbour Authority · said" in shown[1]


async def test_an_unattributed_sentence_is_the_outlets(tmp_path: Path, analyzer) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "rain.txt").write_text("Rain in the valley\n\nRain fell on 12 days in May.\n", encoding="utf-8")
    app = make_app(folder, tmp_path / "store", analyzer)
    async with app.run_test(size=(140, 30)) as pilot:
        reader = await open_reader(app, pilot, "rain.txt")
        assert "outlet" in str(reader.query_one("#sentence-status").render())


async def test_span_mode_adds_relabels_and_removes_spans(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot)
        text = reader.article.text
        await pilot.press("v")
        assert reader.span_cursor is not None
        first = reader.span_cursor.token
        assert text[first[0] : first[1]] == "The"
        await pilot.press("l", "L", "L")  # "Port of Westhaven"
        start, end = reader.span_cursor.selection
        assert text[start:end] == "Port of Westhaven"
        await pilot.press("enter")
        assert isinstance(app.screen, SpanLabelScreen)
        await pilot.press(*"FAC", "enter")
        assert isinstance(app.screen, ReaderScreen)
        assert any((s.start, s.end, s.label) == (start, end, "FAC") for s in reader.query_one(ArticleView).spans)
        await pilot.press("enter", *"LOC", "enter")  # relabel the same selection
        assert any((s.start, s.end, s.label) == (start, end, "LOC") for s in reader.query_one(ArticleView).spans)
        await pilot.press("escape")
        assert reader.span_cursor is None and isinstance(app.screen, ReaderScreen)
        # remove a model span: "12%" in the same sentence
        await pilot.press("v")
        while text[slice(*reader.span_cursor.token)] != "12":
            await pilot.press("l")
        await pilot.press("D", "escape")
        twelve = text.index("12%")
        assert not any(s.start <= twelve < s.end for s in reader.query_one(ArticleView).spans)
    app.store.close()
    _, spans = stored_labels(corpus_dir, store_dir, analyzer)
    assert any((s.start, s.end, s.label) == (start, end, "LOC") for s in spans)
    assert not any(s.start <= twelve < s.end for s in spans)


async def test_search_then_n_moves_between_hits_and_escape_restores_notes(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.query_one(ArticleView)
        text = reader.article.text
        await pilot.press("slash", *"said", "enter")
        assert reader.search_query == "said" and len(reader.hits) == text.count("said")
        first = view.cursor
        assert "said" in text[reader.analysis.sentences[first].start : reader.analysis.sentences[first].end]
        await pilot.press("n")
        assert reader.hit_index == 1 and view.cursor > first
        await pilot.press("N")
        assert reader.hit_index == 0 and view.cursor == first
        await pilot.press("escape")
        assert reader.search_query is None and isinstance(app.screen, ReaderScreen)
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape")
        await pilot.press("slash", "escape")  # an abandoned search leaves the reader open
        assert isinstance(app.screen, ReaderScreen) and reader.search_query is None


async def test_articles_side_panel_help_and_back(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("G", "c")  # a claim at the last sentence
        await pilot.press("g", "p")
        panel = reader.query_one(SidePanel)
        assert panel.display
        panel.focus()
        await pilot.pause()
        claim = next(i for i, option in enumerate(panel.options) if option.id == "claim:0")
        panel.highlighted = claim
        await pilot.press("enter")
        assert reader.query_one(ArticleView).cursor == len(reader.analysis.sentences) - 1
        entity = next(i for i, option in enumerate(panel.options) if (option.id or "").startswith("entity:"))
        panel.highlighted = entity
        await pilot.press("enter")
        await pilot.press("p")
        assert not panel.display
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is reader
        await pilot.press("right_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.id == "library.txt"
        await pilot.press("left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.article.id == "harbour.txt"
        await pilot.press("left_square_bracket")  # no article before the first: stays
        assert app.screen.article.id == "harbour.txt"
        await pilot.press("q")
        assert app.screen is app.list_screen
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_unanalysed_article_shows_text_first_then_highlights(tmp_path: Path, analyzer) -> None:
    folder = tmp_path / "fresh"
    folder.mkdir()
    # A text no other test analyses, so it is not in the session cache yet.
    (folder / "new.txt").write_text(HARBOUR.replace("Westhaven", f"Eastmoor {tmp_path.name}"), encoding="utf-8")
    app = make_app(folder, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_article("new.txt")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        view = reader.query_one(ArticleView)
        assert "Eastmoor" in "".join(view.render_line(y).text for y in range(view.size.height))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.analysis is not None and view.spans
        await pilot.press("1")
        assert reader.doc.labels[0].label == "quantity"


async def test_keys_can_be_remapped_from_the_config(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    config = Config(keys={"reader.claim": "C", "reader.next_sentence": "t"}, advance="stay")
    app = make_app(corpus_dir, store_dir, analyzer, config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot)
        await pilot.press("c")  # no longer bound
        assert 0 not in reader.doc.labels
        await pilot.press("C", "t")
        assert reader.query_one(ArticleView).cursor == 1
        await pilot.press("?")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True)
        console.print(app.screen.keys_table())
        claim_line = next(line for line in console.export_text().splitlines() if "reader.claim" in line)
        assert " C " in claim_line
    app.store.close()
    labels, _ = stored_labels(corpus_dir, store_dir, analyzer)
    assert labels[0].label == "other"


async def test_read_only_store_refuses_edits(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    corpus = load_corpus(corpus_dir)
    holder = Store.open(corpus.root, annotator="tester", store_dir=store_dir)  # holds the lock of the app annotator's shard
    try:
        app = make_app(corpus_dir, store_dir, analyzer)
        assert app.store.read_only
        notes: list[str] = []

        def hook(message) -> None:
            if isinstance(message, Notify):
                notes.append(message.notification.message)

        async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
            header = str(app.list_screen.query_one("#list-header").render())
            assert "READ-ONLY" in header
            reader = await open_reader(app, pilot)
            await pilot.press("1", "w", "n")
            assert not any(record.label for record in reader.doc.labels.values())
            assert isinstance(app.screen, ReaderScreen)
            assert any("read-only" in note for note in notes)
        app.store.close()
    finally:
        holder.close()
    labels, _ = stored_labels(corpus_dir, store_dir, analyzer)
    assert labels == {}


async def test_reopens_at_the_last_article_and_sentence(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot, "library.txt")
        await pilot.press("j", "j")
    app.store.close()
    again = make_app(corpus_dir, store_dir, analyzer, restore=True)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await again.workers.wait_for_complete()
        await pilot.pause()
        reader = again.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == "library.txt"
        assert reader.query_one(ArticleView).cursor == 2
    again.store.close()


async def test_palette_exports_and_toggles(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_reader(app, pilot)
        await pilot.press("1")
        await pilot.press("ctrl+p")
        await pilot.press(*"Export labels as csv")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+p", *"turn figures off")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.layers["figures"] is False
    app.store.close()
    export = store_dir / "exports" / "labels-csv.csv"
    content = export.read_text(encoding="utf-8")
    assert "quantity" in content and "harbour.txt" in content


async def test_palette_opens_an_article_and_runs_reader_actions(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+p", *"Open: Library opens")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.id == "library.txt"
        await pilot.press("ctrl+p", *"Label sentence: rule")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.doc.labels[0].label == "rule"
    app.store.close()


async def test_who_claims_is_corrected_by_key_saved_and_undone(corpus_dir: Path, tmp_path: Path, analyzer) -> None:
    from annotations.model import ClaimantMark

    store_dir = tmp_path / "store"
    app = make_app(corpus_dir, store_dir, analyzer)
    async with app.run_test(size=(140, 30)) as pilot:
        reader = await open_reader(app, pilot)
        view = reader.query_one(ArticleView)
        text = reader.article.text
        first = view.sentences[view.cursor]  # "The Port of Westhaven handled ... the ... Authority said on Monday."
        status = lambda: str(reader.query_one("#sentence-status").render())  # noqa: E731
        assert "Westhaven Harbour" in status() and "· said" in status()
        # Span mode: the first token ("The"), extended over "Port of Westhaven", marked as the source.
        await pilot.press("v", "L", "L", "L", "s")
        record = reader.doc.labels[view.cursor]
        mark = ClaimantMark.parse(record.attribution)
        assert mark is not None and text[first.start + mark.source[0] : first.start + mark.source[1]] == "The Port of Westhaven"
        assert "The Port of Westhaven · said ✎" in status()  # the analysis's cue kept
        assert (first.start, first.start + len("The Port of Westhaven"), "source") in view._attribution_marks
        # o: nobody is said to claim it; o again takes it back.
        await pilot.press("o")
        assert ClaimantMark.parse(reader.doc.labels[view.cursor].attribution).no_source
        assert "outlet ✎" in status()
        await pilot.press("o")
        assert view.cursor not in reader.doc.labels or not reader.doc.labels[view.cursor].attribution
        assert "Westhaven Harbour" in status() and "✎" not in status()
        # u undoes the last change (the take-back), so "no source" is there again.
        await pilot.press("escape", "u")
        assert ClaimantMark.parse(reader.doc.labels[view.cursor].attribution).no_source
    app.store.close()
    # The correction is on disk, for this annotator, with the sentence's label record.
    corpus = load_corpus(corpus_dir)
    article = corpus.get("harbour.txt")
    with Store.open(corpus.root, annotator="tester", store_dir=store_dir, read_only=True) as store:
        doc = store.article(article, analyzer.analyze(article).sentences)
        assert [r.attribution for r in doc.labels.values()] == ["outlet"]
        assert all(r.label is None for r in doc.labels.values())  # a claimant mark is not a label
