"""docgen's exceptions: each one's ``str()`` is a sentence that admin staff can act on.

Hierarchy::

    DocgenError                 anything docgen reports to a person instead of a traceback
    ├── ConfigError             docgen.toml, an unknown profile, a broken profile file, a --root that is no root
    │   └── ProfileMistakes     council profiles that break the profile schema: one line per mistake
    ├── FormError               a dropped file that cannot be read as a form
    │   ├── NotAFormError       empty, not a zip, a legacy .doc/.xls, a renamed file
    │   ├── EncryptedFormError  password-protected Word or Excel file
    │   ├── UnsafeFormError     zip bombs, DTDs and entities, oversized parts
    │   ├── IncompleteFormError a zip without its end record (still being copied, or truncated)
    │   ├── OutdatedFormError   filled in on a blank form that is no longer current
    │   └── LedgerWorkbookError a distribution list or visit log that cannot be applied to the ledger
    ├── TemplateError           a document template that does not parse or render
    │   └── TemplatesBrokenError  the plan pack's templates fail their start-up check (run/watch exit 4)
    ├── LedgerError             the deadline ledger cannot be opened, written or is too new
    ├── ConverterError          LibreOffice did not turn a document into a PDF (stopped, hung, gone deaf)
    │   └── ConverterUnavailableError  LibreOffice is not installed or will not start: the machine, not the form
    ├── MachineFaultError       the machine around docgen fails (disk full, read-only, share gone, ledger
    │                           locked): no form is at fault, the service holds and carries on by itself
    └── ServiceError            the inbox service cannot run
        └── RootBusyError       another docgen holds the root's lock (run/watch exit 3)

Each kind's ``exit_code`` (``ExitCode.USAGE``, 2, unless it says otherwise) is what a command stopped by it exits
with; ``ExitCode`` names every outcome a command exits with, as DESIGN.md's command table gives them.

Programmer mistakes are not ``DocgenError``: they surface as ordinary exceptions.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

__all__ = [
    "ConfigError",
    "ConverterError",
    "ConverterUnavailableError",
    "DocgenError",
    "EncryptedFormError",
    "ExitCode",
    "FormError",
    "IncompleteFormError",
    "LedgerError",
    "LedgerWorkbookError",
    "MachineFaultError",
    "NotAFormError",
    "OutdatedFormError",
    "ProfileMistakes",
    "RootBusyError",
    "ServiceError",
    "TemplateError",
    "TemplatesBrokenError",
    "UnsafeFormError",
]


class ExitCode(IntEnum):
    """What a ``docgen`` command exits with, one name per outcome; outcomes that share a number are aliases of it."""

    OK = 0  # it ran: forms valid, watch running and well, templates fine (rejections and failed copies are reported, not fatal)
    FAILED = 1  # docgen itself failed (a fault of the machine, a folder it may not write), or the mail server stopped the sending
    INVALID = 1  # validate: a form is not valid; check-templates: a template has problems
    REFUSED = 1  # users, sent: the change was refused (an account that exists, a copy that cannot have been sent then)
    UNKNOWN_CASE = 1  # case, forms --case: the ledger has no published meeting for the case
    LEFT_OUT = 1  # export census: a child without an LA child ID was left out of the XML
    PAUSED = 1  # status: watch is paused by a fault of the machine
    USAGE = 2  # a usage or settings error (an unknown profile, a folder that is no root, no [email] settings)
    NOT_RUNNING = 3  # status: no service runs on the root
    ROOT_BUSY = 3  # run, watch: another docgen holds the root's lock
    TEMPLATES_BROKEN = 4  # run, watch: the plan pack's templates fail their start-up check


class DocgenError(Exception):
    """Base class: the message says what happened and what to do about it.

    ``exit_code`` is what a command exits with when this error stops it (``docgen.cli`` maps it, in one place):
    2, a usage or settings error, unless a kind says otherwise.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE


class ConfigError(DocgenError):
    """Settings or a council profile are wrong."""


class ProfileMistakes(ConfigError):
    """Council profiles are wrong; ``lines`` holds one ``file: key path: what was expected`` line per mistake."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        many = f"{len(lines)} mistakes" if len(lines) > 1 else "a mistake"
        super().__init__(f"A council profile has {many}; correct it and check it with `docgen profiles check`:\n" + "\n".join(lines))


class FormError(DocgenError):
    """A dropped file cannot be read as a meeting form."""

    #: short machine-readable kind, used as the rule id of the rejection report
    kind = "form-unreadable"


class NotAFormError(FormError):
    """The file is not a Word or Excel form (empty, renamed, legacy format...)."""

    kind = "form-not-a-form"


class FormListTooLongError(FormError):
    """A list in the form (children, participants, objectives, actions, services) has more rows than a form may hold."""

    kind = "form-list-too-long"


class EncryptedFormError(FormError):
    """The file is password-protected."""

    kind = "form-encrypted"


class UnsafeFormError(FormError):
    """The file is built to harm the reader (zip bomb, XML entities, oversized parts)."""

    kind = "form-unsafe"


class IncompleteFormError(FormError):
    """The file is cut short: still being copied, or truncated."""

    kind = "form-incomplete"


class OutdatedFormError(FormError):
    """The form was filled in on a blank that is no longer current."""

    kind = "form-outdated"


class LedgerWorkbookError(FormError):
    """A dropped distribution list or visit log that matches nothing or holds nothing to record."""

    kind = "ledger-workbook"


class LedgerError(DocgenError):
    """The deadline ledger cannot be opened or written, or was written by a newer docgen."""


class ConverterError(DocgenError):
    """LibreOffice did not convert a document to PDF: it stopped, overran its time or stopped answering."""


class ConverterUnavailableError(ConverterError):
    """LibreOffice is not installed or will not start: a fault of the machine, not of any form."""

    machine_fault = True  # the service holds the form and pauses (docgen.service.machine), never rejects it


class MachineFaultError(DocgenError):
    """The machine failed around docgen: ``problem`` says what in words, ``fix`` what a person can do.

    ``cause`` is a short code (``disk_full``, ``read_only``, ``gone``, ...). Any other exception with a true
    ``machine_fault`` attribute counts as a fault of the machine too (a converter that stopped, say).
    """

    machine_fault = True

    def __init__(self, cause: str, problem: str, fix: str = "") -> None:
        super().__init__(cause, problem, fix)  # all in args: it crosses from a worker process pickled
        self.cause, self.problem, self.fix = cause, problem, fix

    def __str__(self) -> str:
        return f"{self.problem}: {self.fix}" if self.fix else self.problem


class TemplateError(DocgenError):
    """A document template does not parse, render, or uses unknown fields."""


class ServiceError(DocgenError):
    """The inbox service cannot run (for example another instance holds the root)."""


class RootBusyError(ServiceError):
    """Another docgen holds the root's lock: only one service may work on a folder (``run``/``watch`` exit 3)."""

    exit_code: ClassVar[ExitCode] = ExitCode.ROOT_BUSY


class TemplatesBrokenError(TemplateError):
    """The plan pack's templates fail their check at start-up, so no plan can be produced (``run``/``watch`` exit 4)."""

    exit_code: ClassVar[ExitCode] = ExitCode.TEMPLATES_BROKEN
