"""Python's full garbage collections, moved into the pauses between a person's keys.

A full collection (the oldest generation) walks every object the app holds: the
corpus, the analyses, the store's records, Textual's widgets and caches. In the
reader it took 30 to 40 ms (measured with ``gc.callbacks`` under
benchmarks/suggest.py), two frames, and while someone labelled it came every few
seconds, whenever enough objects had survived the younger collections; a label key
that met one was late by that much.

`IdleCollector` runs that collection itself once input has paused for `IDLE`
seconds, and then freezes what survived (`gc.freeze`): the automatic collections
that follow walk only the objects made since, which takes a millisecond or two.
The next pause thaws everything first, so garbage among the frozen objects is
still found, just never in the middle of a burst of keys.

The young collections are a smaller cost of the same kind: drawing a frame makes
thousands of short-lived objects (strips, segments, styles), so a key that scrolls
the reader met two or three collections of the youngest generation and now and then
one of the middle generation (0.2 to 1 ms each; benchmarks/tui.py part 1 lists them
per key). `hold` turns the automatic collections off when a key or click arrives and
`resume` turns them back on once its frame is out (the app asks for that with
`call_after_refresh`): whatever collection the key made due runs right after the
frame, between keys, and no object is left uncollected for longer than one frame.

Start-up is the same story once more: importing Textual and the app, reading the
corpus and building the widgets make hundreds of thousands of objects, none of them
garbage yet, and the automatic collections walked them over and over (about a third
of the CPU time from process start to the list painted, in benchmarks/tui.py part
3b). `hold_during_start` turns them off while the process starts, and
`resume_after_start` (after the first frame) freezes what start-up made and turns
them back on: the first pause collects it, as above.
"""

from __future__ import annotations

import gc
import time
from typing import Callable

#: Seconds without input before the full collection runs.
IDLE = 1.0
#: The oldest generation's threshold while the app runs: the automatic collections
#: then never reach it (a full collection is `IdleCollector.tick`'s, at a pause).
FULL_AT_PAUSES_ONLY = 1 << 30


def hold_during_start() -> None:
    """No automatic collections until `resume_after_start` (the app's start, `tui/cli.py`)."""
    gc.disable()


def resume_after_start() -> None:
    """Turn the automatic collections back on, with what start-up made frozen.

    Only if `hold_during_start` turned them off: an app built in a test or a script
    leaves the collector as it found it.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class IdleCollector:
    """Call `input` on every key or click and `tick` from a timer; `release` when the app ends."""

    def __init__(self, idle: float = IDLE, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.clock = clock
        self.last_input = clock()
        self.due = True  # start-up made a lot of objects: collect at the first pause
        self.runs = 0
        self.holding = False  # `hold` turned the automatic collections off
        self._thresholds: tuple[int, int, int] | None = None  # as they were before `take_over`

    def take_over(self) -> None:
        """From now until `release`, full collections run only at pauses (`tick`).

        Keys that never pause for `IDLE` seconds (a held ``j``, a fast run of labels)
        otherwise met the automatic full collection as the unfrozen part of the heap
        grew: 100 to 250 ms each in a long article (benchmarks/session.py, "key to the
        frame that says saved", p99 216-229 ms), a frame that late. The younger
        generations are collected as before, and objects without cycles are freed by
        reference counting at once: what waits for the pause is cyclic garbage.
        """
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _full = self._thresholds
            gc.set_threshold(young, middle, FULL_AT_PAUSES_ONLY)

    def input(self) -> None:
        """A person pressed a key or clicked: a collection is due at the next pause."""
        self.last_input = self.clock()
        self.due = True

    def hold(self) -> bool:
        """No automatic collections until `resume` (a key's frame is being made).

        True if this turned them off; False when they were off already (start-up, an
        export, an earlier hold), and then `resume` leaves them as they are.
        """
        if self.holding or not gc.isenabled():
            return False
        gc.disable()
        self.holding = True
        return True

    def resume(self) -> None:
        """The automatic collections back on after a `hold` (the key's frame is out)."""
        if self.holding:
            self.holding = False
            gc.enable()

    def tick(self) -> bool:
        """Collect and freeze if one is due and input has paused; True when it ran."""
        if self.holding and self.clock() - self.last_input >= self.idle / 4:
            self.resume()  # a frame that never came (the screen went meanwhile)
        if not self.due or self.clock() - self.last_input < self.idle:
            return False
        self.due = False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.runs += 1
        return True

    def release(self) -> None:
        """Hand every frozen object back to the collector, and the full collections
        back to it too (the app is closing)."""
        self.resume()
        gc.unfreeze()
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
