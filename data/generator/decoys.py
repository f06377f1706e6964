"""Innocent look-alikes: big firms that meet by chance, the trading centre's shared IP
and an incubator address hosting many firms. Their tenders are recorded as the stream
passes (a watcher per decoy), and the shared identifiers go into the allow-list."""

from __future__ import annotations

from typing import Any

from bidgraph.data.generator.market import Market
from bidgraph.data.generator.places import CITIES, HENAN, HUNAN, INDUSTRIES, PROVINCE_SHORT
from bidgraph.data.generator.plan import Planner
from bidgraph.data.generator.world import Company

NUMBERS = "一二三四五六"


def _watch(market: Market, entry: dict[str, Any], hit) -> None:  # type: ignore[no-untyped-def]
    """Credit ``entry`` with every tender where two or more bids satisfy ``hit(row)``."""

    def watcher(code: str, rows: list[dict[str, Any]]) -> None:
        found = [r for r in rows if hit(r)]
        if len(found) >= 2:
            entry["tenders"].append(code)
            entry["companies"].extend(m.uscc for r in found for m in r["_members"])

    market.watchers.append(watcher)


def _allow(p: Planner, label: str, value: str, reason: str) -> None:
    p.world.sink.row("allowlist", label=label, value=value, reason=reason, added_by="系统管理员", added_at="2021-01-01")


def big_firms(p: Planner) -> None:
    for province in (HENAN, HUNAN):
        capital = next(c for c in CITIES if c.province == province)
        firms: list[Company] = []
        for i in range(4):
            name = f"{province}第{NUMBERS[i]}建设工程集团有限公司"
            firms.append(p.world.company(capital, "房建市政", name=name))
        p.market.big_firms[province] = [(f, 0.25) for f in firms]
        note = f"{PROVINCE_SHORT[province]}四家大型建筑集团在全省房建市场独立参与投标，频繁相遇属于正常（不应计入）"
        entry = p.truth.add("cobid_ring", "big_firms_by_chance", note, companies=[f.uscc for f in firms], decoy=True)
        ids = {id(f) for f in firms}
        _watch(p.market, entry, lambda r, ids=ids: id(r["_members"][0]) in ids)


def centre_ip(p: Planner) -> None:
    for province in (HENAN, HUNAN):
        ip = p.world.ids.ip()
        p.market.centre_ip[province] = ip
        reason = f"{PROVINCE_SHORT[province]}省公共资源交易中心现场开标区公共出口IP"
        _allow(p, "IP", ip, reason)
        entry = p.truth.add(
            "shared_identifier",
            "ip",
            f"{reason}，多家投标人在交易中心现场上传（不应计入）",
            decoy=True,
            evidence={"value": ip},
        )
        _watch(p.market, entry, lambda r, ip=ip: r["upload_ip"] == ip)


def incubator(p: Planner) -> None:
    for province in (HENAN, HUNAN):
        capital = next(c for c in CITIES if c.province == province)
        county = capital.counties[2][1]
        address = f"{province}{capital.name}{county}科技创业孵化园A座"
        _allow(p, "Address", address, "科技企业孵化器集中注册地址，入驻企业众多")
        tenants = [
            p.world.company(capital, p.rng.choice(list(INDUSTRIES)[3:]), address=address)
            for _ in range(6 + 2 * p.factor)
        ]
        note = f"{address}为孵化器地址，入驻企业共用注册地址属正常（不应计入）"
        entry = p.truth.add(
            "shared_identifier",
            "address",
            note,
            companies=[t.uscc for t in tenants],
            decoy=True,
            evidence={"value": address},
        )
        ids = {id(t) for t in tenants}
        _watch(p.market, entry, lambda r, ids=ids: any(id(m) in ids for m in r["_members"]))
