"""Colour arithmetic for the reader: WCAG contrast, the text colour for a chip, tints.

WCAG 2.x relative luminance and contrast ratio (AA asks 4.5:1 for text). The reader
draws label chips and sentence tints from the scheme's colours, which a project may
choose freely, so the text on them is picked here rather than fixed.
"""

from __future__ import annotations

from typing import Sequence

from rich.color import Color as RichColor

BLACK = "#000000"
WHITE = "#ffffff"
AA = 4.5


def rgb(color: str | RichColor) -> tuple[int, int, int]:
    """``(r, g, b)`` of a colour given as ``#rrggbb``, a colour name, or a rich `Color`."""
    parsed = color if isinstance(color, RichColor) else RichColor.parse(color)
    triplet = parsed.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def hex_of(triplet: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*triplet)


def luminance(color: str | RichColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str | RichColor, second: str | RichColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE


def blend(color: str, background: str, alpha: float) -> str:
    """``color`` laid over ``background`` at opacity ``alpha`` (0..1), as ``#rrggbb``."""
    top, bottom = rgb(color), rgb(background)
    return hex_of(tuple(round(alpha * t + (1 - alpha) * b) for t, b in zip(top, bottom)))  # type: ignore[arg-type]


def tint(color: str, background: str, foregrounds: Sequence[str], alpha: float = 0.3) -> str:
    """A background that leans toward ``color``, for text in any of ``foregrounds``.

    Starts at ``alpha`` and backs off toward ``background`` until every foreground
    keeps AA contrast, so a scheme colour close to a text colour stays readable.
    """
    while alpha > 0.05:
        candidate = blend(color, background, alpha)
        if all(contrast(foreground, candidate) >= AA for foreground in foregrounds):
            return candidate
        alpha -= 0.05
    return background
