"""Copies of the plan as deadlines: one ``copies_due`` per recipient, covering every document they are sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["RecipientCopies", "addressee", "copies_by_recipient"]


def addressee(row: Mapping[str, Any]) -> str:
    """The one person (or mailbox) a distribution row goes to, however many roles list them.

    Their email address where they have one (the key worker who is also a participant is one addressee), else their
    name and postal address: a person gets one message and one pack carrying every document addressed to them.
    """
    email = " ".join(str(row.get("email") or "").split()).lower()
    if email:
        return f"email {email}"
    name = " ".join(str(row.get("recipient") or "").split()).lower()
    return f"name {name} at {' '.join(str(row.get('address') or '').split()).lower()}"


@dataclass(frozen=True)
class RecipientCopies:
    """One recipient's copies deadline (the deadline the ledger stores) and the distribution rows it covers."""

    deadline: dict[str, Any]
    rows: list[Mapping[str, Any]]


def copies_by_recipient(distribution: Sequence[Mapping[str, Any]], copies_due: Mapping[str, Any]) -> list[RecipientCopies]:
    """Groups a manifest's distribution rows by recipient, due on the earliest of their dates.

    A row's own ``due`` wins over the meeting's ``copies_due`` date; a recipient with no date at all sets no
    deadline. A child's own copies name the child (``docgen due`` shows ``child`` where it applies).
    """
    by_recipient: dict[str, list[Mapping[str, Any]]] = {}
    for row in distribution:
        if isinstance(row.get("recipient"), str) and row["recipient"].strip():
            by_recipient.setdefault(str(row["recipient"]).strip(), []).append(row)
    found = []
    for recipient, rows in by_recipient.items():
        dates = [str(d) for d in (r.get("due") or copies_due.get("date") for r in rows) if d]
        if not dates:
            continue
        documents = ", ".join(dict.fromkeys(str(r.get("document") or "") for r in rows))
        own = {str(r["child"]) for r in rows if r.get("role") == "child" and r.get("child")}
        deadline = {
            "kind": "copies_due",
            "date": min(dates),
            "section": copies_due.get("section", ""),
            "description": f"Copies sent to {recipient} ({documents})",
            "recipient": recipient,
            "document": documents,
            "child": own.pop() if len(own) == 1 else None,
        }
        found.append(RecipientCopies(deadline, rows))
    return found
