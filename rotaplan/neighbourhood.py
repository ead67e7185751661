"""Large-neighbourhood search for the soft goals: re-optimise a few people or days at a time.

CP-SAT with one worker proves a small office quickly but improves a large
one slowly: on 300 people over 4 weeks its first soft-goal solution was the
hint itself after 40 seconds. Re-solving small neighbourhoods (a handful of
people for the whole period, or everyone on one or two days) with every
other assignment fixed moves much faster, and the run stays deterministic:
the neighbourhoods come from a seeded random generator and every sub-solve
stops on deterministic work, never on the clock.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from rotaplan.model.build import BuiltModel

# Work (deterministic seconds) one neighbourhood may use; small keeps many tries per budget.
STEP_WORK = 0.2
# Start with this share of the people free; grow after proofs, shrink after time-outs.
START_SHARE = 0.3
MIN_PEOPLE = 3
# Work charged per step on top of the solver's own count, for copying, fixing and presolving
# the whole model, which CP-SAT's deterministic time leaves out. Measured: 0.38 s a step at
# 22,000 variables (300 people, 4 weeks), 0.11 s at 1,600 (60 people, a week).
STEP_OVERHEAD = 0.05
STEP_OVERHEAD_PER_VARIABLE = 1.5e-5


@dataclass(frozen=True)
class Improvement:
    """The best values found, their objective, and how much work the search used."""

    values: dict[int, int]  # proto variable index -> value, for every variable
    solver: cp_model.CpSolver  # the solve that found `values`
    objective: int
    work: float
    steps: int
    improved: int


def solution_values(solver: cp_model.CpSolver, count: int) -> dict[int, int]:
    """Every variable's value in the solver's last solution."""
    solution = solver.response_proto.solution
    return {index: int(solution[index]) for index in range(count)}


def improve(
    built: BuiltModel,
    start: cp_model.CpSolver,
    value: int,
    bound: int,
    work: float,
    seed: int,
    configure: Callable[[cp_model.CpSolver], None],
    solve_with: Callable[[cp_model.CpSolver, cp_model.CpModel], Any],
    stop: Callable[[], bool],
    report: Callable[[int], None] | None = None,
    patience: float | None = None,
) -> Improvement:
    """Re-optimise neighbourhoods of the rota in `values` (objective `value`) for up to `work`
    deterministic seconds, or until the objective meets the proven `bound`.

    The model's objective must be set; `configure` sets each
    sub-solver's parameters (seed, workers, extra parameters) before its limit;
    `solve_with(solver, model)` runs a sub-solve; `stop()` is asked before and after
    each step whether to end the search (wall clock past its limit, or Ctrl-C). With
    `patience`, the search also ends once that much work went by without a better rota.
    """
    model = built.model
    problem = built.ctx.problem
    rng = random.Random(seed)
    by_person: dict[str, list[int]] = defaultdict(list)
    by_date: dict[object, list[int]] = defaultdict(list)
    for person in problem.people:
        for slot, _area, var in built.ctx.vars.of_person(person.id):
            by_person[person.id].append(var.index)
            by_date[slot.date].append(var.index)
    people = [person.id for person in problem.people if by_person[person.id]]
    dates = sorted(by_date, key=str)
    assignment_indices = [var.index for var in built.ctx.vars.all()]
    best = solution_values(start, len(model.proto.variables))
    best_solver = start
    best_objective = value
    costly = _costliest(built, start)
    share = START_SHARE
    overhead = STEP_OVERHEAD + STEP_OVERHEAD_PER_VARIABLE * len(model.proto.variables)
    used = last_better = 0.0
    steps = improved = 0
    while used < work - 0.01 and people and best_objective > bound and not stop():
        if patience is not None and used - last_better > patience:
            break
        steps += 1
        free: set[int] = set()
        size = min(len(people), max(MIN_PEOPLE, round(share * len(people))))
        if steps % 3 == 0 and len(dates) > 1:
            for date in rng.sample(dates, k=min(len(dates), 1 + rng.randrange(2))):
                free.update(by_date[date])
        elif steps % 3 == 2 and costly:
            # The people who cost most now, with as many others drawn at random to trade with.
            chosen = set(costly[: max(1, size // 2)])
            others = [staff for staff in people if staff not in chosen]
            chosen.update(rng.sample(others, k=min(len(others), size - len(chosen))))
            for staff in chosen:
                free.update(by_person[staff])
        else:
            for staff in rng.sample(people, k=size):
                free.update(by_person[staff])
        copy = model.clone()
        copy.clear_hints()
        for index in assignment_indices:
            if index not in free:
                domain = copy.proto.variables[index].domain
                domain[0] = best[index]
                domain[1] = best[index]
        for index, value in best.items():
            copy.add_hint(copy.get_int_var_from_proto_index(index), value)
        solver = cp_model.CpSolver()
        configure(solver)
        if steps % 2 == 0:
            # Every other step without the LP: cheaper steps and more of them. Neither
            # setting won on every benchmark office; alternating kept the better of both.
            solver.parameters.linearization_level = 0
        step_work = min(STEP_WORK, work - used - overhead)
        solver.parameters.max_deterministic_time = max(step_work, 0.01)
        status = solve_with(solver, copy)
        used += solver.deterministic_time + overhead
        interrupted = stop()
        if status == cp_model.OPTIMAL:
            share = min(1.0, share * 1.25)
        elif status != cp_model.FEASIBLE or solver.deterministic_time >= 0.98 * step_work:
            share = max(MIN_PEOPLE / max(len(people), 1), share * 0.8)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = round(solver.objective_value)
            if found < best_objective:
                best = solution_values(solver, len(best))
                best_solver = solver
                best_objective = found
                costly = _costliest(built, solver)
                improved += 1
                last_better = used
                if report is not None:
                    report(found)
        if interrupted:
            break
    return Improvement(best, best_solver, best_objective, used, steps, improved)


def _costliest(built: BuiltModel, solver: cp_model.CpSolver) -> list[str]:
    """People with a soft cost in `solver`'s rota, costliest first (ties in file order)."""
    cost: dict[str, int] = defaultdict(int)
    for term in built.penalties:
        if term.staff is not None and term.weight:
            cost[term.staff] += term.weight * int(solver.value(term.amount))
    order = {person.id: index for index, person in enumerate(built.ctx.problem.people)}
    return sorted((s for s in cost if cost[s] > 0), key=lambda s: (-cost[s], order[s]))
