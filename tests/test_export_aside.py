"""Files written in a second process (`rotaplan.export.aside`): where the work runs, and
that any failure there leaves it to this process."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rotaplan.export.aside import Aside, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="forks only on Linux")


def writes_pid(path: Path) -> Callable[[], list[Path]]:
    """Work that writes the id of the process doing it into `path`."""

    def work() -> list[Path]:
        path.write_text(str(os.getpid()), encoding="utf-8")
        return [path]

    return work


def test_the_work_runs_in_a_child_process(tmp_path: Path) -> None:
    path = tmp_path / "pid.txt"
    with Aside(writes_pid(path)) as theirs:
        assert theirs.forked
        assert theirs.result() == [path]
    assert int(path.read_text()) != os.getpid()


def test_fork_false_does_the_work_here(tmp_path: Path) -> None:
    path = tmp_path / "pid.txt"
    with Aside(writes_pid(path), fork=False) as theirs:
        assert not theirs.forked
        assert theirs.result() == [path]
    assert int(path.read_text()) == os.getpid()


def test_no_fork_while_another_python_thread_runs(tmp_path: Path) -> None:
    path = tmp_path / "pid.txt"
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with Aside(writes_pid(path)) as theirs:
            assert not theirs.forked
            assert theirs.result() == [path]
    finally:
        release.set()
        other.join()
    assert int(path.read_text()) == os.getpid()


def raises() -> None:
    raise OSError("no space left on device")


def dies() -> None:
    os._exit(3)


@pytest.mark.parametrize("failure", [raises, dies], ids=["raises", "dies"])
def test_work_the_child_cannot_do_is_done_here(tmp_path: Path, failure: Callable[[], None]) -> None:
    parent = os.getpid()
    path = tmp_path / "pid.txt"

    def work() -> list[Path]:
        if os.getpid() != parent:
            failure()
        path.write_text(str(os.getpid()), encoding="utf-8")
        return [path]

    with Aside(work) as theirs:
        assert theirs.forked
        assert theirs.result() == [path]
    assert int(path.read_text()) == parent


def test_the_same_error_reaches_the_caller_from_this_process(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()

    def work() -> list[Path]:
        (calls / str(os.getpid())).touch()
        raise PermissionError("staff folder is read-only")

    with pytest.raises(PermissionError, match="read-only"), Aside(work) as theirs:
        theirs.result()
    assert sorted(int(name.name) != os.getpid() for name in calls.iterdir()) == [False, True]


def test_an_error_beside_the_child_stops_it(tmp_path: Path) -> None:
    started, done = tmp_path / "started", tmp_path / "done"

    def work() -> list[Path]:
        started.touch()
        time.sleep(60)
        done.touch()
        return [done]

    with pytest.raises(RuntimeError, match="workbook"), Aside(work):
        while not started.exists():
            time.sleep(0.01)
        raise RuntimeError("the workbook could not be written")
    assert not done.exists()
