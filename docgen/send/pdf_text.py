"""Plain text on PDF pages with pypdf alone: cover letters, covering notes and page numbers for the print pack.

Positions are in millimetres from the page's top left corner, as a letter is measured; text is set in
the standard Helvetica fonts (every PDF reader has them), encoded as Windows-1252.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PageObject, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject

__all__ = ["A4", "MM", "TextPage", "text_width_mm"]

MM = 72 / 25.4  # points per millimetre
A4 = (210.0, 297.0)

# Helvetica's advance widths (per 1000 units) for the printable ASCII range; other characters use the average
# fmt: off
_HELVETICA = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
    278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
# fmt: on


def text_width_mm(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in Helvetica at ``size`` points, in millimetres (bold about 5% wider)."""
    units = sum(_HELVETICA[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in text)
    return units * size / 1000 / MM * (1.05 if bold else 1.0)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


@dataclass
class TextPage:
    """One page being written: ``line`` places text, ``wrap`` flows a paragraph, ``page()`` gives the pypdf page."""

    width_mm: float = A4[0]
    height_mm: float = A4[1]
    _ops: list[bytes] = field(default_factory=list)
    #: (x, y from top, width, size, text) of everything placed: what tests measure
    placed: list[tuple[float, float, float, float, str]] = field(default_factory=list)

    def line(self, x_mm: float, y_mm: float, text: str, *, size: float = 11, bold: bool = False, right: bool = False) -> None:
        """Text whose baseline is ``y_mm`` from the top; ``right`` aligns its end at ``x_mm``."""
        width = text_width_mm(text, size, bold)
        left = x_mm - width if right else x_mm
        font = b"/F2" if bold else b"/F1"
        x, y = left * MM, (self.height_mm - y_mm) * MM
        self._ops.append(b"BT " + font + b" %.2f Tf %.2f %.2f Td (" % (size, x, y) + _escape(text) + b") Tj ET")
        self.placed.append((left, y_mm, width, size, text))

    def wrap(self, x_mm: float, y_mm: float, width_mm: float, text: str, *, size: float = 11, leading_mm: float = 5.5) -> float:
        """A paragraph broken into lines no wider than ``width_mm``; returns the baseline after it."""
        words, current = text.split(), ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and text_width_mm(trial, size) > width_mm:
                self.line(x_mm, y_mm, current, size=size)
                y_mm, current = y_mm + leading_mm, word
            else:
                current = trial
        if current:
            self.line(x_mm, y_mm, current, size=size)
            y_mm += leading_mm
        return y_mm

    def page(self, writer: PdfWriter) -> PageObject:
        """The finished page (fonts in its resources), added to nothing yet."""
        page = PageObject.create_blank_page(writer, width=self.width_mm * MM, height=self.height_mm * MM)
        fonts = DictionaryObject()
        for name, base in (("/F1", "/Helvetica"), ("/F2", "/Helvetica-Bold")):
            fonts[NameObject(name)] = writer._add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Font"),
                        NameObject("/Subtype"): NameObject("/Type1"),
                        NameObject("/BaseFont"): NameObject(base),
                        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                    }
                )
            )
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        stream = ContentStream(None, writer)
        stream.set_data(b"\n".join(self._ops))
        page.replace_contents(stream)
        return page
