"""The pace of this session: how many sentences were labelled, and how fast."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable


#: Labelling time before a rate is shown.
MIN_SECONDS = 60.0


@dataclass
class Pace:
    """Sentences labelled this session, timed from the first label."""

    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    labelled: int = 0
    at_first: int = 0  # labelled by the first action, which only starts the clock
    first: float | None = None
    last: float | None = None

    def add(self, sentences: int = 1) -> None:
        """``sentences`` were labelled just now (a range counts each of its sentences)."""
        now = self.clock()
        if self.first is None:
            self.first, self.at_first = now, sentences
        self.last = now
        self.labelled += sentences

    def per_hour(self) -> float | None:
        """Labels per hour from the first label to the latest; None for the first minute.

        A rate over a few seconds says nothing (four quick keys would read as
        400,000/h), so it waits until a minute of labelling lies behind it.
        """
        if self.first is None or self.last is None or self.last - self.first < MIN_SECONDS:
            return None
        return (self.labelled - self.at_first) * 3600 / (self.last - self.first)

    def describe(self) -> str:
        """``42 labelled · 310/h`` (or ``1 labelled`` before a rate exists)."""
        rate = self.per_hour()
        text = f"{self.labelled} labelled"
        return text if rate is None else f"{text} · {rate:.0f}/h"
