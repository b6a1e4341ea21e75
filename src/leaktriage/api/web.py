"""The web UI for the incident team (placeholder: pages come next)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

if TYPE_CHECKING:
    from leaktriage.api.service import Service

__all__ = ["error_page", "install_web"]


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a small HTML page."""
    from markupsafe import escape

    return HTMLResponse(f"<h1>{status}</h1><p>{escape(message)}</p>", status_code=status)


def install_web(app: FastAPI, service: Service) -> None:
    """Add the UI's routes to ``app``."""
