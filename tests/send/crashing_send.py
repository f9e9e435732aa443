"""Runs ``docgen send`` and kills itself (SIGKILL) at one step of its N-th message: ``crashing_send.py STEP N ARGS...``.

Steps, in the order a message goes through them:
``before_record`` (nothing written yet), ``after_record`` (the durable "sending" row, nothing handed over),
``after_250`` (the server took it, not yet noted), ``after_sent`` (noted as sent, sent date not yet
in the ledger); then, once per meeting after the batch, ``before_workbook`` (the ledger has every date,
distribution.xlsx not yet written) and ``after_recorded`` (all done; N counts the journal rows completed).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from docgen.ledger.send_journal import Journal
from docgen.send import sent_dates
from docgen.send.delivery import Mailer

STEP, NTH = sys.argv[1], int(sys.argv[2])
calls: dict[str, int] = {}


def _die_on_nth(step: str) -> None:
    calls[step] = calls.get(step, 0) + 1
    if calls[step] == NTH:
        os.kill(os.getpid(), signal.SIGKILL)


def _around(owner: Any, name: str, before: str | None, after: str | None) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if before == STEP:
            _die_on_nth(before)
        result = original(*args, **kwargs)
        if after == STEP:
            _die_on_nth(after)
        return result

    setattr(owner, name, wrapped)


_around(Journal, "start", "before_record", "after_record")
_around(Mailer, "deliver", None, "after_250")
_around(Journal, "sent", None, "after_sent")
_around(sent_dates, "write_sent_dates", "before_workbook", None)
_around(Journal, "mark_recorded", None, "after_recorded")

if __name__ == "__main__":
    from docgen.cli import main

    sys.argv = ["docgen", *sys.argv[3:]]
    main()
