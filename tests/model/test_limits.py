"""Limits: counter blocks per week and per day, hours per day and the weekly share."""

from __future__ import annotations

from tests.factories import feasibility, office, person, problem_of

SEATS = {"seats": 1}


def test_max_front_blocks_just_inside() -> None:
    problem = problem_of(office(front=SEATS, staff=[person("anna", max_front_blocks=2)]))
    assert feasibility(problem, {"anna": "F . F . . . . . . ."}) == "OPTIMAL"


def test_max_front_blocks_just_outside() -> None:
    problem = problem_of(office(front=SEATS, staff=[person("anna", max_front_blocks=2)]))
    assert feasibility(problem, {"anna": "F . F . F . . . . ."}) == "INFEASIBLE"


def test_max_front_blocks_per_day_default_one() -> None:
    problem = problem_of(office(front=SEATS))
    assert feasibility(problem, {"anna": "F B . . . . . . . ."}) == "OPTIMAL"
    assert feasibility(problem, {"anna": "F F . . . . . . . ."}) == "INFEASIBLE"


def test_max_front_blocks_per_day_raised_to_two() -> None:
    problem = problem_of(office(front=SEATS, rules={"max_front_blocks_per_day": 2}))
    assert feasibility(problem, {"anna": "F F . . . . . . . ."}) == "OPTIMAL"


def test_max_hours_per_day_just_inside() -> None:
    # am 4 h + pm 3 h = 7 h
    problem = problem_of(office(rules={"max_hours_per_day": 7}))
    assert feasibility(problem, {"anna": "B B . . . . . . . ."}) == "OPTIMAL"


def test_max_hours_per_day_just_outside() -> None:
    problem = problem_of(office(rules={"max_hours_per_day": 6.99}))
    assert feasibility(problem, {"anna": "B B . . . . . . . ."}) == "INFEASIBLE"


def test_max_hours_share_just_inside() -> None:
    # 14 h over a Mon-Fri pattern: share 14 h = 840 min = 2 x (4 h + 3 h)
    problem = problem_of(office(staff=[person("anna", hours=14)]))
    assert problem.shares[("anna", 0)] == 840
    assert feasibility(problem, {"anna": "B B B B - - - - - -"}) == "OPTIMAL"


def test_max_hours_share_just_outside() -> None:
    problem = problem_of(office(staff=[person("anna", hours=14)]))
    assert feasibility(problem, {"anna": "B B B B B - - - - -"}) == "INFEASIBLE"


def test_max_hours_share_lowered_by_a_holiday() -> None:
    # SPEC example: 39 h, Mon-Fri, Friday a holiday -> 39 x 4 / 5 = 31.2 h
    data = office(
        blocks={"day": {"start": "08:00", "end": "17:00"}},
        days={day: ["day"] for day in ("mon", "tue", "wed", "thu", "fri")},
        rules={"max_hours_per_day": 10},
    )
    data["office"]["closed"] = ["2026-12-04"]
    problem = problem_of(data)
    assert problem.shares[("anna", 0)] == 1872  # 31.2 h
