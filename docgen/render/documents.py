"""Rendering a docxtpl template safely: a sandboxed, autoescaping, strict Jinja environment."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment

from docgen.errors import TemplateError
from docgen.paths import data_dir

__all__ = ["CHILD_TEMPLATES", "TEMPLATES", "TEMPLATE_DIR", "Explain", "Picture", "document_text", "jinja_environment", "render_template"]

TEMPLATE_DIR = data_dir("templates")

#: each template and the kind of document (``DOCUMENT_SHAPES`` key) it is rendered for
TEMPLATES = {
    "plan.docx": "child_plan",
    "plan-child.docx": "child_plan",
    "meeting-record.docx": "meeting_record",
}
#: templates a child reads: their "Words we use" gives the ``child`` explanations
CHILD_TEMPLATES = frozenset({"plan-child.docx"})

#: given a rendered document's text, the "Words we use" entries it needs (``words`` in the context)
Explain = Callable[[str], list[dict[str, Any]]]


@dataclass(frozen=True)
class Picture:
    """An image for a template's context: a PNG file or PNG bytes, ``width_cm`` wide, described in words (its alternative text)."""

    source: Path | bytes
    width_cm: float
    description: str

    def placed(self, document: DocxTemplate) -> InlineImage:
        """The image as docxtpl places it in ``document``, described for screen readers and tagged PDFs."""
        stream = io.BytesIO(self.source) if isinstance(self.source, bytes) else str(self.source)
        return _DescribedImage(document, stream, width=Cm(self.width_cm), description=self.description)


class _DescribedImage(InlineImage):
    """docxtpl's inline image with alternative text (``wp:docPr/@descr``)."""

    def __init__(self, tpl: DocxTemplate, descriptor: Any, *, width: Any, description: str) -> None:
        super().__init__(tpl, descriptor, width=width)
        self.description = description

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        for properties in inline.xpath(".//wp:docPr"):
            properties.set("descr", self.description)
        return f'</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'


def _with_images(value: Any, document: DocxTemplate) -> Any:
    """The context with every ``Picture`` made an image of ``document`` (other values as they are)."""
    if isinstance(value, Picture):
        return value.placed(document)
    if isinstance(value, dict):
        return {key: _with_images(item, document) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_images(item, document) for item in value]
    return value


class _CompiledOnceEnvironment(SandboxedEnvironment):
    """The sandbox, compiling each template part once per process.

    docxtpl hands the environment the same XML source every time a template is rendered; compiling it is
    most of the cost of a render, and a compiled template holds no state from the context it rendered.
    """

    _MAX_SOURCES = 64  # a handful of parts per template: room for every template many times over

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) >= self._MAX_SOURCES:
                self._compiled.clear()
            template = self._compiled[source] = super().from_string(source)
        return template


def jinja_environment() -> SandboxedEnvironment:
    """The only environment templates are rendered in: form text is data, never template code."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


@cache
def _rendering_environment() -> SandboxedEnvironment:
    """The process's rendering environment: sandboxed, autoescaping, strict, like ``jinja_environment``, and caching."""
    return _CompiledOnceEnvironment()


def document_text(document: Any) -> str:
    """A python-docx document's body text, a line per paragraph (tables' included), in reading order."""
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p")))


def _rendered(template: Path, context: dict[str, Any]) -> DocxTemplate:
    document = DocxTemplate(str(template))
    try:
        document.render(_with_images(context, document), jinja_env=_rendering_environment())
    except jinja2.TemplateError as exc:
        raise TemplateError(f"The template {template.name} cannot be rendered: {exc}. Run docgen check-templates and correct it.") from exc
    return document


def render_template(
    template: Path, context: dict[str, Any], out: Path, properties: dict[str, str] | None = None, explain: Explain | None = None
) -> None:
    """Renders one template with the context and saves the document to ``out``, with its title/subject/author set.

    With ``explain``, the document ends with "Words we use" for the terms its text holds: the terms are read from the
    document as rendered (its fixed words and the form's), then it is rendered again with them.
    """
    document = _rendered(template, context)
    if explain is not None:
        words = explain(document_text(document.docx))
        if words:
            document = _rendered(template, {**context, "words": words})
    core = document.docx.core_properties
    for name, value in (properties or {}).items():
        setattr(core, name, value[:255])  # plain text: python-docx escapes it
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)  # core properties are naive UTC
    core.created = core.modified = now
    core.last_modified_by, core.revision = "docgen", 1
    document.save(str(out))
