"""The canonical record's JSON Schema: loading it, and the catalogue of fields that forms and reports use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from docgen.paths import data_dir

__all__ = [
    "SCHEMA_DIR",
    "Field",
    "Group",
    "base_schema",
    "field",
    "fields",
    "groups",
    "schema_version",
    "title_of",
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
    for name, spec in schema["properties"].items():
        if spec.get("type") == "object":
            inner_required = set(spec.get("required", ()))
            for leaf, leaf_spec in spec["properties"].items():
                yield _leaf(f"{name}.{leaf}", leaf_spec, name in top_required and leaf in inner_required, None, name)
        elif spec.get("type") == "array":
            items = spec["items"]
            inner_required = set(items.get("required", ()))
            yield Group(
                name=name,
                title=spec.get("title", name),
                description=spec.get("description", ""),
                required=name in top_required,
                min_items=spec.get("minItems", 0),
                fields=tuple(
                    _leaf(f"{name}.{leaf}", leaf_spec, leaf in inner_required, name, None)
                    for leaf, leaf_spec in items["properties"].items()
                ),
            )
        else:
            yield _leaf(name, spec, name in top_required, None, None)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[tuple[Field, ...], tuple[Group, ...]]:
    singles: list[Field] = []
    repeating: list[Group] = []
    for item in _walk(base_schema()):
        (repeating if isinstance(item, Group) else singles).append(item)  # type: ignore[arg-type]
    return tuple(singles), tuple(repeating)


def fields() -> tuple[Field, ...]:
    """Every single (non-repeating) field, in form order."""
    return _catalogue()[0]


def groups() -> tuple[Group, ...]:
    """Every repeating group, in form order."""
    return _catalogue()[1]


@cache
def field(path: str) -> Field | None:
    """The field at ``path`` (``meeting.date`` or ``children.first_name``); indices are ignored."""
    plain = _strip_indices(path)
    for candidate in fields():
        if candidate.path == plain:
            return candidate
    for group in groups():
        for candidate in group.fields:
            if candidate.path == plain:
                return candidate
    return None


def title_of(path: str) -> str:
    """The words a form shows for ``path``; falls back to the path itself."""
    plain = _strip_indices(path)
    found = field(plain)
    if found:
        return found.title
    for group in groups():
        if group.name == plain:
            return group.title
    spec = base_schema()["properties"].get(plain)
    return str(spec.get("title", plain)) if spec else plain


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
