"""Fast start: ``bidgraph --help`` and each command's ``--help`` import only the CLI, never the
analysis stack, the database drivers or the workbench (their import took seconds)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bidgraph.cli.case import RECIPIENT_NAMES

HEAVY = ("pandas", "numpy", "scipy", "igraph", "networkx", "streamlit", "falkordb", "redis", "neo4j", "openpyxl")
PROBE = """
import sys
sys.argv = ["bidgraph", *{args!r}]
from bidgraph.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED", sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r})))
"""


@pytest.mark.parametrize("args", [["--help"], ["case", "export", "--help"], ["detect", "--help"], ["db", "--help"]])
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)], capture_output=True, text=True, check=True
    ).stdout
    assert "Usage" in out and out.strip().endswith("LOADED []"), out[-300:]


def test_recipient_names_in_the_help_are_the_recipients() -> None:
    from bidgraph.cases.masking import RECIPIENTS

    assert tuple(RECIPIENTS) == RECIPIENT_NAMES
