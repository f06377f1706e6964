"""Holding the garbage collector's full passes during long passes that build many
long-lived objects without cycles: a load (records, facts, the bulk model) and a detector
run or triage (result rows, bid tables, tens of thousands of findings). With the default
thresholds CPython re-traverses the whole heap each time the survivors grow by a quarter:
a fifth of a load's CPU and 2–3 of a cold triage's ~10 CPU-s on medium, freeing almost
nothing. Young objects are still collected."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Held:
    """Passes running (any thread) and the collector's thresholds before the first."""

    lock = threading.Lock()
    passes = 0
    before = gc.get_threshold()


@contextmanager
def few_collections() -> Iterator[None]:
    """Full passes wait until the last holder (any thread) is over; the thresholds are then
    restored as they were."""
    with _Held.lock:
        _Held.passes += 1
        if _Held.passes == 1:
            before = _Held.before = gc.get_threshold()
            gc.set_threshold(max(before[0], 50_000), max(before[1], 20), max(before[2], 1_000_000))
    try:
        yield
    finally:
        with _Held.lock:
            _Held.passes -= 1
            if not _Held.passes:
                gc.set_threshold(*_Held.before)
