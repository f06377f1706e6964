"""Field labels of notices (row headers, ``标签：值`` in prose) mapped to what they hold."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CLEAN = re.compile(r"[\s:：*]+")
# Order matters: the first matching rule wins (标段名称 before 名称 …).
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("tender_code", re.compile(r"^(标段\(包\)|标段|包|招标|采购|项目|标段包)?(编号|代码)$|^标段\(包\)编号$")),
    ("tender_name", re.compile(r"^(标段\(包\)|标段|招标项目|采购项目|项目|工程)名称$")),
    ("tenderer", re.compile(r"^(招标人|采购人|建设单位|招标单位|招标人名称|采购单位)$")),
    ("agency", re.compile(r"^(招标机构|招标代理机构|代理机构|采购代理机构|招标代理|代理机构名称)$")),
    ("winner", re.compile(r"^(中标人|中标单位|中标人名称|中标供应商|成交供应商|成交人|中标\(成交\)供应商)$")),
    ("price", re.compile(r"^(中标价|中标金额|中标价格|成交金额|成交价|中标\(成交\)金额|中标报价)")),
    ("date", re.compile(r"^(公告发布日期|发布日期|公示日期|公告日期)$")),
    ("candidate", re.compile(r"(中标候选人|投标人|候选人|投标单位|供应商)(名称)?$")),
    ("rank", re.compile(r"^(名次|排名|排序|候选人排序|中标候选人排序)$")),
    ("bid_price", re.compile(r"(投标报价|报价|投标价|费率|下浮率)")),
    ("qualification", re.compile(r"资质")),
    ("personnel", re.compile(r"拟派|项目管理人员|主要人员|项目管理机构|关键人员")),
]
# Labels that are never personnel even if their value holds a name.
_NOT_PERSONNEL = re.compile(r"电话|地址|地点|范围|内容|期限|目标|许可证|备注|日期|时间|业绩|奖项|联系")


def normalize(label: str) -> str:
    return _CLEAN.sub("", unicodedata.normalize("NFKC", label)).replace("（", "(").replace("）", ")")


@lru_cache(maxsize=4096)  # the same row labels recur on every page of a site
def classify(label: str) -> str | None:
    """What a label names: one of the rule names above, or None."""
    norm = normalize(label)
    if not norm or len(norm) > 30:
        return None
    for name, pattern in _RULES:
        if pattern.search(norm):
            return name
    return None


@lru_cache(maxsize=4096)
def may_be_personnel(label: str) -> bool:
    norm = normalize(label)
    return 0 < len(norm) <= 30 and not _NOT_PERSONNEL.search(norm) and classify(label) is None
