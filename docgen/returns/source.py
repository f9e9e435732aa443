"""What the returns are made from: every child plan and every recorded visit the root's ledger holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.details import fill_in_records
from docgen.ledger.models import Visit
from docgen.ledger.plan_facts import meetings_with_plan_facts
from docgen.ledger.store import Ledger
from docgen.returns.plans import ChildPlan, plans_of

__all__ = ["Known", "known_at"]


@dataclass(frozen=True)
class Known:
    """The plans (from the published meetings' records) and the visits a root's ledger holds."""

    plans: list[ChildPlan]
    visits: list[Visit]


def known_at(root: Path) -> Known:
    """Reads the root's ledger; a root where nothing was ever published knows no plan."""
    if not (Path(root) / LEDGER_PATH).is_file():
        return Known([], [])
    with Ledger.open(root) as ledger:
        meetings = list(meetings_with_plan_facts(ledger))
        unkept = sorted({row.case_reference for row, record in meetings if record is None})
        for case_reference in unkept:  # published before the ledger kept records: read from their source forms
            fill_in_records(root, ledger, case_reference)
        if unkept:
            meetings = list(meetings_with_plan_facts(ledger))
        return Known(list(plans_of(meetings)), ledger.visits())
