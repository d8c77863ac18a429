"""Claim suggestions without cost to a key: what crosses from the training process is
compact, a new model is drawn with the next key (or after a pause), the hidden list
waits, the child processes keep to one core, and full garbage collections wait for a
pause in the keys.

Real pieces throughout: the spaCy pipeline, TinyDB files in tmp_path, the Textual app,
the training child process, and a fresh interpreter for the thread limits.
"""

from __future__ import annotations

import gc
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.scheme import default_scheme
from annotations.suggest.features import SentenceInput
from annotations.suggest.model import ClaimModel, ScoredSentences, Suggester, Suggestion
from annotations.suggest.ranking import expected_claims, most_useful
from tui import suggestions as suggestions_module
from tui.collector import IdleCollector
from tui.config import Config

from apps import corpus_folder, make_app, open_reader
from suggest_examples import LABELLED, small_model

# Fictional articles written for these tests.
HARBOUR = """Harbour works begin

The port authority said on Monday that dredging will cost £12 million.

Fishing crews welcomed the news at a meeting in the town hall.

Cargo volumes fell 8% last year because two shipping lines left.

I think the harbour looks better than ever.

The new bylaw requires every boat to carry a working radio.

Thank you for reading.
"""

FERRY = """Ferry timetable changes

Ferries will sail twice a day from May, the operator said.

Fares rose 5% in January.
"""


def test_a_model_crosses_processes_as_a_few_byte_strings_and_scores_the_same() -> None:
    model = small_model()
    again = pickle.loads(pickle.dumps(model))
    # The term list stays one string until the model scores something.
    assert again._terms is None and isinstance(again._joined, str)
    sentences = [SentenceInput(text) for text, _ in LABELLED] + [SentenceInput("Rents went up 4% in June.")]
    for sentence in sentences:
        assert again.score(sentence) == pytest.approx(model.score(sentence))
    assert again.terms == model.terms
    assert again.to_json() == model.to_json()
    # Unpickled, a model pickles again the same way.
    assert pickle.loads(pickle.dumps(again)).to_json() == model.to_json()
    # A term with a line break (a hand-edited model file) still crosses, as a list.
    odd = ClaimModel.from_json({**model.to_json(), "terms": ["a\nb", *model.terms[1:]]})
    assert pickle.loads(pickle.dumps(odd)).terms == odd.terms


def test_suggestions_of_an_article_are_compact_and_behave_as_a_list() -> None:
    suggester = Suggester(default_scheme(), small_model())
    sentences = [SentenceInput(text) for text, _ in LABELLED]
    scored = suggester.suggest_many(sentences)
    plain = [suggester.suggest(sentence) for sentence in sentences]
    assert isinstance(scored, ScoredSentences)
    assert list(scored) == plain and scored == plain and len(scored) == len(plain)
    assert scored[2] == plain[2] and scored[-1] == plain[-1] and scored[1:3] == plain[1:3]
    assert all(isinstance(s, Suggestion) for s in scored)
    again = pickle.loads(pickle.dumps(scored))
    assert again == scored and list(again) == plain
    # Smaller on the wire than the objects it stands for.
    assert len(pickle.dumps(scored)) < len(pickle.dumps(plain))
    # The rankings read the scores straight from it, with the same answers as from a list.
    assert expected_claims(scored) == pytest.approx(expected_claims(plain))
    assert most_useful(scored, {0, 3}) == most_useful(plain, {0, 3})
    assert most_useful(ScoredSentences(), set()) is None


def test_the_idle_collector_waits_for_a_pause_then_collects_once_and_freezes() -> None:
    now = [100.0]
    collector = IdleCollector(idle=1.0, clock=lambda: now[0])
    try:
        collector.input()
        now[0] += 0.5
        assert not collector.tick()  # keys came half a second ago: not now
        now[0] += 0.6
        before = gc.get_freeze_count()
        assert collector.tick()  # a pause: collected, and what survived is frozen
        assert gc.get_freeze_count() > 0 and collector.runs == 1
        now[0] += 5
        assert not collector.tick()  # nothing new since: no second collection
        collector.input()
        now[0] += 1.5
        assert collector.tick() and collector.runs == 2
        assert before >= 0
    finally:
        collector.release()
    assert gc.get_freeze_count() == 0


def test_full_collections_wait_for_pauses_while_the_collector_has_taken_over() -> None:
    """A long run of keys never meets an automatic full collection; release gives it back."""
    thresholds = gc.get_threshold()
    now = [100.0]
    collector = IdleCollector(idle=1.0, clock=lambda: now[0])
    fulls: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            fulls.append(1)

    try:
        collector.take_over()
        gc.collect()  # what came before is out of the way
        gc.callbacks.append(note)
        for _key in range(300):  # keys with no pause: each makes cyclic garbage that survives a while
            collector.input()
            kept = [[] for _ in range(2000)]
            for item in kept:
                item.append(item)
            del kept
            assert not collector.tick()
        assert fulls == []  # ~600k cyclic objects and no full collection among the keys
        now[0] += 1.5
        assert collector.tick() and fulls == [1]  # the pause's own full collection
    finally:
        if note in gc.callbacks:
            gc.callbacks.remove(note)
        collector.release()
    assert gc.get_threshold() == thresholds


def test_a_hold_turns_the_automatic_collections_off_until_resumed_and_never_for_long() -> None:
    now = [100.0]
    collector = IdleCollector(idle=1.0, clock=lambda: now[0])
    try:
        collector.input()
        assert collector.hold() and not gc.isenabled()
        assert not collector.hold()  # held already: one resume gives it back
        collector.resume()
        assert gc.isenabled() and not collector.holding
        gc.disable()  # off for someone else (start-up, an export): a hold leaves it to them
        assert not collector.hold()
        collector.resume()
        assert not gc.isenabled()
        gc.enable()
        assert collector.hold()
        now[0] += 0.1
        collector.tick()
        assert not gc.isenabled()  # the key's frame may still be coming
        now[0] += 0.2
        collector.tick()  # a frame that never came does not keep the collector off
        assert gc.isenabled() and not collector.holding
    finally:
        collector.release()
        gc.enable()


@pytest.mark.anyio
async def test_a_key_is_answered_with_the_collector_held_and_it_is_back_on_after_the_frame(
    corpus_dir: Path, tmp_path: Path, analyzer
) -> None:
    app = make_app(corpus_dir, tmp_path / "store", analyzer)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot, "harbour.txt")
        during: list[bool] = []
        reader.watch(reader.view, "cursor", lambda _index: during.append(gc.isenabled()), init=False)
        assert gc.isenabled()
        await pilot.press("j")
        await pilot.pause()
        assert during == [False]  # the move and its frame: no automatic collection
        assert gc.isenabled() and not app.collector.holding  # right after it, as before
    app.store.close()


def test_child_processes_keep_numeric_libraries_to_one_thread() -> None:
    code = (
        "import json, tui.background as b; b._one_core();"
        "import numpy, scipy.sparse, sklearn.linear_model;"
        "from threadpoolctl import threadpool_info;"
        "print(json.dumps([i['num_threads'] for i in threadpool_info()]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    threads = json.loads(out.stdout.strip().splitlines()[-1])
    assert threads and set(threads) == {1}, threads


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return corpus_folder(tmp_path, {"harbour.txt": HARBOUR, "ferry.txt": FERRY})


def _app(corpus_dir: Path, tmp_path: Path, analyzer, monkeypatch, show_after: float):
    """The app, with a new model drawn after ``show_after`` seconds without keys."""
    monkeypatch.setattr(suggestions_module, "SHOW_AFTER", show_after)
    return make_app(corpus_dir, tmp_path / "store", analyzer, config=Config(advance="stay"))


FIVE_LABELS = ("1", "j", "1", "j", "x", "j", "x", "j", "x")


async def _retrained(app, pilot, keys: tuple[str, ...] = FIVE_LABELS) -> None:
    """Type ``keys`` (five labels among them) and wait for the retraining they start."""
    version = app.suggestions.version
    for key in keys:
        await pilot.press(key)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.suggestions.version == version + 1, "the five labels gave no new model"


@pytest.mark.anyio
@pytest.mark.parametrize("drawn_by", ["the next key", "a pause"])
async def test_a_new_model_is_drawn_with_the_next_key_or_after_a_pause_not_in_a_frame_of_its_own(
    corpus_dir: Path, tmp_path: Path, analyzer, monkeypatch, drawn_by: str
) -> None:
    by_key = drawn_by == "the next key"
    app = _app(corpus_dir, tmp_path, analyzer, monkeypatch, 600.0 if by_key else 0.2)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(app, pilot, "harbour.txt")
        prior_scores = [s.score for s in reader.suggestions]
        assert {s.source for s in reader.suggestions} == {"prior"}
        await _retrained(app, pilot)
        if by_key:
            # In use at once, drawn not yet: the reader still shows the rules' ghosts.
            assert app.suggestions.model is not None and app.suggestions.unshown
            assert [s.score for s in reader.suggestions] == prior_scores
            assert app.suggestions.scored(reader.article, reader.analysis) is not None
            await pilot.press("j")  # the next key draws it, right after the frame it paints
            await pilot.pause()
        else:
            for _ in range(40):  # the show timer: at most 0.2 s after the last key
                if not app.suggestions.unshown:
                    break
                await pilot.pause(0.05)
        assert not app.suggestions.unshown
        assert {s.source for s in reader.suggestions} == {"model"}
        assert [s.score for s in reader.suggestions] != prior_scores
        shown = {i: s.label for i, s in enumerate(reader.suggestions) if s.label}
        assert reader.view._ghosts == shown
    app.store.close()


@pytest.mark.anyio
async def test_the_hidden_list_takes_new_expected_claims_when_it_is_shown_again(
    corpus_dir: Path, tmp_path: Path, analyzer, monkeypatch
) -> None:
    app = _app(corpus_dir, tmp_path, analyzer, monkeypatch, 600.0)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(app, pilot, "ferry.txt")
        await open_reader(app, pilot, "harbour.txt")  # both analysed: both scored by the child
        listing = app.list_screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is listing
        before = {row.id: row.expected for row in listing.rows}
        assert all(value is not None for value in before.values())
        await open_reader(app, pilot, "harbour.txt")
        await _retrained(app, pilot)
        await pilot.press("j")  # draws the model; the list under the reader only notes it
        await pilot.pause()
        assert listing._expected_stale
        assert {row.id: row.expected for row in listing.rows} == before
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        assert app.screen is listing and not listing._expected_stale
        after = {row.id: row.expected for row in listing.rows}
        assert after != before
        assert after["ferry.txt"] == pytest.approx(app.suggestions.expected("ferry.txt"))
    app.store.close()


@pytest.mark.anyio
async def test_a_start_held_by_the_cli_turns_the_collector_back_on_once_the_list_is_painted(tmp_path: Path) -> None:
    from corpus.analysis import Analyzer
    from tui.collector import hold_during_start

    folder = corpus_folder(tmp_path, {"a.txt": "A headline\n\nOfficials said 14 people left Paris.\n"})
    app = make_app(folder, tmp_path / "store", Analyzer(cache_dir=tmp_path / "cache"))
    hold_during_start()  # what `claimscope` does before it imports the app
    try:
        assert not gc.isenabled()
        async with app.run_test() as pilot:
            await pilot.pause()
            assert app.list_screen is not None and app.list_screen.is_mounted
            assert gc.isenabled()  # back on after the first paint
            assert gc.get_freeze_count() > 0  # with what start-up made frozen, for the first pause to collect
    finally:
        gc.enable()
        gc.unfreeze()
        app.store.close()
