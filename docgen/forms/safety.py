"""Recognising a dropped file by its content and refusing anything unsafe before a reader touches it.

Everything here works on bytes and zip metadata only: sizes are checked before anything is
inflated, XML is parsed with DTDs forbidden and entities never expanded or fetched, and a package
carrying macros is refused (``docgen.forms.macros``). Each refusal is a ``FormError`` whose message says what the
file is and what to do about it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree

from docgen.errors import EncryptedFormError, IncompleteFormError, NotAFormError, UnsafeFormError
from docgen.forms.macros import refuse_macros

__all__ = [
    "MAX_ENTRIES",
    "MAX_FORM_BYTES",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_XML_PART_BYTES",
    "Package",
    "open_package",
    "parse_xml",
    "sniff",
]

MB = 1024 * 1024
#: A completed meeting form is well under 1 MB; pasted photos can add a few more.
MAX_FORM_BYTES = 10 * MB
#: Zip limits, checked on the central directory before anything is inflated.
MAX_ENTRIES = 1000
MAX_XML_PART_BYTES = 16 * MB
MAX_PART_BYTES = 32 * MB
MAX_TOTAL_BYTES = 96 * MB
#: Office XML compresses 5-50 times; a zip bomb hundreds or thousands of times.
MAX_RATIO = 250
_RATIO_FROM_BYTES = 2 * MB

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_WORD_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
_EXCEL_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# A DTD has no business in Office XML: its presence alone marks a hostile part.
_DTD_MARKERS = tuple(marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# A part that lies about its size fails its CRC check (BadZipFile); broken deflate data raises zlib.error.
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)

_AGAIN = "open it in Word or Excel, save it again as .docx or .xlsx and drop it in again"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False)


def parse_xml(data: bytes, name: str, part: str) -> Any:
    """``data`` parsed as XML with DTDs refused and nothing expanded or fetched; the root element."""
    _refuse_dtd(data, name, part)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower() or "huge" in str(exc).lower():
            raise UnsafeFormError(
                f"{name} nests its contents too deeply to be a meeting form ({part}): check it is the right file."
            ) from exc
        raise NotAFormError(f"{name} is damaged: its part {part} is not well-formed XML ({exc}). To fix it, {_AGAIN}.") from exc
    if root.getroottree().docinfo.doctype:
        raise _dtd_error(name, part)
    return root


def _dtd_error(name: str, part: str) -> UnsafeFormError:
    return UnsafeFormError(
        f"{name} was refused: its part {part} declares a DTD or XML entities, which Word and Excel never write "
        "and which can be used to attack the reader. Save the form again from Word or Excel (or use a fresh one from "
        "`docgen forms`) and drop it in again."
    )


def _refuse_dtd(data: bytes, name: str, part: str) -> None:
    if any(marker in data for marker in _DTD_MARKERS):
        raise _dtd_error(name, part)


def sniff(path: Path) -> str:
    """What ``path`` holds, by content: ``"json"`` or ``"zip"`` (read on with ``open_package``); anything else raises a ``FormError``."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise NotAFormError(f"{name} is empty (0 bytes): save the completed form again and drop it in.")
    if size > MAX_FORM_BYTES:
        raise UnsafeFormError(
            f"{name} is {size / MB:.1f} MB, larger than any meeting form docgen reads (limit {MAX_FORM_BYTES // MB} MB): "
            "check it is the right file, remove any pasted pictures, and drop it in again."
        )
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head.startswith(_OLE_MAGIC):
        raise _ole_error(path)
    if head.startswith(_ZIP_MAGICS):
        return "zip"  # open_package tells a Word form from an Excel one, and refuses the rest
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        raise NotAFormError(
            f"{name} is a Rich Text (.rtf) document, not a form: open it in Word, save it as a Word document (.docx) and drop that in."
        )
    if stripped[:1] in (b"{", b"["):
        return "json"
    raise NotAFormError(
        f"{name} is {_describe(stripped)}, not a Word (.docx) or Excel (.xlsx) meeting form: fill in the current form from `docgen forms` and drop that in."
    )


def _describe(head: bytes) -> str:
    known = (
        (b"%PDF", "a PDF"),
        (b"\x89PNG", "a PNG picture"),
        (b"\xff\xd8\xff", "a JPEG picture"),
        (b"GIF8", "a GIF picture"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"<?xml", "an XML file"),
        (b"<html", "a web page"),
        (b"<!doctype html", "a web page"),
        (b"MZ", "a Windows program"),
        (b"\x7fELF", "a program"),
    )
    lowered = head[:16].lower()
    for magic, words in known:
        if lowered.startswith(magic.lower()):
            return words
    return "not a document docgen recognises"


# ---------------------------------------------------------------- OLE compound files (.doc, .xls, encrypted OOXML)


def _ole_error(path: Path) -> Exception:
    names = _ole_stream_names(path)
    name = path.name
    if names & {"encryptioninfo", "encryptedpackage"}:
        return EncryptedFormError(
            f"{name} is a password-protected Word or Excel file, so docgen cannot read it: "
            "save it without a password (File > Info > Protect > Encrypt with Password, clear the password) and drop it in again."
        )
    if "worddocument" in names:
        return NotAFormError(
            f"{name} is an old-style Word 97-2003 document (.doc), which docgen does not read: "
            "open it in Word, choose File > Save As > Word Document (.docx), and drop the .docx in."
        )
    if names & {"workbook", "book"}:
        return NotAFormError(
            f"{name} is an old-style Excel 97-2003 workbook (.xls), which docgen does not read: "
            "open it in Excel, choose File > Save As > Excel Workbook (.xlsx), and drop the .xlsx in."
        )
    return NotAFormError(
        f"{name} is an old-style Office file (not .docx or .xlsx), which docgen does not read: "
        "open it in Word or Excel, save it as .docx or .xlsx, and drop that in."
    )


def _ole_stream_names(path: Path) -> set[str]:
    """The lower-cased names in an OLE file's directory; a raw byte scan when the structure is broken."""
    data = path.read_bytes()  # at most MAX_FORM_BYTES: sniff checked the size first
    try:
        return _ole_directory(data)
    except (struct.error, IndexError, ValueError):
        wanted = ("EncryptionInfo", "EncryptedPackage", "WordDocument", "Workbook", "Book")
        return {w.lower() for w in wanted if w.encode("utf-16-le") in data}


def _ole_directory(data: bytes) -> set[str]:
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if sector_size not in (512, 4096):
        raise ValueError("odd sector size")
    sectors = len(data) // sector_size

    def sector(n: int) -> bytes:
        if not 0 <= n < sectors:
            raise ValueError("sector outside the file")
        return data[(n + 1) * sector_size : (n + 2) * sector_size]

    per_sector = sector_size // 4
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < 0xFFFFFFFA]
    difat = struct.unpack_from("<I", data, 0x44)[0]
    for _ in range(sectors):  # extended DIFAT chain, bounded by the file's size
        if difat >= 0xFFFFFFFA:
            break
        entries = struct.unpack(f"<{per_sector}I", sector(difat))
        fat_sectors.extend(n for n in entries[:-1] if n < 0xFFFFFFFA)
        difat = entries[-1]
    fat: list[int] = []
    for n in fat_sectors:
        fat.extend(struct.unpack(f"<{per_sector}I", sector(n)))
    names: set[str] = set()
    current = struct.unpack_from("<I", data, 0x30)[0]
    for _ in range(sectors):  # a looping chain cannot run longer than the file has sectors
        if current >= 0xFFFFFFFA:
            break
        block = sector(current)
        for offset in range(0, sector_size, 128):
            length = struct.unpack_from("<H", block, offset + 0x40)[0]
            if block[offset + 0x42] in (1, 2, 5) and 2 <= length <= 64:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace").lower())
        current = fat[current] if current < len(fat) else 0xFFFFFFFE
    if not names:
        raise ValueError("empty directory")
    return names


# ---------------------------------------------------------------- zip packages (.docx, .xlsx)


@dataclass
class Package:
    """An Office zip package that passed the size and XML checks; parts are read through it."""

    path: Path
    archive: zipfile.ZipFile
    kind: str = ""  # "docx" or "xlsx"
    main_part: str = ""
    content_types: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The dropped file's name, for messages."""
        return self.path.name

    def has(self, part: str) -> bool:
        """Whether the package holds ``part`` (no leading slash)."""
        return part in self.archive.NameToInfo

    def read(self, part: str) -> bytes:
        """The bytes of ``part``; the central directory checks already bound its size."""
        try:
            return self.archive.read(part)
        except KeyError as exc:
            raise NotAFormError(f"{self.name} is damaged: it has no {part}. To fix it, {_AGAIN}.") from exc
        except _UNPACK_ERRORS as exc:
            raise NotAFormError(f"{self.name} is damaged ({part} cannot be unpacked: {exc}). To fix it, {_AGAIN}.") from exc

    def xml(self, part: str) -> Any:
        """``part`` parsed as hardened XML: its root element."""
        return parse_xml(self.read(part), self.name, part)

    def stream(self) -> IO[bytes]:
        """The package file itself, for libraries (openpyxl) that open the zip again."""
        return open(self.path, "rb")


@contextmanager
def open_package(path: Path) -> Iterator[Package]:
    """``path`` opened as a checked Word or Excel package; anything else raises a ``FormError``."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        if "not a zip file" in str(exc).lower():
            # No end-of-central-directory record: the copy has not finished, or it was cut short.
            raise IncompleteFormError(
                f"{name} is cut short (the end of the file is missing): its copy did not finish, or it was not saved "
                "completely. Copy or save the form again and drop it into the inbox again."
            ) from exc
        raise NotAFormError(f"{name} is damaged ({exc}). To fix it, {_AGAIN}.") from exc
    except (OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise NotAFormError(f"{name} is damaged ({exc}). To fix it, {_AGAIN}.") from exc
    with archive:
        package = Package(path, archive)
        _check_sizes(package)
        _recognise(package)
        _scan_xml(package)
        yield package


def _check_sizes(package: Package) -> None:
    """Refuses a zip whose central directory promises too many or too large parts, before anything is inflated."""
    infos = package.archive.infolist()
    name = package.name
    if len(infos) > MAX_ENTRIES:
        raise UnsafeFormError(
            f"{name} was refused: it packs {len(infos):,} parts, far more than any Word or Excel form (limit {MAX_ENTRIES:,}). "
            "Check it is the right file."
        )
    seen: set[str] = set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedFormError(
                f"{name} is locked with a zip password, which Word and Excel never use for their own files: "
                "unlock it (or save the form again from Word or Excel) and drop it in again."
            )
        if info.filename in seen:
            raise UnsafeFormError(
                f"{name} was refused: it holds two parts named {info.filename}, which Word and Excel never write. To fix it, {_AGAIN}."
            )
        seen.add(info.filename)
        limit = MAX_XML_PART_BYTES if info.filename.lower().endswith(_XML_SUFFIXES) else MAX_PART_BYTES
        if info.file_size > limit:
            raise UnsafeFormError(
                f"{name} was refused: its part {info.filename} unpacks to {info.file_size / MB:,.1f} MB "
                f"(limit {limit // MB} MB), far more than any meeting form. Check it is the right file."
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise UnsafeFormError(
            f"{name} was refused: it unpacks to {total / MB:,.0f} MB in all (limit {MAX_TOTAL_BYTES // MB} MB), "
            "far more than any meeting form. Check it is the right file and remove any large pictures."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise UnsafeFormError(
                f"{name} was refused: its part {info.filename} would unpack {ratio:,.0f} times larger than it is stored, "
                "the mark of a zip bomb. Check it is the right file; save the form again from Word or Excel."
            )


def _recognise(package: Package) -> None:
    name = package.name
    if not package.has("[Content_Types].xml"):
        if package.has("mimetype"):
            mimetype = package.read("mimetype")[:100].decode("ascii", "replace")
            if "opendocument" in mimetype:
                what = "an OpenDocument spreadsheet (.ods)" if "spreadsheet" in mimetype else "an OpenDocument file (.odt)"
                raise NotAFormError(
                    f"{name} is {what}, which docgen does not read: save it as a Word document (.docx) or Excel workbook (.xlsx) and drop that in."
                )
        raise NotAFormError(f"{name} is a zip archive, not a Word or Excel form: drop in the completed .docx or .xlsx form itself.")
    root = parse_xml(package.read("[Content_Types].xml"), name, "[Content_Types].xml")
    types: dict[str, str] = {}
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        types[override.get("PartName", "").lstrip("/")] = override.get("ContentType", "")
    package.content_types = types
    refuse_macros(name, package.archive.namelist(), root)
    for part, content_type in types.items():
        if content_type in _WORD_TYPES:
            package.kind, package.main_part = "docx", part
            return
        if content_type in _EXCEL_TYPES:
            package.kind, package.main_part = "xlsx", part
            return
    every = " ".join(types.values())
    if "presentationml" in every:
        raise NotAFormError(
            f"{name} is a PowerPoint presentation, not a meeting form: fill in the Word or Excel form from `docgen forms` and drop that in."
        )
    if "sheet.binary" in every:
        raise NotAFormError(
            f"{name} is an Excel binary workbook (.xlsb), which docgen does not read: save it as an Excel Workbook (.xlsx) and drop that in."
        )
    raise NotAFormError(
        f"{name} is an Office package but not a Word document or Excel workbook: drop in the completed .docx or .xlsx form."
    )


def _scan_xml(package: Package) -> None:
    """Refuses any XML part that declares a DTD, before a reader (ours or openpyxl's) parses it."""
    for info in package.archive.infolist():
        if not info.filename.lower().endswith(_XML_SUFFIXES):
            continue
        tail = b""
        try:
            with package.archive.open(info) as part:
                while chunk := part.read(MB):
                    window = tail + chunk
                    _refuse_dtd(window, package.name, info.filename)
                    tail = window[-32:]
        except _UNPACK_ERRORS as exc:
            raise NotAFormError(f"{package.name} is damaged ({info.filename} cannot be unpacked: {exc}). To fix it, {_AGAIN}.") from exc
