"""Review mode (R): pick a label; j/k then visit only the sentences that have it,
across articles, until R or escape leaves it."""

from __future__ import annotations

from tui import navigation


class ReviewMode:
    """Review mode: ``review_label`` is the label being reviewed, or None.

    The state it works on is the screen's (screen.py). Calls into labels_here.py
    (`_with_label`); moves.py (`_ready`); status.py (`_say`, `_update_status`).
    """

    def action_review(self) -> None:
        """Review mode: pick a label; j/k then visit only its sentences. R again leaves."""
        if self.review_label is not None:
            self._leave_review()
            return
        if not self._ready():
            return
        from tui.screens.label_picker import LabelPickerScreen

        def chosen(name: str | None) -> None:
            if name is None:
                return
            found = self._with_label(name)
            if not found:
                self._say(f"no sentence is labelled {name} in this article")
                return
            self.review_label = name
            target = navigation.next_in(found, self.view.cursor - 1, wrap=True)
            self._move(target if target is not None else found[0])
            self._update_status()

        self.app.push_screen(LabelPickerScreen(self.host.scheme, "Review the sentences labelled:"), chosen)

    def _leave_review(self) -> None:
        self.review_label = None
        self._say("review mode off")
