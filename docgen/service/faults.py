"""Fault injection for the crash tests: ``DOCGEN_FAULT=<stage>`` kills the process outright at that stage."""

from __future__ import annotations

import os
import signal

__all__ = ["FAULT_ENV", "STAGES", "crash_point"]

FAULT_ENV = "DOCGEN_FAULT"

#: every point at which a crash must lose nothing, in the order a form passes them
STAGES = (
    "after-claim",
    "after-build",
    "after-move-source",
    "after-supersede",
    "after-publish",
    "before-manifest",
    "after-manifest",
    "before-ledger",
    "after-ledger",
    "after-reports",
    "after-reject",
)


def crash_point(stage: str) -> None:
    """Dies by SIGKILL (no clean-up, no finally blocks) when ``DOCGEN_FAULT`` names ``stage``."""
    if os.environ.get(FAULT_ENV) == stage:
        os.kill(os.getpid(), signal.SIGKILL)
