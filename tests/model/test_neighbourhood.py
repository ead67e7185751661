"""Neighbourhoods: who is freed together, and an improvement that keeps every rule."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rotaplan import neighbourhood
from rotaplan.check import check
from rotaplan.model.build import BuiltModel, build
from rotaplan.neighbourhood import (
    Improvement,
    Picker,
    SubModels,
    _next_kind,
    _PersonCosts,
    improve,
    solution_values,
)
from rotaplan.problem import Problem
from rotaplan.solve import SolveSettings, _assignments, _evaluate_values
from tests.factories import office, person, problem_of
from tests.test_check import make_rota


def two_weeks() -> Problem:
    """Two weeks, two counter seats a block, a trainee with a mentor, nine others."""
    staff = [person("mentor"), person("tim", trainee=True, mentor="mentor", min_front_blocks=2)]
    staff += [person(f"p{index}", hours=20 if index % 3 == 0 else 39) for index in range(9)]
    return problem_of(
        office(period={"start": "2026-11-30", "weeks": 2}, front={"seats": 2}, staff=staff)
    )


def with_soft_rules(problem: Problem) -> BuiltModel:
    built = build(problem)
    seats = sum(
        term.need * term.slot.minutes for term in built.shortfalls if term.level == "front_seats"
    )
    built.add_soft_rules(seats)
    return built


def one_worker() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    configure(solver)
    return solver


def configure(solver: cp_model.CpSolver) -> None:
    """What improve() does to each sub-solver: one worker, the rest as CP-SAT sets it."""
    solver.parameters.num_workers = 1


def solve_with(solver: cp_model.CpSolver, model: cp_model.CpModel) -> Any:
    return solver.solve(model)


def indices(built: BuiltModel, staff: str) -> set[int]:
    return {var.index for _slot, _area, var in built.ctx.vars.of_person(staff)}


def test_a_trainee_is_freed_with_their_mentor_and_the_mentor_with_the_trainee() -> None:
    built = with_soft_rules(two_weeks())
    picker = Picker(built)
    trainee, mentor = indices(built, "tim"), indices(built, "mentor")
    rng = random.Random(3)
    for _ in range(40):
        free = picker.anyone(rng, 3)
        assert (trainee <= free) == (mentor <= free)
        assert not trainee & free or trainee <= free


def test_trade_frees_people_above_and_below_their_fair_part() -> None:
    built = with_soft_rules(two_weeks())
    # Everyone at the counter is p0 as far as the variables go: p0 is far above the fair
    # part, everyone else below it.
    values: dict[int, int] = {}
    for var in built.ctx.vars.all():
        values[var.index] = 0
    for _slot, area, var in built.ctx.vars.of_person("p1"):
        values[var.index] = int(area == "front")
    picker = Picker(built)
    free = picker.trade(random.Random(0), values, 2)
    assert indices(built, "p1") <= free
    others = {f"p{index}" for index in range(9)} - {"p1"} | {"mentor"}
    assert any(indices(built, staff) <= free for staff in others)


def test_neighbourhoods_improve_a_rota_and_keep_every_rule() -> None:
    problem = two_weeks()
    built = with_soft_rules(problem)
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    # A first rota that ignores the soft goals.
    start = one_worker()
    start.parameters.random_seed = 0
    assert start.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = solution_values(start, len(built.model.proto.variables))
    start_cost = _evaluate_values(built, values, SolveSettings()).value(objective)
    built.model.minimize(objective)

    found = improve(built, values, int(start_cost), 0, 3.0, 0, configure, solve_with, lambda: False)
    assert found.improved > 0
    assert found.objective < start_cost
    final = _evaluate_values(built, found.values, SolveSettings())
    assert final.value(objective) == found.objective
    report = check(problem, make_rota(problem, list(_assignments(built, final))))
    assert report.violations == ()
    assert sum(report.cost_by_rule().values()) == found.objective  # the checker agrees


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000), people=st.integers(1, 6), kind=st.sampled_from(["days", "anyone"])
)
def test_every_solution_of_a_sub_model_is_a_rota_of_the_whole_model(
    seed: int, people: int, kind: str
) -> None:
    built = with_soft_rules(two_weeks())
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    start = one_worker()
    assert start.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = solution_values(start, len(built.model.proto.variables))
    built.model.minimize(objective)
    rng = random.Random(seed)
    picker = Picker(built)
    free = picker.days(rng) if kind == "days" else picker.anyone(rng, people)
    assert built.ctx.redundant  # the fairness cuts, left out of every sub-model
    sub = SubModels(built.model, {var.index for var in built.ctx.vars.all()}, built.ctx.redundant)
    part = sub.sub_model(free, values)
    assert len(part.model.proto.constraints) < len(built.model.proto.constraints)
    # only what may move is a variable of the sub-model (and constants for fixed literals)
    assert free <= set(part.moving)
    assert len(part.model.proto.variables) < len(values)
    solver = one_worker()
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(part.model) == cp_model.OPTIMAL
    found = {**values, **part.changes(solver, values)}
    # Only the freed assignments moved ...
    for var in built.ctx.vars.all():
        if var.index not in free:
            assert found[var.index] == values[var.index]
    # ... and the whole model, every variable fixed at the sub-model's solution, holds.
    whole = built.model.clone()
    for index, value in found.items():
        domain = whole.proto.variables[index].domain
        domain.clear()
        domain.extend([value, value])
    check_solver = one_worker()
    assert check_solver.solve(whole) == cp_model.OPTIMAL
    assert round(check_solver.objective_value) == round(solver.objective_value)


def test_a_search_that_cannot_improve_stops_on_its_patience() -> None:
    # Four hours a day at most: nobody reaches their hours, so the optimum costs something.
    staff = [person("anna"), person("ben", hours=20), person("cem")]
    data = office(front={"seats": 1}, staff=staff, rules={"max_hours_per_day": 4})
    built = with_soft_rules(problem_of(data))
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    built.model.minimize(objective)
    optimum = one_worker()
    assert optimum.solve(built.model) == cp_model.OPTIMAL
    value = round(optimum.objective_value)
    assert value > 0

    # bound 0 is below the optimum, so only the patience can end the search early
    found = improve(
        built,
        solution_values(optimum, len(built.model.proto.variables)),
        value,
        0,
        50.0,
        0,
        configure,
        solve_with,
        lambda: False,
        patience=0.5,
    )
    assert found.stalled
    assert found.improved == 0
    assert found.objective == value
    assert found.work < 50.0


def week_of(built: BuiltModel, staff: str, number: int) -> set[int]:
    return {var.index for slot, _a, var in built.ctx.vars.of_person(staff) if slot.week == number}


def counter_pair_rota(built: BuiltModel) -> dict[int, int]:
    """p0 and p1 hold both seats everywhere, the mentor is in the back office, Tim is off."""
    values = {var.index: 0 for var in built.ctx.vars.all()}
    for staff, area in (("p0", "front"), ("p1", "front"), ("mentor", "back")):
        for _slot, slot_area, var in built.ctx.vars.of_person(staff):
            values[var.index] = int(slot_area == area)
    return values


def test_around_frees_the_trainee_their_mentor_and_people_at_the_counter_for_one_week(
    monkeypatch: Any,
) -> None:
    built = with_soft_rules(two_weeks())
    values = counter_pair_rota(built)
    picker = Picker(built)
    monkeypatch.setattr(neighbourhood, "GROUP_SHARE", 0.0)  # one week, never the period

    free = picker.around(random.Random(0), values, ("tim", 0), 1)

    assert week_of(built, "tim", 0) | week_of(built, "mentor", 0) <= free
    assert not (week_of(built, "tim", 1) | week_of(built, "mentor", 1)) & free
    # one of the two people at the counter, for that week only
    freed = [staff for staff in ("p0", "p1") if week_of(built, staff, 0) <= free]
    assert len(freed) == 1
    assert not week_of(built, freed[0], 1) & free
    others = {f"p{index}" for index in range(2, 9)}
    assert not any(week_of(built, staff, 0) & free for staff in others)


def test_group_frees_mentor_and_trainee_for_the_period_with_seats_to_trade_each_week() -> None:
    built = with_soft_rules(two_weeks())
    values = counter_pair_rota(built)
    picker = Picker(built)

    free = picker.group(random.Random(0), values, ["tim", "mentor"], 0, 2)

    assert indices(built, "tim") | indices(built, "mentor") <= free
    # week 0 (the week that pays): one of the two at the counter, for that week only
    sitting = [staff for staff in ("p0", "p1") if week_of(built, staff, 0) <= free]
    assert len(sitting) == 1
    assert not week_of(built, sitting[0], 1) & free
    # week 1: one who could take a counter seat there and has none, for that week only
    others = [f"p{index}" for index in range(2, 9)]
    takers = [staff for staff in others if week_of(built, staff, 1) <= free]
    assert len(takers) == 1
    assert not week_of(built, takers[0], 0) & free
    assert not any(week_of(built, staff, 1) & free for staff in ("p0", "p1"))
    freed = {staff for staff in [*others, "p0", "p1"] if indices(built, staff) & free}
    assert freed == {sitting[0], takers[0]}


def test_around_frees_a_mentor_group_for_the_period_as_often_as_group_share_says(
    monkeypatch: Any,
) -> None:
    built = with_soft_rules(two_weeks())
    values = counter_pair_rota(built)
    picker = Picker(built)
    period = indices(built, "tim") | indices(built, "mentor")

    monkeypatch.setattr(neighbourhood, "GROUP_SHARE", 1.0)
    assert period <= picker.around(random.Random(0), values, ("tim", 0), 2)
    monkeypatch.setattr(neighbourhood, "GROUP_SHARE", 0.0)
    assert not period <= picker.around(random.Random(0), values, ("tim", 0), 2)
    # someone without a mentor or trainees is always freed for the one week
    monkeypatch.setattr(neighbourhood, "GROUP_SHARE", 1.0)
    alone = picker.around(random.Random(0), values, ("p5", 0), 2)
    assert week_of(built, "p5", 0) <= alone
    assert not week_of(built, "p5", 1) & alone


def test_kinds_are_each_tried_once_then_drawn_by_their_gain_per_work() -> None:
    rng = random.Random(0)
    assert _next_kind(rng, [0, 2, 3], [None] * 5) == 0
    assert _next_kind(rng, [0, 2, 3], [1.0, None, None, None, None]) == 2
    rates: list[float | None] = [10.0, 0.0, 5.0, 0.0, None]
    drawn = Counter(_next_kind(rng, [0, 1, 2, 3], rates) for _ in range(2000))
    assert drawn[0] > drawn[2] > drawn[1]
    # a kind that gained nothing lately is still drawn now and then (RATE_FLOOR)
    assert drawn[1] > 0
    assert drawn[3] > 0
    assert 4 not in drawn  # not usable now (no trainee short of practice)


def test_a_search_from_a_rota_without_practice_gives_the_trainee_their_blocks() -> None:
    built = with_soft_rules(two_weeks())
    practice = [term for term in built.penalties if term.rule == "trainee_practice"]
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    # A first rota that keeps the trainee away from the counter.
    tim_front = [var for _slot, area, var in built.ctx.vars.of_person("tim") if area == "front"]
    blocked = built.model.clone()
    for var in tim_front:
        blocked.add(blocked.get_bool_var_from_proto_index(var.index) == 0)
    start = one_worker()
    assert start.solve(blocked) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = solution_values(start, len(built.model.proto.variables))
    first = _evaluate_values(built, values, SolveSettings())
    assert sum(first.value(term.amount) for term in practice) == 4  # 2 blocks short a week
    built.model.minimize(objective)

    found = improve(
        built, values, int(first.value(objective)), 0, 5.0, 0, configure, solve_with, lambda: False
    )
    final = _evaluate_values(built, found.values, SolveSettings())
    assert sum(final.value(term.amount) for term in practice) == 0
    report = check(two_weeks(), make_rota(two_weeks(), list(_assignments(built, final))))
    assert report.violations == ()


def test_above_floor_names_the_weeks_a_person_pays_more_than_they_must() -> None:
    built = with_soft_rules(two_weeks())
    costs = _PersonCosts(built)
    # Nobody works at all: everyone is below their hours in both weeks, the trainee is
    # short of practice in both; fairness is for the whole period and is not named.
    nothing = {index: 0 for index in range(len(built.model.proto.variables))}
    evaluated = solution_values(_evaluate_values(built, nothing, SolveSettings()), len(nothing))
    above = set(costs.above_floor(evaluated))
    assert ("tim", 0) in above
    assert ("tim", 1) in above
    assert {(f"p{index}", week) for index in range(9) for week in (0, 1)} <= above
    assert all(week is not None for _staff, week in above)


def test_a_search_ends_once_the_rota_is_as_good_as_asked() -> None:
    built = with_soft_rules(two_weeks())
    objective = sum((term.weight * term.amount for term in built.penalties), start=0)
    start = one_worker()
    assert start.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = solution_values(start, len(built.model.proto.variables))
    start_cost = int(_evaluate_values(built, values, SolveSettings()).value(objective))
    built.model.minimize(objective)

    def search(close_at: int) -> Improvement:
        return improve(
            built,
            values,
            start_cost,
            0,
            50.0,
            0,
            configure,
            solve_with,
            lambda: False,
            close_at=close_at,
        )

    assert search(start_cost).steps == 0  # already good enough
    # Halfway down: the search stops on the first rota at or below it, long before its
    # budget, where without the target it goes on (the bound 0 is out of reach).
    halfway = start_cost // 2
    found = search(halfway)
    assert found.objective <= halfway
    assert found.work < 50.0
    further = improve(
        built, values, start_cost, 0, found.work + 5.0, 0, configure, solve_with, lambda: False
    )
    assert further.objective < found.objective


def test_an_index_extended_after_a_stage_reads_the_model_as_a_fresh_index_does() -> None:
    built = build(two_weeks())
    assignments = {var.index for var in built.ctx.vars.all()}
    built.model.minimize(sum(term.missing for term in built.shortfalls))
    # read before the soft rules add the fairness cuts it is to leave out, as a large
    # office's index is read beside the no-gap trial
    earlier = SubModels(built.model, assignments, built.ctx.redundant)
    read = len(earlier.forms)
    # a later stage: the level fixed, the soft rules added, a new objective
    built.model.add(sum(term.missing for term in built.shortfalls) <= 3)
    seats = sum(
        term.need * term.slot.minutes for term in built.shortfalls if term.level == "front_seats"
    )
    built.add_soft_rules(seats)
    built.model.minimize(sum((term.weight * term.amount for term in built.penalties), start=0))
    extended = earlier.extend(built.model)
    fresh = SubModels(built.model, assignments, built.ctx.redundant)
    assert built.ctx.redundant and extended is earlier and len(extended.forms) > read
    assert extended.forms == fresh.forms
    assert extended.helpers == fresh.helpers
    assert extended.mentions == fresh.mentions
    assert extended.domains == fresh.domains
    assert extended.objective == fresh.objective
    assert extended.objective_offset == fresh.objective_offset


def test_sub_models_leave_out_the_fairness_cuts_and_keep_the_same_optimum() -> None:
    built = with_soft_rules(two_weeks())
    start = one_worker()
    assert start.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = solution_values(start, len(built.model.proto.variables))
    built.model.minimize(sum((term.weight * term.amount for term in built.penalties), start=0))
    assignments = {var.index for var in built.ctx.vars.all()}
    free = indices(built, "p0") | indices(built, "p1") | indices(built, "p4")
    with_cuts = SubModels(built.model, assignments).sub_model(free, values)
    without = SubModels(built.model, assignments, built.ctx.redundant).sub_model(free, values)
    # at least every cut on a freed person's counter minutes is gone, and only cuts are
    on_freed = [
        number
        for number in built.ctx.redundant
        if free & set(built.model.proto.constraints[number].linear.vars)
    ]
    assert on_freed
    dropped = len(with_cuts.model.proto.constraints) - len(without.model.proto.constraints)
    assert len(on_freed) <= dropped <= len(built.ctx.redundant)
    assert without.moving == with_cuts.moving
    optima = []
    for part in (with_cuts, without):
        solver = one_worker()
        assert solver.solve(part.model) == cp_model.OPTIMAL
        optima.append(round(solver.objective_value))
    assert optima[0] == optima[1]
