"""Council profiles: a schema overlay, timescales and rule settings, read from JSON files.

A council's own profiles live in ``<root>/profiles/`` and are found before the shipped ones in
``schemas/profiles/``; an id in both places is a settings error. A profile may ``extend`` another:
the child's timescales and rules replace the parent's key by key (a rule set to ``null`` is switched
off); its schema overlay is laid on top of the parent's. Every file is checked against
``schemas/profile.schema.json`` as it is loaded (``docgen.profile_check``). Adding a council is
adding a JSON file: no code changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, ProfileMistakes
from docgen.profile_check import check_chain, shown_path
from docgen.schema import SCHEMA_DIR, Catalogue, catalogue_of, merged_schema

__all__ = [
    "COUNCIL_FOLDER",
    "DEFAULT_PROFILE",
    "PROFILE_DIR",
    "Profile",
    "Profiles",
    "RuleSpec",
    "council_folder",
    "declared_id",
    "profiles_in",
    "read_profile_file",
    "shipped",
    "shipped_profiles",
    "shown_path",
]

PROFILE_DIR = SCHEMA_DIR / "profiles"  # the shipped profiles
COUNCIL_FOLDER = "profiles"  # a root's own profiles: <root>/profiles/
DEFAULT_PROFILE = "standard"


@dataclass(frozen=True)
class RuleSpec:
    """One rule as a profile states it: which check, how severe, which section, what to say, and when."""

    id: str
    check: str
    severity: str  # "error" or "warning"
    section: str
    message: str
    fix: str
    cite: str  # "procedure 2.3" / "South Gloucestershire guidance, ..." — filled from the defining profile
    params: dict[str, Any] = field(default_factory=dict)
    when: dict[str, Any] = field(default_factory=dict)  # the rule applies only where these fields have these answers


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
    path: Path | None = None  # the file it was read from
    glossary: dict[str, dict[str, str]] = field(default_factory=dict)  # term → {plain, child}: procedure 2.4
    council: str = ""  # the council's name on its letterhead, where a profile in its lineage gives one
    letterhead: dict[str, Any] = field(default_factory=dict)  # the nearest ``letterhead`` in its lineage naming a council

    def timescale(self, name: str) -> Any:
        """A timescale setting by name (``record_due``, ``review_interval``...); None where the profile has none."""
        return self.timescales.get(name)

    @property
    def catalogue(self) -> Catalogue:
        """The record's fields as this council's forms have them: the base schema with this profile's overlays."""
        return _catalogue(self)


@lru_cache(maxsize=64)
def _catalogue(profile: Profile) -> Catalogue:
    return catalogue_of(merged_schema(profile.schema_overlays))


# ---------------------------------------------------------------- the profiles one root can use


class Profiles:
    """The council profiles one root can use: its own (``<root>/profiles/``) first, then the shipped ones.

    Built per root and passed to whatever needs a profile; what it loads it keeps, so a profile is
    read and checked once. ``profiles_in(root)`` gives the same registry again while the council's
    files are unchanged.
    """

    def __init__(self, council: Path | None) -> None:
        self.council = council  # the folder of the council's own profiles; None: the shipped ones only
        self._found: tuple[dict[str, Path], ConfigError | None] | None = None
        self._loaded: dict[str, Profile] = {}
        self._reading: Catalogue | None = None

    def __repr__(self) -> str:
        return f"Profiles({self.council})"

    def __reduce__(self) -> tuple[Any, tuple[Path | None]]:
        return (Profiles, (self.council,))  # what crosses to a worker process is the folder; it loads afresh

    def files(self) -> dict[str, Path]:
        """Every profile id and its file: the council's own first, then the shipped ones; an id in both is refused."""
        found, clash = self._files()
        if clash is not None:
            raise clash
        return found

    def _files(self) -> tuple[dict[str, Path], ConfigError | None]:
        if self._found is None:
            self._found = _files_in((self.council, PROFILE_DIR) if self.council is not None else (PROFILE_DIR,))
        return self._found

    def available(self) -> list[str]:
        """The ids of every profile there is, sorted (for lists and help text: a clash is refused when profiles are loaded)."""
        return sorted(self._files()[0])

    def load(self, profile_id: str | None = None) -> Profile:
        """The profile ``profile_id`` (default ``standard``) with everything it extends merged in, checked."""
        profile_id = profile_id or DEFAULT_PROFILE
        if profile_id not in self._loaded:
            files = self.files()
            if profile_id not in files:
                known = ", ".join(sorted(files)) or "none"
                raise ConfigError(f"There is no council profile called {profile_id!r}: use one of {known}.")
            self._loaded[profile_id] = _checked(files[profile_id], read_profile_file(files[profile_id]), files)
        return self._loaded[profile_id]

    def check_file(self, path: Path) -> Profile:
        """Checks a profile file before it goes live (it may extend any profile there is); its mistakes raise ``ConfigError``."""
        path = Path(path)
        files = dict(self.files())
        profile_id = declared_id(path)
        live = files.get(profile_id)
        if live is not None and live.parent == PROFILE_DIR and live.resolve() != path.resolve():
            raise _clash(profile_id, live, path)
        files[profile_id] = path  # a new version of a live profile is checked in its place
        return _checked(path, read_profile_file(path), files)

    def check_every(self) -> list[Profile]:
        """Loads every profile there is, so that a broken one stops a command before any form is read."""
        lines: list[str] = []
        loaded: list[Profile] = []
        for profile_id in sorted(self.files()):
            try:
                loaded.append(self.load(profile_id))
            except ProfileMistakes as exc:
                lines += [line for line in exc.lines if line not in lines]
        if lines:
            raise ProfileMistakes(lines)
        return loaded

    def reading_catalogue(self) -> Catalogue:
        """What forms are read against: the base schema with the fields every one of these profiles adds.

        A form names its council only inside itself, so reading cannot wait for the profile: every
        profile's fields are readable, and validation then holds the record to its own profile.
        """
        if self._reading is None:
            overlays = [o for pid in self.available() for o in self.load(pid).schema_overlays]
            self._reading = _reading_catalogue(tuple(json.dumps(o, sort_keys=True) for o in overlays))
        return self._reading


@lru_cache(maxsize=8)
def _reading_catalogue(overlays: tuple[str, ...]) -> Catalogue:
    return catalogue_of(merged_schema(tuple(json.loads(o) for o in overlays)))


def council_folder(root: Path) -> Path:
    """The folder holding a root's own council profiles."""
    return Path(root).absolute() / COUNCIL_FOLDER


def profiles_in(root: Path | None) -> Profiles:
    """The profiles ``root`` can use (None: the shipped ones only); the same registry while the council's files are unchanged."""
    if root is None:
        return _registry(None, ())
    council = council_folder(root)
    return _registry(council, _fingerprint(council))


def shipped() -> Profiles:
    """The profiles docgen ships, with no council's own."""
    return _registry(None, ())


def _fingerprint(council: Path) -> tuple[tuple[str, int, int], ...]:
    """What the council's profile files are now: a changed, added or removed file gives another registry."""
    try:
        found = sorted(council.glob("*.json")) if council.is_dir() else []
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in found)
    except OSError:
        return ()


@lru_cache(maxsize=16)
def _registry(council: Path | None, _files: tuple[tuple[str, int, int], ...]) -> Profiles:
    return Profiles(council)


def _files_in(folders: tuple[Path, ...]) -> tuple[dict[str, Path], ConfigError | None]:
    found: dict[str, Path] = {}
    clash: ConfigError | None = None
    for folder in folders:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            profile_id = declared_id(path)
            if profile_id in found:
                clash = clash or _clash(profile_id, found[profile_id], path)
                continue
            found[profile_id] = path
    return found, clash


def declared_id(path: Path) -> str:
    """The id a profile file gives itself; its file name where it gives none it can be read by."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return path.stem  # loading it says what is wrong with it
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else path.stem


def _clash(profile_id: str, first: Path, second: Path) -> ConfigError:
    return ConfigError(
        f"Two council profiles have the id {profile_id!r}: {shown_path(first)} and {shown_path(second)}. "
        "Give the council's file another name and id (it may extend the shipped one instead)."
    )


def shipped_profiles() -> list[str]:
    """The ids of the profiles docgen ships (what help text can list before any folder is chosen), sorted."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.json"))


def read_profile_file(path: Path) -> Any:
    """A profile file's JSON; a file that is not JSON is a settings error naming it and the line."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The council profile {shown_path(path)} cannot be read ({exc}): save it as UTF-8 text.") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"The council profile {shown_path(path)} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): correct it."
        ) from exc


def _checked(path: Path, data: Any, files: dict[str, Path]) -> Profile:
    chain: list[tuple[Path, Any]] = [(path, data)]
    while isinstance(chain[-1][1], dict):
        parent = chain[-1][1].get("extends")
        if not isinstance(parent, str) or parent not in files:
            break
        if parent in (d.get("id") for _, d in chain) or files[parent] in (p for p, _ in chain):
            raise ConfigError(f"The council profile {shown_path(path)} extends itself through {parent!r}: break the loop.")
        chain.append((files[parent], read_profile_file(files[parent])))
    check_chain(chain, files)  # every mistake in every file, at once, before anything is merged
    return _merged([d for _, d in chain], path)


def _merged(chain: list[dict[str, Any]], path: Path) -> Profile:
    timescales: dict[str, Any] = {}
    rules: dict[str, RuleSpec | None] = {}
    schema_rules: dict[str, dict[str, Any]] = {}
    glossary: dict[str, dict[str, str]] = {}
    for data in reversed(chain):  # the base first, so children override
        for term, entry in _entries(data.get("glossary", {})):
            _define(glossary, term, entry)
        cite = data.get("cite", "{section}")
        for name, spec in _entries(data.get("timescales", {})):
            timescales[name] = _cited(spec, cite)
        for key, spec in _entries(data.get("schema_rules", {})):
            schema_rules[key] = {**spec, "cite": cite.format(section=spec["section"])}
        for rule_id, spec in _entries(data.get("rules", {})):
            rules[rule_id] = None if spec is None else _rule(rule_id, spec, cite)
    top = chain[0]
    letterhead = next(
        (dict(d["letterhead"]) for d in chain if isinstance(d.get("letterhead"), dict) and d["letterhead"].get("council")), {}
    )
    return Profile(
        id=top["id"],
        title=top.get("title", top["id"]),
        source=top.get("source", ""),
        lineage=tuple(d["id"] for d in chain),
        schema_overlays=tuple(d["schema"] for d in reversed(chain) if d.get("schema")),
        schema_rules=schema_rules,
        timescales=timescales,
        rules=tuple(r for r in rules.values() if r is not None),
        path=path,
        glossary=glossary,
        council=str(letterhead.get("council", "")),
        letterhead=letterhead,
    )


def _define(glossary: dict[str, dict[str, str]], term: str, entry: dict[str, str]) -> None:
    """Puts a term's entry in the glossary, replacing the inherited entry whole (``Core group`` replaces ``core group``)."""
    for known in [k for k in glossary if k.casefold() == term.casefold()]:
        del glossary[known]
    glossary[term] = {"plain": entry["plain"], "child": entry["child"]}


def _entries(table: dict[str, Any]) -> list[tuple[str, Any]]:
    """A profile table's entries without its ``$comment`` notes."""
    return [(key, value) for key, value in table.items() if not key.startswith("$")]


def _rule(rule_id: str, spec: dict[str, Any], cite: str) -> RuleSpec:
    return RuleSpec(
        id=rule_id,
        check=spec["check"],
        severity=spec["severity"],
        section=spec["section"],
        message=spec["message"],
        fix=spec["fix"],
        cite=cite.format(section=spec["section"]),
        params=dict(spec.get("params", {})),
        when=dict(spec.get("when", {})),
    )


def _cited(spec: Any, cite: str) -> Any:
    """A timescale with ``cite`` filled in from its own ``section``, as its defining profile cites."""
    if isinstance(spec, list):
        return [_cited(item, cite) for item in spec]
    if isinstance(spec, dict) and "section" in spec:
        return {**spec, "cite": cite.format(section=spec["section"])}
    return spec
