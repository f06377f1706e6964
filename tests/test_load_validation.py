"""Every validation rule against a bad-input fixture: all errors of a load come back
together, with file, row, column, value and a Chinese reason; nothing raises."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bidgraph import loaders

BAD = Path(__file__).parent / "fixtures" / "loaders" / "bad"


def errors_of(*paths: Path) -> set[tuple[str, int | None, str, str]]:
    report = loaders.validate_paths(list(paths))
    return {(e.file, e.row, e.column, e.reason) for e in report.errors}


def reasons(errors: set[tuple[str, int | None, str, str]], file: str, row: int | None) -> dict[str, str]:
    return {column: reason for f, r, column, reason in errors if f == file and r == row}


@pytest.fixture(scope="module")
def row_errors() -> set[tuple[str, int | None, str, str]]:
    return errors_of(BAD / "rows")


def test_all_row_errors_are_collected_together(row_errors: set) -> None:
    report = loaders.validate_paths([BAD / "rows"])
    assert report.status == "检查未通过"
    assert report.errors_total == len(report.errors) == 18
    assert {e.file for e in report.errors} == {"companies.csv", "persons.csv", "roles.csv", "bids.csv"}
    assert report.rows_loaded == report.rows_read - 13  # 13 distinct rows are bad


def test_checksums(row_errors: set) -> None:
    assert reasons(row_errors, "companies.csv", 3) == {"uscc": "统一社会信用代码校验位错误"}
    assert reasons(row_errors, "persons.csv", 2) == {"id_number": "身份证号校验位错误"}
    assert "id_number" in reasons(row_errors, "persons.csv", 4)
    assert reasons(row_errors, "persons.csv", 3) == {}  # a masked ID number is valid input


def test_types(row_errors: set) -> None:
    assert reasons(row_errors, "companies.csv", 4) == {"established": "日期不存在（月份或日期超出范围）"}
    assert reasons(row_errors, "persons.csv", 4)["birth_year"] == "应为整数"
    assert reasons(row_errors, "roles.csv", 3) == {"pct": "百分比应在 0 到 100 之间"}
    assert reasons(row_errors, "roles.csv", 2)["role"].startswith("取值应为")
    bid = reasons(row_errors, "bids.csv", 4)
    assert bid["price"] == "金额不能为负数"
    assert set(bid) == {"price", "won", "upload_ip", "mac", "deposit_account"}


def test_required_values_and_row_rules(row_errors: set) -> None:
    assert reasons(row_errors, "companies.csv", 7) == {"name": "必填列为空"}
    assert reasons(row_errors, "roles.csv", 4)[""].startswith("以下列至少填写一项")
    assert reasons(row_errors, "companies.csv", 8) == {"phone": "电话号码位数不足"}


def test_formula_injection_is_refused(row_errors: set) -> None:
    assert reasons(row_errors, "companies.csv", 5) == {"name": "疑似公式注入（以 = + - @ 开头的公式），已拒绝"}


def test_duplicates_with_conflicting_values(row_errors: set) -> None:
    found = reasons(row_errors, "companies.csv", 6)
    assert found[""].startswith("重复记录且取值不同（与 companies.csv 第 2 行")


def test_reference_to_unknown_tender(row_errors: set) -> None:
    assert reasons(row_errors, "bids.csv", 3) == {"tender_code": "引用不存在：标段编号在本次文件和图谱中都找不到"}
    assert reasons(row_errors, "bids.csv", 2) == {}


@pytest.mark.parametrize(
    ("case", "row", "reason"),
    [
        ("empty", None, "文件为空"),
        ("binary", None, "不是文本文件（含二进制内容），请导出为 CSV 或 .xlsx"),
        ("delimiter", 1, "分隔符错误：表头用分号分隔，请另存为逗号分隔的 CSV"),
        ("missing_column", 1, "缺少必填列（可用表头：name、企业名称、单位名称）"),
    ],
)
def test_bad_files(case: str, row: int | None, reason: str) -> None:
    report = loaders.validate_paths([BAD / case / "companies.csv"])
    assert [(e.file, e.row, e.reason) for e in report.errors] == [("companies.csv", row, reason)]


def test_enormous_field() -> None:
    report = loaders.validate_paths([BAD / "huge" / "companies.csv"])
    (error,) = report.errors
    assert (error.row, error.column) == (2, "address")
    assert error.reason.startswith("字段过长（15,000 个字符")


def test_unsupported_and_missing_files() -> None:
    report = loaders.validate_paths([BAD / "xls" / "companies.xls", BAD / "nothing.csv", BAD / "rows" / "notes.txt"])
    assert [e.reason for e in report.errors] == [
        "不支持旧版 Excel 格式，请另存为 .xlsx",
        "文件不存在",
        "文件不存在",
    ]
    # in a directory, files that are not tables are skipped with a note instead
    assert loaders.validate_paths([BAD / "xls"]).warnings == [
        "已跳过 companies.xls：不支持旧版 Excel 格式，请另存为 .xlsx"
    ]


def test_error_csv(tmp_path: Path) -> None:
    report = loaders.validate_paths([BAD / "rows"])
    path = report.write_errors_csv(tmp_path / "errors.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["文件", "行号", "列", "值", "原因"]
    assert len(rows) == 1 + report.errors_total
    formula = next(r for r in rows if r[4].startswith("疑似公式注入"))
    assert formula[3].startswith("'=")  # echoed values cannot run in Excel either
    frame = report.errors_dataframe()
    assert list(frame.columns) == ["文件", "行号", "列", "值", "原因"] and len(frame) == report.errors_total


def test_aliases_are_unambiguous() -> None:
    from bidgraph.loaders.tables import header_key, tables

    for table in tables().values():
        seen: dict[str, str] = {}
        for column in table.columns.values():
            for header in (column.name, *column.aliases):
                assert seen.setdefault(header_key(header), column.name) == column.name, (table.name, header)


def test_formula_cell_in_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(["统一社会信用代码", "企业名称"])
    sheet.append(["91410100MA3X000008", '=HYPERLINK("http://evil.example","点我")'])
    workbook.save(tmp_path / "book.xlsx")
    (error,) = loaders.validate_paths([tmp_path / "book.xlsx"]).errors
    assert (error.file, error.row, error.column) == ("book.xlsx!企业", 2, "name")
    assert error.reason.startswith("疑似公式注入")
