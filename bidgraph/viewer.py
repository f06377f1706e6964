"""Who is looking: passed to every service call so access rules apply in one place.

Roles follow the design's security model: a sector supervisor sees its sectors'
tenders; experts' details and full ID/phone numbers only for roles that need them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    INVESTIGATOR = "investigator"  # 调查员（公管办/行政监督部门）
    ANALYST = "analyst"  # 分析员
    LIAISON = "liaison"  # 纪委监委/公安联络
    ADMIN = "admin"  # 管理员


ROLE_ZH = {
    Role.INVESTIGATOR: "调查员",
    Role.ANALYST: "分析员",
    Role.LIAISON: "纪检/公安联络",
    Role.ADMIN: "管理员",
}


@dataclass(frozen=True)
class Viewer:
    user: str
    role: Role = Role.INVESTIGATOR
    # Industries (行业) whose tenders this viewer may see; empty means all.
    sectors: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_full_ids(self) -> bool:
        """Full ID and phone numbers (PIPL data minimisation: only who needs them)."""
        return self.role in (Role.LIAISON, Role.ADMIN)

    @property
    def sees_expert_details(self) -> bool:
        return self.role in (Role.INVESTIGATOR, Role.LIAISON, Role.ADMIN)

    def may_see_sector(self, industry: str | None) -> bool:
        return not self.sectors or (industry or "") in self.sectors


DEMO_VIEWER = Viewer(user="演示调查员", role=Role.INVESTIGATOR)
