"""The sample world written the way real platform exports look (``bidgraph sample --style
export``): Chinese file names, a workbook with several sheets, GBK CSVs, 岗位 words,
股东类型 + one 证件号 column, per-evaluation expert rows with the employer, amounts in 万元,
consortium bidders by name only, project managers as certificate text, and a companies
file without its 行业 column. Same world, same ground truth; ``EXPORT_MAPPING`` (committed
as data/export-mapping.yaml) loads it."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

from bidgraph.loaders.normalize import parse_money

MAPPING_FILE = Path(__file__).resolve().parents[1] / "export-mapping.yaml"
ROLE_WORDS = {
    "legal_rep": "法定代表人",
    "director": "董事",
    "supervisor": "监事",
    "manager": "经理",
    "finance_head": "财务负责人",
}
HOLDER_HEADER = ["企业统一社会信用代码", "企业名称", "股东类型", "股东名称", "证件号", "持股比例", "起始日期",
                 "截止日期"]  # fmt: skip
PEOPLE_HEADER = ["企业统一社会信用代码", "企业名称", "姓名", "身份证号", "岗位", "职务", "依据", "起始日期", "截止日期"]
# tables kept as they are, under their Chinese names (recognised without a mapping)
PLAIN = {
    "tenderers": "招标人",
    "agencies": "招标代理机构",
    "departments": "行政监督部门",
    "persons": "自然人",
    "projects": "项目",
    "certificates": "执业资格证书",
    "kinship": "亲属关系",
    "contacts": "联系方式",
    "penalties": "行政处罚与失信",
    "allowlist": "标识白名单",
}


def _rows(folder: Path, table: str) -> Iterator[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _write(path: Path, header: list[str], rows: Iterator[list[object]], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="", errors="strict") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _wan(value: str) -> str:
    """元 (or a 万元 text) -> 万元 text, exact to the fen (6 decimals); words stay as they are."""
    amount, _ = parse_money(value) if value else (None, None)
    return value if amount is None else f"{amount / 10_000:.6f}"


def restyle(canonical: Path, out: Path) -> None:
    """Write the export of the canonical tables in ``canonical`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    names = {r["uscc"]: r["name"] for t in ("companies", "tenderers", "agencies") for r in _rows(canonical, t)}
    for table, zh in PLAIN.items():
        shutil.copyfile(canonical / f"{table}.csv", out / f"{zh}.csv")
    shutil.copyfile(canonical / "ground_truth.json", out / "ground_truth.json")
    _write(
        out / "企业信息.csv",
        ["统一社会信用代码", "企业名称", "注册资本(万元)", "成立日期", "企业类型", "所属地区", "登记状态",
         "注册地址", "联系电话", "电子邮箱"],
        ([r["uscc"], r["name"], _wan(r["reg_capital"]), r["established"], r["legal_form"], r["region"], r["status"],
          r["address"], r["phone"], r["email"]] for r in _rows(canonical, "companies")),
        encoding="gbk",
    )  # fmt: skip
    tenders = list(_rows(canonical, "tenders"))
    _write(
        out / "招标项目.csv",
        ["标段编号", "项目编号", "标段名称", "行业", "地区", "招标人", "代理机构", "监督部门代码", "招标方式",
         "最高投标限价(万元)", "公告日期", "开标日期", "中标公示日期"],
        ([t["code"], t["project_code"], t["name"], t["industry"], t["region"], t["tenderer"], t["agency"],
          t["department"], t["method"], _wan(t["ceiling_price"]), t["published"], t["bid_open"], t["awarded"]]
         for t in tenders),
    )  # fmt: skip
    _write(out / "投标明细.csv", *_bids(canonical), encoding="gbk")
    _write(out / "专家库.csv", *_experts(canonical, names))
    _write(out / "评标记录.csv", *_evaluations(canonical, names))
    _people_workbook(canonical, out / "人员与股东.xlsx")


def _bids(canonical: Path) -> tuple[list[str], Iterator[list[object]]]:
    header = ["标段编号", "投标人统一社会信用代码", "投标人名称", "投标报价(万元)", "排名", "中标结果", "是否有效",
              "否决原因", "递交时间", "上传IP", "MAC地址", "CPU序列号", "硬盘序列号", "加密锁号", "文件创建识别码",
              "文件制作机器码", "保证金账户", "保证金开户行", "项目负责人身份证号", "项目负责人", "委托代理人身份证号",
              "委托代理人"]  # fmt: skip

    def rows() -> Iterator[list[object]]:
        for b in _rows(canonical, "bids"):
            manager = f"{b['pm_name']},注册建造师,{b['pm_certificate']}" if b["pm_certificate"] else b["pm_name"]
            yield [b["tender_code"], b["bidder_uscc"], b["bidder_name"], _wan(b["price"]), b["rank"],
                   "中标" if b["won"] == "true" else "未中标", b["valid"], b["disqualified_reason"], b["submitted"],
                   b["upload_ip"], b["mac"], b["cpu_serial"], b["disk_serial"], b["dongle_serial"],
                   b["file_creation_id"], b["machine_code"], b["deposit_account"], b["deposit_bank"],
                   b["pm_id_number"], manager, b["agent_id_number"], b["agent_name"]]  # fmt: skip

    return header, rows()


def _experts(canonical: Path, names: dict[str, str]) -> tuple[list[str], Iterator[list[object]]]:
    header = ["专家编号", "专家姓名", "身份证号", "评标专业", "工作单位", "职称", "联系电话"]
    return header, (
        [e["expert_no"], e["name"], e["id_number"], e["specialty"], names.get(e["employer"], e["employer"]),
         e["title_level"], e["phone"]]
        for e in _rows(canonical, "experts")
    )  # fmt: skip


def _evaluations(canonical: Path, names: dict[str, str]) -> tuple[list[str], Iterator[list[object]]]:
    experts = {e["expert_no"]: e for e in _rows(canonical, "experts")}
    header = ["标段编号", "专家编号", "专家姓名", "专家工作单位", "角色", "评标日期", "投标人统一社会信用代码", "得分"]
    return header, (
        [v["tender_code"], v["expert_no"], experts[v["expert_no"]]["name"],
         names.get(experts[v["expert_no"]]["employer"], experts[v["expert_no"]]["employer"]), v["role"], v["date"],
         v["bidder_uscc"], v["score"]]
        for v in _rows(canonical, "evaluations")
    )  # fmt: skip


def _people_workbook(canonical: Path, path: Path) -> None:
    workbook = Workbook(write_only=True)
    holders = workbook.create_sheet("股东信息")
    holders.append(HOLDER_HEADER)
    people = workbook.create_sheet("人员信息")
    people.append(PEOPLE_HEADER)
    for r in _rows(canonical, "roles"):
        if r["role"] == "shareholder":
            natural = not r["holder_uscc"] and not r["holder_name"]
            person = (r["person_name"], r["person_id_number"])
            name, number = person if natural else (r["holder_name"], r["holder_uscc"])
            kind = "自然人" if natural else "企业"
            holders.append([r["company_uscc"], r["company_name"], kind, name, number, r["pct"], r["start"], r["end"]])
        else:
            word = ROLE_WORDS.get(r["role"]) or r["position"] or "员工"
            people.append([r["company_uscc"], r["company_name"], r["person_name"], r["person_id_number"], word,
                           r["position"], r["basis"], r["start"], r["end"]])  # fmt: skip
    workbook.save(path)


def generate_export(size: str, seed: int, out: Path) -> dict[str, int]:
    """Generate the world (canonical tables in a temporary folder) and write its export."""
    from bidgraph.data.generator import generate

    with tempfile.TemporaryDirectory(prefix="bidgraph-export-") as tmp:
        counts = generate(size, seed, Path(tmp))
        restyle(Path(tmp), out)
    shutil.copyfile(MAPPING_FILE, out / "mapping.yaml")
    return counts
