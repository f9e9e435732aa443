"""The canonical record's JSON Schema: loading it, merging overlays, and the catalogue of its fields (it knows nothing of profiles)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from docgen.paths import data_dir

__all__ = [
    "SCHEMA_DIR",
    "Catalogue",
    "Field",
    "Group",
    "base_schema",
    "catalogue_of",
    "merged_schema",
    "schema_version",
]

SCHEMA_DIR = data_dir("schemas")
BASE_SCHEMA_FILE = SCHEMA_DIR / "cin-record.schema.json"


@dataclass(frozen=True)
class Field:
    """One leaf field: ``meeting.date``, or ``children.first_name`` inside a repeating group."""

    path: str
    title: str
    description: str
    type: str  # "string", "date", "integer", "boolean", "enum"
    required: bool
    group: str | None = None  # the repeating group ("children") this field belongs to
    section: str | None = None  # the object ("meeting") a single field sits in, None at top level
    enum: tuple[str, ...] = ()
    enum_titles: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    aliases: tuple[str, ...] = ()  # other labels forms commonly print for it ("DOB"), from ``x-aliases``

    @property
    def name(self) -> str:
        """The last part of the path (``first_name``)."""
        return self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Group:
    """A repeating group (an array of objects): ``children``, ``participants``..."""

    name: str
    title: str
    description: str
    required: bool
    min_items: int
    fields: tuple[Field, ...]


@lru_cache(maxsize=1)
def base_schema() -> dict[str, Any]:
    """The base JSON Schema (draft 2020-12) for the canonical record."""
    loaded: dict[str, Any] = json.loads(BASE_SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def schema_version() -> str:
    """The schema's version; blank forms carry it as ``form_version``."""
    return str(base_schema()["x-schema-version"])


def _leaf(path: str, spec: dict[str, Any], required: bool, group: str | None, section: str | None) -> Field:
    kind = spec.get("type", "string")
    if kind == "string" and spec.get("format") == "date":
        kind = "date"
    if "enum" in spec:
        kind = "enum"
    titles = spec.get("x-enum-titles", {})
    values = tuple(spec.get("enum", ()))
    return Field(
        path=path,
        title=spec.get("title", path),
        description=spec.get("description", ""),
        type=kind,
        required=required,
        group=group,
        section=section,
        enum=values,
        enum_titles=tuple(titles.get(v, v) for v in values),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        aliases=tuple(spec.get("x-aliases", ())),
    )


def _walk(schema: dict[str, Any]) -> Iterator[Field | Group]:
    top_required = set(schema.get("required", ()))
    for name, spec in _properties(schema):
        if spec.get("type") == "object":
            inner_required = set(spec.get("required", ()))
            for leaf, leaf_spec in _properties(spec):
                yield _leaf(f"{name}.{leaf}", leaf_spec, name in top_required and leaf in inner_required, None, name)
        elif spec.get("type") == "array":
            items: dict[str, Any] = spec["items"] if isinstance(spec.get("items"), dict) else {}
            inner_required = set(items.get("required", ()))
            yield Group(
                name=name,
                title=spec.get("title", name),
                description=spec.get("description", ""),
                required=name in top_required,
                min_items=spec.get("minItems", 0),
                fields=tuple(
                    _leaf(f"{name}.{leaf}", leaf_spec, leaf in inner_required, name, None) for leaf, leaf_spec in _properties(items)
                ),
            )
        else:
            yield _leaf(name, spec, name in top_required, None, None)


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """An object schema's properties that are themselves schemas (a profile's overlay may say less than the base)."""
    found = schema.get("properties", {})
    return [(name, spec) for name, spec in found.items() if isinstance(spec, dict)] if isinstance(found, dict) else []


@dataclass(frozen=True, eq=False)  # identity hash: one per schema, cached
class Catalogue:
    """Every field and repeating group of one record schema (the base, or the base with profile overlays)."""

    schema: dict[str, Any]
    fields: tuple[Field, ...]
    groups: tuple[Group, ...]

    def field(self, path: str) -> Field | None:
        """The field at ``path`` (``meeting.date`` or ``children.first_name``); indices are ignored."""
        return self._by_path().get(_strip_indices(path))

    def title_of(self, path: str) -> str:
        """The words a form shows for ``path``; falls back to the path itself."""
        plain = _strip_indices(path)
        found = self.field(plain)
        if found:
            return found.title
        for group in self.groups:
            if group.name == plain:
                return group.title
        spec = self.schema["properties"].get(plain)
        return str(spec.get("title", plain)) if spec else plain

    def paths(self) -> frozenset[str]:
        """Every path a profile may name: each field, each group and each section (``case``)."""
        return frozenset(self._by_path()) | {g.name for g in self.groups} | set(self.schema["properties"])

    @cache  # noqa: B019 - catalogues live as long as the process, by design
    def _by_path(self) -> dict[str, Field]:
        found = {f.path: f for f in self.fields}
        for group in self.groups:
            found.update((f.path, f) for f in group.fields)
        return found


def catalogue_of(schema: dict[str, Any]) -> Catalogue:
    """The fields and groups of ``schema``, in form order."""
    singles: list[Field] = []
    repeating: list[Group] = []
    for item in _walk(schema):
        (repeating if isinstance(item, Group) else singles).append(item)  # type: ignore[arg-type]
    return Catalogue(schema, tuple(singles), tuple(repeating))


def merged_schema(overlays: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The base schema with profile overlays laid on top: their fields added, their ``required`` lists joined."""
    merged = copy.deepcopy(base_schema())
    for overlay in overlays:
        _lay(merged, overlay)
    return merged


def _lay(target: dict[str, Any], overlay: dict[str, Any]) -> None:
    for key, value in overlay.items():
        if key == "required" and isinstance(value, list):
            target[key] = [*target.get(key, []), *(v for v in value if v not in target.get(key, []))]
        elif key in ("properties", "items") and isinstance(value, dict) and isinstance(target.get(key), dict):
            if key == "items":
                _lay(target[key], value)
                continue
            for name, spec in value.items():
                if isinstance(target[key].get(name), dict) and isinstance(spec, dict):
                    _lay(target[key][name], spec)
                else:
                    target[key][name] = copy.deepcopy(spec)
        else:
            target[key] = copy.deepcopy(value)


def _strip_indices(path: str) -> str:
    out = []
    depth = 0
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)
