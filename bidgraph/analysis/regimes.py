"""Regimes of a market over time (change points), and the market's competitive regime.

A market's tenders are judged against the market's own distribution. When the market's
pricing changes over time — a cartel forms or collapses; Abrantes-Metz et al. (2006)
found the end of a cartel as a break in price level and dispersion — the whole-market
distribution mixes two regimes and is the right null for neither. Each market's dated
tenders are ordered by bid-open date and their price mark (any statistic whose high side
is the collusive side) is tested for a change in location with Pettitt's (1979)
nonparametric test (a rank CUSUM: no distributional assumption, ranks are exchangeable
under "no change"). Binary segmentation splits at the strongest change while its p is
below ``ALPHA`` (0.01, the level the project uses for "significant"; a false break
changes the reference of a whole segment, so the test is strict) and both sides keep at
least ``min_size`` tenders (the size a market needs to carry an expectation). Splits
fall only between two different dates: the order within a day is arbitrary.

The *competitive regime* of a market is its segment with the lowest mean mark (least
clustered, lowest priced): the "after the cartel broke" benchmark. A market without a
break is its own competitive regime, so a stationary market is judged as before.
A slow drift (competition growing year by year) is also found as a change; the
comparison is then the same before/after one, which the explanation states."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

ALPHA = 0.01
COLUMNS = ("regime", "start", "end", "break_p", "reference")


def pettitt(values: np.ndarray, allowed: np.ndarray) -> tuple[int, float]:
    """The split (number of items on the left) with the largest |U_k| among the allowed
    splits, and its approximate p = 2·exp(−6K²/(n³ + n²)); (0, 1.0) when none is allowed."""
    n = len(values)
    if not allowed.any():
        return 0, 1.0
    ranks = stats.rankdata(values)
    u = np.abs(2 * np.cumsum(ranks)[:-1] - np.arange(1, n) * (n + 1))  # u[k-1]: split after k
    u = np.where(allowed, u, -1.0)
    k = int(np.argmax(u)) + 1
    p = min(1.0, 2 * np.exp(-6 * u[k - 1] ** 2 / (n**3 + n**2)))
    return k, p


def _segment(values: np.ndarray, dates: np.ndarray, min_size: int, alpha: float) -> list[tuple[int, int, float]]:
    """Binary segmentation: (start, end, p of the split that opened the segment; nan for
    the first) for every final segment of one market, positions in date order."""
    out, todo = [], [(0, len(values), np.nan)]
    while todo:
        start, end, p_open = todo.pop()
        n = end - start
        k = np.arange(1, n)
        allowed = (k >= min_size) & (n - k >= min_size) & (dates[start + 1 : end] != dates[start : end - 1])
        split, p = pettitt(values[start:end], allowed)
        if p < alpha:
            todo += [(start, start + split, p_open), (start + split, end, p)]
        else:
            out.append((start, end, p_open))
    return sorted(out)


def find(mark: pd.Series, dates: pd.Series, markets: pd.Series, *, min_size: int, alpha: float = ALPHA) -> pd.DataFrame:
    """Per tender (index of ``mark``): ``regime`` (0, 1, … in date order within its market;
    −1 undated), the regime's first and last date, the p of the break that opened it
    (nan for the first) and ``reference``: whether it is in its market's competitive
    regime (a market without a break, and its undated tenders, are their own reference)."""
    frame = pd.DataFrame({"mark": mark, "date": dates.reindex(mark.index), "market": markets.reindex(mark.index)})
    dated = frame.dropna(subset=["date", "mark"]).sort_values(["market", "date"], kind="stable")
    n = len(dated)
    regime, break_p, reference = np.zeros(n, int), np.full(n, np.nan), np.ones(n, bool)
    start, end = np.empty(n, object), np.empty(n, object)
    days = dated["date"].to_numpy()
    text = np.datetime_as_string(days, unit="D") if n else np.empty(0, object)
    values = dated["mark"].to_numpy(float)
    labels = dated["market"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1], True]) if n else []
    broken = []
    for lo, hi in itertools.pairwise(bounds):  # one market per run of rows
        cuts = _segment(values[lo:hi], days[lo:hi], min_size, alpha)
        competitive = int(np.argmin([values[lo + a : lo + b].mean() for a, b, _ in cuts]))
        for number, (a, b, p) in enumerate(cuts):
            rows = slice(lo + a, lo + b)
            regime[rows], break_p[rows], start[rows], end[rows] = number, p, text[lo + a], text[lo + b - 1]
            reference[rows] = number == competitive
        if len(cuts) > 1:
            broken.append(dated["market"].iat[lo])
    out = pd.DataFrame(
        {"regime": -1, "start": None, "end": None, "break_p": np.nan, "reference": True}, index=mark.index
    )
    out.loc[dated.index, list(COLUMNS)] = np.column_stack([regime, start, end, break_p, reference])
    # undated tenders of a market with a break are judged against its competitive regime
    out.loc[frame["date"].isna() & frame["market"].isin(broken), "reference"] = False
    return out.astype({"regime": int, "reference": bool, "break_p": float})


def versus_reference(values: pd.Series, groups: pd.Series, reference: pd.Series) -> pd.Series:
    """Each value's normal score against its group's reference items. Items of the
    reference: their upper mid-rank p within it (``pricerisk.normal_score``'s, exactly
    N(0, 1)). Other items: their robust distance from the reference, (v − median) /
    (1.4826·MAD) — a rank p among n_ref items cannot go below ½/(n_ref + 1), so every
    item beyond the reference would tie at a cap set by the reference's LENGTH, however
    far beyond it lies; the distance keeps how far. Where the reference has no spread
    (MAD and mean deviation 0) the mid-rank p (#{higher} + ½#{equal} + ½)/(n_ref + 1)
    stands in. nan values stay nan."""
    frame = pd.DataFrame({"v": values, "g": groups, "ref": reference.reindex(values.index).fillna(True)})
    inside = frame[frame["ref"]]
    ranks = inside.groupby("g")["v"].rank(method="average", ascending=False)
    z = pd.Series(stats.norm.isf((ranks - 0.5) / inside.groupby("g")["v"].transform("count")), index=ranks.index)
    z = z.reindex(frame.index)
    outside = frame[~frame["ref"] & frame["v"].notna()]
    for group, rows in outside.groupby("g"):  # only markets with a break: few
        base = np.sort(inside.loc[inside["g"] == group, "v"].dropna().to_numpy(float))
        z[rows.index] = _distance(rows["v"].to_numpy(float), base)
    return z


def _distance(v: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Robust z of ``v`` against the sorted reference ``base`` (``pricerisk.modified_z``'s
    scale: 1.4826·MAD, else 1.2533·mean absolute deviation); the mid-rank normal score
    where the reference has no spread."""
    if len(base) >= 2:
        centre = np.median(base)
        deviation = np.abs(base - centre)
        scale = 1.4826 * np.median(deviation) or 1.2533 * deviation.mean()
        if scale > 0:
            return (v - centre) / scale
    right, left = np.searchsorted(base, v, side="right"), np.searchsorted(base, v, side="left")
    return stats.norm.isf((len(base) - right + (right - left) / 2 + 0.5) / (len(base) + 1))


def market_notes(tenders: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per market with a break: (its breaks as text, its competitive regime's span).
    ``tenders``: market and the ``COLUMNS`` of ``find``."""
    broken = tenders[tenders["break_p"].notna()].drop_duplicates(["market", "regime"]).sort_values("start")
    reference = tenders[tenders["reference"].eq(True) & (tenders["regime"] >= 0)].drop_duplicates("market")
    spans = dict(zip(reference["market"], reference["start"] + "至" + reference["end"], strict=True))
    notes = {}
    for market, group in broken.groupby("market"):
        breaks = "、".join(
            f"{start}（Pettitt检验p={p:.2g}）" for start, p in zip(group["start"], group["break_p"], strict=True)
        )
        notes[market] = (breaks, spans.get(market, ""))
    return notes
