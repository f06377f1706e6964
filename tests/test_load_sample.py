"""The committed small sample set loads cleanly: counts match its files and every
planted ground-truth entity is in the graph."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bidgraph import loaders
from bidgraph.graph import GraphStore
from bidgraph.graph.schema import apply_schema
from bidgraph.loaders import identity

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
pytestmark = pytest.mark.skipif(not (SAMPLE / "ground_truth.json").exists(), reason="data/sample 尚未生成")


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for row in csv.reader(handle) if any(c.strip() for c in row)) - 1


def keys_present(store: GraphStore, label_clause: str, prop: str, keys: set[str]) -> set[str]:
    query = f"MATCH (n) WHERE ({label_clause}) AND n.{prop} IN $keys RETURN DISTINCT n.{prop}"
    return set(store.run(query, {"keys": sorted(keys)}, limit=0).column(f"n.{prop}"))


@pytest.fixture(scope="module")
def loaded(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[GraphStore, loaders.LoadReport]:
    store.clear()
    apply_schema(store)
    report = loaders.load_paths(store, [SAMPLE], data_dir=tmp_path_factory.mktemp("audit"))
    return store, report


def test_counts_match_the_files(loaded: tuple[GraphStore, loaders.LoadReport]) -> None:
    store, report = loaded
    assert report.ok, report.errors[:5]
    files = {p.stem: data_rows(p) for p in SAMPLE.glob("*.csv")}
    assert report.tables == {table: n for table, n in files.items() if n}
    assert report.rows_loaded == report.rows_read == sum(files.values())
    counts = dict(store.run("MATCH (n) RETURN labels(n)[0], count(*)", limit=0).rows)
    assert counts["Tender"] == files["tenders"]
    assert counts["Bid"] == files["bids"]
    assert counts["Department"] == files["departments"]
    assert store.run("MATCH (e:Expert) RETURN count(e)").value() == files["experts"]
    assert counts["Company"] >= files["companies"]


def test_ground_truth_entities_exist(loaded: tuple[GraphStore, loaders.LoadReport]) -> None:
    store, _ = loaded
    schemes = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))["schemes"]
    tenders = {t for s in schemes for t in s.get("tenders", [])}
    companies = {c for s in schemes for c in s.get("companies", [])}
    persons = {identity.id_hash(p) for s in schemes for p in s.get("persons", []) if "*" not in p}
    assert tenders and companies and persons
    assert keys_present(store, "n:Tender", "key", tenders) == tenders
    assert keys_present(store, "n:Company OR n:Tenderer OR n:Agency", "key", companies) == companies
    assert keys_present(store, "n:Person", "id_hash", persons) == persons


def evidence_key(variant: str, value: str) -> str:
    """The identifier node key of a ground-truth evidence value (docs/graph-model.md)."""
    if variant in identity.DEVICE_COLUMNS.values():
        return identity.device_key(variant, value)[0]
    label = {"ip": "IP", "address": "Address", "phone": "Phone", "email": "Email", "deposit_account": "BankAccount"}
    return identity.identifier(label[variant], value)[0]


def test_shared_identifiers_join_several_bids_or_owners(loaded: tuple[GraphStore, loaders.LoadReport]) -> None:
    store, _ = loaded
    schemes = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))["schemes"]
    shared = [(s["variant"], s["evidence"]["value"]) for s in schemes if s["detector"] == "shared_identifier"]
    assert shared
    for variant, value in shared:
        key = evidence_key(variant, value)
        linked = store.run("MATCH (i {key: $key})<-[]-(x) RETURN count(DISTINCT x)", {"key": key}).value()
        assert linked >= 2, (variant, value)
