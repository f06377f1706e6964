"""Every detector takes the date/region/industry scope: the Python ones filter tenders before
reading bids and return only in-scope findings, and every detector's form on 研判 opens and runs
with non-default scope parameters (轮流中标 once crashed with a duplicate widget key)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from test_app_pages import page, sample_graph  # noqa: F401  (the fixture is used by name)

from bidgraph.analysis import run_detector
from bidgraph.analysis.detectors import PYTHON_DETECTORS, python_params
from bidgraph.graph.store import GraphStore
from bidgraph.queries.params import ParameterError

SCOPE_NAMES = ("date_from", "date_to", "region", "industry")


def _tenders(store: GraphStore) -> dict[str, tuple[str, str, str]]:
    rows = store.run("MATCH (t:Tender) RETURN t.code, t.industry, t.region, t.bid_open", limit=0).rows
    return {code: (industry, region, str(bid_open)) for code, industry, region, bid_open in rows}


@pytest.mark.usefixtures("sample_graph")
def test_python_detectors_declare_the_scope_and_keep_to_it(store: GraphStore) -> None:
    tenders = _tenders(store)
    industry, _ = Counter(i for i, _, _ in tenders.values()).most_common(1)[0]
    dates = sorted(d for _, _, d in tenders.values())
    since = dates[len(dates) // 3][:10]
    scope = {"industry": industry, "date_from": since}
    kept = 0
    for detector_id, detector in PYTHON_DETECTORS.items():
        declared = {p.name for p in detector.as_query().parameters}
        assert set(SCOPE_NAMES) <= declared, detector_id
        unscoped = run_detector(store, detector_id)
        scoped = run_detector(store, detector_id, scope)
        codes = [(f.title, c) for f in scoped for c in f.tender_codes]
        out = [(t, c) for t, c in codes if tenders[c][0] != industry or tenders[c][2] < since]
        assert not out, (detector_id, out[:3])
        assert len(scoped) <= len(unscoped), detector_id
        kept += len(scoped)
    assert kept > 0  # the check above is not vacuous


def test_scope_parameters_are_bound_and_unknown_ones_refused() -> None:
    bound = python_params({"industry": "水利", "date_from": "2024-01-01", "min_bids": 3})
    assert bound["industry"] == "水利" and str(bound["date_from"])[:10] == "2024-01-01" and bound["min_bids"] == 3
    with pytest.raises(ParameterError):
        run_detector(None, "cobid_ring", {"no_such_parameter": 1})  # type: ignore[arg-type]


@pytest.mark.usefixtures("sample_graph")
def test_every_detector_form_opens_and_runs_with_scope_parameters() -> None:
    app = page("detectors")
    count = len(app.selectbox(key="detector:id").options)
    assert count >= len(PYTHON_DETECTORS)
    ran = []
    for index in range(count):
        app.selectbox(key="detector:id").select_index(index).run()
        assert not app.exception, (index, [e.message for e in app.exception])
        chosen = app.selectbox(key="detector:id").value
        for widget in app.date_input:
            if str(widget.key).endswith(":date_from"):
                widget.set_value(dt.date(2023, 1, 1))
        next(b for b in app.button if b.label == "运行").click().run()
        assert not app.exception, (chosen, [e.message for e in app.exception])
        assert not app.error, (chosen, [e.value for e in app.error])
        ran.append(chosen)
    assert "rotation" in ran and len(set(ran)) == count
