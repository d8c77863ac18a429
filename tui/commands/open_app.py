"""The bare ``claimscope [PATH]`` command: open the interactive app on a corpus.

Nothing here imports spaCy: the model is only looked up (is the package installed?),
and loaded by the reader's worker the first time an article needs analysing.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The app takes only the corpus path (the global options come from `cli`)."""
    from pathlib import Path

    parser.add_argument("path", nargs="?", type=Path, help="corpus folder (default: the sample)")


def run(args: argparse.Namespace) -> int:
    """Open the app; returns the exit status once the user quits."""
    from annotations.lock import exit_on_signals
    from tui.app import create_app

    # Until the app's own handlers are up (and after), a hang-up still closes the store.
    with exit_on_signals():
        app = create_app(
            getattr(args, "path", None),
            model=getattr(args, "model", None),
            store_dir=getattr(args, "store", None),
            annotator=getattr(args, "annotator", None) or "annotator",
            labels=getattr(args, "labels", None),
        )
        try:
            app.run()
        finally:
            app.store.close()
    return app.return_code or 0
