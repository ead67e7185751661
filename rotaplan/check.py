"""The independent checker: every hard rule and every soft cost, recomputed from a rota alone.

This module is the executable spec and the test oracle. It sees only the
resolved problem and the rota (no OR-Tools, nothing from `rotaplan.model` or
`rotaplan.solve`), and it is written to be read: one `check_<rule>` function
per hard rule, each collecting `Violation`s in words a planner understands.
The rule names are the ones the model, rota.json and the console use.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from rotaplan.problem import AREAS, BlockName, DayStatus, Person, Problem, Slot, SlotKey, StaffId
from rotaplan.rota import Assignment, Penalty, Rota, Shortfall

HARD_RULES: tuple[str, ...] = (
    "known_names",
    "one_area_per_block",
    "availability",
    "counter_seats",
    "front_allowed",
    "trainee_with_mentor",
    "max_front_blocks",
    "max_front_blocks_per_day",
    "max_hours_per_day",
    "max_hours_share",
    "shortfalls_listed",
)
SOFT_RULES: tuple[str, ...] = ("hours_below_share", "fairness", "trainee_practice")

# Fairness: up to FAIRNESS_TOLERANCE_MINUTES either side of a person's fair part
# is free; past that band the cost grows in hour steps: each minute in the k-th
# hour past the band costs k, and every minute from the 8th hour on costs 8.
# README "Fairness" states the same rule (and why the band is an hour wide).
FAIRNESS_TOLERANCE_MINUTES = 60
FAIRNESS_STEP_MINUTES = 60
FAIRNESS_STEPS = 8

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: which rule, who, when, and a sentence saying what is wrong."""

    rule: str
    staff: StaffId | None
    date: dt.date | None
    block: BlockName | None
    message: str


@dataclass(frozen=True)
class Report:
    """What the checker found: violations, the real shortfalls and the soft costs of a rota."""

    violations: tuple[Violation, ...]
    shortfalls: tuple[Shortfall, ...]
    penalties: tuple[Penalty, ...]

    def ok(self) -> bool:
        """True if the rota breaks no hard rule."""
        return not self.violations

    def cost_by_rule(self) -> dict[str, int]:
        """Total soft cost per rule, every soft rule listed (zero when it charges nothing)."""
        totals = dict.fromkeys(SOFT_RULES, 0)
        for penalty in self.penalties:
            totals[penalty.rule] = totals.get(penalty.rule, 0) + penalty.cost
        return totals


def check(problem: Problem, rota: Rota) -> Report:
    """Check `rota` against every hard rule and recompute its shortfalls and soft costs."""
    violations: list[Violation] = []
    for rule in HARD_CHECKS:
        violations.extend(rule(problem, rota))
    roster = _Roster(problem, rota)
    penalties = [
        *_hours_below_share(problem, roster),
        *_fairness(problem, roster),
        *_trainee_practice(problem, roster),
    ]
    return Report(
        violations=tuple(violations),
        shortfalls=tuple(_gaps(problem, roster)),
        penalties=tuple(penalty for penalty in penalties if penalty.cost > 0),
    )


# --- what the rota says, indexed -------------------------------------------------------------


class _Roster:
    """The well-formed assignments of a rota (known person, open block, real area), indexed.

    Each (person, date, block, area) counts once, however often the rota lists it;
    the malformed assignments are left to `check_known_names`.
    """

    def __init__(self, problem: Problem, rota: Rota) -> None:
        self.problem = problem
        self.slot_by_key: dict[SlotKey, Slot] = {slot.key: slot for slot in problem.slots}
        staff_ids = {person.id for person in problem.people}
        self._in_area: dict[tuple[SlotKey, str], set[StaffId]] = defaultdict(set)
        self._slots_in: dict[tuple[StaffId, str], set[SlotKey]] = defaultdict(set)
        for item in rota.assignments:
            key = (item.date, item.block)
            if item.staff in staff_ids and key in self.slot_by_key and item.area in AREAS:
                self._in_area[(key, item.area)].add(item.staff)
                self._slots_in[(item.staff, item.area)].add(key)
                self._slots_in[(item.staff, "any")].add(key)
        self._sorted: dict[tuple[StaffId, str], tuple[Slot, ...]] = {}

    def people(self, slot: Slot, area: str) -> list[Person]:
        """Everyone in `area` during `slot`, in the order of the staff list."""
        ids = self._in_area[(slot.key, area)]
        return [person for person in self.problem.people if person.id in ids]

    def counted(self, slot: Slot, area: str) -> list[Person]:
        """The non-trainees in `area` during `slot`: those who count towards demand."""
        return [person for person in self.people(slot, area) if not person.trainee]

    def slots(self, staff: StaffId, area: str = "any") -> tuple[Slot, ...]:
        """The slots `staff` works in `area` ("any": in either area), in time order."""
        found = self._sorted.get((staff, area))
        if found is None:  # each rule asks again, for each week or day (300 people: 20,000 times)
            keys = self._slots_in[(staff, area)]
            found = self._sorted[(staff, area)] = tuple(
                slot for slot in self.problem.slots if slot.key in keys
            )
        return found

    def minutes(self, staff: StaffId, area: str = "any", week: int | None = None) -> int:
        """Minutes `staff` works in `area`, over the period or in one week."""
        return sum(
            slot.minutes for slot in self.slots(staff, area) if week is None or slot.week == week
        )


# --- hard rules ------------------------------------------------------------------------------


def check_known_names(problem: Problem, rota: Rota) -> list[Violation]:
    """Every assignment names a person on the staff list, a date in the period, a block open
    on that date and the area front or back; its start and end are the block's own times."""
    found: list[Violation] = []
    staff_ids = {person.id for person in problem.people}
    slot_by_key = {slot.key: slot for slot in problem.slots}

    def add(item: Assignment, message: str) -> None:
        staff = item.staff if item.staff in staff_ids else None
        found.append(Violation("known_names", staff, item.date, item.block, message))

    if (rota.start, rota.end) != (problem.start, problem.end):
        found.append(
            Violation(
                "known_names",
                None,
                None,
                None,
                f"The rota covers {rota.start} to {rota.end}, but the office file plans "
                f"{problem.start} to {problem.end}.",
            )
        )
    for item in rota.assignments:
        who = _who(problem, item.staff)
        when = _when(item.date, item.block)
        if item.staff not in staff_ids:
            add(
                item,
                f"The rota assigns {who} on {when}, but there is no such id on the staff list.",
            )
        if not problem.start <= item.date <= problem.end:
            add(
                item,
                f"{who} is assigned on {_day(item.date)}, outside the period "
                f"{problem.start} to {problem.end}.",
            )
        elif item.block not in problem.block_order:
            add(
                item,
                f"{who} is assigned on {when}, but the office file has no block '{item.block}'.",
            )
        elif (item.date, item.block) not in slot_by_key:
            add(item, f"{who} is assigned on {when}, but the office is not open then.")
        if item.area not in AREAS:
            add(
                item,
                f"{who} is assigned to area '{item.area}' on {when}; the areas are front and back.",
            )
        slot = slot_by_key.get((item.date, item.block))
        if slot is None:
            continue
        for edge, given, expected in (
            ("starts", item.start, slot.start),
            ("ends", item.end, slot.end),
        ):
            if given != expected.isoformat():
                add(
                    item,
                    f"{who}'s shift on {when} {edge} at '{given}' in the rota, but the block "
                    f"{edge} at {expected.isoformat()}.",
                )
    return found


def check_one_area_per_block(problem: Problem, rota: Rota) -> list[Violation]:
    """A person is listed at most once per date and block (one area, one entry)."""
    entries: dict[tuple[StaffId, dt.date, BlockName], list[str]] = defaultdict(list)
    for item in rota.assignments:
        entries[(item.staff, item.date, item.block)].append(item.area)
    return [
        Violation(
            "one_area_per_block",
            staff,
            date,
            block,
            f"{_who(problem, staff)} is listed {len(areas)} times on {_when(date, block)} "
            f"({', '.join(areas)}); a person works in one area per block.",
        )
        for (staff, date, block), areas in entries.items()
        if len(areas) > 1
    ]


def check_availability(problem: Problem, rota: Rota) -> list[Violation]:
    """A person works only on days they are available: an opening day inside their day
    pattern that is no holiday, no absence and no school day."""
    found: list[Violation] = []
    staff_ids = {person.id for person in problem.people}
    seen: set[tuple[StaffId, dt.date, BlockName]] = set()
    for item in rota.assignments:
        key = (item.staff, item.date, item.block)
        if item.staff not in staff_ids or item.date not in problem.dates or key in seen:
            continue
        seen.add(key)
        status = problem.status[(item.staff, item.date)]
        if status is DayStatus.AVAILABLE:
            continue
        found.append(
            Violation(
                "availability",
                item.staff,
                item.date,
                item.block,
                f"{_who(problem, item.staff)} works {_when(item.date, item.block)} but "
                f"{_why_unavailable(problem, status, item.date)}.",
            )
        )
    return found


def check_counter_seats(problem: Problem, rota: Rota) -> list[Violation]:
    """Never more non-trainees at the counter than it has seats (`front.seats`)."""
    roster = _Roster(problem, rota)
    found: list[Violation] = []
    for slot in problem.slots:
        seated = roster.counted(slot, "front")
        seats = problem.demand[slot.key].seats
        if len(seated) > seats:
            names = ", ".join(_who(problem, person.id) for person in seated)
            found.append(
                Violation(
                    "counter_seats",
                    None,
                    slot.date,
                    slot.block,
                    f"{len(seated)} people sit at the counter on {_when(slot.date, slot.block)} "
                    f"({names}), but it has only {seats} seats then.",
                )
            )
    return found


def check_front_allowed(problem: Problem, rota: Rota) -> list[Violation]:
    """People with `front: false` never sit at the counter."""
    roster = _Roster(problem, rota)
    return [
        Violation(
            "front_allowed",
            person.id,
            slot.date,
            slot.block,
            f"{_who(problem, person.id)} sits at the counter on {_when(slot.date, slot.block)}, "
            f"but may not work the counter (front: false).",
        )
        for slot in problem.slots
        for person in roster.people(slot, "front")
        if not person.front_allowed
    ]


def check_trainee_with_mentor(problem: Problem, rota: Rota) -> list[Violation]:
    """A trainee sits at the counter only in a block where their mentor sits there too."""
    roster = _Roster(problem, rota)
    found: list[Violation] = []
    for slot in problem.slots:
        at_counter = {person.id for person in roster.people(slot, "front")}
        for person in roster.people(slot, "front"):
            if not person.trainee or person.mentor in at_counter:
                continue
            mentor = _who(problem, person.mentor) if person.mentor else "(no mentor given)"
            found.append(
                Violation(
                    "trainee_with_mentor",
                    person.id,
                    slot.date,
                    slot.block,
                    f"{_who(problem, person.id)}, a trainee, sits at the counter on "
                    f"{_when(slot.date, slot.block)} without their mentor {mentor}; trainees "
                    f"sit at the counter only beside their mentor.",
                )
            )
    return found


def check_max_front_blocks(problem: Problem, rota: Rota) -> list[Violation]:
    """Per person and week, at most `max_front_blocks` counter blocks (when it is set)."""
    roster = _Roster(problem, rota)
    found: list[Violation] = []
    for person in problem.people:
        if person.max_front_blocks is None:
            continue
        for week in range(problem.weeks):
            blocks = [slot for slot in roster.slots(person.id, "front") if slot.week == week]
            if len(blocks) > person.max_front_blocks:
                found.append(
                    Violation(
                        "max_front_blocks",
                        person.id,
                        None,
                        None,
                        f"{_who(problem, person.id)} sits at the counter {len(blocks)} blocks in "
                        f"{_week(problem, week)}, more than their limit of "
                        f"{person.max_front_blocks} a week (max_front_blocks).",
                    )
                )
    return found


def check_max_front_blocks_per_day(problem: Problem, rota: Rota) -> list[Violation]:
    """Per person and date, at most `rules.max_front_blocks_per_day` counter blocks."""
    roster = _Roster(problem, rota)
    limit = problem.rules.max_front_blocks_per_day
    found: list[Violation] = []
    for person in problem.people:
        for date in problem.dates:
            blocks = [slot for slot in roster.slots(person.id, "front") if slot.date == date]
            if len(blocks) > limit:
                found.append(
                    Violation(
                        "max_front_blocks_per_day",
                        person.id,
                        date,
                        None,
                        f"{_who(problem, person.id)} sits at the counter {len(blocks)} blocks on "
                        f"{_day(date)} ({', '.join(slot.block for slot in blocks)}), more than "
                        f"the {limit} a day allowed (max_front_blocks_per_day).",
                    )
                )
    return found


def check_max_hours_per_day(problem: Problem, rota: Rota) -> list[Violation]:
    """Per person and date, at most `rules.max_hours_per_day` hours of work (both areas)."""
    roster = _Roster(problem, rota)
    limit_hours = Fraction(str(problem.rules.max_hours_per_day))
    found: list[Violation] = []
    for person in problem.people:
        for date in problem.dates:
            minutes = sum(slot.minutes for slot in roster.slots(person.id) if slot.date == date)
            if minutes > limit_hours * 60:
                found.append(
                    Violation(
                        "max_hours_per_day",
                        person.id,
                        date,
                        None,
                        f"{_who(problem, person.id)} works {_hours(minutes)} on {_day(date)}, "
                        f"more than the {_hours(limit_hours * 60)} a day allowed "
                        f"(max_hours_per_day).",
                    )
                )
    return found


def check_max_hours_share(problem: Problem, rota: Rota) -> list[Violation]:
    """Per person and week, the hours worked never exceed the person's share of that week."""
    roster = _Roster(problem, rota)
    found: list[Violation] = []
    for person in problem.people:
        for week in range(problem.weeks):
            minutes = roster.minutes(person.id, week=week)
            share = problem.shares[(person.id, week)]
            if minutes > share:
                found.append(
                    Violation(
                        "max_hours_share",
                        person.id,
                        None,
                        None,
                        f"{_who(problem, person.id)} works {_hours(minutes)} in "
                        f"{_week(problem, week)}, more than their share of {_hours(share)} "
                        f"that week.",
                    )
                )
    return found


def check_shortfalls_listed(problem: Problem, rota: Rota) -> list[Violation]:
    """Every gap in demand is listed as a shortfall of exactly its size, and every listed
    shortfall is a real gap of that size."""
    gaps = _gaps(problem, _Roster(problem, rota))
    real = {_shortfall_key(gap): gap.missing for gap in gaps}
    listed: dict[tuple[str, dt.date, BlockName, str], int] = {}
    found: list[Violation] = []

    def add(date: dt.date, block: BlockName, message: str) -> None:
        found.append(Violation("shortfalls_listed", None, date, block, message))

    for item in rota.shortfalls:
        key = _shortfall_key(item)
        place = f"{_need(item.area, item.what)} on {_when(item.date, item.block)}"
        if key in listed:
            add(item.date, item.block, f"The shortfall of {place} is listed more than once.")
            continue
        listed[key] = item.missing
        missing = real.get(key, 0)
        if missing == 0:
            add(
                item.date,
                item.block,
                f"The rota lists {item.missing} missing {place}, but nothing is missing there.",
            )
        elif item.missing != missing:
            add(
                item.date,
                item.block,
                f"The rota lists {item.missing} missing {place}, but {missing} are missing.",
            )
    for gap in gaps:
        if _shortfall_key(gap) not in listed:
            add(
                gap.date,
                gap.block,
                f"{gap.missing} {_need(gap.area, gap.what)} missing on "
                f"{_when(gap.date, gap.block)}, but the rota does not list this shortfall.",
            )
    return found


# The hard-rule checks in the order of HARD_RULES; `check` runs them all.
HARD_CHECKS: tuple[Callable[[Problem, Rota], list[Violation]], ...] = (
    check_known_names,
    check_one_area_per_block,
    check_availability,
    check_counter_seats,
    check_front_allowed,
    check_trainee_with_mentor,
    check_max_front_blocks,
    check_max_front_blocks_per_day,
    check_max_hours_per_day,
    check_max_hours_share,
    check_shortfalls_listed,
)


# --- shortfalls ------------------------------------------------------------------------------


def _gaps(problem: Problem, roster: _Roster) -> list[Shortfall]:
    """The real gaps in demand: per slot, front seats, front skills (sorted), back minimum,
    back skills (sorted); trainees never count."""
    gaps: list[Shortfall] = []
    for slot in problem.slots:
        demand = problem.demand[slot.key]
        front = roster.counted(slot, "front")
        back = roster.counted(slot, "back")
        wanted: list[tuple[str, str, int, list[Person]]] = [("front", "seats", demand.seats, front)]
        for skill in sorted(demand.front_needs):
            holders = [person for person in front if person.has_skill(skill)]
            wanted.append(("front", skill, demand.front_needs[skill], holders))
        wanted.append(("back", "min", demand.back_min, back))
        for skill in sorted(demand.back_needs):
            holders = [person for person in back if person.has_skill(skill)]
            wanted.append(("back", skill, demand.back_needs[skill], holders))
        for area, what, need, present in wanted:
            missing = max(0, need - len(present))
            if missing > 0:
                gaps.append(Shortfall(slot.date, slot.block, area, what, missing))
    return gaps


def _shortfall_key(item: Shortfall) -> tuple[str, dt.date, BlockName, str]:
    return (item.area, item.date, item.block, item.what)


def _need(area: str, what: str) -> str:
    """A shortfall's `what` in words, e.g. "'ar' holder(s) at the counter"."""
    if what == "seats":
        return "counter seat(s)"
    if what == "min":
        return "back-office staff (minimum)"
    place = "at the counter" if area == "front" else "in the back office"
    return f"'{what}' holder(s) {place}"


# --- soft costs ------------------------------------------------------------------------------


def _hours_below_share(problem: Problem, roster: _Roster) -> list[Penalty]:
    """`hours_below_share`: per person and week, `weights.hours` per minute worked below
    ceil(share x (1 - hours_tolerance))."""
    tolerance = Fraction(str(problem.rules.hours_tolerance))
    penalties: list[Penalty] = []
    for person in problem.people:
        for week in range(problem.weeks):
            share = problem.shares[(person.id, week)]
            target = math.ceil(share * (1 - tolerance))
            worked = roster.minutes(person.id, week=week)
            penalties.append(
                Penalty(
                    "hours_below_share",
                    person.id,
                    max(0, target - worked) * problem.rules.weights.hours,
                    f"worked {_hours(worked)} of a {_hours(share)} share (target {_hours(target)})",
                    week,
                )
            )
    return penalties


def fairness_steps(deviation: int) -> int:
    """The stepped cost of `deviation` minutes away from a fair part (before the weight).

    Free within FAIRNESS_TOLERANCE_MINUTES; past that, each minute in the k-th
    hour costs k, every minute from the FAIRNESS_STEPS-th hour on costs
    FAIRNESS_STEPS: 60 min -> 0, 90 min -> 30, 150 min -> 60 + 2 x 30 = 120.
    """
    return sum(
        max(0, deviation - FAIRNESS_TOLERANCE_MINUTES - FAIRNESS_STEP_MINUTES * step)
        for step in range(FAIRNESS_STEPS)
    )


def _most_counter_minutes(problem: Problem, person: Person) -> int:
    """The most counter minutes a person's own limits allow over the period: each week,
    the longest blocks they could work (available that day, no longer than the day's
    hours limit or the week's share), `max_front_blocks_per_day` a day and
    `max_front_blocks` a week at most, and never more than the week's share."""
    daily_hours = Fraction(str(problem.rules.max_hours_per_day)) * 60
    total = 0
    for week in range(problem.weeks):
        share = problem.shares[(person.id, week)]
        lengths: list[int] = []
        for date in problem.dates[7 * week : 7 * week + 7]:
            if problem.status[(person.id, date)] is not DayStatus.AVAILABLE:
                continue
            today = [
                slot.minutes
                for slot in problem.slots
                if slot.date == date and slot.minutes <= daily_hours and slot.minutes <= share
            ]
            today.sort(reverse=True)
            lengths.extend(today[: problem.rules.max_front_blocks_per_day])
        lengths.sort(reverse=True)
        if person.max_front_blocks is not None:
            lengths = lengths[: person.max_front_blocks]
        total += min(sum(lengths), share)
    return total


def _fair_parts(problem: Problem, eligible: list[Person], counter: int) -> dict[StaffId, int]:
    """Split `counter` minutes in proportion to period shares, but nobody above what their
    limits allow: such people get exactly that, and the rest is split again among the
    others, until nobody is above. Rounded half up at the end."""
    share = {person.id: problem.period_share(person.id) for person in eligible}
    most = {person.id: _most_counter_minutes(problem, person) for person in eligible}
    fixed: dict[StaffId, int] = {}
    changed = True
    while changed:
        changed = False
        rest = counter - sum(fixed.values())
        rest_share = sum(share[staff] for staff in share if staff not in fixed)
        if rest_share == 0:
            break
        for staff in share:
            if staff not in fixed and Fraction(rest * share[staff], rest_share) > most[staff]:
                fixed[staff] = most[staff]
                changed = True
    rest = counter - sum(fixed.values())
    rest_share = sum(share[staff] for staff in share if staff not in fixed)
    parts = dict(fixed)
    for staff in share:
        if staff not in fixed:
            # round half up: (2 r s + R) // (2 R) is floor(r s / R + 1/2) in whole numbers
            parts[staff] = (2 * rest * share[staff] + rest_share) // (2 * rest_share)
    return parts


def _fairness(problem: Problem, roster: _Roster) -> list[Penalty]:
    """`fairness`: per person who may work the counter (no trainees), `weights.fairness` x
    the stepped deviation of their counter minutes from their fair part over the period:
    the counter time of all of them split in proportion to their shares, nobody's part
    above what their own limits allow (see `_fair_parts`)."""
    eligible = [person for person in problem.people if person.front_allowed and not person.trainee]
    total_front = sum(roster.minutes(person.id, "front") for person in eligible)
    if sum(problem.period_share(person.id) for person in eligible) == 0:
        return []
    parts = _fair_parts(problem, eligible, total_front)
    penalties: list[Penalty] = []
    for person in eligible:
        fair_part = parts[person.id]
        front = roster.minutes(person.id, "front")
        penalties.append(
            Penalty(
                "fairness",
                person.id,
                problem.rules.weights.fairness * fairness_steps(abs(front - fair_part)),
                f"{_hours(front)} at the counter, fair part {_hours(fair_part)}",
            )
        )
    return penalties


def _trainee_practice(problem: Problem, roster: _Roster) -> list[Penalty]:
    """`trainee_practice`: per trainee and week, `weights.trainee_practice` per counter block
    short of their `min_front_blocks`."""
    penalties: list[Penalty] = []
    for person in problem.people:
        if not person.trainee or person.min_front_blocks is None:
            continue
        for week in range(problem.weeks):
            blocks = len([slot for slot in roster.slots(person.id, "front") if slot.week == week])
            short = max(0, person.min_front_blocks - blocks)
            penalties.append(
                Penalty(
                    "trainee_practice",
                    person.id,
                    short * problem.rules.weights.trainee_practice,
                    f"{blocks} counter blocks of the {person.min_front_blocks} wanted",
                    week,
                )
            )
    return penalties


# --- words -----------------------------------------------------------------------------------


def _who(problem: Problem, staff: StaffId) -> str:
    """'Anna Müller (mueller)', or the id in quotes when it is not on the staff list."""
    try:
        return f"{problem.person(staff).name} ({staff})"
    except KeyError:
        return f"'{staff}'"


def _day(date: dt.date) -> str:
    """'Tue 2026-12-01'."""
    return f"{_WEEKDAY_NAMES[date.weekday()][:3]} {date.isoformat()}"


def _when(date: dt.date, block: BlockName) -> str:
    """'Tue 2026-12-01 am'."""
    return f"{_day(date)} {block}"


def _week(problem: Problem, week: int) -> str:
    """'week 1 (2026-11-30 to 2026-12-06)'."""
    monday = problem.start + dt.timedelta(days=7 * week)
    return f"week {week + 1} ({monday} to {monday + dt.timedelta(days=6)})"


def _hours(minutes: int | Fraction) -> str:
    """Minutes as hours with one decimal: 450 -> '7.5 h'."""
    return f"{float(minutes) / 60:.1f} h"


def _why_unavailable(problem: Problem, status: DayStatus, date: dt.date) -> str:
    """The end of 'X works <when> but ...' for a person who is not available on `date`."""
    weekday = _WEEKDAY_NAMES[date.weekday()]
    if status is DayStatus.ABSENT:
        return "is absent that day"
    if status is DayStatus.SCHOOL:
        return "has a school day (theory) then"
    if status is DayStatus.OFF:
        return f"does not work on {weekday}s (outside their day pattern)"
    if status is DayStatus.HOLIDAY:
        name = problem.holidays.get(date, "office closed")
        if name == "office closed":
            return "the office is closed that day"
        return f"that day is a public holiday ({name})"
    if status is DayStatus.CLOSED:
        return f"the office is closed on {weekday}s"
    return f"is not available that day ({status})"
