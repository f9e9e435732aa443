"""Where docgen's own data lives: the schemas and the document templates.

In a checkout (and an editable install) they are the repository's ``schemas/`` and ``templates/``
folders, beside the ``docgen`` package. A regular ``pip install`` puts copies under
``<prefix>/share/docgen/``. ``DOCGEN_DATA`` names another folder holding both, for a council that
keeps its own templates.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

__all__ = ["data_dir", "data_file"]

_CHECKOUT = Path(__file__).resolve().parent.parent


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("DOCGEN_DATA"):
        found.append(Path(os.environ["DOCGEN_DATA"]))
    found.append(_CHECKOUT)
    for prefix in dict.fromkeys((sysconfig.get_path("data"), sys.prefix, sys.base_prefix)):
        found.append(Path(prefix) / "share" / "docgen")
    return found


def data_dir(name: str) -> Path:
    """The ``schemas`` or ``templates`` folder: the first place that holds it (see the module's note)."""
    candidates = _candidates()
    for base in candidates:
        if (base / name).is_dir():
            return base / name
    return candidates[0] / name  # missing everywhere: the error that follows names the expected place


def data_file(relative: str) -> Path:
    """The first of docgen's data folders holding ``relative`` (``schemas/profile.schema.json``).

    A council's ``DOCGEN_DATA`` copy made before a file was added to docgen still gets docgen's own.
    """
    candidates = _candidates()
    for base in candidates:
        if (base / relative).is_file():
            return base / relative
    return candidates[0] / relative
