"""The plan pack: each child's plan, words-and-pictures plans, the meeting record, distribution list, calendar, PDFs."""

from __future__ import annotations

from docgen.render.check import check_templates
from docgen.render.documents import TEMPLATE_DIR
from docgen.render.manifest_file import build_manifest, write_manifest
from docgen.render.pack import build_pack

__all__ = ["TEMPLATE_DIR", "build_manifest", "build_pack", "check_templates", "write_manifest"]
