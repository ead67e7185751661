"""A better start for the soft goals: free blocks filled in the back office.

The shortfall stages care only about cover, so their rota leaves most people
far below their hours: on a generated 60-person week the first soft-goal
rota cost 37,618, nearly all of it hours, and CP-SAT needed seconds to find
one below 2,000. Nobody caps the back office, so adding a back-office block
keeps every hard rule as long as the person's day and week stay within their
limits, and it never opens a gap (cover only counts up). This module adds,
for each person and week, the back-office blocks that bring them closest to
their share, keeping every block they already have.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from math import floor

from rotaplan.model.variables import Assignments, Var
from rotaplan.problem import Slot, SlotKey


def filled(assignments: Assignments, values: dict[int, int]) -> dict[int, int]:
    """`values` (variable index -> 0/1) with back-office blocks added where hours allow."""
    problem = assignments.problem
    day_cap = floor(problem.rules.max_hours_per_day * 60)
    result = dict(values)
    for person in problem.people:
        by_week: dict[int, dict[object, list[tuple[Slot, dict[str, Var]]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        per_slot: dict[SlotKey, dict[str, Var]] = defaultdict(dict)
        slot_of: dict[SlotKey, Slot] = {}
        for slot, area, var in assignments.of_person(person.id):
            per_slot[slot.key][area] = var
            slot_of[slot.key] = slot
        for key, areas in per_slot.items():
            slot = slot_of[key]
            by_week[slot.week][slot.date].append((slot, areas))
        for week, days in by_week.items():
            share = problem.shares[(person.id, week)]
            for var in _added(days, values, day_cap, share):
                result[var.index] = 1
    return result


def _added(
    days: dict[object, list[tuple[Slot, dict[str, Var]]]],
    values: dict[int, int],
    day_cap: int,
    share: int,
) -> list[Var]:
    """The back-office variables to switch on in one person's week (most minutes, within
    `day_cap` a day and `share` a week; on equal minutes, fewest added blocks)."""
    # Per day: the options (extra minutes, back variables to switch on).
    options_by_day: list[list[tuple[int, tuple[Var, ...]]]] = []
    used = 0
    for date in sorted(days, key=str):
        taken = 0
        free: list[tuple[int, Var]] = []
        for slot, areas in days[date]:
            if any(values[var.index] for var in areas.values()):
                taken += slot.minutes
            elif "back" in areas:
                free.append((slot.minutes, areas["back"]))
        used += taken
        options: list[tuple[int, tuple[Var, ...]]] = []
        for count in range(len(free) + 1):
            for chosen in combinations(free, count):
                extra = sum(minutes for minutes, _var in chosen)
                if taken + extra <= day_cap:
                    options.append((extra, tuple(var for _minutes, var in chosen)))
        options_by_day.append(options)
    # Knapsack over days: best[total extra minutes] = (blocks added, choice per day).
    best: dict[int, tuple[int, list[tuple[Var, ...]]]] = {0: (0, [])}
    for options in options_by_day:
        step: dict[int, tuple[int, list[tuple[Var, ...]]]] = {}
        for total, (blocks, picked) in best.items():
            for extra, variables in options:
                reached = total + extra
                if used + reached > share:
                    continue
                candidate = (blocks + len(variables), [*picked, variables])
                if reached not in step or candidate[0] < step[reached][0]:
                    step[reached] = candidate
        best = step
    top = max(best)
    return [var for variables in best[top][1] for var in variables]
