"""``check_templates``: every template parses, renders a complete sample record and names only fields that exist.

Names are checked against what each kind of document is given (``document_shapes()``: the schema's fields
plus a few worked-out values), following loop variables through ``{% for %}``. A tag that Word split
across paragraphs or cells, an unknown field or filter, and a child's plan naming siblings' data are
each reported with the template's name.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import nodes

from docgen.deadlines import meeting_deadlines
from docgen.errors import DocgenError
from docgen.profiles import Profiles, shipped
from docgen.record import clean
from docgen.render.context import child_plan_context, document_shapes, meeting_record_context, words_we_use_context
from docgen.render.documents import CHILD_TEMPLATES, TEMPLATE_DIR, TEMPLATES, document_text, jinja_environment, render_template

__all__ = ["SAMPLE_RECORD", "check_templates"]

SAMPLE_RECORD = TEMPLATE_DIR / "sample-record.json"

_ANY = object()  # a value whose shape is not known (a literal, a filter's result): not checked further
_PRIVATE = {"children": "the other children's details", "participants": "everyone's views", "assessment": "the family assessment"}


def _template_parts(path: Path) -> list[Any]:
    """The XML elements of the template's body, headers and footers."""
    document = docx.Document(str(path))
    parts = [document.element.body]
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            parts.append(rel.target_part.element)
    return parts


def _template_xml(path: Path) -> str:
    """The template's body, headers and footers as docxtpl sees them (its tag clean-up applied)."""
    template = DocxTemplate(str(path))
    return "\n".join(template.patch_xml(template.xml_to_string(part)) for part in _template_parts(path))


_WHOLE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_TAG_MARK = re.compile(r"\{[{%#]|[}%#]\}")


def _split_tags(path: Path) -> list[str]:
    """Tags not whole within one paragraph: Word split them across paragraphs or cells (docxtpl would glue the XML)."""
    found = []
    for part in _template_parts(path):
        for paragraph in part.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            rest = _WHOLE_TAG.sub("", text)
            mark = _TAG_MARK.search(rest)
            if mark:
                found.append(rest[max(mark.start() - 30, 0) : mark.end() + 30].strip())
    return found


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "…"


class _NameCheck:
    """Walks a template's syntax tree and reports every name its document is not given."""

    def __init__(self, template: str, kind: str, environment: jinja2.Environment) -> None:
        self.template, self.kind, self.environment = template, kind, environment
        self.problems: list[str] = []

    def report(self, message: str) -> None:
        entry = f"{self.template}: {message}"
        if entry not in self.problems:
            self.problems.append(entry)

    def resolve(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The shape a name/attribute/index expression refers to, reporting names that do not exist."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if self.kind == "child_plan" and node.name in _PRIVATE:
                self.report(f"uses '{node.name}', which a child's plan is not given: a child's copy never shows {_PRIVATE[node.name]}.")
            else:
                self.report(f"uses '{node.name}', which is not a field of the record (known: {', '.join(sorted(scope))}).")
            return _ANY
        if isinstance(node, nodes.Getattr):
            return self._member(node, self.resolve(node.node, scope), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.resolve(node.node, scope)
            self.visit(node.arg, scope)
            if isinstance(node.arg, nodes.Const):
                if isinstance(base, list) and isinstance(node.arg.value, int):
                    return base[0]
                if isinstance(node.arg.value, str):
                    return self._member(node, base, node.arg.value)
            return _ANY
        self.visit(node, scope)
        return _ANY

    def _member(self, node: nodes.Node, base: Any, name: str) -> Any:
        if base is _ANY:
            return _ANY
        if isinstance(base, dict):
            if name in base:
                return base[name]
            self.report(f"uses '{_dotted(node)}': the schema defines no field '{name}' there (known: {', '.join(sorted(base))}).")
            return _ANY
        if base is None and hasattr(str, name):
            return _ANY  # a text method such as upper()
        what = "a list: loop over it with {% for %}" if isinstance(base, list) else "a single value"
        self.report(f"uses '{_dotted(node)}', but '{_dotted(node)[: -len(name) - 1]}' is {what}.")
        return _ANY

    def visit(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        """Checks a statement or expression and everything inside it."""
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if not (isinstance(node, nodes.Name) and node.ctx == "store"):
                self.resolve(node, scope)
            return
        if isinstance(node, nodes.For):
            iterated = self.resolve(node.iter, scope)
            inner = dict(scope, loop=_ANY)
            item = iterated[0] if isinstance(iterated, list) else _ANY
            targets = [node.target] if isinstance(node.target, nodes.Name) else list(node.target.find_all(nodes.Name))
            for target in targets:
                inner[target.name] = item if len(targets) == 1 else _ANY
            for child in [*((node.test and [node.test]) or []), *node.body]:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for target in node.target.find_all(nodes.Name):
                scope[target.name] = _ANY
            return
        if isinstance(node, nodes.Filter) and node.name not in self.environment.filters:
            self.report(f"uses the filter '{node.name}', which docgen does not have.")
        if isinstance(node, nodes.Test) and node.name not in self.environment.tests:
            self.report(f"uses the test '{node.name}', which docgen does not have.")
        for child in node.iter_child_nodes():
            self.visit(child, scope)


def _sample_record(sample: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = clean(json.loads(sample.read_text(encoding="utf-8")))
    return loaded


def _render_sample(path: Path, kind: str, record: dict[str, Any], profiles: Profiles) -> list[str]:
    """Renders the template for the sample record (each child, for a child's plan); reports failures and tags left over."""
    profile = profiles.load(record.get("policy"))
    fields = profiles.reading_catalogue()
    deadlines = meeting_deadlines(record, profile)
    today = dt.date(2026, 12, 18)
    if kind == "child_plan":
        contexts = [
            child_plan_context(record, c["id"], deadlines, procedure=profile.title, today=today, fields=fields) for c in record["children"]
        ]
    else:
        contexts = [meeting_record_context(record, deadlines, [], procedure=profile.title, today=today, fields=fields)]
    problems = []
    words: list[dict[str, Any]] = []

    def explain(text: str) -> list[dict[str, Any]]:
        words[:] = words_we_use_context(profile.glossary, text, child=path.name in CHILD_TEMPLATES)
        return words

    with tempfile.TemporaryDirectory(prefix="docgen-check-") as temp:
        for number, context in enumerate(contexts):
            out = Path(temp) / f"{number}.docx"
            try:
                render_template(path, copy.deepcopy(context), out, explain=explain)
                document = docx.Document(str(out))
            except DocgenError as exc:
                problems.append(f"{path.name}: does not render the sample record: {exc.__cause__ or exc}")
                break
            except Exception as exc:  # a template that breaks docxtpl or makes a file Word cannot open
                problems.append(f"{path.name}: does not render the sample record: {type(exc).__name__}: {exc}")
                break
            text = "\n".join(p.text for p in document.paragraphs)
            text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
            leftover = re.findall(r"\{[{%].{0,40}|.{0,40}[}%]\}", text)
            if leftover:
                problems.append(f"{path.name}: leaves template code in the document: {leftover[0].strip()!r}")
                break
            missing = _words_we_use_problems(path.name, document_text(document), words)
            if missing:
                problems += missing
                break
    return problems


def _words_we_use_problems(name: str, text: str, words: list[dict[str, Any]]) -> list[str]:
    """A family's or child's copy ends with "Words we use" (procedure 2.4), listing each term the sample uses."""
    if not words:
        return [f'{name}: the sample record uses no glossary term, so "Words we use" cannot be checked: use one in it.']
    _, heading, section = text.rpartition("Words we use")
    missing = [str(w["term"]) for w in words if f"{w['term']}: {w['meaning']}" not in section]
    if not heading or missing:
        return [
            f'{name}: does not end with "Words we use" listing {", ".join(missing) or "the terms it uses"} (procedure 2.4): '
            "give it the section (loop over words: w.term, w.meaning), or rebuild it with templates/build_templates.py."
        ]
    return []


def check_templates(directory: Path = TEMPLATE_DIR, sample: Path = SAMPLE_RECORD, profiles: Profiles | None = None) -> list[str]:
    """Every problem with the templates in ``directory`` (empty when all is well), each naming its template.

    A template may name the fields ``profiles`` (a root's; the shipped ones without) add to the record.
    """
    profiles = profiles or shipped()
    environment = jinja_environment()
    record = _sample_record(sample)
    problems: list[str] = []
    for name, kind in TEMPLATES.items():
        path = Path(directory) / name
        if not path.is_file():
            problems.append(f"{name}: is missing from {directory}: rebuild it with templates/build_templates.py.")
            continue
        try:
            xml = _template_xml(path)
            split = _split_tags(path)
        except Exception as exc:  # not a zip, not a Word document
            problems.append(f"{name}: cannot be opened as a Word document ({type(exc).__name__}: {exc}).")
            continue
        for tag in split:
            problems.append(f"{name}: a tag is split across paragraphs or cells near '{tag}': retype it in one piece, in one paragraph.")
        try:
            tree = environment.parse(xml)
        except jinja2.TemplateSyntaxError as exc:
            if not split:
                nearby = " ".join(re.sub(r"<[^>]+>", " ", xml.splitlines()[max((exc.lineno or 1) - 1, 0)]).split())[:100]
                problems.append(f"{name}: template syntax error: {exc.message} (near '{nearby}').")
            continue
        if split:
            continue
        check = _NameCheck(name, kind, environment)
        check.visit(tree, dict(document_shapes(profiles.reading_catalogue())[kind]))
        problems.extend(check.problems)
        if not check.problems:
            problems.extend(_render_sample(path, kind, record, profiles))
    return problems
