"""Properties over generated offices: every rota the solver returns passes the checker,
and the solver's per-rule costs and shortfalls are exactly what the checker recomputes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotaplan.check import check
from rotaplan.solve import SolveSettings, solve
from tests.factories import office, problem_of

DAYS = ("mon", "tue", "wed", "thu", "fri")
SKILLS = ["residence", "ar"]


@st.composite
def offices(draw: st.DrawFn) -> dict[str, Any]:
    """Small offices: 1-2 weeks, 1-5 opening days, 2-7 people, some trainees and absences."""
    open_days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=5, unique=True))
    days = {day: draw(st.sampled_from([["am"], ["am", "pm"], ["pm"]])) for day in open_days}
    count = draw(st.integers(2, 7))
    staff: list[dict[str, Any]] = []
    for index in range(count):
        entry: dict[str, Any] = {
            "id": f"p{index}",
            "name": f"Person {index}",
            "hours": draw(st.sampled_from([10, 19.5, 30, 39, 40])),
            "skills": draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=2)),
        }
        if draw(st.booleans()):
            entry["days"] = draw(st.lists(st.sampled_from(open_days), min_size=1, unique=True))
        if draw(st.integers(0, 3)) == 0:
            entry["absent"] = [f"2026-12-0{draw(st.integers(1, 4))}"]
        if draw(st.integers(0, 4)) == 0:
            entry["front"] = False
        if draw(st.integers(0, 4)) == 0:
            entry["max_front_blocks"] = draw(st.integers(0, 3))
        if index > 0 and draw(st.integers(0, 3)) == 0 and not staff[0].get("trainee"):
            entry.update(trainee=True, mentor="p0", min_front_blocks=draw(st.integers(0, 3)))
            entry.pop("max_front_blocks", None)
        staff.append(entry)
    seats = draw(st.integers(0, 3))
    needs = {"residence": draw(st.integers(0, seats))} if seats else {}
    return office(
        period={"start": "2026-11-30", "weeks": draw(st.integers(1, 2))},
        days=days,
        front={"seats": seats, "needs": needs},
        back={"min": draw(st.integers(0, 2)), "needs": {"ar": draw(st.integers(0, 1))}},
        staff=staff,
        rules={
            "max_front_blocks_per_day": draw(st.integers(1, 2)),
            "max_hours_per_day": draw(st.sampled_from([4, 7, 10])),
        },
    )


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(offices())
def test_every_solved_rota_passes_check_and_costs_match(data: dict[str, Any]) -> None:
    problem = problem_of(data)
    rota = solve(problem, SolveSettings(time_limit=5, workers=1, seed=0)).rota
    report = check(problem, rota)
    assert report.violations == ()
    assert set(report.shortfalls) == set(rota.shortfalls)
    solver_costs: Counter[str] = Counter()
    for penalty in rota.penalties:
        solver_costs[penalty.rule] += penalty.cost
    assert dict(solver_costs) == {k: v for k, v in report.cost_by_rule().items() if v}
    assert {(p.rule, p.staff, p.week, p.cost) for p in rota.penalties} == {
        (p.rule, p.staff, p.week, p.cost) for p in report.penalties
    }
