"""Checking council profiles against ``schemas/profile.schema.json`` and the record's fields: every mistake at once.

Each mistake is one line, ``<file>: <key path>: <what was expected>``, so a systems officer can find
and correct it without reading code. ``check_chain`` raises one ``ProfileMistakes`` holding them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, SchemaError, ValidationError

from docgen.errors import ProfileMistakes
from docgen.paths import data_file
from docgen.schema import Catalogue, catalogue_of, merged_schema

__all__ = ["CHECK_PARAMS", "PROFILE_SCHEMA_FILE", "check_chain", "known_checks", "profile_schema", "shown_path"]

#: every check a profile's rule may name, with the ``params`` it cannot do without (the checks register
#: under these names in ``docgen.validation``; a profile naming another check, or leaving a param out, is refused)
CHECK_PARAMS: dict[str, tuple[str, ...]] = {
    "absence_reason": (),
    "absent_contribution": (),
    "absent_views": (),
    "action_objective_exists": (),
    "agreed_review_within": ("months",),
    "assessment_triangle": (),
    "attendance_recorded": (),
    "carried_dates": (),
    "chair_role_not": (),
    "child_considerations": (),
    "child_has_objective": (),
    "closure_decision": (),
    "closure_objectives": (),
    "copy_withheld": (),
    "dates_in_order": (),
    "decision_is": ("outcome",),
    "delivery_details": (),
    "email_address": (),
    "field_in": ("field", "values"),
    "field_present": ("field",),
    "meeting_not_in_future": (),
    "next_review_after_meeting": (),
    "objective_children_exist": (),
    "objective_has_action": (),
    "parent_participation": (),
    "plan_by": (),
    "plan_by_checkable": (),
    "plan_start_known": (),
    "review_interval": (),
    "seen_alone": (),
    "six_month_point": (),
    "special_terms": (),
    "step_down_map": (),
    "unique_ids": (),
    "visit_frequency": (),
}

PROFILE_SCHEMA_FILE = data_file("schemas/profile.schema.json")

Key = tuple[str | int, ...]


def shown_path(path: Path) -> str:
    """``path`` as a person would type it: relative to the current folder where it is inside it."""
    try:
        return str(Path(path).absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cache
def profile_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) every profile file is checked against."""
    loaded: dict[str, Any] = json.loads(PROFILE_SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(profile_schema())


def known_checks() -> dict[str, tuple[str, ...]]:
    """The names a rule's ``check`` may use (the checks docgen's code provides), each with the ``params`` it needs."""
    return dict(sorted(CHECK_PARAMS.items()))


def check_chain(chain: list[tuple[Path, Any]], files: Mapping[str, Path]) -> None:
    """Refuses a profile (first in ``chain``, then what it extends) with every mistake in any of its files."""
    lines: list[str] = []
    for path, data in chain:
        lines += [f"{shown_path(path)}: {_key(key)}: {what}" for key, what in _file_mistakes(path, data, files)]
    if not lines:
        overlays = [d["schema"] for _, d in reversed(chain) if d.get("schema")]
        fields = catalogue_of(merged_schema(overlays))
        inherited: set[str] = set()
        for path, data in reversed(chain):
            lines += [f"{shown_path(path)}: {_key(key)}: {what}" for key, what in _field_mistakes(data, fields, inherited)]
            inherited |= set(data.get("rules", {}))
    if lines:
        raise ProfileMistakes(lines)


def _key(key: Key) -> str:
    out = ""
    for part in key:
        if isinstance(part, int) or "." in part or " " in part:  # a rule id "standard-4.1-..." or a field path
            out += f"[{json.dumps(part)}]"
        else:
            out += f".{part}" if out else part
    return out or "(the whole file)"


# ---------------------------------------------------------------- the file on its own


def _file_mistakes(path: Path, data: Any, files: Mapping[str, Path]) -> Iterator[tuple[Key, str]]:
    if not isinstance(data, dict):
        yield (), f"expected a JSON object ({{ ... }}) holding the profile, not {_shown(data)}"
        return
    validator = _validator()
    wrong_type: set[Key] = set()  # a value of the wrong kind: nothing else about it is worth saying
    for error in sorted(validator.iter_errors(data), key=lambda e: ([str(p) for p in e.absolute_path], e.validator != "type")):
        key = tuple(error.absolute_path)
        if key in wrong_type:
            continue
        if error.validator == "type":
            wrong_type.add(key)
        yield from _translate(error)
    parent = data.get("extends")
    if isinstance(parent, str) and parent not in files:
        others = ", ".join(sorted(set(files) - {data.get("id")}))
        yield ("extends",), f"expected the id of a profile docgen has ({others}), not {_shown(parent)}"
    elif parent == data.get("id"):
        yield ("extends",), "expected another profile's id: a profile cannot extend itself"
    cite = data.get("cite")
    if isinstance(cite, str):
        try:
            cite.format(section="1.1")
        except (KeyError, IndexError, ValueError):
            yield ("cite",), f"expected text with {{section}} as its only place to fill in, not {_shown(cite)}"
    if isinstance(data.get("schema"), dict):
        try:
            Draft202012Validator.check_schema(data["schema"])
        except SchemaError as exc:
            yield ("schema", *exc.path), f"expected a JSON Schema (draft 2020-12) overlay: {exc.message}"
    checks = known_checks()
    for rule_id, rule in (data.get("rules") or {}).items() if isinstance(data.get("rules"), dict) else ():
        if not isinstance(rule, dict) or not isinstance(rule.get("check"), str):
            continue
        if rule["check"] not in checks:
            yield ("rules", rule_id, "check"), f"expected one of the checks docgen has ({', '.join(checks)}), not {_shown(rule['check'])}"
            continue
        params: dict[str, Any] = rule["params"] if isinstance(rule.get("params"), dict) else {}
        for name in (n for n in checks[rule["check"]] if n not in params):
            yield ("rules", rule_id, "params", name), f"missing; the {rule['check']} check needs it"


def _translate(error: ValidationError) -> Iterator[tuple[Key, str]]:
    """A JSON Schema error as (key path, what was expected), in words rather than the validator's."""
    key: Key = tuple(error.absolute_path)
    kind, value, schema = str(error.validator), error.instance, error.schema
    if kind in ("anyOf", "oneOf"):
        yield from _alternatives(error, key)
    elif kind == "required":
        missing = [n for n in error.validator_value if isinstance(value, dict) and n not in value]
        for name in missing:
            yield (*key, name), "missing; it is required here"
    elif kind == "additionalProperties":
        allowed = sorted(k for k in schema.get("properties", {}) if not k.startswith("$"))
        for name in (k for k in value if k not in schema.get("properties", {})):
            yield (*key, name), f"not a key docgen knows here; expected one of {', '.join(allowed)}"
    elif kind == "type":
        yield key, f"expected {_types(error.validator_value)}, not {_shown(value)}"
    elif kind == "enum":
        yield key, f"expected one of {', '.join(map(str, error.validator_value))}, not {_shown(value)}"
    elif kind == "minimum":
        yield key, f"expected a whole number of at least {error.validator_value}, not {_shown(value)}"
    elif kind == "minLength":
        yield key, "expected some text, not an empty string"
    elif kind in ("minItems", "minProperties"):
        yield key, f"expected at least {error.validator_value} {'item' if kind == 'minItems' else 'entry'}, not none"
    elif kind == "pattern":
        yield key, f"expected {schema.get('x-expected', 'text matching ' + str(error.validator_value))}, not {_shown(value)}"
    elif kind == "dependentRequired":
        for name, needs in error.validator_value.items():
            if isinstance(value, dict) and name in value:
                yield (*key, name), f"goes with {' and '.join(needs)}; expected {needs[0]} beside it"
    else:
        yield key, f"expected something else: {error.message}"


def _alternatives(error: ValidationError, key: Key) -> Iterator[tuple[Key, str]]:
    branches: list[dict[str, Any]] = error.validator_value
    if all(set(b) == {"required"} for b in branches):  # "exactly one of days, working_days or months"
        names = [b["required"][0] for b in branches]
        given = [n for n in names if isinstance(error.instance, dict) and n in error.instance]
        also = f" (not both {' and '.join(given)})" if len(given) > 1 else ""
        yield key, f"expected exactly one of {', '.join(names[:-1])} or {names[-1]}{also}"
        return
    by_branch: dict[int, list[ValidationError]] = {}
    for inner in error.context or ():
        by_branch.setdefault(int(inner.relative_schema_path[0]), []).append(inner)
    for index in range(len(branches)):
        inner_errors = by_branch.get(index, [])
        wrong_type = any(e.validator == "type" and not e.relative_path for e in inner_errors)
        if inner_errors and not wrong_type:  # the branch meant for this kind of value: its own mistakes
            for inner in inner_errors:
                for inner_key, what in _translate(inner):
                    yield (*key, *inner_key[len(key) :]) if inner_key[: len(key)] == key else inner_key, what
            return
    yield key, f"expected {' or '.join(_branch_words(b) for b in branches)}, not {_shown(error.instance)}"


def _branch_words(branch: Mapping[str, Any]) -> str:
    ref = str(branch.get("$ref", ""))
    if ref:
        return {"timescale": "a period (an object)", "rule": "a rule (an object)"}.get(ref.rsplit("/", 1)[-1], "an object")
    return _types(branch.get("type", "value"))


_TYPE_WORDS = {
    "object": "an object ({ ... })",
    "array": "a list ([ ... ])",
    "string": "text in quotes",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _types(kinds: Any) -> str:
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return " or ".join(_TYPE_WORDS.get(str(k), str(k)) for k in kinds)


def _shown(value: Any) -> str:
    return (
        json.dumps(value, ensure_ascii=False)
        if not isinstance(value, (dict, list))
        else _TYPE_WORDS["object" if isinstance(value, dict) else "array"]
    )


# ---------------------------------------------------------------- fields the profile names


def _field_mistakes(data: dict[str, Any], fields: Catalogue, inherited: set[str]) -> Iterator[tuple[Key, str]]:
    singles = {f.path: f for f in fields.fields}
    everything = fields.paths()

    def single(key: Key, path: str, *, date: bool = False) -> Iterator[tuple[Key, str]]:
        if path not in singles:
            yield (
                key,
                f'expected a field of the meeting record, not {_shown(path)}: add that field to this profile\'s "schema" (with a title and description), or correct the path',
            )
        elif date and singles[path].type != "date":
            yield key, f"expected a date field to count from, but {_shown(path)} is {singles[path].type}"

    for path in data.get("schema_rules", {}):
        if path not in everything and not path.startswith("$"):
            yield (
                ("schema_rules", path),
                f'expected a field of the meeting record, not {_shown(path)}: add that field to this profile\'s "schema", or correct the path',
            )
    for name, setting in data.get("timescales", {}).items():
        specs = setting if isinstance(setting, list) else [setting]
        for index, spec in enumerate(specs):
            if not isinstance(spec, dict):
                continue
            where: Key = ("timescales", name, index) if isinstance(setting, list) else ("timescales", name)
            if "from" in spec:
                yield from single((*where, "from"), spec["from"], date=True)
            if "unless" in spec:
                yield from single((*where, "unless"), spec["unless"])
            for path in spec.get("when", {}):
                yield from single((*where, "when", path), path)
    for rule_id, rule in data.get("rules", {}).items():
        if rule_id.startswith("$"):
            continue
        if rule is None:
            if rule_id not in inherited:
                yield ("rules", rule_id), "null switches off an inherited rule, but no profile this one extends has that rule"
            continue
        for path in rule.get("when", {}):
            yield from single(("rules", rule_id, "when", path), path)
        named = rule.get("params", {}).get("field")
        if isinstance(named, str):
            yield from single(("rules", rule_id, "params", "field"), named)
