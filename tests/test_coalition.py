"""Coalition screens, the per-market check of whether meetings come with clustered prices,
and the continuous scores in the one triage list (generated data only)."""

from __future__ import annotations

import math

import pandas as pd
from test_risk_scores import CARTEL, SIZE_CLASS, _market

from bidgraph.analysis import coalition, risk, riskfindings
from bidgraph.analysis.markets import MarketSpec
from bidgraph.analysis.scoring import triage_list

MEMBERS = pd.DataFrame(
    [("T1", "A"), ("T1", "B"), ("T2", "A"), ("T2", "B"), ("T3", "A"), ("T3", "X"), ("T4", "B"), ("T4", "Y")],
    columns=["tender", "company"],
)
Z = pd.Series({"T1": 2.0, "T2": 2.0, "T3": 0.0, "T4": 0.0})


def test_group_screens_compare_joint_and_apart_tenders_by_hand() -> None:
    [screens] = coalition.screens_of_groups(MEMBERS, Z, [["A", "B"]])
    assert screens["together_tenders"] == 2 and screens["apart_tenders"] == 2
    assert math.isclose(screens["together_z"], 4 / math.sqrt(2))  # Stouffer (2 + 2) / √2
    assert screens["apart_z"] == 0.0 and screens["together_minus_apart"] == 2.0


def test_tender_coalition_leaves_the_tender_itself_out() -> None:
    table = coalition.tender_coalition(MEMBERS, Z)
    assert table.loc["T1", "coalition_tenders"] == 1 and table.loc["T1", "coalition_z"] == 2.0  # only T2
    assert table.loc["T3", "coalition_tenders"] == 0 and math.isnan(table.loc["T3", "coalition_z"])


def test_meetings_count_only_where_they_come_with_clustered_prices() -> None:
    result = risk.compute(_market(), MarketSpec())
    markets = result.markets
    cartel_market = result.firms.loc[CARTEL[0], "market"]
    size_class_market = result.firms.loc[SIZE_CLASS[0], "market"]
    assert markets.loc[cartel_market, "collusive"]  # the ring bids within 0.3%: a ring
    assert not markets.loc[size_class_market, "collusive"]  # they always meet, prices as anyone's
    assert result.firms.loc[CARTEL, "explanation"].str.contains("报价也更集中").all()  # the why is shown


def test_one_triage_list_ranks_every_tender_and_firm() -> None:
    market = _market()
    result = risk.compute(market, MarketSpec())
    findings = riskfindings.risk_findings(market, result, {})
    ranked = triage_list(findings)
    assert {i.key for i in ranked.tenders} == set(market.bids["tender"])
    assert {i.key for i in ranked.groups} == set(market.members["company"])  # each firm alone
    top = {i.key for i in ranked.tenders[:15]}
    assert len(top & {f"T{t:03d}" for t in range(60, 75)}) >= 13
    assert all(i.score <= 50 for i in ranked.tenders)  # a score alone weighs as a price screen


def _stouffer(z: pd.Series) -> float:
    z = z.dropna()
    return float(z.sum() / math.sqrt(len(z))) if len(z) else float("nan")


def _mean(z: pd.Series) -> float:
    z = z.dropna()
    return float(z.mean()) if len(z) else float("nan")


def _one_group(members: pd.DataFrame, z: pd.Series, group: set[str]) -> dict:
    own = members[members["company"].isin(group)][["tender", "company"]].drop_duplicates()
    per_tender = own.groupby("tender")["company"].nunique()
    together = per_tender.index[per_tender >= coalition.MIN_SHARED]
    apart = per_tender.index[per_tender < coalition.MIN_SHARED]
    return {
        "together_tenders": float(len(together)),
        "together_z": _stouffer(z.reindex(together)),
        "apart_tenders": float(len(apart)),
        "apart_z": _stouffer(z.reindex(apart)),
        "together_minus_apart": _mean(z.reindex(together)) - _mean(z.reindex(apart)),
    }


def per_group_screens(members: pd.DataFrame, z: pd.Series, group: list[str]) -> dict:
    """The reference: one group at a time, written plainly (cobid_ring once did this per ring)."""
    expected = _one_group(members, z, set(group))
    left_out = {m: _one_group(members, z, set(group) - {m})["together_z"] for m in sorted(set(group))}
    expected["without"] = left_out if len(set(group)) > 2 else {}
    return expected


def test_screens_of_all_groups_at_once_equal_one_group_at_a_time() -> None:
    groups = [["A", "B"], ["A", "B", "X"], ["X", "Y", "B", "A"], ["X", "Y"], ["Q", "R", "S"]]
    z = Z.drop("T4")  # an unpriced tender: counted, not in the Z
    got = coalition.screens_of_groups(MEMBERS, z, groups)
    # repr: nan == nan, and the figures must be bit-identical, not close
    assert [repr(g) for g in got] == [repr(per_group_screens(MEMBERS, z, g)) for g in groups]
    none = MEMBERS.iloc[:0]  # no rows at all: every figure empty, as one group at a time
    assert repr(coalition.screens_of_groups(none, z, groups)) == repr([per_group_screens(none, z, g) for g in groups])
    assert coalition.screens_of_groups(MEMBERS, z, []) == []
