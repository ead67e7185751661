"""Trying changes with the solver: one bounded feasibility solve per change.

The only module of `rotaplan.explain` that imports OR-Tools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotaplan.explain.changes import Change
from rotaplan.explain.reasons import _RotaFacts
from rotaplan.explain.types import Gap
from rotaplan.model.build import build
from rotaplan.model.context import LEVELS
from rotaplan.problem import Problem
from rotaplan.rota import Rota, Shortfall
from rotaplan.solve import SolveSettings

# Deterministic solver seconds per change tried (capped at the --time-limit). Hinted
# with the current rota, nine in ten answers come within 0.07 s even for a tight
# 60-person office over two weeks; the limit mostly bounds the time lost on a change
# the solver cannot settle.
CHECK_WORK_SECONDS = 0.5


@dataclass(frozen=True)
class _Search:
    """Where the search for one group's fix stands."""

    changes: tuple[Change, ...]
    fix: Change | None = None
    tried: int = 0
    undecided: int = 0
    position: int = 0  # the next change to try

    @property
    def complete(self) -> bool:
        """True once a fix is found or every change was tried."""
        return self.fix is not None or self.position == len(self.changes)


def _search(
    facts: _RotaFacts,
    level: str,
    gaps: tuple[Gap, ...],
    search: _Search,
    allowance: int,
    settings: SolveSettings,
) -> _Search:
    """Go on trying changes in order, at most `allowance` more; the first that fills wins."""
    baseline = {_key_of(gap): gap.missing for gap in facts.rota.shortfalls}
    tried, undecided, position = search.tried, search.undecided, search.position
    budget = allowance
    while position < len(search.changes) and budget > 0:
        change = search.changes[position]
        changed = change.apply(facts.problem)
        position += 1
        if changed is None:
            continue
        budget -= 1
        tried += 1
        verdict = _fills(changed, facts.rota, baseline, level, gaps, settings)
        if verdict is None:
            undecided += 1
        elif verdict:
            return _Search(search.changes, change, tried, undecided, position)
    return _Search(search.changes, None, tried, undecided, position)


def _fills(
    changed: Problem,
    rota: Rota,
    baseline: Mapping[tuple[dt.date, str, str, str], int],
    level: str,
    gaps: tuple[Gap, ...],
    settings: SolveSettings,
) -> bool | None:
    """Is there a rota of `changed` with no gap in `gaps` and no other gap up to `level` larger?

    None when the solver could not tell within its deterministic time.
    """
    built = build(changed)
    last = LEVELS.index(level)
    targets = {_key_of(gap.shortfall) for gap in gaps}
    for term in built.shortfalls:
        if LEVELS.index(term.level) > last:
            continue
        key = (term.slot.date, term.slot.block, term.area, term.what)
        built.model.add(term.missing <= (0 if key in targets else baseline.get(key, 0)))
    # Every hard rule stays within one week, and in any other week than the group's a
    # change tried at most relaxes a limit, so the rota we have stays valid there: keep
    # it, for a smaller question with the same answer.
    week = changed.week_of(gaps[0].shortfall.date)
    assigned = {(item.staff, (item.date, item.block), item.area) for item in rota.assignments}
    for variable_key, var in built.ctx.vars.keyed().items():
        value = int(variable_key in assigned)
        if changed.week_of(variable_key[1][0]) == week:
            built.model.add_hint(var, value)
        else:
            built.model.add(var == value)
    solver = cp_model.CpSolver()
    work = max(min(CHECK_WORK_SECONDS, settings.time_limit), 0.01)
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = 2 * work + 2  # a safety net only
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = settings.workers
    if settings.workers > 1:
        solver.parameters.interleave_search = True  # keeps multi-worker search deterministic
    # CP-SAT's own Ctrl-C handler would stay installed after the solve and kill the
    # process on a later Ctrl-C; without it, Ctrl-C ends the explanation cleanly.
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


def _key_of(gap: Shortfall) -> tuple[dt.date, str, str, str]:
    return (gap.date, gap.block, gap.area, gap.what)
