"""The reader: one article, a sentence cursor, and the labelling keys.

`ReaderScreen` (screen.py) is a thin screen: it holds the open article's state and its
widgets, and routes events to parts with one job each. Each part is a plain class in
its own module whose methods the screen takes on; read the one for the key you follow:

| module | holds |
| --- | --- |
| `bindings.py` | `READER_BINDINGS` (ids, keys, descriptions), `reader_bindings(scheme, config)` |
| `screen.py` | `ReaderScreen`: widgets, opening and analysing an article, cursor events, escape |
| `moves.py` | j/k, paragraphs, first/last, space, jumps (★, ✎, a label), ] and [ |
| `review.py` | review mode (R) |
| `ranges.py` | range selection (V) and labelling it in one step |
| `labelling.py` | the labelling flow: label keys, c, 0, w, n, the durable write, advance |
| `history.py` | undo and redo, `history_message` |
| `boundaries.py` | merge (m) and split (S) sentences |
| `spans.py` | span mode (v), `SpanCursor`, where a span comes from |
| `suggesting.py` | suggestions: scoring, ghost labels, enter accepts, most useful next |
| `search.py` | search (/, n, N) |
| `status.py` | the title and the status line, `progress_bar` |
| `panel.py` | the side panel (p), the legend and the highlight layers (e, f, d) |
| `labels_here.py` | what the open article's labels say (reviewed, skipped, with a label, others') |
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.screens.reader.bindings import READER_BINDINGS, reader_bindings
    from tui.screens.reader.history import history_message
    from tui.screens.reader.screen import AnalysisFailed, AnalysisReady, ReaderScreen
    from tui.screens.reader.spans import RULE_ONLY_LABELS, SpanCursor
    from tui.screens.reader.status import progress_bar
    from tui.screens.reader.suggesting import SuggestionsReady

# Each name is imported from its module when first asked for: the key check at start-up
# needs only bindings.py, and the screen itself is built after the list is painted.
_WHERE = {
    "READER_BINDINGS": "bindings",
    "reader_bindings": "bindings",
    "history_message": "history",
    "AnalysisFailed": "screen",
    "AnalysisReady": "screen",
    "ReaderScreen": "screen",
    "RULE_ONLY_LABELS": "spans",
    "SpanCursor": "spans",
    "progress_bar": "status",
    "SuggestionsReady": "suggesting",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "READER_BINDINGS",
    "RULE_ONLY_LABELS",
    "AnalysisFailed",
    "AnalysisReady",
    "ReaderScreen",
    "SpanCursor",
    "SuggestionsReady",
    "history_message",
    "progress_bar",
    "reader_bindings",
]
