"""Solving so that Ctrl-C always stops cleanly.

CP-SAT's own SIGINT handling stays installed after a solve, so a Ctrl-C that
arrives between two solves killed the process outright. Instead every solve
runs in a worker thread with CP-SAT's handler off, while the main thread
waits in Python, where Ctrl-C raises KeyboardInterrupt as usual: the search is
then stopped and the solve reported as interrupted, and the caller decides
whether a complete rota exists to keep.
"""

from __future__ import annotations

import threading
from typing import Any

from ortools.sat.python import cp_model

# How often the waiting main thread looks up; bounds the delay a solve adds, not its length.
POLL_SECONDS = 0.05


class Interrupted:
    """Remembers whether Ctrl-C stopped any solve so far."""

    def __init__(self) -> None:
        self.happened = False


def run_solver(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    interrupted: Interrupted,
    callback: Any = None,
) -> Any:
    """`solver.solve(model, callback)`, stoppable by Ctrl-C; sets `interrupted.happened`."""
    solver.parameters.catch_sigint_signal = False
    result: dict[str, Any] = {}
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            result["status"] = solver.solve(model, callback)
        except BaseException as error:  # handed to the main thread below
            failure.append(error)
        finally:
            done.set()

    # Wait on an event, not on Thread.join: a join interrupted by Ctrl-C can leave the
    # thread looking finished while the solver still runs (CPython before 3.13).
    threading.Thread(target=target, name="cp-sat", daemon=True).start()
    try:
        while not done.wait(POLL_SECONDS):
            pass
    except KeyboardInterrupt:
        interrupted.happened = True
        solver.stop_search()
        while not done.wait(POLL_SECONDS):
            solver.stop_search()
    if failure:
        raise failure[0]
    return result["status"]
