"""One bid row as an e-bidding platform exports it: who, when, from which machine and
account, with which project manager and agent (masked ID numbers now and then)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bidgraph.data.generator.ids import mask_id
from bidgraph.data.generator.places import CONSTRUCTION
from bidgraph.data.generator.world import Company, day

if TYPE_CHECKING:
    from bidgraph.data.generator.market import Market, TenderSpec

MASK_PM = 0.15
MASK_AGENT = 0.10
CENTRE_IP_SHARE = 0.02


def submitted(market: Market, opened: int) -> str:
    rng = market.rng
    return (
        f"{day(opened - rng.randint(0, 3))}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


def consortium(units: list[list[Company]]) -> list[list[Company]]:
    """Join the first two single bidders into a consortium (lead first)."""
    return [units[0] + units[1], *units[2:]]


def bid_row(market: Market, code: str, opened: int, spec: TenderSpec, members: list[Company]) -> dict[str, Any]:
    rng = market.rng
    lead = members[0]
    machine = rng.choice(lead.machines)
    forced = lead in spec.bidders
    row: dict[str, Any] = {
        "_members": members,
        "tender_code": code,
        "bidder_uscc": lead.uscc if len(members) == 1 else None,
        "bidder_name": lead.name if len(members) == 1 else "、".join(m.name for m in members) + "联合体",
        "consortium_members": ";".join(m.uscc for m in members) if len(members) > 1 else None,
        "submitted": submitted(market, opened),
        "upload_ip": rng.choice(lead.ips),
        "mac": machine.mac,
        "cpu_serial": machine.cpu,
        "disk_serial": machine.disk,
        "dongle_serial": lead.dongle or None,
        "file_creation_id": lead.file_id,
        "machine_code": machine.machine_code,
    }
    if not forced and rng.random() < CENTRE_IP_SHARE:
        row["upload_ip"] = market.centre_ip[spec.city.province]
    if spec.industry in CONSTRUCTION or rng.random() < 0.5:
        row["deposit_account"] = lead.account
        row["deposit_bank"] = lead.bank
    if lead.pms:
        pm, cert = rng.choice(lead.pms)
        masked = not forced and rng.random() < MASK_PM
        row.update(
            pm_id_number=mask_id(pm.id_number) if masked else pm.id_number, pm_name=pm.name, pm_certificate=cert or None
        )
    if lead.agents:
        agent = rng.choice(lead.agents)
        masked = not forced and rng.random() < MASK_AGENT
        row.update(agent_id_number=mask_id(agent.id_number) if masked else agent.id_number, agent_name=agent.name)
    row.update(spec.overrides.get(lead.uscc, {}))
    return row
