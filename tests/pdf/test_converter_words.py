"""How a stopped LibreOffice is described in the log: a signal by its name, never as "exit code 0" or "-9"."""

from __future__ import annotations

from docgen.pdf.warm import _how_it_stopped


def test_a_process_killed_by_a_signal_is_named_by_the_signal() -> None:
    assert _how_it_stopped(-9) == "was killed by SIGKILL"
    assert _how_it_stopped(-15) == "was killed by SIGTERM"
    assert _how_it_stopped(1) == "stopped with exit code 1"
