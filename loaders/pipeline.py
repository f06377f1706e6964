"""A load in two passes: check everything (collecting all errors) while streaming the
files once, keeping the converted rows on disk; then — if allowed — write the valid
rows from there in one atomic scope."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidgraph.errors import DataError
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.build import Builder
from bidgraph.loaders.checks import Duplicates, References
from bidgraph.loaders.convert import RowConverter
from bidgraph.loaders.mapping import Mapping
from bidgraph.loaders.read import Source, discover, open_rows
from bidgraph.loaders.report import LoadReport
from bidgraph.loaders.resolve import Resolver
from bidgraph.loaders.spill import Spill
from bidgraph.loaders.tables import tables
from bidgraph.loaders.write import Writer

Progress = Callable[[int, int, str], None]
ORG_TABLES = {"companies": "Company", "tenderers": "Tenderer", "agencies": "Agency"}


@dataclass
class Plan:
    """What the check pass found: the sources, the rows to leave out, and the resolver
    the write pass needs."""

    sources: list[Source]
    report: LoadReport
    resolver: Resolver = field(default_factory=Resolver)
    bad_sources: set[str] = field(default_factory=set)
    invalid: set[tuple[str, int]] = field(default_factory=set)
    stamps: dict[Path, tuple[int, int]] = field(default_factory=dict)
    records: Spill | None = None  # the converted rows, kept for the write pass

    def close(self) -> None:
        if self.records:
            self.records.close()

    def changed_files(self) -> list[str]:
        """Files modified since the check pass (the write pass must read what was checked)."""
        return sorted(p.name for p, stamp in self.stamps.items() if _stamp(p) != stamp)

    @property
    def rows_valid(self) -> int:
        return self.report.rows_read - len(self.invalid)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return stat.st_size, stat.st_mtime_ns


def new_load_id() -> str:
    return datetime.now(UTC).strftime("L%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def check(
    paths: Sequence[str | Path],
    mapping: Mapping,
    store: GraphStore | None,
    progress: Progress | None = None,
    *,
    keep: bool = False,
) -> Plan:
    """The check pass: reads every row once, converts and checks it; with ``keep`` the
    converted rows are kept (on disk) for ``write_plan``."""
    sources, file_errors, warnings = discover(paths, mapping)
    report = LoadReport(load_id=new_load_id(), warnings=warnings)
    report.files = sorted({s.path.name for s in sources} | {e.file for e in file_errors})
    for error in file_errors:
        report.add_error(error)
    plan = Plan(sources, report, stamps={s.path: _stamp(s.path) for s in sources}, records=Spill() if keep else None)
    duplicates = Duplicates()
    references = References(plan.resolver, store)

    def fail(error: DataError) -> None:
        report.add_error(error)
        if error.row is not None:
            plan.invalid.add((error.file, error.row))

    for number, (source, record, row) in enumerate(_records(plan, mapping, fail)):
        if number % 5000 == 0 and progress:
            progress(report.rows_read, 0, f"检查 {source.label}")
        problems = [e for e in [duplicates.check(source.table, record, source.label, row)] if e]
        problems += references.check(source.table, record, source.label, row)
        for error in problems:
            fail(error)
        if (source.label, row) not in plan.invalid:
            _learn(plan.resolver, references, source.table, record)
        if plan.records is not None:
            plan.records.add(source.label, row, record)
    for error in references.flush():
        fail(error)
    return plan


def _records(plan: Plan, mapping: Mapping, fail: Callable[[DataError], None]) -> Iterator[tuple[Source, dict, int]]:
    """Every converted row of the usable sources; conversion errors go to ``fail``."""
    report = plan.report
    for source in plan.sources:
        try:
            header, rows = open_rows(source)
            converter = RowConverter(tables()[source.table], header, mapping.header_index(source.table), source.label)
            if converter.header_errors:
                for error in converter.header_errors:
                    report.add_error(error)
                plan.bad_sources.add(source.label)
                continue
            if converter.unknown:
                report.warnings.append(f"{source.label}：未识别的列已忽略：{'、'.join(converter.unknown[:10])}")
            for row, cells in rows:
                report.rows_read += 1
                report.tables[source.table] = report.tables.get(source.table, 0) + 1
                record, errors = converter.convert(row, cells)
                for error in errors:
                    fail(error)
                yield source, record, row
        except DataError as e:
            report.add_error(e)
            plan.bad_sources.add(source.label)


def _learn(resolver: Resolver, references: References, table: str, record: dict[str, Any]) -> None:
    references.learn(table, record)
    if table in ORG_TABLES:
        resolver.learn_org(record.get("uscc"), record.get("name"), ORG_TABLES[table])
    elif table == "bids":
        resolver.learn_org(record.get("bidder_uscc"), record.get("bidder_name"))
    elif table == "roles":
        resolver.learn_org(record.get("company_uscc"), record.get("company_name"))
        resolver.learn_org(record.get("holder_uscc"), record.get("holder_name"))


def write_plan(store: GraphStore, plan: Plan, batch_size: int, progress: Progress | None = None) -> None:
    """The write pass: the valid rows of the usable sources, as batched MERGEs, from
    the rows ``check(keep=True)`` kept. The caller holds ``store.atomic()``."""
    report = plan.report
    loaded_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    total = plan.rows_valid
    done = 0
    current = ""

    def tick(_: int) -> None:
        if progress:
            progress(done, total, f"写入 {current}")

    builder = Builder(plan.resolver)
    skip = plan.invalid
    usable = {s.label: s for s in plan.sources if s.label not in plan.bad_sources}
    assert plan.records is not None, "check(keep=True) keeps the rows for the write pass"
    with Writer(store, batch_size, on_batch=tick) as writer:
        for label, row, record in plan.records:
            source = usable.get(label)
            if source is None or (label, row) in skip:
                continue
            current = label
            writer.provenance({"source": label, "load_id": report.load_id, "loaded_at": loaded_at})
            for statement, values in builder.facts(source.table, record, {"row": row}):
                writer.add(statement, values)
            done += 1
    report.rows_loaded = done
    report.nodes_created = writer.counters["nodes_created"]
    report.relationships_created = writer.counters["relationships_created"]
    report.properties_set = writer.counters["properties_set"]
    if progress:
        progress(done, total, "写入完成")
