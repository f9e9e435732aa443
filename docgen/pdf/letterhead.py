"""The council's letterhead for cover letters: the ``letterhead`` of its profile (or of a profile it extends).

A profile may say::

    "letterhead": {"council": "South Gloucestershire Council", "department": "Children's Services",
                   "address": ["PO Box 1953", "Bristol", "BS37 0DB"], "phone": "01454 866000",
                   "email": "cin@council.example"}

A profile without one gets a plain heading from its title.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.profiles import PROFILE_DIR, Profile, profile_files

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


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _profile_data(profile_id: str, folders: list[Path]) -> dict[str, Any] | None:
    for folder in folders:
        path = folder / f"{profile_id}.json"
        if path.is_file():
            return _read(path)
    return None


def letterhead_for(profile: Profile, root: Path | None = None) -> Letterhead:
    """The profile's letterhead, looking up its ``extends`` chain: the council's own profiles where ``load_profile`` finds
    them, or those in ``root/profiles`` when ``root`` is given."""
    folders = ([Path(root) / "profiles"] if root else []) + [PROFILE_DIR]
    files = {} if root else profile_files()
    for profile_id in profile.lineage:
        data = _read(files[profile_id]) if profile_id in files else _profile_data(profile_id, folders) or {}
        head = data.get("letterhead")
        if isinstance(head, dict) and head.get("council"):
            return Letterhead(
                council=str(head["council"]),
                department=str(head.get("department", "")),
                address=tuple(str(line) for line in head.get("address", [])),
                phone=str(head.get("phone", "")),
                email=str(head.get("email", "")),
            )
    return Letterhead(council="Children's Services", department=profile.title)
