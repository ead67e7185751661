"""Large-neighbourhood search: re-optimise a few people or days at a time.

CP-SAT with one worker proves a small office quickly but improves a large
one slowly: on 300 people over 4 weeks its first soft-goal solution was the
hint itself after 40 seconds. Re-solving small neighbourhoods with every
other assignment fixed moves much faster. Four kinds take turns: everyone on
one or two days; people far above their fair part of the counter with people
far below it (the trade fairness needs); the costliest people with others
drawn at random; people drawn at random. A trainee is always freed with
their mentor, since they only sit at the counter together. The run stays
deterministic: the neighbourhoods come from a seeded random generator and
every sub-solve stops on deterministic work, never on the clock.

The shortfall stages use the same search (`rotaplan.solve._search`): on
300 people over 4 weeks, day neighbourhoods close the back-office gaps a
full solve needed 8 s for.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from rotaplan.model.build import BuiltModel
from rotaplan.model.fairness import fair_parts

# Work (deterministic seconds) one neighbourhood may use; small keeps many tries per budget.
STEP_WORK = 0.2
# The first neighbourhood frees this share of the people, or fewer: about
# START_FREE_VARIABLES assignment variables. Sizes grow after proofs, shrink after time-outs.
START_SHARE = 0.3
START_FREE_VARIABLES = 1000
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
    rng = random.Random(seed)
    picker = Picker(built)
    assignment_indices = [var.index for var in built.ctx.vars.all()]
    best = solution_values(start, len(model.proto.variables))
    best_solver = start
    best_objective = value
    costly = _costliest(built, start)
    size = picker.start_size()
    overhead = STEP_OVERHEAD + STEP_OVERHEAD_PER_VARIABLE * len(model.proto.variables)
    used = last_better = 0.0
    steps = improved = 0
    while used < work - 0.01 and picker.people and best_objective > bound and not stop():
        if patience is not None and used - last_better > patience:
            break
        steps += 1
        kind = steps % 4
        if kind == 0 and len(picker.dates) > 1:
            free = picker.days(rng)
        elif kind == 1:
            free = picker.trade(rng, best, size)
        elif kind == 2 and costly:
            free = picker.costly(rng, costly, size)
        else:
            free = picker.anyone(rng, size)
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
            size = min(len(picker.people), size * 1.25)
        elif status != cp_model.FEASIBLE or solver.deterministic_time >= 0.98 * step_work:
            size = max(MIN_PEOPLE, size * 0.8)
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


class Picker:
    """Chooses the assignment variables (by proto index) that one neighbourhood frees."""

    def __init__(self, built: BuiltModel) -> None:
        problem = built.ctx.problem
        self.by_person: dict[str, list[int]] = defaultdict(list)
        self.by_date: dict[object, list[int]] = defaultdict(list)
        self.front: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for person in problem.people:
            for slot, area, var in built.ctx.vars.of_person(person.id):
                self.by_person[person.id].append(var.index)
                self.by_date[slot.date].append(var.index)
                if area == "front":
                    self.front[person.id].append((var.index, slot.minutes))
        self.people = [person.id for person in problem.people if self.by_person[person.id]]
        self.dates = sorted(self.by_date, key=str)
        # A trainee sits at the counter only beside their mentor: free them together.
        self.partners: dict[str, set[str]] = defaultdict(set)
        for person in problem.people:
            if person.trainee and person.mentor is not None:
                self.partners[person.id].add(person.mentor)
                self.partners[person.mentor].add(person.id)
        counter_minutes = built.ctx.counter_minutes
        self.fair = fair_parts(problem, counter_minutes) if counter_minutes is not None else {}

    def start_size(self) -> float:
        """How many people the first neighbourhood frees."""
        if not self.people:
            return 0.0
        per_person = sum(len(self.by_person[staff]) for staff in self.people) / len(self.people)
        return max(
            float(MIN_PEOPLE),
            min(START_SHARE * len(self.people), START_FREE_VARIABLES / per_person),
        )

    def days(self, rng: random.Random) -> set[int]:
        """Everyone on one or two dates."""
        free: set[int] = set()
        for date in rng.sample(self.dates, k=min(len(self.dates), 1 + rng.randrange(2))):
            free.update(self.by_date[date])
        return free

    def anyone(self, rng: random.Random, size: float) -> set[int]:
        """`size` people drawn at random, for the whole period."""
        return self._free(rng.sample(self.people, k=min(len(self.people), round(size))))

    def costly(self, rng: random.Random, costly: list[str], size: float) -> set[int]:
        """The people who cost most now, with as many others drawn at random to trade with."""
        chosen = costly[: max(1, round(size) // 2)]
        taken = set(chosen)
        others = [staff for staff in self.people if staff not in taken]
        chosen += rng.sample(others, k=min(len(others), round(size) - len(chosen)))
        return self._free(chosen)

    def trade(self, rng: random.Random, values: dict[int, int], size: float) -> set[int]:
        """People far above their fair part of the counter with people far below it, so that
        counter duty can move from the ones to the others; drawn from the most extreme."""
        deviation = {
            staff: sum(minutes for index, minutes in self.front[staff] if values[index]) - fair
            for staff, fair in self.fair.items()
        }
        over = sorted((s for s in deviation if deviation[s] > 0), key=lambda s: -deviation[s])
        under = sorted((s for s in deviation if deviation[s] < 0), key=lambda s: deviation[s])
        half = max(1, round(size) // 2)
        chosen = rng.sample(over[: 3 * half], k=min(half, len(over))) + rng.sample(
            under[: 3 * half], k=min(half, len(under))
        )
        if not chosen:
            return self.anyone(rng, size)
        return self._free(chosen)

    def _free(self, chosen: list[str]) -> set[int]:
        free: set[int] = set()
        for staff in chosen:
            for one in (staff, *sorted(self.partners.get(staff, ()))):
                free.update(self.by_person[one])
        return free
