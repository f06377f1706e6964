"""bidgraph installs under one import name, and every package folder is declared."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> tuple[list[str], dict[str, str]]:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return tool["packages"], tool["package-dir"]


def test_every_package_folder_is_declared() -> None:
    packages, package_dir = _declared()
    found = set()
    for name, folder in package_dir.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join((name, *rel.parts)))
    assert found == set(packages)


def test_old_top_level_names_do_not_import(tmp_path: Path) -> None:
    """Run from an unrelated folder: only bidgraph.* exists, so a user's own analysis/ cannot shadow ours."""
    _, package_dir = _declared()
    code = (
        "import importlib.util, sys\n"
        f"names = {sorted(set(n.split('.')[-1] for n in package_dir) - {'bidgraph'})!r}"
        " + ['analysis', 'cases', 'services', 'viz']\n"
        "print([n for n in names if importlib.util.find_spec(n) is not None])\n"
        "import bidgraph.graph.model, bidgraph.loaders, bidgraph.workbench.ui, bidgraph.analysis\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
