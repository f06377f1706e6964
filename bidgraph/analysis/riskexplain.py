"""The explanation text of every risk score (zh), built from plain column lists: one
f-string per row and no pandas indexing inside the loop (per-row ``.loc``/``.at`` took
~50 s for 15k tenders and 5k firms on the medium set; this takes a fraction of a second).
Indexes are read with ``.tolist()`` too: iterating an Arrow-backed index yields element
by element through pandas."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from bidgraph.analysis import pricerisk, regimes

# what a competitive tender adds in −log10 p (the market p is calibrated: uniform under competition)
COMPETITIVE = f"约{pricerisk.COMPETITIVE_SURPRISAL:.2f}（1/ln 10）"
UNTESTED = "（本市场数据不足以检验异常共同投标是否伴随报价集中，不计分）"


def market_notes(checks: pd.DataFrame) -> dict[str, str]:
    """Per market: why co-bid evidence does or does not score there (the label-free check)."""
    notes = {}
    for market, effect, p, collusive in zip(
        checks.index, checks["effect"], checks["p"], checks["collusive"], strict=True
    ):
        if pd.isna(effect):
            notes[market] = UNTESTED
        elif collusive:
            notes[market] = f"（本市场有异常共同投标的标段报价也更集中：概率优势{effect:.2f}，p={p:.2g}，计入风险分）"
        else:
            notes[market] = (
                f"（本市场有异常共同投标的标段报价并不更集中：概率优势{effect:.2f}，p={p:.2g}，视为结构性投标人池，不计分）"
            )
    return notes


def screen_texts(price: pd.DataFrame, top: int = 3) -> dict[str, str]:
    """Per priced tender: its most extreme screens, most extreme first, with their values."""
    names = [n for n in pricerisk.DIRECTION if f"pct_{n}" in price]
    zh = [pricerisk.ZH[n] for n in names]
    pcts = price[[f"pct_{n}" for n in names]].to_numpy(dtype=float)
    # stable sort on −pct: ties keep the screens' documented order; missing screens last
    order = np.argsort(np.where(np.isnan(pcts), np.inf, -pcts), axis=1, kind="stable")[:, :top]
    top_pct = np.take_along_axis(pcts, order, axis=1).tolist()
    top_value = np.take_along_axis(price[names].to_numpy(dtype=float), order, axis=1).tolist()
    out = {}
    for tender, row_order, row_pct, row_value in zip(
        price.index.tolist(), order.tolist(), top_pct, top_value, strict=True
    ):
        shown = [
            f"{zh[j]}={_fmt(v)}（市场内第{pct:.0%}分位）"
            for j, pct, v in zip(row_order, row_pct, row_value, strict=True)
            if pct == pct  # not nan
        ]
        out[tender] = "、".join(shown)
    return out


def _rows(frame: pd.DataFrame, columns: list[str]) -> Iterator[tuple]:
    return zip(frame.index.tolist(), *(frame[c].tolist() for c in columns), strict=True)


def tender_texts(t: pd.DataFrame, price: pd.DataFrame, checks: pd.DataFrame) -> list[str]:
    screens, notes = screen_texts(price), market_notes(checks)
    level = price["ceiling_ratio"].where(price["ceiling_ratio"] > 0).dropna()
    levels = {
        code: f"，平均报价为最高限价的{r:.1%}" for code, r in zip(level.index.tolist(), level.tolist(), strict=True)
    }
    level_used = set(price.index[price["level"].notna()].tolist())
    columns = ["market", "percentile", "own_p", "price_flagged", "coalition_tenders", "meetings_collusive"]
    columns += ["coalition_z", "price_p", "cobid_p", "anomalous_pairs", "cobid_poisson_p", "above_ceiling"]
    columns += ["regime", "start", "end", "reference"]
    columns += ["room_bidders", "room_evidence", "room_z", "room_used", "room_rho", "room_p"]
    breaks = regimes.market_notes(t)
    # where any market has a break, the pooled view compares with the union of competitive regimes
    pooled = "全部数据的竞争性阶段" if breaks else "全部数据"
    out = []
    for row in _rows(t, columns):
        code, market, pct, own_p, flagged, coal_n, collusive, coal_z, price_p, cobid_p, pairs, pois, above = row[:13]
        parts = [f"市场〔{market}〕内第{pct:.0f}百分位"]
        if _known(own_p):
            flag = "，报价指标列入本市场最异常的5%" if flagged else ""
            scope = "本市场竞争性阶段" if market in breaks else "本市场"
            parts.append(
                f"报价：p={own_p:.3g}（{'离散度与报价水平' if code in level_used else '离散度'}，"
                f"各按{scope}和{pooled}评估后合并）{flag}"
                f"{levels.get(code, '')}（{screens.get(code, '')}）"
            )
            if market in breaks:
                parts.append(_regime_text(breaks[market], *row[13:17]))
            if coal_n and collusive:
                parts.append(
                    f"投标人组合：其中2家以上共同参与的其他{coal_n}个标段报价集中程度Z={coal_z:.2f}"
                    f"（约为0即与本市场一般标段无异），合并后p={price_p:.3g}"
                )
            elif _known(row[19]):
                parts.append(_room_text(row[17:23], market in breaks, price_p))
        else:
            parts.append("报价：有效报价不足3个，无报价指标")
        if _known(cobid_p):
            parts.append(
                f"共同投标：{pairs}对投标人的共同投标显著超出本市场预期"
                f"（最异常一对的Poisson p按组合数校正后={pois:.3g}，市场内p={cobid_p:.3f}）"
                + notes.get(market, UNTESTED)
            )
        else:
            parts.append("共同投标：投标人之间没有共同投标2次以上的组合")
        if above:
            level_note = "" if code in level_used else "，不计报价水平"
            parts.append(f"数据质量：{above}个报价高于最高限价（限价可能有误或报价无效，不作“贴近限价”{level_note}）")
        out.append("；".join(parts))
    return out


def _room_text(room: tuple, has_break: bool, price_p: float) -> str:
    """``room``: the row's room_bidders, room_evidence, room_z, room_used, room_rho, room_p."""
    bidders, excess, z, used, rho, p = room
    head = (
        f"投标人记录：{bidders}家投标人在其他标段（不含本标段）的报价证据平均{'高出' if excess >= 0 else '低于'}"
        f"竞争性水平{abs(excess):.1f}"
        f"（各标段−log10 p之和减去竞争性报价每标段应有的{COMPETITIVE}），在本市场标段中Z={z:.2f}"
        "（约为0即与本市场一般标段无异）"
    )
    if used:
        why = (
            "本市场报价存在非竞争性阶段（投标人记录用于区分同一阶段内报价相近的标段）"
            if has_break
            else f"本市场投标人记录与标段报价正相关（Spearman ρ={rho:.2f}，p={p:.2g}）"
        )
        return f"{head}；{why}，计入：与本标段报价合并后p={price_p:.3g}"
    if _known(rho):
        unrelated = f"投标人记录与标段报价也不相关（Spearman ρ={rho:.2f}，p={p:.2g}）"
        return f"{head}；本市场报价无结构性变化，{unrelated}，不计分"
    return f"{head}；本市场标段太少，无法检验投标人记录与报价的关联，不计分"


def _regime_text(note: tuple[str, str], regime: int, start: str, end: str, reference: bool) -> str:
    breaks, competitive = note
    head = f"时间阶段：本市场报价水平与离散度在{breaks}前后发生结构性变化"
    if reference:
        return f"{head}；本标段属竞争性阶段（{competitive}），在该阶段内比较"
    where = f"属{start}至{end}阶段" if regime >= 0 else "无开标日期"
    return f"{head}；本标段{where}，与本市场竞争性阶段（{competitive}）的标段比较"


def firm_texts(f: pd.DataFrame, checks: pd.DataFrame) -> list[str]:
    notes = market_notes(checks)
    columns = ["market", "percentile", "bids", "wins", "partners", "top_partner", "top_count", "top_lift", "top_p"]
    columns += ["priced_tenders", "involvement", "outside_competitive"]
    out = []
    for _, market, pct, bids, wins, partners, top, count, lift, p, priced, involvement, outside in _rows(f, columns):
        parts = [f"主要市场〔{market}〕内第{pct:.0f}百分位，投标{bids}次、中标{wins}次"]
        if partners:
            parts.append(
                f"共同投标：与{partners}家企业的共同投标显著超出本市场预期（最强：{top}，"
                f"共同投标{count:.0f}次，为预期的{lift:.1f}倍，Poisson p={p:.3g}）" + notes.get(market, UNTESTED)
            )
        else:
            parts.append("共同投标：无超出预期的合作对象")
        if priced:
            regime = (
                f"，其中{outside}个处于所在市场竞争性阶段之外（报价发生结构性变化的市场，按竞争性阶段评估）"
                if outside
                else ""
            )
            parts.append(
                f"报价：所投{priced}个标段的报价证据合计{involvement:.1f}（各标段按所在市场评估的报价p值（离散度与报价水平合并，已除去两者在该市场的相关）取−log10后相加，"
                f"与标段评分同一单位；竞争性报价的标段平均计{COMPETITIVE}，远离竞争的标段计其全部证据）{regime}"
            )
        out.append("；".join(parts))
    return out


def _fmt(value: float) -> str:
    return "∞" if value in (np.inf, -np.inf) else f"{value:.4g}"


def _known(value: object) -> bool:
    """Not missing (a plain comparison: pd.notna per row costs more than the text)."""
    return value is not None and value == value
