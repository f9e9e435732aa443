"""Refusing Office packages that carry macros: a form published with its VBA would be opened by staff from the case page.

Word and Excel forms from ``docgen forms`` never hold macros, so a ``vbaProject`` part, a macro-enabled content
type or an ActiveX control means the file was made some other way: it is refused with a report, never published.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docgen.errors import UnsafeFormError

__all__ = ["refuse_macros"]

_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MACRO_TYPES = ("vbaproject", "macroenabled", "vbadata", "activex")
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "/activex/")


def refuse_macros(name: str, parts: Iterable[str], content_types: Any) -> None:
    """Raises ``UnsafeFormError`` when the package (its part names, its parsed ``[Content_Types].xml``) carries macros."""
    declared = [
        (element.get("ContentType") or "").lower()
        for tag in ("Default", "Override")
        for element in content_types.iter(f"{_CONTENT_TYPES_NS}{tag}")
    ]
    found = any(marker in t for t in declared for marker in _MACRO_TYPES) or any(
        marker in f"/{part.lower()}" for part in parts for marker in _MACRO_PARTS
    )
    if found:
        raise UnsafeFormError(
            f"{name} was refused: it carries macros (a VBA project or ActiveX controls), which meeting forms never have "
            "and which would run on the computer of whoever opened it. Fill in a fresh form from `docgen forms` "
            "(or save this one as a plain .docx or .xlsx, not .docm or .xlsm) and drop it in again."
        )
