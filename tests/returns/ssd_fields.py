"""The SSD object definitions' field names, kept as a fixture (``ssd-object-fields.json`` says where they come from)."""

from __future__ import annotations

import json
from pathlib import Path

SSD_FIELDS: dict[str, list[str]] = {
    name: fields
    for name, fields in json.loads((Path(__file__).parent / "ssd-object-fields.json").read_text(encoding="utf-8")).items()
    if name != "source"
}
