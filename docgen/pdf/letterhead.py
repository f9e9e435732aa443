"""The council's letterhead for cover letters: the ``letterhead`` of its profile (or of a profile it extends).

A profile may say::

    "letterhead": {"council": "South Gloucestershire Council", "department": "Children's Services",
                   "address": ["PO Box 1953", "Bristol", "BS37 0DB"], "phone": "01454 866000",
                   "email": "cin@council.example"}

A profile without one gets a plain heading from its title.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.profiles import Profile

__all__ = ["Letterhead", "letterhead_for"]


@dataclass(frozen=True)
class Letterhead:
    """What heads a cover letter: who sends it and how to reach them."""

    council: str
    department: str = ""
    address: tuple[str, ...] = field(default_factory=tuple)
    phone: str = ""
    email: str = ""

    def lines(self) -> list[str]:
        """The return-address block, top to bottom."""
        contact = [f"Telephone {self.phone}" if self.phone else "", self.email]
        return [line for line in (self.department, *self.address, *contact) if line]


def letterhead_for(profile: Profile) -> Letterhead:
    """The profile's letterhead, or that of the nearest profile it extends that has one; else a plain heading from its title."""
    head = profile.letterhead
    if head.get("council"):
        return Letterhead(
            council=str(head["council"]),
            department=str(head.get("department", "")),
            address=tuple(str(line) for line in head.get("address", [])),
            phone=str(head.get("phone", "")),
            email=str(head.get("email", "")),
        )
    return Letterhead(council="Children's Services", department=profile.title)
