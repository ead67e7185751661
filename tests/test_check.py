"""The independent checker: each hard rule just held and just broken, each soft cost exact.

Rotas are drawn by hand: `rota_from_rows` takes one row per person with one
token per open block in time order (F front, B back, - off), so a test reads
like the printed rota. Unless a test lists shortfalls itself, the rota lists
exactly the real gaps, so the only rule a test can break is the one it names.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import json
from pathlib import Path
from string import Template
from typing import Any

import pytest

from rotaplan import check as check_module
from rotaplan.check import (
    FAIRNESS_STEP_MINUTES,
    FAIRNESS_STEPS,
    FAIRNESS_TOLERANCE_MINUTES,
    HARD_CHECKS,
    HARD_RULES,
    SOFT_RULES,
    Report,
    Violation,
    check,
    check_availability,
    check_counter_seats,
    check_front_allowed,
    check_known_names,
    check_max_front_blocks,
    check_max_front_blocks_per_day,
    check_max_hours_per_day,
    check_max_hours_share,
    check_one_area_per_block,
    check_shortfalls_listed,
    check_trainee_with_mentor,
    fairness_steps,
)
from rotaplan.problem import Problem, Slot, load_problem
from rotaplan.rota import Assignment, Rota, Shortfall, read_rota, rota_to_json

AREA_OF_TOKEN = {"F": "front", "B": "back"}

# The small example office, one week. Columns are its ten open blocks:
#              Mon     | Tue          | Wed     | Thu     | Fri
#              am pm   | am pm late   | am pm   | am pm   | am
GOOD_WEEK = {
    "weber":    "B  B     B  B  -      F  -      F  -      -",
    "schulz":   "F  -     F  -  -      B  F      B  F      F",
    "becker":   "F  -     F  -  -      F  B      F  B      B",
    "hoffmann": "-  F     -  F  -      -  -      -  -      F",
    "wagner":   "-  F     -  -  F      -  -      -  F      -",
    "richter":  "-  -     -  F  -      -  F      -  -      -",
    "klein":    "B  B     B  B  -      B  B      B  B      B",
    "lorenz":   "F  -     F  -  -      -  -      -  -      -",
}  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


def load(fixtures: Path, name: str) -> Problem:
    """The problem of tests/fixtures/check_<name>.yaml."""
    return load_problem(fixtures / f"check_{name}.yaml")


def slot_of(problem: Problem, date: str, block: str) -> Slot:
    """The open slot on `date` (ISO) in `block`."""
    wanted = (dt.date.fromisoformat(date), block)
    return next(slot for slot in problem.slots if slot.key == wanted)


def assign(problem: Problem, staff: str, date: str, block: str, area: str) -> Assignment:
    """An assignment to an open slot, with the slot's own start and end."""
    slot = slot_of(problem, date, block)
    return Assignment(staff, slot.date, block, area, slot.start.isoformat(), slot.end.isoformat())


def make_rota(
    problem: Problem,
    assignments: list[Assignment],
    shortfalls: list[Shortfall] | None = None,
) -> Rota:
    """A rota of `assignments`; unless `shortfalls` are given, it lists exactly the real gaps."""
    rota = Rota(
        office=problem.office_name,
        start=problem.start,
        end=problem.end,
        status="feasible",
        objective=None,
        bound=None,
        assignments=tuple(assignments),
    )
    listed = check(problem, rota).shortfalls if shortfalls is None else tuple(shortfalls)
    return dataclasses.replace(rota, shortfalls=listed)


def assignments_from_rows(problem: Problem, rows: dict[str, str]) -> list[Assignment]:
    """One row per person, one token per open slot in time order: F front, B back, - off."""
    assignments = []
    for staff, row in rows.items():
        tokens = row.split()
        assert len(tokens) == len(problem.slots), f"row of {staff} needs {len(problem.slots)}"
        for slot, token in zip(problem.slots, tokens, strict=True):
            if token != "-":
                assignments.append(
                    assign(problem, staff, slot.date.isoformat(), slot.block, AREA_OF_TOKEN[token])
                )
    return assignments


def rota_from_rows(problem: Problem, rows: dict[str, str]) -> Rota:
    """A rota drawn as rows (see `assignments_from_rows`), listing its real gaps."""
    return make_rota(problem, assignments_from_rows(problem, rows))


def only_violation(problem: Problem, rota: Rota, rule: str) -> Violation:
    """The single violation `check` finds, after asserting it is one of `rule`."""
    report = check(problem, rota)
    assert [violation.rule for violation in report.violations] == [rule]
    return report.violations[0]


def costs(report: Report, rule: str) -> dict[str | None, int]:
    """Cost per person that `rule` charges in `report`."""
    return {penalty.staff: penalty.cost for penalty in report.penalties if penalty.rule == rule}


@pytest.fixture
def office(small_office: Path) -> Problem:
    """The small example office, resolved."""
    return load_problem(small_office)


# --- the whole checker -----------------------------------------------------------------------


def test_check_accepts_the_good_week(office: Problem) -> None:
    report = check(office, rota_from_rows(office, GOOD_WEEK))
    assert report.violations == ()
    assert report.ok()
    assert report.shortfalls == ()


def test_check_runs_one_check_per_hard_rule_in_order() -> None:
    assert [rule.__name__.removeprefix("check_") for rule in HARD_CHECKS] == list(HARD_RULES)


def test_check_imports_no_solver() -> None:
    tree = ast.parse(inspect.getsource(check_module))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported, "the parse found no imports at all"
    for name in imported:
        assert name is not None
        assert not name.startswith(("ortools", "rotaplan.model", "rotaplan.solve")), name


def test_report_is_not_ok_with_a_violation(office: Problem) -> None:
    rows = {**GOOD_WEEK, "klein": "F  B     B  B  -      B  B      B  B      B"}
    report = check(office, rota_from_rows(office, rows))
    assert [violation.rule for violation in report.violations] == [
        "counter_seats",
        "front_allowed",
    ]
    assert not report.ok()


def test_cost_by_rule_lists_every_soft_rule(office: Problem) -> None:
    report = check(office, rota_from_rows(office, GOOD_WEEK))
    totals = report.cost_by_rule()
    assert list(totals) == list(SOFT_RULES)
    assert totals["hours_below_share"] == sum(costs(report, "hours_below_share").values())
    assert totals["trainee_practice"] == 0  # lorenz sits at the counter twice, as wanted


# --- known_names -----------------------------------------------------------------------------


def test_known_names_holds_for_slots_of_the_office(office: Problem) -> None:
    assert check_known_names(office, rota_from_rows(office, GOOD_WEEK)) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"staff": "webber"}, "no such id"),
        ({"date": dt.date(2026, 12, 7), "block": "am"}, "outside the period"),
        ({"block": "night"}, "no block 'night'"),
        ({"block": "late"}, "not open"),  # late is a Tuesday block only
        ({"area": "counter"}, "area 'counter'"),
        ({"start": "2026-11-30T08:30:00+01:00"}, "starts at '2026-11-30T08:30:00+01:00'"),
        ({"end": "2026-11-30T12:00:00"}, "ends at '2026-11-30T12:00:00'"),
    ],
)
def test_known_names_rejects_an_unknown_name(
    office: Problem, change: dict[str, Any], words: str
) -> None:
    wrong = dataclasses.replace(assign(office, "weber", "2026-11-30", "am", "back"), **change)
    rota = make_rota(office, [wrong])
    violation = only_violation(office, rota, "known_names")
    assert check_known_names(office, rota) == [violation]
    assert words in violation.message
    assert ("'webber'" if "staff" in change else "Sabine Weber (weber)") in violation.message


def test_known_names_rejects_a_rota_of_another_period(office: Problem) -> None:
    rota = dataclasses.replace(make_rota(office, []), start=dt.date(2026, 12, 7))
    violation = only_violation(office, rota, "known_names")
    assert "2026-12-07" in violation.message
    assert "2026-11-30" in violation.message


# --- one_area_per_block ----------------------------------------------------------------------


def test_one_area_per_block_holds_for_one_area_each(office: Problem) -> None:
    assert check_one_area_per_block(office, rota_from_rows(office, GOOD_WEEK)) == []


def test_one_area_per_block_rejects_front_and_back_at_once(office: Problem) -> None:
    assignments = [
        *assignments_from_rows(office, GOOD_WEEK),
        assign(office, "schulz", "2026-11-30", "am", "back"),
    ]
    rota = make_rota(office, assignments)
    violation = only_violation(office, rota, "one_area_per_block")
    assert check_one_area_per_block(office, rota) == [violation]
    assert (violation.staff, violation.date, violation.block) == (
        "schulz",
        dt.date(2026, 11, 30),
        "am",
    )
    assert "Jonas Schulz (schulz)" in violation.message
    assert "front, back" in violation.message


def test_one_area_per_block_rejects_a_doubled_entry(office: Problem) -> None:
    doubled = assign(office, "klein", "2026-11-30", "am", "back")
    rota = make_rota(office, [*assignments_from_rows(office, GOOD_WEEK), doubled])
    violation = only_violation(office, rota, "one_area_per_block")
    assert "Kai Klein (klein) is listed 2 times" in violation.message


# --- availability ----------------------------------------------------------------------------


def test_availability_holds_on_available_days(office: Problem) -> None:
    assert check_availability(office, rota_from_rows(office, GOOD_WEEK)) == []


@pytest.mark.parametrize(
    ("staff", "date", "words"),
    [
        ("hoffmann", "2026-12-02", "Murat Hoffmann (hoffmann) works Wed 2026-12-02 am but is "
         "absent that day."),
        ("lorenz", "2026-12-02", "Mia Lorenz (lorenz) works Wed 2026-12-02 am but has a school "
         "day"),
        ("wagner", "2026-12-02", "Petra Wagner (wagner) works Wed 2026-12-02 am but does not work "
         "on Wednesdays (outside their day pattern)."),
    ],
)  # fmt: skip
def test_availability_rejects_a_day_off(office: Problem, staff: str, date: str, words: str) -> None:
    rota = make_rota(
        office,
        [*assignments_from_rows(office, GOOD_WEEK), assign(office, staff, date, "am", "back")],
    )
    violation = only_violation(office, rota, "availability")
    assert check_availability(office, rota) == [violation]
    assert violation.staff == staff
    assert violation.message.startswith(words)


@pytest.mark.parametrize(
    ("staff", "date", "words"),
    [
        ("dirk", "2026-12-21", None),
        ("ann", "2026-12-22", "Ann Roth (ann) works Tue 2026-12-22 am but is absent that day."),
        ("ben", "2026-12-23", "Ben Kaya (ben) works Wed 2026-12-23 am but has a school day"),
        ("cleo", "2026-12-23", "Cleo Marx (cleo) works Wed 2026-12-23 am but does not work on "
         "Wednesdays"),
        ("dirk", "2026-12-24", "Dirk Auer (dirk) works Thu 2026-12-24 am but the office is "
         "closed that day."),
        ("dirk", "2026-12-25", "Dirk Auer (dirk) works Fri 2026-12-25 am but that day is a "
         "public holiday (Christmas Day)."),
        ("dirk", "2026-12-26", "Dirk Auer (dirk) works Sat 2026-12-26 am but that day is a "
         "public holiday (Second Day of Christmas)."),
        ("dirk", "2026-12-27", "Dirk Auer (dirk) works Sun 2026-12-27 am but the office is "
         "closed on Sundays."),
    ],
)  # fmt: skip
def test_availability_names_the_reason(
    fixtures: Path, staff: str, date: str, words: str | None
) -> None:
    problem = load(fixtures, "calendar")
    item = Assignment(staff, dt.date.fromisoformat(date), "am", "back", "", "")
    violations = check_availability(problem, make_rota(problem, [item]))
    if words is None:
        assert violations == []
    else:
        assert [violation.rule for violation in violations] == ["availability"]
        assert violations[0].message.startswith(words)


# --- counter_seats ---------------------------------------------------------------------------


def test_counter_seats_holds_with_every_seat_taken_and_a_trainee_beside(office: Problem) -> None:
    rota = rota_from_rows(office, GOOD_WEEK)
    monday_am = slot_of(office, "2026-11-30", "am")
    at_counter = {
        a.staff
        for a in rota.assignments
        if a.area == "front" and a.date == monday_am.date and a.block == "am"
    }
    assert at_counter == {"schulz", "becker", "lorenz"}  # three people, two seats
    assert check_counter_seats(office, rota) == []


def test_counter_seats_rejects_one_person_too_many(office: Problem) -> None:
    # richter moves from Tuesday pm to the one-seat late block, beside wagner
    rows = {**GOOD_WEEK, "richter": "-  -     -  -  F      -  F      -  -      -"}
    rota = rota_from_rows(office, rows)
    violation = only_violation(office, rota, "counter_seats")
    assert check_counter_seats(office, rota) == [violation]
    assert (violation.date, violation.block) == (dt.date(2026, 12, 1), "late")
    assert "Petra Wagner (wagner)" in violation.message
    assert "Olga Richter (richter)" in violation.message
    assert "only 1 seats" in violation.message


# --- front_allowed ---------------------------------------------------------------------------


def test_front_allowed_holds_when_back_office_only_staff_stay_back(office: Problem) -> None:
    assert check_front_allowed(office, rota_from_rows(office, GOOD_WEEK)) == []


def test_front_allowed_rejects_front_false_at_the_counter(office: Problem) -> None:
    rows = {
        **GOOD_WEEK,
        "klein": "F  B     B  B  -      B  B      B  B      B",
        "becker": "B  -     F  -  -      F  B      F  B      B",
    }
    rota = rota_from_rows(office, rows)
    violation = only_violation(office, rota, "front_allowed")
    assert check_front_allowed(office, rota) == [violation]
    assert violation.staff == "klein"
    assert "Kai Klein (klein) sits at the counter on Mon 2026-11-30 am" in violation.message


# --- trainee_with_mentor ---------------------------------------------------------------------


def test_trainee_with_mentor_holds_beside_the_mentor(office: Problem) -> None:
    assert check_trainee_with_mentor(office, rota_from_rows(office, GOOD_WEEK)) == []


def test_trainee_with_mentor_rejects_the_counter_without_the_mentor(office: Problem) -> None:
    rows = {**GOOD_WEEK, "lorenz": "-  F     F  -  -      -  -      -  -      -"}
    rota = rota_from_rows(office, rows)
    violation = only_violation(office, rota, "trainee_with_mentor")
    assert check_trainee_with_mentor(office, rota) == [violation]
    assert (violation.staff, violation.date, violation.block) == (
        "lorenz",
        dt.date(2026, 11, 30),
        "pm",
    )
    assert "Mia Lorenz (lorenz)" in violation.message
    assert "Jonas Schulz (schulz)" in violation.message


# --- max_front_blocks ------------------------------------------------------------------------


def test_max_front_blocks_holds_at_the_weekly_limit(office: Problem) -> None:
    rota = rota_from_rows(office, GOOD_WEEK)
    weber_front = [a for a in rota.assignments if a.staff == "weber" and a.area == "front"]
    assert len(weber_front) == office.person("weber").max_front_blocks == 2
    assert check_max_front_blocks(office, rota) == []


def test_max_front_blocks_rejects_one_block_over(office: Problem) -> None:
    rows = {
        **GOOD_WEEK,
        "weber": "F  B     B  B  -      F  -      F  -      -",
        "becker": "B  -     F  -  -      F  B      F  B      B",
    }
    rota = rota_from_rows(office, rows)
    violation = only_violation(office, rota, "max_front_blocks")
    assert check_max_front_blocks(office, rota) == [violation]
    assert violation.staff == "weber"
    assert "Sabine Weber (weber) sits at the counter 3 blocks in week 1" in violation.message
    assert "limit of 2" in violation.message


def test_max_front_blocks_counts_each_week_on_its_own(fixtures: Path) -> None:
    problem = load(fixtures, "limits")
    first_monday = assign(problem, "ada", "2026-11-30", "am", "front")
    second_monday = assign(problem, "ada", "2026-12-07", "am", "front")
    first_tuesday = assign(problem, "ada", "2026-12-01", "am", "front")
    assert check(problem, make_rota(problem, [first_monday, second_monday])).ok()
    rota = make_rota(problem, [first_monday, first_tuesday, second_monday])
    violation = only_violation(problem, rota, "max_front_blocks")
    assert "Ada Lang (ada) sits at the counter 2 blocks in week 1 (2026-11-30 to 2026-12-06)" in (
        violation.message
    )


# --- max_front_blocks_per_day ----------------------------------------------------------------


def test_max_front_blocks_per_day_holds_at_one_a_day(office: Problem) -> None:
    assert check_max_front_blocks_per_day(office, rota_from_rows(office, GOOD_WEEK)) == []


def test_max_front_blocks_per_day_rejects_a_second_counter_block(office: Problem) -> None:
    rows = {
        **GOOD_WEEK,
        "becker": "F  -     F  -  -      F  F      F  B      B",
        "schulz": "F  -     F  -  -      B  B      B  F      F",
    }
    rota = rota_from_rows(office, rows)
    violation = only_violation(office, rota, "max_front_blocks_per_day")
    assert check_max_front_blocks_per_day(office, rota) == [violation]
    assert (violation.staff, violation.date) == ("becker", dt.date(2026, 12, 2))
    assert "Leonie Becker (becker) sits at the counter 2 blocks on Wed 2026-12-02" in (
        violation.message
    )
    assert "the 1 a day allowed" in violation.message


# --- max_hours_per_day -----------------------------------------------------------------------


def test_max_hours_per_day_holds_at_exactly_the_limit(fixtures: Path) -> None:
    problem = load(fixtures, "limits")
    assert problem.rules.max_hours_per_day * 60 < 492  # the float is just under 492 minutes
    rota = make_rota(
        problem,
        [
            assign(problem, "ada", "2026-11-30", "am", "back"),
            assign(problem, "ada", "2026-11-30", "pm", "back"),
        ],
    )
    assert check_max_hours_per_day(problem, rota) == []
    assert check(problem, rota).ok()


def test_max_hours_per_day_rejects_one_minute_over(fixtures: Path) -> None:
    problem = load(fixtures, "limits")
    rota = make_rota(
        problem,
        [
            assign(problem, "ada", "2026-12-01", "am", "back"),
            assign(problem, "ada", "2026-12-01", "pm", "back"),
            assign(problem, "ada", "2026-12-01", "eve", "back"),
        ],
    )
    violation = only_violation(problem, rota, "max_hours_per_day")
    assert check_max_hours_per_day(problem, rota) == [violation]
    assert (violation.staff, violation.date) == ("ada", dt.date(2026, 12, 1))
    assert violation.message == (
        "Ada Lang (ada) works 8.2 h on Tue 2026-12-01, more than the 8.2 h a day allowed "
        "(max_hours_per_day)."
    )


def test_max_hours_per_day_counts_both_areas(office: Problem) -> None:
    # weber at the back Tuesday am and pm, and at the counter late: 10 h against 9 h
    rows = {**GOOD_WEEK, "weber": "B  B     B  B  F      F  -      -  -      -",
            "wagner": "-  F     -  -  -      -  -      -  F      -"}  # fmt: skip
    violation = only_violation(office, rota_from_rows(office, rows), "max_hours_per_day")
    assert "Sabine Weber (weber) works 10.0 h on Tue 2026-12-01" in violation.message
    assert "9.0 h a day" in violation.message


# --- max_hours_share -------------------------------------------------------------------------


def test_max_hours_share_holds_at_exactly_the_share(fixtures: Path) -> None:
    problem = load(fixtures, "limits")
    assert problem.shares[("bo", 0)] == 492
    rota = make_rota(
        problem,
        [
            assign(problem, "bo", "2026-11-30", "am", "back"),
            assign(problem, "bo", "2026-11-30", "pm", "back"),
        ],
    )
    assert check_max_hours_share(problem, rota) == []
    assert check(problem, rota).ok()


def test_max_hours_share_rejects_one_minute_over(fixtures: Path) -> None:
    problem = load(fixtures, "limits")
    rota = make_rota(
        problem,
        [
            assign(problem, "bo", "2026-11-30", "am", "back"),
            assign(problem, "bo", "2026-11-30", "pm", "back"),
            assign(problem, "bo", "2026-12-01", "eve", "back"),
        ],
    )
    violation = only_violation(problem, rota, "max_hours_share")
    assert check_max_hours_share(problem, rota) == [violation]
    assert violation.staff == "bo"
    assert violation.message == (
        "Bo Berg (bo) works 8.2 h in week 1 (2026-11-30 to 2026-12-06), more than their "
        "share of 8.2 h that week."
    )


# --- shortfalls_listed -----------------------------------------------------------------------


def test_shortfalls_of_an_empty_rota_come_in_order(fixtures: Path) -> None:
    problem = load(fixtures, "needs")
    monday = dt.date(2026, 11, 30)
    expected = [
        Shortfall(monday, block, area, what, missing)
        for block in ("am", "pm")
        for area, what, missing in [
            ("front", "seats", 2),
            ("front", "ar", 1),
            ("front", "residence", 1),
            ("back", "min", 2),
            ("back", "en", 1),
            ("back", "naturalisation", 1),
        ]
    ]
    rota = make_rota(problem, [], shortfalls=[])
    assert list(check(problem, rota).shortfalls) == expected


def test_shortfalls_never_count_trainees(fixtures: Path) -> None:
    problem = load(fixtures, "needs")
    rota = make_rota(
        problem,
        [
            assign(problem, "paul", "2026-11-30", "am", "front"),
            assign(problem, "tom", "2026-11-30", "am", "front"),
            assign(problem, "eva", "2026-11-30", "am", "back"),
            assign(problem, "tom", "2026-11-30", "pm", "back"),
        ],
        shortfalls=[],
    )
    monday = dt.date(2026, 11, 30)
    am = [gap for gap in check(problem, rota).shortfalls if gap.block == "am"]
    assert am == [
        Shortfall(monday, "am", "front", "seats", 1),
        Shortfall(monday, "am", "front", "ar", 1),
        Shortfall(monday, "am", "back", "min", 1),
        Shortfall(monday, "am", "back", "naturalisation", 1),
    ]
    pm = [gap for gap in check(problem, rota).shortfalls if gap.block == "pm"]
    assert Shortfall(monday, "pm", "back", "min", 2) in pm


def test_shortfalls_listed_holds_when_the_gaps_are_listed_exactly(fixtures: Path) -> None:
    problem = load(fixtures, "needs")
    monday = dt.date(2026, 11, 30)
    rota = make_rota(
        problem,
        [
            assign(problem, "rana", "2026-11-30", "am", "front"),
            assign(problem, "paul", "2026-11-30", "am", "front"),
            assign(problem, "eva", "2026-11-30", "am", "back"),
        ],
        shortfalls=[
            Shortfall(monday, "am", "back", "min", 1),
            Shortfall(monday, "am", "back", "naturalisation", 1),
            Shortfall(monday, "pm", "front", "seats", 2),
            Shortfall(monday, "pm", "front", "ar", 1),
            Shortfall(monday, "pm", "front", "residence", 1),
            Shortfall(monday, "pm", "back", "min", 2),
            Shortfall(monday, "pm", "back", "en", 1),
            Shortfall(monday, "pm", "back", "naturalisation", 1),
        ],
    )
    assert check_shortfalls_listed(problem, rota) == []
    assert check(problem, rota).ok()


def test_shortfalls_listed_holds_for_the_small_office_with_a_listed_gap(office: Problem) -> None:
    rows = {**GOOD_WEEK, "hoffmann": "-  -     -  F  -      -  -      -  -      F"}
    rota = make_rota(
        office,
        assignments_from_rows(office, rows),
        shortfalls=[Shortfall(dt.date(2026, 11, 30), "pm", "front", "seats", 1)],
    )
    assert check(office, rota).ok()


@pytest.mark.parametrize(
    ("listed", "words"),
    [
        ([], "1 counter seat(s) missing on Mon 2026-11-30 pm, but the rota does not list"),
        (
            [Shortfall(dt.date(2026, 11, 30), "pm", "front", "seats", 2)],
            "The rota lists 2 missing counter seat(s) on Mon 2026-11-30 pm, but 1 are missing.",
        ),
        (
            [
                Shortfall(dt.date(2026, 11, 30), "pm", "front", "seats", 1),
                Shortfall(dt.date(2026, 11, 30), "pm", "front", "residence", 1),
            ],
            "The rota lists 1 missing 'residence' holder(s) at the counter on Mon 2026-11-30 pm, "
            "but nothing is missing there.",
        ),
        (
            [
                Shortfall(dt.date(2026, 11, 30), "pm", "front", "seats", 1),
                Shortfall(dt.date(2026, 11, 30), "pm", "front", "seats", 1),
            ],
            "is listed more than once",
        ),
    ],
)
def test_shortfalls_listed_rejects_a_wrong_list(
    office: Problem, listed: list[Shortfall], words: str
) -> None:
    # hoffmann leaves Monday pm: one counter seat stays empty, wagner still holds residence
    rows = {**GOOD_WEEK, "hoffmann": "-  -     -  F  -      -  -      -  -      F"}
    rota = make_rota(office, assignments_from_rows(office, rows), shortfalls=listed)
    violation = only_violation(office, rota, "shortfalls_listed")
    assert check_shortfalls_listed(office, rota) == [violation]
    assert (violation.date, violation.block) == (dt.date(2026, 11, 30), "pm")
    assert words in violation.message


# --- soft costs ------------------------------------------------------------------------------


def test_hours_below_share_charges_each_minute_under_the_target(fixtures: Path) -> None:
    problem = load(fixtures, "costs")
    assert problem.shares[("nia", 0)] == 606  # target ceil(606 x 0.85) = 516
    # mara works Monday and Tuesday in full (964) and Wednesday am: 1204 of a 1530 target
    rota = make_rota(
        problem,
        [
            assign(problem, "mara", "2026-11-30", "am", "back"),
            assign(problem, "mara", "2026-11-30", "pm", "back"),
            assign(problem, "mara", "2026-12-01", "am", "back"),
            assign(problem, "mara", "2026-12-01", "pm", "back"),
            assign(problem, "mara", "2026-12-02", "am", "back"),
            assign(problem, "nia", "2026-11-30", "am", "back"),
            assign(problem, "nia", "2026-11-30", "pm", "back"),
            assign(problem, "nia", "2026-12-01", "am", "back"),
        ],
    )
    weight = 2
    assert costs(check(problem, rota), "hours_below_share") == {
        "mara": (1530 - 1204) * weight,
        "finn": 510 * weight,  # ceil(600 x 0.85) = 510, nothing worked
        "tina": 1530 * weight,  # nia worked 722 minutes, over her 516: no cost, no entry
    }


def test_hours_below_share_stops_at_the_target(fixtures: Path) -> None:
    problem = load(fixtures, "costs")
    nia_at = [("2026-11-30", "am"), ("2026-11-30", "pm")]  # 482 minutes, 34 under 516
    rota = make_rota(problem, [assign(problem, "nia", d, b, "back") for d, b in nia_at])
    penalty = next(
        p
        for p in check(problem, rota).penalties
        if p.rule == "hours_below_share" and p.staff == "nia"
    )
    assert penalty.cost == 34 * 2
    assert penalty.week == 0
    assert penalty.detail == "worked 8.0 h of a 10.1 h share (target 8.6 h)"
    rota = make_rota(
        problem,
        [assign(problem, "nia", d, b, "back") for d, b in [*nia_at, ("2026-12-01", "am")]],
    )
    assert "nia" not in costs(check(problem, rota), "hours_below_share")


def test_fairness_rounds_fair_parts_half_up_and_frees_the_first_hour(fixtures: Path) -> None:
    problem = load(fixtures, "costs")
    # 242 counter minutes split 3 : 1 are 181.5 and 60.5, rounded half up to 182 and 61
    rota = make_rota(
        problem,
        [
            assign(problem, "mara", "2026-11-30", "pm", "front"),
            assign(problem, "tina", "2026-11-30", "pm", "front"),  # a trainee: not counted
            assign(problem, "nia", "2026-11-30", "pm", "back"),  # back office only: no part
        ],
    )
    report = check(problem, rota)
    # mara is 242 - 182 = 60 minutes off: inside the free hour, so no entry
    assert costs(report, "fairness") == {"finn": 1 * 3}  # 61 minutes off: one past the hour
    (penalty,) = [p for p in report.penalties if p.rule == "fairness"]
    assert penalty.detail == "0.0 h at the counter, fair part 1.0 h"
    assert penalty.week is None


def test_fairness_charges_the_stepped_distance_from_the_fair_part(fixtures: Path) -> None:
    problem = load(fixtures, "costs")
    days = ["2026-11-30", "2026-12-01", "2026-12-02"]
    # 720 counter minutes, all mara's: fair parts 540 and 180, both 180 minutes off
    rota = make_rota(problem, [assign(problem, "mara", day, "am", "front") for day in days])
    report = check(problem, rota)
    weight = 3
    past_the_free_hour = 1 * 60 + 2 * 60  # 120 minutes: the first hour at 1, the second at 2
    assert costs(report, "fairness") == {
        "mara": past_the_free_hour * weight,
        "finn": past_the_free_hour * weight,
    }
    details = {p.staff: p.detail for p in report.penalties if p.rule == "fairness"}
    assert details == {
        "mara": "12.0 h at the counter, fair part 9.0 h",
        "finn": "0.0 h at the counter, fair part 3.0 h",
    }


def test_fairness_costs_nothing_when_the_counter_is_split_by_hours(fixtures: Path) -> None:
    problem = load(fixtures, "costs")
    days = ["2026-11-30", "2026-12-01", "2026-12-02"]
    rota = make_rota(
        problem,
        [
            *[assign(problem, "mara", day, "am", "front") for day in days],  # 720 minutes
            assign(problem, "finn", "2026-12-03", "am", "front"),  # 240 minutes
        ],
    )
    assert costs(check(problem, rota), "fairness") == {}


def test_fairness_costs_nothing_without_any_share(fixtures: Path) -> None:
    problem = load(fixtures, "costs")
    no_shares = dataclasses.replace(problem, shares=dict.fromkeys(problem.shares, 0))
    days = ["2026-11-30", "2026-12-01", "2026-12-02"]
    rota = make_rota(no_shares, [assign(problem, "mara", day, "am", "front") for day in days])
    assert costs(check(no_shares, rota), "fairness") == {}
    assert costs(check(problem, rota), "fairness") != {}


@pytest.mark.parametrize(
    ("deviation", "cost"),
    [
        (0, 0),
        (60, 0),  # the free hour
        (61, 1),
        (120, 60),
        (121, 60 + 2),
        (180, 60 + 2 * 60),
        (60 + 7 * 60, 60 * (1 + 2 + 3 + 4 + 5 + 6 + 7)),
        (60 + 7 * 60 + 1, 60 * 28 + 8),
        (60 + 10 * 60, 60 * 28 + 8 * 180),  # from the 8th hour on, every minute costs 8
    ],
)
def test_fairness_steps_grow_by_the_hour_up_to_eight(deviation: int, cost: int) -> None:
    assert (FAIRNESS_TOLERANCE_MINUTES, FAIRNESS_STEP_MINUTES, FAIRNESS_STEPS) == (60, 60, 8)
    assert fairness_steps(deviation) == cost


@pytest.mark.parametrize(("blocks", "cost"), [(0, 150), (1, 100), (2, 50), (3, None), (4, None)])
def test_trainee_practice_charges_each_missing_counter_block(
    fixtures: Path, blocks: int, cost: int | None
) -> None:
    problem = load(fixtures, "costs")
    days = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"][:blocks]
    rota = make_rota(
        problem,
        [
            *[assign(problem, "mara", day, "am", "front") for day in days],
            *[assign(problem, "tina", day, "am", "front") for day in days],
        ],
    )
    report = check(problem, rota)
    assert report.ok()
    assert costs(report, "trainee_practice") == ({} if cost is None else {"tina": cost})
    if cost is not None:
        (penalty,) = [p for p in report.penalties if p.rule == "trainee_practice"]
        assert penalty.detail == f"{blocks} counter blocks of the 3 wanted"
        assert penalty.week == 0


def test_trainee_practice_charges_nothing_without_min_front_blocks(fixtures: Path) -> None:
    problem = load(fixtures, "needs")
    assert problem.person("tom").min_front_blocks is None
    assert costs(check(problem, make_rota(problem, [])), "trainee_practice") == {}


def test_penalties_hold_only_positive_costs(office: Problem) -> None:
    report = check(office, rota_from_rows(office, GOOD_WEEK))
    assert report.penalties
    assert all(penalty.cost > 0 for penalty in report.penalties)
    assert {penalty.rule for penalty in report.penalties} <= set(SOFT_RULES)


# --- rota.json -------------------------------------------------------------------------------

# Monday pm is left open on purpose: each test puts someone there with `substitute`.
HAND_WRITTEN_ROTA = Template("""{
  "office": "Needs test office",
  "period": {"start": "2026-11-30", "end": "2026-12-06"},
  "status": "feasible",
  "objective": null,
  "bound": null,
  "assignments": [
    {"staff": "rana", "date": "2026-11-30", "block": "am", "area": "front",
     "start": "2026-11-30T08:00:00+01:00", "end": "2026-11-30T12:00:00+01:00"},
    {"staff": "tom", "date": "2026-11-30", "block": "am", "area": "back",
     "start": "2026-11-30T08:00:00+01:00", "end": "2026-11-30T12:00:00+01:00"},
    {"staff": "paul", "date": "2026-11-30", "block": "am", "area": "back",
     "start": "2026-11-30T08:00:00+01:00", "end": "2026-11-30T12:00:00+01:00"},
    {"staff": "eva", "date": "2026-11-30", "block": "am", "area": "back",
     "start": "2026-11-30T08:00:00+01:00", "end": "2026-11-30T12:00:00+01:00"},
    {"staff": "$pm_staff", "date": "2026-11-30", "block": "pm", "area": "$pm_area",
     "start": "2026-11-30T13:00:00+01:00", "end": "2026-11-30T16:00:00+01:00"}
  ],
  "shortfalls": [
    {"date": "2026-11-30", "block": "am", "area": "front", "what": "seats", "missing": 1},
    {"date": "2026-11-30", "block": "pm", "area": "front", "what": "seats", "missing": 2},
    {"date": "2026-11-30", "block": "pm", "area": "front", "what": "ar", "missing": 1},
    {"date": "2026-11-30", "block": "pm", "area": "front", "what": "residence", "missing": 1},
    {"date": "2026-11-30", "block": "pm", "area": "back", "what": "min", "missing": 2},
    {"date": "2026-11-30", "block": "pm", "area": "back", "what": "en", "missing": 1},
    {"date": "2026-11-30", "block": "pm", "area": "back", "what": "naturalisation", "missing": 1}
  ],
  "penalties": []
}
""")


def test_a_hand_written_rota_file_is_checked(fixtures: Path, tmp_path: Path) -> None:
    problem = load(fixtures, "needs")
    path = tmp_path / "rota.json"
    path.write_text(HAND_WRITTEN_ROTA.substitute(pm_staff="tom", pm_area="back"), encoding="utf-8")
    report = check(problem, read_rota(path))
    assert report.ok()
    assert report.shortfalls == read_rota(path).shortfalls


def test_a_hand_edited_rota_file_shows_stale_shortfalls(fixtures: Path, tmp_path: Path) -> None:
    problem = load(fixtures, "needs")
    path = tmp_path / "rota.json"
    # paul takes the pm counter shift, but the shortfalls were not updated
    path.write_text(
        HAND_WRITTEN_ROTA.substitute(pm_staff="paul", pm_area="front"), encoding="utf-8"
    )
    report = check(problem, read_rota(path))
    assert [violation.rule for violation in report.violations] == ["shortfalls_listed"] * 2
    assert [violation.message for violation in report.violations] == [
        "The rota lists 2 missing counter seat(s) on Mon 2026-11-30 pm, but 1 are missing.",
        "The rota lists 1 missing 'residence' holder(s) at the counter on Mon 2026-11-30 pm, "
        "but nothing is missing there.",
    ]


def test_a_hand_edited_rota_file_shows_the_trainee_alone(fixtures: Path, tmp_path: Path) -> None:
    problem = load(fixtures, "needs")
    path = tmp_path / "rota.json"
    path.write_text(HAND_WRITTEN_ROTA.substitute(pm_staff="tom", pm_area="front"), encoding="utf-8")
    report = check(problem, read_rota(path))
    assert [violation.rule for violation in report.violations] == ["trainee_with_mentor"]
    violation = report.violations[0]
    assert (violation.staff, violation.block) == ("tom", "pm")
    assert violation.message.startswith("Tom Kraus (tom), a trainee, sits at the counter on Mon")
    assert "Rana Haddad (rana)" in violation.message


def test_a_rota_file_checks_as_the_rota_it_was_written_from(
    office: Problem, tmp_path: Path
) -> None:
    rota = rota_from_rows(office, GOOD_WEEK)
    path = tmp_path / "rota.json"
    path.write_text(rota_to_json(rota), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["assignments"]
    assert check(office, read_rota(path)) == check(office, rota)
