"""What a load (or a dry run) did: counts, timing and every error found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bidgraph.errors import DataError
from bidgraph.loaders.account import FileAccount, missing_facts
from bidgraph.spreadsheet import write_csv

if TYPE_CHECKING:
    import pandas as pd

MAX_ERRORS = 50_000  # error records kept; the rest are only counted
ERROR_COLUMNS = ("file", "row", "column", "value", "reason")
ERROR_HEADERS = ("文件", "行号", "列", "值", "原因")


@dataclass(frozen=True)
class ErrorRecord:
    file: str
    row: int | None
    column: str
    value: str
    reason: str

    @classmethod
    def of(cls, error: DataError) -> ErrorRecord:
        value = "" if error.value is None else str(error.value)
        return cls(error.file, error.row, error.column, value[:200], error.reason)


@dataclass
class LoadReport:
    load_id: str
    files: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows read per table
    rows_read: int = 0
    rows_loaded: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    elapsed_s: float = 0.0
    dry_run: bool = False
    written: bool = False
    accounts: dict[str, FileAccount] = field(default_factory=dict)  # per file (or sheet)

    def add_error(self, error: DataError) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ErrorRecord.of(error))

    @property
    def ok(self) -> bool:
        return self.errors_total == 0

    @property
    def status(self) -> str:
        """检查通过 / 已导入 / 部分导入 / 未导入."""
        if self.dry_run:
            return "检查通过" if self.ok else "检查未通过"
        if not self.written:
            return "未导入"
        return "已导入" if self.ok else "部分导入"

    @property
    def partial(self) -> bool:
        """Written, but some rows or files were left out because of errors."""
        return self.written and not self.ok

    def missing_facts(self) -> list[str]:
        """In Chinese: which kinds of facts the graph lacks because of this load's errors."""
        if self.ok:
            return []
        return missing_facts(list(self.accounts.values()), nothing_written=not (self.written or self.dry_run))

    @property
    def elements_written(self) -> int:
        return self.nodes_created + self.relationships_created

    def errors_dataframe(self) -> pd.DataFrame:
        import pandas as pd

        frame = pd.DataFrame([e.__dict__ for e in self.errors], columns=list(ERROR_COLUMNS))
        return frame.rename(columns=dict(zip(ERROR_COLUMNS, ERROR_HEADERS, strict=True)))

    def write_errors_csv(self, path: str | Path) -> Path:
        """The errors as a CSV with Chinese headers (UTF-8 with BOM, so Excel opens it)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            rows = ((e.file, "" if e.row is None else e.row, e.column, e.value, e.reason) for e in self.errors)
            write_csv(handle, ERROR_HEADERS, rows)
        return path

    def summary(self) -> dict[str, object]:
        return {
            "status": self.status,
            "files": self.files,
            "tables": self.tables,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "errors": self.errors_total,
            "nodes_created": self.nodes_created,
            "relationships_created": self.relationships_created,
            "elapsed_s": round(self.elapsed_s, 3),
            "accounts": [a.to_dict() for a in self.accounts.values()],
            "missing": self.missing_facts(),
        }
