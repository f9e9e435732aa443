"""The service's state for other programs: kept on the root, or where a read-only root leaves no room, in the temporary folder."""

from __future__ import annotations

from pathlib import Path

from docgen.service.state import STATE_NAME, ServiceState, paused_notice, read_state, write_state


def _root(tmp_path: Path) -> Path:
    (tmp_path / ".docgen").mkdir()
    return tmp_path


def test_the_state_is_rewritten_in_place_at_a_fixed_size(tmp_path: Path) -> None:
    root = _root(tmp_path)
    write_state(root, ServiceState("running"))
    size = (root / ".docgen" / STATE_NAME).stat().st_size
    write_state(root, ServiceState("paused", cause="disk_full", message="The disk holding /srv/cin is full: free some space"))
    assert (root / ".docgen" / STATE_NAME).stat().st_size == size == 4096  # no new room needed on a full disk
    state = read_state(root)
    assert state is not None and (state.state, state.cause) == ("paused", "disk_full")


def test_a_root_that_cannot_be_written_keeps_its_state_in_the_temporary_folder(tmp_path: Path) -> None:
    root = _root(tmp_path)
    (root / ".docgen" / STATE_NAME).mkdir()  # cannot be opened for writing, as on a read-only root
    write_state(root, ServiceState("paused", cause="read_only", message="read-only"))
    notice = paused_notice(root)
    assert notice is not None and notice.endswith("and is not taking new forms: read-only")
    (root / ".docgen" / STATE_NAME).rmdir()
    write_state(root, ServiceState("running"))  # writable again: the spare copy goes
    state = read_state(root)
    assert state is not None and state.state == "running"
    assert paused_notice(root) is None


def test_nothing_is_said_for_a_service_that_has_stopped(tmp_path: Path) -> None:
    root = _root(tmp_path)
    write_state(root, ServiceState("stopped"))
    assert read_state(root) is None
    assert read_state(tmp_path / "never-ran") is None
