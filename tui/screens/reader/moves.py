"""Navigation and jumps: j/k (in review mode only the reviewed label's sentences),
paragraphs, first and last, the next unreviewed, check-worthy, noted or labelled
sentence, and the next or previous article. Cursor arithmetic itself is in
`tui.navigation` (plain functions)."""

from __future__ import annotations

from tui import navigation


class Moves:
    """Moving the cursor between sentences and articles.

    The state it works on is the screen's (screen.py). Calls into labels_here.py
    (`_reviewed`, `_skipped`, `_with_label`); status.py (`_say`); suggesting.py
    (`_most_useful`, `_next_open`).
    """

    def _ready(self) -> bool:
        if self.analysis is None or not self.analysis.sentences:
            if self.analysis is not None:
                self.notify("no sentences")
            elif self.analysis_failed:
                self.notify("this article could not be analysed, so it has no sentences to move between")
            else:
                self.notify("this article is still being analysed")
            return False
        return True

    def action_next_sentence(self) -> None:
        if self._ready():
            self._step(1)

    def action_previous_sentence(self) -> None:
        if self._ready():
            self._step(-1)

    def _step(self, step: int) -> None:
        """j/k: the next sentence, or in review mode the next one with the reviewed label."""
        if self.review_label is None:
            self._move(self.view.cursor + step)
            return
        target = navigation.next_in(self._with_label(self.review_label), self.view.cursor, step)
        if target is None:
            self._say(f"no more {self.review_label} sentences that way in this article")
        else:
            self._move(target)

    def action_jump(self, what: str) -> None:
        """Go to the next check-worthy (★) or noted sentence (going round the end)."""
        if not self._ready():
            return
        labels = self.doc.labels if self.doc is not None else {}
        if what == "checkworthy":
            found, name = sorted(i for i, r in labels.items() if r.checkworthy), "check-worthy (★)"
        else:
            found, name = sorted(i for i, r in labels.items() if r.note), "noted (✎)"
        self._jump_to(found, name)

    def _jump_to(self, found: list[int], name: str) -> None:
        target = navigation.next_in(found, self.view.cursor, wrap=True)
        if target is None:
            here = " other" if self.view.cursor in found else ""
            self._say(f"no{here} {name} sentence in this article")
        else:
            self._move(target)

    def action_jump_to_label(self) -> None:
        """Pick a label (one key), then go to the next sentence that has it."""
        if not self._ready():
            return
        from tui.screens.label_picker import LabelPickerScreen

        def chosen(name: str | None) -> None:
            if name is not None:
                self._jump_to(self._with_label(name), f"{name!r}")

        self.app.push_screen(LabelPickerScreen(self.host.scheme, "Go to the next sentence labelled:"), chosen)

    def action_next_paragraph(self) -> None:
        if self._ready():
            assert self.analysis is not None
            self._move(
                navigation.next_paragraph(
                    self.analysis.sentences, self.analysis.paragraphs, self.view.cursor
                )
            )

    def action_previous_paragraph(self) -> None:
        if self._ready():
            assert self.analysis is not None
            self._move(
                navigation.previous_paragraph(
                    self.analysis.sentences, self.analysis.paragraphs, self.view.cursor
                )
            )

    def action_first_sentence(self) -> None:
        if self._ready():
            self._move(0)

    def action_last_sentence(self) -> None:
        if self._ready():
            self._move(len(self.view.sentences) - 1)

    def action_next_unreviewed(self) -> None:
        if self._ready():
            target = self._next_open(self._reviewed() | self._skipped() | {self.view.cursor}, self.view.cursor)
            if target is None:
                self.notify("every sentence in this article is reviewed")
            else:
                self._move(target)

    def action_step_article(self, step: int) -> None:
        self.host.step_article(self.article.id, step)

    def action_next_to_review(self) -> None:
        found = self.host.suggestions.most_useful_article(self.article.id) if self._most_useful() else None
        if found is not None:  # most useful next across the corpus: that article, at that sentence
            self.host.open_article(*found)
            return
        self.host.open_next_to_review(self.article.id)
