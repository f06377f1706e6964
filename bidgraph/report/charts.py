"""The report's charts as PNG bytes (matplotlib, no display, no network), lettered in
the CJK font the PDF export embeds so the images read the same everywhere."""

from __future__ import annotations

import io
import logging
import math
from functools import cache

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter  # no pyplot: no display, safe in the workbench's threads

from bidgraph.cases.export.pdf import register_font
from bidgraph.report.sections import MIN_WIN_BIDS, Group

MARKETS_SHOWN = 12  # more boxes than this are unreadable on a page
RED, ORANGE, GREY, BLUE = "#c62828", "#ef6c00", "#9e9e9e", "#1c4f8a"


@cache
def _font() -> str:
    """The embedded PDF font (WenQuanYi) registered with matplotlib; its family name."""
    path = register_font()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams.update({"font.family": name, "axes.unicode_minus": False})
    # WenQuanYi has one weight (500): matplotlib would say so at every label that asks for 400
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return name


def _figure(width: float, height: float) -> Figure:
    _font()
    return Figure(figsize=(width, height))


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def ring_image(group: Group) -> bytes:
    """Members on a circle, a line per pair that bid together, as thick as their co-bids."""
    g = nx.Graph()
    g.add_nodes_from(group.members)
    g.add_weighted_edges_from(group.links)
    pos = nx.circular_layout(g)
    fig = _figure(5.2, 4.2)
    ax = fig.subplots()
    weights = [d["weight"] for _, _, d in g.edges(data=True)]
    top = max(weights, default=1)
    nx.draw_networkx_edges(g, pos, ax=ax, width=[1 + 5 * w / top for w in weights], edge_color=GREY)
    nx.draw_networkx_edge_labels(g, pos, ax=ax, edge_labels=nx.get_edge_attributes(g, "weight"), font_size=8,
                                 font_family=_font())  # fmt: skip
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=RED, node_size=420)
    for name, (x, y) in pos.items():  # names outside the circle, away from the lines
        ha = "center" if abs(x) < 0.3 else "left" if x > 0 else "right"
        va = "center" if abs(y) < 0.3 else "bottom" if y > 0 else "top"
        ax.text(1.18 * x, 1.18 * y, _wrap(name), ha=ha, va=va, fontsize=10)
    ax.set_title(f"抱团关系图（线上数字为两家共同投标次数；提升度 {group.lift:g}）", fontsize=11)
    ax.margins(0.45)
    ax.axis("off")
    return _png(fig)


def price_chart(table: pd.DataFrame) -> bytes:
    """CV of each tender's bids per market (log scale), boxes for the markets with
    outliers and then the largest; the tenders flagged as outliers of their market in red."""
    # the markets with outliers first, then the largest: every red × is on the chart
    flagged_first = [*table.loc[table["flagged"], "market"], *table["market"].value_counts().index]
    markets = list(dict.fromkeys(flagged_first))[:MARKETS_SHOWN]
    fig = _figure(8, 0.45 * len(markets) + 1.6)
    ax = fig.subplots()
    rng = np.random.default_rng(0)  # fixed jitter: the same data gives the same image
    for i, market in enumerate(markets):
        rows = table[(table["market"] == market) & (table["cv"] > 0)]
        ax.boxplot(rows["cv"], positions=[i], orientation="horizontal", widths=0.6, showfliers=False)
        y = i + rng.uniform(-0.18, 0.18, len(rows))
        flagged = rows["flagged"].to_numpy()
        ax.scatter(rows["cv"][~flagged], y[~flagged], s=8, color=GREY, alpha=0.6)
        if flagged.any():
            ax.scatter(rows["cv"][flagged], y[flagged], s=40, color=RED, marker="x", label="异常（市场内离群）")
    ax.set_yticks(range(len(markets)), [_wrap(m, 16) for m in markets], fontsize=7)
    ax.invert_yaxis()  # the first market (with outliers) on top
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # plain numbers, no mathtext glyphs
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if f"{v:.0e}"[0] in "25" else ""))
    ax.tick_params(axis="x", which="both", labelsize=7)
    ax.set_xlabel("投标报价变异系数 CV（对数坐标；越小报价越集中）", fontsize=8)
    ax.set_title("各市场标段报价离散度分布", fontsize=10)
    _legend(ax)
    return _png(fig)


def win_chart(stats: pd.DataFrame) -> bytes:
    """Left: the distribution of win rates. Right: wins against the wins expected from
    the number of competitors; 标王 and 陪标专业户 candidates marked."""
    fig = _figure(9, 3.8)
    left, right = fig.subplots(1, 2)
    left.hist(stats["rate"], bins=20, range=(0, 1), color=BLUE, alpha=0.8)
    left.set_xlabel("中标率（中标次数/投标次数）", fontsize=8)
    left.set_ylabel("企业数", fontsize=8)
    left.set_title(f"中标率分布（投标≥{MIN_WIN_BIDS}次的企业）", fontsize=9)
    plain = stats[stats["role"] == ""]
    right.scatter(plain["expected"], plain["wins"], s=10, color=GREY, alpha=0.6, label="其他企业")
    for role, color in (("标王", RED), ("陪标专业户", ORANGE)):
        rows = stats[stats["role"] == role]
        if rows.empty:
            continue
        right.scatter(rows["expected"], rows["wins"], s=45, color=color, label=f"{role}候选")
        for _, r in rows.iterrows():
            right.annotate(_wrap(r["name"], 10), (r["expected"], r["wins"]), fontsize=6, xytext=(3, 3),
                           textcoords="offset points")  # fmt: skip
    top = max(1.0, float(stats[["expected", "wins"]].to_numpy().max(initial=1)))
    right.plot([0, top], [0, top], color=GREY, linestyle="--", linewidth=0.8, label="中标数=预期")
    right.set_xlabel("按竞争人数预期的中标次数", fontsize=8)
    right.set_ylabel("实际中标次数", fontsize=8)
    right.set_title("实际与预期中标次数", fontsize=9)
    _legend(right)
    return _png(fig)


def _legend(ax: Axes) -> None:
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))  # one entry per label, not per market
    if unique:
        ax.legend(unique.values(), unique.keys(), fontsize=7, loc="best")


def _wrap(text: str, width: int = 8) -> str:
    lines = math.ceil(len(text) / width)
    return "\n".join(text[i * width : (i + 1) * width] for i in range(lines))
