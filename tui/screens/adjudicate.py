"""The adjudication review (palette: "Adjudicate"): one sentence where annotators disagree
at a time, in context, with each annotator's label and note; one key records the gold label.

Keys: a scheme label key decides that label; tab / shift+tab select an annotator's label
and enter takes it; / picks any label from the list; down / up (or n / p) move between
sentences; u undoes the last decision; a shows also the sentences labelled by one
annotator only; escape closes. Opens at the first undecided sentence. Every piece of
article or annotator text is `Content`, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from textual import events, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from corpus.errors import ClaimscopeError
from tui.shown import visible_content

if TYPE_CHECKING:
    from annotations.adjudication import Adjudication, Case


class AdjudicateHost(Protocol):
    """What the screen needs of the app (so it does not import the app)."""

    corpus: Any
    store: Any
    scheme: Any
    analyzer: Any


class AdjudicateScreen(Screen[None]):
    """Decide gold labels, one disagreement at a time."""

    DEFAULT_CSS = """
    AdjudicateScreen #case { padding: 1 2; height: auto; }
    """

    def __init__(self, host: AdjudicateHost, *, include_single: bool = False) -> None:
        super().__init__()
        self.host = host
        self.include_single = include_single
        self.work: Adjudication | None = None
        self.position = 0
        self.selected = 0  # the annotator row enter takes
        self.message = ""
        self._loading = True  # the first load starts on mount
        self._gone = False  # unmounted: a late adjudication is closed, not shown

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Content("finding the sentences annotators disagree on..."), id="case")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        """Build the cases off the UI thread (it may need analyses).

        Runs once per screen (again only after it failed): the adjudication it builds
        holds the gold lock until the screen closes, and ``a`` reuses it (:meth:`refind`).
        """
        from annotations.adjudication import Adjudication

        host = self.host
        include_single = self.include_single
        host.store.flush()  # the labels still queued for the writer thread are read from disk too
        try:
            work = Adjudication(
                host.store, host.corpus.articles, _sentences_of(host.analyzer),
                include_single=include_single,
            )
        except ClaimscopeError as error:
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self._loaded, work)

    @work(thread=True, exclusive=True, group="adjudicate-refind", exit_on_error=False)
    def refind(self, include_single: bool) -> None:
        """The cases with or without single labels, for the adjudication already open."""
        work = self.work
        if work is None:
            return
        try:
            cases = work.find(include_single=include_single)
        except ClaimscopeError as error:
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self._found, work, cases, include_single)

    def _show_error(self, message: str) -> None:
        self._loading = False
        if not self._gone:
            self.query_one("#case", Static).update(visible_content(message))

    def _loaded(self, work: Adjudication) -> None:
        self._loading = False
        if self._gone or self.work is not None:
            work.close()  # the screen closed meanwhile: let go of the gold lock at once
            return
        self.work = work
        self.position = work.first_undecided()
        self.selected = 0
        if work.include_single != self.include_single:  # a was pressed while loading
            self.refind(self.include_single)
        self.refresh_case()

    def _found(self, work: Adjudication, cases: list[Case], include_single: bool) -> None:
        # Only the answer to the latest a counts, and only for the adjudication shown.
        if self._gone or work is not self.work or include_single != self.include_single:
            return
        work.show(cases, include_single=include_single)
        self.position = work.first_undecided()
        self.selected, self.message = 0, ""
        self.refresh_case()

    def on_unmount(self) -> None:
        self._gone = True
        if self.work is not None:
            self.work.close()
            self.work = None

    # ------------------------------------------------------------------ drawing

    @property
    def case(self) -> Case | None:
        if self.work is None or not self.work.cases:
            return None
        return self.work.cases[self.position]

    def refresh_case(self) -> None:
        self.query_one("#case", Static).update(self.render_case())

    def render_case(self) -> Content:
        work, case = self.work, self.case
        if work is None:
            return Content("finding the sentences annotators disagree on...")
        if case is None:
            which = "disagree on or labelled alone" if self.include_single else "disagree on"
            return Content(f"No sentences that annotators {which}. (a: also single labels, escape: close)")
        decided, total = work.progress()
        parts: list[Content | str | tuple[str, str]] = [
            (f"sentence {self.position + 1} of {total}", "bold"),
            f"   {decided} decided, {total - decided} to go",
        ]
        if work.read_only_reason:
            parts += ["\n", Content(f"read-only: {work.read_only_reason}")]
        parts += ["\n\n", Content(f"{case.article.title or case.article.id}  ({case.article.id}, sentence {case.index + 1})"), "\n\n"]
        for index, text in case.context():
            parts += [(text, "bold") if index == case.index else (text, "dim"), "\n"]
        parts.append("\n")
        for n, record in enumerate(case.labels):
            mark = ">" if n == self.selected else " "
            parts += [f"{mark} {n + 1}. ", Content(record.annotator or "(unknown)"), ": ", (record.label or "", "bold")]
            if record.note:
                parts += ["  note: ", Content(record.note)]
            parts.append("\n")
        gold = work.decision(case)
        parts.append("\n")
        if gold is None:
            parts.append(("gold: not decided", "italic"))
        else:
            parts += [
                "gold: ", (gold.label or "", "bold"), " by ", Content(gold.annotator),
                f" at {gold.updated}", " from ", Content(gold.decided_from),
            ]
        keys = " ".join(f"{label.key} {label.name}" for label in self.host.scheme)
        parts += [
            "\n\n",
            (f"{keys} | tab/enter: take an annotator's label | /: pick a label | "
             "down/up: next/previous | u: undo | a: single labels too | escape: close", "dim"),
        ]
        if self.message:
            parts += ["\n", Content(self.message)]
        # Titles, names, labels and notes: control characters shown, never sent.
        return visible_content(Content.assemble(*parts))

    # ------------------------------------------------------------------- keys

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.dismiss(None)
            return
        case = self.case
        label = self.host.scheme.by_key(event.character) if event.character else None
        if label is not None and case is not None:
            event.stop()
            self.decide(label.name)
            return
        action = {
            "down": "next", "n": "next", "up": "previous", "p": "previous",
            "tab": "select", "shift+tab": "select_back", "enter": "take",
            "slash": "pick", "u": "undo", "a": "single",
        }.get(event.key)
        if action is None:
            return
        event.stop()
        getattr(self, f"key_{action}")()

    def key_next(self) -> None:
        if self.work and self.work.cases:
            self.position = min(self.position + 1, len(self.work.cases) - 1)
            self.selected, self.message = 0, ""
            self.refresh_case()

    def key_previous(self) -> None:
        if self.work and self.work.cases:
            self.position = max(self.position - 1, 0)
            self.selected, self.message = 0, ""
            self.refresh_case()

    def key_select(self, step: int = 1) -> None:
        case = self.case
        if case is not None:
            self.selected = (self.selected + step) % len(case.labels)
            self.refresh_case()

    def key_select_back(self) -> None:
        self.key_select(-1)

    def key_take(self) -> None:
        case = self.case
        if case is not None and case.labels[self.selected].label:
            self.decide(str(case.labels[self.selected].label))

    def key_pick(self) -> None:
        from tui.screens.label_picker import LabelPickerScreen

        def chosen(name: str | None) -> None:
            if name:
                self.decide(name)

        self.app.push_screen(LabelPickerScreen(self.host.scheme, "Gold label for this sentence:"), chosen)

    def key_undo(self) -> None:
        if self.work is None:
            return
        try:
            change = self.work.undo()
        except ClaimscopeError as error:
            self.message = str(error)
        else:
            self.message = "nothing to undo" if change is None else "undone"
            if change is not None:
                self._go_to(change.article_id, change.sentence_index)
        self.refresh_case()

    def key_single(self) -> None:
        self.include_single = not self.include_single
        self.message = "finding the sentences..."
        if self.work is not None:
            self.refind(self.include_single)
            self.refresh_case()
        elif not self._loading:  # the first load failed: try again
            self._loading = True
            self.load()
        # else: the load under way sees the new choice when it ends (_loaded)

    def decide(self, name: str) -> None:
        """Record ``name`` as the gold label and move on to the next undecided sentence."""
        work, case = self.work, self.case
        if work is None or case is None:
            return
        try:
            work.decide(case, name)
        except ClaimscopeError as error:
            self.message = str(error)
            self.refresh_case()
            return
        self.message = f"gold: {name}"
        later = [n for n in range(self.position + 1, len(work.cases)) if work.decision(work.cases[n]) is None]
        if later:
            self.position = later[0]
            self.selected = 0
        self.refresh_case()

    def _go_to(self, article_id: str, index: int | None) -> None:
        assert self.work is not None
        for n, case in enumerate(self.work.cases):
            if case.article.id == article_id and case.index == index:
                self.position = n
                return


def _sentences_of(analyzer: Any) -> Any:
    """An article's sentences: the cached analysis, else analysed now (in the worker)."""

    def sentences(article: Any) -> Any:
        analysis = analyzer.cached(article) or analyzer.analyze(article)
        return analysis.sentences

    return sentences
