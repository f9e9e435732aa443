"""Building Word and Excel forms for tests from raw WordprocessingML snippets and openpyxl calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml

NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
)
RECORD = json.loads((Path(__file__).resolve().parent.parent / "records" / "initial-two-children.json").read_text(encoding="utf-8"))


def write_docx(path: Path, body: str) -> Path:
    """A .docx whose body is ``body`` (WordprocessingML elements, namespaces supplied here)."""
    document = docx.Document()
    element = document.element.body
    for child in list(element):
        if not child.tag.endswith("sectPr"):
            element.remove(child)
    wrapper = parse_xml(f"<w:body {NAMESPACES}>{body}</w:body>")
    for index, child in enumerate(list(wrapper)):
        element.insert(index, child)
    document.save(str(path))
    return path


def run(text: str) -> str:
    """One run of text; newlines become breaks."""
    pieces = [f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\n")]
    return "<w:r>" + "<w:br/>".join(pieces) + "</w:r>"


def para(*inner: str) -> str:
    """A paragraph holding ``inner`` (runs or run-level controls)."""
    return "<w:p>" + "".join(inner) + "</w:p>"


def control(tag: str | None, content: str, *, alias: str | None = None, extra: str = "", placeholder: bool = False) -> str:
    """A content control (``w:sdt``) around ``content``; ``extra`` goes into its properties."""
    properties = ""
    if alias:
        properties += f'<w:alias w:val="{escape(alias)}"/>'
    if tag is not None:
        properties += f'<w:tag w:val="{escape(tag)}"/>'
    if placeholder:
        properties += "<w:showingPlcHdr/>"
    return f"<w:sdt><w:sdtPr>{properties}{extra}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def text_control(tag: str | None, text: str, **options: Any) -> str:
    """A run-level plain text control holding ``text``."""
    return control(tag, run(text), **options)


def date_control(tag: str | None, shown: str, full: str | None) -> str:
    """A date picker showing ``shown`` with ``w:fullDate`` ``full``."""
    full_attr = f' w:fullDate="{full}T00:00:00Z"' if full else ""
    extra = f'<w:date{full_attr}><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="en-GB"/></w:date>'
    return control(tag, run(shown), extra=extra)


def dropdown(tag: str | None, shown: str, items: list[tuple[str, str]], *, combo: bool = False) -> str:
    """A drop-down list (or combo box) showing ``shown``; items are (display text, value)."""
    kind = "w:comboBox" if combo else "w:dropDownList"
    listed = "".join(f'<w:listItem w:displayText="{escape(d)}" w:value="{escape(v)}"/>' for d, v in items)
    return control(tag, run(shown), extra=f"<{kind}>{listed}</{kind}>")


def checkbox(tag: str | None, checked: bool) -> str:
    """A Word 2010 check box control."""
    state = "1" if checked else "0"
    extra = f'<w14:checkbox><w14:checked w14:val="{state}"/></w14:checkbox>'
    return control(tag, run("☒" if checked else "☐"), extra=extra)


def legacy_checkbox(checked: bool | None, default: bool = False) -> str:
    """Runs of a legacy FORMCHECKBOX field (``checked`` None leaves only the default)."""
    state = "" if checked is None else f'<w:checked w:val="{int(checked)}"/>'
    return (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/>'
        f'<w:checkBox><w:sizeAuto/><w:default w:val="{int(default)}"/>{state}</w:checkBox></w:ffData></w:fldChar></w:r>'
        '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def cell(*inner: str) -> str:
    """A table cell holding paragraphs (bare text becomes a paragraph)."""
    body = "".join(i if i.startswith("<w:p") or (i.startswith("<w:sdt><w:sdtPr") and "<w:p>" in i) else para(i) for i in inner)
    return f"<w:tc>{body or '<w:p/>'}</w:tc>"


def row(*cells: str) -> str:
    """A table row."""
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def table(*rows: str) -> str:
    """A table."""
    return "<w:tbl><w:tblPr/>" + "".join(rows) + "</w:tbl>"


def macro_enabled_copy(source: Path, target: Path, main_type: str, macro_type: str, vba_part: str) -> Path:
    """A copy of a Word or Excel file declared macro-enabled, with a VBA project whose macro would start a program."""
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(main_type.encode(), macro_type.encode()).replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
                )
            out.writestr(item, data)
        out.writestr(vba_part, b'\xd0\xcf\x11\xe0 Sub AutoOpen() Shell("calc.exe")')
    return target
