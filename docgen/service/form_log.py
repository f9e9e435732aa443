"""What the service says as it goes: a progress bar on a terminal, one line per form otherwise, or JSON lines for log shippers."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from typing import Any, TextIO

import click

__all__ = ["FormLog"]


class FormLog:
    """One entry per finished form: ``name outcome ms`` (plus where it went), in the chosen style."""

    def __init__(
        self, *, json_log: bool = False, out: TextIO | None = None, err: TextIO | None = None, progress: bool | None = None
    ) -> None:
        self.json_log = json_log
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.progress = (not json_log and self.err.isatty()) if progress is None else progress
        self.counts: Counter[str] = Counter()
        self._bar: Any = None

    def start_batch(self, total: int) -> None:
        """A batch of ``total`` forms begins (shows a bar on a terminal for more than one)."""
        if self.progress and total > 1 and self._bar is None:
            self._bar = click.progressbar(length=total, label="docgen", file=self.err, show_pos=True)
            self._bar.__enter__()

    def end_batch(self) -> None:
        """The batch is done: the bar is closed."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def form(self, name: str, outcome: str, ms: float, where: str = "", detail: str = "") -> None:
        """Logs one finished form."""
        self.counts[outcome] += 1
        if self.json_log:
            entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "name": name, "outcome": outcome, "ms": round(ms)}
            if where:
                entry["where"] = where
            if detail:
                entry["detail"] = detail
            self.out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.out.flush()
        elif self._bar is not None:
            self._bar.update(1)
        else:
            self.out.write(f"{name} {outcome} {ms:.0f}ms" + (f" -> {where}" if where else "") + (f" ({detail})" if detail else "") + "\n")
            self.out.flush()

    def event(self, message: str, **fields: Any) -> None:
        """A service event that is not a form (started, recovered, stopping)."""
        if self.json_log:
            entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "event": message, **fields}
            self.out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.out.flush()
        else:
            self.err.write(f"docgen: {message}\n")
            self.err.flush()

    def summary(self) -> str:
        """``3 published, 1 rejected`` — what this run did."""
        if not self.counts:
            return "nothing to do"
        words = {"duplicate": "already published (nothing to do)"}  # a repeat drop is not a fault to count against anyone
        return ", ".join(f"{n} {words.get(outcome, outcome)}" for outcome, n in sorted(self.counts.items()))
