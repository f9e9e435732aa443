"""The kinds of deadline, and the words each is shown in: ``docgen due``, the web app, the calendar and the plan."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = ["KIND_WORDS", "DeadlineKind", "KindWords", "kind_words"]


class DeadlineKind(StrEnum):
    """What a deadline asks for, in the procedure's words (the ``kind`` of ``docgen due``)."""

    RECORD_DUE = "record_due"
    COPIES_DUE = "copies_due"
    NEXT_REVIEW = "next_review"
    VISIT = "visit"
    PRINCIPAL_MANAGER_REVIEW = "principal_manager_review"
    DIVISIONAL_MANAGER_REVIEW = "divisional_manager_review"
    SAFEGUARDING = "safeguarding"


class KindWords(NamedTuple):
    """One kind's words: in ``docgen due``'s table, on the web app's pages, as a calendar event and in the plan's list.

    ``None`` where that place never shows the kind: its ``kind`` name is shown as it is.
    """

    short: str
    page: str
    calendar: str | None
    plan: str | None


KIND_WORDS: dict[DeadlineKind, KindWords] = {
    DeadlineKind.RECORD_DUE: KindWords(
        "Record", "Record of meeting", "Record of Planning Meeting and plans due", "Record of the meeting and plans completed"
    ),
    DeadlineKind.COPIES_DUE: KindWords(
        "Copy to", "Copy of the plan", "Copies of the plan due to the family and participants", "Copies of the plan sent out"
    ),
    DeadlineKind.NEXT_REVIEW: KindWords("Review", "Review meeting", "Child in Need review meeting", "Next review meeting"),
    DeadlineKind.VISIT: KindWords("Visit", "Statutory visit", "Statutory visit due", "Visit from the key worker"),
    DeadlineKind.PRINCIPAL_MANAGER_REVIEW: KindWords(
        "PM review", "Principal manager review", "Principal Manager review due", "Principal Manager review"
    ),
    DeadlineKind.DIVISIONAL_MANAGER_REVIEW: KindWords("DM review", "Divisional manager review", None, None),
    DeadlineKind.SAFEGUARDING: KindWords(
        "Safeguarding", "Safeguarding", "Safeguarding Procedures: start actions", "Safeguarding Procedures started"
    ),
}


def kind_words(kind: str, where: str) -> str:
    """``kind``'s words for ``where`` (``short``, ``page``, ``calendar`` or ``plan``); an unknown kind as it is."""
    words = KIND_WORDS.get(kind)  # type: ignore[call-overload]  # a StrEnum key is found by its text
    chosen = getattr(words, where) if words is not None else None
    return chosen if isinstance(chosen, str) else kind
