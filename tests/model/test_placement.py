"""Placement rules: availability and one area per block."""

from __future__ import annotations

from rotaplan.model.build import build
from tests.factories import feasibility, office, person, problem_of

WEEK_OFF = "- - - - - - - - - -"


def test_one_area_per_block_allows_one_area() -> None:
    problem = problem_of(office(front={"seats": 1}))
    assert feasibility(problem, {"anna": "F B . . . . . . . ."}) == "OPTIMAL"


def test_one_area_per_block_forbids_two_areas() -> None:
    problem = problem_of(office(front={"seats": 1}))
    built = build(problem)
    slot = problem.slots[0].key
    front = built.ctx.vars.works("anna", slot, "front")
    back = built.ctx.vars.works("anna", slot, "back")
    assert front is not None and back is not None
    built.model.add(front == 1)
    built.model.add(back == 1)
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.INFEASIBLE


def test_availability_no_work_when_absent_at_school_or_off_pattern() -> None:
    staff = [
        person("anna", absent=["2026-11-30"]),
        person("ben", days=["tue", "wed", "thu", "fri"]),
        person("cem", trainee=True, mentor="anna", school=["mon"]),
    ]
    problem = problem_of(office(staff=staff))
    built = build(problem)
    monday = [slot.key for slot in problem.slots if slot.date.isoformat() == "2026-11-30"]
    tuesday = [slot.key for slot in problem.slots if slot.date.isoformat() == "2026-12-01"]
    for key in monday:
        for staff_id in ("anna", "ben", "cem"):
            assert built.ctx.vars.works(staff_id, key, "back") is None
    for key in tuesday:  # just inside: the next day everyone may work
        for staff_id in ("anna", "ben", "cem"):
            assert built.ctx.vars.works(staff_id, key, "back") is not None


def test_availability_holiday_closes_the_office() -> None:
    data = office(period={"start": "2026-12-21", "weeks": 1})
    data["office"]["holidays"] = "DE-ST"
    problem = problem_of(data)
    dates = {slot.date.isoformat() for slot in problem.slots}
    assert "2026-12-25" not in dates
    assert "2026-12-24" in dates  # not a public holiday: only office.closed would close it


def test_availability_front_false_never_at_the_counter() -> None:
    problem = problem_of(office(front={"seats": 1}, staff=[person("anna", front=False)]))
    assert feasibility(problem, {"anna": "B . . . . . . . . ."}) == "OPTIMAL"
    assert feasibility(problem, {"anna": "F . . . . . . . . ."}) == "INFEASIBLE"
    assert WEEK_OFF  # the picture format has one symbol per block
