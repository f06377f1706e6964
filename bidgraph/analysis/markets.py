"""Markets for expectations: every co-bid lift, win share and price-screen percentile is
judged against the tenders of the same market = industry × region × size class ×
period. Firms that work in the same size class of projects meet by necessity; measured
against their own size class they stop looking like rings.

Size class: quantile band of log(ceiling price) over the data set (the tender's mean
bid where the ceiling is missing). Period: the bid-open year (tenders without a date
keep their other dimensions). Period is OFF by default: a cartel that holds a whole
period (the usual case: it ends when investigated) would be normalised away by
percentiles within that period, its low CVs judged against its own low CVs.
A market cell with fewer than ``min_tenders`` tenders
is too small to carry an expectation; its tenders fall back to a coarser market by
dropping dimensions in the order period → size → region → industry. A data set with one
region or no industry column simply has one value in that dimension."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bidgraph.analysis.market import Market, market_regions

DIMENSIONS = ("industry", "region", "size", "period")
COARSENING = ("period", "size", "region", "industry")  # dropped first → last
ZH = {"industry": "行业", "region": "地区", "size": "规模", "period": "年度"}


@dataclass(frozen=True)
class MarketSpec:
    """How markets are cut. ``size_bands`` = 0 and ``period`` = "none" switch a dimension
    off; ``region_level`` as in ``market_region`` (province, city, district) or "none"."""

    region_level: str = "city"
    size_bands: int = 3
    period: str = "none"  # "year": see the module note on why periods are off by default
    use_industry: bool = True
    min_tenders: int = 30

    def key(self) -> str:
        return f"{self.region_level}/{self.size_bands}/{self.period}/{self.use_industry}/{self.min_tenders}"


def tender_frame(bids: pd.DataFrame) -> pd.DataFrame:
    """One row per tender: industry, region, bid_open, ceiling and its mean valid price."""
    priced = bids[bids["price"].notna() & (bids["price"] > 0)]
    mean_price = priced.groupby("tender")["price"].mean()
    tenders = bids.drop_duplicates("tender").set_index("tender")[["industry", "region", "bid_open", "ceiling"]]
    return tenders.assign(mean_price=mean_price.reindex(tenders.index))


def dimensions(tenders: pd.DataFrame, spec: MarketSpec) -> pd.DataFrame:
    """The value of every market dimension per tender (empty text = dimension off/unknown)."""
    out = pd.DataFrame(index=tenders.index)
    industry = tenders["industry"].fillna("").astype(str)
    out["industry"] = industry if spec.use_industry else ""
    out["region"] = "" if spec.region_level == "none" else market_regions(tenders["region"], spec.region_level)
    out["size"] = size_band(tenders, spec.size_bands)
    if spec.period == "year":
        out["period"] = tenders["bid_open"].map(_year)
    else:
        out["period"] = ""
    return out


def size_band(tenders: pd.DataFrame, bands: int) -> pd.Series:
    """Quantile band of log size ("1/3" … "3/3"); the ceiling where known, else the mean bid."""
    size = pd.to_numeric(tenders["ceiling"], errors="coerce")
    size = size.where(size > 0, tenders["mean_price"])
    if bands <= 1 or size.notna().sum() < bands:
        return pd.Series("", index=tenders.index)
    logs = np.log(size.astype(float))
    edges = np.unique(np.nanquantile(logs, np.linspace(0, 1, bands + 1)[1:-1]))
    band = np.searchsorted(edges, logs.to_numpy(), side="right") + 1
    labels = [f"{b}/{len(edges) + 1}" for b in band]
    return pd.Series(labels, index=tenders.index).where(size.notna(), "")


def _year(value: object) -> str:
    text = str(value or "")
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else ""


def tender_markets(market: Market, spec: MarketSpec) -> pd.Series:
    """tender → market of ``market``'s tenders, computed once per market and spec."""
    return market.shared(("tender_markets", spec.key()), lambda: assign_markets(tender_frame(market.bids), spec))


def assign_markets(tenders: pd.DataFrame, spec: MarketSpec) -> pd.Series:
    """tender → market label (e.g. ``地区:郑州市|规模:2/3|年度:2024``). Each tender gets the
    finest market whose cell holds at least ``spec.min_tenders`` tenders."""
    dims = dimensions(tenders, spec)
    if dims.empty:  # no priced tender yet (a fresh or tiny graph): nothing to assign
        return pd.Series(index=dims.index, dtype=str)
    market = pd.Series(index=dims.index, dtype=object)
    kept = list(DIMENSIONS)
    for dropped in (None, *COARSENING):
        if dropped is not None:
            kept.remove(dropped)
        labels = _labels(dims, kept)
        sizes = labels.map(labels.value_counts())
        fits = market.isna() & (sizes >= spec.min_tenders)
        market[fits] = labels[fits]
    return market.fillna("全部").astype(str)


def _labels(dims: pd.DataFrame, kept: list[str]) -> pd.Series:
    if not kept:
        return pd.Series("全部", index=dims.index)
    # one label per distinct combination (a few hundred), then spread to the tenders by code
    codes = dims.groupby(kept, sort=False).ngroup().to_numpy()
    first = dims[kept][~pd.Series(codes).duplicated().to_numpy()]
    columns = [[f"{ZH[d]}:{v}" if v else "" for v in first[d].astype(object)] for d in kept]
    joined = ["|".join(part for part in row if part) or "全部" for row in zip(*columns, strict=True)]
    return pd.Series(np.asarray(joined, dtype=object)[codes], index=dims.index, dtype=object)
