"""Machine-readable output of the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any


def write_json_rows(rows: Iterable[Any], default: Callable[[Any], Any] | None = None) -> None:
    """A JSON array with one record per line, written to stdout at once. An indented
    dump goes through json's pure-Python encoder, ~2.7 s for triage's 20,000 rows on the
    medium set; one compact record per line uses the C encoder and stays readable."""
    lines = [json.dumps(row, ensure_ascii=False, default=default) for row in rows]
    sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n")
