"""Consortium winners and candidates: 甲公司、乙公司联合体 / 甲公司（牵头人）与乙公司 → members."""

from __future__ import annotations

import re

# 与/和 separate members only right after an organisation suffix ("开封明和路桥…" is one name)
_SPLIT = re.compile(r"[、，,；;]|(?:(?<=公司)|(?<=院)|(?<=所)|(?<=集团)|(?<=中心)|(?<=[)）]))(?:与|和)")
_MARKS = re.compile(r"[（(]?(?:联合体)?(?:牵头人|牵头方|成员方?|主办方)[)）]?|[（(]联合体[)）]|联合体$")


def split_consortium(name: str) -> list[str]:
    """Member names, lead first; [] for a single company."""
    if "联合体" not in name and "、" not in name and "牵头" not in name:
        return []
    members = [m.strip() for m in _SPLIT.split(_MARKS.sub("", name)) if len(m.strip()) >= 4]
    return members if len(members) >= 2 else []
