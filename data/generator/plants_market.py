"""Planted schemes that live in the bidding itself: co-bidding rings with rotation and
cover bidders, 标王, agency favourites, shared identifiers, price patterns and expert
conflicts."""

from __future__ import annotations

from bidgraph.data.generator.ids import mac_variant, phone_variant
from bidgraph.data.generator.plan import Planner
from bidgraph.data.generator.sink import Truth
from bidgraph.data.generator.world import Company

BID_IDENTIFIERS = ("ip", "mac", "cpu", "disk", "dongle", "file_id", "machine_code", "deposit_account")
STATIC_IDENTIFIERS = ("phone", "email", "address")
FILE_FINGERPRINTS = ("mac", "cpu", "disk", "dongle", "file_id", "machine_code")
RING_BACKGROUND = 0.3


def rings(p: Planner) -> None:
    rng = p.rng
    for _ in range(p.count(2)):
        city, industry = p.market_of()
        members = p.fresh(city, industry, rng.randint(3, 6))
        covers = members[3:] if len(members) > 3 else []
        rotators = [c for c in members if c not in covers]
        for c in members:  # ring members do most of their bidding inside the ring
            c.background = RING_BACKGROUND
        for c in covers:
            c.never_win = True
        uscc = [c.uscc for c in members]
        ring = p.truth.add(
            "cobid_ring",
            f"ring_{len(members)}",
            f"{len(members)}家企业在{city.name}{industry}市场长期抱团投标",
            companies=uscc,
        )
        rotation = p.truth.add("rotation", "rotation", "围标圈内中标轮流分配", companies=[c.uscc for c in rotators])
        entries = [ring, rotation]
        for c in covers:
            note = f"{c.name}随圈内企业投标从不中标（陪标专业户）"
            entries.append(
                p.truth.add(
                    "cover_bidder",
                    "always_loses",
                    note,
                    companies=[c.uscc],
                    evidence={"loses_to": [r.uscc for r in rotators]},
                )
            )
        for j, index in enumerate(p.slots(rng.randint(10, 16))):
            winner = rotators[j % len(rotators)]
            present = [c for c in members if c is winner or c in covers or rng.random() < 0.85]
            fill = max(rng.randint(0, 3), 3 - len(present))
            p.put(index, p.spec(city, industry, present, n_fill=fill, winner=winner), *entries)


def high_win_rate(p: Planner) -> None:
    rng = p.rng
    for _ in range(p.count(2)):
        city, industry = p.market_of()
        [king] = p.fresh(city, industry, 1, reserved=True)
        slots = p.slots(12)
        wins = set(rng.sample(range(12), rng.randint(9, 11)))
        note = f"{king.name}在{city.name}{industry}市场中标率异常偏高（标王）"
        entry = p.truth.add(
            "high_win_rate", "win_rate", note, companies=[king.uscc], evidence={"planted_wins": len(wins)}
        )
        for j, index in enumerate(slots):
            spec = p.spec(city, industry, [king], n_fill=rng.randint(3, 7))
            spec.winner, spec.winner_from_fill = (king, False) if j in wins else (None, True)
            p.put(index, spec, entry)


def agency_favourite(p: Planner) -> None:
    rng = p.rng
    for _ in range(p.count(1)):
        city, industry = p.market_of()
        agency = rng.choice(p.orgs.agencies[city.province])
        [pet] = p.fresh(city, industry, 1)
        note = f"代理机构{agency.name}代理的标段多次由{pet.name}中标"
        entry = p.truth.add(
            "agency_tie", "agency_favourite", note, companies=[pet.uscc], evidence={"agency": agency.uscc}
        )
        for j, index in enumerate(p.slots(16)):
            spec = p.spec(city, industry, [pet], n_fill=rng.randint(3, 6))
            if j % 2 == 0:  # the agency's tenders: the favourite wins 6 of 8
                spec.agency, spec.winner, spec.winner_from_fill = agency, (pet if j % 8 != 6 else None), j % 8 == 6
                p.put(index, spec, entry)
            else:  # elsewhere it loses, so its overall win rate stays unremarkable
                spec.winner_from_fill = True
                p.put(index, spec)


def _identifier(variant: str, a: Company, rng) -> tuple[dict[str, str], dict[str, str], str]:  # type: ignore[no-untyped-def]
    """(columns pinned on A's bid, columns copied into B's bid, the shared value)."""
    machine = a.machines[0]
    pinned = {"upload_ip": a.ips[0], "mac": machine.mac, "cpu_serial": machine.cpu, "disk_serial": machine.disk}
    pinned |= {"machine_code": machine.machine_code, "deposit_account": a.account, "deposit_bank": a.bank}
    column, value = {
        "ip": ("upload_ip", a.ips[0]),
        "mac": ("mac", machine.mac),
        "cpu": ("cpu_serial", machine.cpu),
        "disk": ("disk_serial", machine.disk),
        "dongle": ("dongle_serial", a.dongle),
        "file_id": ("file_creation_id", a.file_id),
        "machine_code": ("machine_code", machine.machine_code),
        "deposit_account": ("deposit_account", a.account),
    }[variant]
    copied = {column: mac_variant(value, rng) if variant == "mac" else value}
    if variant == "deposit_account":
        copied["deposit_bank"] = a.bank
    return pinned, copied, value


def shared_identifiers(p: Planner) -> None:
    rng, sink = p.rng, p.world.sink
    for variant in BID_IDENTIFIERS + STATIC_IDENTIFIERS:
        for _ in range(p.count(1)):
            city, industry = p.market_of(construction=variant in ("dongle", "deposit_account"))
            a, b = p.fresh(city, industry, 2)
            [index] = p.slots(1)
            spec = p.spec(city, industry, [a, b])
            if variant in BID_IDENTIFIERS:
                pinned, copied, value = _identifier(variant, a, rng)
                spec.overrides = {a.uscc: pinned, b.uscc: copied}
            else:
                value = {"phone": a.phone, "email": a.email, "address": a.address}[variant]
                written = {
                    "phone": phone_variant(value, rng),
                    "email": value.upper(),
                    "address": value.replace("市", "市 ", 1),
                }
                sink.row("contacts", owner_uscc=b.uscc, owner_name=b.name, kind=variant, value=written[variant])
            note = f"{a.name}与{b.name}在同一标段共用{variant}：{value}"
            entry = p.truth.add(
                "shared_identifier", variant, note, companies=[a.uscc, b.uscc], evidence={"value": value}
            )
            p.put(index, spec, entry)


def fingerprint_truth(truth: Truth) -> None:
    """A shared bid-file fingerprint is also a ``file_fingerprint`` finding: the same
    planted pairs, appended (earlier scheme ids and the tables do not change)."""
    for scheme in list(truth.schemes):
        if scheme["detector"] == "shared_identifier" and scheme["variant"] in FILE_FINGERPRINTS:
            copy = {**scheme, "id": f"S{len(truth.schemes) + 1:04d}", "detector": "file_fingerprint"}
            truth.schemes.append(copy)


def price_screens(p: Planner) -> None:
    for mode in ("low_cv", "ceiling_hugging", "regular_steps"):
        for _ in range(p.count(2)):
            city, industry = p.market_of()
            [index] = p.slots(1)
            entry = p.truth.add(
                "price_screen",
                mode,
                {
                    "low_cv": "投标报价离散度异常低",
                    "ceiling_hugging": "全部报价贴近最高投标限价",
                    "regular_steps": "报价呈等差规律",
                }[mode],
            )
            spec = p.spec(city, industry, [], n_fill=p.rng.randint(4, 8), price_mode=mode)
            spec.collect.append(entry)
            p.put(index, spec, entry)
