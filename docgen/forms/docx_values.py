"""What a Word form's box holds: a content control's tick, picked item, date or text, a legacy form field, a table cell.

Each answer comes back as Word stored it (a bool for a tick box, the value behind a picked list item,
the ISO date a date picker saved, else the text shown); turning it into the field's type is left to
``docgen.forms.values`` when the record is built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docgen.forms import labels
from docgen.forms.values import normalise
from docgen.forms.wordml import W14, W, is_container, text_of
from docgen.schema import Field

__all__ = ["cell_value", "control_value", "legacy_checkbox", "legacy_dropdown"]

_TRUE_VALS = ("1", "true", "on")


def control_value(sdt: Any, spec: Field | None) -> Any:
    """What a content control holds: a bool for a checkbox, the picked item's value, the date, or its text."""
    properties = sdt.find(f"{W}sdtPr")
    content = sdt.find(f"{W}sdtContent")
    if properties is None:
        properties = sdt.makeelement(f"{W}sdtPr")
    box = properties.find(f"{W14}checkbox")
    if box is None:
        box = properties.find(f"{W}checkbox")  # the same box written in the main namespace by other tools
    if box is not None:
        return _box_checked(box)
    if content is not None and (legacy := legacy_checkbox(content)) is not None:
        return legacy
    if content is not None and (picked := legacy_dropdown(content)) is not None:
        return picked
    if properties.find(f"{W}showingPlcHdr") is not None or content is None:
        return None
    text = text_of(content)
    date = properties.find(f"{W}date")
    if date is not None:
        full = (date.get(f"{W}fullDate") or "")[:10]
        # The picked date as Word stores it, whatever display format (even month-first) the control shows;
        # the shown text only when there is none (LibreOffice drops it).
        return full if _is_iso_date(full) else text
    choices = properties.find(f"{W}dropDownList")
    if choices is None:
        choices = properties.find(f"{W}comboBox")
    if choices is not None and text:
        return _picked(choices, text, spec)
    return text


def _box_checked(box: Any) -> bool:
    """A content-control tick box's state: ``<w14:checked w14:val="1"/>``; an on/off element without ``val`` means on."""
    checked = box.find(f"{W14}checked")
    if checked is None:
        checked = box.find(f"{W}checked")
    if checked is None:
        return False
    value = checked.get(f"{W14}val")
    if value is None:
        value = checked.get(f"{W}val", "1")
    return value.strip().lower() in _TRUE_VALS


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _picked(choices: Any, shown: str, spec: Field | None) -> str:
    """The value of the list item whose shown text is ``shown``; a typed combo-box answer is matched loosely."""
    items = [(i.get(f"{W}displayText") or i.get(f"{W}value") or "", i.get(f"{W}value") or "") for i in choices.iter(f"{W}listItem")]
    key = labels.label_key(shown)
    for exact in (True, False):
        for display, value in items:
            if (display == shown) if exact else key in (labels.label_key(display), labels.label_key(value)):
                picked = value or display
                # A list whose values are codes the schema does not know ("1", "2") still shows words it does.
                if spec is not None and spec.type == "enum" and normalise(spec, picked, spec.path, None).problem:
                    return display
                return picked
    return shown


def legacy_checkbox(element: Any) -> bool | None:
    """The state of a legacy FORMCHECKBOX field inside ``element``, or None when there is none."""
    box = element.find(f".//{W}ffData/{W}checkBox")
    if box is None:
        return None
    checked = box.find(f"{W}checked")
    if checked is not None:
        return (checked.get(f"{W}val") or "1").lower() in _TRUE_VALS
    default = box.find(f"{W}default")
    return default is not None and (default.get(f"{W}val") or "0").lower() in _TRUE_VALS


def legacy_dropdown(element: Any) -> str | None:
    """The chosen entry of a legacy FORMDROPDOWN field inside ``element``, or None when there is none."""
    choices = element.find(f".//{W}ffData/{W}ddList")
    if choices is None:
        return None
    entries = [e.get(f"{W}val") or "" for e in choices.findall(f"{W}listEntry")]
    chosen = choices.find(f"{W}result")
    if chosen is None:
        chosen = choices.find(f"{W}default")
    raw = chosen.get(f"{W}val") if chosen is not None else "0"
    index = int(raw) if raw and raw.isdigit() else 0
    return entries[index] if index < len(entries) else None


def cell_value(cell: Any, spec: Field | None) -> Any:
    """What a table cell holds: its control's value if it has one, a legacy tick box, or its text."""
    for sdt in cell.iter(f"{W}sdt"):
        if not is_container(sdt):
            return control_value(sdt, spec)
    legacy = legacy_checkbox(cell)
    if legacy is not None:
        return legacy
    picked = legacy_dropdown(cell)
    if picked is not None:
        return picked
    return text_of(cell)
