"""Writing part of the files in a second process while this one writes the rest.

The staff calendars of a large office are most of the time spent writing (300 people
over 4 weeks: 2.7 of 3.4 s, all in icalendar's Python), and one core is idle once
the solver is done. `Aside(work)` runs `work` in a forked copy of this process, which
has the problem and the rota at hand without pickling them, and gives the paths it
wrote when asked.

Forking is only done where it is safe and cheap: on Linux, with no other Python
thread running (the solver's threads have ended by the time files are written; a
native thread such as OpenBLAS's pool never runs Python code and is left alone in
the child). Anywhere else, and whenever the child fails in any way, the work is done
here, in this process, so the files and any error are exactly those of writing them
one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

Work = Callable[[], list[Path]]


def can_fork() -> bool:
    """True where `Aside` runs its work in a child process."""
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


class Aside:
    """`work` started in a child process where `fork` and `can_fork()`, as a context manager:

        with Aside(work) as theirs:
            mine = ...  # the rest, here
            written = theirs.result()

    `result()` waits for the child and returns its paths, or does `work` here if the
    child could not. Leaving the block by an error stops the child first, so nothing
    writes into a folder its caller is about to remove."""

    def __init__(self, work: Work, *, fork: bool = True) -> None:
        self._work = work
        self._fork = fork
        self._child: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None

    def __enter__(self) -> Aside:
        if self._fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking beside any native thread (module text).
                warnings.simplefilter("ignore", DeprecationWarning)
                self._child = context.Process(
                    target=_run, args=(self._work, sender), name="rotaplan-files", daemon=True
                )
                self._child.start()
            sender.close()
        return self

    @property
    def forked(self) -> bool:
        """True if the work runs in a child process."""
        return self._child is not None

    def result(self) -> list[Path]:
        """The paths `work` wrote, in the child or, failing that, here."""
        if self._child is None or self._receiver is None:
            return self._work()
        try:
            written = self._receiver.recv()
        except (EOFError, OSError):  # the child died before it answered
            written = None
        finally:
            self._end()
        if written is None:
            return self._work()
        return [Path(path) for path in written]

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self._child is not None and self._child.is_alive() and error is not None:
            self._child.terminate()
        self._end()

    def _end(self) -> None:
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None
        if self._child is not None:
            self._child.join()
            self._child = None


def _run(work: Work, sender: Connection) -> None:
    """In the child: do `work` and send its paths, or None if it failed (the parent then
    does it again and meets the same error, if there is one, in its own process)."""
    try:
        written: list[str] | None = [os.fspath(path) for path in work()]
    except BaseException:
        written = None
    try:
        sender.send(written)
    finally:
        sender.close()
