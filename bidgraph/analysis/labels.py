"""Measuring a ranking against external labels (e.g. convicted cartel members and the
tenders they rigged): ROC-AUC, PR-AUC (average precision) with bootstrap 95% intervals,
precision@k; and the simple baselines any analyst could compute on the same bids, so
every figure is reported next to what a one-page script achieves."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bidgraph.analysis.market import Market
from bidgraph.errors import BidgraphError

BOOTSTRAP = 500
KS = (10, 20, 50)
POSITIVE = {"1", "true", "yes", "是", "y", "t"}


class LabelError(BidgraphError):
    """A truth file that cannot be read."""


def read_labels(path: Path) -> pd.Series:
    """key → 0/1 from a CSV whose first column is the key (bidder name / tender code as
    loaded) and whose second column is the label (1/0, true/false, 是/否)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise LabelError(f"无法读取标注文件 {path}：{exc}") from exc
    if len(rows) < 2 or len(rows[0]) < 2:
        raise LabelError(f"{path}：需要表头和至少一行数据，第1列为名称/编号，第2列为标注（1/0）")
    out = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[0].strip():
            raise LabelError(f"{path} 第{number}行：缺少名称或标注列")
        out[row[0].strip()] = 1 if row[1].strip().lower() in POSITIVE else 0
    return pd.Series(out, dtype=int)


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties counting one half (Mann–Whitney)."""
    labels = np.asarray(labels, dtype=bool)
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        return float("nan")
    ranks = stats.rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def pr_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Average precision: mean of precision at the rank of each positive (tied scores
    share the precision of their whole tie block)."""
    labels = np.asarray(labels, dtype=bool)
    if not labels.any():
        return float("nan")
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    ranked_scores, ranked = np.asarray(scores, dtype=float)[order], labels[order]
    hits = np.cumsum(ranked)
    last_of_block = np.r_[ranked_scores[1:] != ranked_scores[:-1], True]
    ends = np.where(last_of_block, np.arange(len(ranked)), len(ranked))
    block_end = np.minimum.accumulate(ends[::-1])[::-1]
    precision = hits[block_end] / (block_end + 1)
    return float(precision[ranked].mean())


def precision_at(labels: np.ndarray, scores: np.ndarray, ks: tuple[int, ...] = KS) -> dict[str, float]:
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    ranked = np.asarray(labels, dtype=bool)[order]
    return {f"P@{k}": float(ranked[:k].mean()) for k in ks if len(ranked)}


def measure(labels: pd.Series, scores: pd.Series, *, seed: int = 11) -> dict[str, Any]:
    """Every metric for one ranking; items unscored by the ranking score lowest."""
    aligned = scores.reindex(labels.index).fillna(-np.inf).to_numpy(dtype=float)
    truth = labels.to_numpy(dtype=bool)
    out: dict[str, Any] = {"n": len(truth), "positives": int(truth.sum())}
    out["roc_auc"], out["pr_auc"] = roc_auc(truth, aligned), pr_auc(truth, aligned)
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, len(truth), len(truth)) for _ in range(BOOTSTRAP)]
    for name, metric in (("roc_auc", roc_auc), ("pr_auc", pr_auc)):
        values = [metric(truth[d], aligned[d]) for d in draws]
        low, high = np.nanpercentile(values, [2.5, 97.5])
        out[f"{name}_ci"] = [round(float(low), 3), round(float(high), 3)]
    out["precision_at_k"] = precision_at(truth, aligned)
    return out


def baselines(market: Market, tender_cv: pd.Series) -> dict[str, dict[str, pd.Series]]:
    """The simple rankings, computed on the same loaded bids: NAME → {firm, tender}."""
    members = market.members[["tender", "company"]].drop_duplicates()
    pairs = members.merge(members, on="tender")
    pairs = pairs[pairs["company_x"] != pairs["company_y"]]
    counts = pairs.groupby(["company_x", "company_y"]).size()
    max_cobids = counts.groupby(level=0).max().reindex(members["company"].unique()).fillna(0)
    pair_max = pairs.join(counts.rename("n"), on=["company_x", "company_y"])
    n_bids = members.groupby("company").size()
    firm_cv = members.assign(cv=members["tender"].map(tender_cv)).groupby("company")["cv"].mean()
    firm_neg_cv = -firm_cv.reindex(n_bids.index)
    combo = firm_neg_cv.rank(pct=True).fillna(0) + max_cobids.reindex(n_bids.index).rank(pct=True)
    return {
        "max_cobids": {"firm": max_cobids, "tender": pair_max.groupby("tender")["n"].max()},
        "n_bids": {"firm": n_bids, "tender": members.groupby("tender").size()},
        "neg_cv_cobids": {"firm": combo, "tender": -tender_cv},
        "neg_cv": {"firm": firm_neg_cv, "tender": -tender_cv},
    }


def report(
    truth_firms: pd.Series | None,
    truth_tenders: pd.Series | None,
    ours: Mapping[str, pd.Series],
    base: Mapping[str, Mapping[str, pd.Series]],
) -> dict[str, Any]:
    """``{"firm": …, "tender": …, "baselines": {NAME: {"firm": …, "tender": …}}}``."""
    truth = {"firm": truth_firms, "tender": truth_tenders}
    out: dict[str, Any] = {level: measure(truth[level], ours[level]) for level in truth if truth[level] is not None}
    out["baselines"] = {
        name: {level: measure(truth[level], levels[level]) for level in truth if truth[level] is not None}
        for name, levels in base.items()
    }
    return out
