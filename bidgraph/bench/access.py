"""The access sweep: 8 users × 14 scenarios over the generated sample, counting the runs
whose output (what the page, download or package shows) leaks something the user may not
see: a tender outside its sectors, a full ID / phone / bank account number without the
role to see it, or an evaluation expert's name for a role without expert details.

Run it with ``python -m bidgraph.bench.access`` (it loads data/sample into a private
data dir and graph). It calls the services the pages call, so it also runs on commits
from before the access layer (the ``_compat`` helpers follow the older API)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore, open_store
from bidgraph.graph.embedded import EmbeddedServer
from bidgraph.loaders import load_paths, normalize
from bidgraph.settings import Settings
from bidgraph.viewer import Role, Viewer

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
USERS = [
    Viewer("inv_all", Role.INVESTIGATOR),
    Viewer("inv_fang", Role.INVESTIGATOR, frozenset({"房建市政"})),
    Viewer("inv_water", Role.INVESTIGATOR, frozenset({"水利"})),
    Viewer("ana_all", Role.ANALYST),
    Viewer("ana_fang", Role.ANALYST, frozenset({"房建市政"})),
    Viewer("lia_all", Role.LIAISON),
    Viewer("lia_water", Role.LIAISON, frozenset({"水利"})),
    Viewer("adm", Role.ADMIN),
]
FREE_CYPHER = [
    "MATCH (p:Person) WHERE p.id_hash IS NOT NULL RETURN [p.id_number] AS l, {x: p.id_number} AS m LIMIT 40",
    "MATCH (p:Person) WHERE p.id_hash IS NOT NULL RETURN properties(p) AS p LIMIT 40",
    "MATCH (p:Person) WHERE p.id_hash IS NOT NULL RETURN split(p.id_number, substring(p.id_number, 8, 1)) AS s,"
    " reverse(p.id_number) AS r, toInteger(substring(p.id_number, 0, 17)) AS i, p.id_number + 'A' AS a LIMIT 40",
    "MATCH (x:Phone) RETURN [x.key, x.value] AS l LIMIT 40",
    "MATCH (x:BankAccount) RETURN properties(x) AS p LIMIT 40",
    "MATCH (e:Expert) RETURN e.name AS name, e.employer AS employer, properties(e) AS p LIMIT 40",
]
# Scenarios whose output is about evaluation experts (an expert's name there identifies them).
LEAST = Viewer("least", Role.ANALYST)  # sees neither full numbers nor experts' identities
EXPERT_CONTEXT = frozenset({"expert_profile", "tender_profile", "detector_expert_conflict", "free_cypher"})
PLAIN_QUERY = """// id: sweep_all_tenders
// title: 全部标段（巡检）
// description: 不带行业范围的普通查询

MATCH (t:Tender) RETURN t.code AS code, t.name AS name, t.industry AS industry
"""


class Secrets:
    """What the sample holds that some roles may not see, read from the CSV files."""

    def __init__(self, sample: Path) -> None:
        def rows(name: str) -> list[dict[str, str]]:
            return list(csv.DictReader((sample / f"{name}.csv").open(encoding="utf-8")))

        ids, phones = set(), set()
        for table, columns in {
            "persons": ("id_number",),
            "experts": ("id_number",),
            "roles": ("person_id_number",),
            "bids": ("pm_id_number", "agent_id_number"),
            "kinship": ("person_a_id_number", "person_b_id_number"),
        }.items():
            ids |= {r[c].upper() for r in rows(table) for c in columns if len(r.get(c) or "") == 18 and "*" not in r[c]}
        phones |= {normalize.phone(r["phone"]) for t in ("persons", "experts") for r in rows(t) if r.get("phone")}
        phones |= {normalize.phone(r["value"]) for r in rows("contacts") if r["kind"] == "phone"}
        self.ids = ids
        self.phones = {p for p in phones if len(p) >= 7}
        self.accounts = {normalize.bank_account(r["deposit_account"]) for r in rows("bids") if r["deposit_account"]}
        self.experts = {r["name"] for r in rows("experts") if r["name"]}

    def found(self, text: str, viewer: Viewer, *, experts: bool) -> list[str]:
        """``experts``: the output is about experts, so an expert's name there identifies them."""
        """The protected values in ``text`` that ``viewer`` may not see (also split, reversed, cast)."""
        out: list[str] = []
        if not viewer.sees_full_ids:
            # per line, so that digits of neighbouring cells do not make up a number
            lines = [re.sub(r"[^0-9X]", "", line.upper()) for line in text.splitlines()]
            forms = "\n".join([text.upper(), *lines, *(line[::-1] for line in lines)])
            out += [v for v in self.ids if v[:17] in forms]
            out += [v for v in self.phones | self.accounts if v in forms]
        if experts and not viewer.sees_expert_details:
            out += [name for name in self.experts if name in text]
        return out


def _frames(*frames: Any) -> str:
    return "\n".join(f.to_csv(index=False) for f in frames if f is not None)


def _compat_saved(store: GraphStore, query: Any, viewer: Viewer) -> Any:
    from bidgraph.services import detectors

    if hasattr(detectors, "run_saved"):
        return detectors.run_saved(store, query, {}, viewer)
    from bidgraph.queries.library import run_query  # before the access layer: the page called this

    return run_query(store, query, {})


def _compat_cases(settings: Settings, viewer: Viewer) -> tuple[Any, list[Any], Callable[..., Any]]:
    from bidgraph.cases import CaseStore

    cases = CaseStore(settings)
    try:
        from bidgraph.services import cases as service
    except ImportError:  # before: the page listed every case and exported for the actor
        from bidgraph.cases.export import export_case

        def export(case_id: int, name: str, out: Path) -> Any:
            return export_case(cases, case_id, recipient_name=name, actor=viewer.user, out_dir=out)

        return cases, cases.list(), export

    def export_new(case_id: int, name: str, out: Path) -> Any:
        return service.export(cases, case_id, name, viewer, out)

    return cases, service.case_list(cases, viewer), export_new


def _package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if not n.endswith((".xlsx", ".pdf"))
        )


class Sweep:
    def __init__(self, store: GraphStore, settings: Settings, secrets: Secrets) -> None:
        self.store, self.settings, self.secrets = store, settings, secrets
        one = lambda q: store.run(q, {}).value()  # noqa: E731
        self.industry = dict(store.run("MATCH (t:Tender) RETURN t.code, t.industry", limit=0).rows)
        self.company = one(
            "MATCH (c:Company)-[:SUBMITTED]->(:Bid)-[:FOR]->(t:Tender) WITH c, count(DISTINCT t.industry) AS n "
            "RETURN c.key ORDER BY n DESC, c.key LIMIT 1"
        )
        self.person = one(
            "MATCH (b:Bid)-[:PROJECT_MANAGER]->(p:Person)-[:HAS_PHONE]->() WHERE p.id_hash IS NOT NULL "
            "RETURN p.key ORDER BY p.key LIMIT 1"
        )
        self.expert = one(
            "MATCH (e:Expert)-[:EVALUATED]->(t) WITH e, count(t) AS n RETURN e.key ORDER BY n DESC LIMIT 1"
        )
        self.ip = one(
            "MATCH (i:IP)<-[:UPLOADED_FROM]-(:Bid)-[:FOR]->(t:Tender) WHERE i.allowed IS NULL "
            "WITH i, count(DISTINCT t.industry) AS n RETURN i.key ORDER BY n DESC LIMIT 1"
        )
        self.phone = one("MATCH (c:Company)-[:HAS_PHONE]->(x:Phone) RETURN x.key ORDER BY x.key LIMIT 1")
        self.account = one("MATCH (b:Bid)-[:DEPOSIT_FROM]->(a:BankAccount) RETURN a.key ORDER BY a.key LIMIT 1")
        self.water = one("MATCH (t:Tender {industry: '水利'}) RETURN t.key ORDER BY t.key LIMIT 1")

    def out_of_scope(self, text: str, viewer: Viewer) -> list[str]:
        if not viewer.sectors:
            return []
        return [c for c, i in self.industry.items() if i not in viewer.sectors and c in text]

    def scenarios(self) -> dict[str, Callable[[Viewer], str]]:
        from bidgraph.services import detectors, graphview, profiles, search, tender
        from bidgraph.services.common import facts_table
        from bidgraph.viz import render_html

        store, settings = self.store, self.settings

        def graph(label: str, key: str, viewer: Viewer) -> str:
            return render_html(graphview.neighbourhood(store, label, key, viewer), viewer=viewer)

        def node_page(label: str, key: str, viewer: Viewer) -> str:
            return _frames(facts_table(profiles.get_node(store, label, key), viewer)) + graph(label, key, viewer)

        def profile(fn: Callable[..., Any], key: str, viewer: Viewer) -> str:
            p = fn(store, key, viewer)
            return _frames(p.facts, *p.tables.values())

        def findings(detector: str, viewer: Viewer) -> str:
            frame = detectors.findings_frame(detectors.run(store, detector, {}, viewer, settings), viewer)
            return detectors.to_csv(frame).decode("utf-8-sig")

        def saved(viewer: Viewer) -> str:
            from bidgraph.queries.library import save_user_query

            query = save_user_query(PLAIN_QUERY, settings, overwrite=True)
            result = _compat_saved(store, query, viewer)
            from bidgraph.services.cypher import result_table

            return _frames(result_table(result, viewer))

        def free(viewer: Viewer) -> str:
            # the 查询 page's gate (unchanged): analysts and admins without a sector restriction
            if viewer.role not in (Role.ANALYST, Role.ADMIN) or viewer.sectors:
                return ""
            from bidgraph.services.cypher import result_table, run_cypher

            return "\n".join(_frames(result_table(run_cypher(store, q, {}, viewer), viewer)) for q in FREE_CYPHER)

        def cases_page(viewer: Viewer) -> str:
            from bidgraph.cases.export.graphfiles import case_subgraph

            cases, listed, _ = _compat_cases(settings, viewer)
            shown = [cases.get(c.id) for c in listed]
            return "\n".join(render_html(case_subgraph(c), viewer=viewer) for c in shown)

        def export(viewer: Viewer) -> str:
            from bidgraph.cases.masking import recipients_for

            _, listed, run = _compat_cases(settings, viewer)
            out = Path(tempfile.mkdtemp(prefix="sweep-export-"))
            # the most revealing recipient the page offers this viewer (full numbers first)
            to = max(recipients_for(viewer), key=lambda r: r.full_identifiers)
            return "\n".join(_package_text(run(c.id, to.name, out).path) for c in listed)

        return {
            "search": lambda v: "\n".join(f"{h.name} {h.detail} {h.key}" for h in search.search(store, "工程", v)),
            "company_profile": lambda v: profile(profiles.company_profile, self.company, v),
            "person_profile": lambda v: profile(profiles.person_profile, self.person, v),
            "expert_profile": lambda v: profile(profiles.person_profile, self.expert, v),
            "tender_profile": lambda v: profile(tender.tender_profile, self.water, v),
            "shared_ip_profile": lambda v: node_page("IP", self.ip, v),
            "phone_account_profiles": lambda v: (
                node_page("Phone", self.phone, v) + node_page("BankAccount", self.account, v)
            ),
            "detector_shared_identifier": lambda v: findings("shared_identifier", v),
            "detector_expert_conflict": lambda v: findings("expert_conflict", v),
            "saved_query_on_detectors": saved,
            "company_graph": lambda v: graph("Company", self.company, v),
            "free_cypher": free,
            "cases": cases_page,
            "export": export,
        }


def _make_cases(settings: Settings, store: GraphStore) -> None:
    """A 水利 case and a 房建市政 case, each with one tender's neighbourhood (made by an admin)."""
    from bidgraph.cases import CaseStore
    from bidgraph.services.graphview import neighbourhood

    cases = CaseStore(settings)
    admin = Viewer("adm", Role.ADMIN)
    for industry in ("水利", "房建市政"):
        key = store.run("MATCH (t:Tender {industry: $i}) RETURN t.key ORDER BY t.key LIMIT 1", {"i": industry}).value()
        case_id = cases.create(f"{industry}线索", "巡检", actor="adm")
        cases.add_evidence(case_id, neighbourhood(store, "Tender", key, admin), actor="adm")


def run(out: Path | None = None) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="bidgraph-sweep-"))
    settings = Settings(data_dir=data_dir, graph_url="", graph_name="access_sweep", query_dir=data_dir / "queries")
    os.environ["BIDGRAPH_DATA_DIR"] = str(data_dir)  # what the pages' settings read (the protected store's place)
    store = open_store(settings)
    try:
        store.clear()
        started = time.perf_counter()
        report = load_paths(store, sorted(SAMPLE.glob("*.csv")), actor="sweep", data_dir=data_dir)
        assert report.written, report.summary()
        _make_cases(settings, store)
        sweep = Sweep(store, settings, Secrets(SAMPLE))
        runs: list[dict[str, Any]] = []
        for viewer in USERS:
            for name, scenario in sweep.scenarios().items():
                begun = time.perf_counter()
                try:
                    text, outcome = scenario(viewer), "shown"
                except BidgraphError as e:
                    text, outcome = "", f"refused: {str(e)[:60]}"
                scope = sweep.out_of_scope(text, viewer)
                secrets = sweep.secrets.found(text, viewer, experts=name in EXPERT_CONTEXT)
                # the control: what of it only entitled roles may see (shows the sweep can see it)
                sensitive = sweep.secrets.found(text, LEAST, experts=name in EXPERT_CONTEXT)
                runs.append(
                    {
                        "user": viewer.user,
                        "scenario": name,
                        "outcome": outcome,
                        "leaked": bool(scope or secrets),
                        "other_sector_tenders": len(scope),
                        "protected_values": len(secrets),
                        "sensitive_shown_to_entitled": 0 if secrets else len(sensitive),
                        "seconds": round(time.perf_counter() - begun, 2),
                    }
                )
        result = {
            "runs": len(runs),
            "leaked": sum(r["leaked"] for r in runs),
            "elapsed_s": round(time.perf_counter() - started, 1),
            "details": runs,
        }
    finally:
        store.clear()
        store.close()
        EmbeddedServer(data_dir).stop()  # the sweep's own server, not anyone else's
    if out is not None:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def summary(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    buf.write(f"{result['leaked']} of {result['runs']} runs leaked ({result['elapsed_s']} s)\n")
    shown: dict[str, int] = {}
    for r in result["details"]:
        shown[r["user"]] = shown.get(r["user"], 0) + r.get("sensitive_shown_to_entitled", 0)
    buf.write("sensitive values shown to entitled users (control): " + json.dumps(shown, ensure_ascii=False) + "\n")
    for r in result["details"]:
        if r["leaked"]:
            buf.write(
                f"  LEAK {r['user']:10} {r['scenario']:28} other-sector tenders={r['other_sector_tenders']}"
                f" protected values={r['protected_values']}\n"
            )
    return buf.getvalue()


if __name__ == "__main__":
    print(summary(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None)))
