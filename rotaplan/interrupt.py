"""Solving so that Ctrl-C always stops cleanly.

CP-SAT's own SIGINT handling stays installed after a solve, so a Ctrl-C that
arrives between two solves killed the process outright. Instead every solve
runs in a worker thread with CP-SAT's handler off, while the main thread
waits in Python, where Ctrl-C raises KeyboardInterrupt as usual: every running
search is then stopped (also those started from other threads, such as the
second search of a race in rotaplan/solve.py) and the solve reported as
interrupted, and the caller decides whether a complete rota exists to keep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

# How often the waiting main thread looks up; bounds the delay a solve adds, not its length.
POLL_SECONDS = 0.05


class Interrupted:
    """Remembers whether Ctrl-C stopped any solve so far, and which solvers are running."""

    def __init__(self) -> None:
        self.happened = False
        self._running: set[cp_model.CpSolver] = set()
        self._lock = threading.Lock()

    def started(self, solver: cp_model.CpSolver) -> None:
        """Note a solver that began to search."""
        with self._lock:
            self._running.add(solver)

    def ended(self, solver: cp_model.CpSolver) -> None:
        """Note a solver whose search is over."""
        with self._lock:
            self._running.discard(solver)

    def stop_all(self) -> None:
        """Ctrl-C: mark the run interrupted and stop every running search."""
        with self._lock:
            self.happened = True
            for solver in self._running:
                solver.stop_search()


def wait(done: threading.Event, interrupted: Interrupted) -> None:
    """Wait in the main thread until `done` is set; Ctrl-C stops every running search first.

    Waits on an event, not on Thread.join: a join interrupted by Ctrl-C can leave the
    thread looking finished while the solver still runs (CPython before 3.13).
    """
    try:
        while not done.wait(POLL_SECONDS):
            pass
    except KeyboardInterrupt:
        interrupted.stop_all()
        while not done.wait(POLL_SECONDS):
            interrupted.stop_all()


def run_solver(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    interrupted: Interrupted,
    callback: Any = None,
) -> Any:
    """`solver.solve(model, callback)`, stoppable by Ctrl-C; sets `interrupted.happened`.

    Called from the main thread it also waits there for Ctrl-C; called from another
    thread it relies on the main thread's `wait` to stop it.
    """
    return start_solver(solver, model, interrupted, callback)()


def start_solver(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    interrupted: Interrupted,
    callback: Any = None,
) -> Callable[[], Any]:
    """Start `solver.solve(model, callback)` in its own thread and return a function that
    waits for its status as `run_solver` does, so the caller can do other work meanwhile
    (CP-SAT searches without holding Python's lock)."""
    solver.parameters.catch_sigint_signal = False
    result: dict[str, Any] = {}
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        interrupted.started(solver)
        try:
            result["status"] = solver.solve(model, callback)
        except BaseException as error:  # handed to the waiting thread below
            failure.append(error)
        finally:
            interrupted.ended(solver)
            done.set()

    threading.Thread(target=target, name="cp-sat", daemon=True).start()

    def status() -> Any:
        if threading.current_thread() is threading.main_thread():
            wait(done, interrupted)
        else:
            done.wait()
        if failure:
            raise failure[0]
        return result["status"]

    return status
