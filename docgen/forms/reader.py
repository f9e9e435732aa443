"""Recognises a dropped file by its content and hands it to the right reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docgen.errors import FormListTooLongError, NotAFormError, OutdatedFormError
from docgen.forms.collect import Collector
from docgen.forms.docx_reader import read_docx
from docgen.forms.parsed import ParsedForm
from docgen.forms.safety import open_package, sniff
from docgen.forms.xlsx_reader import read_xlsx
from docgen.profiles import shipped
from docgen.schema import Catalogue, schema_version
from docgen.validation.problems import Problem

__all__ = ["LISTS", "MAX_JSON_BYTES", "MAX_LIST_ROWS", "check_list_lengths", "read_form"]

MAX_JSON_BYTES = 5 * 1024 * 1024
#: the most rows any list of a form may hold, in every encoding: far more than any family's plan, and a bound on the work
MAX_LIST_ROWS = 200
LISTS = ("children", "participants", "objectives", "actions", "services")


def read_form(path: Path, catalogue: Catalogue | None = None) -> ParsedForm:
    """Reads ``path`` as a JSON record, a Word form or an Excel form (whatever its extension says), against ``catalogue``'s fields."""
    path = Path(path)
    if sniff(path) == "json":
        parsed = _read_json(path)
        check_list_lengths(path.name, parsed.record)
        return parsed
    collector = Collector(catalogue or shipped().reading_catalogue())
    with open_package(path) as package:
        (read_docx if package.kind == "docx" else read_xlsx)(package, collector)
        kind = package.kind
    collector.locate_sections()
    what = "Word document" if kind == "docx" else "Excel workbook"
    version = _check_version(path.name, collector)
    if not collector.fields_seen and version is None:
        raise NotAFormError(
            f"{path.name} is a {what}, but not a meeting form: none of the form's fields were found in it. "
            "Fill in the current form from `docgen forms` and drop that in."
        )
    check_list_lengths(path.name, collector.record)
    return ParsedForm(record=collector.record, kind=kind, locations=collector.locations, problems=collector.problems)


def check_list_lengths(name: str, record: Any) -> None:
    """Refuses a form with a list longer than ``MAX_LIST_ROWS``, naming the list, before any slower work is done on it."""
    if not isinstance(record, dict):
        return
    for key in LISTS:
        rows = record.get(key)
        if isinstance(rows, list) and len(rows) > MAX_LIST_ROWS:
            raise FormListTooLongError(
                f"{name}: the {key} list has {len(rows):,} rows, more than the {MAX_LIST_ROWS} a form may hold. "
                f"Check the {key} were not pasted in more than once, remove the extra rows and drop the form in again."
            )


def _major(version: str) -> str:
    return version.strip().lstrip("vV").split(".")[0]


def _check_version(name: str, collector: Collector) -> str | None:
    """The single place that judges a form filled in on an older (or newer) blank: read it if possible, else refuse it.

    Returns the form's version when it differs from the current schema's in its major part.
    """
    form_version = collector.record.get("form_version")
    current = schema_version()
    if not isinstance(form_version, str) or _major(form_version) == _major(current):
        return None
    errors = [p for p in collector.problems if p.severity == "error"]
    if collector.unknown or errors or collector.fields_seen <= 1:
        if collector.unknown:
            why = f"it has fields this version no longer knows ({', '.join(sorted(set(collector.unknown))[:5])})"
        elif errors:
            why = f"some answers no longer fit ({errors[0].message})"
        else:
            why = "none of its fields match the current form"
        raise OutdatedFormError(
            f"{name} was filled in on version {form_version} of the meeting form, and this form is out of date — "
            f"use the current one from `docgen forms` (version {current}): {why}. Copy the answers into the current form and drop it in again."
        )
    collector.problems.append(
        Problem(
            rule="form-outdated",
            severity="warning",
            field="form_version",
            message=f"This form is version {form_version} of the meeting form; the current one is version {current}. It was read, "
            "but check nothing is missing.",
            section="",
            fix="Use the current form from `docgen forms` next time.",
            location=collector.locations.get("form_version"),
        )
    )
    return form_version


def _read_json(path: Path) -> ParsedForm:
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise NotAFormError(f"{path.name} is {size // 1024} KB of JSON, far larger than any meeting record: check it is the right file.")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise NotAFormError(f"{path.name} is not UTF-8 text: save it as UTF-8 JSON.") from exc
    except json.JSONDecodeError as exc:
        raise NotAFormError(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): correct it and drop it in again."
        ) from exc
    except RecursionError as exc:
        raise NotAFormError(f"{path.name} nests too deeply to be a meeting record.") from exc
    except ValueError as exc:  # a number of thousands of digits: Python refuses to convert it
        raise NotAFormError(
            f"{path.name} holds a number thousands of digits long, which no meeting record has: check it is the right file."
        ) from exc
    if not isinstance(data, dict):
        raise NotAFormError(f"{path.name} holds JSON, but not a meeting record (an object with case, meeting, children...).")
    return ParsedForm(record=data, kind="json")
