"""A better start for the soft goals: free blocks filled in the back office.

The shortfall stages care only about cover, so their rota leaves most people
far below their hours: on a generated 60-person week the first soft-goal
rota cost 37,618, nearly all of it hours, and CP-SAT needed seconds to find
one below 2,000. Nobody caps the back office, so adding a back-office block
keeps every hard rule as long as the person's day and week stay within their
limits, and it never opens a gap (cover only counts up). This module adds,
for each person and week, the back-office blocks that bring them closest to
their share, keeping every block they already have.

Filling stops at people's shares, so a block whose back office is short of
its minimum can stay short while another block of the same week has more
people there than it needs. `moved` closes such gaps by moving one person's
back-office block from a block with people to spare to the short one.

The shortfall stages also choose which blocks of a day someone works, and a
full-timer who got the two three-hour afternoon blocks of a day where the
four-hour morning fits with one of them stays half an hour under their hours
target whatever is filled around it. `lengthened` trades such a back-office
block for a longer one the person may work instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from math import floor

from rotaplan.model.hours import hours_target
from rotaplan.model.reach import most_minutes
from rotaplan.model.variables import Assignments, Var
from rotaplan.problem import Person, Slot, SlotKey


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


def moved(assignments: Assignments, values: dict[int, int]) -> dict[int, int]:
    """`values` with back-office blocks moved to blocks short of their back-office minimum.

    A move takes a non-trainee who does not work in the short block out of the back
    office of another block of the same week that keeps its minimum and its skill needs
    without them, and into the short block; their day stays within the daily cap and
    their week within what whole blocks allow (the limit of `add_max_hours_share`).
    Short blocks are taken in slot order, candidates in the order of the office file.
    """
    mover = _Mover(assignments, dict(values))
    for short in assignments.problem.slots:
        while len(mover.working(short.key)) < assignments.problem.demand[short.key].back_min:
            move = mover.first_move(short)
            if move is None:
                break
            mover.switch(*move)
    return mover.values


class _Mover:
    """The rota being changed by `moved`, with the checks a move must pass."""

    def __init__(self, assignments: Assignments, values: dict[int, int]) -> None:
        self.assignments = assignments
        self.problem = assignments.problem
        self.values = values
        self.day_cap = floor(self.problem.rules.max_hours_per_day * 60)
        self._week_limit: dict[tuple[str, int], int] = {}

    def switch(self, off: Var, on: Var) -> None:
        """Switch one variable off and another on (a back-office block moved)."""
        self.values[off.index] = 0
        self.values[on.index] = 1

    def working(self, key: SlotKey) -> list[Person]:
        """The non-trainees in the back office of block `key`."""
        return [
            person
            for person, var in self.assignments.in_slot(key, "back")
            if self.values[var.index] and not person.trainee
        ]

    def minutes_worked(self, person: Person, keep: Callable[[Slot], bool]) -> int:
        """Minutes `person` works in the blocks `keep` accepts."""
        return sum(
            slot.minutes
            for slot, _area, var in self.assignments.of_person(person.id)
            if self.values[var.index] and keep(slot)
        )

    def most_in_week(self, person: Person, week: int) -> int:
        """The most minutes of whole blocks `person` may work in `week`."""
        if (person.id, week) not in self._week_limit:
            slots = {
                slot.key: slot
                for slot, _area, _var in self.assignments.of_person(person.id)
                if slot.week == week
            }
            self._week_limit[(person.id, week)] = most_minutes(
                slots.values(), day_cap=self.day_cap, share=self.problem.shares[(person.id, week)]
            )
        return self._week_limit[(person.id, week)]

    def may_leave(self, person: Person, key: SlotKey) -> bool:
        """True if block `key` keeps its back-office minimum and skill needs without `person`."""
        if person.trainee:
            return True  # trainees count towards no minimum or need
        demand = self.problem.demand[key]
        present = self.working(key)
        if len(present) - 1 < demand.back_min:
            return False
        return all(
            sum(other.has_skill(skill) for other in present) - 1 >= need
            for skill, need in demand.back_needs.items()
            if person.has_skill(skill)
        )

    def longer_block(self, person: Person, week: int, worked: int) -> tuple[Var, Var] | None:
        """(back-office variable to switch off, a longer free block's one to switch on) that
        gives `person` the most minutes in `week` (`worked` now) within what the week
        allows, or None."""
        mine = [item for item in self.assignments.of_person(person.id) if item[0].week == week]
        busy = {slot.key for slot, _area, var in mine if self.values[var.index]}
        most = self.most_in_week(person, week)
        best: tuple[int, Var, Var] | None = None
        for slot, area, var in mine:
            if area != "back" or not self.values[var.index]:
                continue
            if not self.may_leave(person, slot.key):
                continue
            for other, other_area, other_var in mine:
                if other_area != "back" or other.key in busy or other.minutes <= slot.minutes:
                    continue
                total = worked - slot.minutes + other.minutes
                if total > most:
                    continue
                day = self.minutes_worked(person, _on_date(other.date))
                if other.date == slot.date:
                    day -= slot.minutes
                if day + other.minutes > self.day_cap:
                    continue
                if best is None or total > best[0]:
                    best = (total, var, other_var)
        return None if best is None else (best[1], best[2])

    def first_move(self, short: Slot) -> tuple[Var, Var] | None:
        """(back-office variable to switch off, the short block's one to switch on), or None."""
        values = self.values
        for person, target in self.assignments.in_slot(short.key, "back"):
            if person.trainee or values[target.index]:
                continue
            mine = self.assignments.of_person(person.id)
            if any(values[var.index] for slot, _area, var in mine if slot.key == short.key):
                continue  # already at the counter in that block
            for slot, area, var in mine:
                if area != "back" or not values[var.index] or slot.week != short.week:
                    continue
                day = self.minutes_worked(person, lambda other: other.date == short.date)
                if slot.date == short.date:
                    day -= slot.minutes
                week = self.minutes_worked(person, lambda other: other.week == short.week)
                week += short.minutes - slot.minutes
                if day + short.minutes > self.day_cap:
                    continue
                if week > self.most_in_week(person, short.week):
                    continue
                if self.may_leave(person, slot.key):
                    return var, target
        return None


def lengthened(assignments: Assignments, values: dict[int, int]) -> dict[int, int]:
    """`values` with back-office blocks traded for longer ones where a person stays under
    their hours target.

    A trade takes a person (trainees too) out of the back office of one block that keeps
    its minimum and skill needs without them, and into the back office of a longer block of
    the same week where they do not work yet; their day stays within the daily cap and their
    week within what whole blocks allow. Of the trades for one person and week the one
    that gives them the most minutes is made (the first in slot order on a tie), until
    they reach their target or no trade is left. People in file order, weeks in order.
    """
    problem = assignments.problem
    mover = _Mover(assignments, dict(values))
    for person in problem.people:
        weeks = sorted({slot.week for slot, _area, _var in assignments.of_person(person.id)})
        for week in weeks:
            target = hours_target(problem.shares[(person.id, week)], problem.rules.hours_tolerance)
            while True:
                worked = mover.minutes_worked(person, _in_week(week))
                if worked >= target:
                    break
                trade = mover.longer_block(person, week, worked)
                if trade is None:
                    break
                mover.switch(*trade)
    return mover.values


def _in_week(week: int) -> Callable[[Slot], bool]:
    return lambda slot: slot.week == week


def _on_date(date: object) -> Callable[[Slot], bool]:
    return lambda slot: slot.date == date
