"""The room: a tender's second price source from its bidders' OTHER tenders (``roomrisk``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pricegen import cartel_then_competition

from bidgraph.analysis import pricerisk, risk
from bidgraph.analysis.market import Market
from bidgraph.analysis.markets import MarketSpec


def _bids(rows: list[tuple]) -> Market:
    bids = pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling"])
    bids = bids.assign(valid=True, industry="房建", region="某省某市", bid_open=None)
    return Market(bids, bids[["tender", "bidder"]].assign(company=bids["bidder"]), {})


def _ring_elsewhere(seed: int = 13) -> Market:
    """One market of 160 tenders bid at CVs of 3–8% (competition), except 20 where ring firms
    R0–R3 bid within 0.3% of each other. The ring also bids on 20 tenders priced like every
    other (T020–T039); four busy honest firms bid on 60 ordinary tenders (T040–T099)."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(160):
        firms = [f"firm-{(t * 3 + i * 11) % 40:02d}" for i in range(4)]
        firms += [f"R{i}" for i in range(4)] if t < 40 else [f"busy-{i}" for i in range(4)] if t < 100 else []
        cv = 0.003 if t < 20 else rng.uniform(0.03, 0.08)
        prices = 1e6 * 0.9 * (1 + cv * rng.standard_normal(len(firms)))
        rows += [(f"T{t:03d}", firm, prices[i], i == 0, 1e6) for i, firm in enumerate(firms)]
    return _bids(rows)


def _ring_in_a_cartel_period(seed: int = 11) -> Market:
    """``pricegen``'s market (a cartel period, then competition) with dates. In the cartel
    period every other tender is bid by 4 of ring firms R0–R5, the rest by 4 of 30 outsiders,
    who also bid through the competitive period."""
    rng = np.random.default_rng(seed)
    rows = []
    for t, cartel, cv, level, day in cartel_then_competition(rng):
        pool = [f"R{i}" for i in range(6)] if cartel and t % 2 == 0 else [f"firm-{i:02d}" for i in range(30)]
        firms = [pool[(t + i * 5) % len(pool)] for i in range(4)]
        prices = 1e6 * level * (1 + cv * rng.standard_normal(4))
        rows += [(f"T{t:03d}", firm, prices[i], i == 0, 1e6, day) for i, firm in enumerate(firms)]
    bids = pd.DataFrame(rows, columns=["tender", "bidder", "price", "won", "ceiling", "bid_open"])
    bids = bids.assign(valid=True, industry="房建", region="某省某市")
    return Market(bids, bids[["tender", "bidder"]].assign(company=bids["bidder"]), {})


def _one_off(seed: int = 3) -> Market:
    """120 competitive tenders (CVs 3–8% at 90% of the ceiling) bid by 4 of 30 busy honest
    firms each, and one (T000) whose bidders, ordinary firms of the pool, bid within 0.2% of
    each other at 98% of the ceiling, once."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(120):
        firms = [f"firm-{f:02d}" for f in rng.choice(30, 4, replace=False)]
        cv, level = (0.002, 0.98) if t == 0 else (rng.uniform(0.03, 0.08), 0.9)
        prices = 1e6 * level * (1 + cv * rng.standard_normal(4))
        rows += [(f"T{t:03d}", firm, prices[i], i == 0, 1e6) for i, firm in enumerate(firms)]
    return _bids(rows)


def test_the_room_reads_what_the_bidders_did_elsewhere_beyond_competition() -> None:
    t, firms = (lambda r: (r.tenders, r.firms))(risk.compute(_ring_elsewhere(), MarketSpec(), families=("price",)))
    ring_room = t.loc[[f"T{i:03d}" for i in range(20, 40)]]
    busy_room = t.loc[[f"T{i:03d}" for i in range(40, 100)]]
    # priced alike, the ring's ordinary tenders have the higher rooms: the busy honest firms'
    # activity is no evidence (their excess over competition is ≤ 0)
    assert ring_room["room_z"].min() > busy_room["room_z"].max()
    assert busy_room["room_evidence"].max() < 1 < ring_room["room_evidence"].min()
    # leave-one-out: a tender's own price is not in its room
    code = "T005"
    own = pricerisk.surprisal(t.loc[[code], "market_p"]).iloc[0]
    bidders = [f"R{i}" for i in range(4)] + [f"firm-{(5 * 3 + i * 11) % 40:02d}" for i in range(4)]
    centre = pricerisk.COMPETITIVE_SURPRISAL
    rest = firms.loc[bidders, "involvement"] - own - (firms.loc[bidders, "priced_tenders"] - 1) * centre
    assert t.loc[code, "room_evidence"] == pytest.approx(rest.mean())
    assert "投标人记录：8家投标人在其他标段" in t.loc["T025", "explanation"]


def test_a_one_off_scheme_among_honest_bidders_keeps_its_own_price_evidence() -> None:
    # its bidders' records are ordinary: the room carries nothing, and Stouffer with it would
    # halve the tender's margin while honest tenders' chance rooms lift them (i11h's generator loss)
    t = risk.compute(_one_off(), MarketSpec(), families=("price",)).tenders
    assert not t["room_used"].any()
    assert t.index[0] == "T000"
    assert t["price_p"].equals(t["own_p"])
    assert "不相关" in t.loc["T000", "explanation"] and "不计分" in t.loc["T000", "explanation"]


def test_in_a_period_beyond_competition_the_room_orders_tenders_priced_alike() -> None:
    t = risk.compute(_ring_in_a_cartel_period(), MarketSpec(), families=("price",)).tenders
    assert (~t["reference"].astype(bool)).any() and t["room_used"].all()
    period = t[~t["reference"].astype(bool)]
    ring = period.index.str[1:].astype(int) % 2 == 0
    assert period.loc[ring, "room_z"].min() > period.loc[~ring, "room_z"].max()
    assert period.loc[ring, "evidence"].mean() > period.loc[~ring, "evidence"].mean()
    assert "报价存在非竞争性阶段（投标人记录用于区分同一阶段内报价相近的标段），计入" in t.loc["T010", "explanation"]


def test_a_firm_text_states_what_competition_gives_per_tender_in_its_markets() -> None:
    # the market p is calibrated (uniform under competition), so the unit is 1/ln 10 everywhere
    scores = risk.compute(_ring_elsewhere(), MarketSpec(), families=("price",))
    assert "竞争性报价的标段平均计约0.43（1/ln 10）" in scores.firms.loc["busy-0", "explanation"]
    assert "减去竞争性报价每标段应有的约0.43（1/ln 10）" in scores.tenders.loc["T050", "explanation"]
