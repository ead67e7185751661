"""Cover rules: counter seats, skills, back-office minimum, and their lexicographic order."""

from __future__ import annotations

from rotaplan.solve import SolveSettings, solve
from tests.factories import feasibility, office, person, problem_of

ONE_DAY = {"mon": ["am"]}
SETTINGS = SolveSettings(time_limit=10)


def gaps(data: dict) -> set[tuple[str, str, int]]:  # type: ignore[type-arg]
    result = solve(problem_of(data), SETTINGS)
    return {(gap.area, gap.what, gap.missing) for gap in result.rota.shortfalls}


def test_counter_seats_just_inside() -> None:
    staff = [person("anna"), person("ben")]
    problem = problem_of(office(days=ONE_DAY, front={"seats": 2}, staff=staff))
    assert feasibility(problem, {"anna": "F", "ben": "F"}) == "OPTIMAL"


def test_counter_seats_never_more_than_seats() -> None:
    staff = [person("anna"), person("ben")]
    problem = problem_of(office(days=ONE_DAY, front={"seats": 1}, staff=staff))
    assert feasibility(problem, {"anna": "F", "ben": "F"}) == "INFEASIBLE"


def test_counter_seats_trainees_do_not_count() -> None:
    staff = [person("anna"), person("tim", trainee=True, mentor="anna")]
    problem = problem_of(office(days=ONE_DAY, front={"seats": 1}, staff=staff))
    assert feasibility(problem, {"anna": "F", "tim": "F"}) == "OPTIMAL"
    assert gaps(office(days=ONE_DAY, front={"seats": 2}, staff=staff)) == {("front", "seats", 1)}


def test_counter_seats_shortfall_is_exactly_the_gap() -> None:
    staff = [person("anna")]
    assert gaps(office(days=ONE_DAY, front={"seats": 3}, staff=staff)) == {("front", "seats", 2)}


def test_front_skills_shortfall_when_nobody_holds_the_skill() -> None:
    staff = [person("anna", skills=["residence"]), person("ben")]
    data = office(days=ONE_DAY, front={"seats": 2, "needs": {"residence": 1, "ar": 1}}, staff=staff)
    assert gaps(data) == {("front", "ar", 1)}


def test_front_skills_met_when_possible() -> None:
    staff = [person("anna", skills=["ar"]), person("ben"), person("cem")]
    data = office(days=ONE_DAY, front={"seats": 1, "needs": {"ar": 1}}, staff=staff)
    assert gaps(data) == set()


def test_back_min_shortfall_and_trainees_do_not_count() -> None:
    staff = [person("anna"), person("tim", trainee=True, mentor="anna")]
    data = office(days=ONE_DAY, back={"min": 2}, staff=staff)
    assert gaps(data) == {("back", "min", 1)}


def test_back_skills_shortfall() -> None:
    staff = [person("anna"), person("ben")]
    data = office(days=ONE_DAY, back={"min": 1, "needs": {"ar": 1}}, staff=staff)
    assert gaps(data) == {("back", "ar", 1)}


def test_order_front_seats_before_back_min() -> None:
    data = office(days=ONE_DAY, front={"seats": 1}, back={"min": 1}, staff=[person("anna")])
    assert gaps(data) == {("back", "min", 1)}


def test_order_front_skills_before_back_min() -> None:
    # anna holds ar; ben does not. Either the counter lacks ar or the back office lacks ar.
    staff = [person("anna", skills=["ar"]), person("ben")]
    data = office(
        days=ONE_DAY,
        front={"seats": 1, "needs": {"ar": 1}},
        back={"min": 1, "needs": {"ar": 1}},
        staff=staff,
    )
    assert gaps(data) == {("back", "ar", 1)}


def test_order_back_min_before_back_skills() -> None:
    # Two seats and a back minimum of one with three people: the counter takes two.
    staff = [person("anna", skills=["ar"]), person("ben"), person("cem")]
    data = office(
        days=ONE_DAY,
        front={"seats": 2},
        back={"min": 2, "needs": {"ar": 1}},
        staff=staff,
    )
    assert gaps(data) == {("back", "min", 1)}


def test_seat_shortfall_prefers_shorter_blocks() -> None:
    # One person, two blocks (4 h and 3 h) each with one seat, one counter block a day:
    # one seat stays empty; it should be the shorter one so more counter time is served.
    staff = [person("anna")]
    data = office(days={"mon": ["am", "pm"]}, front={"seats": 1}, staff=staff)
    result = solve(problem_of(data), SETTINGS)
    assert [(gap.block, gap.missing) for gap in result.rota.shortfalls] == [("pm", 1)]
