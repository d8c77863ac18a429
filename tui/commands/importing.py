"""``claimscope import PATH FILE``: read Prodigy/doccano JSONL, Label Studio JSON or claimscope CSV back into the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tui.output import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``import``."""
    parser.add_argument("path", type=Path, help="the corpus folder (or one article file)")
    parser.add_argument(
        "file", type=Path,
        help="Prodigy or doccano JSONL, Label Studio's JSON export, or a CSV from `claimscope export --format csv`",
    )
    parser.add_argument(
        "--users",
        metavar="ID=NAME,...|FILE",
        help="names for Label Studio's user ids (`1=alice,3=bob`), or a file with one ID=NAME "
        "per line (or a JSON object of ids to names); without it an edit is by 'label-studio user N'",
    )
    parser.add_argument(
        "--accept-removals",
        action="store_true",
        help="also remove the spans a file lacks where its tool cannot hold them (overlapping "
        "spans in doccano or Prodigy's ner.manual, an annotation without spans); by default "
        "these removals are held back and counted",
    )


def read_users(value: str | None) -> dict[str, str]:
    """``--users``: ``ID=NAME,...``, or a file of ``ID=NAME`` lines (``#`` comments and blank
    lines skipped) or of one JSON object; ids -> annotator names, each name checked as
    ``--annotator`` is. A bad map is one line naming it."""
    import json

    from annotations.errors import ImportFileError
    from annotations.store import check_annotator
    from corpus.errors import ClaimscopeError

    if value is None:
        return {}
    path = Path(value)
    pairs: list[tuple[str, str, str]] = []  # (where, id, name)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ImportFileError(f"--users {path}: cannot read it ({error})") from None
        if text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as error:
                raise ImportFileError(f"--users {path}: not a JSON object of ids to names ({error})") from None
            if not isinstance(data, dict) or not all(isinstance(v, (str, int)) for v in data.values()):
                raise ImportFileError(f"--users {path}: not a JSON object of ids to names")
            pairs = [(f"{path}", str(k), str(v)) for k, v in data.items()]
        else:
            for number, line in enumerate(text.split("\n"), start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                pairs.append((f"{path} line {number}", *_pair(line, f"{path} line {number}")))
    elif "=" in value:
        pairs = [("--users", *_pair(part.strip(), "--users")) for part in value.split(",") if part.strip()]
    else:
        raise ImportFileError(
            f"--users {value!r}: no such file, and not ID=NAME,...; give e.g. --users 1=alice,3=bob "
            "or a file with one ID=NAME per line"
        )
    users: dict[str, str] = {}
    for where, uid, name in pairs:
        try:
            users[uid] = check_annotator(name)
        except ClaimscopeError as error:  # the store's one-line reason
            raise ImportFileError(f"{where}: {name!r} cannot be an annotator name ({error})") from None
    return users


def _pair(text: str, where: str) -> tuple[str, str]:
    from annotations.errors import ImportFileError

    uid, sep, name = text.partition("=")
    if not sep or not uid.strip() or not name.strip():
        raise ImportFileError(f"{where}: {text!r} is not ID=NAME (e.g. 1=alice)")
    return uid.strip(), name.strip()


def article_resolver(corpus, model: str | None):
    """Article id -> (article, analysis) for the corpus (analysing when not cached), or None.

    What ``import`` and ``merge`` use to put stored records on the current sentences.
    """
    from corpus.analysis import Analyzer

    by_id = {a.id: a for a in corpus.articles}
    analyzer = Analyzer(model=model)

    def resolve(article_id: str):
        article = by_id.get(article_id)
        return None if article is None else (article, analyzer.analyze(article))

    return resolve


def run(args: argparse.Namespace) -> int:
    """Import; returns 0 when every line was imported, 1 when some lines were rejected."""
    from annotations.errors import ImportFileError, StoreError
    from annotations.importing import import_file
    from annotations.scheme import find_scheme
    from contextlib import ExitStack

    from annotations.lock import exit_on_signals
    from annotations.store import Store
    from corpus.articles import load_corpus

    if not args.file.is_file():  # checked before the store is opened (or created)
        raise ImportFileError(f"{args.file} does not exist or is not a file")
    from annotations.formats.import_records import ImportOptions

    options = ImportOptions(users=read_users(args.users), accept_removals=args.accept_removals)
    console = Console(stderr=True)
    corpus = load_corpus(args.path)
    scheme = find_scheme(corpus.root, getattr(args, "labels", None))
    stack = ExitStack()  # closes the store also on a hang-up or kill (releasing its lock)
    stack.enter_context(exit_on_signals())
    store = Store.open(
        corpus.root, annotator=args.annotator, scheme=scheme, store_dir=getattr(args, "store", None)
    )
    try:
        console.print(Text(store.describe()), soft_wrap=True)
        for notice in store.notices:
            console.print(Text(notice, style="yellow"), soft_wrap=True)
        if store.read_only:
            raise StoreError(f"cannot import: {store.read_only_reason}")
        from annotations.relocate import relocate_labels

        for notice in relocate_labels(store, corpus):  # labels of records whose id changed
            console.print(f"claimscope: {notice}", markup=False, highlight=False, soft_wrap=True)
        resolve = article_resolver(corpus, getattr(args, "model", None))
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task(f"importing {args.file.name}", total=None)
            report = import_file(
                store, args.file, resolve,
                progress=lambda n: progress.advance(task, n),
                on_records=lambda n: progress.update(task, total=n),
                options=options,
            )
    finally:
        store.close()
        stack.close()
    console.print(Text(report.summary()), soft_wrap=True)
    for note in report.notes():
        console.print(Text(note), soft_wrap=True)
    for warning in report.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)
    for error in report.errors:
        console.print(Text(error, style="red"), soft_wrap=True)
    return 1 if report.errors else 0
