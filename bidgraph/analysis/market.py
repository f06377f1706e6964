"""The bid table the Python analytics work on, fetched once per run with the saved
query ``market_bids``; consortium bids are expanded to their member companies (one
side: members never count as co-bidding with each other)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bidgraph.graph.model import Result
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import builtin_query, run_query


@dataclass(frozen=True)
class Market:
    """``bids``: one row per bid (side) with columns tender, industry, region, bid_open,
    ceiling, bidder, price, won, rank, valid, segment. ``members``: one row per
    (tender, bidder, company) — a company bids directly or as a consortium member."""

    bids: pd.DataFrame
    members: pd.DataFrame
    params: Mapping[str, Any]

    @property
    def tender_count(self) -> int:
        return int(self.bids["tender"].nunique())


_PROVINCE = re.compile(r"^(北京市|天津市|上海市|重庆市|.+?省|.+?自治区)")
_CITY = re.compile(r".+?(?:自治州|市|地区|盟)")


def market_region(region: str, level: str) -> str:
    """The part of a region text that names the market: ``province`` (河南省), ``city``
    (河南省郑州市) or ``district`` (the whole text). Unparsed text stays whole."""
    province = _PROVINCE.match(region)
    if level == "district" or province is None:
        return region
    city = _CITY.match(region, province.end())
    return region[: city.end()] if city and level == "city" else province.group(1)


def load_market(store: GraphStore, params: Mapping[str, Any]) -> Market:
    tenders_query = builtin_query("market_tenders")
    bound = {k: v for k, v in params.items() if k in {p.name for p in tenders_query.parameters}}
    tenders = _frame(run_query(store, tenders_query, bound, limit=0), tenders_query.columns)
    bids_query = builtin_query("market_bids")  # the same scope, applied before any bid is read
    bids = _frame(run_query(store, bids_query, bound, limit=0), bids_query.columns)
    bids = bids.merge(tenders, on="tender", how="inner")
    bids["won"] = bids["won"].fillna(False).astype(bool)
    bids["valid"] = bids["valid"].map(lambda v: v is not False)
    bids["price"] = pd.to_numeric(bids["price"], errors="coerce")
    bids["ceiling"] = pd.to_numeric(bids["ceiling"], errors="coerce")
    level = str(params.get("market_level", "city"))
    regions = bids["region"].fillna("").map(lambda r: market_region(r, level))
    bids["segment"] = bids["industry"].fillna("") + "|" + regions
    consortia = run_query(store, builtin_query("consortium_members"), limit=0)
    member_of = {key: list(members) for key, members in consortia.rows}
    rows = [
        (tender, bidder, company)
        for tender, bidder in zip(bids["tender"], bids["bidder"], strict=True)
        for company in member_of.get(bidder, [bidder])
    ]
    members = pd.DataFrame(rows, columns=["tender", "bidder", "company"]).drop_duplicates(["tender", "company"])
    return Market(bids=bids, members=members, params=dict(bound))


def _frame(result: Result, columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(list(result.rows), columns=list(result.columns or columns))


def bid_paths(store: GraphStore, companies: list[str], tenders: list[str]) -> list[tuple[str, str, Any]]:
    """(company key, tender code, path) of every bid of these companies on these tenders:
    the evidence behind the findings of the Python analytics."""
    result = run_query(store, builtin_query("bid_paths"), {"companies": companies, "tenders": tenders}, limit=0)
    return [(company.get("key"), tender, path) for company, tender, path in result.rows]
