"""The lines that describe where the reader is: the title (with the session's pace and
what is left) and the status line under the text (progress bar, the cursor sentence's
label, marks, suggestion, figure reading; SELECT, REVIEW, SPAN and search states), and
the one-line messages the other parts put there (`_say`)."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from textual.content import Content
from textual.widgets import Static

from annotations.model import corrected_attribution
from annotations.model import ClaimantMark
from corpus.claimants import claimant_of, cue_text, sentence_attribution, sentence_attributions
from corpus.model import Attribution, Span
from corpus.readings import describe, read_span
from corpus.terminal import visible
from tui.shown import visible_content
from tui.widgets.article_view import entity_style


def short(text: str, width: int = 40) -> str:
    """One line of at most ``width`` characters (notes may hold newlines)."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def progress_bar(done: int, total: int, width: int = 6) -> Content:
    """A short bar of reviewed sentences; full and empty cells differ in shape too (NO_COLOR)."""
    filled = round(width * done / total) if total else 0
    return Content.assemble(("█" * filled, "$success"), ("░" * (width - filled), "dim"))


def _span_chip(span: Span, no_color: bool) -> Any:
    """A span's label drawn as the reader draws the span."""
    from rich.text import Text

    style = entity_style(span.label, no_color) if span.kind == "entity" else "bold underline"
    return Text(f" {span.label} ", style=style)


class StatusLine:
    """The title and the status line, redrawn as one fixed line each (no relayout per key).

    The state it works on is the screen's (screen.py). Calls into labels_here.py
    (`_others_here`, `_reviewed`, `_total`, `_with_label`); spans.py
    (`_span_source`, `_span_under_cursor`); suggesting.py (`_suggestion_status`).
    """

    def _title_content(self) -> Content:
        meta = self.article.meta
        details = [meta[key] for key in ("source", "date", "author") if meta.get(key)]
        details.append(self.article.id)
        return visible_content(Content.assemble(
            Content.styled(visible(self.article.title or self.article.id), "bold"),
            "\n",
            self._session_content(),
            Content.styled(visible(" · ".join(details)), "dim"),
        ))

    def _session_content(self) -> Content:
        """``12 left here · 286 in corpus · 42 labelled · 310/h · `` (the session's pace)."""
        parts: list[str] = []
        if self.analysis is not None:
            parts.append(f"{self._total() - len(self._reviewed())} left here")
        screen = self.host.list_screen
        if screen is not None:
            # The other articles from the list, this one from its labels now (the list's row may lag).
            reviewed, total, unknown = screen.progress(leave_out=self.article.id)
            here = self._total() - len(self._reviewed()) if self.analysis is not None else 0
            parts.append(f"{total - reviewed + here}{'+' if unknown or self.analysis is None else ''} in corpus")
        parts.append(self.host.pace.describe() if self.host.pace.labelled else "no labels yet")
        return Content.styled(" · ".join(parts) + "  │  ", "bold")

    def _update_title(self) -> None:
        self.query_one("#reader-title", Static).update(self._title_content(), layout=False)  # fixed height

    def _update_progress(self) -> None:
        self._update_status()  # the progress bar is part of the status line
        self._update_title()  # what is left, and the pace

    def _update_status(self) -> None:
        status = self.query_one("#sentence-status", Static)
        if self.analysis is None:
            return
        self.host.suggestions.draw_waiting()  # a new model's ghosts: right after this key's frame
        total = self._total()
        index = self.view.cursor
        reviewed = len(self._reviewed())
        parts: list[Content | str | tuple[str, str]] = [
            progress_bar(reviewed, total),
            f" {reviewed}/{total} reviewed · s{index + 1} ",
        ]
        parts += self._flow_status()
        record = self.doc.labels.get(index) if self.doc is not None else None
        suggestion: list[Content | str | tuple[str, str]] = []
        if record is not None and record.label is not None:
            label = self.host.scheme.get(record.label)
            color = label.color if label else "#ff0000"
            parts.append((f" {record.label} ", f"bold #000000 on {color}"))
        elif self.analysis.sentences and self.analysis.sentences[index].non_sentence:
            parts.append(("heading or caption: not counted (label it if it is a sentence)", "dim"))
        else:
            suggestion = self._suggestion_status(index)
            if not suggestion:  # a suggestion is only offered for an unreviewed sentence: it says so
                parts.append(("unreviewed", "dim"))
        labelled = record is not None and record.label is not None
        if self.span_cursor is None and labelled:
            parts += self._claimant_status(index)  # right after the label: seen at 80 columns
        # The reader's own marks come before what the machine offers: the line is short.
        # Right after "s3 " (an unlabelled sentence with a suggestion) the first mark has
        # no leading space, and the suggestion after a mark gets one.
        marked = len(parts)
        lead = "" if suggestion else " "
        if record is not None and record.checkworthy:
            parts.append((f"{lead}★ check-worthy", "bold"))
            lead = " "
        if record is not None and record.note:
            parts += [f"{lead}✎ ", Content(visible(record.note))]  # one line: a newline shows as ␊
        if self.span_cursor is None and not labelled:
            claimant = self._claimant_status(index)
            if (
                claimant
                and suggestion
                and not self._fits(status, [*parts, *suggestion, *claimant])
                and self._attribution_at(index) is not None
            ):
                # a narrow line (80 columns) would cut a named claimant off: it goes before
                # the suggestion ("outlet", the common case, stays after it), without its
                # own leading space (it follows "s3 " or the space below)
                suggestion = [*claimant[1:], " ", *suggestion]
            else:
                suggestion = [*suggestion, *claimant]  # after the suggestion and its score, which come first
        if suggestion and len(parts) > marked:
            parts.append(" ")
        parts += suggestion
        if self.span_cursor is None:
            parts += self._figure_status(self._first_figure(index))
        if self.span_cursor is not None:
            parts = [(" SPAN ", "bold reverse"), f" s{index + 1} ", *self._span_status(), " │", *self._claimant_status(index)]
        if self.search_query is not None:
            found = f"{(self.hit_index or 0) + 1}/{len(self.hits)}" if self.hits else "no hits"
            parts += [(" search ", "reverse"), Content(f" {self.search_query!s} "), f"{found} (n/N, esc)"]
        # Label names, notes, names and article text: no control character reaches the terminal.
        status.update(visible_content(Content.assemble(*parts)), layout=False)  # one fixed line: no relayout per key

    @staticmethod
    def _fits(status: Static, parts: list[Content | str | tuple[str, str]]) -> bool:
        """Whether ``parts`` fit the status line as it is laid out now (True before its
        first layout, when its width is not known)."""
        width = status.content_region.width
        return width <= 0 or Content.assemble(*parts).cell_length <= width

    def _flow_status(self) -> list[Content | str | tuple[str, str]]:
        """The status line's part for the range selection, review mode and the last message."""
        parts: list[Content | str | tuple[str, str]] = []
        if self.status_note is not None:
            parts += [(f"{self.status_note}", "bold"), " "]
        if self.range_anchor is not None:
            low, high = sorted((self.range_anchor, self.view.cursor))
            parts += [(f" SELECT s{low + 1}–s{high + 1} ", "bold reverse"), " label key: all · esc cancels "]
        if self.review_label is not None:
            matching = self._with_label(self.review_label)
            here = f"{matching.index(self.view.cursor) + 1}/{len(matching)}" if self.view.cursor in matching else f"–/{len(matching)}"
            parts += [(" REVIEW ", "bold reverse"), Content(f" {self.review_label} {here} "), "j/k: only these · R/esc leaves "]
            others = [Content(f"{name}: {label}") for name, label, _ in self._others_here()]
            if others:
                parts += [Content(" · ").join(others), " "]
        return parts

    def _say(self, note: str) -> None:
        """A one-line message in the status line (kept until the cursor moves)."""
        self.status_note = note
        self._update_status()

    def _span_status(self) -> list[Content | str | tuple[str, str]]:
        """What the token cursor is on: the span's label, its text, where it comes from."""
        span = self._span_under_cursor()
        if span is None:
            return [("no span here", "dim"), "  enter: add one"]
        text = " ".join(self.article.text[span.start : span.end].split())
        return [
            Content.from_rich_text(_span_chip(span, self.view.palette.no_color)),
            " ",
            Content(f"“{text}”"),
            (f" · {self._span_source(span)}", "dim" if not self.view.palette.no_color else "italic"),
            *self._figure_status(span if span.kind == "figure" else None),
        ]

    def _found_attribution(self, index: int) -> Attribution | None:
        """The analysis's attribution of sentence ``index`` (worked out once per analysis)."""
        analysis = self.analysis
        if analysis is None or not 0 <= index < len(analysis.sentences):
            return None
        kept = getattr(self, "_who_claims", None)
        if kept is None or kept[0] is not analysis:
            kept = (analysis, sentence_attributions(analysis.attributions, analysis.sentences))
            self._who_claims = kept
        return kept[1][index]

    def _claimant_mark(self, index: int) -> ClaimantMark | None:
        """This annotator's correction of who claims sentence ``index``, if any."""
        record = self.doc.labels.get(index) if self.doc is not None else None
        return ClaimantMark.parse(record.attribution) if record is not None else None

    def _attribution_at(self, index: int) -> Attribution | None:
        """Who claims sentence ``index``: the analysis's attribution, corrected by this annotator."""
        if self.analysis is None or not 0 <= index < len(self.view.sentences):
            return None
        sentence = self.view.sentences[index]
        if self.view.sentences is self.analysis.sentences:
            found = self._found_attribution(index)
        else:  # merged or split sentences: look the attribution up by the sentence's own range
            found = sentence_attribution(self.analysis.attributions, sentence.start, sentence.end)
        return corrected_attribution(self.article.text, sentence.start, sentence.end, found, self._claimant_mark(index))

    def claimant_words(self, index: int) -> tuple[str, str, bool]:
        """``("Putin", "acknowledged", True)``: who claims sentence ``index``, the cue and
        whether anyone is said to (``("outlet", "", False)`` for the outlet's own)."""
        attribution = self._attribution_at(index)
        text = self.article.text
        return claimant_of(text, attribution), cue_text(text, attribution), attribution is not None

    def _attribution_marks(self) -> list[tuple[int, int, str]]:
        """The sources and cues the view draws: the analysis's, and this annotator's
        corrections in place of the analysis's in the sentences they correct."""
        analysis = self.analysis
        if analysis is None:
            return []
        corrected = {}
        if self.doc is not None:
            for index, record in self.doc.labels.items():
                if record.attribution and 0 <= index < len(self.view.sentences):
                    corrected[index] = self.view.sentences[index]
        if not corrected:  # the common case: the analysis's marks, made once per analysis
            kept = getattr(self, "_found_marks", None)
            if kept is None or kept[0] is not analysis:
                found = [(*a.source, "source") for a in analysis.attributions if a.source is not None]
                found += [(*a.cue, "cue") for a in analysis.attributions]
                kept = (analysis, sorted(found))
                self._found_marks = kept
            return kept[1]
        marks: list[tuple[int, int, str]] = []
        ranges = sorted((s.start, s.end) for s in corrected.values())
        starts = [r[0] for r in ranges]

        def in_corrected(start: int) -> bool:
            at = bisect_left(starts, start + 1) - 1
            return at >= 0 and ranges[at][0] <= start < ranges[at][1]

        for attribution in analysis.attributions:
            for part, kind in ((attribution.source, "source"), (attribution.cue, "cue")):
                if part is not None and not in_corrected(part[0]):
                    marks.append((*part, kind))
        for index in corrected:
            attribution = self._attribution_at(index)
            if attribution is None:
                continue
            for part, kind in ((attribution.source, "source"), (attribution.cue, "cue")):
                if part is not None and part[0] < part[1]:
                    marks.append((*part, kind))
        return sorted(marks)

    def _claimant_status(self, index: int) -> list[Content | str | tuple[str, str]]:
        """``  Putin · acknowledged`` (``outlet`` when nobody is said to make the statement),
        only while the sources-and-cues layer is on; ``✎`` after a corrected one."""
        if not self.host.layers.get("attribution", True):
            return []
        name, cue, attributed = self.claimant_words(index)
        corrected = [(" ✎", "dim")] if self._claimant_mark(index) is not None else []
        if not attributed:
            return [(" outlet", "dim"), *corrected]
        parts: list[Content | str | tuple[str, str]] = [" ", Content.styled(visible(short(name, 30)), "bold")]
        if cue:
            parts += [" · ", Content.styled(visible(short(cue, 20)), "italic")]
        return parts + corrected

    def _first_figure(self, index: int) -> Span | None:
        """The first figure span of sentence ``index``."""
        if self.analysis is None or not 0 <= index < len(self.analysis.sentences):
            return None
        sentence = self.analysis.sentences[index]
        spans = self.view.spans  # sorted by start: a huge article is not walked per key
        at = bisect_left(spans, sentence.start, key=lambda span: span.start)
        for span in spans[at : bisect_left(spans, sentence.end, key=lambda span: span.start)]:
            if span.kind == "figure" and span.end <= sentence.end:
                return span
        return None

    def _figure_status(self, span: Span | None) -> list[Content | str | tuple[str, str]]:
        """`` · 300,000 new recruits · value 300000 · unit recruit · change =`` for a figure
        (a span added by hand is read from the text here; it has no reading of its own)."""
        if span is None:
            return []
        reading = span.reading or read_span(self.article.text, span.start, span.end, span.label)
        return ["  ", Content(describe(self.article.text[span.start : span.end], reading))]
