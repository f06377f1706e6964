"""Finding the tables in the given paths and streaming their rows: CSV in UTF-8,
UTF-8 with BOM, GBK/GB18030 (detected), .xlsx sheets, OCDS JSON packages.

Nothing here holds a whole CSV or sheet in memory; bad files raise ``DataError``."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from bidgraph.errors import DataError
from bidgraph.loaders.mapping import Mapping
from bidgraph.loaders.tables import ORDER, header_key, table_for_name, tables

SAMPLE = 256 * 1024
FEW_BAD_BYTES = 16  # undecodable bytes in the sample still read as UTF-8/GB18030
FIELD_LIMIT = 64 * 1024 * 1024  # csv module limit; cells over normalize.MAX_CELL are refused later
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
NOTICE_SUFFIXES = {".html", ".htm", ".txt", ".pdf", ".docx"}  # published notices (loaders/notices.py)
_OTHER_DELIMITERS = {"\t": "制表符", ";": "分号", "|": "竖线", "；": "全角分号"}
csv.field_size_limit(FIELD_LIMIT)
_DTD_MARKS = tuple(m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("utf-8", "utf-16-le", "utf-16-be"))
# what an explicitly named file may add to a table name: dates, numbers, 明细/数据/导出
_AFFIX = re.compile(r"[\d_\-.年月日()（）]*(明细|数据|导出|清单|记录|表)?[\d_\-.年月日()（）]*")


@dataclass(frozen=True)
class Source:
    """One table in one file (a CSV, a sheet, or a table of an OCDS package)."""

    path: Path
    table: str
    kind: str  # csv | xlsx | ocds | notice
    sheet: str = ""

    @cached_property  # asked for every row
    def label(self) -> str:
        return f"{self.path.name}!{self.sheet}" if self.sheet else self.path.name

    @property
    def order(self) -> int:
        return ORDER.index(self.table)


def discover(paths: Sequence[str | Path], mapping: Mapping) -> tuple[list[Source], list[DataError], list[str]]:
    """The sources in ``paths`` (files or directories) in load order, the files that
    cannot be read, and warnings about files skipped in directories."""
    sources: list[Source] = []
    errors: list[DataError] = []
    warnings: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
                try:
                    found, problem = _file_sources(child, mapping, explicit=False)
                except DataError as e:
                    errors.append(e)
                    continue
                sources.extend(found)
                if problem:
                    warnings.append(f"已跳过 {child.name}：{problem}")
            continue
        if not path.exists():
            errors.append(DataError("文件不存在", file=str(given)))
            continue
        try:
            found, problem = _file_sources(path, mapping, explicit=True)
        except DataError as e:
            errors.append(e)
            continue
        if problem:
            errors.append(DataError(problem, file=path.name))
        sources.extend(found)
    sources.sort(key=lambda s: s.order)
    return sources, errors, warnings


def _file_sources(path: Path, mapping: Mapping, *, explicit: bool) -> tuple[list[Source], str]:
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl"):
        from bidgraph.loaders.notices import is_notice_json, notice_sources
        from bidgraph.loaders.ocds import is_ocds, ocds_sources

        if suffix == ".json" and is_ocds(path):
            return ocds_sources(path), ""
        if is_notice_json(path):
            return notice_sources(path), ""
        return [], "不是 OCDS 发布包/记录包，也不是公告 JSON（每行含正文 content/html 字段）"
    if suffix in (".xls", ".et"):
        return [], "不支持旧版 Excel 格式，请另存为 .xlsx"
    table = mapping.table_for_file(path.name) or _name_table(path.stem, explicit)
    if suffix == ".xlsx":
        return _xlsx_sources(path, mapping, table, explicit)
    if suffix in NOTICE_SUFFIXES and not (suffix in CSV_SUFFIXES and table):  # a .txt named after a table is CSV
        from bidgraph.loaders.notices import notice_sources

        return notice_sources(path), ""
    if suffix in CSV_SUFFIXES:
        if not table:
            return [], f"无法从文件名识别表（应为 {'、'.join(ORDER)} 或其中文名，或在映射文件中指定）"
        return [Source(path, table, "csv")], ""
    return [], "不支持的文件类型（支持 .csv .xlsx .json，公告 .html .htm .txt .pdf .docx .jsonl）"


def _name_table(name: str, explicit: bool) -> str | None:
    """The table a file or sheet name stands for: exactly a table's name; a file named
    explicitly may add a date, number or 明细/导出 affix (``2024年投标明细``). Never a
    substring guess: 招标项目.csv is not ``projects``."""
    table = table_for_name(name)
    if table is None:
        return None
    spec = tables()[table]
    key = header_key(name)
    if key in (header_key(spec.name), header_key(spec.zh)):
        return table
    if not explicit:  # in a directory scan only exact names count (ground_truth.csv is skipped)
        return None
    rest = key
    for text in sorted((header_key(spec.zh), header_key(spec.name)), key=len, reverse=True):
        rest = rest.replace(text, "", 1) if text in rest else rest
    return table if rest != key and _AFFIX.fullmatch(rest) else None


def _xlsx_sources(path: Path, mapping: Mapping, file_table: str | None, explicit: bool) -> tuple[list[Source], str]:
    if not zipfile.is_zipfile(path):
        return [], "不是有效的 .xlsx 文件（文件已损坏或并非 Excel 工作簿）"
    _refuse_dtd(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, SyntaxError) as e:  # ParseError is a SyntaxError
        raise DataError(f"不是有效的 .xlsx 文件（{type(e).__name__}），请用 Excel 重新另存", file=path.name) from None
    try:
        names = list(workbook.sheetnames)
    finally:
        workbook.close()
    found = []
    for sheet in names:
        spec = mapping.spec_for(sheet, f"{path.name}!{sheet}")
        table = spec.table if spec else _name_table(sheet, explicit)
        if table:
            found.append(Source(path, table, "xlsx", sheet))
    if not found and file_table and names:
        found.append(Source(path, file_table, "xlsx", names[0]))
    if not found:
        return [], "工作簿中没有可识别的工作表（工作表名应为表名或其中文名）"
    return found, ""


def _refuse_dtd(path: Path) -> None:
    """Excel never writes a DTD; one in an .xlsx part is an entity bomb (billion laughs)
    or an external-entity (XXE) attempt, refused before any XML parser sees it."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if member.filename.endswith((".xml", ".rels", ".vml")):
                with archive.open(member) as part:
                    head = part.read(4096)
                if any(mark in head for mark in _DTD_MARKS):
                    raise DataError(
                        f"Excel 文件含 DTD/实体声明（{member.filename}），疑似 XML 炸弹或外部实体攻击，已拒绝",
                        file=path.name,
                    )


def open_rows(source: Source) -> tuple[list[str], Iterable[tuple[int, list[object]]]]:
    """(header, rows) of a source; rows are (row number as a spreadsheet shows it, cells);
    a CSV's are ``CsvRows``."""
    if source.kind == "csv":
        return _csv_rows(source.path)
    if source.kind == "xlsx":
        return _xlsx_rows(source.path, source.sheet)
    if source.kind == "notice":
        from bidgraph.loaders.notices import notice_rows

        return notice_rows(source.path, source.table)
    from bidgraph.loaders.ocds import ocds_rows

    return ocds_rows(source.path, source.table)


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig or utf-8 when the bytes are UTF-8; else gb18030 (the superset of
    GBK/GB2312, what Chinese Excel writes) when they decode as such; else whatever
    charset-normalizer finds."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    # a few bad bytes in an otherwise UTF-8/GB18030 file: keep that encoding, the bad
    # cells are refused at their row (not a guess that garbles every other row)
    bad = {e: _undecodable(sample, e) for e in ("utf-8", "gb18030")}
    encoding = min(bad, key=lambda e: bad[e])
    if bad[encoding] <= FEW_BAD_BYTES:
        return encoding
    best = from_bytes(sample).best()
    return best.encoding if best else "gb18030"


def _undecodable(sample: bytes, encoding: str) -> int:
    decoded = codecs.getincrementaldecoder(encoding)(errors="surrogateescape").decode(sample, final=False)
    return sum(1 for c in decoded if "\udc80" <= c <= "\udcff")


def _csv_rows(path: Path) -> tuple[list[str], CsvRows]:
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE)
    if not sample.strip():
        raise DataError("文件为空", file=path.name)
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError("不是文本文件（含二进制内容），请导出为 CSV 或 .xlsx", file=path.name)
    encoding = detect_encoding(sample)
    # undecodable bytes become U+DC80–DCFF and are refused in their own cell (convert.py),
    # so the error names its real row and --skip-invalid skips only that row
    handle = path.open(encoding=encoding, errors="surrogateescape", newline="")
    try:
        reader = csv.reader(handle, strict=True)  # strict: a quote left open until the end is an error
        header = next(reader, [])
    except (UnicodeDecodeError, csv.Error) as e:
        handle.close()
        raise DataError(f"无法读取表头：{_reason(e)}", file=path.name, row=1) from None
    _check_delimiter(path, header)
    return [str(h) for h in header], CsvRows(path, handle, reader, len(header))


class CsvRows:
    """A CSV file's body as (row number, cells), blank rows skipped. ``unusual`` gathers the
    numbers of the rows read so far that span several lines or have more cells than the
    header: the only rows ``shape_problem`` can find fault with, so the others need no look."""

    def __init__(self, path: Path, handle: io.TextIOBase, reader: Any, width: int) -> None:  # reader: csv.reader
        self.unusual: set[int] = set()
        self.rows = self._read(path, handle, reader, width)

    def __iter__(self) -> Iterator[tuple[int, list[object]]]:
        return self.rows

    def _read(self, path: Path, handle: io.TextIOBase, reader: Any, width: int) -> Iterator[tuple[int, list[object]]]:
        number = 1
        lines = reader.line_num - number  # physical lines beyond one per row (a header over lines)
        with handle:
            try:
                for cells in reader:
                    number += 1
                    if reader.line_num - number != lines or len(cells) > width:
                        self.unusual.add(number)
                        lines = reader.line_num - number
                    # a row of blank cells is skipped; the usual row tells by its first character
                    if (cells and cells[0][:1].strip()) or "".join(cells).strip():
                        yield number, cells
            except (UnicodeDecodeError, csv.Error) as e:  # raised by the reader: ``number`` rows read
                raise DataError(
                    f"第 {number + 1} 行附近无法读取：{_reason(e)}", file=path.name, row=number + 1
                ) from None


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "文字编码错误（应为 UTF-8 或 GBK/GB18030）"
    if "unexpected end of data" in str(error):
        return "引号未闭合：从这一行开始的带引号字段直到文件末尾都没有结束（文件被截断或缺少引号）"
    if "expected after" in str(error):
        return "引号用法错误：右引号后应紧跟逗号或换行（请检查本行的引号）"
    return f"CSV 格式错误（{error}）"


def shape_problem(width: int, cells: list[object]) -> str:
    """Why a CSV row does not fit its header: more filled cells than header columns (an
    unquoted comma), or a quoted cell that swallowed whole lines of later rows (a quote
    closed only rows later). '' when it fits."""
    if len(cells) <= width and "\n" not in "".join(cells):  # the usual row (csv cells are str)
        return ""
    extra = sum(1 for c in cells[width:] if c not in (None, ""))
    if extra:
        return f"本行比表头多 {extra} 个非空单元格（可能有未加引号的逗号），请检查本行"
    for cell in cells if width > 1 else ():
        lines = cell.split("\n")[1:] if isinstance(cell, str) and "\n" in cell else ()
        if any(line.count(",") >= width - 1 for line in lines):
            return "一个带引号的字段包含了多行完整的数据（疑似引号未闭合，后面的行被并入），请检查本行的引号"
    return ""


def _check_delimiter(path: Path, header: list[str]) -> None:
    if len(header) > 1:
        return
    line = header[0] if header else ""
    for delimiter, name in _OTHER_DELIMITERS.items():
        if delimiter in line:
            raise DataError(f"分隔符错误：表头用{name}分隔，请另存为逗号分隔的 CSV", file=path.name, row=1)


def _xlsx_rows(path: Path, sheet: str) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = workbook[sheet].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        workbook.close()
        raise DataError("工作表为空", file=f"{path.name}!{sheet}")

    def body() -> Iterator[tuple[int, list[object]]]:
        try:
            for number, cells in enumerate(rows, start=2):
                if any(c not in (None, "") for c in cells):
                    yield number, list(cells)
        finally:
            workbook.close()

    return ["" if h is None else str(h) for h in header], body()
