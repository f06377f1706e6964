"""The committed sample's ground truth is exact: every planted fact holds in the tables
as of the bid date, decoys do not, and the background contains no unrecorded pattern."""

from __future__ import annotations

import csv
import json
import os
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest

from bidgraph.data.generator.prices import looks_planted

# point at a generated medium/large set to check it too (slow): BIDGRAPH_SAMPLE_CHECK_DIR=/tmp/medium
SAMPLE = Path(os.environ.get("BIDGRAPH_SAMPLE_CHECK_DIR") or Path(__file__).resolve().parents[1] / "data" / "sample")
BID_IDS = (
    "upload_ip",
    "mac",
    "cpu_serial",
    "disk_serial",
    "dongle_serial",
    "file_creation_id",
    "machine_code",
    "deposit_account",
)


def read(table: str) -> list[dict[str, str]]:
    with (SAMPLE / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def norm(column: str, value: str) -> str:
    if column in ("mac", "phone"):
        return re.sub(r"^(\+?86)", "", re.sub(r"[^0-9A-Za-z+]", "", value)).upper()
    return value.replace(" ", "").lower()


@pytest.fixture(scope="module")
def data() -> dict:
    truth = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))["schemes"]
    bids = defaultdict(list)
    for r in read("bids"):
        bids[r["tender_code"]].append(r)
    opened = {r["code"]: r["bid_open"] for r in read("tenders")}
    staff = defaultdict(list)  # company -> (person, start, end)
    for r in read("roles"):
        if r["person_id_number"]:
            staff[r["company_uscc"]].append((r["person_id_number"], r["start"], r["end"]))
    return {"truth": truth, "bids": bids, "open": opened, "staff": staff}


def tenders_of(truth: list[dict], detector: str, *, decoy: bool = False, variants: tuple[str, ...] = ()) -> set[str]:
    return {
        t
        for s in truth
        if s["detector"] == detector and s["decoy"] == decoy and (not variants or s["variant"] in variants)
        for t in s["tenders"]
    }


def people_on(data: dict, code: str) -> dict[str, set[str]]:
    """Bidder USCC -> persons holding any role in it on the tender's bid date."""
    day = data["open"][code]
    bidders = {r["bidder_uscc"] for r in data["bids"][code] if r["bidder_uscc"]}
    return {b: {p for p, start, end in data["staff"][b] if start <= day and (not end or end >= day)} for b in bidders}


def linked_by_person(data: dict, code: str) -> bool:
    """Two bidders of the tender share a person through roles active on the bid date."""
    return any(x & y for x, y in combinations(people_on(data, code).values(), 2))


def test_person_links_between_bidders_are_exactly_the_planted_ones(data: dict) -> None:
    found = {code for code in data["bids"] if linked_by_person(data, code)}
    t = data["truth"]
    planted = tenders_of(t, "cross_appointment") | tenders_of(t, "corporate_control", variants=("common_controller",))
    planted |= tenders_of(t, "shared_staff", variants=("social_insurance",))
    assert found == planted
    decoys = tenders_of(t, "cross_appointment", decoy=True) | tenders_of(t, "shared_staff", decoy=True)
    assert decoys and not decoys & found, "a role that ended before / started after the bid must not link"


def test_shared_bid_identifiers_are_exactly_the_planted_ones_and_the_centre_ip(data: dict) -> None:
    found = defaultdict(set)
    for code, rows in data["bids"].items():
        for column in BID_IDS:
            seen = defaultdict(set)
            for r in rows:
                if r[column]:
                    seen[norm(column, r[column])].add(r["bidder_uscc"] or r["consortium_members"])
            if any(len(v) >= 2 for v in seen.values()):
                found[column].add(code)
    t = data["truth"]
    variants = {
        "upload_ip": "ip",
        "cpu_serial": "cpu",
        "disk_serial": "disk",
        "dongle_serial": "dongle",
        "file_creation_id": "file_id",
    }
    for column in BID_IDS:
        expected = tenders_of(t, "shared_identifier", variants=(variants.get(column, column),))
        if column == "upload_ip":
            expected |= tenders_of(t, "shared_identifier", decoy=True, variants=("ip",))
        assert found[column] == expected, column


def test_shared_people_in_bid_files_are_exactly_the_planted_ones(data: dict) -> None:
    found = set()
    for code, rows in data["bids"].items():
        for column in ("pm_id_number", "agent_id_number"):
            people = [r[column] for r in rows if r[column] and "*" not in r[column]]
            if len(people) != len(set(people)):
                found.add(code)
    assert found == tenders_of(data["truth"], "shared_staff", variants=("pm", "agent"))


def test_bidder_kinship_only_where_planted(data: dict) -> None:
    kin = {frozenset((r["person_a_id_number"], r["person_b_id_number"])) for r in read("kinship")}
    found = set()
    for code in data["bids"]:
        for x, y in combinations(people_on(data, code).values(), 2):
            if any(frozenset((a, b)) in kin for a in x for b in y):
                found.add(code)
    assert found == tenders_of(data["truth"], "kinship")


def test_price_patterns_only_where_planted(data: dict) -> None:
    ceilings = {r["code"]: r["ceiling_price"] for r in read("tenders")}
    found = set()
    for code, rows in data["bids"].items():
        text = ceilings[code].replace(",", "")
        ceiling = float(text[:-2]) * 10000 if text.endswith("万元") else float(text)
        prices = [float(r["price"]) for r in rows if r["valid"] == "true" and "计取" not in r["price"]]
        if looks_planted(prices, ceiling):
            found.add(code)
    assert found == tenders_of(data["truth"], "price_screen")


def test_rings_rotate_and_cover_bidders_never_win(data: dict) -> None:
    wins = defaultdict(int)
    bids = defaultdict(int)
    for rows in data["bids"].values():
        for r in rows:
            for uscc in (r["consortium_members"] or r["bidder_uscc"]).split(";"):
                bids[uscc] += 1
                wins[uscc] += r["won"] == "true"
    t = data["truth"]
    covers = [c for s in t if s["detector"] == "cover_bidder" for c in s["companies"]]
    assert covers and all(wins[c] == 0 and bids[c] >= 8 for c in covers)
    for s in t:
        if s["detector"] == "rotation":
            ring_wins = defaultdict(int)
            for code in s["tenders"]:
                for r in data["bids"][code]:
                    ring_wins[r["bidder_uscc"]] += r["won"] == "true"
            assert all(ring_wins[c] >= 2 for c in s["companies"]), s["id"]
    kings = {c for s in t if s["detector"] == "high_win_rate" for c in s["companies"]}
    planted = {c for s in t if not s["decoy"] for c in s["companies"]}
    background = [wins[c] / bids[c] for c in bids if bids[c] >= 5 and c not in planted]
    assert min(wins[k] / bids[k] for k in kings) > max(background)


def test_expert_conflicts_sit_on_the_panel(data: dict) -> None:
    panels = defaultdict(set)
    for r in read("evaluations"):
        panels[r["tender_code"]].add(r["expert_no"])
    for s in data["truth"]:
        if s["detector"] == "expert_conflict":
            assert all(s["evidence"]["expert_no"] in panels[code] for code in s["tenders"]), s["id"]
            bidders = {r["bidder_uscc"] for code in s["tenders"] for r in data["bids"][code]}
            assert set(s["companies"]) <= bidders, s["id"]


def test_shared_contacts_are_exactly_the_planted_ones_and_the_incubator(data: dict) -> None:
    contacts = defaultdict(set)  # company -> normalized (kind, value)
    for r in read("companies"):
        for kind in ("phone", "email", "address"):
            if r[kind]:
                contacts[r["uscc"]].add((kind, norm(kind, r[kind])))
    for r in read("contacts"):
        contacts[r["owner_uscc"]].add((r["kind"], norm(r["kind"], r["value"])))
    found = defaultdict(set)
    for code, rows in data["bids"].items():
        bidders = [r["bidder_uscc"] for r in rows if r["bidder_uscc"]]
        for x, y in combinations(bidders, 2):
            for kind, _ in contacts[x] & contacts[y]:
                found[kind].add(code)
    t = data["truth"]
    assert found["phone"] == tenders_of(t, "shared_identifier", variants=("phone",))
    assert found["email"] == tenders_of(t, "shared_identifier", variants=("email",))
    incubator = tenders_of(t, "shared_identifier", decoy=True, variants=("address",))
    assert found["address"] == tenders_of(t, "shared_identifier", variants=("address",)) | incubator
