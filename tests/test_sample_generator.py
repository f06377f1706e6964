"""The sample generator: deterministic, valid identifiers, the canonical columns, and the
committed small set is exactly what ``bidgraph sample`` makes."""

from __future__ import annotations

import csv
import filecmp
import json
import re
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc
from typer.testing import CliRunner

from bidgraph.cli import app
from bidgraph.data.generator import SMALL_SEED, generate
from bidgraph.data.generator.sink import table_columns

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
MASKED = re.compile(r"^\d{12}\*{6}$")


def read(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    result = CliRunner().invoke(app, ["sample", "--size", "small", "--seed", str(SMALL_SEED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    return out


def test_committed_small_set_equals_cli_output(regenerated: Path) -> None:
    names = sorted(p.name for p in SAMPLE.iterdir() if p.suffix in (".csv", ".json"))
    assert names == sorted(p.name for p in regenerated.iterdir())
    _match, mismatch, errors = filecmp.cmpfiles(SAMPLE, regenerated, names, shallow=False)
    assert (mismatch, errors) == ([], []), "data/sample was edited by hand or is stale: rerun bidgraph sample"


def test_same_seed_same_bytes_other_seed_differs(regenerated: Path, tmp_path: Path) -> None:
    generate("small", SMALL_SEED, tmp_path / "again")
    generate("small", SMALL_SEED + 1, tmp_path / "other")
    for path in regenerated.iterdir():
        assert path.read_bytes() == (tmp_path / "again" / path.name).read_bytes(), path.name
    assert (tmp_path / "other" / "bids.csv").read_bytes() != (regenerated / "bids.csv").read_bytes()


def test_every_table_has_the_canonical_columns() -> None:
    for table, columns in table_columns().items():
        with (SAMPLE / f"{table}.csv").open(encoding="utf-8") as f:
            assert tuple(next(csv.reader(f))) == columns, table
        assert read(SAMPLE, table), f"{table}.csv is empty"


def test_usccs_and_id_numbers_have_valid_check_characters() -> None:
    codes = [r["uscc"] for t in ("companies", "tenderers", "agencies") for r in read(SAMPLE, t)]
    codes += [r["bidder_uscc"] for r in read(SAMPLE, "bids") if r["bidder_uscc"]]
    codes += [r["holder_uscc"] for r in read(SAMPLE, "roles") if r["holder_uscc"]]
    assert len(codes) > 4000
    assert [c for c in codes if not uscc.is_valid(c)] == []
    ids = [r["id_number"] for r in read(SAMPLE, "persons")] + [r["id_number"] for r in read(SAMPLE, "experts")]
    bids = read(SAMPLE, "bids")
    shown = [r[c] for r in bids for c in ("pm_id_number", "agent_id_number") if r[c]]
    masked = [n for n in shown if MASKED.match(n)]
    assert 0.05 < len(masked) / len(shown) < 0.3, "a share of notices masks ID numbers"
    assert [n for n in ids + shown if not MASKED.match(n) and not ric.is_valid(n)] == []
    assert len(set(r["id_number"] for r in read(SAMPLE, "persons"))) == len(read(SAMPLE, "persons"))


def test_realistic_mess_is_present() -> None:
    bids = read(SAMPLE, "bids")
    assert any("计取" in r["price"] for r in bids), "fee-rate prices in words"
    consortia = [r for r in bids if r["consortium_members"]]
    assert consortia and all(r["bidder_name"].endswith("联合体") and ";" in r["consortium_members"] for r in consortia)
    assert any(r["won"] == "true" for r in consortia)
    names = [r["name"] for r in read(SAMPLE, "companies")]
    assert any("（" in n for n in names) and any(n.endswith("有限责任公司") for n in names)
    assert any("万元" in r["ceiling_price"] for r in read(SAMPLE, "tenders"))
    assert any(r["value"].startswith("+86") or r["value"].isupper() for r in read(SAMPLE, "contacts"))
    per_tender: dict[str, int] = {}
    for r in bids:
        per_tender[r["tender_code"]] = per_tender.get(r["tender_code"], 0) + 1
    assert min(per_tender.values()) >= 3 and max(per_tender.values()) <= 15
    assert 3000 <= len(bids) <= 5000 and 400 <= len(per_tender) <= 600


def test_ground_truth_names_only_entities_in_the_tables() -> None:
    truth = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == SMALL_SEED and truth["size"] == "small"
    companies = {r["uscc"] for r in read(SAMPLE, "companies")}
    persons = {r["id_number"] for r in read(SAMPLE, "persons")}
    tenders = {r["code"] for r in read(SAMPLE, "tenders")}
    for s in truth["schemes"]:
        assert set(s["companies"]) <= companies, s["id"]
        assert set(s["persons"]) <= persons, s["id"]
        assert set(s["tenders"]) <= tenders, s["id"]
        assert s["decoy"] or s["tenders"], f"{s['id']} planted but never reaches a tender"
    detectors = {s["detector"] for s in truth["schemes"] if not s["decoy"]}
    assert detectors == {
        "cross_appointment", "kinship", "kinship_conflict", "shared_staff", "cobid_ring", "rotation", "cover_bidder",
        "high_win_rate", "shared_identifier", "expert_conflict", "agency_tie", "corporate_control", "price_screen",
        "file_fingerprint",
    }  # fmt: skip
    decoys = {(s["detector"], s["variant"]) for s in truth["schemes"] if s["decoy"]}
    assert {
        ("cobid_ring", "big_firms_by_chance"),
        ("shared_identifier", "ip"),
        ("shared_identifier", "address"),
    } <= decoys
    assert {
        ("kinship", "unrelated_tenders"),
        ("shared_staff", "moved"),
        ("cross_appointment", "ended_before_bid"),
    } <= decoys
    allowed = {r["value"] for r in read(SAMPLE, "allowlist")}
    assert {
        s["evidence"]["value"] for s in truth["schemes"] if s["decoy"] and s["detector"] == "shared_identifier"
    } <= allowed
