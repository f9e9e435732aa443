"""Recognises a dropped file by its content and hands it to the right reader."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.errors import NotAFormError
from docgen.forms.parsed import ParsedForm

__all__ = ["MAX_JSON_BYTES", "read_form"]

MAX_JSON_BYTES = 5 * 1024 * 1024


def read_form(path: Path) -> ParsedForm:
    """Reads ``path`` as a JSON record, a Word form or an Excel form, whatever its extension says."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise NotAFormError(f"{path.name} is empty (0 bytes): save the completed form again and drop it in.")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _read_json(path)
    raise NotAFormError(
        f"{path.name} is not a Word (.docx) or Excel (.xlsx) meeting form or a JSON record: "
        "fill in the current form from `docgen forms` and drop that in."
    )


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
    if not isinstance(data, dict):
        raise NotAFormError(f"{path.name} holds JSON, but not a meeting record (an object with case, meeting, children...).")
    return ParsedForm(record=data, kind="json")
