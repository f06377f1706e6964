"""Where generated rows go: one UTF-8 CSV per canonical table, written row by row so the
large set never sits in memory, plus the ground-truth recorder."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from bidgraph import yamldoc

TABLES_YAML = Path(__file__).resolve().parents[2] / "loaders" / "tables.yaml"


@cache
def table_columns() -> dict[str, tuple[str, ...]]:
    """Column names of every canonical table, in the order of loaders/tables.yaml, without
    what only published notices carry (``notices: true``)."""
    doc = yamldoc.load(TABLES_YAML.read_text(encoding="utf-8"))
    return {
        name: tuple(c for c, cspec in spec["columns"].items() if not cspec.get("notices"))
        for name, spec in doc["tables"].items()
        if not spec.get("notices")
    }


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class Sink:
    """Open writers for all tables; ``row(table, **values)`` appends one row."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.counts: dict[str, int] = {}
        self._files = {}
        self._writers = {}
        for table, columns in table_columns().items():
            handle = (out / f"{table}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            self._files[table] = handle
            self._writers[table] = (writer, columns, frozenset(columns))
            self.counts[table] = 0

    def row(self, table: str, **values: Any) -> None:
        writer, columns, known = self._writers[table]
        if not values.keys() <= known:
            raise KeyError(f"{table}: unknown columns {sorted(values.keys() - known)}")
        get = values.get
        writer.writerow([v if (v := get(c)).__class__ is str else cell(v) for c in columns])
        self.counts[table] += 1

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()


class Truth:
    """The planted schemes and decoys; tenders are appended as the stream reaches them."""

    def __init__(self) -> None:
        self.schemes: list[dict[str, Any]] = []

    def add(
        self,
        detector: str,
        variant: str,
        note: str,
        *,
        companies: Sequence[str] = (),
        persons: Sequence[str] = (),
        decoy: bool = False,
        also: Sequence[str] = (),
        evidence: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": f"S{len(self.schemes) + 1:04d}",
            "detector": detector,
            "variant": variant,
            "decoy": decoy,
            "tenders": [],
            "companies": list(dict.fromkeys(companies)),
            "persons": list(dict.fromkeys(persons)),
            "note": note,
        }
        if also:
            entry["also"] = list(also)
        if evidence:
            entry["evidence"] = evidence
        self.schemes.append(entry)
        return entry

    def write(self, path: Path, header: dict[str, Any]) -> None:
        for entry in self.schemes:
            entry["companies"] = list(dict.fromkeys(entry["companies"]))
        doc = {**header, "schemes": self.schemes}
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
