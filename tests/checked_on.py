"""Imported by the forkserver that starts the service's worker processes in tests (``tests/conftest.py`` adds it to
``docgen.service.workers.FORKSERVER_PRELOAD``): forms built there are checked on the same day as in the test process."""

from __future__ import annotations

import datetime as dt

from docgen.validation import timing

CHECKED_ON = "2028-12-31"


def checked_on() -> dt.date:
    """The day forms are checked on in tests: after every sample meeting."""
    return dt.date.fromisoformat(CHECKED_ON)


timing.today = checked_on  # type: ignore[method-assign,assignment]
