"""The inbox service: forms dropped into ``inbox/`` become published plan packs under ``outbox/`` or reports in ``inbox/rejected/``.

``Service`` runs one root (lock, recovery, scan, claim, build, publish); ``docgen.service.watch.watch``
keeps it running on file-system events. Nothing is ever lost: see ``publish`` and ``recovery``.
"""

from __future__ import annotations

from docgen.root import Layout
from docgen.service.filters import Disposition, InboxFilter
from docgen.service.service import Service

__all__ = ["Disposition", "InboxFilter", "Layout", "Service"]
