"""Hand-built rotas for the export tests, and tests of the shared week grid.

The export tests cannot depend on the solver, so `hand_rota` fills a problem
greedily and lists, as shortfalls, exactly what it leaves unmet. Other export
test modules import it from here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from rotaplan.export.grid import (
    CellKind,
    build_grids,
    format_hours,
    looks_like_formula,
    shortfall_text,
    staff_file,
)
from rotaplan.problem import Demand, Person, Problem, Slot, load_problem
from rotaplan.rota import Assignment, Rota, Shortfall

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
SMALL_OFFICE = ROOT / "config" / "small-office.yaml"
TWO_WEEKS = FIXTURES / "export_two_weeks.yaml"
NAMES = FIXTURES / "export_names.yaml"
TINY = FIXTURES / "export_tiny.yaml"
STAMP = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


class _HandPlanner:
    """Book-keeping for `hand_rota`: minutes and counter blocks used so far."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.week_minutes: Counter[tuple[str, int]] = Counter()
        self.day_minutes: Counter[tuple[str, dt.date]] = Counter()
        self.day_front: Counter[tuple[str, dt.date]] = Counter()
        self.week_front: Counter[tuple[str, int]] = Counter()
        self.assignments: list[Assignment] = []

    def can_work(self, staff: str, slot: Slot) -> bool:
        return (
            self.problem.is_available(staff, slot.date)
            and self.week_minutes[(staff, slot.week)] + slot.minutes
            <= self.problem.shares[(staff, slot.week)]
            and self.day_minutes[(staff, slot.date)] + slot.minutes
            <= self.problem.rules.max_hours_per_day * 60
        )

    def can_sit(self, person: Person, slot: Slot) -> bool:
        return (
            not person.trainee
            and person.front_allowed
            and self.can_work(person.id, slot)
            and self.day_front[(person.id, slot.date)] < self.problem.rules.max_front_blocks_per_day
            and (
                person.max_front_blocks is None
                or self.week_front[(person.id, slot.week)] < person.max_front_blocks
            )
        )

    def place(self, staff: str, slot: Slot, area: str) -> None:
        self.assignments.append(
            Assignment(
                staff, slot.date, slot.block, area, slot.start.isoformat(), slot.end.isoformat()
            )
        )
        self.week_minutes[(staff, slot.week)] += slot.minutes
        self.day_minutes[(staff, slot.date)] += slot.minutes
        if area == "front":
            self.day_front[(staff, slot.date)] += 1
            self.week_front[(staff, slot.week)] += 1


def hand_rota(problem: Problem) -> Rota:
    """A deterministic rota: seats first (skill holders first), trainees beside mentors, rest back.

    It keeps availability, shares, daily limits and `front: false`, and lists
    every unmet seat, minimum and skill need as a shortfall of exactly that size.
    """
    planner = _HandPlanner(problem)
    shortfalls: list[Shortfall] = []
    for slot in problem.slots:
        demand = problem.demand[slot.key]
        seated: list[Person] = []
        for _ in range(demand.seats):
            missing = {
                skill
                for skill, need in demand.front_needs.items()
                if sum(p.has_skill(skill) for p in seated) < need
            }
            candidates = [p for p in problem.people if p not in seated and planner.can_sit(p, slot)]
            if not candidates:
                break
            best = min(
                candidates,
                key=lambda p: (-len(missing & p.skills), planner.week_front[(p.id, slot.week)]),
            )
            seated.append(best)
            planner.place(best.id, slot, "front")
        seated_ids = {p.id for p in seated}
        for person in problem.people:
            if person.trainee and person.mentor in seated_ids and planner.can_work(person.id, slot):
                planner.place(person.id, slot, "front")
        here = {a.staff for a in planner.assignments if (a.date, a.block) == slot.key}
        in_back: list[Person] = []
        for person in problem.people:
            if person.id not in here and planner.can_work(person.id, slot):
                planner.place(person.id, slot, "back")
                if not person.trainee:
                    in_back.append(person)
        shortfalls.extend(_shortfalls(slot, problem.demand[slot.key], seated, in_back))
    return Rota(
        office=problem.office_name,
        start=problem.start,
        end=problem.end,
        status="feasible",
        objective=None,
        bound=None,
        assignments=tuple(planner.assignments),
        shortfalls=tuple(shortfalls),
    )


def _shortfalls(
    slot: Slot, demand: Demand, seated: list[Person], in_back: list[Person]
) -> list[Shortfall]:
    found = []
    if len(seated) < demand.seats:
        found.append(Shortfall(slot.date, slot.block, "front", "seats", demand.seats - len(seated)))
    for skill, need in sorted(demand.front_needs.items()):
        have = sum(p.has_skill(skill) for p in seated)
        if have < need:
            found.append(Shortfall(slot.date, slot.block, "front", skill, need - have))
    if len(in_back) < demand.back_min:
        found.append(
            Shortfall(slot.date, slot.block, "back", "min", demand.back_min - len(in_back))
        )
    for skill, need in sorted(demand.back_needs.items()):
        have = sum(p.has_skill(skill) for p in in_back)
        if have < need:
            found.append(Shortfall(slot.date, slot.block, "back", skill, need - have))
    return found


def load(path: Path) -> tuple[Problem, Rota]:
    """A fixture office and its hand-built rota."""
    problem = load_problem(path)
    return problem, hand_rota(problem)


@pytest.mark.parametrize("path", [SMALL_OFFICE, TWO_WEEKS, NAMES, TINY], ids=lambda p: p.stem)
def test_hand_rota_keeps_availability_and_shares(path: Path) -> None:
    problem, rota = load(path)
    minutes: Counter[tuple[str, int]] = Counter()
    for item in rota.assignments:
        assert problem.is_available(item.staff, item.date)
        minutes[(item.staff, problem.week_of(item.date))] += next(
            slot.minutes for slot in problem.slots if slot.key == (item.date, item.block)
        )
    for key, used in minutes.items():
        assert used <= problem.shares[key]


def test_fixtures_have_shortfalls_for_the_exports_to_show() -> None:
    for path in (TWO_WEEKS, NAMES, TINY):
        _, rota = load(path)
        assert rota.shortfalls, path.name


def test_grid_has_a_row_per_person_and_a_column_per_open_block() -> None:
    problem, rota = load(TWO_WEEKS)
    grids = build_grids(problem, rota)
    assert [grid.week for grid in grids] == [0, 1]
    for grid in grids:
        assert [row.person.id for row in grid.rows] == [p.id for p in problem.people]
        assert [column.slot for column in grid.columns] == [
            slot for slot in problem.slots if slot.week == grid.week
        ]


def test_grid_cells_say_area_or_why_not() -> None:
    problem, rota = load(TWO_WEEKS)
    week2 = build_grids(problem, rota)[1]
    ben = next(row for row in week2.rows if row.person.id == "ben")
    kinds = {column.date: cell.kind for column, cell in zip(week2.columns, ben.cells, strict=True)}
    assert kinds[dt.date(2026, 10, 27)] is CellKind.ABSENT
    emil = next(row for row in week2.rows if row.person.id == "emil")
    thursday = [
        cell.kind
        for column, cell in zip(week2.columns, emil.cells, strict=True)
        if column.date == dt.date(2026, 10, 29)
    ]
    assert thursday == [CellKind.SCHOOL, CellKind.SCHOOL]
    assigned = {(item.staff, item.date, item.block): item.area for item in rota.assignments}
    for row in week2.rows:
        for column, cell in zip(week2.columns, row.cells, strict=True):
            assert column.slot is not None
            area = assigned.get((row.person.id, column.date, column.slot.block))
            if area is not None:
                assert cell.kind.value == area


def test_grid_hours_and_coverage_add_up() -> None:
    problem, rota = load(SMALL_OFFICE)
    grid = build_grids(problem, rota)[0]
    for row in grid.rows:
        assert row.minutes == sum(
            slot.minutes
            for item in rota.assignments
            if item.staff == row.person.id
            for slot in problem.slots
            if slot.key == (item.date, item.block)
        )
    for key, cover in grid.coverage.items():
        front = [
            item
            for item in rota.assignments
            if (item.date, item.block) == key
            and item.area == "front"
            and not problem.person(item.staff).trainee
        ]
        assert cover.front == len(front)


def test_holiday_on_an_opening_weekday_gets_a_closed_column() -> None:
    problem, rota = load(NAMES)
    grid = build_grids(problem, rota)[0]
    closed = [column for column in grid.columns if column.slot is None]
    assert [(column.date, column.holiday) for column in closed] == [
        (dt.date(2026, 12, 25), "Christmas Day")
    ]
    assert all(row.cells[-1].kind is CellKind.HOLIDAY for row in grid.rows)


def test_shortfall_text_is_plain_words() -> None:
    day = dt.date(2026, 12, 1)
    assert shortfall_text(Shortfall(day, "am", "front", "seats", 2)) == "2 counter seats unfilled"
    assert shortfall_text(Shortfall(day, "am", "back", "min", 1)) == (
        "back office 1 short of its minimum"
    )
    assert "'ar'" in shortfall_text(Shortfall(day, "am", "front", "ar", 1))


def test_format_hours_drops_trailing_zeros() -> None:
    assert [format_hours(m) for m in (480, 1872, 1875, 0)] == ["8", "31.2", "31.25", "0"]


@pytest.mark.parametrize("text", ["=1+1", "+49", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_recognised(text: str) -> None:
    assert looks_like_formula(text)


def test_plain_text_is_not_a_formula() -> None:
    assert not looks_like_formula("Anna Müller")


@pytest.mark.parametrize("staff", ["../evil", "a/b", "..", "", ".hidden", "a\\b", "a b"])
def test_staff_file_refuses_ids_that_leave_the_folder(tmp_path: Path, staff: str) -> None:
    with pytest.raises(ValueError, match="staff id"):
        staff_file(tmp_path, staff, ".ics")


def test_staff_file_stays_in_the_staff_folder(tmp_path: Path) -> None:
    assert staff_file(tmp_path, "mueller-2_b", ".csv") == tmp_path / "staff" / "mueller-2_b.csv"
