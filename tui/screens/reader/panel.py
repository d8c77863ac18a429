"""The side panel (p: who claims the cursor sentence, claims, entities, figures, other
annotators) and the entity legend with the highlight layers (e, f, d, a)."""

from __future__ import annotations

from textual.binding import Binding

from corpus.model import Reading
from corpus.readings import read_span, value_text
from tui.widgets.article_view import ENTITY_COLORS, entity_style
from tui.widgets.legend import Legend
from tui.widgets.side_panel import ClaimEntry, EntityEntry, FigureEntry, SidePanel


def _reading_words(reading: Reading | None) -> str:
    """``300,000 recruit``, ``~10–15 percent``: a figure's value and unit for the side panel."""
    if reading is None or reading.value is None:
        return ""
    sign = "" if reading.change == "=" else f"{reading.change} "
    return f"{sign}{value_text(reading.value, reading.shape)} {reading.unit or ''}".rstrip()


class PanelAndLegend:
    """The side panel and the legend, filled from the view and the labels.

    The state it works on is the screen's (screen.py). Calls into labels_here.py
    (`_others_here`).
    """

    def _mount_panel(self) -> SidePanel:
        """The side panel, mounted the first time it is shown."""
        if self.panel is None:
            self.panel = SidePanel(id="side-panel")
            self.query_one("#reader-body").mount(self.panel)
        return self.panel

    def _update_panel(self) -> None:
        if self.analysis is None or self.panel is None or not self.panel.display:
            return  # filled when shown
        text = self.article.text
        claims: list[ClaimEntry] = []
        if self.doc is not None:
            for index in sorted(self.doc.labels):
                record = self.doc.labels[index]
                if record.label is None or not self.host.scheme.is_claim(record.label):
                    continue
                sentence = self.analysis.sentences[index]
                label = self.host.scheme.get(record.label)
                snippet = " ".join(text[sentence.start : sentence.end].split())
                claims.append(
                    ClaimEntry(index, sentence.start, record.label, label.color if label else "#ff0000", snippet)
                )
        groups: dict[str, dict[str, list[int]]] = {}
        for span in self.view.spans:
            if span.kind != "entity":
                continue
            surface = " ".join(text[span.start : span.end].split())
            groups.setdefault(span.label, {}).setdefault(surface, []).append(span.start)
        entities = {
            label: sorted(
                (EntityEntry(label, surface, tuple(offsets)) for surface, offsets in by_text.items()),
                key=lambda entry: (-len(entry.offsets), entry.text.lower()),
            )
            for label, by_text in sorted(groups.items(), key=lambda item: -sum(map(len, item[1].values())))
        }
        figures = [
            FigureEntry(span.start, " ".join(text[span.start : span.end].split()), _reading_words(reading))
            for span in self.view.spans
            if span.kind == "figure"
            for reading in (span.reading or read_span(text, span.start, span.end, span.label),)
        ]
        self.panel.show_items(claims, entities, ENTITY_COLORS, figures)
        self._update_panel_others()

    def _update_panel_others(self) -> None:
        """The side panel's "Other annotators" part, for the cursor sentence."""
        if self.panel is not None and self.panel.display and self.analysis is not None:
            cursor = self.view.cursor
            who = None
            if self.analysis.sentences:
                name, cue, attributed = self.claimant_words(cursor)
                who = (cursor, name if attributed else "", cue)
            self.panel.show_others(cursor if self.others else None, self._others_here(), who)

    def _update_legend(self) -> None:
        labels = sorted({span.label for span in self.view.spans if span.kind == "entity"})
        palette = self.view.palette
        keys = {binding.id: binding.key.split(",")[0] for binding in self.host.reader_keys}
        self.query_one(Legend).show_legend(
            labels,
            {label: entity_style(label, palette.no_color) for label in labels},
            palette.figure,
            palette.date,
            entities=self.host.layers["entities"],
            figures=self.host.layers["figures"],
            dates=self.host.layers["dates"],
            keys=tuple(
                # a layer key given up to a label key (see bindings.py) shows as "·": the palette has it
                self.app.get_key_display(Binding(keys[f"reader.toggle_{layer}"], "")) if f"reader.toggle_{layer}" in keys else "·"
                for layer in ("entities", "figures", "dates", "attribution")
            ),
            attribution=self.host.layers["attribution"],
            source_style=palette.source,
            cue_style=palette.cue,
        )

    def _apply_layers(self) -> None:
        layers = self.host.layers
        self.view.set_layers(
            entities=layers["entities"], figures=layers["figures"], dates=layers["dates"], attribution=layers["attribution"]
        )
        self._update_legend()

    def layers_changed(self) -> None:
        """The app's highlight switches changed (from a key or the palette)."""
        self._apply_layers()
        self._update_status()  # the claimant shows there while sources and cues are on

    def action_toggle_panel(self) -> None:
        self.host.show_panel = not self.host.show_panel
        self._mount_panel().display = self.host.show_panel
        self._update_panel()

    def action_toggle_layer(self, layer: str) -> None:
        self.host.toggle_layer(layer)
