"""Soft goals: hours close to the share and fair counter duty, with exact costs."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotaplan.model.build import build
from rotaplan.solve import SolveSettings, _Reporter, solve
from tests.factories import office, person, problem_of

SETTINGS = SolveSettings(time_limit=10)


def costs(data: dict, rule: str) -> dict[str | None, int]:  # type: ignore[type-arg]
    rota = solve(problem_of(data), SETTINGS).rota
    return {p.staff: p.cost for p in rota.penalties if p.rule == rule}


def test_hours_below_share_none_when_reachable() -> None:
    assert costs(office(), "hours_below_share") == {}


def test_hours_below_share_exact_cost() -> None:
    # share 35 h (the open hours), target 31.5 h = 1890 min; 4 h a day at most -> 20 h = 1200
    data = office(rules={"max_hours_per_day": 4})
    assert costs(data, "hours_below_share") == {"anna": 1890 - 1200}


def test_hours_below_share_weight_scales_the_cost() -> None:
    data = office(rules={"max_hours_per_day": 4, "weights": {"hours": 3}})
    assert costs(data, "hours_below_share") == {"anna": 3 * 690}


def test_fairness_exact_cost_for_an_odd_split() -> None:
    # Three 4-hour counter blocks for two equal people: fair part 6 h each, one does 8 h and
    # the other 4 h, 2 h off each: the first hour is free, the second costs 60 x 1.
    data = office(
        days={"mon": ["am"], "tue": ["am"], "wed": ["am"]},
        front={"seats": 1},
        staff=[person("anna"), person("ben")],
    )
    assert costs(data, "fairness") == {"anna": 60, "ben": 60}


def two_people_one_block(minutes: int) -> dict:  # type: ignore[type-arg]
    end = f"{8 + minutes // 60:02d}:{minutes % 60:02d}"
    return office(
        blocks={"am": {"start": "08:00", "end": end}},
        days={"mon": ["am"]},
        front={"seats": 1},
        staff=[person("anna"), person("ben")],
    )


def test_fairness_free_band_just_inside() -> None:
    # One 2-hour block for two: fair part 1 h each, both exactly 1 h off: no cost.
    assert costs(two_people_one_block(120), "fairness") == {}


def test_fairness_free_band_just_outside() -> None:
    # One 2:02 block: fair part 61 min each, both 61 min off: 1 minute past the band each.
    assert costs(two_people_one_block(122), "fairness") == {"anna": 1, "ben": 1}


def test_fairness_zero_for_an_even_split() -> None:
    data = office(
        days={"mon": ["am"], "tue": ["am"]},
        front={"seats": 1},
        staff=[person("anna"), person("ben")],
    )
    assert costs(data, "fairness") == {}


def test_fairness_follows_contract_hours() -> None:
    # Three 10-hour counter days; anna 20 h and ben 10 h: fair parts 2/3 and 1/3.
    data = office(
        blocks={"day": {"start": "08:00", "end": "18:00"}},
        days={"mon": ["day"], "tue": ["day"], "wed": ["day"]},
        front={"seats": 1},
        staff=[person("anna", hours=20), person("ben", hours=10)],
    )
    rota = solve(problem_of(data), SETTINGS).rota
    counts = {"anna": 0, "ben": 0}
    for item in rota.assignments:
        if item.area == "front":
            counts[item.staff] += 1
    assert counts == {"anna": 2, "ben": 1}


def test_fairness_fair_part_never_above_what_limits_allow() -> None:
    # Five 4-hour counter mornings for three equal people; anna may take one a week.
    # Proportional parts would be 6.7 h each; anna's part is capped at her 4 h and the
    # other 16 h are split between ben and cem: 8 h each, met exactly, so nothing costs.
    data = office(
        days={day: ["am"] for day in ("mon", "tue", "wed", "thu", "fri")},
        front={"seats": 1},
        staff=[person("anna", max_front_blocks=1), person("ben"), person("cem")],
    )
    assert costs(data, "fairness") == {}


def test_the_certain_costs_are_known_before_solving() -> None:
    # 4 hours a day at most. Anna works Mon-Wed: share 21 h, target 18.9 h (1134 min), at
    # most 3 x 4 h = 720 min: 414 min below for sure. Tim and Ben: target 31.5 h (1890 min),
    # at most 5 x 4 h = 1200 min: 690 each. Tim's mentor is in on 3 days and sits one counter
    # block a day at most, so Tim gets 3 of the 4 blocks he wants at most: 1 block short.
    staff = [
        person("anna", days=["mon", "tue", "wed"]),
        person("tim", trainee=True, mentor="anna", min_front_blocks=4),
        person("ben"),
    ]
    data = office(front={"seats": 1}, staff=staff, rules={"max_hours_per_day": 4})
    problem = problem_of(data)
    built = build(problem)
    built.add_soft_rules(10 * 210)

    assert built.least_penalty() == 414 + 690 + 690 + 120 * 1

    result = solve(problem, SETTINGS)
    assert result.rota.objective is not None
    assert result.rota.bound is not None
    assert result.rota.objective >= result.rota.bound >= 414 + 690 + 690 + 120


def test_the_certain_fairness_cost_is_the_least_of_the_reachable_counter_totals() -> None:
    # Three 4-hour counter blocks for two equal people (fair part 6 h each): no total of
    # whole blocks is within the free hour of 6 h, so each pays at least 2 h - 1 h = 60,
    # and that is known before solving. The solve ends at that floor, proven.
    data = office(
        days={"mon": ["am"], "tue": ["am"], "wed": ["am"]},
        front={"seats": 1},
        staff=[person("anna"), person("ben")],
    )
    problem = problem_of(data)
    built = build(problem)
    built.add_soft_rules(3 * 240)
    least = {term.staff: term.least for term in built.penalties if term.rule == "fairness"}
    assert least == {"anna": 60, "ben": 60}

    result = solve(problem, SETTINGS)
    assert result.rota.objective == result.rota.bound == built.least_penalty()


def _hinted_badly(reporter_floor: int) -> tuple[int, int, int]:
    """Minimise the number of true switches, at least one on, from a hint with all ten on:
    (status, objective, solutions seen) of one solve with a `_Reporter` at `reporter_floor`."""
    model = cp_model.CpModel()
    switches = [model.new_bool_var(f"x{index}") for index in range(10)]
    model.add(sum(switches) >= 1)
    model.minimize(sum(switches))
    for switch in switches:
        model.add_hint(switch, True)
    seen: list[float] = []
    reporter = _Reporter("test", 0.0, lambda report: seen.append(report.objective), reporter_floor)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False  # keep the hint as the first solution
    status = solver.solve(model, reporter)
    return status, round(solver.objective_value), len(seen)


def test_a_solve_ends_on_the_first_rota_that_meets_the_floor() -> None:
    # Without a floor CP-SAT goes on to the optimum, 1.
    status, value, _seen = _hinted_badly(0)
    assert (status, value) == (cp_model.OPTIMAL, 1)
    # A floor of 10 (every rota costs at least that, as far as the reporter knows): the
    # hinted rota meets it, and the search ends there, unproven by CP-SAT itself.
    status, value, seen = _hinted_badly(10)
    assert (status, value, seen) == (cp_model.FEASIBLE, 10, 1)
