"""The staff web app (``docgen serve``): what is due, each case's history, rejected forms, uploads and the report, for signed-in staff."""

from __future__ import annotations

from docgen.web.app import create_app

__all__ = ["create_app"]
