"""Reachable minute totals, the fairness cuts built on them, and the filled start."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise, product

from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.check import check
from rotaplan.model.build import build
from rotaplan.model.fairness import _lower_hull, fairness_cost
from rotaplan.model.reach import reachable
from rotaplan.model.start import filled, lengthened, moved
from rotaplan.problem import Slot
from rotaplan.rota import Assignment
from tests.factories import office, person, problem_of
from tests.test_check import make_rota

MONDAY = dt.date(2026, 11, 30)


def slots_of(days: list[list[int]]) -> list[Slot]:
    """Slots with the given block minutes, one list per day."""
    result = []
    for day, blocks in enumerate(days):
        date = MONDAY + dt.timedelta(days=day)
        for index, minutes in enumerate(blocks):
            start = dt.datetime.combine(date, dt.time(8)) + dt.timedelta(hours=5 * index)
            end = start + dt.timedelta(minutes=minutes)
            result.append(Slot(date, f"b{index}", start, end, minutes, 0))
    return result


def brute_force(
    slots: list[Slot], day_cap: int, per_day: int | None, most_blocks: int | None, most: int | None
) -> list[int]:
    totals = set()
    for picks in product((0, 1), repeat=len(slots)):
        chosen = [slot for slot, pick in zip(slots, picks, strict=True) if pick]
        per_date: dict[dt.date, list[int]] = {}
        for slot in chosen:
            per_date.setdefault(slot.date, []).append(slot.minutes)
        if any(sum(day) > day_cap for day in per_date.values()):
            continue
        if per_day is not None and any(len(day) > per_day for day in per_date.values()):
            continue
        if most_blocks is not None and len(chosen) > most_blocks:
            continue
        total = sum(slot.minutes for slot in chosen)
        if most is not None and total > most:
            continue
        totals.add(total)
    return sorted(totals)


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(
        st.lists(st.sampled_from([120, 180, 240, 270]), min_size=0, max_size=3),
        min_size=1,
        max_size=4,
    ),
    day_cap=st.sampled_from([240, 420, 540]),
    per_day=st.sampled_from([None, 1, 2]),
    most_blocks=st.sampled_from([None, 1, 3]),
    most=st.sampled_from([None, 600, 1200]),
)
def test_reachable_matches_brute_force(
    days: list[list[int]],
    day_cap: int,
    per_day: int | None,
    most_blocks: int | None,
    most: int | None,
) -> None:
    slots = slots_of(days)
    found = reachable(
        slots,
        day_cap=day_cap,
        per_day_blocks=per_day,
        most_blocks=most_blocks,
        most_minutes=most,
    )
    assert found == brute_force(slots, day_cap, per_day, most_blocks, most)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(0, 3000), min_size=1, max_size=25, unique=True),
    fair=st.integers(0, 3000),
)
def test_fairness_cuts_never_cut_off_a_reachable_total(values: list[int], fair: int) -> None:
    points = [(value, fairness_cost(value, fair)) for value in sorted(values)]
    hull = _lower_hull(points)
    assert hull[0] == points[0] and hull[-1] == points[-1]
    for (x1, y1), (x2, y2) in pairwise(hull):
        for x, y in points:
            # every reachable total's true cost is on or above every cut
            assert (x2 - x1) * y >= (x2 - x1) * y1 + (y2 - y1) * (x - x1)


def test_fairness_cost_steps() -> None:
    assert fairness_cost(600, 600) == 0
    assert fairness_cost(660, 600) == 0  # the free hour
    assert fairness_cost(661, 600) == 1
    assert fairness_cost(600 - 180, 600) == 60 * 1 + 60 * 2  # 2nd hour costs 1, 3rd costs 2


@given(st.integers(0, 6000), st.integers(0, 6000))
def test_fairness_cost_is_the_per_minute_price(front: int, fair: int) -> None:
    # README: up to an hour either side is free; each minute in the k-th hour past that
    # costs k, and 8 from the 8th hour on.
    beyond = max(0, abs(front - fair) - 60)
    assert fairness_cost(front, fair) == sum(min(8, -(-m // 60)) for m in range(1, beyond + 1))


def test_filled_start_keeps_every_rule_and_only_adds_back_office_blocks() -> None:
    data = office(
        front={
            "seats": 0,
            "overrides": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "blocks": ["am"], "seats": 1}
            ],
        },
        back={"min": 1},
        rules={"max_hours_per_day": 7},
        staff=[person("anna"), person("ben", hours=20), person("cem", days=["mon", "tue"])],
    )
    problem = problem_of(data)
    built = build(problem)
    variables = built.ctx.vars
    # Start: Anna at the counter every am, nobody else works.
    start = {var.index: 0 for var in variables.all()}
    for slot in problem.slots:
        if slot.block == "am":
            start[variables.works("anna", slot.key, "front").index] = 1  # type: ignore[union-attr]
    more = filled(variables, start)
    assert all(more[index] >= value for index, value in start.items())
    added = {index for index, value in more.items() if value and not start[index]}
    back = {var.index for slot in problem.slots for _p, var in variables.in_slot(slot.key, "back")}
    assert added and added <= back
    rota = make_rota(problem, _assignments(problem, built, more))
    result = check(problem, rota)
    assert result.ok(), result
    assert not rota.shortfalls  # the filled rota also closed every back-office gap
    worked = {staff: 0 for staff in ("anna", "ben", "cem")}
    for item in rota.assignments:
        worked[item.staff] += 4 * 60 if item.block == "am" else 3 * 60
    # Anna: 7 h a day cap, 35 h open: all 35 h. Ben: 20 h share. Cem: two days, 14 h.
    assert worked == {"anna": 35 * 60, "ben": 20 * 60, "cem": 14 * 60}


def test_moved_start_closes_back_office_gaps_from_blocks_with_people_to_spare() -> None:
    # One person in the back office every block, someone with Arabic among them; Anna and
    # Ben have used their 14 hours on Monday and Tuesday, together, so Wednesday to Friday
    # are empty and nobody has hours left to fill them.
    data = office(
        back={"min": 1, "needs": {"ar": 1}},
        staff=[person("anna", hours=14, skills=["ar"]), person("ben", hours=14)],
    )
    problem = problem_of(data)
    built = build(problem)
    variables = built.ctx.vars
    start = {var.index: 0 for var in variables.all()}
    for slot in problem.slots:
        if slot.date.weekday() < 2:
            for staff in ("anna", "ben"):
                start[variables.works(staff, slot.key, "back").index] = 1  # type: ignore[union-attr]
    assert filled(variables, start) == start  # no hours left: filling cannot help
    after = moved(variables, start)
    rota = make_rota(problem, _assignments(problem, built, after))
    result = check(problem, rota)
    assert result.ok(), result
    worked: dict[str, list[tuple[int, str]]] = {"anna": [], "ben": []}
    for item in rota.assignments:
        worked[item.staff].append((item.date.weekday(), item.block))
    # Anna holds the only Arabic: she may not leave a block. Ben moves each of his four
    # blocks to the first empty block of the same length, within his 14 hours.
    assert sorted(worked["anna"]) == [(0, "am"), (0, "pm"), (1, "am"), (1, "pm")]
    assert sorted(worked["ben"]) == [(2, "am"), (2, "pm"), (3, "am"), (3, "pm")]
    short = {(gap.date.weekday(), gap.block) for gap in rota.shortfalls if gap.what == "min"}
    assert short == {(4, "am"), (4, "pm")}


def _three_block_week(back_min: int) -> tuple[object, object, dict[int, int]]:
    """Anna (35 h, no tolerance) works Monday and Wednesday to Friday 08-15 and Tuesday
    12-18: two three-hour blocks where the four-hour morning and one of them would fit the
    9-hour day. Ben, the only other person, works every late block."""
    data = office(
        blocks={
            "am": {"start": "08:00", "end": "12:00"},
            "pm": {"start": "12:00", "end": "15:00"},
            "late": {"start": "15:00", "end": "18:00"},
        },
        days={day: ["am", "pm", "late"] for day in ("mon", "tue", "wed", "thu", "fri")},
        back={"min": back_min},
        staff=[person("anna", hours=35), person("ben", hours=15)],
        rules={"max_hours_per_day": 9, "hours_tolerance": 0},
    )
    problem = problem_of(data)
    built = build(problem)
    variables = built.ctx.vars
    start = {var.index: 0 for var in variables.all()}
    for slot in problem.slots:
        tuesday = slot.date.weekday() == 1
        anna = slot.block in (("pm", "late") if tuesday else ("am", "pm"))
        ben = slot.block == "late"
        for staff, works in (("anna", anna), ("ben", ben)):
            if works:
                start[variables.works(staff, slot.key, "back").index] = 1  # type: ignore[union-attr]
    return problem, built, start


def test_lengthened_start_trades_a_short_block_for_a_longer_one_the_day_allows() -> None:
    problem, built, start = _three_block_week(back_min=0)
    variables = built.ctx.vars  # type: ignore[attr-defined]
    assert filled(variables, start) == start  # Tuesday's 6 hours leave no room for 4 more
    before = check(problem, make_rota(problem, _assignments(problem, built, start)))
    after = lengthened(variables, start)
    rota = make_rota(problem, _assignments(problem, built, after))
    result = check(problem, rota)
    assert result.violations == ()
    assert before.cost_by_rule()["hours_below_share"] == 60  # 34 of 35 hours
    assert result.cost_by_rule().get("hours_below_share", 0) == 0
    tuesday = sorted(
        item.block for item in rota.assignments if item.staff == "anna" and item.date.weekday() == 1
    )
    assert tuesday in (["am", "pm"], ["am", "late"])


def test_lengthened_start_keeps_a_block_that_needs_the_person() -> None:
    # Every block needs one person in the back office. Anna may still leave Tuesday's late
    # block (Ben is there), but not its afternoon, where she is alone.
    problem, built, start = _three_block_week(back_min=1)
    variables = built.ctx.vars  # type: ignore[attr-defined]
    after = lengthened(variables, start)
    rota = make_rota(problem, _assignments(problem, built, after))
    first = check(problem, make_rota(problem, _assignments(problem, built, start)))
    result = check(problem, rota)
    assert result.violations == ()
    assert len(result.shortfalls) <= len(first.shortfalls)
    tuesday = sorted(
        item.block for item in rota.assignments if item.staff == "anna" and item.date.weekday() == 1
    )
    assert tuesday == ["am", "pm"]


def _assignments(problem, built, values) -> list[Assignment]:  # type: ignore[no-untyped-def]
    return [
        Assignment(
            who.id, slot.date, slot.block, area, slot.start.isoformat(), slot.end.isoformat()
        )
        for slot in problem.slots
        for area in ("front", "back")
        for who, var in built.ctx.vars.in_slot(slot.key, area)
        if values[var.index]
    ]
