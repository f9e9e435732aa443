"""Rebuilds the example completed forms from the records beside them: ``.venv/bin/python examples/build.py``.

Each record (``standard/initial-jones.json``) is filled into a blank form from ``docgen forms`` for
its council, through the form's own controls and names, the way a member of staff would; the
form is then read back and validated, and the build stops if it does not say exactly the same
or breaks a rule of its council.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
sys.path.insert(0, str(EXAMPLES.parent))  # the fill helper lives with the tests

from docgen.blanks.files import write_forms  # noqa: E402
from docgen.forms import read_form  # noqa: E402
from docgen.record import clean  # noqa: E402
from docgen.schema import schema_version  # noqa: E402
from docgen.validation import validate_record  # noqa: E402
from tests.forms_generate.fill import as_form_answers, checkbox_paths, fill_docx, fill_xlsx  # noqa: E402

#: which form each example is filled in on: both councils in both formats
FORMATS = {
    "standard/initial-jones": "docx",
    "standard/review-patel": "xlsx",
    "south-gloucestershire/initial-hughes": "docx",
    "south-gloucestershire/closure-brennan": "xlsx",
}


def build(name: str, kind: str, blanks: Path) -> Path:
    """Fills ``name``'s record into its council's blank ``kind`` form, checks it reads back, and returns the form."""
    council = name.split("/")[0]
    record = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    record["form_version"] = schema_version()
    blank_folder = blanks / council
    if not blank_folder.exists():
        write_forms(blank_folder, council)
    blank = blank_folder / f"cin-meeting-form.{kind}"
    out = EXAMPLES / f"{name}.{kind}"
    (fill_docx if kind == "docx" else fill_xlsx)(blank, record, out)
    _steady(out)

    parsed = read_form(out)
    expected = as_form_answers(record, checkbox_paths(blank)) if kind == "docx" else record
    if clean(parsed.record) != clean(expected) or parsed.problems:
        raise SystemExit(f"{out.name} does not read back as {name}.json: {parsed.problems or 'the values differ'}")
    report = validate_record(clean(parsed.record), council)
    if report.errors:
        raise SystemExit(f"{out.name} breaks the {council} rules:\n{report.to_text()}")
    print(f"{out.relative_to(EXAMPLES)}: {len(report.warnings)} warning(s) under {council}")
    return out


def _steady(path: Path) -> None:
    """Fixes the save time inside the file, so rebuilding unchanged examples leaves them byte for byte the same."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-23T00:00:00Z", data)
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 23, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def main() -> None:
    """Builds every example."""
    with tempfile.TemporaryDirectory() as blanks:
        for name, kind in FORMATS.items():
            build(name, kind, Path(blanks))


if __name__ == "__main__":
    main()
