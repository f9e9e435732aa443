"""The LA child ID is for staff and returns: no copy a family member or child receives ever shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

from docgen.render import TEMPLATE_DIR, check_templates
from docgen.render.context import DOCUMENT_SHAPES
from tests.conftest import load_record
from tests.render.helpers import FakeConverter, docx_text, make_pack
from tests.render.test_check_templates import add_paragraphs


class ReadingConverter(FakeConverter):
    """The stand-in converter, reading each Word document's text as it is handed over (the cover letters' included)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}

    def __call__(self, documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
        self.texts.update({d.name: docx_text(d) for d in documents})
        return super().__call__(documents, out_dir, timeout)


def test_no_plan_meeting_record_or_cover_letter_shows_the_id(tmp_path: Path) -> None:
    record = load_record()
    ids = [c["la_child_id"] for c in record["children"]]
    assert ids == ["LCS700101", "LCS700102"]
    reading = ReadingConverter()
    manifest = make_pack(record, tmp_path, pdf=True, converter=reading)
    assert {"plan-C1.docx", "plan-C1-child.docx", "plan-C2.docx", "meeting-record.docx", "printing.docx"} <= set(reading.texts)
    assert "Daniel Jones" in reading.texts["printing.docx"]  # the cover letter to the parent by post was read
    for name, text in reading.texts.items():
        assert "Amy" in text or name == "printing.docx"
        for la_child_id in ids:
            assert la_child_id not in text, f"{la_child_id} in {name}"
    for document in manifest["documents"]:
        if document["path"].endswith(".docx"):
            assert not any(i in docx_text(tmp_path / document["path"]) for i in ids), document["path"]


def test_the_meeting_record_leaves_out_the_warning_about_the_census_id(tmp_path: Path) -> None:
    record = load_record()
    del record["children"][1]["la_child_id"]
    manifest = make_pack(record, tmp_path)
    assert [w["field"] for w in manifest["warnings"] if w["rule"] == "census-la-child-id"] == ["children[1].la_child_id"]
    text = docx_text(tmp_path / "meeting-record.docx")
    assert "Leo Jones" in text and "LA child ID" not in text and "census" not in text


def test_no_template_may_name_the_id(tmp_path: Path) -> None:
    assert "la_child_id" not in DOCUMENT_SHAPES["child_plan"]["child"]
    assert "la_child_id" not in DOCUMENT_SHAPES["meeting_record"]["children"][0]
    for name in ("plan.docx", "plan-child.docx", "meeting-record.docx"):  # copies: the shipped templates stay as they are
        shutil.copy(TEMPLATE_DIR / name, tmp_path / name)
    add_paragraphs(tmp_path / "plan.docx", "{{ child.la_child_id }}")
    add_paragraphs(tmp_path / "meeting-record.docx", "{% for c in children %}{{ c.la_child_id }}{% endfor %}")
    problems = check_templates(tmp_path)
    assert any(p.startswith("plan.docx: uses 'child.la_child_id'") for p in problems), problems
    assert any(p.startswith("meeting-record.docx: uses 'c.la_child_id'") for p in problems), problems
