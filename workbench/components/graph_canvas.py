"""The two-way graph drawing: vis-network in a small Streamlit custom component.

The frontend is plain HTML/JS (graph_canvas.html/.js/.css next to this file) speaking
Streamlit's component protocol; vis-network itself is the copy pyvis ships, served by
the workbench from the same folder — nothing is fetched from a CDN. The folder served is
assembled once per content version in the temp directory, because vis-network lives in
pyvis's package and Streamlit serves a component from one folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from bidgraph.viz.render import VIS_DIR

_HERE = Path(__file__).parent
_OWN = ("graph_canvas.html", "graph_canvas.js", "graph_canvas.css")
_VIS = ("vis-network.min.js", "vis-network.css")


@cache
def _served_folder() -> Path:
    """index.html, our script and style, and pyvis's vis-network, in one folder."""
    sources = [(_HERE / name, name) for name in _OWN] + [(VIS_DIR / name, name) for name in _VIS]
    digest = hashlib.sha256(b"".join(src.read_bytes() for src, _ in sources)).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"bidgraph-graph-canvas-{digest}"
    if not (folder / "index.html").exists():
        staging = Path(tempfile.mkdtemp(prefix="bidgraph-graph-canvas-"))
        for src, name in sources:
            shutil.copyfile(src, staging / name)
        os.replace(staging / "graph_canvas.html", staging / "index.html")
        try:
            staging.rename(folder)
        except OSError:  # another process assembled it first: theirs is identical
            shutil.rmtree(staging, ignore_errors=True)
    return folder


_component = components.declare_component("graph_canvas", path=str(_served_folder()))


def graph_canvas(
    data: dict[str, Any], *, key: str, on_event: Callable[..., None], args: tuple[Any, ...] = ()
) -> dict[str, Any] | None:
    """Draw ``data`` (see graph_panel); ``on_event(*args)`` runs before the rerun that
    follows an action in the drawing, which is then in ``st.session_state[key]``."""
    # ``height`` sizes the frame before the page inside reports its own height
    height = int(data.get("height", 560)) + 130
    return _component(data=data, height=height, key=key, default=None, on_change=partial(on_event, *args))
