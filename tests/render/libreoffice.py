"""Helpers for the tests that run the real LibreOffice: its processes, and what a PDF declares about itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader


def group_processes(leader: int, name: str = "soffice.bin") -> list[int]:
    """The ids of the processes called ``name`` in the process group led by ``leader`` (a converter's LibreOffice)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == leader and command == name:
            found.append(int(stat.parent.name))
    return found


def structure_types(pdf: PdfReader) -> list[tuple[str, Any]]:
    """Every element of the PDF's structure tree (tags) as (type, alternative text), in reading order."""
    found: list[tuple[str, Any]] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S"):
            found.append((str(node["/S"]), node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    return found


def unembedded_fonts(pdf: PdfReader) -> list[str]:
    """The fonts a PDF uses without carrying them (PDF/A needs every one embedded)."""
    missing = []
    for page in pdf.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def pdfa_part(pdf: PdfReader) -> tuple[str | None, str | None]:
    """The PDF/A part and conformance the PDF's XMP metadata declares, e.g. ("2", "B") (as elements or attributes)."""
    from xml.etree import ElementTree

    metadata = pdf.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None, None
    xmp = ElementTree.fromstring(metadata.get_object().get_data())
    namespace = "{http://www.aiim.org/pdfa/ns/id/}"
    found: dict[str, str | None] = {"part": None, "conformance": None}
    for element in xmp.iter():
        for name in found:
            if element.tag == namespace + name:
                found[name] = (element.text or "").strip()
            elif namespace + name in element.attrib:
                found[name] = element.attrib[namespace + name]
    return found["part"], found["conformance"]


def gone(pid: int, within: float = 5.0) -> bool:
    """True once process ``pid`` has ended (a zombie waiting for init to reap it counts as ended)."""
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        if text[text.rindex(")") + 2] == "Z":
            return True
        time.sleep(0.05)
    return False
