"""Starting the inbox service on a root from Python: the templates checked once per change, stop signals honoured, a start-up fault waited out."""

from __future__ import annotations

import contextlib
import hashlib
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docgen.errors import MachineFaultError, TemplatesBrokenError
from docgen.root import Layout
from docgen.service.form_log import FormLog
from docgen.service.service import Service
from docgen.settings.service import Settings

__all__ = ["run_service", "template_check"]


def run_service(
    root: Path,
    settings: Settings,
    body: Callable[[Service], None],
    *,
    policy: str | None = None,
    form_log: FormLog | None = None,
    watching: bool = False,
) -> None:
    """Starts the service on ``root`` and runs ``body`` on it (``Service.run_once``, or watching the inbox).

    SIGINT and SIGTERM ask it to stop after the form in hand, even while it is still starting; when
    ``watching``, a fault of the machine met while starting is waited out with back-off. Errors
    (``MachineFaultError``, ``RootBusyError``, ``TemplatesBrokenError``, ``PermissionError``) reach the caller.
    """
    services: list[Service] = []
    asked_to_stop: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        asked_to_stop.append(signum)
        for service in services:
            service.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        service = Service(root, settings, policy=policy, form_log=form_log, check_templates=template_check(Path(root)))
        services.append(service)
        if asked_to_stop:
            service.stop()
        _enter_and_run(service, body, watching)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def template_check(root: Path) -> Callable[[], None] | None:
    """The plan pack's template check (``docgen check-templates``), skipped while nothing it checks has changed since it last passed."""
    try:
        from docgen.render import TEMPLATE_DIR, check_templates
    except ImportError:
        return None
    from docgen.profiles import profiles_in
    from docgen.schema import SCHEMA_DIR

    def check() -> None:
        stamp = Layout(root).state / "templates-checked"
        profiles = profiles_in(root)
        fingerprint = _fingerprint([TEMPLATE_DIR, SCHEMA_DIR, *([profiles.council] if profiles.council is not None else [])])
        if stamp.is_file() and stamp.read_text(encoding="ascii", errors="replace").strip() == fingerprint:
            return  # the same templates, schema and docgen passed before: a second of start-up saved
        problems = check_templates(profiles=profiles)
        if problems:
            raise TemplatesBrokenError(
                f"A document template is broken, so no plan can be produced: {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
                + ". Run `docgen check-templates` for the full list."
            )
        stamp.write_text(fingerprint + "\n", encoding="ascii")

    return check


def _fingerprint(folders: list[Path]) -> str:
    """A hash of docgen's version and every file in ``folders`` (names and contents)."""
    from importlib import metadata

    digest = hashlib.sha256()
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("docgen").encode())
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _enter_and_run(service: Any, body: Callable[[Any], None], watching: bool) -> None:
    """Starts the service and runs ``body``; ``watch`` meeting a fault of the machine while starting waits for it to clear."""
    from docgen.service.pause import Backoff, announce_pause, announce_resume

    backoff: Backoff | None = None
    fault: MachineFaultError | None = None
    while True:
        try:
            with service:
                if fault is not None:
                    announce_resume(service.log, service.root, fault)
                body(service)
            return
        except MachineFaultError as exc:
            if not watching or service.stopping.is_set():
                raise
            fault = exc
            if backoff is None:
                announce_pause(service.log, service.root, fault)
                backoff = Backoff(service.settings.retry_seconds, service.settings.retry_max_seconds)
            if service.stopping.wait(backoff.next()):
                return
