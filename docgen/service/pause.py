"""``watch`` meeting a fault of the machine: intake paused and said so once, looked at again with back-off, resumed by itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docgen.errors import MachineFaultError
from docgen.service.form_log import FormLog
from docgen.service.machine import say
from docgen.service.state import ServiceState, write_state

__all__ = ["Backoff", "announce_pause", "announce_resume", "family", "pause"]


class Backoff:
    """Waits that double from ``first`` up to ``longest`` seconds: a few seconds at first, then a minute."""

    def __init__(self, first: float, longest: float) -> None:
        self.first = max(0.01, first)
        self.longest = max(self.first, longest)
        self._next = self.first

    def next(self) -> float:
        """The next wait, in seconds."""
        wait, self._next = self._next, min(self.longest, self._next * 2)
        return wait


def announce_pause(log: FormLog, root: Path, fault: MachineFaultError, *, still: bool = False, quiet: bool = False) -> None:
    """Says once that intake is paused and why, and records it for ``docgen status``, ``docgen due`` and the web app."""
    line = say(fault, watching=True)
    write_state(root, ServiceState("paused", cause=fault.cause, message=line))
    if not quiet:
        log.event(f"{'still paused, now because' if still else 'paused'}: {line}", paused=fault.cause)


def announce_resume(log: FormLog, root: Path, fault: MachineFaultError, *, quiet: bool = False) -> None:
    """Says that intake has resumed, and records it."""
    write_state(root, ServiceState("running"))
    if not quiet:
        log.event(f"resumed: the fault has cleared ({fault.problem}); taking new forms again", resumed=fault.cause)


def pause(
    fault: MachineFaultError,
    resume: Callable[[], None],
    wait: Callable[[float], bool],
    log: FormLog,
    root: Path,
    backoff: Backoff,
    *,
    quiet: bool = False,
) -> bool:
    """Holds intake until ``resume()`` stops raising ``MachineFaultError``; False when ``wait`` says the service is stopping first.

    ``wait(seconds)`` returns True when the service was asked to stop meanwhile. ``quiet``: the same fault came
    straight back after a resume, which was already said; the pause is recorded but not said again.
    """
    announce_pause(log, root, fault, quiet=quiet)
    current = fault
    while not wait(backoff.next()):
        try:
            resume()
        except MachineFaultError as again:
            if family(again) != family(current):  # a new cause is worth a line; the same one again is not
                current = again
                announce_pause(log, root, again, still=True)
            continue
        announce_resume(log, root, current, quiet=quiet and current is fault)
        return True
    return False


def family(fault: MachineFaultError) -> str:
    """A disk nearly full and a disk full are one problem to the person freeing space."""
    return "disk_full" if fault.cause == "low_space" else fault.cause
