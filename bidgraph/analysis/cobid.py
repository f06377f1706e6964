"""Co-bidding statistics and rings (抱团投标). For each pair of companies: how many
tenders they bid together (count), the Jaccard index of their tender sets, and the lift
against what their bidding frequencies in each market segment (industry + region)
predict if they bid independently: expected = Σ_segment n_i·n_j / T_segment. Pairs far
above expectation form a graph whose communities (Leiden, igraph) are candidate rings."""

from __future__ import annotations

import random
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd
from scipy import sparse

from bidgraph.analysis.market import Market


@dataclass(frozen=True)
class PairStats:
    """One row per co-bidding pair: a, b, count, n_a, n_b, jaccard, expected, lift."""

    table: pd.DataFrame


def pair_stats(market: Market, *, min_count: int = 2) -> PairStats:
    """Pair counts by a sparse company×tender product; expectations by company×segment."""
    members = market.members
    if members.empty:
        return PairStats(pd.DataFrame(columns=["a", "b", "count", "n_a", "n_b", "jaccard", "expected", "lift"]))
    segments = market.bids.drop_duplicates("tender").set_index("tender")["segment"]
    companies, company_idx = _codes(members["company"])
    tenders, tender_idx = _codes(members["tender"])
    incidence = sparse.csr_matrix(
        (np.ones(len(members)), (company_idx, tender_idx)), shape=(len(companies), len(tenders))
    )
    incidence.data[:] = 1.0
    # members of one consortium bid are one side: their co-occurrence inside it is removed
    bidders, bidder_idx = _codes(members["bidder"])
    sides, side_idx = np.unique(tender_idx.astype(np.int64) * len(bidders) + bidder_idx, return_inverse=True)
    same_side = sparse.csr_matrix((np.ones(len(members)), (side_idx, company_idx)), shape=(len(sides), len(companies)))
    together = sparse.triu(incidence @ incidence.T - same_side.T @ same_side, k=1).tocoo()
    keep = together.data >= min_count
    a, b, count = together.row[keep], together.col[keep], together.data[keep]
    n = np.asarray(incidence.sum(axis=1)).ravel()
    seg_names, seg_idx = _codes(segments.reindex(tenders).fillna(""))
    tenders_per_segment = np.bincount(seg_idx, minlength=len(seg_names)).astype(float)
    by_segment = incidence @ sparse.csr_matrix(
        (np.ones(len(tenders)), (np.arange(len(tenders)), seg_idx)), shape=(len(tenders), len(seg_names))
    )
    scaled = by_segment @ sparse.diags(1.0 / tenders_per_segment)
    expected = np.asarray(scaled[a].multiply(by_segment[b]).sum(axis=1)).ravel()
    table = pd.DataFrame(
        {
            "a": companies[a],
            "b": companies[b],
            "count": count.astype(int),
            "n_a": n[a].astype(int),
            "n_b": n[b].astype(int),
        }
    )
    table["jaccard"] = table["count"] / (table["n_a"] + table["n_b"] - table["count"])
    table["expected"] = expected
    table["lift"] = table["count"] / np.maximum(expected, 1e-9)
    return PairStats(table.sort_values(["count", "lift"], ascending=False, ignore_index=True))


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` by hashing (sorted uniques, same codes;
    a missing value is a value): on the column itself, 10× faster than on a copy as
    numpy text."""
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    return np.asarray(uniques), codes


@dataclass(frozen=True)
class Ring:
    members: tuple[str, ...]
    pairs: pd.DataFrame  # the candidate pairs inside the ring
    tenders: tuple[str, ...]  # tenders where at least three members bid together
    triples: int  # strong triples inside the ring
    triple_lift: float  # median lift of those triples
    capture: float  # share of the ring's tenders won by a member

    @property
    def key(self) -> str:
        return "+".join(self.members)


PAIR_LIFT = 1.5  # candidate pairs for triples; the triples carry the evidence


def find_rings(
    market: Market,
    stats: PairStats,
    *,
    min_count: int = 5,
    min_lift: float = 3.0,
    min_capture: float = 0.0,
    seed: int = 7,
) -> list[Ring]:
    """Rings from triples, not pairs: three firms bidding together ``min_count`` times,
    ``min_lift`` times what their segment frequencies predict (Σ n_i·n_j·n_k / T²), are
    strong; Leiden communities of the strong-triple graph are rings (``min_capture``,
    the share of their tenders won by a member, is a gate only when asked for). Pairs alone meet by
    chance in small markets far too often; triples and capture do not."""
    table = stats.table
    candidates = table[(table["count"] >= min_count) & (table["lift"] >= PAIR_LIFT)]
    if candidates.empty:
        return []
    segments = _segments(market)
    tenders_per_segment = segments.value_counts().to_dict()
    # only firms of candidate pairs can be in a triple: their bids, not all bids, are indexed
    named = pd.unique(candidates[["a", "b"]].to_numpy().ravel())
    members = market.members[market.members["company"].isin(named)]
    members = members.assign(segment=members["tender"].map(segments))
    per_segment: dict[str, dict[str, int]] = {}
    for (company, segment), n in members.groupby(["company", "segment"]).size().items():
        per_segment.setdefault(company, {})[segment] = n
    tenders_of = _sets(members["company"], members["tender"])
    graph = ig.Graph.TupleList(candidates[["a", "b"]].itertuples(index=False))
    strong = []
    for clique in graph.cliques(3, 3):
        trio = sorted(graph.vs[i]["name"] for i in clique)
        together = tenders_of[trio[0]] & tenders_of[trio[1]] & tenders_of[trio[2]]
        shared = set(per_segment[trio[0]]) & set(per_segment[trio[1]]) & set(per_segment[trio[2]])
        expected = sum(
            per_segment[trio[0]][s] * per_segment[trio[1]][s] * per_segment[trio[2]][s] / tenders_per_segment[s] ** 2
            for s in shared
        )
        if len(together) >= min_count and len(together) >= min_lift * expected:
            strong.append((trio, together, len(together) / max(expected, 1e-9)))
    if not strong:
        return []
    edges = {(x, y) for trio, _, _ in strong for x, y in ((trio[0], trio[1]), (trio[1], trio[2]), (trio[0], trio[2]))}
    ring_graph = ig.Graph.TupleList(sorted(edges))
    random.seed(seed)
    won = market.bids[market.bids["won"]].merge(market.members, on=["tender", "bidder"])
    winners = _sets(won["tender"], won["company"])
    rings = []
    for community in ring_graph.community_leiden(objective_function="modularity", n_iterations=-1):
        names = set(ring_graph.vs[i]["name"] for i in community)
        inside = [(trio, together, lift) for trio, together, lift in strong if set(trio) <= names]
        tenders = sorted(set().union(*(together for _, together, _ in inside))) if inside else []
        if not tenders:
            continue
        capture = sum(1 for t in tenders if winners.get(t, set()) & names) / len(tenders)
        if capture < min_capture:
            continue
        ordered = tuple(sorted(names))
        pairs = candidates[candidates["a"].isin(names) & candidates["b"].isin(names)]
        lift = float(np.median([lift for _, _, lift in inside]))
        rings.append(Ring(ordered, pairs, tuple(tenders), len(inside), lift, capture))
    return rings


def _segments(market: Market) -> pd.Series:
    return market.bids.drop_duplicates("tender").set_index("tender")["segment"]


def _sets(keys: pd.Series, values: pd.Series) -> dict[str, set[str]]:
    """key -> set of values, in one pass (a groupby.apply(set) costs a Python call per group)."""
    out: dict[str, set[str]] = {}
    for key, value in zip(keys.to_numpy(dtype=object), values.to_numpy(dtype=object), strict=True):
        out.setdefault(key, set()).add(value)
    return out
