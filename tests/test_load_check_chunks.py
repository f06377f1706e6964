"""The check pass's checks across rows a chunk at a time (loaders/checking.py) give what
one row at a time gives — chunks of one row are exactly the row path: the same errors in
the same order, warnings, account, invalid rows, failed keys, resolver and kept rows, on
the sample and on a messy copy of it (duplicate keys with other values, dangling and
cascading references, bad and odd identity codes, empty required cells, a declared
``keep_first``), with the reference queue flushed inside chunks, read here or by the
worker (whose pickled chunks the spill keeps as they came)."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest

from bidgraph.graph.store import GraphStore
from bidgraph.loaders import checks, converting, pipeline, worker
from bidgraph.loaders.mapping import load_mapping
from bidgraph.loaders.resolve import Resolver

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
pytestmark = pytest.mark.skipif(not (SAMPLE / "bids.csv").exists(), reason="data/sample 尚未生成")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def messy(target: Path, seed: int = 7) -> Path:
    """The sample with its faults: every change below is an error, a warning or a cascade."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for path in SAMPLE.glob("*.csv"):
        header, rows = _rows(path)
        table = path.stem
        for n, row in enumerate(rows):
            pick = rng.random()
            if table in ("companies", "tenderers") and pick < 0.05:
                row["uscc"] = row["uscc"][:-1] + ("0" if row["uscc"][-1] != "0" else "1")  # checksum
            elif table == "companies" and pick < 0.1:
                row["uscc"] = row["uscc"].lower() if n % 2 else "".join(chr(ord(c) + 0xFEE0) for c in row["uscc"])
            elif table == "persons" and pick < 0.1:
                number = row["id_number"]
                row["id_number"] = [number[:-1] + "0", number[:10] + "********", number[:12], number.lower()][n % 4]
            elif table == "tenders" and pick < 0.04:
                row["bid_open"] = "2024-13-45"  # its bids and evaluations then refer to a failed row
            elif table in ("bids", "evaluations") and pick < 0.08:
                row["tender_code"] = f"NOWHERE-{n % 97}"
            elif table == "evaluations" and pick < 0.12:
                row["expert_no"] = f"GHOST{n % 13}"
            elif table == "bids" and pick < 0.1:
                row["pm_id_number"] = row["pm_id_number"][:-1] + "Y" if row["pm_id_number"] else "１２３"
            elif table == "bids" and pick < 0.14:
                row["bidder_uscc"] = ""  # a bare name: wanted unless a row before gave its USCC
            elif table == "tenders" and pick < 0.08:
                row["tenderer"] = f"未登记招标人{n % 5}有限公司"  # a name, not a USCC
            elif pick < 0.02 and header:
                row[header[0]] = ""  # a required key cell empty (or not required: no error)
        copies = [dict(row) for row in rows[::9]]
        for n, copy in enumerate(copies):  # the same key again: half with another value
            if n % 2 and len(header) > 1:
                copy[header[-1]] = f"{copy[header[-1]]}改"
        _write(target / path.name, header, rows + copies)
    return target


def summary(plan: pipeline.Plan) -> dict[str, Any]:
    report, resolver = plan.report, plan.resolver
    assert plan.records is not None
    return {
        "errors": report.errors,
        "errors_total": report.errors_total,
        "warnings": report.warnings,
        "accounts": [(label, a.to_dict(), list(a.reasons)) for label, a in report.accounts.items()],
        "counts": (report.rows_read, report.tables, report.files, plan.refused_rows, plan.rows_valid),
        "invalid": sorted(plan.invalid),
        "failed": plan.failed_keys,
        "bad": (plan.bad_sources, plan.refused_tables),
        "resolver": (
            list(resolver.name_uscc.items()),
            list(resolver.org_labels.items()),
            resolver.known,
            list(resolver.expert_keys.items()),
        ),
        "kept": list(plan.records),
    }


def _checked(paths: list[Path], mapping: Path | None = None) -> dict[str, Any]:
    wanted: list[set[str]] = []  # the bare names the rows asked for (the graph look-up then clears them)
    learn_from_graph = Resolver.learn_from_graph

    def keeping(resolver: Resolver, store: GraphStore | None) -> int:
        wanted.append(set(resolver.wanted))
        return learn_from_graph(resolver, store)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Resolver, "learn_from_graph", keeping)
        plan = pipeline.check(paths, load_mapping(mapping), None, keep=True)
    try:
        return {**summary(plan), "wanted": wanted}
    finally:
        plan.close()


@pytest.fixture(scope="module")
def mess(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return messy(tmp_path_factory.mktemp("messy") / "data")


@pytest.mark.parametrize("limit", [checks.PENDING_LIMIT, 7])
def test_chunks_give_the_row_path_on_a_messy_load(mess: Path, limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "PENDING_LIMIT", limit)  # 7: flushes fall inside chunks
    monkeypatch.setattr(converting, "CHUNK_ROWS", 1)
    rows = _checked([mess])
    monkeypatch.setattr(converting, "CHUNK_ROWS", 2_000)
    chunked = _checked([mess])
    assert chunked == rows
    reasons = {e.reason.split("（")[0] for e in chunked["errors"]}
    assert {"重复记录且取值不同", "统一社会信用代码校验位错误", "身份证号校验位错误"} <= reasons
    assert any(r.startswith("引用不存在") for r in reasons) and any(r.startswith("连带") for r in reasons)
    assert len(chunked["kept"]) == chunked["counts"][0] and chunked["wanted"][0]


def test_chunks_give_the_row_path_on_the_sample_two_folders_and_with_keep_first(
    mess: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("files:\n  companies.csv:\n    table: companies\n    duplicates: keep_first\n", encoding="utf-8")
    # two files named bids.csv (and so on): their rows share labels, one file's failures mark the other's rows
    for paths, mapped in (([SAMPLE], None), ([mess, SAMPLE], None), ([mess], mapping)):
        monkeypatch.setattr(converting, "CHUNK_ROWS", 1)
        rows = _checked(paths, mapped)
        monkeypatch.setattr(converting, "CHUNK_ROWS", 2_000)
        assert _checked(paths, mapped) == rows
    kept_first = next(a for label, a, _ in rows["accounts"] if label == "companies.csv")["reasons"]
    assert kept_first.get("重复记录（按映射保留首行）")


@pytest.mark.skipif(not worker.can_fork(), reason="no fork on this platform")
def test_worker_chunks_are_kept_as_they_came(mess: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "WORKER_BYTES", 1 << 40)
    here = _checked([mess])
    monkeypatch.setattr(pipeline, "WORKER_BYTES", 0)  # read and converted by the worker
    assert _checked([mess]) == here
