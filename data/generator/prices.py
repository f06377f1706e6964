"""Bid prices: background prices are drawn around the ceiling price and re-drawn when
they happen to look like a planted price pattern, so price screens score cleanly."""

from __future__ import annotations

import itertools
import math
import random
import statistics

# thresholds the background is kept clear of (planted patterns sit well inside them)
MIN_CV = 0.012
HUG_SHARE = 0.985
STEP_TOLERANCE = 0.08


def looks_planted(prices: list[float], ceiling: float) -> bool:
    """True when a set of prices resembles low CV, ceiling hugging or regular steps."""
    if len(prices) < 3:
        return False
    if statistics.pstdev(prices) / statistics.fmean(prices) < MIN_CV:
        return True
    if min(prices) >= ceiling * HUG_SHARE:
        return True
    ordered = sorted(prices)
    steps = [b - a for a, b in itertools.pairwise(ordered)]
    mean = statistics.fmean(steps)
    return mean > 0 and all(abs(s - mean) <= STEP_TOLERANCE * mean for s in steps)


def background(rng: random.Random, ceiling: float, n: int) -> list[float]:
    """``n`` prices, ascending, each a lognormal-ish discount off the ceiling."""
    while True:
        prices = [
            round(ceiling * (1 - min(0.35, max(0.004, rng.lognormvariate(math.log(0.07), 0.55)))), 2) for _ in range(n)
        ]
        if not looks_planted(prices, ceiling):
            return sorted(prices)


def planted(rng: random.Random, ceiling: float, n: int, mode: str) -> list[float]:
    """Prices of a tender whose bidders coordinated them; ascending."""
    if mode == "low_cv":
        base = ceiling * (1 - rng.uniform(0.03, 0.08))
        return sorted(round(base * (1 + rng.uniform(-0.0015, 0.0015)), 2) for _ in range(n))
    if mode == "ceiling_hugging":
        return sorted(round(ceiling * (1 - rng.uniform(0.0005, 0.006)), 2) for _ in range(n))
    if mode == "regular_steps":
        low = ceiling * (1 - rng.uniform(0.06, 0.12))
        step = max(100.0, round(ceiling * rng.choice((0.005, 0.008, 0.01)), -2))
        return [round(low + i * step, 2) for i in range(n)]
    raise ValueError(mode)


def ceiling_text(rng: random.Random, ceiling: float) -> str:
    """The ceiling price as exports print it: plain, with separators, or in 万元."""
    form = rng.random()
    if form < 0.08:
        return f"{ceiling / 10000:.4f}万元"
    if form < 0.13:
        return f"{ceiling:,.2f}"
    return f"{ceiling:.2f}"
