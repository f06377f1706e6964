"""A load in two passes: check everything (collecting all errors) while streaming the
files once, keeping the converted rows on disk; then — if allowed — write the valid
rows from there in one atomic scope."""

from __future__ import annotations

import pickle
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidgraph import protected
from bidgraph.collector import few_collections
from bidgraph.errors import DataError
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import bulk, converting, worker
from bidgraph.loaders.account import FileAccount, reason_group
from bidgraph.loaders.bid_chunk import bid_chunk
from bidgraph.loaders.build import TENDER_RECOMMENDED, Builder
from bidgraph.loaders.checking import Checker, Rows
from bidgraph.loaders.mapping import Mapping
from bidgraph.loaders.read import Source, discover
from bidgraph.loaders.report import LoadReport
from bidgraph.loaders.resolve import Resolver
from bidgraph.loaders.spill import CHUNK, Spill
from bidgraph.loaders.write import Writer

_ZH_COLUMN = {"industry": "行业", "region": "地区", "bid_open": "开标日期"}
Progress = Callable[[int, int, str], None]
# files this large are read and converted in a worker process while the rows before are checked
WORKER_BYTES = 4 << 20


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
    # keys of rows that failed (tender codes, expert numbers) and tables whose file was
    # refused: a reference to them is a consequence, not a root cause
    failed_keys: dict[str, set[str]] = field(default_factory=lambda: {"Tender": set(), "Expert": set()})
    refused_tables: set[str] = field(default_factory=set)
    refused_rows: int = 0  # rows read before their file was refused mid-way (a cut file)
    tables: dict[str, Any] | None = None  # side tables the write pass computed (``bulk_tables``)

    def close(self) -> None:
        if self.records:
            self.records.close()

    def changed_files(self) -> list[str]:
        """Files modified since the check pass (the write pass must read what was checked)."""
        return sorted(p.name for p, stamp in self.stamps.items() if _stamp(p) != stamp)

    @property
    def rows_valid(self) -> int:
        invalid = sum(1 for label, _ in self.invalid if label not in self.bad_sources)
        return self.report.rows_read - self.refused_rows - invalid


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return stat.st_size, stat.st_mtime_ns


def new_load_id() -> str:
    return datetime.now(UTC).strftime("L%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


@few_collections()
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
        report.accounts[error.file] = FileAccount(error.file, "", rejected=error.reason)
    plan = Plan(sources, report, stamps={s.path: _stamp(s.path) for s in sources}, records=Spill() if keep else None)
    specs = {s.label: converting.spec_of(mapping, s) for s in sources}
    keep_first = {label for label, spec in specs.items() if spec and spec.duplicates == "keep_first"}
    checker = Checker(plan, store, keep_first)
    for source, rows, packed in _chunks(plan, mapping):
        if progress and (report.rows_read - 1) // 5000 != (report.rows_read - len(rows) - 1) // 5000:
            progress(report.rows_read, 0, f"检查 {source.label}")  # every 5,000 rows
        checker.chunk(source, rows)
        if plan.records is not None and packed is not None:
            plan.records.add_packed(source.label, packed)  # as the worker pickled it
        elif plan.records is not None:
            plan.records.add_chunk(source.label, rows)
    checker.finish()
    resolved = plan.resolver.learn_from_graph(store)
    if resolved:
        report.warnings.append(f"{resolved:,} 个只有名称的单位按图谱中已有的同名单位对应到统一社会信用代码")
    for label, _row in plan.invalid:
        if label in report.accounts:
            report.accounts[label].dropped += 1
    return plan


def _chunks(plan: Plan, mapping: Mapping) -> Iterator[tuple[Source, Rows, bytes | None]]:
    """Every chunk of converted rows of the usable sources (with its pickle when a worker
    sent it so: the spill keeps it as it came). Large files are read and converted in a
    worker while the caller checks."""
    report = plan.report
    source, account = None, FileAccount("", "")
    lacking: Counter[str] = Counter()
    recommended: tuple[str, ...] = ()
    with closing(_events(plan.sources, mapping)) as events:
        for kind, *values in events:
            if kind == "open":
                source = plan.sources[values[0]]
                account = report.accounts[source.label] = FileAccount(source.label, source.table)
                lacking, recommended = Counter(), TENDER_RECOMMENDED if source.table == "tenders" else ()
            elif kind == "header":
                _opened(plan, source, account, *values)
            elif kind in ("rows", "packed"):
                packed = values[0] if kind == "packed" else None
                rows: Rows = pickle.loads(packed) if packed is not None else values[0]
                report.rows_read += len(rows)
                account.read += len(rows)
                report.tables[source.table] = report.tables.get(source.table, 0) + len(rows)
                if recommended:  # counted in the order the rows first lack each
                    lacking.update(c for _, record, _ in rows for c in recommended if not record.get(c))
                yield source, rows, packed
            elif kind == "skipped":
                account.read = values[0]
            elif kind == "done":
                report.warnings.extend(values[0])
                for column, count in lacking.items():
                    report.warnings.append(
                        f"{source.label}：{count:,} 行缺少{_ZH_COLUMN[column]}，记为未注明"
                        f"（可在映射文件中用 constants 补上）；依赖该属性的检测规则会在结果中说明"
                    )
            else:  # refused: the file could not be read (further)
                report.add_error(values[0])
                _refuse(plan, source, account, values[0].reason)
                plan.refused_rows += account.read


def _opened(
    plan: Plan, source: Source, account: FileAccount, errors: list[DataError], unknown: list[str], notes: list[str]
) -> None:
    """A source's header: its errors refuse the file; unknown columns and notes are warned of."""
    report = plan.report
    if errors:
        for error in errors:
            report.add_error(error)
        _refuse(plan, source, account, "；".join(sorted({reason_group(e.column, e.reason) for e in errors})))
        return
    if unknown:
        report.warnings.append(f"{source.label}：未识别的列已忽略：{'、'.join(unknown[:10])}")
    report.warnings.extend(f"{source.label}：{note}" for note in notes)


def _events(sources: list[Source], mapping: Mapping) -> Iterator[converting.Event]:
    """The conversion events of ``sources``: from a worker when they are large."""
    size = sum(_stamp(path)[0] for path in {s.path for s in sources})
    if size >= WORKER_BYTES and worker.available():
        return worker.stream(lambda send: _send_all(send, converting.converted(sources, mapping)))
    return converting.converted(sources, mapping)


def _send_all(send: worker.Send, events: Iterator[converting.Event]) -> None:
    for kind, *values in events:
        if kind == "rows":  # pickled once here, kept by the loader's spill as it comes
            send("packed", pickle.dumps(values[0], protocol=pickle.HIGHEST_PROTOCOL))
        else:
            send(kind, *values)


def _refuse(plan: Plan, source: Source, account: FileAccount, reason: str) -> None:
    plan.bad_sources.add(source.label)
    plan.refused_tables.add(source.table)
    account.rejected = reason


@few_collections()
def write_plan(
    store: GraphStore | None,
    plan: Plan,
    batch_size: int,
    progress: Progress | None = None,
    *,
    sender: Any = None,
) -> None:
    """The write pass: the valid rows of the usable sources, as batched MERGEs (or, into
    an empty graph, one GRAPH.BULK build), from the rows ``check(keep=True)`` kept. The
    caller holds ``store.atomic()``. ``sender`` replaces the store's (benchmarks)."""
    report = plan.report
    total = plan.rows_valid

    def tick(done: int, current: str) -> None:
        if progress:
            progress(done, total, f"写入 {current}")

    assert plan.records is not None, "check(keep=True) keeps the rows for the write pass"
    sender = sender or bulk.sender_for(store, report.load_id)  # an empty graph: built by GRAPH.BULK
    rows = _Rows(plan, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    if isinstance(sender, bulk.BulkSender) and worker.available():
        # facts built in a forked worker while the graph model takes them here
        def produce(send: worker.Send) -> tuple[Counter[str], dict[str, tuple[str, str]]]:
            written = rows.write(Writer(None, batch_size, sender=_Piped(send)), lambda *v: send("tick", *v))
            return written, protected.collected()  # the clear values its facts hold, for the vault

        def consume(kind: str, *values: Any) -> None:
            if kind == "batch":
                sender.send_facts(*values)
            elif kind == "chunk":
                sender.send_chunk(*values)
            elif kind == "file_end":
                sender.end_file(*values)
            else:
                tick(*values)

        try:
            written, clear = worker.run(produce, consume)
        except BaseException:
            sender.close(abort=True)
            raise
        for key, (kind, value) in clear.items():
            protected.remember(key, kind, value)
        sender.close()
        counters = sender.counters
    else:
        with Writer(store, batch_size, sender=sender) as writer:
            written = rows.write(writer, tick)
        counters = writer.counters
    plan.tables = getattr(sender, "tables", None)  # a bulk build's side tables, else None
    for label, count in written.items():
        report.accounts[label].written += count
    report.rows_loaded = sum(written.values())
    report.nodes_created = counters["nodes_created"]
    report.relationships_created = counters["relationships_created"]
    report.properties_set = counters["properties_set"]
    if progress:
        progress(report.rows_loaded, total, "写入完成")


class _Piped:
    """The worker's sender: each batch goes down the pipe to the parent's bulk model."""

    def __init__(self, send: worker.Send) -> None:
        self.send = send

    columnar = True

    def send_facts(self, statement: tuple[Any, ...], rows: list[Any], prov: dict[str, Any]) -> None:
        self.send("batch", statement, rows, prov)

    def send_chunk(self, complete: int, facts: list[Any], edges: list[Any], prov: dict[str, Any]) -> None:
        self.send("chunk", complete, facts, edges, prov)

    def end_file(self, prov: dict[str, Any]) -> None:
        self.send("file_end", prov)

    def close(self, *, abort: bool = False) -> None:
        pass


@dataclass
class _Rows:
    """The write pass's row loop: the kept rows → facts → the writer's batches."""

    plan: Plan
    loaded_at: str

    def write(self, writer: Writer, tick: Callable[[int, str], None]) -> Counter[str]:
        """Rows written per source; ``tick(rows written, source)`` after each flush. Into a
        columnar (bulk) writer, bid rows go a chunk at a time (``bid_chunk``)."""
        plan, skip = self.plan, self.plan.invalid
        builder = Builder(plan.resolver)
        usable = {s.label: s for s in plan.sources if s.label not in plan.bad_sources}
        written: Counter[str] = Counter()
        current = ""
        writer.on_batch = lambda _: tick(written.total(), current)
        chunked, pending = writer.collected is not None, []
        assert plan.records is not None
        for label, row, record in plan.records:
            source = usable.get(label)
            if source is None or (label, row) in skip:
                continue
            if label != current:  # rows come file by file
                pending = _write_chunk(writer, builder, pending)
                current = label
                writer.provenance({"source": label, "load_id": plan.report.load_id, "loaded_at": self.loaded_at})
            if chunked and source.table == "bids":
                pending.append((row, record))
                if len(pending) >= CHUNK:
                    pending = _write_chunk(writer, builder, pending)
            else:
                for statement, values in builder.facts(source.table, record, {"row": row}):
                    writer.add(statement, values)
            written[label] += 1
        _write_chunk(writer, builder, pending)
        writer.finish()
        return written


def _write_chunk(writer: Writer, builder: Builder, pending: list[tuple[int, dict[str, Any]]]) -> list:
    if pending:
        writer.add_chunk(bid_chunk(builder, pending))
    return []
