"""WordprocessingML as the form readers meet it: the namespaces, and the text, rows and cells of a document's XML.

Nothing here knows about fields or records: these helpers take lxml elements of ``word/document.xml``
(or a header or footer part) and give back plain text and element lists, read the way Word shows them
(placeholder prompts and the fallback copies Word keeps of text boxes left out), so every Word reader
counts rows, cells and text the same way.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MC_FALLBACK",
    "PR",
    "W14",
    "W15",
    "W",
    "control_alias",
    "control_tag",
    "in_fallback",
    "is_container",
    "row_cells",
    "runs_text",
    "table_rows",
    "text_of",
]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def control_tag(sdt: Any) -> str:
    """A content control's tag (the field path it is meant to hold), or "" when it has none."""
    tag = sdt.find(f"{W}sdtPr/{W}tag")
    return (tag.get(f"{W}val") or "").strip() if tag is not None else ""


def control_alias(sdt: Any) -> str:
    """A content control's title as Word shows it, or "" when it has none."""
    alias = sdt.find(f"{W}sdtPr/{W}alias")
    return (alias.get(f"{W}val") or "").strip() if alias is not None else ""


def in_fallback(element: Any) -> bool:
    """Whether ``element`` is in the fallback copy Word keeps of a text box (read once, from the main copy)."""
    return any(a.tag == MC_FALLBACK for a in element.iterancestors())


def is_container(sdt: Any) -> bool:
    """A control that holds other controls (a repeating section or a grouped block) has no value of its own."""
    content = sdt.find(f"{W}sdtContent")
    return content is not None and content.find(f".//{W}sdt") is not None


def table_rows(table: Any) -> list[Any]:
    """A table's own rows, including rows wrapped in row-level controls (repeating sections), not nested tables' rows."""
    out = []
    for child in table:
        if child.tag == f"{W}tr":
            out.append(child)
        elif child.tag == f"{W}sdt":
            out.extend(r for r in child.iter(f"{W}tr") if next(a for a in r.iterancestors() if a.tag == f"{W}tbl") is table)
    return out


def row_cells(row: Any) -> list[Any]:
    """A row's cells, a cell-level control standing in for the cell it wraps."""
    out = []
    for child in row:
        if child.tag == f"{W}tc":
            out.append(child)
        elif child.tag == f"{W}sdt":
            out.extend(child.iter(f"{W}tc"))
    return out


def text_of(element: Any) -> str:
    """All text in ``element``: runs joined, tabs kept, paragraphs and breaks as newlines, placeholders and deletions left out."""
    paragraphs = [p for p in element.iter(f"{W}p") if not _nested_paragraph(p, element)]
    if not paragraphs:
        return runs_text(element).strip()
    return "\n".join(runs_text(p) for p in paragraphs).strip()


def _nested_paragraph(paragraph: Any, top: Any) -> bool:
    # A paragraph inside a text box or a fallback copy is read with (or instead of) its outer one.
    for ancestor in paragraph.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in (f"{W}p", MC_FALLBACK):
            return True
    return False


def runs_text(element: Any) -> str:
    """The text of the runs in ``element``, without splitting it into paragraphs (placeholders and fallback copies left out)."""
    parts: list[str] = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if _skipped(node, element):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif node.tag == f"{W}br" and node.get(f"{W}type") in ("page", "column"):
            parts.append("\n")
        else:
            parts.append("\n")
    return "".join(parts)


def _skipped(node: Any, top: Any) -> bool:
    run = node.getparent()
    if run is not None and run.tag == f"{W}r":
        style = run.find(f"{W}rPr/{W}rStyle")
        # Word marks prompt text with the PlaceholderText style; LibreOffice keeps the style when it drops the flag.
        if style is not None and (style.get(f"{W}val") or "").lower() == "placeholdertext":
            return True
    for ancestor in node.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag == MC_FALLBACK:
            return True
    return False
