"""Price screens (报价离散度) per tender, after Imhof, Karagök & Rutz (2018) and Huber &
Imhof (2019): collusive bids cluster (low CV, low kurtosis-free spread), the winner
sits far from the covers (high DIFFP, RD, RDNOR), covers step regularly, and bids hug
the ceiling price. All on the valid bids with a price, sorted ascending."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

SCREEN_ZH = {
    "n": "有效报价数",
    "cv": "变异系数CV",
    "spread": "极差率",
    "diffp": "最低两价差DIFFP",
    "rd": "相对距离RD",
    "rdnor": "归一化相对距离RDNOR",
    "kurtosis": "峰度",
    "skewness": "偏度",
    "ks": "均匀分布KS统计量",
    "step_cv": "报价阶梯变异系数",
    "ceiling_ratio": "平均报价/最高限价",
}


def screens(prices: np.ndarray | list[float], ceiling: float | None = None) -> dict[str, float]:
    """Every screen for one tender's prices (nan where the screen needs more bids).

    cv = sample std / mean; spread = (max − min) / min; diffp = (p2 − p1) / p1;
    rd = (p2 − p1) / sample std of the losing bids p2…pn; rdnor = (p2 − p1) / mean gap
    between adjacent losing bids; kurtosis, skewness: bias-corrected (excess kurtosis);
    ks = Kolmogorov–Smirnov statistic of the prices rescaled to [0, 1] against the
    uniform; step_cv = CV of the gaps between adjacent bids (≈0: regular steps);
    ceiling_ratio = mean price / ceiling."""
    p = np.sort(np.asarray(prices, dtype=float))
    n = len(p)
    nan = math.nan
    out = dict.fromkeys(SCREEN_ZH, nan)
    out["n"] = float(n)
    if n >= 2:
        out["cv"] = float(p.std(ddof=1) / p.mean())
        out["spread"] = float((p[-1] - p[0]) / p[0])
        out["diffp"] = float((p[1] - p[0]) / p[0])
    losing = p[1:]
    if n >= 3:
        sd_losing = losing.std(ddof=1)
        out["rd"] = float((p[1] - p[0]) / sd_losing) if sd_losing > 0 else math.inf
        mean_gap = float(np.diff(losing).mean())
        out["rdnor"] = float((p[1] - p[0]) / mean_gap) if mean_gap > 0 else math.inf
        gaps = np.diff(p)
        out["step_cv"] = float(gaps.std(ddof=1) / gaps.mean()) if gaps.mean() > 0 and n >= 4 else nan
        scaled = (p - p[0]) / (p[-1] - p[0]) if p[-1] > p[0] else np.zeros(n)
        out["ks"] = float(stats.kstest(scaled, "uniform").statistic)
        with warnings.catch_warnings():  # equal prices: nan, which is the answer
            warnings.simplefilter("ignore", RuntimeWarning)
            out["skewness"] = float(stats.skew(p, bias=False))
            if n >= 4:
                out["kurtosis"] = float(stats.kurtosis(p, fisher=True, bias=False))
    if ceiling and ceiling > 0 and n:
        out["ceiling_ratio"] = float(p.mean() / ceiling)
    return out


def tender_screens(bids: pd.DataFrame, *, min_bids: int = 3) -> pd.DataFrame:
    """One row of screens per tender with at least ``min_bids`` valid priced bids; the
    same formulas as ``screens`` computed for all tenders at once (numpy, no loop)."""
    valid = bids[bids["valid"] & bids["price"].notna() & (bids["price"] > 0)]
    valid = valid.sort_values(["tender", "price"], kind="stable")
    sizes = valid.groupby("tender", sort=False)["price"].transform("size")
    valid = valid[sizes >= min_bids]
    columns = ["tender", "segment", *SCREEN_ZH]
    if valid.empty:
        return pd.DataFrame(columns=columns)
    # sorted by tender: each tender's bids are one run (faster than np.unique on strings)
    tender = valid["tender"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, tender[1:] != tender[:-1]])
    counts, codes = np.diff(np.r_[starts, len(tender)]), tender[starts].astype(str)
    p = valid["price"].to_numpy(dtype=float)
    gid = np.repeat(np.arange(len(codes)), counts)
    n = counts.astype(float)
    first, last = p[starts], p[starts + counts - 1]
    second = p[starts + 1]

    def per_group(values: np.ndarray) -> np.ndarray:
        return np.bincount(gid, weights=values, minlength=len(codes))

    mean = per_group(p) / n
    dev = p - mean[gid]
    m2, m3, m4 = (per_group(dev**k) / n for k in (2, 3, 4))
    with np.errstate(divide="ignore", invalid="ignore"):
        losing = np.ones(len(p), dtype=bool)
        losing[starts] = False
        losing_mean = per_group(p * losing) / (n - 1)
        losing_sd = np.sqrt(per_group(((p - losing_mean[gid]) ** 2) * losing) / (n - 2))
        gap_mean = (last - first) / (n - 1)
        gaps = np.diff(p, append=np.nan)
        gaps[starts + counts - 1] = 0.0
        gap_sd = np.sqrt(np.maximum(per_group(gaps**2) - (n - 1) * gap_mean**2, 0) / (n - 2))
        rank = np.arange(len(p)) - starts[gid]
        scaled = np.where((last - first)[gid] > 0, (p - first[gid]) / (last - first)[gid], 0.0)
        distance = np.maximum((rank + 1) / n[gid] - scaled, scaled - rank / n[gid])
        g1, g2 = m3 / m2**1.5, m4 / m2**2 - 3
        ceiling = valid["ceiling"].to_numpy(dtype=float)[starts]
        table = {
            "n": n,
            "cv": np.sqrt(m2 * n / (n - 1)) / mean,
            "spread": (last - first) / first,
            "diffp": (second - first) / first,
            "rd": np.where(n >= 3, (second - first) / losing_sd, np.nan),
            "rdnor": np.where(n >= 3, (second - first) / ((last - second) / (n - 2)), np.nan),
            "kurtosis": np.where(n >= 4, ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)), np.nan),
            "skewness": np.where(n >= 3, g1 * np.sqrt(n * (n - 1)) / (n - 2), np.nan),
            "ks": np.where(n >= 3, np.maximum.reduceat(distance, starts), np.nan),
            "step_cv": np.where((n >= 4) & (gap_mean > 0), gap_sd / gap_mean, np.nan),
            "ceiling_ratio": np.where(ceiling > 0, mean / ceiling, np.nan),
        }
    segments = valid["segment"].to_numpy()[starts]
    return pd.DataFrame({"tender": codes, "segment": segments, **table}, columns=columns)
