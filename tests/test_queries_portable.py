"""Every built-in query parses with Neo4j's own Cypher grammar (tools/cypher-lint, the
npm package @neo4j-cypher/language-support) and runs on FalkorDB."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import builtin_queries, run_query

LINT = Path(__file__).resolve().parent.parent / "tools" / "cypher-lint"


def test_builtin_queries_parse_with_neo4j_grammar() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("未安装 Node.js，无法用 Neo4j 语法检查（需要 node 与 npm ci --prefix tools/cypher-lint）")
    if not (LINT / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.skip("未安装 tools/cypher-lint 的依赖：请先运行 npm ci --prefix tools/cypher-lint")
    done = subprocess.run([node, str(LINT / "lint.mjs")], capture_output=True, text=True, timeout=120, check=False)
    assert json.loads(done.stdout) == [], done.stdout
    assert done.returncode == 0


def test_linter_reports_errors(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (LINT / "node_modules").is_dir():
        pytest.skip("未安装 Node.js 或 tools/cypher-lint 的依赖")
    bad = tmp_path / "bad.cypher"
    bad.write_text("// id: bad\nMATCH (n) RETURN n LIMT 3\n", encoding="utf-8")
    done = subprocess.run([node, str(LINT / "lint.mjs"), str(bad)], capture_output=True, text=True, check=False)
    errors = json.loads(done.stdout)
    assert done.returncode == 1 and [(e["line"], e["column"]) for e in errors] == [(2, 20)]


@pytest.mark.parametrize("query", builtin_queries(), ids=lambda q: q.id)
def test_builtin_query_runs_on_falkordb(store: GraphStore, query) -> None:  # type: ignore[no-untyped-def]
    result = run_query(store, query)
    assert result.columns == query.columns
