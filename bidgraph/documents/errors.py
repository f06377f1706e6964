"""Shared errors and prices: the slips two independent compilers would not make the
same way — identical typos (a rare variant of a common phrase), identical wrong figures
(a figure that contradicts the tender file), the same odd formatting — and identical
unit prices in the bill of quantities (报价清单)."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable

# Figures the tender file fixes and a bid restates: (label, pattern in tender, pattern in bid).
FIGURES = (
    ("工期", re.compile(r"工期[:：为]?\s*(\d+)\s*日历天")),
    ("缺陷责任期", re.compile(r"缺陷责任期[:：为]?\s*(\d+)\s*个月")),
    ("投标有效期", re.compile(r"投标有效期[:：为]?\s*(\d+)\s*日历天")),
)
_DIGIT = re.compile(r"[0-9０-９]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ODD = re.compile(r"[０-９]+|([。，；：、])\1+| +[，。；：]")
_BILL_LINE = re.compile(r"^\s*\d+\s+(\S+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")


def typo_index(common: Iterable[str]) -> dict[str, str]:
    """Every common shingle with one character wildcarded -> that character: a rare
    shingle that hits this index differs from a common phrase by one character."""
    return {s[:i] + "\0" + s[i + 1 :]: s[i] for s in common for i in range(len(s))}


def typos(shared_rare: Iterable[str], index: dict[str, str], min_shingles: int = 3) -> list[str]:
    """Typos two documents share, as ``wrong（应为 right）`` with a character of context: a
    Chinese character in place of another where a common phrase has it, seen in at least
    ``min_shingles`` of the overlapping shingles that cover it (a phrase that is merely
    rare shows in one or two); figures are left to ``wrong_figures``."""
    votes: dict[tuple[str, str], set[str]] = defaultdict(set)
    context: dict[tuple[str, str], str] = {}
    for s in shared_rare:
        if _DIGIT.search(s):
            continue
        for i, wrong in enumerate(s):
            right = index.get(s[:i] + "\0" + s[i + 1 :])
            if right and right != wrong and _HAN.match(wrong) and _HAN.match(right):
                votes[(wrong, right)].add(s)
                around = s[max(0, i - 1) : i + 2]
                if len(around) > len(context.get((wrong, right), "")):
                    context[(wrong, right)] = around
    return sorted(f"{context[k]}（应为{k[1]}）" for k, seen in votes.items() if len(seen) >= min_shingles)


def wrong_figures(text: str, tender_text: str) -> set[str]:
    """Figures that contradict the tender file, as ``工期320日历天``-like labels."""
    out = set()
    for label, pattern in FIGURES:
        fixed = {m.group(1) for m in pattern.finditer(tender_text)}
        if not fixed:
            continue
        unit = "个月" if label == "缺陷责任期" else "日历天"
        out |= {f"{label}{m.group(1)}{unit}" for m in pattern.finditer(text) if m.group(1) not in fixed}
    return out


def odd_formatting(text: str) -> set[str]:
    """Odd formatting with its context (full-width digits, doubled punctuation, a space
    before punctuation), as the literal text around it."""
    out = set()
    for m in _ODD.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        out.add(text[max(line_start, m.start() - 6) : min(line_end, m.end() + 2)])
    return out


def unit_prices(text: str) -> dict[str, float]:
    """Item name -> unit price from the 报价清单 lines (序号 项目 单位 工程量 综合单价 合价)."""
    out = {}
    for line in text.splitlines():
        m = _BILL_LINE.match(line.replace("\u3000", " "))
        if m:
            out[m.group(1)] = float(m.group(4))
    return out


def compare_prices(a: dict[str, float], b: dict[str, float]) -> tuple[int, int, float | None]:
    """(identical unit prices, items priced by both, CV of the price ratios b/a — near 0
    when one bill is the other scaled)."""
    common = [item for item in a if item in b and a[item] > 0]
    same = sum(1 for item in common if a[item] == b[item])
    ratios = [b[item] / a[item] for item in common]
    cv = statistics.pstdev(ratios) / statistics.fmean(ratios) if len(ratios) >= 3 else None
    return same, len(common), cv
