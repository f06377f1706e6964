"""数据: upload files or name a folder, check them (dry run), load with progress, see the history."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import streamlit as st

from bidgraph.alerts.onload import alerts_after_load
from bidgraph.loaders import load_paths, validate_paths
from bidgraph.loaders.account import account_rows
from bidgraph.loaders.mapping import Mapping, mapping_from_text
from bidgraph.loaders.report import LoadReport
from bidgraph.loaders.suggest import suggest
from bidgraph.masking import mask_text
from bidgraph.services.common import to_csv
from bidgraph.services.overview import recent_loads
from bidgraph.viewer import Role
from bidgraph.workbench import ui

st.title("数据")
ui.sidebar_identity()
store, viewer = ui.store(), ui.viewer()
st.caption(
    "支持 CSV、Excel（.xlsx）与 OCDS JSON 导出文件，表格格式见 loaders/tables.yaml；"
    "也可导入交易中心发布的公告（中标候选人公示、中标结果公告：.html、.txt、.pdf、.docx，"
    "或含正文的 JSON/JSONL），自动抽取投标人、报价、拟派人员与证书，并记录每项事实在原文中的位置。"
    "先检查、后导入：检查不会写入任何数据。"
)

source = st.radio("数据来源", ["上传文件", "服务器上的文件夹"], horizontal=True, key="data:source")
paths: list[Path] = []
upload_dir: Path | None = None
if source == "上传文件":
    files = st.file_uploader(
        "选择文件（可多选）",
        type=["csv", "xlsx", "json", "jsonl", "html", "htm", "txt", "pdf", "docx"],
        accept_multiple_files=True,
        key="data:files",
    )
    if files:
        # One private folder per set of uploaded files (every rerun reuses it), inside the
        # 0700 data dir; removed once the files are loaded.
        digest = hashlib.sha256(b"".join(f.name.encode() + f.getvalue() for f in files)).hexdigest()[:16]
        upload_dir = ui.settings().data_dir / "uploads" / digest
        upload_dir.mkdir(parents=True, exist_ok=True)
        for file in files:
            target = upload_dir / Path(file.name).name
            if not target.exists():
                target.write_bytes(file.getvalue())
            paths.append(target)
else:
    folder_text = st.text_input("文件夹路径", key="data:folder", placeholder="/data/exports/2024")
    if folder_text.strip():
        folder = Path(folder_text.strip()).expanduser()
        if folder.is_dir():
            paths = [folder]
        else:
            st.warning(f"找不到文件夹「{ui.plain(folder)}」，请检查路径（需为运行工作台的服务器上的路径）。")


def show_report(report: LoadReport) -> None:
    cols = st.columns(5)
    cols[0].metric("状态", report.status)
    cols[1].metric("读取行数", f"{report.rows_read:,}")
    cols[2].metric("有效行数" if report.dry_run else "导入行数", f"{report.rows_loaded:,}")
    cols[3].metric("错误", f"{report.errors_total:,}")
    cols[4].metric("用时", f"{report.elapsed_s:.1f} 秒")
    for warning in report.warnings:
        st.warning(ui.plain(warning))
    if report.accounts:
        st.markdown("**导入明细**（每个文件：读取、写入、未导入的行数与原因）")
        st.dataframe(account_rows(list(report.accounts.values()), report.dry_run), hide_index=True)
    for line in report.missing_facts():
        st.error(ui.plain(f"缺失：{line}"))
    if report.errors_total:
        errors = report.errors_dataframe()
        errors["值"] = errors["值"].map(lambda v: mask_text(str(v), viewer))
        st.markdown(f"**错误明细**（共 {report.errors_total:,} 条，按文件、行、列定位）")
        st.dataframe(errors, hide_index=True)
        st.download_button("下载错误表 CSV", to_csv(errors), "errors.csv", "text/csv")
    elif report.dry_run:
        st.success("检查通过，可以导入。")


def progress_callback(bar: st.delta_generator.DeltaGenerator):
    def update(done: int, total: int, message: str) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=message)

    return update


with st.expander("映射文件（文件名或表头与标准表不同时使用）", expanded=bool(st.session_state.get("data:mapping"))):
    st.caption("说明每个文件对应哪张表、哪列对应哪个字段、常量、取值对照、单位等，写法见 docs/loading.md。")
    if st.button("根据文件生成映射草稿", disabled=not paths, key="data:suggest"):
        folder = upload_dir if upload_dir is not None else paths[0]
        draft = ui.attempt("生成映射草稿", lambda: suggest(folder))
        if draft is not None:
            st.session_state["data:mapping"] = draft
    mapping_text = st.text_area("映射（YAML，可编辑；留空则按文件名与表头别名识别）", key="data:mapping", height=260)


def current_mapping() -> Mapping | None:
    return mapping_from_text(mapping_text, "映射") if mapping_text.strip() else None


cols = st.columns([1, 1, 3])
skip_invalid = cols[2].checkbox("跳过错误行，只导入有效行", key="data:skip")
if cols[0].button("检查（不写入）", disabled=not paths, key="data:check"):
    bar = st.progress(0.0, text="正在检查……")
    report = ui.attempt(
        "检查", lambda: validate_paths(paths, mapping=current_mapping(), store=store, progress=progress_callback(bar))
    )
    bar.empty()
    st.session_state["data:report"] = report
may_load = ui.allowed(Role.ADMIN)
LOAD_REFUSED = "仅管理员可导入数据：您可以先检查文件（不写入），再请管理员导入。"
if not may_load:
    st.caption(LOAD_REFUSED)
if cols[1].button(
    "导入",
    type="primary",
    disabled=not paths or not may_load,
    key="data:load",
    help=None if may_load else LOAD_REFUSED,
):
    bar = st.progress(0.0, text="正在导入……")
    report = ui.attempt(
        "导入",
        lambda: load_paths(
            store,
            paths,
            skip_invalid=skip_invalid,
            mapping=current_mapping(),
            progress=progress_callback(bar),
            actor=viewer.user,
            data_dir=ui.settings().data_dir,
        ),
    )
    st.session_state["data:alerts"] = None
    if report is not None:
        bar.progress(1.0, text="正在生成预警……")
        st.session_state["data:alerts"] = alerts_after_load(store, ui.settings(), report, actor=viewer.user)
    bar.empty()
    st.session_state["data:report"] = report
    if report is not None and report.written:
        st.toast("导入完成")
        if upload_dir is not None:
            shutil.rmtree(upload_dir, ignore_errors=True)
if st.session_state.get("data:report") is not None:
    show_report(st.session_state["data:report"])
if st.session_state.get("data:alerts") is not None:
    st.info(st.session_state["data:alerts"].summary() + "，见「预警督办」。")

st.subheader("导入历史")
history = ui.attempt("读取导入历史", lambda: recent_loads(store, limit=50))
if history is not None and not history.empty:
    st.dataframe(history, hide_index=True)
else:
    st.caption("还没有导入记录。")
