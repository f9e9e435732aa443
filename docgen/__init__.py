"""docgen: Child in Need plans, meeting records, distribution lists and deadlines from completed meeting forms."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from docgen.errors import DocgenError

if TYPE_CHECKING:
    from docgen.profiles import Profile, Profiles, profiles_in
    from docgen.validation import Problem, Report, validate_record

__all__ = ["DocgenError", "Problem", "Profile", "Profiles", "Report", "profiles_in", "validate_record"]

#: imported on first use, so a command that never validates (``docgen case``, ``docgen due``) starts without them
_LAZY = {
    "Problem": "docgen.validation",
    "Report": "docgen.validation",
    "validate_record": "docgen.validation",
    "Profile": "docgen.profiles",
    "Profiles": "docgen.profiles",
    "profiles_in": "docgen.profiles",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'docgen' has no attribute {name!r}")
