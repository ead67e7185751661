"""The soft goals' floor: each term's own least, raised for mentors and trainees together."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rotaplan import solve as solve_module
from rotaplan.check import check
from rotaplan.floor import Floor, mentors_and_trainees, relaxation_of
from rotaplan.model.build import BuiltModel
from rotaplan.neighbourhood import SearchIndex, linear_sum, solution_values
from rotaplan.problem import Problem
from rotaplan.solve import SolveSettings, _Stages, solve
from tests.factories import office, person, problem_of
from tests.model.test_neighbourhood import one_worker, two_weeks, with_soft_rules


def short_mentor() -> Problem:
    """The mentor works 8 hours a week, two blocks at most: the trainee, who wants three
    counter blocks and sits there only beside the mentor, can have two, which neither
    person's terms see by themselves."""
    staff = [
        person("anna", hours=8),
        person("tim", trainee=True, mentor="anna", min_front_blocks=3),
        person("cem"),
        person("dora", hours=20),
    ]
    return problem_of(office(front={"seats": 1}, staff=staff))


def proven_bound(model: cp_model.CpModel) -> int | None:
    solver = one_worker()
    solver.parameters.max_time_in_seconds = 10
    status = solver.solve(model)
    return round(solver.objective_value) if status == cp_model.OPTIMAL else None


def optimum(built: BuiltModel) -> int:
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    built.model.minimize(objective)
    solver = one_worker()
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_mentors_and_trainees_are_named_in_file_order() -> None:
    assert mentors_and_trainees(short_mentor()) == ("anna", "tim")
    assert mentors_and_trainees(problem_of(office())) == ()


def test_the_floor_sees_practice_the_mentors_hours_rule_out() -> None:
    built = with_soft_rules(short_mentor())
    practice = [term for term in built.penalties if term.rule == "trainee_practice"]
    assert [term.least for term in practice] == [0]  # the term alone thinks all 3 possible
    least, relaxed = relaxation_of(SearchIndex.of(built), ("anna", "tim"))
    assert relaxed is not None
    floor = Floor.of(least, proven_bound(relaxed))
    assert floor.proven >= floor.least + 120  # one missing block
    # ... and it is a floor: the optimum of the whole office pays at least as much
    raised = built.least_penalty() + floor.proven - floor.least
    assert raised <= optimum(built)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=1000),
    chosen=st.sets(st.sampled_from(["mentor", "tim", "p0", "p1", "p2", "p3"]), min_size=1),
)
def test_every_rota_is_a_solution_of_the_relaxation_at_its_own_cost(
    seed: int, chosen: set[str]
) -> None:
    built = with_soft_rules(two_weeks())
    solver = one_worker()
    solver.parameters.random_seed = seed
    solver.parameters.randomize_search = True
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = solution_values(solver, len(built.model.proto.variables))
    index = SearchIndex.of(built)
    terms = [linear for _term, staff, linear in index.costs.terms if staff in chosen]
    objective = linear_sum(terms)
    free = {var for staff in chosen for var in index.picker.by_person[staff]}
    relaxed = index.graph.relaxation(free, objective)
    # only the chosen people's assignments are variables of the relaxation
    assignments = {var.index for var in built.ctx.vars.all()}
    assert set(relaxed.moving) & assignments == free
    # the rota, restricted to the relaxation's variables, satisfies it at the rota's cost
    fixed = relaxed.model.clone()
    for new, old in enumerate(relaxed.moving):
        domain = fixed.proto.variables[new].domain
        domain.clear()
        domain.extend([values[old], values[old]])
    check_solver = one_worker()
    assert check_solver.solve(fixed) == cp_model.OPTIMAL
    assert round(check_solver.objective_value) == objective.value(values)
    # so the relaxation's optimum is a floor under the rota's cost
    bound = proven_bound(relaxed.model)
    assert bound is not None and bound <= objective.value(values)


def stages_of(problem: Problem) -> _Stages:
    built = with_soft_rules(problem)
    return _Stages(built, SolveSettings(time_limit=10, workers=1), None)


def test_a_large_office_raises_its_floor_and_a_small_one_keeps_the_terms_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = stages_of(short_mentor())
    # its first solve proves more
    assert small.start_soft_floor()() == small.built.least_penalty()
    monkeypatch.setattr(solve_module, "FIRST_SOLVE_UP_TO_VARIABLES", 0)
    large = stages_of(short_mentor())
    assert large.start_soft_floor()() >= large.built.least_penalty() + 120
    assert large.index is not None  # kept for the neighbourhoods


def test_a_large_office_reports_the_raised_floor_as_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "FIRST_SOLVE_UP_TO_VARIABLES", 0)
    problem = short_mentor()
    result = solve(problem, SolveSettings(time_limit=5, workers=1))
    rota = result.rota
    assert check(problem, rota).ok()
    floor = stages_of(problem).built.least_penalty() + 120
    assert rota.bound is not None and rota.objective is not None
    assert floor <= rota.bound <= rota.objective
    practice = [p for p in rota.penalties if p.rule == "trainee_practice"]
    assert [p.cost for p in practice] == [120]
