"""The bid table the Python analytics work on, fetched once per run with the saved
query ``market_bids``; consortium bids are expanded to their member companies (one
side: members never count as co-bidding with each other)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from bidgraph.analysis import bidtable
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import builtin_query, run_query

T = TypeVar("T")


@dataclass(frozen=True)
class Market:
    """``bids``: one row per bid (side) with columns tender, industry, region, bid_open,
    ceiling, bidder, price, won, rank, valid, segment. ``members``: one row per
    (tender, bidder, company) — a company bids directly or as a consortium member."""

    bids: pd.DataFrame
    members: pd.DataFrame
    params: Mapping[str, Any]
    # Tables derived from bids/members (winners, dates, price tables…), computed once per
    # market through ``shared``: the detectors (many rings each) and the risk scores of a
    # triage read the same ones.
    derived: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)
    _computing: threading.RLock = field(default_factory=threading.RLock, compare=False, repr=False)

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per market and key, also when threads ask together (triage
        computes the risk scores beside the detectors, and both read the price table)."""
        with self._computing:
            if key not in self.derived:
                self.derived[key] = compute()
            return self.derived[key]

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


def market_regions(regions: pd.Series, level: str) -> pd.Series:
    """``market_region`` of each text ("" when missing): a few hundred distinct texts
    are parsed once each, not once per row."""
    regions = regions.fillna("").astype(str)
    return regions.map({r: market_region(r, level) for r in regions.unique()})


_LAST: dict[tuple[Any, ...], Market] = {}  # the last market read from the side table
_READING = threading.Lock()


def load_market(store: GraphStore, params: Mapping[str, Any], *, columnar: bool = True) -> Market:
    """The bid table of this run: from the columnar side table of the current data
    version (``bidtable``), or with ``columnar=False`` straight from the graph. The last
    market read from the side table is handed out again for the same data version and
    filters, so the detectors and the risk scores of one triage share it (and what is
    derived from it: ``Market.shared``). A market is read-only to its users."""
    if not columnar:
        return _read_market(store, params, bidtable.from_graph(store))
    key = (id(store), bidtable.data_version(store), repr(sorted(_bound(params).items())), params.get("market_level"))
    with _READING:
        if key not in _LAST:
            market = _read_market(store, params, bidtable.bid_tables(store))
            _LAST.clear()  # one market at a time: memory stays modest
            _LAST[key] = market
        return _LAST[key]


def forget_markets() -> None:
    """Drop the kept market (benchmarks time a cold read)."""
    with _READING:
        _LAST.clear()


def _bound(params: Mapping[str, Any]) -> dict[str, Any]:
    """The market_tenders filters among ``params`` (date range, region, industry)."""
    names = {p.name for p in builtin_query("market_tenders").parameters}
    return {k: v for k, v in params.items() if k in names}


def _read_market(store: GraphStore, params: Mapping[str, Any], tables: bidtable.BidTables) -> Market:
    tenders_query = builtin_query("market_tenders")
    bound = _bound(params)
    tenders = bidtable.tenders_in(tables.tenders, tenders_query.bind(bound))
    bids = tables.bids.merge(tenders, on="tender", how="inner")
    level = str(params.get("market_level", "city"))
    bids["segment"] = bids["industry"].fillna("") + "|" + market_regions(bids["region"], level)
    return Market(bids=bids, members=_members(bids, tables.consortia), params=dict(bound))


def _members(bids: pd.DataFrame, consortia: pd.DataFrame) -> pd.DataFrame:
    """One row per (tender, bidder, company): a consortium's bid counts for each member,
    in the consortium's member order; a company bids for itself. Vectorised (a merge)."""
    exploded = consortia.explode("members").rename(columns={"consortium": "bidder", "members": "member"})
    sides = bids[["tender", "bidder"]].merge(exploded.dropna(subset=["member"]), on="bidder", how="left")
    sides["company"] = sides["member"].fillna(sides["bidder"])
    return sides[["tender", "bidder", "company"]].drop_duplicates(["tender", "company"]).reset_index(drop=True)


def bid_paths(store: GraphStore, companies: list[str], tenders: list[str]) -> list[tuple[str, str, Any]]:
    """(company key, tender code, path) of every bid of these companies on these tenders:
    the evidence behind the findings of the Python analytics."""
    result = run_query(store, builtin_query("bid_paths"), {"companies": companies, "tenders": tenders}, limit=0)
    return [(company.get("key"), tender, path) for company, tender, path in result.rows]
