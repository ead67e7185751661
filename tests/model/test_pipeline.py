"""Neighbourhood steps side by side (`improve(parallel=...)`): merged only where every rule
still holds, exact about the objective, and the same rota whichever step ends first."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rotaplan.check import check
from rotaplan.model.build import build
from rotaplan.neighbourhood import Picker, SubModels, _form, improve, solution_values
from rotaplan.problem import Problem, load_problem
from rotaplan.solve import SolveSettings, _assignment_values, _assignments, _evaluate_values
from tests.model.test_neighbourhood import configure, indices, two_weeks, with_soft_rules
from tests.test_check import make_rota
from tests.test_robustness import generated_office


def _tiny() -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """x + y <= 1, z free; minimise -x - y - 2z."""
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(name) for name in "xyz")
    model.add(x + y <= 1)
    model.minimize(-x - y - 2 * z)
    return model, [x, y, z]


def test_changes_that_break_a_shared_rule_are_not_merged() -> None:
    model, (x, y, _z) = _tiny()
    graph = SubModels(model, {0, 1, 2})
    rota = {0: 1, 1: 0, 2: 0}  # x was set by a step taken in meanwhile
    assert graph.merged_gain({y.index: 1}, {x.index: 1}, rota) is None


def test_changes_that_share_no_rule_are_merged_at_their_own_gain() -> None:
    model, (x, _y, z) = _tiny()
    graph = SubModels(model, {0, 1, 2})
    rota = {0: 1, 1: 0, 2: 0}
    assert graph.merged_gain({z.index: 1}, {x.index: 1}, rota) == 2


def test_a_change_already_made_by_a_step_taken_in_is_not_counted_twice() -> None:
    model, (x, _y, z) = _tiny()
    graph = SubModels(model, {0, 1, 2})
    rota = {0: 1, 1: 0, 2: 0}
    # the step also set x, as the one taken in did: only z is new
    assert graph.merged_gain({x.index: 1, z.index: 1}, {x.index: 1}, rota) == 2


def _every_kind() -> cp_model.CpModel:
    """One constraint of each kind a sub-model can hold, over a, b, c in 0..1 and n in 0..3."""
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(name) for name in "abc")
    n = model.new_int_var(0, 3, "n")
    model.add_linear_expression_in_domain(
        a + b + n, cp_model.Domain.from_intervals([[0, 1], [3, 4]])
    )
    model.add_bool_or([a, b.Not()]).only_enforce_if(c)
    model.add_bool_and([a, c]).only_enforce_if(b)
    model.add_at_most_one([a, b, c.Not()])
    model.add_exactly_one([a, b, c])
    model.add_max_equality(n, [2 * a, b + c, 1])
    return model


@settings(max_examples=60, deadline=None)
@given(a=st.integers(0, 1), b=st.integers(0, 1), c=st.integers(0, 1), n=st.integers(0, 3))
def test_a_constraint_holds_exactly_where_cp_sat_says_it_does(
    a: int, b: int, c: int, n: int
) -> None:
    values = {0: a, 1: b, 2: c, 3: n}
    model = _every_kind()
    for constraint in model.proto.constraints:
        alone = cp_model.CpModel()  # this constraint alone, every variable fixed
        for index in range(len(model.proto.variables)):
            alone.proto.variables.add().domain.extend([values[index], values[index]])
        alone.proto.constraints.add().copy_from(constraint)
        feasible = cp_model.CpSolver().solve(alone) == cp_model.OPTIMAL
        assert _form(constraint).holds(values) == feasible, str(constraint)


def test_busy_people_and_dates_are_not_drawn_while_others_are_left() -> None:
    built = with_soft_rules(two_weeks())
    picker = Picker(built)
    busy = frozenset({"p0", "p1", "p2"})
    taken = set().union(*(indices(built, staff) for staff in busy))
    rng = random.Random(5)
    values = {var.index: 0 for var in built.ctx.vars.all()}
    for _ in range(30):
        assert not picker.anyone(rng, 4, busy) & taken
        assert not picker.costly(rng, ["p0", "p3", "p1"], 4, busy) & taken
        assert not picker.trade(rng, values, 4, busy) & taken
    dates = frozenset(picker.dates[1:])
    assert {picker.date_of[var] for var in picker.days(rng, dates)} == {picker.dates[0]}
    everyone = frozenset(picker.people)
    assert picker.anyone(rng, 2, everyone) == set()  # nobody left: nothing drawn


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> Problem:
    """30 people over 2 weeks: a search that does not reach its bound of 0 in its budget."""
    folder = tmp_path_factory.mktemp("office")
    return load_problem(generated_office(folder, people=30, weeks=2, seed=3))


def _search(
    problem: Problem, parallel: int, delay: random.Random | None, work: float = 4.0
) -> tuple[Any, int, int]:
    """A search from a rota that ignores the soft goals; its result, the start's cost and
    the most sub-solves that ran at once. With `delay`, each sub-solve starts after a pause
    drawn from it, so that they end in another order."""
    built = build(problem)
    # The seats and minimums a first rota fills stay filled, as the shortfall stages fix them.
    start = cp_model.CpSolver()
    configure(start)
    assert start.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    for term in built.shortfalls:
        built.model.add(term.missing == start.value(term.missing))
    seats = sum(
        term.slot.minutes * (term.need - start.value(term.missing))
        for term in built.shortfalls
        if term.level == "front_seats"
    )
    built.add_soft_rules(seats)
    first = _evaluate_values(built, _assignment_values(built, start), SolveSettings())
    values = solution_values(first, len(built.model.proto.variables))
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    cost = int(first.value(objective))
    built.model.minimize(objective)
    lock = threading.Lock()
    running = [0, 0]  # now, most
    pauses = [delay.random() * 0.03 for _ in range(500)] if delay else []

    def solve_with(solver: cp_model.CpSolver, model: cp_model.CpModel) -> Any:
        with lock:
            running[0] += 1
            running[1] = max(running)
            pause = pauses.pop() if pauses else 0.0
        time.sleep(pause)  # a different order of ending each run
        try:
            return solver.solve(model)
        finally:
            with lock:
                running[0] -= 1

    found = improve(
        built, values, cost, 0, work, 0, configure, solve_with, lambda: False, parallel=parallel
    )
    final = _evaluate_values(built, found.values, SolveSettings())
    assert final.value(objective) == found.objective  # merged gains add up exactly
    report = check(problem, make_rota(problem, list(_assignments(built, final))))
    assert report.violations == ()
    assert sum(report.cost_by_rule().values()) == found.objective
    return found, cost, running[1]


def test_steps_side_by_side_improve_the_rota_and_keep_every_rule() -> None:
    found, cost, most = _search(two_weeks(), 2, None)
    assert most == 2
    assert found.improved > 0
    assert found.objective < cost


def test_steps_side_by_side_give_the_same_rota_whichever_ends_first(larger: Problem) -> None:
    first, _cost, _most = _search(larger, 2, random.Random(1), work=2.0)
    second, _cost, _most = _search(larger, 2, random.Random(2), work=2.0)
    assert first.objective > 0 and first.steps > 20  # the budget, not the bound, ended it
    assert first.work >= 2.0 - 0.01  # and all of it was spent, as one step at a time does
    assert (first.values, first.objective, first.work) == (
        second.values,
        second.objective,
        second.work,
    )
