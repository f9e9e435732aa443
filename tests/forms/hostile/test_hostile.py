"""Every hostile or broken file is refused with the right kind of error and a message that says what to do, quickly and in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docgen.errors import DocgenError, FormError
from docgen.forms import read_form
from tests.forms.hostile.corpus import CORPUS, Hostile, build_corpus

SECONDS_PER_FILE = 5.0
PEAK_RSS_MB = 300


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile corpus, written once per test session."""
    return build_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.name)
def test_refused_with_a_message_that_says_what_it_is(case: Hostile, corpus: dict[str, Path]) -> None:
    started = time.monotonic()
    with pytest.raises(case.error) as caught:
        read_form(corpus[case.name])
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert type(caught.value) is case.error, message
    assert case.says in message
    assert message.startswith(case.name) or message.startswith("The form's")
    assert caught.value.kind == case.error.kind
    assert elapsed < SECONDS_PER_FILE


def test_no_hostile_file_is_accepted_or_crashes_the_reader(corpus: dict[str, Path]) -> None:
    accepted, crashed = [], []
    for name, path in corpus.items():
        try:
            read_form(path)
        except DocgenError:
            continue
        except Exception as exc:  # anything but a DocgenError would be a traceback in the service
            crashed.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            accepted.append(name)
    assert accepted == []
    assert crashed == []


def test_every_refusal_says_what_to_do() -> None:
    for case in CORPUS:
        assert issubclass(case.error, FormError)


def test_peak_memory_and_time_in_a_fresh_process(corpus: dict[str, Path]) -> None:
    script = textwrap.dedent(
        """
        import json, resource, sys, time
        from pathlib import Path
        from docgen.errors import DocgenError
        from docgen.forms import read_form
        out = {}
        for name in sys.argv[1:]:
            started = time.monotonic()
            try:
                read_form(Path(name))
                outcome = "accepted"
            except DocgenError as exc:
                outcome = type(exc).__name__
            out[Path(name).name] = [outcome, time.monotonic() - started]
        # VmHWM is this process's own high-water mark; ru_maxrss also counts the parent's size at the fork and exec
        status = Path("/proc/self/status")
        hwm = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")] if status.exists() else []
        out["peak_rss_mb"] = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, corpus.values())], capture_output=True, text=True, timeout=120, check=True
    )
    figures = json.loads(result.stdout)
    peak = figures.pop("peak_rss_mb")
    assert peak < PEAK_RSS_MB, f"peak RSS {peak:.0f} MB"
    assert {name: outcome for name, (outcome, _) in figures.items()} == {c.name: c.error.__name__ for c in CORPUS}
    slow = {name: seconds for name, (_, seconds) in figures.items() if seconds > SECONDS_PER_FILE}
    assert slow == {}
