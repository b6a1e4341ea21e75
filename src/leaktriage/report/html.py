"""The HTML report: one self-contained file (no network at view time), masked values only.

This first version shows the verdict, its reasons, attribution, snapshot window, claims and
the evidence figures as tables. The triage document holds no identifier values, so nothing can
be unmasked here by construction.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["render_html", "write_html"]

_env = Environment(
    loader=PackageLoader("leaktriage.report", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


_env.filters["pct"] = _pct


def render_html(result: dict[str, Any]) -> str:
    """The report as an HTML string."""
    return _env.get_template("report.html.j2").render(r=result)


def write_html(result: dict[str, Any], path: Path) -> None:
    """Write the report atomically: a complete file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".lt-", suffix=".html", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render_html(result))
    os.replace(tmp, path)
