"""What the two searches of a race share (`rotaplan.solve._race`).

With two or more workers the soft goals of a small office are searched on two
cores at once: the lower-bound solve, which is there for the bound, and the
neighbourhoods followed by a closing solve, which are there for the rota.
Each search follows its own fixed course (its own seed and work budget); the
race only ends one early once the answer is known, never changes it:

- the second search stops once its best rota meets the best bound known
  (its rota can then only be a proven optimum, and it is the first rota of
  that value its course finds);
- the first search is never stopped by the second, so whether it proves the
  stage by itself does not depend on timing; if it does not, a second
  lower-bound solve with another seed takes its core, for its bound only
  (its rotas are never used), and that one is stopped once the race is over.

So the same office, seed and workers give the same rota however the two
threads are scheduled.
"""

from __future__ import annotations

import math
import threading

from ortools.sat.python import cp_model


class Race:
    """The best bound known (never below `floor`), the second search's best value, and
    its running solver, which is stopped as soon as the race is over."""

    def __init__(self, floor: int) -> None:
        self._lock = threading.Lock()
        self._bound = floor
        self._best: int | None = None
        self._cancelled = False
        self._solver: cp_model.CpSolver | None = None
        self._bounder: cp_model.CpSolver | None = None

    @property
    def bound(self) -> int:
        """The best lower bound seen so far."""
        with self._lock:
            return self._bound

    def raise_bound(self, bound: float) -> None:
        """The first search proved `bound` (CP-SAT's best-bound callback; objectives are
        whole numbers, so a bound of 785.2 means 786)."""
        with self._lock:
            self._bound = max(self._bound, math.ceil(bound - 1e-6))
            self._stop_if_over()

    def offer(self, value: int) -> bool:
        """The second search found a rota of `value`; True if the race is over."""
        with self._lock:
            self._best = value if self._best is None else min(self._best, value)
            return self._stop_if_over()

    def cancel(self) -> None:
        """End the second search: the first one proved the stage, or Ctrl-C."""
        with self._lock:
            self._cancelled = True
            self._stop_if_over()

    def over(self) -> bool:
        """True once the second search should stop."""
        with self._lock:
            return self._over()

    def running(self, solver: cp_model.CpSolver | None) -> None:
        """The second search's current solver (None between solves)."""
        with self._lock:
            self._solver = solver

    def bounding(self, solver: cp_model.CpSolver | None) -> None:
        """The running solve that is there for its bound only (None between solves)."""
        with self._lock:
            self._bounder = solver
            self._stop_if_over()

    def _over(self) -> bool:
        return self._cancelled or (self._best is not None and self._best <= self._bound)

    def _stop_if_over(self) -> bool:
        over = self._over()
        if over:
            for solver in (self._solver, self._bounder):
                if solver is not None:
                    solver.stop_search()
        return over
