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
# Work charged per step on top of the solver's own count, for cutting out the sub-model
# (Python, about linear in the variables) and presolving it, which CP-SAT's deterministic
# time leaves out. Measured on 300 people over 4 weeks (22,000 variables): 40 ms to cut out a
# sub-model, 0.1 s wall for a sub-solve that proves in 0.02 s of work.
STEP_OVERHEAD = 0.01
STEP_OVERHEAD_PER_VARIABLE = 2e-6
# A helper variable moves with the freed assignments if a constraint links them that
# mentions at most this many helper variables (see SubModels).
EXPAND_LIMIT = 20


@dataclass(frozen=True)
class Improvement:
    """The best values found, their objective, and how much work the search used."""

    values: dict[int, int]  # proto variable index -> value, for every variable
    solver: cp_model.CpSolver  # the solve that found `values`
    objective: int
    work: float
    steps: int
    improved: int
    stalled: bool  # ended by `patience`, not by the work limit or the bound


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
    best = solution_values(start, len(model.proto.variables))
    best_solver = start
    best_objective = value
    costly = _costliest(built, start)
    size = picker.start_size()
    graph = SubModels(model, {var.index for var in built.ctx.vars.all()})
    overhead = STEP_OVERHEAD + STEP_OVERHEAD_PER_VARIABLE * len(model.proto.variables)
    used = last_better = 0.0
    steps = improved = 0
    stalled = False
    while used < work - 0.01 and picker.people and best_objective > bound and not stop():
        if patience is not None and used - last_better > patience:
            stalled = True
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
        copy = graph.sub_model(model, free, best)
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
    return Improvement(best, best_solver, best_objective, used, steps, improved, stalled)


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


class SubModels:
    """Which variables each constraint of a model mentions, to cut out sub-models.

    A neighbourhood's sub-model keeps the constraints that mention a variable
    allowed to move, and fixes every other variable at its current value; every
    dropped constraint then mentions fixed variables only, which the current rota
    satisfies. The variables allowed to move are the freed assignments and the
    helper variables (costs, distances, gaps) reached from them through
    constraints with at most EXPAND_LIMIT helper variables; larger ones (a
    level's sum over every slot) are kept, but their other variables stay fixed.
    """

    def __init__(self, model: cp_model.CpModel, assignments: set[int]) -> None:
        self.assignments = assignments
        self.helpers: list[list[int]] = []  # per constraint, its non-assignment variables
        self.mentions: list[list[int]] = [[] for _ in range(len(model.proto.variables))]
        for number, constraint in enumerate(model.proto.constraints):
            indices = {ref if ref >= 0 else -ref - 1 for ref in _references(constraint)}
            self.helpers.append(sorted(indices - assignments))
            for index in indices:
                self.mentions[index].append(number)

    def sub_model(
        self, model: cp_model.CpModel, free: set[int], values: dict[int, int]
    ) -> cp_model.CpModel:
        """`model` with only the assignments in `free` (and what they reach) able to move,
        hinted at `values`."""
        moving = set(free)
        queue = list(free)
        kept: set[int] = set()
        while queue:
            index = queue.pop()
            for number in self.mentions[index]:
                if number in kept:
                    continue
                kept.add(number)
                helpers = self.helpers[number]
                if len(helpers) > EXPAND_LIMIT:
                    continue
                for other in helpers:
                    if other not in moving:
                        moving.add(other)
                        queue.append(other)
        source = model.proto
        sub = cp_model.CpModel()
        variables = sub.proto.variables
        for index in range(len(source.variables)):
            if index in moving:
                variables.add().copy_from(source.variables[index])
            else:
                variables.add().domain.extend((values[index], values[index]))
        for number in sorted(kept):
            sub.proto.constraints.add().copy_from(source.constraints[number])
        sub.proto.objective.copy_from(source.objective)
        order = sorted(moving)
        sub.proto.solution_hint.vars.extend(order)
        sub.proto.solution_hint.values.extend(values[index] for index in order)
        return sub


def _references(constraint: Any) -> list[int]:
    """Every variable reference (negative for a negated literal) of one constraint."""
    refs = list(constraint.enforcement_literal)
    if constraint.has_linear():
        refs += constraint.linear.vars
    elif constraint.has_bool_or():
        refs += constraint.bool_or.literals
    elif constraint.has_bool_and():
        refs += constraint.bool_and.literals
    elif constraint.has_at_most_one():
        refs += constraint.at_most_one.literals
    elif constraint.has_exactly_one():
        refs += constraint.exactly_one.literals
    elif constraint.has_lin_max():
        refs += constraint.lin_max.target.vars
        for expression in constraint.lin_max.exprs:
            refs += expression.vars
    else:
        raise ValueError(f"no sub-models for this constraint yet: {constraint}")
    return refs
