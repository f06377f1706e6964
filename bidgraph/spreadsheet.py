"""Every cell bidgraph writes to CSV or xlsx goes through ``safe_cell``: text that a spreadsheet
would run as a formula (a leading = + - @, tab or CR — e.g. a case comment
``=HYPERLINK("http://…"&A1,"…")``) is written with a leading apostrophe, so Excel, WPS and
LibreOffice show it as text. Numbers stay numbers; only text is touched."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may receive it: formula-led text escaped, everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and column name escaped (numeric columns are left as they are)."""
    from pandas.api.types import is_numeric_dtype

    out = frame.rename(columns=safe_cell)
    for column in out.columns:
        if not is_numeric_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    return out


def csv_bytes(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV in UTF-8 with BOM (Excel then reads the Chinese text correctly)."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(handle: Any, header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> None:
    """Escaped rows to an open text ``handle`` (a file opened with ``newline=""``, or stdout)."""
    writer = csv.writer(handle)  # CRLF rows: a cell holding a CR or LF is quoted
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)


def frame_csv(frame: pd.DataFrame) -> bytes:
    # CRLF rows make the writer quote any cell holding a CR, which would otherwise start a new row
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def frame_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_frame(frame).to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()
