"""WCAG contrast of everything the reader draws, in the dark and the light theme.

Runs the real app over a fictional article with every label of the default scheme,
a check-worthy star, a note, the cursor, a search hit and a span-mode selection, then
reads the colours back from the rendered lines (the article view with its gutter and
the label bar): each distinct (text colour, background) pair is measured, with the
theme's own colours filling in where a style leaves one unset. AA asks 4.5:1.

    python benchmarks/contrast.py          # prints every pair, exit 1 if any is under AA
    python benchmarks/contrast.py --quick  # the same (it is quick already; CI runs it so)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

ARTICLE = """Port of Westhaven sets a cargo record

The port handled 4.2 million tonnes in 2023, up 12% on the year. Jobs at the docks were cut by 300. Officials expect more ships next year. The Harbour Authority will change its fees.

Chief executive Maria Jensen, 54, said traffic would grow. "We saw it coming," she said. The council will meet in March to talk about the 2-1 vote.
"""
THEMES = ("textual-dark", "textual-light")


def strip_pairs(strips, foreground: str, background: str) -> dict[tuple[str, str], str]:
    """(text colour, background) -> a sample of the text drawn so, for every visible cell."""
    from tui.contrast import hex_of

    pairs: dict[tuple[str, str], str] = {}
    for strip in strips:
        for segment in strip:
            if not segment.text.strip() or segment.style is None:
                continue
            style = segment.style
            fg = hex_of(tuple(style.color.get_truecolor())) if style.color and not style.color.is_default else foreground
            bg = hex_of(tuple(style.bgcolor.get_truecolor())) if style.bgcolor and not style.bgcolor.is_default else background
            if style.reverse:
                fg, bg = bg, fg
            pairs.setdefault((fg, bg), segment.text.strip()[:24])
    return pairs


async def measure(theme: str, folder: Path) -> list[tuple[float, str, str, str]]:
    """Every colour pair the reader shows in ``theme``: (ratio, text colour, background, sample)."""
    from apps import make_app
    from tui.contrast import contrast, hex_of
    from tui.widgets.legend import LabelBar

    app = make_app(folder / "corpus", folder / f"store-{theme}", _analyzer())
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await app.workers.wait_for_complete()
        app.open_article("port.txt")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        for index, label in enumerate(app.scheme):
            reader.doc.set_label(index, label.name)
        reader.doc.set_checkworthy(1, True)
        reader.doc.set_note(2, "check the figure")
        reader._refresh_annotations()
        reader._move(len(reader.analysis.sentences) - 1)
        await pilot.press("slash", *"council", "enter", "v", "l", "L")
        await pilot.pause()
        view = reader.view
        base = view.rich_style
        foreground = hex_of(tuple(base.color.get_truecolor()))
        background = hex_of(tuple(base.bgcolor.get_truecolor()))
        pairs = strip_pairs([view.render_line(y) for y in range(view.size.height)], foreground, background)
        bar = reader.query_one(LabelBar)
        bar_style = bar.rich_style
        pairs.update(
            strip_pairs(
                bar.render_lines(bar.region.reset_offset),
                hex_of(tuple(bar_style.color.get_truecolor())),
                hex_of(tuple(bar_style.bgcolor.get_truecolor())),
            )
        )
    app.store.close()
    return sorted((contrast(fg, bg), fg, bg, sample) for (fg, bg), sample in pairs.items())


_ANALYZER = None


def _analyzer():
    global _ANALYZER
    if _ANALYZER is None:
        from corpus.analysis import Analyzer

        _ANALYZER = Analyzer()
    return _ANALYZER


def run() -> dict[str, list[tuple[float, str, str, str]]]:
    """The measured pairs per theme."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("CLAIMSCOPE_CONFIG_DIR", "CLAIMSCOPE_DATA_DIR"):
            os.environ.setdefault(name, str(folder / name.lower()))
        (folder / "corpus").mkdir()
        (folder / "corpus" / "port.txt").write_text(ARTICLE, encoding="utf-8")
        return {theme: asyncio.run(measure(theme, folder)) for theme in THEMES}


def main() -> int:
    from tui.contrast import AA

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="accepted for CI; the run is small already")
    parser.parse_args()

    failed = 0
    for theme, pairs in run().items():
        print(f"{theme}: {len(pairs)} colour pairs, lowest {pairs[0][0]:.2f}:1 (AA: {AA}:1)")
        for ratio, fg, bg, sample in pairs:
            flag = "" if ratio >= AA else "  < AA"
            failed += ratio < AA
            print(f"  {ratio:5.2f}  {fg} on {bg}  {sample!r}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
