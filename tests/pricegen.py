"""A generated market for the risk and regime tests: its first 80 tenders (2020–21) bid
within 0.2–0.5% of each other at 95% of the estimate (a cartel period), the next 80 with
CVs of 3–8% at 88% (competition), one tender every 9 days."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd


def cartel_then_competition(rng: np.random.Generator) -> Iterator[tuple[int, bool, float, float, str]]:
    """(tender number, in the cartel period, CV, price level, bid-open day) per tender; the
    caller draws the bids from ``rng`` after each."""
    for t in range(160):
        cartel = t < 80
        cv = rng.uniform(0.002, 0.005) if cartel else rng.uniform(0.03, 0.08)
        level = (0.95 if cartel else 0.88) + rng.normal(0, 0.005)
        yield t, cartel, cv, level, (pd.Timestamp("2020-01-01") + pd.Timedelta(days=t * 9)).strftime("%Y-%m-%d")
