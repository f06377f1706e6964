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


def test_huge_prices_are_refused_large_ones_warned() -> None:
    report = loaders.validate_paths([BAD / "price"])
    over = "金额超出可处理范围（超过 1,000,000,000,000,000 元），请检查数据或单位"
    assert {(e.file, e.row, e.column, e.reason) for e in report.errors} == {
        ("bids.csv", 2, "price", over),  # 1e21
        ("bids.csv", 3, "price", over),  # 400 digits: was inf, then a Cypher syntax error
    }
    assert [w for w in report.warnings if "金额" in w] == [
        "bids.csv 第 4 行 price 列：金额超过 10,000,000,000 元（BIDGRAPH_PRICE_WARN_YUAN），"
        "已导入，请核对（值：25000000000）"
    ]
    assert report.rows_loaded == 3


def test_odd_dates_warned_impossible_ones_refused() -> None:
    report = loaders.validate_paths([BAD / "dates"])
    assert {(e.file, e.row, e.column, e.reason) for e in report.errors} == {
        ("persons.csv", 2, "id_number", "身份证号中的出生日期在未来（2099-07-01）"),
        ("tenders.csv", 4, "bid_open", "日期年份不可能（应在 1900 到 2100 年之间）"),
    }
    odd = [w for w in report.warnings if "常见范围" in w]
    assert odd == [
        "tenders.csv 第 2 行 bid_open 列：日期不在常见范围（1950–2050 年），已导入，请核对（值：1900-01-01）",
        "tenders.csv 第 3 行 bid_open 列：日期不在常见范围（1950–2050 年），已导入，请核对（值：2100-12-31）",
    ]


# Excel shows 2024 in a date cell as 1905-07-16
YEAR_CELL = "疑似年份而非日期（日期单元格中是数字 2024，显示为 1905-07-16），请填写完整日期"
MERGED = "一个带引号的字段包含了多行完整的数据（疑似引号未闭合，后面的行被并入），请检查本行的引号"
CUT = "第 3 行附近无法读取：引号未闭合：从这一行开始的带引号字段直到文件末尾都没有结束（文件被截断或缺少引号）"


def test_year_in_an_xlsx_date_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "标段"
    sheet.append(["code", "name", "bid_open"])
    sheet.append(["T-1", "一标段", 2024])  # a number typed into the date column
    sheet.append(["T-2", "二标段", 2024])
    sheet["C3"].number_format = "yyyy-mm-dd"  # a date cell: openpyxl reads 1905-07-16
    workbook.save(tmp_path / "book.xlsx")
    errors = {(e.file, e.row, e.column, e.reason) for e in loaders.validate_paths([tmp_path / "book.xlsx"]).errors}
    assert errors == {
        ("book.xlsx!标段", 2, "bid_open", "疑似年份而非日期（单元格为数字 2024），请填写完整日期"),
        ("book.xlsx!标段", 3, "bid_open", YEAR_CELL),
    }


def test_control_characters_are_refused() -> None:
    report = loaders.validate_paths([BAD / "control"])
    assert {(e.row, e.column, e.value, e.reason) for e in report.errors} == {
        (2, "name", "河南\\u202e司公限有设建远宏", "含控制字符或文字方向控制符（U+202E），已拒绝"),
        (3, "address", "郑州市\\u0007金水区", "含控制字符或文字方向控制符（U+0007），已拒绝"),
    }
    assert report.rows_loaded == 1  # a quoted newline is ordinary text


@pytest.mark.parametrize(
    ("case", "row", "reason", "loadable"),
    [
        ("unclosed_quote", 2, MERGED, 1),
        ("extra_cells", 3, "本行比表头多 2 个非空单元格（可能有未加引号的逗号），请检查本行", 2),
        ("truncated", 3, CUT, 0),
    ],
)
def test_broken_csv_structure(case: str, row: int, reason: str, loadable: int) -> None:
    report = loaders.validate_paths([BAD / case])
    assert [(e.file, e.row, e.reason) for e in report.errors] == [("companies.csv", row, reason)]
    assert report.rows_loaded == loadable  # a cut file is refused whole, never loaded with the cut value


def test_encoding_error_at_its_row() -> None:
    report = loaders.validate_paths([BAD / "encoding"])
    assert [(e.row, e.column, e.value, e.reason) for e in report.errors] == [
        (5, "name", "\\xFF\\xFE5有限公司", "文字编码错误（应为 UTF-8 或 GBK/GB18030）")
    ]
    assert (report.rows_read, report.rows_loaded) == (7, 6)


SHEET = "xl/worksheets/sheet1.xml"


def test_entity_bomb_xlsx_and_deep_json(tmp_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "企业"
    workbook.active.append(["uscc", "name"])
    workbook.save(tmp_path / "plain.xlsx")
    bomb = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as plain, zipfile.ZipFile(tmp_path / "companies.xlsx", "w") as out:
        for name in plain.namelist():
            data = plain.read(name)
            if name == SHEET:
                declaration, _, rest = data.partition(b"?>")
                data = declaration + b"?>" + bomb + rest
            out.writestr(name, data)
    (tmp_path / "tenders.json").write_text('{"releases":' + "[" * 200_000 + "]" * 200_000 + "}")
    report = loaders.validate_paths([tmp_path / "companies.xlsx", tmp_path / "tenders.json"])
    assert [(e.file, e.reason) for e in report.errors] == [
        (
            "companies.xlsx",
            "Excel 文件含 DTD/实体声明（xl/worksheets/sheet1.xml），疑似 XML 炸弹或外部实体攻击，已拒绝",
        ),
        ("tenders.json", "无法解析 JSON：嵌套层数过深（不是正常的 OCDS 文件）"),
    ]


def test_errors_in_later_chunks_name_their_row(tmp_path: Path) -> None:
    """Rows are converted column by column in chunks (converting.CHUNK_ROWS): a bad value in
    a later chunk still names its own row and column, a required cell left empty too, and
    the rows around them stay valid."""
    from bidgraph.loaders.converting import CHUNK_ROWS

    rows = [["code", "name", "bid_open", "ceiling_price"]]
    rows += [[f"T{n:05d}", f"标段{n}", "2024-01-02", "1000"] for n in range(2 * CHUNK_ROWS + 10)]
    rows[CHUNK_ROWS + 5][2] = "明年"  # spreadsheet row CHUNK_ROWS + 6
    rows[2 * CHUNK_ROWS + 3][1] = "标段\u202e"  # a control character, in the third chunk
    rows[2 * CHUNK_ROWS + 4][0] = ""
    with (tmp_path / "tenders.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = loaders.validate_paths([tmp_path / "tenders.csv"])
    assert [(e.row, e.column, e.reason[:4]) for e in report.errors] == [
        (CHUNK_ROWS + 6, "bid_open", "无法识别"),
        (2 * CHUNK_ROWS + 4, "name", "含控制字"),
        (2 * CHUNK_ROWS + 5, "code", "必填列为"),
    ]
    assert report.rows_read == 2 * CHUNK_ROWS + 10
    assert report.rows_loaded == report.rows_read - 3
