"""Coalition screens: price screens over a GROUP of firms' joint tenders rather than over
one tender's few bids. A CV over 3–8 bids is a noisy estimate, but a cartel is
persistent: the same firms price their other joint tenders the same way. So

- a tender's *coalition evidence* is the Stouffer Z of the price scores (the market half
  ``market_z``: N(0, 1) for a tender priced like its market's competition, in ANY market
  (the two marks' correlation divided out: ``pricerisk.mark_correlation``) —
  the pooled half would add the market's price level once per tender, so the sum would grow
  with the pool's size) of the OTHER tenders where at least two
  of its bidders bid together — leave-one-out, its own bids never count twice. An honest
  local pool averages ≈ 0 there whatever its size; a ring is clustered again and again;
- a candidate group's screens (``screens_of_groups``, for many groups at once: cobid_ring's
  rings): the Z of the tenders where ≥ 2 members bid together, the same for the tenders
  where a member bid without any other member, and for each member the group without it
  (subgroups: who carries the signal).
Tenders are not independent (they overlap), so Z ranks evidence rather than being an
exact p-value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

MIN_SHARED = 2  # two firms meeting again is the smallest coalition


def _incidence(members: pd.DataFrame) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    pairs = members[["tender", "company"]].drop_duplicates()
    t_idx, tenders = pd.factorize(pairs["tender"].to_numpy(dtype=object))
    f_idx, firms = pd.factorize(pairs["company"].to_numpy(dtype=object))
    matrix = sparse.csr_matrix((np.ones(len(pairs)), (t_idx, f_idx)), shape=(len(tenders), len(firms)))
    return matrix, tenders, firms


def tender_coalition(members: pd.DataFrame, price_z: pd.Series, only: Iterable[str] | None = None) -> pd.DataFrame:
    """Per tender (of ``only``, default all): ``coalition_tenders`` (other priced tenders
    sharing ≥ 2 of its bidders) and ``coalition_z`` (their Stouffer Z; nan where none)."""
    columns = ["coalition_tenders", "coalition_z"]
    if members.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    incidence, tenders, _ = _incidence(members)
    rows = np.arange(len(tenders)) if only is None else np.flatnonzero(pd.Index(tenders).isin(list(only)))
    if not len(rows):
        return pd.DataFrame(columns=columns, dtype=float)
    shared = (incidence[rows] @ incidence.T).tocsr()
    shared.data = (shared.data >= MIN_SHARED).astype(float)
    shared[np.arange(len(rows)), rows] = 0  # leave-one-out: not its own bids
    shared.eliminate_zeros()
    z = price_z.reindex(tenders)
    priced = z.notna().to_numpy(dtype=float)
    count = shared @ priced
    total = shared @ z.fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        stouffer = np.where(count > 0, total / np.sqrt(count), np.nan)
    return pd.DataFrame({"coalition_tenders": count.astype(int), "coalition_z": stouffer}, index=tenders[rows])


def screens_of_groups(members: pd.DataFrame, price_z: pd.Series, groups: Sequence[Iterable[str]]) -> list[dict]:
    """Per group: ``together_tenders``/``together_z`` (tenders where ≥ 2 members bid),
    ``apart_tenders``/``apart_z`` (where one member bid without the others),
    ``together_minus_apart`` (difference of their mean Z) and ``without`` (groups of 3+
    members: each member → the joint Z of the group without it; ``{}`` otherwise) — for all
    groups at once, without filtering the member table once per (sub)group."""
    sets = [sorted(set(g)) for g in groups]
    if not sets:
        return []
    wanted = pd.DataFrame(
        {
            "group": np.repeat(np.arange(len(sets)), [len(s) for s in sets]),
            "company": np.array([c for s in sets for c in s], dtype=object),
        }
    )
    pairs = members.loc[members["company"].isin(wanted["company"]), ["tender", "company"]].astype(object)
    long = wanted.merge(pairs.drop_duplicates(), on="company")
    # one row per (group, tender), sorted by tender within the group (the order pandas sums in)
    per_tender = long.groupby(["group", "tender"], sort=True).size().rename("n").reset_index()
    per_tender["z"] = price_z.reindex(per_tender["tender"].to_numpy()).to_numpy(dtype=float)
    together = per_tender[per_tender["n"] >= MIN_SHARED]
    apart = per_tender[per_tender["n"] < MIN_SHARED]
    t_count, t_sum, t_priced = _segment_sums(together["group"].to_numpy(), together["z"].to_numpy(), len(sets))
    a_count, a_sum, a_priced = _segment_sums(apart["group"].to_numpy(), apart["z"].to_numpy(), len(sets))
    without = _without_each(long, together, sets)
    return [
        {
            "together_tenders": float(t_count[g]),
            "together_z": _stouffer(t_sum[g], t_priced[g]),
            "apart_tenders": float(a_count[g]),
            "apart_z": _stouffer(a_sum[g], a_priced[g]),
            "together_minus_apart": _ratio(t_sum[g], t_priced[g]) - _ratio(a_sum[g], a_priced[g]),
            "without": without.get(g, {}),
        }
        for g in range(len(sets))
    ]


def _without_each(long: pd.DataFrame, together: pd.DataFrame, sets: list[list[str]]) -> dict[int, dict[str, float]]:
    """Per group of 3+: member → joint-tender Z of the group without it. A joint tender
    stays joint without member m when it still has ≥ 2 other members."""
    subgroups = pd.DataFrame(
        [(g, m) for g, s in enumerate(sets) if len(s) > MIN_SHARED for m in s], columns=["group", "left_out"]
    )
    rows = subgroups.merge(together, on="group")
    present = long.rename(columns={"company": "left_out"}).assign(present=1)
    rows = rows.merge(present, on=["group", "left_out", "tender"], how="left")
    rows = rows[rows["n"] - rows["present"].fillna(0) >= MIN_SHARED]
    keys = pd.MultiIndex.from_frame(subgroups)
    rows = rows.assign(code=keys.get_indexer(pd.MultiIndex.from_frame(rows[["group", "left_out"]])))
    rows = rows.sort_values(["code", "tender"])  # tender order within each subgroup
    _, total, priced = _segment_sums(rows["code"].to_numpy(), rows["z"].to_numpy(), len(keys))
    out: dict[int, dict[str, float]] = {}
    for (g, m), t, p in zip(keys, total, priced, strict=True):
        out.setdefault(g, {})[m] = _stouffer(t, p)
    return out


def _segment_sums(codes: np.ndarray, z: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code (rows sorted by code): rows, sum of the non-missing z, and their number.
    Each segment is summed by numpy's own reduction of that slice, as ``Series.sum`` of
    the segment alone does (``np.add.reduceat`` sums in another order): the figures are
    bit-identical to the per-group screens. A few hundred slices: cheap."""
    count = np.bincount(codes, minlength=size)
    keep = ~np.isnan(z)
    codes, z = codes[keep], z[keep]
    priced = np.bincount(codes, minlength=size)
    ends = np.cumsum(priced)
    total = np.array([z[end - n : end].sum() for end, n in zip(ends, priced, strict=True)], dtype=float)
    return count, total, priced


def _stouffer(total: float, priced: int) -> float:
    return float(total / np.sqrt(priced)) if priced else float("nan")


def _ratio(total: float, priced: int) -> float:
    return float(total / priced) if priced else float("nan")
