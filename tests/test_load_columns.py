"""The check pass's column-at-once paths (loaders/columns.py, RowConverter._at_once, the
per-text caches) give exactly what the per-cell rules give: the same records (keys in the
same order, same types), errors (row, column, value, reason, in order) and warnings,
on generated rows full of tricky cells."""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric, uscc

from bidgraph.errors import DataError
from bidgraph.loaders import columns, converting, normalize
from bidgraph.loaders.checks import Duplicates
from bidgraph.loaders.convert import RowConverter
from bidgraph.loaders.identity import DEVICE_COLUMNS
from bidgraph.loaders.mapping import Mapping
from bidgraph.loaders.read import CsvRows, Source, open_rows, shape_problem
from bidgraph.loaders.row_checks import _SURE, IDENTIFIERS, NEVER_REFUSED, ONE_OF, RowChecks, _identifier_problem

DATES = ["2024/1/2", "2024年1月2日", "20240102", "45293", "45293.5", "2024-02-30", "2024-13-01", "1899-01-01",
         "1949-12-31", "2051-01-01", "２０２４-０１-０２", " 2024-01-02 ", "\u30002024-01-02", "2024-01-02T09:30:00",
         "2024-01-02 09:30", "2024-01-02T25:00:00", "1905", "2024", "=1+2", "-5", "", "2024-01-02\x01", "abc",
         "2101-01-01", "2024-01-02T09:30:00.5", "2024-01-02\n2024-01-03"]  # fmt: skip
MONEY = ["1,234.56", "123.4万元", "￥1,000", "按收费标准的50%计取", "下浮率3%", "-5", "1e5", "１２３", "9" * 400,
         "1000000000000000000", "0", "0.00", "", "=SUM(A1)", "12 万元", "９９.５", "12.", ".5", "300000000000",
         " 77 ", "\u300088", "@A1|x"]  # fmt: skip
CELLS = {
    "price": MONEY,
    "submitted": DATES,
    "rank": ["1.0", "1.5", "x", "", "１", "-0", "2e0"],
    "won": ["是", "否", "TRUE", "maybe", "", "中标", "Y "],
    "bidder_name": ['=HYPERLINK("x")', "+cmd|' /C calc'!A0", "a\x07b", "\u202eabc", "x" * 10_001, "\u3000名\u3000", ""],
    "pm_id_number": ["420521199007******", "110105194912310021", "１１０１０５１９４９１２３１００２１", "123", ""],
    "upload_ip": ["01.2.3.4", "999.1.1.1", "::1", "abc", " 10.0.0.1", ""],
    "mac": ["zz", "aa:bb:cc:dd:ee:ff", "AABBCCDDEEF", ""],
    "deposit_account": ["12-34", "abc", "6222 0000 1111"],
}


def _uscc(i: int) -> str:
    body = f"9141{i:06d}MA00000"[:17]
    return body + uscc.calc_check_digit(body)


def _id_number(i: int) -> str:
    body = f"4101011990{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _good(i: int, rnd: random.Random) -> dict[str, str]:
    return {
        "tender_code": f"T{i % 40:03d}",
        "bidder_uscc": _uscc(i % 30),
        "bidder_name": f"公司{i % 30}",
        "price": f"{rnd.randint(1, 10**7)}.{rnd.randint(0, 99):02d}" if i % 9 else "",
        "rank": str(1 + i % 5),
        "won": "true" if i % 5 == 0 else "false",
        "submitted": f"2023-0{1 + i % 9}-1{i % 10}T10:0{i % 10}:00",
        "upload_ip": f"10.0.{i % 7}.{i % 200}",
        "mac": f"AA-BB-CC-DD-EE-{i % 90 + 10}",
        "deposit_account": f"62220000{i % 50}",
        "pm_id_number": _id_number(i % 60),
        "pm_name": f"人{i % 60}",
    }


def _bids(path: Path, rows: int, seed: int) -> Path:
    """Chunks of clean rows (taken at once) between chunks with tricky cells."""
    rnd = random.Random(seed)
    header = list(_good(0, rnd))
    with path.open("w", encoding="utf-8", newline="", errors="surrogateescape") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for i in range(rows):
            row = _good(i, rnd)
            if (i // 50) % 3 and rnd.random() < 0.4:  # every third chunk clean
                column = rnd.choice(list(CELLS))
                row[column] = rnd.choice(CELLS[column])
            if i % 97 == 5:  # odd but loaded: warned (also in chunks otherwise clean)
                row["submitted"], row["price"] = "1949-12-31T10:00:00", "9" * 13
            writer.writerow(row.values())
    return path


def _events(path: Path) -> list[Any]:
    """The conversion events, errors as plain tuples (comparable)."""
    out: list[Any] = []
    for kind, *values in converting.converted([Source(path, "bids", "csv")], Mapping()):
        if kind == "rows":
            values = [[(row, list(record.items()), [_error(e) for e in errors]) for row, record, errors in values[0]]]
        out.append((kind, *[[_error(e) for e in v] if kind == "header" and not i else v for i, v in enumerate(values)]))
    return out


def _error(e: Any) -> tuple[Any, ...]:
    return (e.file, e.row, e.column, e.reason, e.value)


def test_columns_at_once_equal_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _bids(tmp_path / "bids.csv", 600, seed=3)
    monkeypatch.setattr(converting, "CHUNK_ROWS", 50)
    fast = _events(path)
    with monkeypatch.context() as m:  # every cell through the per-cell rules, nothing remembered
        m.setattr(RowConverter, "_at_once", lambda *a: False)
        m.setattr("bidgraph.loaders.columns.parsed", lambda *a: None)
        m.setattr(RowConverter, "_outcome", lambda self, cache, *a: self._worked_out(*a))
        m.setattr(RowChecks, "_unsure", lambda self, column, texts: texts)
        m.setattr(
            RowChecks, "_checked", lambda self, _, column, text: _identifier_problem("bids", column, {column: text})
        )
        slow = _events(path)
    assert fast == slow
    rows = [r for event in fast if event[0] == "rows" for r in event[1]]
    errors = [e for _, _, row_errors in rows for e in row_errors]
    assert len(rows) == 600 and len(errors) > 50  # the tricky cells were there and refused
    assert {e[3] for e in errors} >= {"日期不存在（月份或日期超出范围）", "应为整数", "金额不能为负数"}
    done = next(event for event in fast if event[0] == "done")
    assert any("日期不在常见范围" in line for line in done[1]) and any("金额超过" in line for line in done[1])


def test_typed_values_kept_exactly(tmp_path: Path) -> None:
    path = _bids(tmp_path / "bids.csv", 60, seed=4)
    rows = [r for event in _events(path) if event[0] == "rows" for r in event[1]]
    record = dict(rows[1][1])
    assert type(record["price"]) is float and record["submitted"].startswith("2023-0")
    assert record["won"] is False and record["rank"] == 2 and record["pm_id_number_masked"] is False


def test_duplicate_digest_equal_exactly_when_sorted_values_repr_equal() -> None:
    duplicates = Duplicates()
    pairs = [
        ({"a": 1, "b": "x"}, {"b": "x", "a": 1}, True),  # same values, other column order
        ({"a": 0.0}, {"a": -0.0}, False),  # equal numbers, different text: a conflict as before
        ({"a": 1}, {"a": 1.0}, False),
        ({"a": ["p", "q"]}, {"a": ["p", "q"]}, True),
        ({"a": None}, {"b": None}, False),
        ({"a": "x', 'y"}, {"a": "x", "y": None}, False),
    ]
    for one, other, same in pairs:
        assert (duplicates._digest(one) == duplicates._digest(other)) is same
        assert (repr(sorted(one.items())) == repr(sorted(other.items()))) is same


def test_identifier_texts_taken_as_sure_pass_their_check() -> None:
    """A text of a column's usual shape (row_checks._SURE) is never checked: each must pass."""
    candidates = ["AA-BB-CC-DD-EE-FF", "aa:bb:cc:dd:ee:ff", "AABBCCDDEEFF", "AA-BB-CC-DD-EE-F", "0123456789ab",
                  "1.2.3.4", "255.255.255.255", "01.2.3.4", "256.1.1.1", "13800138000", "0371-66881234", "123456",
                  "8613800138000", "008613800138000", "a@b.c", "a.b-c+d@x-y.example.com", "a@b", "@b.c",
                  "6222000011112222", "1", "x" * 40, "ＡＢ", "１２３４５６７", "0"]  # fmt: skip
    columns = {**DEVICE_COLUMNS, **IDENTIFIERS}
    taken = 0
    for column, kind in columns.items():
        for text in candidates:
            if kind in NEVER_REFUSED or re.fullmatch(_SURE[kind], text):
                assert _identifier_problem("bids", column, {column: text}) == "", (column, text)
                taken += 1
    assert taken > 20


def test_never_refused_device_columns_refuse_nothing() -> None:
    """Serial columns (row_checks.NEVER_REFUSED) are not checked at all: their check passes
    any text, odd ones included."""
    texts = ["", " ", "a b\tc", "x\ny", "\u3000１２\u3000", "\udcff", "\x07", "\u202eabc", "=1+2", "x" * 20_000]
    serials = [column for column, kind in DEVICE_COLUMNS.items() if kind in NEVER_REFUSED]
    assert serials and "mac" not in serials
    for column in serials:
        for text in texts:
            assert _identifier_problem("bids", column, {column: text}) == "", (column, text)


def test_column_screens_equal_their_regexes() -> None:
    """``columns.suspect`` and ``leading`` (quicker screens of a joined column) find exactly what
    the control/undecodable-character regex and a multi-line ``^[=+\\-@]`` find."""
    rnd = random.Random(5)
    alphabet = ["a", "1", " ", "\t", "\r", "\n", "\x00", "\x07", "\x0b", "\x1f", "\x7f", "~", "=", "+", "-", "@",
                "名", "\u200e", "\u202e", "\u2066", "\u2069", "\udc80", "\udcff", "\u3000", "é"]  # fmt: skip
    leading = re.compile("^[=+\\-@]", re.MULTILINE)
    for _ in range(3000):
        text = "".join(rnd.choices(alphabet, k=rnd.randint(0, 12)))
        ascii_text = text.encode("ascii", "ignore").decode()
        for joined in (text, ascii_text):
            assert columns.suspect(joined) == bool(columns.SUSPECT.search(joined)), repr(joined)
            assert columns.leading(joined) == bool(leading.search(joined)), repr(joined)


def test_valid_codes_are_what_the_per_cell_rules_accept_unchanged() -> None:
    """``columns.valid_codes`` takes an ID number or USCC only where ``parse_id_number`` /
    ``parse_uscc`` accept it and return it as written (not masked): right and wrong check
    characters, impossible and future birth dates, masks, lower case, other shapes."""
    rnd = random.Random(6)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    ids = ["11010519491231002X", "110105194902300021", "110105299901010021", "420521199007******", "4205211990******",
           "42052119900*******X", "420521*99007******", "420521199007*****x", "42052119900712345*", "x"]  # fmt: skip
    usccs: list[str] = []
    for _ in range(4000):
        born = f"{rnd.randint(1890, 2120)}{rnd.randint(0, 13):02d}{rnd.randint(0, 32):02d}"
        body = f"{rnd.randint(110000, 659999)}{born}{rnd.randint(0, 999):03d}"
        ids.append(body + (ric.calc_check_digit(body + "0") if rnd.random() < 0.8 else rnd.choice("0123456789Xx")))
        code = "".join(rnd.choices("0123456789", k=8) + rnd.choices(alphabet, k=9))
        code += uscc.calc_check_digit(code) if rnd.random() < 0.8 else rnd.choice(alphabet)
        at = rnd.randrange(18)
        usccs.append(code if rnd.random() < 0.9 else code[:at] + rnd.choice("IOSVZab-") + code[at + 1 :])
    for kind, texts, parse in (
        ("id_number", ids, normalize.parse_id_number.__wrapped__),
        ("uscc", usccs, normalize.parse_uscc),
    ):
        accepted = []
        for text in texts:
            try:
                value = parse(text)
            except ValueError:
                continue
            if value in ((text, False), (text, True), text):
                accepted.append((text, value if kind == "id_number" else (value,)))
        assert sorted(columns.valid_codes(kind, texts).items()) == sorted(accepted)
        assert len(accepted) > 1000 and len(accepted) < len(texts) - 500
    assert columns.valid_codes("str", ids) == {}


def test_repeated_values_parsed_once_give_the_same_column() -> None:
    """A money or date column of repeated values is parsed once per distinct text: the
    same values (SLOW where the per-cell rules must look) as parsed cell by cell."""
    for kind, cells in (("money", MONEY), ("date", DATES), ("datetime", DATES)):
        values = [c.strip() for c in cells if "\n" not in c] * 3 + ["1234.50", "2024-01-02", "2024-01-02T09:30:00"] * 20
        pattern, by_value = columns._FAST[kind]
        joined = "\n".join(values)
        assert columns.parsed(kind, values, joined) == by_value(values, set(pattern.findall(joined)))


def test_one_of_groups_as_row_by_row() -> None:
    """Rows of a table with one-of groups (roles) get the group's error exactly where no
    column of the group holds a true value, after the row's other errors."""
    rnd = random.Random(7)
    names = ["company_uscc", "company_name", "person_id_number", "person_name", "holder_uscc", "holder_name"]
    records: list[dict[str, object]] = [
        {c: rnd.choice(["x", "y", 0, "", None]) for c in names if rnd.random() < 0.5} for _ in range(500)
    ]
    rows: list[tuple[int, list[object]]] = [(j + 2, []) for j in range(len(records))]
    errors: defaultdict[int, list[DataError]] = defaultdict(list)
    errors[3].append(DataError("before", file="roles.csv", row=5))
    RowChecks("roles", "roles.csv", names, 100).check(rows, records, errors)
    expected = {3: ["before"]}
    for group in ONE_OF["roles"]:
        for j, record in enumerate(records):
            if not any(record.get(c) for c in group):
                expected.setdefault(j, []).append(f"以下列至少填写一项：{'、'.join(group)}")
    assert {j: [e.reason for e in found] for j, found in errors.items()} == expected
    assert all(e.row == j + 2 for j, found in errors.items() if j != 3 for e in found)
    assert 50 < len(expected) < 450


def test_csv_rows_flag_every_row_a_shape_problem_can_fault(tmp_path: Path) -> None:
    """``CsvRows.unusual`` holds every row ``shape_problem`` finds fault with (quoted line
    breaks, a quote that swallows later rows, unquoted commas), whatever the line endings
    and a header over two lines; the converted rows carry exactly those problems."""
    rnd = random.Random(8)
    lines = ['tender_code,bidder_name,price,"备\n注"']
    for i in range(400):
        pick = rnd.random()
        if pick < 0.05:
            lines.append(f'T{i},"名\n称",1')  # a line break in a cell
        elif pick < 0.08:
            lines.append(f"T{i},a,1,x,extra,more")  # more cells than the header
        elif pick < 0.1:
            lines.append(f'T{i},"a\rb",1')  # a lone CR in a cell
        elif pick < 0.11:
            lines.append(f'T{i},"swallows\nT{i}x,b,2\nT{i}y,c,3",1')  # whole rows inside a quote
        elif pick < 0.13:
            lines.append(",,")  # blank
        else:
            lines.append(f"T{i},公司{i},{i}")
    for ending in ("\n", "\r\n"):
        path = tmp_path / "bids.csv"
        path.write_bytes(ending.join(lines).encode() + ending.encode())
        header, rows = open_rows(Source(path, "bids", "csv"))
        assert isinstance(rows, CsvRows)
        faults = {row: problem for row, cells in rows if (problem := shape_problem(len(header), cells))}
        assert len(faults) > 5 and set(faults) <= rows.unusual and len(rows.unusual) > 20
        events = list(converting.converted([Source(path, "bids", "csv")], Mapping()))
        reasons = set(faults.values())
        shown = {row: e.reason for event in events if event[0] == "rows" for row, _, errors in event[1] for e in errors
                 if e.reason in reasons}  # fmt: skip
        assert shown == faults


def test_stripped_as_cell_by_cell() -> None:
    """``columns.stripped`` (a column with nothing to strip told by one byte table) gives each
    cell's stripped text, their join, and whether nothing was stripped, as ``str.strip``."""
    rnd = random.Random(9)
    alphabet = [
        "a",
        "1",
        "-",
        " ",
        "\n",
        "\t",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1f",
        "\x00",
        "\x7f",
        "\u3000",
        "名",
        "\xa0",
    ]
    for _ in range(3000):
        raws = tuple("".join(rnd.choices(alphabet, k=rnd.randint(0, 4))) for _ in range(rnd.randint(1, 5)))
        values = [raw.replace("\u3000", " ").strip() if "\u3000" in "".join(raws) else raw.strip() for raw in raws]
        assert columns.stripped(raws) == (values, "\n".join(values), values == list(raws)), raws
