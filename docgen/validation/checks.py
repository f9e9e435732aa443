"""The register of checks: each cross-field check under the name a profile's rule uses to switch it on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from docgen.profile_check import CHECK_PARAMS
from docgen.profiles import Profile
from docgen.record import Record

__all__ = ["CHECKS", "Check", "Finding", "check"]

Finding = tuple[str, dict[str, Any]]
Check = Callable[[Record, Profile, dict[str, Any]], Iterator[Finding]]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Registers a check under the name profiles use; the name and its ``params`` are listed in ``CHECK_PARAMS``."""
    if name not in CHECK_PARAMS:
        raise ValueError(f"check {name!r} is not listed in docgen.profile_check.CHECK_PARAMS: add it there with the params it needs")

    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register
