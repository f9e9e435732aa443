"""The audit log, as the web app knows it: the one ``docgen.audit`` keeps for every door (pages and commands alike)."""

from __future__ import annotations

from docgen.audit import AUDIT_PATH, ROTATE_BYTES, AuditLog

__all__ = ["AUDIT_PATH", "ROTATE_BYTES", "AuditLog"]
