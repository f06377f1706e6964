"""The mapping assistant: a draft mapping for a folder of exports, from file and sheet
names, headers (English names, Chinese aliases, fuzzy matching) and sample values.

The draft is loadable as it is: what could not be placed is a comment (``# 未能对应``),
and a dry run with the draft adds what it found (repeated keys, missing columns)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from rapidfuzz import fuzz, process

from bidgraph.loaders.convert import CHOICE_ALIASES
from bidgraph.loaders.mapping import mapping_from_text
from bidgraph.loaders.read import CSV_SUFFIXES, Source, open_rows
from bidgraph.loaders.tables import ORDER, header_key, tables

FUZZY_MIN = 80  # rapidfuzz ratio (0-100) for a header to count as a column's alias
SAMPLE_ROWS = 200
# words in file or sheet names and the table they usually hold
NAME_WORDS = {
    "投标": "bids",
    "报价": "bids",
    "开标记录": "bids",
    "标段": "tenders",
    "招标项目": "tenders",
    "招标公告": "tenders",
    "项目": "projects",
    "股东": "roles",
    "人员": "roles",
    "任职": "roles",
    "高管": "roles",
    "专家": "experts",
    "评标": "evaluations",
    "证书": "certificates",
    "处罚": "penalties",
    "失信": "penalties",
    "企业": "companies",
    "公司": "companies",
    "供应商": "companies",
    "代理": "agencies",
    "招标人": "tenderers",
    "采购人": "tenderers",
    "亲属": "kinship",
    "联系": "contacts",
}

# words that exports use for the aliases' words (before fuzzy matching)
HEADER_WORDS = {
    "岗位": "职务类型",
    "投标单位": "投标人",
    "供应商": "投标人",
    "投标企业": "投标人",
    "号码": "号",
    "编码": "编号",
}


@dataclass
class Draft:
    """One file (or sheet): its table guess and header placements."""

    name: str
    table: str | None
    basis: str
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # header -> (column, why)
    unplaced: dict[str, str] = field(default_factory=dict)  # header -> sample value
    notes: list[str] = field(default_factory=list)
    duplicates: int = 0
    chosen: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # header -> (condition, then, else)
    constants: dict[str, str] = field(default_factory=dict)
    recode: dict[str, str] = field(default_factory=dict)  # roles.role: job words -> employee


def _sources(folder: Path) -> Iterator[Source]:
    paths = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else [folder]
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            yield Source(path, "companies", "csv")
        elif suffix == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            names = list(workbook.sheetnames)
            workbook.close()
            yield from (Source(path, "companies", "xlsx", sheet) for sheet in names)


def _alias_index() -> dict[str, dict[str, str]]:
    return {name: spec.header_index() for name, spec in tables().items()}


def place(table: str, header: str, index: dict[str, str]) -> tuple[str, str] | None:
    """(column, why) for a header of ``table``: exact name or alias, else the closest
    alias by fuzzy ratio."""
    key = header_key(header)
    base = key.split("(")[0]  # 注册资本(万元): the unit is read from the header when loading
    if key in index or base in index:
        return index.get(key) or index[base], "别名"
    for word, usual in HEADER_WORDS.items():
        key = key.replace(word, usual)
    best = process.extractOne(key, list(index), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    return (index[best[0]], f"相似度 {best[1]:.0f}") if best else None


def guess_table(name: str, header: list[str], indexes: dict[str, dict[str, str]]) -> tuple[str | None, str]:
    key = header_key(Path(name).stem if "!" not in name else name.split("!")[1])
    for table, spec in tables().items():
        if key in (header_key(table), header_key(spec.zh)):
            return table, "文件名即表名"
    scores: dict[str, float] = {}
    for table, index in indexes.items():
        placed = [place(table, h, index) for h in header if h.strip()]
        columns = {p[0] for p in placed if p}
        required = set(tables()[table].required)
        if required <= columns:  # a guess the file cannot fill would refuse the whole file
            scores[table] = len(columns) / max(len(header), 1) + 0.5
    for word, table in sorted(NAME_WORDS.items(), key=lambda w: -len(w[0])):
        if word in key:  # the name says which table: it wins unless the headers fit nothing
            fitted = {p[0] for h in header if h.strip() and (p := place(table, h, indexes[table]))}
            scores[table] = len(fitted) / max(len(header), 1) + 1.0
            break
    best = max(scores, key=lambda t: (scores[t], -ORDER.index(t)), default=None)
    return (best, f"表头与文件名匹配度 {scores[best]:.2f}") if best and scores[best] >= 0.6 else (None, "")


def draft(path: Path) -> list[Draft]:
    indexes = _alias_index()
    drafts = []
    for source in _sources(path):
        header, rows = open_rows(source)
        sample = [cells for _, cells in islice(rows, SAMPLE_ROWS)]
        table, basis = guess_table(source.label, header, indexes)
        item = Draft(source.label, table, basis)
        for position, title in enumerate(header):
            values = [str(c[position]) for c in sample if position < len(c) and c[position] not in (None, "")]
            placed = place(table, title, indexes[table]) if table else None
            if placed and placed[0] not in {c for c, _ in item.columns.values()}:
                item.columns[title] = placed
                item.notes += _value_notes(table, placed[0], values)
            elif title.strip():
                item.unplaced[title] = values[0] if values else ""
        if table == "roles":
            _holders(item, header, sample)
        drafts.append(item)
    return drafts


def _holders(item: Draft, header: list[str], sample: list[list[object]]) -> None:
    """股东信息 with a 股东类型 column (自然人 / 企业) and one name and one 证件号 column:
    the target chosen by the type; role shareholder unless a column gives it."""
    values = {h: {str(c[p]) for c in sample if p < len(c) and c[p]} for p, h in enumerate(header)}
    kind = next((h for h in header if "类型" in h and "自然人" in values[h]), None)
    if kind is None:
        return
    condition = f"{kind} == 自然人"
    for title in header:
        key = header_key(title)
        if title == kind or item.columns.get(title, ("", ""))[0] in ("company_uscc", "company_name", "pct"):
            continue
        if "证件" in key or "身份证" in key:
            item.chosen[title] = (condition, "person_id_number", "holder_uscc")
        elif "名称" in key or "姓名" in key or key.endswith("股东"):
            item.chosen[title] = (condition, "person_name", "holder_name")
        else:
            continue
        item.columns.pop(title, None)
        item.unplaced.pop(title, None)
    item.unplaced.pop(kind, None)
    if "role" not in {c for c, _ in item.columns.values()}:
        item.constants["role"] = "shareholder"


def _value_notes(table: str, column: str, values: list[str]) -> list[str]:
    choices = tables()[table].columns[column].choices
    unknown = sorted({v for v in values if v not in choices and CHOICE_ALIASES.get(v) not in choices})
    if choices and unknown:
        return [f"{column} 的取值 {'、'.join(unknown[:8])} 不在可选值中：请在 recode 中对应到 {'/'.join(choices)}"]
    return []


def render(drafts: list[Draft]) -> str:
    lines = ["# bidgraph map suggest 生成的映射草稿：请核对注释（# 开头）后再导入", "files:"]
    for item in drafts:
        if item.table is None:
            lines.append(f"  # 未能识别 {item.name} 对应的表：请写成 {_q(item.name)}: 表名")
            lines += [f"  #   {n}" for n in item.notes]
            continue
        renames = {h: c for h, (c, why) in item.columns.items() if why != "别名"}
        lines.append(f"  {_q(item.name.split('!')[-1])}:  # {item.basis}")
        lines.append(f"    table: {item.table}")
        if renames or item.chosen:
            lines.append("    columns:")
            lines += [f"      {_q(h)}: {c}  # {item.columns[h][1]}" for h, c in renames.items()]
            lines += [
                f"      {_q(h)}: {{if: {_q(cond)}, then: {then}, else: {other}}}  # 按{cond.split()[0]}选择"
                for h, (cond, then, other) in item.chosen.items()
            ]
        if item.recode:
            lines.append("    recode:  # 岗位词按员工对应（请核对：法定代表人、董事、监事、经理等已能识别）")
            lines.append("      role: {" + ", ".join(f"{_q(k)}: {v}" for k, v in item.recode.items()) + "}")
        if item.constants:
            lines.append("    constants: {" + ", ".join(f"{c}: {_q(v)}" for c, v in item.constants.items()) + "}")
        if item.duplicates:
            note = f"{item.duplicates} 行键重复且取值不同：保留首行，其余计入导入明细"
            lines.append(f"    duplicates: keep_first  # {note}")
        placed = "，".join(f"{h}→{c}" for h, (c, why) in item.columns.items() if why == "别名")
        if placed:
            lines.append(f"    # 按别名对应：{placed}")
        lines += [f"    # 未能对应：{h}（示例：{v[:20]}）" for h, v in item.unplaced.items()]
        lines += [f"    # {n}" for n in item.notes]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A YAML key quoted (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def suggest(path: Path) -> str:
    """The draft mapping for the files in ``path`` (a folder or one file), checked by a
    dry run: keys repeated with other values get ``duplicates: keep_first``; other
    problems become comments."""
    from bidgraph.loaders import validate_paths

    drafts = draft(path)
    report = validate_paths([path], mapping=mapping_from_text(render(drafts)))
    for item in drafts:
        account = report.accounts.get(item.name)
        if account is None:
            continue
        item.duplicates = account.reasons.pop("重复记录且取值不同", 0)
        if item.table == "roles":  # job words (项目经理, 投标专员 …) are employees' positions
            words = {e.value for e in report.errors if e.file == item.name and e.column == "role" and e.value}
            item.recode = dict.fromkeys(sorted(words), "employee")
            kept = {r: n for r, n in account.reasons.items() if not (words and r.startswith("role："))}
            account.reasons = Counter(kept)
            item.notes = [n for n in item.notes if not (words and n.startswith("role 的取值"))]
        if account.rejected:  # leave it out: the draft must load as it is
            item.notes.append(f"{item.table} 不适用（{account.rejected}）")
            item.table = None
        item.notes += [f"检查发现 {n} 行：{reason}" for reason, n in account.reasons.most_common(5)]
        item.notes += [w.split("：", 1)[1] for w in report.warnings if w.startswith(item.name + "：")]
    return render(drafts)
