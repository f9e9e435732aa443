"""The root a command works in: the folder checked, its council profiles chosen and its service settings read.

``docgen.toml`` itself is read by ``docgen.settings``; command-line flags win over what it says.
"""

from __future__ import annotations

from pathlib import Path

from docgen.errors import ConfigError
from docgen.root import Layout
from docgen.settings import CONFIG_NAME, read_settings_file
from docgen.settings.service import Settings, service_settings

__all__ = ["load_settings", "resolve_root"]


def load_settings(root: Path) -> Settings:
    """Reads ``root/docgen.toml`` (missing file: defaults), with the root's council profiles (``root/profiles/``) checked."""
    from docgen.profiles import profiles_in

    profiles = profiles_in(root)
    profiles.check_every()  # a broken council profile stops every command here, never a form later
    settings = service_settings(read_settings_file(root))
    known = profiles.available()
    if settings.policy not in known:  # else every form would fail later, blamed on docgen itself
        raise ConfigError(f"In {CONFIG_NAME}, policy must be one of {', '.join(known)}, not {settings.policy!r}.")
    return settings


def resolve_root(path: Path) -> Path:
    """The root ``path`` names: an existing folder holding ``inbox/`` or ``docgen.toml``; anything else is a ``ConfigError``.

    A typo in ``--root`` must never look like good news ("Nothing is due") nor make folders of its own.
    """
    root = Path(path).expanduser().absolute()  # "." named as the folder it is: the message must say which one
    if not root.exists():
        raise ConfigError(
            f"The folder {root} does not exist. Give --root the folder holding inbox/ and docgen.toml, "
            f"or make a new one with `docgen init {root}`."
        )
    if not root.is_dir():
        raise ConfigError(f"{root} is a file, not a folder. Give --root the folder holding inbox/ and docgen.toml.")
    if not Layout(root).inbox.is_dir() and not (root / CONFIG_NAME).is_file():
        raise ConfigError(
            f"The folder {root} is not a docgen folder: it has no inbox/ and no {CONFIG_NAME}. "
            f"Give --root the folder holding them, or make one there with `docgen init {root}`."
        )
    return root

