"""docgen check-templates: the shipped templates pass; a broken one fails with its name and the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.render import TEMPLATE_DIR, check_templates


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the shipped templates to break."""
    for name in ("plan.docx", "plan-child.docx", "meeting-record.docx"):
        shutil.copy(TEMPLATE_DIR / name, tmp_path / name)
    return tmp_path


def add_paragraphs(path: Path, *texts: str) -> None:
    document = docx.Document(str(path))
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))


def test_shipped_templates_pass() -> None:
    assert check_templates() == []
    result = CliRunner().invoke(main, ["check-templates"])
    assert result.exit_code == 0
    assert "All 3 templates" in result.output


def test_split_tag_fails_with_the_template_name(templates: Path) -> None:
    add_paragraphs(templates / "plan.docx", "{{ case.refer", "ence }}")
    assert check_templates(templates) == [
        "plan.docx: a tag is split across paragraphs or cells near '{{ case.refer': retype it in one piece, in one paragraph.",
        "plan.docx: a tag is split across paragraphs or cells near 'ence }}': retype it in one piece, in one paragraph.",
    ]
    result = CliRunner().invoke(main, ["check-templates", "--templates", str(templates)])
    assert result.exit_code == 1
    assert "plan.docx: a tag is split" in result.output


def test_unknown_field_fails(templates: Path) -> None:
    add_paragraphs(templates / "meeting-record.docx", "{% for p in participants %}{{ p.shoe_size }}{% endfor %} {{ meeting.dat }}")
    problems = check_templates(templates)
    assert problems[0].startswith(
        "meeting-record.docx: uses 'p.shoe_size': the schema defines no field 'shoe_size' there (known: address, agency,"
    )
    assert problems[1].startswith("meeting-record.docx: uses 'meeting.dat': the schema defines no field 'dat' there")
    assert len(problems) == 2


def test_a_childs_plan_naming_siblings_data_fails(templates: Path) -> None:
    add_paragraphs(templates / "plan-child.docx", "{% for c in children %}{{ c.views }}{% endfor %}")
    assert check_templates(templates) == [
        "plan-child.docx: uses 'children', which a child's plan is not given: a child's copy never shows the other children's details."
    ]


def test_unknown_filter_and_syntax_errors_fail(templates: Path) -> None:
    add_paragraphs(templates / "plan.docx", "{{ child.name | shout }}")
    add_paragraphs(templates / "plan-child.docx", "{% if child.name %}never closed")
    problems = check_templates(templates)
    assert problems[0] == "plan.docx: uses the filter 'shout', which docgen does not have."
    assert problems[1].startswith("plan-child.docx: template syntax error: Unexpected end of template.")


def test_a_template_that_is_not_a_word_document_fails(templates: Path) -> None:
    (templates / "plan.docx").write_bytes(b"not a zip")
    (templates / "plan-child.docx").unlink()
    problems = check_templates(templates)
    assert problems[0].startswith("plan.docx: cannot be opened as a Word document")
    assert problems[1] == f"plan-child.docx: is missing from {templates}: rebuild it with templates/build_templates.py."


def test_a_template_without_words_we_use_fails(templates: Path) -> None:
    document = docx.Document(str(templates / "plan.docx"))
    for paragraph in document.paragraphs:  # the section's loop renamed: the terms are never listed
        for run in paragraph.runs:
            run.text = run.text.replace("for w in words", "for w in []")
    document.save(str(templates / "plan.docx"))
    assert check_templates(templates) == [
        'plan.docx: does not end with "Words we use" listing child in need plan, key worker, social worker, SENCO, '
        "review (procedure 2.4): give it the section (loop over words: w.term, w.meaning), or rebuild it with "
        "templates/build_templates.py."
    ]
