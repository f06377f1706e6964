"""Evaluation against external labels, on a tiny fixture computed by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bidgraph.analysis import labels, riskservice
from bidgraph.loaders import load_paths


def test_auc_pr_auc_and_precision_at_k_by_hand() -> None:
    truth = np.array([1, 0, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.3, 0.3, 0.1])
    # positive/negative pairs (6): 0.9 beats all 3 negatives; 0.3 beats 0.1, ties 0.3, loses to 0.8
    assert labels.roc_auc(truth, scores) == pytest.approx((3 + 1 + 0.5) / 6)
    # ranks: 0.9 (hit, precision 1/1); the 0.3 tie block ends at rank 4 → precision 2/4
    assert labels.pr_auc(truth, scores) == pytest.approx((1 + 0.5) / 2)
    assert labels.precision_at(truth, scores, (1, 2)) == {"P@1": 1.0, "P@2": 0.5}


def test_measure_scores_missing_items_lowest_and_reports_intervals() -> None:
    truth = pd.Series({"a": 1, "b": 0, "c": 1, "d": 0})
    result = labels.measure(truth, pd.Series({"a": 2.0, "b": 1.0}))  # c, d unscored
    assert result["roc_auc"] == pytest.approx((2 + 0.5) / 4)  # a beats b, d; c ties d, loses to b
    low, high = result["roc_auc_ci"]
    assert 0 <= low <= high <= 1 and (result["n"], result["positives"]) == (4, 2)


def test_read_labels(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("投标人名称,cartel\n甲公司,1\n乙公司,0\n丙公司,是\n", encoding="utf-8")
    assert labels.read_labels(path).to_dict() == {"甲公司": 1, "乙公司": 0, "丙公司": 1}
    (tmp_path / "bad.csv").write_text("只有一列\n", encoding="utf-8")
    with pytest.raises(labels.LabelError, match="第2列"):
        labels.read_labels(tmp_path / "bad.csv")


def test_labels_keyed_by_the_exports_bidder_names_reach_the_graphs_companies(graph, tmp_path: Path) -> None:
    """Firms known only by name are keyed ``name:…`` in the graph; labels name them as the export
    does (and a USCC-keyed firm by its USCC or its name), so evaluation must translate."""
    (tmp_path / "tenders.csv").write_text("标段编号,标段名称\nT-1,一标段\n", encoding="utf-8")
    (tmp_path / "bids.csv").write_text(
        "标段编号,投标人名称,投标人统一社会信用代码,投标报价\n"
        "T-1,甲（河南）建设公司,,100\nT-1,乙建设有限公司,91410100MA3X000008,101\n",
        encoding="utf-8",
    )
    load_paths(graph, [tmp_path / "tenders.csv", tmp_path / "bids.csv"], actor="test", data_dir=tmp_path)
    names = pd.Index(["甲(河南)建设公司", "乙建设有限公司", "91410100MA3X000008", "不存在公司"])
    keys = riskservice._company_keys(graph, names)
    assert keys["甲(河南)建设公司"].startswith("name:")
    assert keys["乙建设有限公司"] == keys["91410100MA3X000008"] == "91410100MA3X000008"
    assert keys["不存在公司"] == "不存在公司"
