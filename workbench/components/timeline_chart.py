"""The timeline chart: dated facts (bids, wins, penalties as points; roles and
shareholdings held over a period as bars). Drawn with Vega-Lite through Altair, which
Streamlit bundles, so it needs no network."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from bidgraph.services.timeline import KINDS

_PERIODS = ("法定代表人", "任职", "就职", "股东")
_COLOURS = ("#8fa9c9", "#c0392b", "#2f6db5", "#16a085", "#7f8c8d", "#d68910", "#6c3483")


def timeline_chart(frame: pd.DataFrame, *, height: int | None = None) -> None:
    """Draw ``bidgraph.services.timeline.timeline`` output, with the rows below it."""
    if frame.empty:
        st.caption("没有带日期的投标、中标、任职、持股或处罚记录。")
        return
    data = frame.assign(
        起=pd.to_datetime(frame["日期"], errors="coerce"),
        止=pd.to_datetime(frame["截止"].replace("", None), errors="coerce"),
    ).dropna(subset=["起"])
    # A role still held (no end date) runs to the latest date on the chart.
    data["止"] = data["止"].fillna(
        max(data["起"].max(), data["止"].max() if data["止"].notna().any() else data["起"].max())
    )
    kinds = [k for k in KINDS if k in set(data["类别"])] + sorted(set(data["类别"]) - set(KINDS))
    colour = alt.Color("类别:N", scale=alt.Scale(domain=list(KINDS), range=list(_COLOURS)), legend=None)
    y = alt.Y("类别:N", sort=kinds, title=None, axis=alt.Axis(labelFontSize=13))
    x = alt.X("起:T", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=0))
    tooltip = [
        alt.Tooltip("类别:N"),
        alt.Tooltip("起:T", title="日期", format="%Y-%m-%d"),
        alt.Tooltip("截止:N"),
        alt.Tooltip("主体:N"),
        alt.Tooltip("内容:N"),
    ]
    periods = data[data["类别"].isin(_PERIODS)]
    events = data[~data["类别"].isin(_PERIODS)]
    bars = (
        alt.Chart(periods).mark_bar(height=14, opacity=0.55).encode(x=x, x2="止:T", y=y, color=colour, tooltip=tooltip)
    )
    points = (
        alt.Chart(events)
        .mark_point(filled=True, size=70, opacity=0.75)
        .encode(x=x, y=y, color=colour, shape=alt.Shape("类别:N", legend=None), tooltip=tooltip)
    )
    chart = alt.layer(bars, points).properties(height=height or 40 + 34 * len(kinds))
    st.altair_chart(chart, use_container_width=True)
    counts = "，".join(f"{k} {int((data['类别'] == k).sum())}" for k in kinds)
    st.caption(f"共 {len(data)} 条带日期的记录：{counts}。悬停查看详情；任职、持股无截止日期的画到最近日期。")
    with st.expander("时间线明细"):
        st.dataframe(frame, hide_index=True)
