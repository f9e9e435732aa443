"""A corpus of files that are not forms, or are built to harm a reader: each with the refusal it must get."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from docgen.errors import EncryptedFormError, FormError, IncompleteFormError, NotAFormError, UnsafeFormError
from tests.forms.builders import para, run, text_control, write_docx

MB = 1024 * 1024
SAMPLES = Path(__file__).resolve().parent / "samples"
DOC_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@dataclass(frozen=True)
class Hostile:
    """One file of the corpus and what reading it must raise (the message starts with the file name and holds ``says``)."""

    name: str
    error: type[FormError]
    says: str
    build: Callable[[Path], None]


def _docx_bytes(body: str = "") -> bytes:
    buffer = io.BytesIO()
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"docgen-hostile-{os.getpid()}.docx"
    write_docx(path, body or para(text_control("case.reference", "CIN-1")))
    buffer.write(path.read_bytes())
    path.unlink()
    return buffer.getvalue()


def _replace_part(target: Path, part: str, data: bytes | None, extra: dict[str, bytes] | None = None, base: bytes | None = None) -> None:
    """A copy of a small valid form with ``part`` replaced (or dropped when ``data`` is None) and ``extra`` parts added."""
    source = zipfile.ZipFile(io.BytesIO(base or _docx_bytes()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename == part:
                if data is not None:
                    out.writestr(part, data)
            else:
                out.writestr(item, source.read(item))
        if data is not None and part not in source.NameToInfo:
            out.writestr(part, data)
        for name, content in (extra or {}).items():
            out.writestr(name, content)


def _xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.title = "Form"
    workbook.active.append(("case.reference", "CIN-1"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ole_file(streams: list[str], storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE compound file (as .doc, .xls and encrypted .docx are) holding the named streams."""
    sector = 512
    entries = [("Root Entry", 5)] + [(s, 1) for s in storages] + [(s, 2) for s in streams]
    assert len(entries) <= 4, "one directory sector holds four entries"
    stream_sectors = 8  # each stream 4 KB: at the mini-stream cut-off, so it lives in ordinary sectors
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    data = b""
    starts: list[int] = []
    for _ in streams:
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + stream_sectors))
        fat.append(0xFFFFFFFE)
        data += b"\x00" * (stream_sectors * sector)
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", 0, *([0xFFFFFFFF] * 108))
    directory = b""
    stream_index = 0
    for index, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        right = index + 1 if 0 < index < len(entries) - 1 else 0xFFFFFFFF
        child = 1 if index == 0 and len(entries) > 1 else 0xFFFFFFFF
        start, size = 0xFFFFFFFE, 0
        if kind == 2:
            start, size = starts[stream_index], stream_sectors * sector
            stream_index += 1
        directory += encoded.ljust(64, b"\x00") + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
        directory += b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16 + struct.pack("<IQ", start, size)
    directory = directory.ljust(sector, b"\x00")
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + data


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _truncated(path: Path) -> None:
    whole = _docx_bytes()
    path.write_bytes(whole[: len(whole) // 2])


def _size_bomb(path: Path) -> None:
    # 200 MB of blanks inside a valid document part: a few hundred KB on disk.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="{DOC_MAIN}"/></Types>',
        )
        with out.open("word/document.xml", "w") as part:
            part.write(b"<w:document>")
            block = b" " * MB
            for _ in range(200):
                part.write(block)


def _ratio_bomb(path: Path) -> None:
    # 12 MB of shared strings (under the per-part limit) that pack a thousand times smaller.
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * (12 * MB // 17) + b"</sst>"
    )
    _replace_part(path, "xl/sharedStrings.xml", strings, base=_xlsx_bytes())


def _lying_total(path: Path) -> None:
    # The central directory claims four 30 MB pictures: refused on the claim, before anything is inflated.
    buffer = io.BytesIO()
    _replace_part_to(buffer, {f"word/media/image{i}.png": b"\x89PNG" + b"\x00" * 100 for i in range(4)})
    data = bytearray(buffer.getvalue())
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length].startswith(b"word/media/"):
            struct.pack_into("<I", data, position + 24, 30 * MB)
            struct.pack_into("<I", data, position + 20, 30 * MB // 2)  # a believable packing ratio
        position += 4
    path.write_bytes(bytes(data))


def _replace_part_to(buffer: io.BytesIO, extra: dict[str, bytes]) -> None:
    source = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for item in source.infolist():
            out.writestr(item.filename, source.read(item))
        for name, content in extra.items():
            out.writestr(name, content)


def _lying_small(path: Path) -> None:
    # The central directory claims the document part is 100 bytes; it inflates to far more and fails its check.
    buffer = io.BytesIO()
    _replace_part_to(buffer, {})
    data = bytearray(buffer.getvalue())
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, position + 24, 100)
        position += 4
    path.write_bytes(bytes(data))


def _zip_password(path: Path) -> None:
    # Mark every part as encrypted, as a zip tool's password does.
    data = bytearray(_docx_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            flags = struct.unpack_from("<H", data, position + offset)[0]
            struct.pack_into("<H", data, position + offset, flags | 0x1)
            position += 4
    path.write_bytes(bytes(data))


def _many_parts(path: Path) -> None:
    _replace_part(path, "", None, extra={f"customXml/extra{i}.xml": b"<a/>" for i in range(1500)})


def _duplicate_parts(path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        _replace_part(path, "", None, extra={"word/document.xml": b"<evil/>"})


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10))
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;&net;</w:t></w:r></w:p></w:body></w:document>'
)


def _xlsx_external_entity(path: Path) -> None:
    strings = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
    )
    _replace_part(path, "xl/sharedStrings.xml", strings, base=_xlsx_bytes())


def _utf16_dtd(path: Path) -> None:
    _replace_part(
        path,
        "word/document.xml",
        EXTERNAL_ENTITY.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16"),
    )


def _deep_nesting(path: Path) -> None:
    deep = b"<w:p>" * 5000 + b"</w:p>" * 5000
    document = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + deep + b"</w:body></w:document>"
    )
    _replace_part(path, "word/document.xml", document)


def _long_cell(path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Form"
    workbook.active.append(("Child's views", "x"))
    workbook.active.append(("Meeting date", "2/11/2026"))
    workbook.active.append(("Scaling comment", "blah " * 6500))
    workbook.save(path)


def _too_many_controls(path: Path) -> None:
    rows = "".join(f"<w:tr><w:tc>{para(text_control('children.first_name', 'A'))}</w:tc></w:tr>" for _ in range(6000))
    path.write_bytes(_docx_bytes(f"<w:tbl>{rows}</w:tbl>"))


def _odt(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        out.writestr("content.xml", "<office:document-content/>")


def _pptx(path: Path) -> None:
    presentation = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    types = f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="{presentation}"/></Types>'
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("[Content_Types].xml", types)
        out.writestr("ppt/presentation.xml", "<p:presentation/>")


def _plain_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("minutes.txt", "Minutes of the meeting")


def _oversized(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.write(os.urandom(11 * MB))


CORPUS: tuple[Hostile, ...] = (
    Hostile("empty.docx", NotAFormError, "is empty (0 bytes)", _write(b"")),
    Hostile("notes.docx", NotAFormError, "is not a document docgen recognises", _write(b"Minutes of the CIN meeting\n")),
    Hostile(
        "scan.docx", NotAFormError, "is a PDF, not a Word (.docx) or Excel (.xlsx) meeting form", _write(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    ),
    Hostile("letter.xlsx", NotAFormError, "is a Rich Text (.rtf) document", _write(b"{\\rtf1\\ansi Meeting}")),
    Hostile("record.docx", NotAFormError, "is not valid JSON", _write(b"{case: 1")),
    Hostile("half-copied.docx", IncompleteFormError, "is cut short", _truncated),
    Hostile("old-word.docx", NotAFormError, "is an old-style Word 97-2003 document (.doc)", _write(ole_file(["WordDocument", "1Table"]))),
    Hostile("old-excel.xlsx", NotAFormError, "is an old-style Excel 97-2003 workbook (.xls)", _write(ole_file(["Workbook"]))),
    Hostile(
        "locked.docx",
        EncryptedFormError,
        "is a password-protected Word or Excel file",
        _write(ole_file(["EncryptionInfo", "EncryptedPackage"], storages=("\x06DataSpaces",))),
    ),
    Hostile("zip-password.docx", EncryptedFormError, "is locked with a zip password", _zip_password),
    Hostile("bomb.docx", UnsafeFormError, "its part word/document.xml unpacks to 200.0 MB", _size_bomb),
    Hostile("ratio-bomb.xlsx", UnsafeFormError, "times larger than it is stored, the mark of a zip bomb", _ratio_bomb),
    Hostile("claims-120mb.docx", UnsafeFormError, "unpacks to 121 MB in all", _lying_total),
    Hostile("lies-about-size.docx", NotAFormError, "is damaged", _lying_small),
    Hostile("many-parts.docx", UnsafeFormError, "packs 1,5", _many_parts),
    Hostile("duplicate-parts.docx", UnsafeFormError, "holds two parts named word/document.xml", _duplicate_parts),
    Hostile(
        "billion-laughs.docx",
        UnsafeFormError,
        "declares a DTD or XML entities",
        lambda p: _replace_part(p, "word/document.xml", BILLION_LAUGHS),
    ),
    Hostile(
        "external-entity.docx",
        UnsafeFormError,
        "declares a DTD or XML entities",
        lambda p: _replace_part(p, "word/document.xml", EXTERNAL_ENTITY),
    ),
    Hostile("external-entity.xlsx", UnsafeFormError, "its part xl/sharedStrings.xml declares a DTD", _xlsx_external_entity),
    Hostile("utf16-entity.docx", UnsafeFormError, "declares a DTD or XML entities", _utf16_dtd),
    Hostile("deep.docx", UnsafeFormError, "nests its contents too deeply", _deep_nesting),
    Hostile(
        "broken-xml.docx",
        NotAFormError,
        "is damaged: its part word/document.xml is not well-formed XML",
        lambda p: _replace_part(p, "word/document.xml", b"<w:document><w:body>"),
    ),
    Hostile(
        "no-document.docx", NotAFormError, "is damaged: it has no word/document.xml", lambda p: _replace_part(p, "word/document.xml", None)
    ),
    Hostile(
        "long-field.docx",
        UnsafeFormError,
        "holds 200,000 characters, far more than any meeting form",
        lambda p: p.write_bytes(_docx_bytes(para(run("Case reference")) + para(text_control("meeting.venue", "v" * 200_000)))),
    ),
    Hostile("long-cell.xlsx", UnsafeFormError, "The form's 'Scaling comment' field (Form!B3) holds 32,500 characters", _long_cell),
    Hostile(
        "broken-sheet.xlsx",
        NotAFormError,
        "is damaged: docgen cannot open it as an Excel workbook",
        lambda p: _replace_part(
            p,
            "xl/worksheets/sheet1.xml",
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x',
            base=_xlsx_bytes(),
        ),
    ),
    Hostile("many-controls.docx", UnsafeFormError, "holds 6,000 content controls", _too_many_controls),
    Hostile("minutes.zip.docx", NotAFormError, "is a zip archive, not a Word or Excel form", _plain_zip),
    Hostile("form.odt.docx", NotAFormError, "is an OpenDocument file (.odt)", _odt),
    Hostile("slides.docx", NotAFormError, "is a PowerPoint presentation", _pptx),
    Hostile("huge.docx", UnsafeFormError, "larger than any meeting form docgen reads (limit 10 MB)", _oversized),
    Hostile(
        "huge-number.json",
        NotAFormError,
        "holds a number thousands of digits long",
        _write(b'{"scaling": {"score": 1' + b"0" * 100_000 + b"}}"),
    ),
    Hostile(
        "word-97-2003.doc",
        NotAFormError,
        "is an old-style Word 97-2003 document (.doc)",
        _write((SAMPLES / "word-97-2003.doc").read_bytes()),
    ),
    Hostile(
        "excel-97-2003.xls",
        NotAFormError,
        "is an old-style Excel 97-2003 workbook (.xls)",
        _write((SAMPLES / "excel-97-2003.xls").read_bytes()),
    ),
)


def build_corpus(folder: Path) -> dict[str, Path]:
    """Writes every hostile file into ``folder``; returns name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in CORPUS:
        path = folder / case.name
        case.build(path)
        paths[case.name] = path
    return paths
