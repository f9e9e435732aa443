"""Command-line options that several commands share: ``--root`` (an existing docgen folder) and ``--policy``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from docgen.config import resolve_root
from docgen.errors import ConfigError
from docgen.ownership import hand_to_owner

__all__ = ["POLICY", "ROOT", "PolicyParam", "RootParam", "policy_option", "root_option"]

F = TypeVar("F", bound=Callable[..., Any])


class RootParam(click.ParamType):
    """A folder holding ``inbox/`` or ``docgen.toml``; a missing or empty folder is a usage error (exit 2) naming it."""

    name = "folder"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        """The root as a ``Path``, or a usage error saying what is wrong and how to make one."""
        try:
            return resolve_root(Path(str(value)))
        except ConfigError as exc:
            self.fail(str(exc), param, ctx)


ROOT = RootParam()


def _as_owner(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Run as root on a root owned by the service account, what the command makes becomes that account's (``docgen.ownership``)."""
    if value is not None:
        hand_to_owner(value)
    return value


def root_option(
    help: str = "Folder holding inbox/, outbox/ and docgen.toml (made by `docgen init`).", *, as_owner: bool = True, **kwargs: Any
) -> Callable[[F], F]:
    """``--root DIR``, default the current folder, checked by ``resolve_root`` before the command runs.

    With ``as_owner`` (commands that write under the root), run as root on a root owned by the service account, every
    file the command makes is handed to that account; ``docgen backup``, which writes elsewhere, keeps its own.
    """
    kwargs.setdefault("default", ".")
    kwargs.setdefault("show_default", True)
    if as_owner:
        kwargs.setdefault("callback", _as_owner)
    return click.option("--root", type=ROOT, help=help, **kwargs)


class PolicyParam(click.ParamType):
    """A council profile id, in any case (``South-Gloucestershire`` is ``south-gloucestershire``)."""

    name = "policy"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """``[standard|south-gloucestershire]``: the shipped profiles."""
        return "[" + "|".join(_known_profiles()) + "]"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """The id in lower case; whether it exists is checked where it is loaded (a council may add its own)."""
        return str(value).strip().lower()


POLICY = PolicyParam()


def _known_profiles() -> list[str]:
    from docgen.profiles import profiles_in

    return profiles_in(Path(".")).available()  # the shipped ones and the current folder's own


def policy_option(help: str) -> Callable[[F], F]:
    """``--policy P`` whose help ends with the profiles there are to choose from."""
    return click.option("--policy", type=POLICY, default=None, help=f"{help} Choices: {', '.join(_known_profiles())}.")
