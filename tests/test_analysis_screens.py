"""Price screens against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bidgraph.analysis.screens import screens, tender_screens


def test_screens_equal_steps() -> None:
    s = screens([106, 100, 104, 102], ceiling=110)
    assert s["n"] == 4
    assert s["cv"] == pytest.approx(math.sqrt(20 / 3) / 103)
    assert s["spread"] == pytest.approx(0.06)
    assert s["diffp"] == pytest.approx(0.02)
    assert s["rd"] == pytest.approx(1.0)  # gap 2 / std of 102, 104, 106 (= 2)
    assert s["rdnor"] == pytest.approx(1.0)  # gap 2 / mean gap of the losing bids (= 2)
    assert s["step_cv"] == pytest.approx(0.0)
    assert s["skewness"] == pytest.approx(0.0, abs=1e-12)
    assert s["kurtosis"] == pytest.approx(-1.2)  # ((n+1)·g2 + 6)(n−1)/((n−2)(n−3)), g2 = 41/25 − 3
    assert s["ks"] == pytest.approx(0.25)
    assert s["ceiling_ratio"] == pytest.approx(103 / 110)


def test_screens_winner_far_below_covers() -> None:
    s = screens([100, 110, 111, 112, 113])
    assert s["diffp"] == pytest.approx(0.1)
    assert s["rd"] == pytest.approx(10 / math.sqrt(5 / 3))
    assert s["rdnor"] == pytest.approx(10.0)
    assert math.isnan(s["ceiling_ratio"])


def test_screens_need_enough_bids() -> None:
    s = screens([100.0, 101.0])
    assert s["spread"] == pytest.approx(0.01) and math.isnan(s["rd"]) and math.isnan(s["kurtosis"])


def test_tender_screens_need_valid_priced_bids() -> None:
    bids = pd.DataFrame(
        {
            "tender": ["T1"] * 4 + ["T2"] * 3 + ["T3"] * 3,
            "segment": ["s"] * 10,
            "price": [100, 102, 104, 106, 99.9, 100, 100.1, 50, None, 70],
            "ceiling": [110] * 4 + [100.2] * 3 + [100] * 3,
            "valid": [True] * 9 + [False],
        }
    )
    table = tender_screens(bids).set_index("tender")
    assert list(table.index) == ["T1", "T2"]  # T3 has one valid priced bid
    assert table.loc["T1", "step_cv"] == pytest.approx(0.0)
    assert table.loc["T2", "cv"] < 0.005 and math.isnan(table.loc["T2", "step_cv"])  # 3 bids: no step screen


def test_vectorised_table_equals_per_tender_screens() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(60):
        n = int(rng.integers(3, 9))
        prices = rng.normal(1e6, 2e4, n).round(-2) if i % 5 else np.full(n, 5e5)
        if i % 7 == 0:
            prices = 1e6 - 1e4 * np.arange(n)  # regular steps
        rows += [{"tender": f"T{i:03d}", "segment": "s", "price": x, "ceiling": 1.1e6, "valid": True} for x in prices]
    table = tender_screens(pd.DataFrame(rows)).set_index("tender")
    assert len(table) == 60
    for tender, group in pd.DataFrame(rows).groupby("tender"):
        expected = screens(group["price"].to_numpy(), 1.1e6)
        got = table.loc[tender]
        for name, value in expected.items():
            if math.isnan(value) or math.isinf(value):
                assert math.isnan(got[name]) or math.isinf(got[name]), (tender, name)
            else:
                assert got[name] == pytest.approx(value, rel=1e-6, abs=1e-9), (tender, name)
