"""``send_on_publish = true``: ``docgen watch`` emails a meeting's copies right after publishing it, in its own thread.

The inbox never waits for the mail server: publishing only queues the meeting's folder (its
``manifest.json`` is already in place), and one sender thread works through the queue with its own
ledger connection. Its log lines give case references and counts, never a name.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from docgen.errors import DocgenError
from docgen.send.batch import SendRun, send_copies
from docgen.settings.sending import EmailSettings, load_email_settings, smtp_password

__all__ = ["PublishedSender", "sending_on_publish"]

_STOP = Path("\0stop")


class PublishedSender:
    """A thread that sends the copies of each published meeting folder handed to ``submit``."""

    def __init__(
        self, root: Path, settings: EmailSettings, log: Callable[[str], None], *, send: Callable[..., SendRun] = send_copies
    ) -> None:
        self.root = Path(root)
        self.settings = settings
        self.log = log
        self._send = send
        self._queue: queue.Queue[Path] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="docgen-sender", daemon=True)

    def start(self) -> None:
        """Starts the sender thread."""
        self._thread.start()

    def submit(self, folder: Path) -> None:
        """Queues a meeting folder just published (called by the service; returns at once)."""
        if (Path(folder) / "manifest.json").is_file():  # never before the manifest exists
            self._queue.put(Path(folder))

    def stop(self, timeout: float = 60.0) -> None:
        """Finishes what is queued (up to ``timeout``), then ends the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (folder := self._queue.get()) != _STOP:
            case, meeting = folder.parent.name, folder.name
            try:
                run = self._send(self.root, self.settings, case=case)
            except (DocgenError, OSError) as exc:
                self.log(f"copies of {case} {meeting} not emailed: {exc}")
                continue
            counts = Counter(r.status for r in run.results)
            if counts:
                self.log(f"emailed copies of case {case}: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
            if run.stopped is not None:
                self.log(f"copies of {case} {meeting} not emailed: {run.stopped}")


@contextlib.contextmanager
def sending_on_publish(root: Path, log: Callable[[str], None]) -> Iterator[Callable[[Path], None] | None]:
    """The ``on_published`` hook for ``watch`` when ``[email] send_on_publish = true`` (else None); settings are checked first."""
    settings = load_email_settings(root)
    if settings is None or not settings.send_on_publish:
        yield None
        return
    smtp_password(settings)  # a missing password stops watch at once, not at the first meeting
    sender = PublishedSender(root, settings, log)
    sender.start()
    try:
        yield sender.submit
    finally:
        sender.stop()
