"""The export (and import) formats: one module per format behind one registry.

``FORMATS`` maps each name to its :class:`~annotations.formats.registry.Format`;
importing this package imports every format module, which registers itself.
"""

from __future__ import annotations

from annotations.formats.registry import FORMATS, Format, WriteContext, register
from annotations.formats.collect import collect_rows
from annotations.formats.import_records import ImportOptions, ImportReport, ImportRow, LineError
from annotations.formats.rows import ExportRow

# The order here is the order `--format` offers them. A new format: one line here.
from annotations.formats import prodigy, doccano, table, spacy_docbin  # noqa: E402,F401  (register)
from annotations.formats import conll, label_studio, brat  # noqa: E402,F401  (register)

__all__ = [
    "FORMATS", "ExportRow", "Format", "ImportOptions", "ImportReport", "ImportRow", "LineError", "WriteContext",
    "collect_rows", "register",
]
