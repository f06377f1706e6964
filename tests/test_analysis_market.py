"""Co-bidding statistics, rings, rotation, cover bidders and win-rate outliers on bid
tables built by hand (no graph needed: the analytics take the bid table)."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from bidgraph.analysis import cobid, patterns, rotation
from bidgraph.analysis.market import Market, market_region


def market(rows: list[tuple[str, str, str, bool]], consortia: dict[str, list[str]] | None = None) -> Market:
    """rows: (tender, segment, bidder, won)."""
    bids = pd.DataFrame(rows, columns=["tender", "segment", "bidder", "won"])
    bids["bid_open"] = bids["tender"]
    sides = zip(bids["tender"], bids["bidder"], strict=True)
    members = [(t, b, c) for t, b in sides for c in (consortia or {}).get(b, [b])]
    return Market(bids=bids, members=pd.DataFrame(members, columns=["tender", "bidder", "company"]), params={})


def test_pair_counts_jaccard_and_lift() -> None:
    rows = [("T1", "s", x, False) for x in "ABC"] + [("T2", "s", x, False) for x in "AB"]
    rows += [("T3", "s", x, False) for x in "ABD"] + [("T4", "s", x, False) for x in "CD"]
    table = cobid.pair_stats(market(rows), min_count=1).table.set_index(["a", "b"])
    ab = table.loc[("A", "B")]
    assert (ab["count"], ab["n_a"], ab["n_b"]) == (3, 3, 3)
    assert ab["jaccard"] == pytest.approx(1.0)
    assert ab["expected"] == pytest.approx(9 / 4) and ab["lift"] == pytest.approx(4 / 3)
    cd = table.loc[("C", "D")]
    assert cd["count"] == 1 and cd["jaccard"] == pytest.approx(1 / 3) and cd["lift"] == pytest.approx(1.0)
    assert len(table) == 6


def test_expectation_is_per_segment_and_consortium_is_one_side() -> None:
    rows = [("T1", "s1", "A", False), ("T1", "s1", "B", False), ("T2", "s2", "A", False), ("T2", "s2", "B", False)]
    rows += [("T3", "s2", "K", False), ("T3", "s2", "G", False)]
    table = cobid.pair_stats(market(rows, {"K": ["E", "F"]}), min_count=1).table.set_index(["a", "b"])
    assert table.loc[("A", "B"), "expected"] == pytest.approx(1 * 1 / 1 + 1 * 1 / 2)
    assert ("E", "F") not in table.index
    assert table.loc[("E", "G"), "count"] == 1 and table.loc[("F", "G"), "count"] == 1


def ring_market() -> Market:
    """40 tenders in one market; R1–R3 and cover C1 bid together on eight of them and the
    wins rotate; everyone else is a background bidder."""
    rng = random.Random(5)
    rows = []
    for i in range(40):
        fills = sorted(rng.sample([f"F{k:02d}" for k in range(30)], 3))
        bidders = fills + (["R1", "R2", "R3", "C1"] if i < 8 else [])
        winner = ("R1", "R2", "R3")[i % 3] if i < 8 else fills[i % len(fills)]
        rows += [(f"T{i:02d}", "s", b, b == winner) for b in bidders]
    return market(rows)


def test_ring_found_with_rotation_and_cover() -> None:
    m = ring_market()
    rings = cobid.find_rings(m, cobid.pair_stats(m), min_count=5, min_lift=3.0, min_capture=0.6)
    assert [r.members for r in rings] == [("C1", "R1", "R2", "R3")]
    ring = rings[0]
    assert (ring.triples, ring.capture) == (4, 1.0)
    assert ring.tenders == tuple(f"T{i:02d}" for i in range(8))
    metrics = rotation.rotation_metrics(m, ring)
    assert metrics.captured == 8 and metrics.win_shares == {"R1": 3 / 8, "R2": 3 / 8, "R3": 2 / 8}
    entropy = -(2 * 0.375 * math.log(0.375) + 0.25 * math.log(0.25))
    assert metrics.evenness == pytest.approx(entropy / math.log(3))
    assert metrics.alternation == pytest.approx(1.0)
    covers = rotation.cover_bidders(m, min_bids=8, max_win_rate=0.05, min_same=0.5)
    assert [(c.company, c.bids, c.wins, c.top_winners, c.same_winner_share) for c in covers] == [
        ("C1", 8, 0, ("R1", "R2"), 0.75)
    ]


def test_no_ring_among_background_bidders() -> None:
    m = ring_market()
    stats = cobid.pair_stats(m)
    background = stats.table[stats.table["a"].str.startswith("F") & stats.table["b"].str.startswith("F")]
    # chance pairs can reach a high lift on two or three meetings, but no triple meets five times
    assert background["lift"].max() >= 2.0 and background["count"].max() < 5
    assert all("F" not in "".join(r.members) for r in cobid.find_rings(m, stats))


def test_win_rate_outlier() -> None:
    rows = []
    for i in range(12):
        others = [f"O{(i + k) % 9}" for k in range(4)]
        winner = "K" if i < 9 else others[0]
        rows += [(f"T{i}", "s", b, b == winner) for b in ["K", *others]]
    hits = rotation.win_rate_outliers(market(rows), min_wins=5, min_z=4.0)
    assert [(h.company, h.bids, h.wins) for h in hits] == [("K", 12, 9)]
    assert hits[0].expected == pytest.approx(2.4) and hits[0].z == pytest.approx((9 - 2.4) / math.sqrt(1.92))


def test_market_region_levels() -> None:
    assert market_region("河南省郑州市金水区", "city") == "河南省郑州市"
    assert market_region("河南省郑州市金水区", "province") == "河南省"
    assert market_region("湖南省湘西土家族苗族自治州吉首市", "city") == "湖南省湘西土家族苗族自治州"
    assert market_region("北京市朝阳区", "city") == "北京市"
    assert market_region("某地", "city") == "某地"


def test_low_capture_ring_is_kept_and_graded() -> None:
    """The members win only 2 of their 8 shared tenders (capture 0.25): no gate drops the
    ring; capture only lowers its severity."""
    rng = random.Random(5)
    rows = []
    for i in range(40):
        fills = sorted(rng.sample([f"F{k:02d}" for k in range(30)], 3))
        bidders = fills + (["R1", "R2", "R3"] if i < 8 else [])
        winner = ("R1", "R2")[i % 2] if i < 2 else fills[i % len(fills)]
        rows += [(f"T{i:02d}", "s", b, b == winner) for b in bidders]
    m = market(rows)
    rings = cobid.find_rings(m, cobid.pair_stats(m), min_count=5, min_lift=3.0)
    assert [(r.members, r.capture) for r in rings] == [(("R1", "R2", "R3"), 0.25)]
    terms = {"lift": 0.8, "cohesion": 0.9, "persistence": 1.0, "rotation": 0.5, "price": 0.5}
    low, high = patterns.ring_severity(terms | {"capture": 0.25}), patterns.ring_severity(terms | {"capture": 1.0})
    assert 30 < low < high < 100
