"""Council profiles: a schema overlay, timescales and rule settings, read from ``schemas/profiles/*.json``.

A profile may ``extend`` another. The child's timescales and rules replace the parent's key by key
(a rule set to ``null`` is switched off); its schema overlay is applied on top of the parent's.
Adding a council is adding a JSON file: no code changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError
from docgen.schema import SCHEMA_DIR

__all__ = ["DEFAULT_PROFILE", "PROFILE_DIR", "Profile", "RuleSpec", "available_profiles", "load_profile"]

PROFILE_DIR = SCHEMA_DIR / "profiles"
DEFAULT_PROFILE = "standard"


@dataclass(frozen=True)
class RuleSpec:
    """One rule as a profile states it: which check, how severe, which section, what to say."""

    id: str
    check: str
    severity: str  # "error" or "warning"
    section: str
    message: str
    fix: str
    cite: str  # "procedure 2.3" / "South Gloucestershire guidance, ..." — filled from the defining profile
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # identity hash: profiles are loaded once and cached
class Profile:
    """A council's procedure as data."""

    id: str
    title: str
    source: str
    lineage: tuple[str, ...]  # this profile first, then what it extends
    schema_overlays: tuple[dict[str, Any], ...]
    schema_rules: dict[str, dict[str, Any]]
    timescales: dict[str, Any]
    rules: tuple[RuleSpec, ...]

    def timescale(self, name: str) -> Any:
        """A timescale setting by name (``record_due``, ``review_interval``...); None where the profile has none."""
        return self.timescales.get(name)


def available_profiles(directory: Path = PROFILE_DIR) -> list[str]:
    """The ids of every profile on disk, sorted."""
    return sorted(p.stem for p in directory.glob("*.json"))


def _read(profile_id: str, directory: Path) -> dict[str, Any]:
    path = directory / f"{profile_id}.json"
    if not path.is_file():
        known = ", ".join(available_profiles(directory)) or "none"
        raise ConfigError(f"There is no council profile called {profile_id!r}: use one of {known}.")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"The profile file {path.name} is not valid JSON (line {exc.lineno}): correct it.") from exc
    if data.get("id") != profile_id:
        raise ConfigError(f"The profile file {path.name} says its id is {data.get('id')!r}: it must be {profile_id!r}.")
    return data


_REQUIRED_RULE_KEYS = ("check", "severity", "section", "message", "fix")


def _cited(spec: Any, cite: str) -> Any:
    """A timescale with ``cite`` filled in from its own ``section``, as its defining profile cites."""
    if isinstance(spec, list):
        return [_cited(item, cite) for item in spec]
    if isinstance(spec, dict) and "section" in spec:
        return {**spec, "cite": cite.format(section=spec["section"])}
    return spec


def load_profile(profile_id: str | None = None, directory: Path = PROFILE_DIR) -> Profile:
    """The profile ``profile_id`` (default ``standard``) with everything it extends merged in."""
    return _load(profile_id or DEFAULT_PROFILE, directory)


@lru_cache(maxsize=32)
def _load(profile_id: str, directory: Path) -> Profile:
    chain: list[dict[str, Any]] = []
    current: str | None = profile_id
    while current:
        if current in (d["id"] for d in chain):
            raise ConfigError(f"The profile {profile_id!r} extends itself through {current!r}: break the loop.")
        data = _read(current, directory)
        chain.append(data)
        current = data.get("extends")

    timescales: dict[str, Any] = {}
    rules: dict[str, RuleSpec | None] = {}
    schema_rules: dict[str, dict[str, Any]] = {}
    for data in reversed(chain):  # the base first, so children override
        cite = data.get("cite", "{section}")
        for name, spec in data.get("timescales", {}).items():
            timescales[name] = _cited(spec, cite)
        for path, spec in data.get("schema_rules", {}).items():
            schema_rules[path] = {**spec, "cite": cite.format(section=spec["section"])}
        for rule_id, spec in data.get("rules", {}).items():
            if spec is None:
                rules[rule_id] = None
                continue
            missing = [k for k in _REQUIRED_RULE_KEYS if k not in spec]
            if missing:
                raise ConfigError(f"Rule {rule_id} in profile {data['id']!r} lacks {', '.join(missing)}: add them.")
            if spec["severity"] not in ("error", "warning"):
                raise ConfigError(f"Rule {rule_id} in profile {data['id']!r} has severity {spec['severity']!r}: use error or warning.")
            rules[rule_id] = RuleSpec(
                id=rule_id,
                check=spec["check"],
                severity=spec["severity"],
                section=spec["section"],
                message=spec["message"],
                fix=spec["fix"],
                cite=cite.format(section=spec["section"]),
                params=dict(spec.get("params", {})),
            )
    top = chain[0]
    return Profile(
        id=top["id"],
        title=top.get("title", top["id"]),
        source=top.get("source", ""),
        lineage=tuple(d["id"] for d in chain),
        schema_overlays=tuple(d["schema"] for d in reversed(chain) if d.get("schema")),
        schema_rules=schema_rules,
        timescales=timescales,
        rules=tuple(r for r in rules.values() if r is not None),
    )
