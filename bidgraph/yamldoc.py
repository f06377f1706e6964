"""YAML of the project's own files (schema, tables, saved-query headers), read with
libyaml's C loader when PyYAML was built with it: 5–10× faster than the pure-Python
loader, and the query headers are parsed on every cold detector run and CLI start."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """The document in ``text`` (safe types only); raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_LOADER)
