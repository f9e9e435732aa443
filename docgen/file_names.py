"""Safe names for files that arrive from outside (uploads and inbox drops), before docgen keeps or publishes them.

Staff open the inbox, ``rejected/`` and the outbox through a Windows file share, where ``CON.docx`` or ``nul.xlsx``
cannot be opened, copied or deleted, and a name holding a right-to-left override shows ``form‮xcod.exe`` as
something it is not. Such names are changed; every other name is kept exactly as it came.
"""

from __future__ import annotations

import unicodedata

__all__ = ["safe_file_name"]

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]}
)
_FORBIDDEN = set('/\\:*?"<>|')
#: control, format (bidi overrides, zero-width), surrogate, private-use, unassigned, line and paragraph separators
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MAX_NAME = 120


def _unsafe(char: str) -> bool:
    return char in _FORBIDDEN or unicodedata.category(char) in _UNSAFE_CATEGORIES


def safe_file_name(name: str, fallback: str = "form") -> str:
    """``name`` without folders, with ``_`` for characters a share cannot hold or that disguise it, never a reserved device name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join("_" if _unsafe(char) else char for char in base).strip().rstrip(". ")  # Windows drops trailing dots and spaces
    stem, dot, suffix = base.partition(".")
    if stem.rstrip(" ").upper() in _WINDOWS_RESERVED:  # "nul.xlsx" is the device NUL to Windows, whatever follows
        base = f"{stem}_{dot}{suffix}"
    if len(base) > MAX_NAME:
        kept = base.rsplit(".", 1)
        base = f"{kept[0][: MAX_NAME - len(kept[1]) - 1]}.{kept[1]}" if len(kept) == 2 and len(kept[1]) <= 10 else base[:MAX_NAME]
    return base or fallback
