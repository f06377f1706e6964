"""Turning one row of cells into a typed record, with every problem of the row as a
``DataError`` (file, row, column, value, reason)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import compress, zip_longest
from operator import itemgetter

from bidgraph.errors import DataError
from bidgraph.loaders import columns, normalize
from bidgraph.loaders.row_checks import RowChecks
from bidgraph.loaders.tables import Table, header_key

# Chinese words accepted for the English choice values of tables.yaml.
CHOICE_ALIASES = {
    "法定代表人": "legal_rep",
    "法人": "legal_rep",
    "股东": "shareholder",
    "董事": "director",
    "董事长": "director",
    "执行董事": "director",
    "监事": "supervisor",
    "经理": "manager",
    "总经理": "manager",
    "财务负责人": "finance_head",
    "员工": "employee",
    "职工": "employee",
    "社保": "social_insurance",
    "社保缴纳": "social_insurance",
    "劳动合同": "contract",
    "注册": "registration",
    "登记": "registry",
    "工商登记": "registry",
    "申报": "declared",
    "自述": "declared",
    "户籍": "household",
    "推断": "inferred",
    "电话": "phone",
    "邮箱": "email",
    "电子邮箱": "email",
    "地址": "address",
    "电话号码": "Phone",
    "IP地址": "IP",
    "设备": "Device",
    "银行账户": "BankAccount",
}

USUAL_YEARS = (1950, 2050)  # dates outside load with a warning; outside normalize.YEARS they are refused
WARNINGS_SHOWN = 20  # per file; the rest are counted
CACHED_CELLS = 1 << 15  # distinct texts remembered per column (then forgotten: bounded memory)


@dataclass(frozen=True)
class _Problem:
    reason: str
    value: str | None

    def at(self, file: str, row: int, column: str) -> DataError:
        return DataError(self.reason, file=file, row=row, column=column, value=self.value)


# what a cell puts into its record (in order), its problem, its odd-value reason, and the
# keys it puts in when it has neither (None otherwise: cells that cannot go at once), with
# their values
_Outcome = tuple[tuple[tuple[str, object], ...], _Problem | None, str, tuple[str, ...] | None, tuple[object, ...]]
_SHAPE, _VALUES = itemgetter(3), itemgetter(4)
Errors = defaultdict[int, list[DataError]]  # a chunk's errors by row index


class RowConverter:
    """Converts the rows of one source; built from its header."""

    def __init__(self, table: Table, header: list[str], index: dict[str, str], file: str) -> None:
        self.table = table
        self.file = file
        self.positions: dict[str, int] = {}
        self.unknown: list[str] = []
        self.header_errors: list[DataError] = []
        self.warnings: list[str] = []  # plausible but odd values, loaded (first WARNINGS_SHOWN)
        self.warned = 0
        self.price_warn = _price_warn()
        for position, title in enumerate(header):
            column = index.get(header_key(title))
            if column is None:
                if title.strip():
                    self.unknown.append(title.strip())
            elif column in self.positions:
                self.header_errors.append(DataError("表头重复（多列对应同一字段）", file=file, row=1, column=title))
            else:
                self.positions[column] = position
        columns = table.columns
        self.cells = [
            (c, p, columns[c].required, columns[c].type, columns[c].choices) for c, p in self.positions.items()
        ]
        self.caches: list[dict[str, _Outcome]] = [{} for _ in self.cells]
        self.row_checks = RowChecks(table.name, file, list(self.positions), CACHED_CELLS)
        for column in table.required:
            if column not in self.positions:
                spec = table.columns[column]
                names = "、".join((column, *spec.aliases[:2]))
                self.header_errors.append(
                    DataError(f"缺少必填列（可用表头：{names}）", file=file, row=1, column=column)
                )

    def convert(self, rows: list[tuple[int, list[object]]]) -> tuple[list[dict[str, object]], Errors]:
        """The record of each (row number, cells) of a chunk and the errors of the rows that
        have any (by index in the chunk), exactly as row by row, but column by column: a
        column whose cells need no check (no control or undecodable character, no
        formula-like or over-long cell — screened over the joined column) is taken as it
        is; a column of plain amounts or ISO dates is parsed in one go (``columns.py``);
        other cells go through the per-cell rules, once per distinct text."""
        records: list[dict[str, object]] = [{} for _ in rows]
        errors: Errors = defaultdict(list)  # most rows have none: no list for them
        odd: list[tuple[int, int, str, str]] = []  # (row index, column index, value, reason)
        transposed = list(zip_longest(*(cells for _, cells in rows), fillvalue=""))  # a missing cell is blank
        blank = ("",) * len(rows)
        for index, (column, position, required, kind, choices) in enumerate(self.cells):
            values, joined, exact = columns.stripped(transposed[position] if position < len(transposed) else blank)
            if required and "" in values:
                for j, value in enumerate(values):
                    if not value:
                        errors[j].append(DataError("必填列为空", file=self.file, row=rows[j][0], column=column))
            plain = not columns.suspect(joined) and (
                len(joined) <= normalize.MAX_CELL or max(map(len, values)) <= normalize.MAX_CELL
            )
            if plain and kind == "str" and not choices and not columns.leading(joined):
                columns.fill(records, column, values, values)
                continue
            fast = columns.parsed(kind, values, joined) if plain and exact and not choices else None
            if not self._at_once(records, index, values, fast, exact, plain):
                raws = transposed[position] if position < len(transposed) else blank
                self._one_by_one(rows, records, errors, odd, index, raws, values, fast, plain)
        for j, index, value, reason in sorted(odd, key=lambda o: o[:2]):  # in row order, as shown
            self._warn(rows[j][0], self.cells[index][0], value, reason)
        self.row_checks.check(rows, records, errors)
        return records, errors

    def _at_once(
        self,
        records: list[dict[str, object]],
        index: int,
        values: list[str],
        fast: list[object] | None,
        exact: bool,
        plain: bool,
    ) -> bool:
        """Fills a typed column in one go when none of its cells has a problem or an odd value
        (the usual chunk): from the fast path's values, or — text cells — from the outcome of
        each distinct text. False (nothing filled) when the cells must go one by one."""
        column, _, _, kind, choices = self.cells[index]
        if fast is not None:
            present = [p for p in fast if p is not None]
            if columns.SLOW in present:
                return False
            if present and (self._odd(kind, min(present)) or self._odd(kind, max(present))):
                return False  # _odd of these kinds is a range check: the extremes tell
            columns.fill(records, column, values, fast)
            return True
        if not exact or kind == "list":  # a list would be shared by records
            return False
        cache = self.caches[index]
        texts = {*values}
        texts.discard("")
        if len(cache) + len(texts) > CACHED_CELLS:
            cache.clear()
        missing = texts.difference(cache)
        keys = (column, column + "_masked") if kind == "id_number" else (column,)
        for code, parsed in ({} if choices else columns.valid_codes(kind, missing)).items():  # ID numbers, USCCs
            missing.discard(code)
            cache[code] = tuple(zip(keys, parsed, strict=True)), None, "", keys, parsed
        for text in missing:  # worked out once per distinct text
            cache[text] = self._worked_out(column, kind, choices, text, text, plain)
        shapes = set(map(_SHAPE, map(cache.__getitem__, texts)))
        if len(shapes) > 1 or None in shapes:
            return False
        outcomes = [*map(_VALUES, map(cache.__getitem__, compress(values, values)))]  # of the filled cells
        for k, key in enumerate(shapes.pop() if shapes else ()):  # id_number: number, then masked
            columns.fill_filled(records, key, values, map(itemgetter(k), outcomes))
        return True

    def _one_by_one(
        self,
        rows: list[tuple[int, list[object]]],
        records: list[dict[str, object]],
        errors: Errors,
        odd: list[tuple[int, int, str, str]],
        index: int,
        raws: tuple[object, ...],
        values: list[str],
        fast: list[object] | None,
        plain: bool,
    ) -> None:
        column, _, _, kind, choices = self.cells[index]
        cache = self.caches[index] if kind != "list" else None  # a list would be shared by records
        for j, (raw, value) in enumerate(zip(raws, values, strict=True)):
            if not value:
                continue
            parsed = fast[j] if fast else columns.SLOW
            if parsed is columns.SLOW:
                pairs, problem, reason, *_ = self._outcome(cache, column, kind, choices, raw, value, plain)
                records[j].update(pairs)
                if problem:
                    errors[j].append(problem.at(self.file, rows[j][0], column))
                    continue
            else:
                records[j][column] = parsed
                reason = self._odd(kind, parsed)
            if reason:
                odd.append((j, index, value, reason))

    def _outcome(
        self,
        cache: dict[str, _Outcome] | None,
        column: str,
        kind: str,
        choices: tuple[str, ...],
        raw: object,
        value: str,
        plain: bool,
    ) -> _Outcome:
        """What a filled cell puts into its record, its problem, and its odd-value reason;
        the same text gives the same outcome, so each distinct text is worked out once."""
        if cache is None or type(raw) is not str:
            return self._worked_out(column, kind, choices, raw, value, plain)
        outcome = cache.get(raw)
        if outcome is None:
            if len(cache) >= CACHED_CELLS:
                cache.clear()
            outcome = cache[raw] = self._worked_out(column, kind, choices, raw, value, plain)
        return outcome

    def _worked_out(
        self, column: str, kind: str, choices: tuple[str, ...], raw: object, value: str, plain: bool
    ) -> _Outcome:
        record: dict[str, object] = {}  # what _cell put in before a problem stays (a choice)
        problem = self._cell(record, column, False, kind, choices, raw, value, plain)
        reason = "" if problem else self._odd(kind, record.get(column))
        return tuple(record.items()), problem, reason, None if problem or reason else tuple(record), (*record.values(),)

    def _cell(
        self,
        record: dict[str, object],
        column: str,
        required: bool,
        kind: str,
        choices: tuple[str, ...],
        raw: object,
        value: str,
        plain: bool,
    ) -> _Problem | None:
        """Puts one cell into ``record``, or says what is wrong with it."""
        if not value:
            return _Problem("必填列为空", None) if required else None
        problem = _cell_problem(raw, value) if len(value) > normalize.MAX_CELL or value[0] in "=+-@" else ""
        if not problem and not plain and type(raw) is str:
            problem = _text_problem(value)
            value = _visible(value) if problem else value
        if problem:
            return _Problem(problem, _shown(value))
        if kind == "str" and not choices:  # most cells: nothing to parse
            record[column] = value
            return None
        try:
            _put(record, column, kind, choices, raw, value)
        except ValueError as e:
            return _Problem(str(e), value)
        return None

    def _odd(self, kind: str, parsed: object) -> str:
        if kind in ("date", "datetime") and isinstance(parsed, str):
            if not USUAL_YEARS[0] <= int(parsed[:4]) <= USUAL_YEARS[1]:
                return f"日期不在常见范围（{USUAL_YEARS[0]}–{USUAL_YEARS[1]} 年）"
        elif kind == "money" and isinstance(parsed, float) and parsed > self.price_warn:
            return f"金额超过 {self.price_warn:,.0f} 元（BIDGRAPH_PRICE_WARN_YUAN）"
        return ""

    def _warn(self, number: int, column: str, value: str, reason: str) -> None:
        self.warned += 1
        if len(self.warnings) < WARNINGS_SHOWN:
            where = f"{self.file} 第 {number} 行 {column} 列"
            self.warnings.append(f"{where}：{reason}，已导入，请核对（值：{_shown(value)}）")

    def warning_lines(self) -> list[str]:
        """The warnings of this source, the ones beyond WARNINGS_SHOWN as a count."""
        rest = self.warned - len(self.warnings)
        return self.warnings + ([f"{self.file}：另有 {rest:,} 个取值异常的单元格已导入，请核对"] if rest else [])


def _price_warn() -> float:
    from bidgraph.settings import get_settings

    return get_settings().price_warn_yuan


def _text_problem(value: str) -> str:
    if columns.UNDECODED.search(value):
        return "文字编码错误（应为 UTF-8 或 GBK/GB18030）"
    found = columns.CONTROL.search(value)
    if found:
        return f"含控制字符或文字方向控制符（U+{ord(found.group()):04X}），已拒绝"
    return ""


def _visible(value: str) -> str:
    """The value as echoed in errors: undecodable bytes as \\xFF, controls as \\u202e
    (the errors CSV must be writable and must not show the trick)."""
    value = columns.UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02X}", value)
    return columns.CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _cell_problem(raw: object, value: str) -> str:
    if len(value) > normalize.MAX_CELL:
        return f"字段过长（{len(value):,} 个字符，上限 {normalize.MAX_CELL:,}）"
    if value[0] in "=+-@" and isinstance(raw, str) and normalize.is_formula(value):
        return "疑似公式注入（以 = + - @ 开头的公式），已拒绝"
    return ""


def _shown(value: str) -> str:
    return value if len(value) <= 50 else value[:50] + "…"


def _put(record: dict[str, object], column: str, kind: str, choices: tuple[str, ...], raw: object, value: str) -> None:
    if kind == "money":
        record[column], text = normalize.parse_money(raw)
        if text:
            record[column + "_text"] = text
    elif kind == "id_number":
        record[column], record[column + "_masked"] = normalize.parse_id_number(value)
    elif kind == "list":
        record[column] = [v.strip() for v in value.replace("；", ";").split(";") if v.strip()]
    else:
        record[column] = _PARSERS[kind](raw if kind in ("date", "datetime", "money", "bool") else value)
    if choices:
        chosen = CHOICE_ALIASES.get(str(record[column]), record[column])
        if chosen not in choices:
            raise ValueError(f"取值应为：{'、'.join(choices)}")
        record[column] = chosen


_PARSERS = {
    "str": lambda v: v,
    "int": normalize.parse_int,
    "float": normalize.parse_float,
    "date": normalize.parse_date,
    "datetime": normalize.parse_datetime,
    "bool": normalize.parse_bool,
    "pct": normalize.parse_pct,
    "uscc": normalize.parse_uscc,
}
