"""The saved-query library: header parsing and validation, parameter binding, the user
library (save, list, load, delete) and read-only runs with limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidgraph.errors import QueryError, ReadOnlyViolation
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import (
    QueryHeaderError,
    builtin_queries,
    delete_user_query,
    get_query,
    list_queries,
    parse_query,
    run_query,
    save_user_query,
)
from bidgraph.queries.params import ParameterError
from bidgraph.settings import Settings

GOOD = """// id: my_companies
// title: 按地区列出企业
// description: 某地区的企业，带名称关键词
// parameters:
//   - {name: region, type: str, default: "", label: 地区}
//   - {name: min_capital, type: float, default: 0, min: 0, label: 最低注册资本}
// columns: [company]
// evidence: [company]
// tags: [企业]
MATCH (company:Company)
WHERE ($region = '' OR company.region = $region) AND coalesce(company.reg_capital, 0) >= $min_capital
  AND company.name <> '$not_a_param' // $nor_this
RETURN company ORDER BY company.key
"""


@pytest.fixture()
def user_settings(base_settings: Settings, tmp_path: Path) -> Settings:
    return base_settings.model_copy(update={"data_dir": tmp_path})


def test_parse_good_header() -> None:
    query = parse_query(GOOD)
    assert (query.id, query.title, query.columns, query.evidence, query.tags) == (
        "my_companies",
        "按地区列出企业",
        ("company",),
        ("company",),
        ("企业",),
    )
    assert [p.name for p in query.parameters] == ["region", "min_capital"]
    assert query.text.startswith("MATCH (company:Company)") and not query.builtin
    assert query.bind({"min_capital": "1000"}) == {"region": "", "min_capital": 1000.0}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("// title: 按地区列出企业\n", ""), "缺少字段"),
        (("id: my_companies", "id: My-Companies"), "id"),
        (('//   - {name: region, type: str, default: "", label: 地区}\n', ""), "未声明的参数：region"),
        (("AND coalesce(company.reg_capital, 0) >= $min_capital", ""), "声明了未使用的参数：min_capital"),
        (("type: float", "type: money"), "类型"),
        (("default: 0, min: 0", "min: 0"), "缺少默认值"),
        (("label: 地区}", "default2: 1}"), "label"),
        (("evidence: [company]", "evidence: [path]"), "证据列"),
        (("RETURN company", "SET company.flag = true RETURN company"), "写入"),
        (("// tags: [企业]\n", "// tags: [企业\n"), "YAML"),
        (("default: 0, min: 0", "default: -5, min: 0"), "不能小于"),
    ],
)
def test_header_errors(change: tuple[str, str], message: str) -> None:
    assert change[0] in GOOD
    with pytest.raises(QueryHeaderError, match=message):
        parse_query(GOOD.replace(*change))


def test_id_must_match_file_name(tmp_path: Path) -> None:
    with pytest.raises(QueryHeaderError, match="文件名"):
        parse_query(GOOD, path=tmp_path / "other.cypher")


def test_bind_checks_values() -> None:
    query = parse_query(GOOD)
    with pytest.raises(ParameterError, match="不能小于"):
        query.bind({"min_capital": -1})
    with pytest.raises(ParameterError, match="float"):
        query.bind({"min_capital": "很多"})
    with pytest.raises(ParameterError, match="未声明的参数"):
        query.bind({"limit": 3})


def test_builtin_queries_are_valid_and_trusted() -> None:
    queries = builtin_queries()
    assert len(queries) >= 15 and all(q.builtin for q in queries)
    detectors = {q.detector for q in queries if q.finding}
    assert {"cross_appointment", "kinship", "kinship_conflict", "shared_staff", "shared_identifier"} <= detectors
    assert {"corporate_control", "expert_conflict", "agency_tie"} <= detectors
    for query in queries:
        assert query.legal_ground or not query.finding, query.id
        assert all(p.label for p in query.parameters)


def test_user_library_save_list_load_delete(user_settings: Settings) -> None:
    saved = save_user_query(GOOD, user_settings)
    assert saved.path == user_settings.user_query_dir / "my_companies.cypher" and not saved.builtin
    listed = list_queries(user_settings)
    assert [q.id for q in listed if not q.builtin] == ["my_companies"]
    assert get_query("my_companies", user_settings).source == GOOD
    with pytest.raises(QueryHeaderError, match="已存在"):
        save_user_query(GOOD, user_settings)
    changed = save_user_query(GOOD.replace("按地区列出企业", "企业清单"), user_settings, overwrite=True)
    assert changed.title == "企业清单"
    delete_user_query("my_companies", user_settings)
    assert [q for q in list_queries(user_settings) if not q.builtin] == []
    with pytest.raises(QueryError, match="用户库中没有"):
        delete_user_query("cross_appointment", user_settings)


def test_user_query_cannot_shadow_builtin(user_settings: Settings) -> None:
    with pytest.raises(QueryHeaderError, match="内置查询"):
        save_user_query(GOOD.replace("id: my_companies", "id: cross_appointment"), user_settings)


def test_run_is_read_only_with_row_limit(store: GraphStore) -> None:
    store.write(
        "UNWIND range(1, 5) AS i CREATE (:Company {key: 'C' + toString(i), name: 'N' + toString(i), region: '甲',"
        " reg_capital: i * 100})"
    )
    query = parse_query(GOOD)
    result = run_query(store, query, {"region": "甲", "min_capital": 200}, limit=2)
    assert [c.get("key") for c in result.column("company")] == ["C2", "C3"] and result.truncated
    with pytest.raises(ReadOnlyViolation):
        store.run("MATCH (c:Company) SET c.x = 1", read_only=True)
