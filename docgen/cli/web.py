"""``docgen serve`` (the staff web app) and ``docgen users`` (its accounts): thin commands over ``docgen.web``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.cli.options import root_option
from docgen.errors import ExitCode
from docgen.web.accounts import ROLES, AccountError, Accounts

__all__ = ["serve", "users"]


@click.command()
@root_option()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on: anything but loopback needs [web] TLS or a trusted proxy."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
def serve(root: Path, host: str, port: int) -> None:
    """The staff web app: what is due, each case's history, rejected forms, uploads and the report."""
    from docgen.ownership import check_permissions, refuse_root_run
    from docgen.profiles import profiles_in
    from docgen.web.server import run

    refuse_root_run(root, "serve")
    check_permissions(root)  # a file left by a run as root: said now in one line, never a failed sign-in later
    profiles_in(root).check_every()  # a broken council profile stops the app here; the forms page offers the council's own
    run(root, host, port)


@click.group()
def users() -> None:
    """The web app's accounts: add, list, remove, or set a password."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _audit(root: Path, action: str, what: str) -> None:
    """Account changes made at the command line go into the audit log too, naming the system account that made them."""
    import getpass

    from docgen.audit import AuditLog

    AuditLog(root).record(getpass.getuser(), action, what, "command line")


def _refused(exc: AccountError) -> None:
    click.echo(f"docgen: {exc}", err=True)
    sys.exit(ExitCode.REFUSED)


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="admin: everything; manager: every case and the reports; worker: their own cases.",
)
@click.option("--key-worker", "key_worker", default="", help="The name forms give this person as key worker (default: NAME).")
@click.option("--password-stdin", "password_stdin", is_flag=True, help="Read the password from the first line of standard input.")
@root_option()
def add(name: str, role: str, key_worker: str, password_stdin: bool, root: Path) -> None:
    """Add an account."""
    accounts = Accounts(root)
    try:
        accounts.check_new(name, role)  # before asking for a password that would be thrown away
        account = accounts.add(name, role, _password(password_stdin), key_worker)
    except AccountError as exc:
        _refused(exc)
    _audit(root, "account_added", f"{account.name} ({account.role})")
    click.echo(f"Added {account.name} ({account.role}).")


@users.command("list")
@root_option()
def list_(root: Path) -> None:
    """List the accounts: name, role and key worker name."""
    for account in Accounts(root).list():
        click.echo(f"{account.name}\t{account.role}" + (f"\t{account.key_worker}" if account.key_worker else ""))


@users.command("remove")
@click.argument("name")
@root_option()
def remove(name: str, root: Path) -> None:
    """Remove an account (its sessions end at its next request)."""
    try:
        Accounts(root).remove(name)
    except AccountError as exc:
        _refused(exc)
    _audit(root, "account_removed", name)
    click.echo(f"Removed {name}.")


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", "password_stdin", is_flag=True, help="Read the password from the first line of standard input.")
@root_option()
def password(name: str, password_stdin: bool, root: Path) -> None:
    """Set an account's password."""
    accounts = Accounts(root)
    if accounts.get(name) is None:
        _refused(AccountError(f"There is no account called {name}: `docgen users list` shows them."))
    try:
        accounts.set_password(name, _password(password_stdin))
    except AccountError as exc:
        _refused(exc)
    _audit(root, "password_changed", name)
    click.echo(f"Password changed for {name}.")
