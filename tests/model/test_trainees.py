"""Trainees: counter only beside the mentor; counter practice as a soft goal."""

from __future__ import annotations

from rotaplan.solve import SolveSettings, solve
from tests.factories import feasibility, office, person, problem_of

ONE_DAY = {"mon": ["am"]}


def pair(**trainee: object) -> list[dict[str, object]]:
    return [person("anna"), person("tim", trainee=True, mentor="anna", **trainee)]


def test_trainee_with_mentor_at_the_counter() -> None:
    problem = problem_of(office(days=ONE_DAY, front={"seats": 1}, staff=pair()))
    assert feasibility(problem, {"anna": "F", "tim": "F"}) == "OPTIMAL"


def test_trainee_with_mentor_never_alone() -> None:
    problem = problem_of(office(days=ONE_DAY, front={"seats": 1}, staff=pair()))
    assert feasibility(problem, {"anna": "B", "tim": "F"}) == "INFEASIBLE"


def test_trainee_with_mentor_not_when_mentor_absent() -> None:
    staff = [person("anna", absent=["2026-11-30"]), person("tim", trainee=True, mentor="anna")]
    problem = problem_of(office(days=ONE_DAY, front={"seats": 1}, staff=staff))
    assert feasibility(problem, {"tim": "F"}) == "INFEASIBLE"
    assert feasibility(problem, {"tim": "B"}) == "OPTIMAL"


def test_trainee_practice_no_cost_when_met() -> None:
    data = office(front={"seats": 1}, staff=pair(min_front_blocks=3))
    rota = solve(problem_of(data), SolveSettings(time_limit=10)).rota
    assert [p for p in rota.penalties if p.rule == "trainee_practice"] == []


def test_trainee_practice_exact_cost_when_mentor_is_away() -> None:
    # The mentor is there two days, one counter block a day: the trainee gets 2 of 3.
    staff = [
        person("anna", absent=[{"from": "2026-12-02", "to": "2026-12-04"}]),
        person("tim", trainee=True, mentor="anna", min_front_blocks=3),
    ]
    data = office(front={"seats": 1}, staff=staff)
    rota = solve(problem_of(data), SolveSettings(time_limit=10)).rota
    costs = [p.cost for p in rota.penalties if p.rule == "trainee_practice"]
    assert costs == [120]
