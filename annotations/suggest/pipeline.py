"""The trained claim model as a spaCy component: ``claimscope train`` writes a pipeline with it.

``spacy.load(DIR)`` finds the factory through the ``spacy_factories`` entry point of
this package (or by importing this module), so the pipeline runs wherever claimscope
is installed. The component sets ``doc.cats``: one score per scheme label, exclusive
(they add up to 1; the claim probability is 1 minus the not-a-claim label's).
The pipeline that ``train`` writes is the analysis model's (sourced: sentences and
entities come with it) plus this component, whose model is fitted with the spans of
claimscope's analysis and reads the same from the pipes before it (``spans =
"analysis"`` in its ``labels.json``); a pipeline without that field reads
``doc.ents``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from annotations.suggest.features import SentenceInput
from annotations.suggest.model import ClaimModel

FACTORY = "claimscope_claims"
ENTS, ANALYSIS = "ents", "analysis"


class ClaimsComponent:
    """Sets ``doc.cats`` from a `ClaimModel` over the scheme's labels."""

    def __init__(self, name: str = FACTORY) -> None:
        self.name = name
        self.model: ClaimModel | None = None
        #: [(label name, is a claim)], in scheme order; ``default`` is the type used without a type model.
        self.labels: list[tuple[str, bool]] = []
        self.default = ""
        #: Which spans the model was fitted with: ``ENTS`` (``doc.ents``; none in a blank
        #: pipeline) or ``ANALYSIS`` (what claimscope's analysis gives, from the pipes before).
        self.spans = ENTS

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            raise ValueError(f"the {self.name} component has no model: load a pipeline written by claimscope train")
        if self.spans == ANALYSIS:  # the analysis's spans: entities merged with the figure rules
            from corpus.figures import doc_spans

            spans = tuple((f.start, f.end, f.label) for f in doc_spans(doc))
        else:
            spans = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
        sentence = SentenceInput(doc.text, spans)
        score, _ = self.model.score(sentence)
        claims = [name for name, claim in self.labels if claim]
        shares = self._type_shares(sentence, claims)
        cats = {name: (score * shares.get(name, 0.0) if claim else 0.0) for name, claim in self.labels}
        others = [name for name, claim in self.labels if not claim]
        for name in others:
            cats[name] = (1.0 - score) / len(others)
        doc.cats = cats
        return doc

    def _type_shares(self, sentence: SentenceInput, claims: list[str]) -> dict[str, float]:
        """How the claim probability splits over the claim types (softmax of the type model)."""
        model = self.model
        assert model is not None
        if not model.types:
            return {self.default: 1.0}
        from annotations.suggest.features import CUES, cues

        values = cues(sentence)
        dense = [values[name] for name in CUES]
        row = model._tfidf(sentence.text)
        logits = {name: model._logit(weights, row, dense) for name, weights in model.types.items() if name in claims}
        top = max(logits.values())
        exp = {name: math.exp(value - top) for name, value in logits.items()}
        total = sum(exp.values())
        return {name: value / total for name, value in exp.items()}

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        if self.model is None:
            raise ValueError(f"the {self.name} component has no model to save")
        (folder / "model.json").write_text(json.dumps(self.model.to_json()), encoding="utf-8")
        labels = {
            "labels": [{"name": n, "claim": c} for n, c in self.labels], "default_claim": self.default,
            "spans": self.spans,
        }
        (folder / "labels.json").write_text(json.dumps(labels, indent=2), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> ClaimsComponent:
        folder = Path(path)
        self.model = ClaimModel.from_json(json.loads((folder / "model.json").read_text("utf-8")))
        labels = json.loads((folder / "labels.json").read_text("utf-8"))
        self.labels = [(item["name"], bool(item["claim"])) for item in labels["labels"]]
        self.default = labels["default_claim"]
        self.spans = ANALYSIS if labels.get("spans") == ANALYSIS else ENTS  # pipelines before the field: ents
        return self


@Language.factory(FACTORY)
def make_claims(nlp: Language, name: str) -> ClaimsComponent:
    """The spaCy factory (also the ``spacy_factories`` entry point)."""
    return ClaimsComponent(name)


def write_pipeline(
    model: ClaimModel, labels: list[tuple[str, bool]], default_claim: str, out: Path, *, source: str | None = None
) -> Path:
    """Write ``out`` as a spaCy pipeline: the pipeline ``source`` (a package name or a
    folder: its tokenizer and every component, copied) plus the claims component,
    which then reads that pipeline's entities and the figure rules as spans. Without
    ``source``: spaCy's blank English plus the component, which reads text alone."""
    import spacy

    nlp = spacy.load(source) if source else spacy.blank("en")
    if FACTORY in nlp.pipe_names:  # the source is itself a trained pipeline: replace its model
        nlp.remove_pipe(FACTORY)
    component = nlp.add_pipe(FACTORY, last=True)
    component.model = model
    component.labels = list(labels)
    component.default = default_claim
    component.spans = ANALYSIS if source else ENTS
    base = f" on {nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '')} {nlp.meta.get('version', '')}" if source else ""
    nlp.meta["name"] = "claimscope_claims"
    nlp.meta["description"] = (
        f"claimscope claim detector{base}: doc.cats over the label scheme, learnt from a store's labels"
    )
    nlp.meta["requirements"] = sorted({*nlp.meta.get("requirements", []), "claimscope"})
    nlp.to_disk(out)
    return out
