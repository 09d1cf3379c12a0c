"""Helpers for bulk work in Python (ledger import, demo seeding)."""

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    """Python's cycle collector paused while a bulk step builds hundreds of thousands of rows.

    Every 700 new container objects it scans the young ones, and ever more often the whole heap, which
    here is the rows themselves: measured on a 90,000-person import, 40 % of the Python time (reading
    0.37 → 0.10 s, checking 2.0 → 1.4 s, writing 2.1 → 1.2 s). The rows are plain tuples, lists and
    dicts without reference cycles, so nothing is left for the collector to find; it resumes after.
    Usable as a decorator.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
