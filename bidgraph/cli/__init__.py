"""The ``bidgraph`` command. Each command group lives in its own module."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from bidgraph.cli import alerts as alerts_cli
from bidgraph.cli import bench, db
from bidgraph.cli import case as case_cli
from bidgraph.cli import detect as detect_cli
from bidgraph.cli import documents as documents_cli
from bidgraph.cli import load as load_cli
from bidgraph.cli import mapping as mapping_cli
from bidgraph.cli import report as report_cli
from bidgraph.cli import user as user_cli
from bidgraph.cli.demo import demo
from bidgraph.cli.sample import sample
from bidgraph.errors import BidgraphError

app = typer.Typer(
    name="bidgraph",
    help="公共资源交易关系图谱研判工作台 (bidgraph)",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(bench.app, name="bench")
app.add_typer(documents_cli.app, name="documents")
app.add_typer(mapping_cli.app, name="map")
app.command("load")(load_cli.load)
app.command("loads")(load_cli.loads)
app.command()(demo)
app.add_typer(case_cli.app, name="case")
app.add_typer(user_cli.app, name="user")
app.add_typer(alerts_cli.app, name="alerts")
app.command("report")(report_cli.report)
app.command("verify")(case_cli.verify_command)
app.command("sample")(sample)
detect_cli.register(app)


def main() -> None:
    """Console entry point: project errors become a clean message and exit code 1."""
    try:
        app()
    except BidgraphError as e:
        Console(stderr=True).print(f"[bold red]错误：[/]{e}")
        sys.exit(1)
