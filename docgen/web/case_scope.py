"""What a URL's case owns: every ``/cases/<reference>/…`` request resolves its case here, once.

A meeting, copy or visit named in a form or a path is acted on only when it belongs to the case in the URL
(anything else is 404, as if it did not exist), and a worker's request about a case that is not theirs is
audited whatever it asks for: the page, a document, a form or a change.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request

from docgen.ledger import MeetingRow
from docgen.web.access import owns_case
from docgen.web.models import valid_reference
from docgen.web.pages import account_of, audit, state_of

__all__ = ["CaseInUrl", "case_in_url"]

NOT_OWN = "not their own case"


@dataclass(frozen=True)
class CaseInUrl:
    """The case a URL names, its current meetings, and whether it is the signed-in account's own."""

    reference: str
    key_worker: str | None
    meetings: tuple[MeetingRow, ...]
    own: bool

    @property
    def label(self) -> str:
        """The reference as the audit log gives it: flagged when a worker acts on someone else's case."""
        return self.reference if self.own else f"{self.reference} ({NOT_OWN})"

    def meeting(self, meeting_id: object) -> MeetingRow:
        """The case's meeting with this id (as posted: text); a meeting of any other case, or none, is 404."""
        found = next((m for m in self.meetings if str(m.id) == str(meeting_id).strip()), None)
        if found is None:
            raise HTTPException(404, f"Case {self.reference} has no such meeting.")
        return found


def case_in_url(request: Request, action: str, what: str = "") -> CaseInUrl:
    """The case named by the URL's ``reference`` (404, audited, if there is none); a worker's request on another's case is audited.

    ``action`` and ``what`` say what the request is for ("download", the document's path): the audit entry a
    data protection officer reads. Called from a worker thread (it reads the ledger).
    """
    reference = str(request.path_params["reference"])
    rows = state_of(request).ledger.get().meetings(reference) if valid_reference(reference) else []
    if not rows:
        audit(request, action, f"{reference}: {what}"[:300] if what else reference[:300], outcome="not_found")
        raise HTTPException(404, f"There is no case {reference[:64]} in the ledger: check the reference.")
    key_worker = next((m.key_worker for m in reversed(rows) if m.key_worker), None)
    case = CaseInUrl(reference, key_worker, tuple(rows), owns_case(account_of(request), key_worker))
    if not case.own:
        audit(request, "other_case", f"{case.label}: {action}{' ' + what if what else ''}"[:300], outcome="flagged")
    return case
