"""The check pass's checks across rows, a chunk of one source's converted rows at a time:
each row's conversion errors and duplicate key, the references, then what the valid rows
teach the resolver (and, with a graph, the renames). Errors, their order, the warnings,
the account and the resolver are exactly those of one row at a time: the chunk's
duplicates are worked out at once, and where a reference flush (a batch of graph look-ups
whose errors come right after its row's) could fall inside a chunk, its rows go one at a
time."""

from __future__ import annotations

from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from bidgraph.errors import DataError
from bidgraph.graph.store import GraphStore
from bidgraph.loaders import identity
from bidgraph.loaders.account import CASCADE, reason_group
from bidgraph.loaders.checks import ORG_TABLES, Duplicates, References, Renames
from bidgraph.loaders.consortium import split_consortium
from bidgraph.loaders.read import Source
from bidgraph.loaders.resolve import Resolver

if TYPE_CHECKING:
    from bidgraph.loaders.pipeline import Plan

Rows = list[tuple[int, dict[str, Any], list[DataError]]]  # (row, record, conversion errors)
KEPT_FIRST = "重复记录（按映射保留首行）"
_ERRORS = itemgetter(2)


class Checker:
    """The checks across the rows of a load, fed chunk by chunk in file order."""

    def __init__(self, plan: Plan, store: GraphStore | None, keep_first: set[str]) -> None:
        self.plan = plan
        self.store = store
        self.keep_first = keep_first  # sources whose repeated keys are dropped, not errors (the mapping)
        self.duplicates = Duplicates()
        self.references = References(plan.resolver, store)
        self.renames = Renames(store)

    def chunk(self, source: Source, rows: Rows) -> None:
        records, numbers = [r[1] for r in rows], [r[0] for r in rows]
        if self.references.chunk(source.table, records, source.label, numbers):
            self._checked(source, rows, records, numbers, queued=True)
            return
        for row in rows:  # a reference flush may fall inside: one row at a time
            self._checked(source, [row], [row[1]], [row[0]], queued=False)

    def finish(self) -> None:
        """The references still queued, and the renames still to look up."""
        for error in self.references.flush():
            self.fail(error)
        self.plan.report.warnings.extend(self.renames.flush())

    def fail(self, error: DataError) -> None:
        plan, report = self.plan, self.plan.report
        if error.reason.startswith("引用不存在") and _is_consequence(plan, error):
            error.reason = f"{CASCADE}：{error.reason}（所引用的行未通过检查或其文件未导入，请先修正那里的错误）"
        report.add_error(error)
        account = report.accounts.get(error.file)
        if account is not None:
            account.reasons[reason_group(error.column, error.reason)] += 1
        if error.row is not None:
            plan.invalid.add((error.file, error.row))

    def _checked(
        self,
        source: Source,
        rows: Rows,
        records: list[dict[str, Any]],
        numbers: list[int],
        *,
        queued: bool,
    ) -> None:
        """Rows whose references are ``queued`` already (else one row, whose references are
        checked after its duplicate, as row by row): each row's errors in order, then what
        the valid rows teach."""
        plan, label, table = self.plan, source.label, source.table
        duplicates = self.duplicates.chunk(table, records, label, numbers)
        flagged = [j for j, errors in enumerate(map(_ERRORS, rows)) if errors]
        for j in sorted({*flagged, *duplicates}) if duplicates else flagged:
            for error in rows[j][2]:
                self.fail(error)
            duplicate = duplicates.get(j)
            if duplicate and label in self.keep_first:  # declared in the mapping: counted, not an error
                plan.report.accounts[label].reasons[KEPT_FIRST] += 1
                plan.invalid.add((label, numbers[j]))
            elif duplicate:
                self.fail(duplicate)
        for error in [] if queued else self.references.check(table, records[0], label, numbers[0]):
            self.fail(error)
        # by (label, row), as the write pass skips them: an OCDS file's tables share its label
        valid = [(label, row) not in plan.invalid for row in numbers] if plan.invalid else [True] * len(rows)
        if not all(valid) and table in ("tenders", "experts"):
            failed, key = (
                (plan.failed_keys["Tender"], "code")
                if table == "tenders"
                else (plan.failed_keys["Expert"], "expert_no")
            )
            failed.update(str(r.get(key)) for r, ok in zip(records, valid, strict=True) if not ok)
        learned = list(compress(records, valid))
        learn(plan.resolver, table, learned)
        if self.store is not None and table == "companies":  # renames are looked up in the graph
            for record, row in zip(learned, compress(numbers, valid), strict=True):
                plan.report.warnings.extend(self.renames.check(table, record, label, row))


def _is_consequence(plan: Plan, error: DataError) -> bool:
    label = "Tender" if error.column == "tender_code" else "Expert"
    table = "tenders" if label == "Tender" else "experts"
    return table in plan.refused_tables or str(error.value) in plan.failed_keys[label]


def learn(resolver: Resolver, table: str, records: list[dict[str, Any]]) -> None:
    """What valid rows (in order) tell the resolver: keys that references may point to,
    the organisations' names and USCCs, the bare names to look up in the graph. A bid's
    bare name is wanted only if no row before it gave that name's USCC: bids go row by row;
    the other tables learn no USCC, so their names are wanted per distinct value."""
    if table == "tenders":
        resolver.known["Tender"].update(r["code"] for r in records)
    elif table == "experts":
        resolver.known["Expert"].update(r["expert_no"] for r in records)
    if table in ORG_TABLES:
        for record in records:
            resolver.learn_org(record.get("uscc"), record.get("name"), ORG_TABLES[table])
    elif table == "bids":
        for record in records:
            if record.get("bidder_uscc"):
                resolver.learn_org(record["bidder_uscc"], record.get("bidder_name"))
                continue
            split = split_consortium(record.get("bidder_name") or "")
            for name in split[0] if split else [record.get("bidder_name")]:
                resolver.want(name)
    elif table == "roles":
        for record in records:
            resolver.learn_org(record.get("company_uscc"), record.get("company_name"))
            resolver.learn_org(record.get("holder_uscc"), record.get("holder_name"))
    if table == "experts":
        for record in records:
            number, masked, context = record.get("id_number"), bool(record.get("id_number_masked")), record["expert_no"]
            key = identity.person_key(number, masked, record["name"], "expert:" + context)[0]
            resolver.expert_keys[record["expert_no"]] = key
    if table in ("experts", "tenders", "evaluations"):
        for column in ("employer", "tenderer", "agency"):
            for value in {r.get(column) for r in records} - {None, ""}:
                if resolver.org_ref(value)[1]:
                    resolver.want(value)
