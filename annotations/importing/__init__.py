"""Read Prodigy or doccano JSONL, a Label Studio export, or claimscope's own CSV export,
back into the store: :func:`import_file` and :func:`import_lines`.

The modules, in the order a file passes through them:

- ``pipeline.py``: :func:`import_file`, :func:`import_lines`; the records applied
  article by article, each in its annotator's shard.
- ``files.py``: the file read as text and told apart (CSV or JSONL), or refused in one line.
- ``jsonl.py``: a Prodigy or doccano JSON line read as an ``ImportRow``.
- ``table.py``: a row of claimscope's CSV export read as an ``ImportRow``.
- ``applying.py``: one record matched to its sentence and applied (label, flag, note, spans).

A format of the registry that reads its own files (``Format.read``, Label Studio) is
read by its module in ``annotations/formats/``; the records are in
``annotations/formats/import_records.py``.
"""

from __future__ import annotations

from annotations.importing.pipeline import Resolver, import_file, import_lines

__all__ = ["Resolver", "import_file", "import_lines"]
