""" "Words we use" (procedure 2.4): each copy a family or child reads ends with the glossary terms its own text uses.

A council root with its own profile (its own term and an override of a shipped one) and a two-child form that
uses shipped terms, the council's term and an acronym no glossary explains, run through ``docgen run --once``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from pypdf import PdfReader

from docgen.cli import main
from docgen.glossary import terms_in
from docgen.pdf.making import find_soffice
from docgen.profiles import profiles_in
from tests.conftest import clean_initial
from tests.render.libreoffice import structure_types
from tests.shipped import load_profile

FIRST = {
    "plain": "First Response: the council's team that takes calls from anyone worried about a child.",
    "child": "The team anyone can ring if they are worried about a child.",
}
CAMHS = {
    "plain": "Wessex Young Minds: the NHS service for children's mental health in Wessex.",
    "child": "People who help you with big feelings.",
}
COUNCIL = {
    "id": "wessex",
    "extends": "standard",
    "letterhead": {"council": "Wessex County Council"},
    "glossary": {"FIRST": FIRST, "CAMHS": CAMHS},
}


def _root(tmp_path: Path, *, pdf: bool) -> Path:
    """A council's root: inbox, outbox, its profile in profiles/, and the two-child form waiting in the inbox."""
    root = tmp_path / "root"
    for folder in ("inbox", "outbox", "profiles"):
        (root / folder).mkdir(parents=True)
    (root / "docgen.toml").write_text(f'policy = "wessex"\npdf = {"true" if pdf else "false"}\n', encoding="utf-8")
    (root / "profiles" / "wessex.json").write_text(json.dumps(COUNCIL), encoding="utf-8")
    record = clean_initial()
    record["policy"] = "wessex"
    record["objectives"][0]["measure"] = "Routine chart kept, checked by the core group"  # both children
    record["objectives"][1]["outcome"] = "Amy attends school every day she is well, with CAMHS support"  # Amy only
    record["objectives"][2]["outcome"] = "Leo has SALT sessions, and the FIRST team is told of any worry"  # Leo only
    record["actions"][0]["agency"] = "QXB"  # explained nowhere
    (root / "inbox" / "meeting.json").write_text(json.dumps(record), encoding="utf-8")
    return root


def _published(root: Path) -> Path:
    result = CliRunner().invoke(main, ["run", "--once", "--root", str(root)])
    assert result.exit_code == 0, result.output
    (folder,) = (root / "outbox").glob("*/*-initial")
    return folder


def _words(path: Path) -> tuple[str, dict[str, str]]:
    """A Word document's text before "Words we use", and the section's list: term → explanation, in order."""
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]  # in the body, not in a table
    assert headings[-1] == "Words we use"
    paragraphs = list(document.element.body.iter(qn("w:p")))
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs]
    start = texts.index("Words we use")
    styles = [p.find(qn("w:pPr") + "/" + qn("w:pStyle")) for p in paragraphs]
    items = [t for t, s in zip(texts[start:], styles[start:], strict=True) if s is not None and s.get(qn("w:val")) == "ListBullet"]
    assert [t for t in texts[start + 1 :] if t.strip()] == items, "the list ends the document"
    return "\n".join(texts[:start]), dict(item.split(": ", 1) for item in items)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    folder = _published(_root(tmp_path_factory.mktemp("words"), pdf=False))
    yield folder, profiles_in(folder.parents[2]).load("wessex").glossary


def test_each_plan_lists_exactly_the_terms_its_own_text_uses_in_order(published: tuple[Path, dict[str, Any]]) -> None:
    folder, glossary = published
    for name in ("plan-C1.docx", "plan-C2.docx", "meeting-record.docx"):
        text, listed = _words(folder / name)
        assert list(listed) == terms_in(glossary, [text]), name
        assert all(listed[term] == glossary[term]["plain"] for term in listed), name
    amy, leo = _words(folder / "plan-C1.docx")[1], _words(folder / "plan-C2.docx")[1]
    assert "core group" in amy and "core group" in leo
    assert "CAMHS" in amy and not {"SALT", "FIRST"} & set(amy)  # Leo's objective is not in Amy's copy, nor its words
    assert {"SALT", "FIRST"} <= set(leo) and "CAMHS" not in leo


def test_the_councils_own_term_and_its_override_carry_the_councils_explanation(published: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = published
    assert _words(folder / "plan-C1.docx")[1]["CAMHS"] == CAMHS["plain"]
    leo = _words(folder / "plan-C2.docx")[1]
    assert leo["FIRST"] == FIRST["plain"]
    assert leo["SALT"] == load_profile("standard").glossary["SALT"]["plain"]  # inherited as shipped
    record = _words(folder / "meeting-record.docx")[1]
    assert record["CAMHS"] == CAMHS["plain"] and record["FIRST"] == FIRST["plain"]


def test_the_words_and_pictures_plan_explains_its_words_for_a_child_beside_a_picture(published: tuple[Path, dict[str, Any]]) -> None:
    folder, glossary = published
    text, listed = _words(folder / "plan-C1-child.docx")
    assert listed and list(listed) == terms_in(glossary, [text])
    assert listed["CAMHS"] == CAMHS["child"]
    assert all(listed[term] == glossary[term]["child"] for term in listed)
    document = docx.Document(str(folder / "plan-C1-child.docx"))
    described = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert "A drawing of a speech bubble with letters in it" in described


def test_the_unknown_acronym_is_warned_about_by_field(published: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = published
    warnings = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["warnings"]
    special = [w for w in warnings if w["rule"] == "standard-2.4-special-terms"]
    assert [(w["field"], re.findall(r"\b[A-Z]{3}\b", w["message"])) for w in special] == [("actions[0].agency", ["QXB"])]


@pytest.mark.slow
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_rendered_pdfs_keep_words_we_use_as_a_heading_and_a_list(tmp_path: Path) -> None:
    folder = _published(_root(tmp_path, pdf=True))
    for name in ("plan-C2.pdf", "plan-C1-child.pdf", "meeting-record.pdf"):
        pdf = PdfReader(folder / name)
        assert "Words we use" in " ".join(page.extract_text() for page in pdf.pages), name
        tags = [kind for kind, _ in structure_types(pdf)]
        last_heading = len(tags) - 1 - tags[::-1].index("/H2")
        assert "/L" in tags[last_heading:], f"{name}: no list after its last heading"
        assert tags[last_heading:].count("/LI") == len(_words(folder / name.replace(".pdf", ".docx"))[1]), name
