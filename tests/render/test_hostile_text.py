"""Text from a form is printed literally: never run as template code, escaped for XML, line breaks kept."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from docgen.printable import safe_text
from tests.conftest import load_record
from tests.render.helpers import docx_text, make_pack

HOSTILE = [
    "{{ 7 * 7 }} and {{ child.views }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{_{ docxtpl's own escapes }_} {_% %_}",
    "Tom & Jerry <b>bold</b> ]]> <![CDATA[x]]> &amp;",
    "She said \"no\" and 'maybe'",
    "Happy 😀 family 👨‍👩‍👧",
    "שלום עליכם and مرحبا",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips_literally_into_the_plan(tmp_path: Path, text: str) -> None:
    record = load_record()
    record["children"][0]["views"] = text
    record["objectives"][1]["outcome"] = text
    record["key_worker"]["name"] = text
    make_pack(record, tmp_path)
    plan = docx_text(tmp_path / "plan-C1.docx")
    assert f"What Amy told us: “{text}”" in plan
    assert plan.count(text) >= 3  # views, objective, key worker (and the footer is the case's)
    assert f"You said: “{text}”" in docx_text(tmp_path / "plan-C1-child.docx")
    assert text in docx_text(tmp_path / "meeting-record.docx")


def test_control_characters_are_removed_and_line_breaks_kept(tmp_path: Path) -> None:
    record = load_record()
    record["children"][0]["views"] = "First line\r\nSecond\x07 line\x00\x1b[31m\nThird\tline\x0c"
    record["contingency_plan"] = "One\rTwo"
    make_pack(record, tmp_path)
    plan = docx_text(tmp_path / "plan-C1.docx")
    assert "What Amy told us: “First line\nSecond line[31m\nThird\tline”" in plan
    assert "One\nTwo" in plan
    document = docx.Document(str(tmp_path / "plan-C1.docx"))
    views = next(p for p in document.paragraphs if p.text.startswith("What Amy told us"))
    assert len(views._p.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br")) == 2


def test_hostile_names_in_the_distribution_list_and_file_names_stay_plain(tmp_path: Path) -> None:
    record = load_record()
    record["participants"][0]["name"] = "Sarah \x01Jones {{ x }} <script>"
    manifest = make_pack(record, tmp_path)
    assert manifest["distribution"][2]["recipient"] == "Sarah Jones {{ x }} <script>"  # as the workbook shows it
    assert load_workbook(tmp_path / "distribution.xlsx")["Distribution"]["A4"].value == "Sarah Jones {{ x }} <script>"


def test_safe_text_escapes_for_word_and_hides_docxtpl_markers() -> None:
    shown = safe_text("a_b <c> & {_{ d }_}\x00").__html__()
    assert shown == "a&#95;b &lt;c&gt; &amp; {&#95;{ d }&#95;}"


def test_templates_compiled_once_still_render_each_record_its_own_text(tmp_path: Path) -> None:
    first, second = load_record(), load_record()
    first["children"][0]["views"] = "I like the park"
    second["children"][0]["views"] = "I miss my nan"
    make_pack(first, tmp_path / "first")
    make_pack(second, tmp_path / "second")  # the same templates again, from the process's compiled copies
    first_plan, second_plan = docx_text(tmp_path / "first" / "plan-C1.docx"), docx_text(tmp_path / "second" / "plan-C1.docx")
    assert "I like the park" in first_plan and "I miss my nan" not in first_plan
    assert "I miss my nan" in second_plan and "I like the park" not in second_plan
