"""行业报告: the half-year sector report for one sector and period (the viewer's sectors
only), generated here and downloaded as PDF and HTML, its charts shown on the page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bidgraph.report import build_report, render_html, render_pdf
from bidgraph.report.build import latest_half_years
from bidgraph.report.tables import command, images, overview
from bidgraph.services.access import may_see_sectors
from bidgraph.workbench import ui

st.title("行业报告")
ui.sidebar_identity()
viewer, settings, store = ui.viewer(), ui.settings(), ui.store()
st.caption(
    "各级行业行政监督部门每半年对本行业的抱团关系、交易价格离散度、中标率与预警处置情况进行分析。"
    "报告首页注明数据版本与研判参数，同样的数据与参数生成同样的报告；也可在命令行运行 bidgraph report。"
)

periods = {k: v for k, v in latest_half_years(store).items() if may_see_sectors(viewer, [k])}
if not periods:
    st.info("没有可出报告的行业：尚未导入带开标日期的标段，或您的行业范围内没有标段。请先在「数据」页导入数据。")
    st.stop()
sector = st.selectbox("行业", list(periods), key="report:sector")
left, right = st.columns(2)
start = left.date_input("报告期起始（开标日期）", value=periods[sector][0], key=f"report:start:{sector}")
end = right.date_input("报告期截止", value=periods[sector][1], key=f"report:end:{sector}")
if st.button("生成报告", type="primary", icon=":material/summarize:"):
    with st.spinner("正在运行抱团、报价、中标率分析并绘图…"), ui.guarded("生成报告"):
        report = build_report(store, settings, sector, start, end)
        drawn = images(report)
        st.session_state["report:last"] = (report, drawn, render_pdf(report, drawn), render_html(report, drawn))

if st.session_state.get("report:last") is not None:
    report, drawn, pdf, html = st.session_state["report:last"]
    st.subheader(f"{report.sector} {report.start} 至 {report.end}")
    pdf_col, html_col = st.columns(2)
    name = report.file_stem
    pdf_col.download_button("下载 PDF", pdf, f"{name}.pdf", "application/pdf", icon=":material/download:")
    html_col.download_button("下载 HTML", html, f"{name}.html", "text/html", icon=":material/download:")
    st.caption(f"数据版本 {report.data_version}　复现：{command(report)}")
    figures = overview(report)
    st.dataframe(pd.DataFrame(figures.rows, columns=figures.header), hide_index=True)
    for key, caption in (("ring-1", "抱团关系图（最强的团伙）"), ("prices", "报价离散度"), ("wins", "中标率")):
        if key in drawn:
            st.image(drawn[key], caption=caption, width=900)
